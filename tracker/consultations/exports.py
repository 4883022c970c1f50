"""Results as CSV and XLSX, in the posted layout: groups, subtotals, total, per item."""

from __future__ import annotations

import asyncio
import base64
import io
from decimal import Decimal

import segno

from tracker import spreadsheets
from tracker.consultations import services

COLUMNS = [
    ("roll_titles", "权证数"), ("roll_heads", "总人数"), ("roll_area", "总面积(㎡)"),
    ("returned_titles", "回收票数"), ("agree_titles", "同意"), ("oppose_titles", "反对"),
    ("abstain_titles", "弃权"), ("invalid_titles", "废票"), ("not_voted_titles", "未表决"),
    ("participating_heads", "参与人数"), ("participating_area", "参与面积(㎡)"),
    ("agree_heads", "同意人数"), ("agree_area", "同意面积(㎡)"),
    ("participation_rate_heads", "参与率(人数)"), ("participation_rate_area", "参与率(面积)"),
    ("agree_rate_heads", "同意率(人数)"), ("agree_rate_area", "同意率(面积)"), ("agree_rate_roll", "同意率(全部权证)"),
]
LEVELS = {"group": "", "subtotal": "小计", "total": "合计"}


AREA_KEYS = {"roll_area", "participating_area", "agree_area"}


def _figure(key: str, value: object) -> object:
    # Counts and areas are numbers in the sheet (areas come as exact decimal text); rates stay text.
    if key in AREA_KEYS and isinstance(value, str):
        return Decimal(value)
    return value


async def result_table(consultation_id: int, dims: tuple[str, ...]) -> tuple[list[str], list[list[object]]]:
    result = await services.results_for(consultation_id, dims)
    header = ["事项", "结果", "行", *dims, *(zh for _, zh in COLUMNS)]
    rows: list[list[object]] = []
    for item in result["items"]:
        name = f"{item['item']['position']}. {item['item']['description']}"
        verdict = "通过" if item["passed"] else "未通过"
        lines = item["rows"] or [{"level": "total", "labels": {}, **item["totals"]}]
        for line in lines:
            rows.append([
                name, verdict, LEVELS[line["level"]], *(line["labels"].get(d, "") for d in dims),
                *(_figure(key, line[key]) for key, _ in COLUMNS),
            ])
    if result["non_voters_notice"]:
        rows.append([result["non_voters_notice"]])
    return header, rows


async def results_csv(consultation_id: int, dims: tuple[str, ...]) -> bytes:
    header, rows = await result_table(consultation_id, dims)
    return spreadsheets.write_csv(header, rows)


async def results_xlsx(consultation_id: int, dims: tuple[str, ...]) -> bytes:
    header, rows = await result_table(consultation_id, dims)
    return await asyncio.to_thread(spreadsheets.write_xlsx, spreadsheets.Sheet("表决结果", header, rows))


DIMENSION_NAMES = {"kind": "类别", "office": "征收事务所", "subdistrict": "街道", "building": "楼栋", "stairwell": "单元"}
KIND_NAMES = {"resident": "居民", "work_unit": "单位", "developer_unsold": "开发建设单位未售部分"}
RULE_TEXT = {
    "roll_share": "同意的权证数达到全部权证的 {p} 以上",
    "art278_major": "民法典第二百七十八条重大事项：参与表决的专有部分面积和人数均占三分之二以上，且同意的面积和人数均占参与表决的四分之三以上",
    "art278_ordinary": "民法典第二百七十八条一般事项：参与表决的专有部分面积和人数均占三分之二以上，且同意的面积和人数均占参与表决的过半数",
}


async def publicity_pdf(consultation_id: int, dims: tuple[str, ...]) -> bytes:
    """The publicity sheet (公示) with the audit-chain head hash at printing."""
    from tracker import clock
    from tracker.audit.services import head_hash
    from tracker.documents.render import render_pdf
    from tracker.register.tables import Project

    consultation = await services.get_consultation(consultation_id)
    results = await services.results_for(consultation_id, dims)
    project = (await Project.select(Project.name).where(Project.id == consultation.project_id))[0]["name"]
    return await render_pdf("consultations/print/publicity.html", {
        "c": consultation, "results": results, "project_name": project, "number": f"公示-{consultation_id}",
        "title": consultation.title, "dim_names": DIMENSION_NAMES, "kind_names": KIND_NAMES,
        "rule_text": RULE_TEXT[consultation.rule_key].format(**consultation.rule_params),
        "head_hash": await head_hash(),
        "printed_at": clock.local(clock.now()).strftime("%Y-%m-%d %H:%M"),
    })


async def letters_pdf(consultation_id: int) -> bytes:
    """Voting letters for every title on the roll as one PDF, one page each."""
    from tracker.documents.render import render_pdf
    from tracker.register.tables import Project
    from tracker.settings import get_settings

    consultation = await services.get_consultation(consultation_id)
    letters = await services.voting_letters(consultation_id)
    project = (await Project.select(Project.name).where(Project.id == consultation.project_id))[0]["name"]
    vote_url = get_settings().public_base_url.rstrip("/") + "/vote"
    return await render_pdf("consultations/print/letters.html", {
        "c": consultation, "letters": letters, "project_name": project, "number": f"告知书-{consultation_id}",
        "title": consultation.title, "vote_url": vote_url, "vote_qr_src": _qr_data_uri(vote_url),
    })


def _qr_data_uri(text: str) -> str:
    # One identical image URL on every page: WeasyPrint decodes it once, not once per letter.
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=4, border=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
