"""Results as CSV and XLSX, in the posted layout: groups, subtotals, total, per item."""

from __future__ import annotations

import asyncio
import re
from decimal import Decimal
from urllib.parse import urlencode

from markupsafe import Markup, escape

from tracker import spreadsheets
from tracker.accounts.roles import RESIDENT_OFFICE
from tracker.consultations import services
from tracker.errors import Conflict
from tracker.export_jobs.kinds import ExportKind, ExportPlan, Piece

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


# The label column of the posting layout's office, named as the project's kind posts it: a retrofit
# estate's titles are kept by residents' committees (居委), an expropriation's by its offices (征收事务所).
OFFICE_NAMES = {"retrofit": "居委", "expropriation_parcel": "征收事务所", "resettlement_housing": "征收事务所"}


def posted_rows(rows: list[dict], dims: tuple[str, ...]) -> list[dict]:
    """The rows as offices post them: a subtotal whose group holds a single row one level down says
    nothing that row does not, so it is left out (the total always stays)."""
    children: dict[tuple, set[tuple]] = {}
    for row in rows:
        key = tuple(row["labels"].get(d) for d in dims if d in row["labels"])
        if row["level"] != "total" and key:
            children.setdefault(key[:-1], set()).add(key)
    out = []
    for row in rows:
        key = tuple(row["labels"].get(d) for d in dims if d in row["labels"])
        if row["level"] == "subtotal" and len(children.get(key, ())) <= 1:
            continue
        out.append(row)
    return out


_BRACKETED = re.compile(r"[（(][^（）()]*[）)]")


def keep_brackets(text: str) -> Markup:
    """Text as HTML whose parenthesised parts never break across lines (a title's "（第二轮）")."""
    return Markup(_BRACKETED.sub(lambda m: f'<span class="nowrap">{m.group(0)}</span>', str(escape(text))))


async def publicity_pdf(consultation_id: int, dims: tuple[str, ...]) -> bytes:
    """The publicity sheet (公示) with the audit-chain head hash at printing."""
    from tracker import clock
    from tracker.audit.services import head_hash
    from tracker.documents.render import render_pdf
    from tracker.register.tables import Project

    consultation = await services.get_consultation(consultation_id)
    results = await services.results_for(consultation_id, dims)
    for item in results["items"]:
        item["rows"] = posted_rows(item["rows"], tuple(results["dimensions"]))
    project = (await Project.select(Project.name, Project.kind).where(Project.id == consultation.project_id))[0]
    return await render_pdf("consultations/print/publicity.html", {
        "c": consultation, "results": results, "project_name": project["name"], "number": f"公示-{consultation_id}",
        "title": consultation.title, "heading": keep_brackets(consultation.title) + Markup(' <span class="nowrap">表决结果公示</span>'),
        "dim_names": {**DIMENSION_NAMES, "office": OFFICE_NAMES.get(project["kind"], DIMENSION_NAMES["office"])},
        "kind_names": KIND_NAMES,
        "rule_text": RULE_TEXT[consultation.rule_key].format(**consultation.rule_params),
        "head_hash": await head_hash(),
        "printed_at": clock.local(clock.now()).strftime("%Y-%m-%d %H:%M"),
    })


LETTERS_PER_PART = 50  # letters rendered by one worker at a time: a job's progress moves per part
# Above this many titles the letters are made only in the background (POST …/voting-letters), so no
# request waits minutes for its answer.
SYNC_LETTERS_LIMIT = 200
LETTERS_KIND = "consultation.voting_letters"


async def letters_plan(consultation_id: int) -> ExportPlan:
    """Voting letters for every title on the roll, one page each, in parts of LETTERS_PER_PART.

    Each letter's QR code opens `<PUBLIC_BASE_URL>/vote?code=<its code>`, the ballot with the code
    filled in; the code is printed too, for typing."""
    from tracker.register.tables import Project
    from tracker.settings import get_settings

    consultation = await services.get_consultation(consultation_id)
    letters = await services.voting_letters(consultation_id)
    project = (await Project.select(Project.name).where(Project.id == consultation.project_id))[0]["name"]
    vote_url = get_settings().public_base_url.rstrip("/") + "/vote"
    for letter in letters:
        letter["vote_link"] = f"{vote_url}?{urlencode({'code': letter['code']})}"
    shared = {"c": consultation, "project_name": project, "number": f"告知书-{consultation_id}",
              "title": consultation.title, "vote_url": vote_url}
    template = "consultations/print/letters.html"
    pieces = [Piece(template, {**shared, "letters": letters[n:n + LETTERS_PER_PART]},
                    len(letters[n:n + LETTERS_PER_PART])) for n in range(0, len(letters), LETTERS_PER_PART)]
    return ExportPlan(project_id=consultation.project_id, filename=f"consultation-{consultation_id}-letters.pdf",
                      pieces=pieces or [Piece(template, {**shared, "letters": []}, 0)])


async def letters_pdf(consultation_id: int) -> bytes:
    """The voting letters in this request, for a roll of at most SYNC_LETTERS_LIMIT titles."""
    from tracker.export_jobs import services as export_jobs

    plan = await letters_plan(consultation_id)
    if plan.total > SYNC_LETTERS_LIMIT:
        raise Conflict(
            "The roll has {n} titles: letters for more than {limit} are made in the background "
            "(POST /api/v1/consultations/{id}/voting-letters).",
            rule="export_in_background", n=plan.total, limit=SYNC_LETTERS_LIMIT, id=consultation_id)
    return await export_jobs.make_now(plan)


EXPORT_KINDS = {
    LETTERS_KIND: ExportKind(name=LETTERS_KIND, title="Voting letters", roles=RESIDENT_OFFICE,
                             plan=lambda _actor, consultation_id: letters_plan(consultation_id),
                             subject_path="/consultations/{id}"),
}
