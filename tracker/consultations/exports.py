"""Results as CSV and XLSX, in the posted layout: groups, subtotals, total, per item."""

from __future__ import annotations

import asyncio
import csv
import io

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


async def result_table(consultation_id: int, dims: tuple[str, ...]) -> tuple[list[str], list[list[str]]]:
    result = await services.results_for(consultation_id, dims)
    header = ["事项", "结果", "行", *dims, *(zh for _, zh in COLUMNS)]
    rows: list[list[str]] = []
    for item in result["items"]:
        name = f"{item['item']['position']}. {item['item']['description']}"
        verdict = "通过" if item["passed"] else "未通过"
        lines = item["rows"] or [{"level": "total", "labels": {}, **item["totals"]}]
        for line in lines:
            rows.append([
                name, verdict, LEVELS[line["level"]], *(line["labels"].get(d, "") for d in dims),
                *(str(line[key]) for key, _ in COLUMNS),
            ])
    if result["non_voters_notice"]:
        rows.append([result["non_voters_notice"]])
    return header, rows


async def results_csv(consultation_id: int, dims: tuple[str, ...]) -> bytes:
    header, rows = await result_table(consultation_id, dims)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens Chinese CSV correctly


def _xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "表决结果"
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value: str):
    # Counts and areas go in as numbers text-exactly; rates and labels stay text.
    try:
        return int(value)
    except ValueError:
        return value


async def results_xlsx(consultation_id: int, dims: tuple[str, ...]) -> bytes:
    header, rows = await result_table(consultation_id, dims)
    return await asyncio.to_thread(_xlsx, header, rows)
