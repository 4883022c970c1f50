"""CSV and XLSX exports written so that no text a user typed can run as a formula in a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Excel, LibreOffice and Google Sheets start a formula (or a DDE call) at any of these (OWASP, CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A cell as every export writes it: text that a spreadsheet would read as a formula gets a leading
    single quote, which shows it as the text it is; numbers, Decimals, dates and None pass unchanged
    (a negative number is a number, not a formula)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """UTF-8 with a BOM (so Excel shows Chinese), every cell through `safe_cell`; None is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else safe_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


@dataclass(frozen=True, slots=True)
class Sheet:
    """One worksheet of an XLSX export: its tab name, header row, rows and optional column widths."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[object]]
    widths: Sequence[float] = ()


def write_xlsx(*sheets: Sheet) -> bytes:
    """A workbook with the given sheets; every text cell is a string cell (never a formula) holding
    `safe_cell`'s text, numbers stay numbers."""
    book = Workbook(write_only=True)
    for spec in sheets:
        sheet = book.create_sheet(spec.title)
        for i, width in enumerate(spec.widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
        sheet.append([_xlsx_cell(sheet, h) for h in spec.header])
        for row in spec.rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(sheet, value: object) -> object:
    if not isinstance(value, str):
        return value
    # XML 1.0 cannot hold most control characters; openpyxl would raise on them mid-export. They are
    # dropped before the formula check so that what is left is what gets checked.
    text = safe_cell(ILLEGAL_CHARACTERS_RE.sub("", value))
    cell = WriteOnlyCell(sheet, value=text)
    # openpyxl stores any str starting with "=" as a formula; a string cell is always shown as text.
    cell.data_type = "s"
    return cell
