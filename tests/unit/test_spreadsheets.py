"""The one cell rule of every export: text that starts like a formula is quoted, numbers stay numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tracker import spreadsheets

DANGEROUS = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_starting_like_a_formula_gets_a_quote(text):
    assert spreadsheets.safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [-5, -1.5, Decimal("-80.50"), 0, None, dt.date(2026, 1, 2), "张三", "", " =1", "a=1"])
def test_numbers_and_plain_text_pass_unchanged(value):
    assert spreadsheets.safe_cell(value) == value


def test_csv_quotes_text_and_leaves_numbers():
    data = spreadsheets.write_csv(["文本", "数"], [[t, -3] for t in DANGEROUS] + [[None, Decimal("-1.25")]])
    assert data.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert header == ["文本", "数"]
    assert rows == [["'" + t, "-3"] for t in DANGEROUS] + [["", "-1.25"]]


def test_xlsx_text_is_never_a_formula_and_numbers_stay_numbers():
    rows = [[t, -3, Decimal("-1.25")] for t in DANGEROUS] + [["=SUM(B1:B6)\x01\x0b", None, 7]]
    data = spreadsheets.write_xlsx(
        spreadsheets.Sheet("一", ["文本", "整数", "小数"], rows, widths=[30, 8, 8]),
        spreadsheets.Sheet("二", ["=x"], [["@y"]]),
    )
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames == ["一", "二"]
    first = book["一"]
    assert first.column_dimensions["A"].width == 30
    texts = [row[0] for row in first.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in texts)
    # XML reads a bare carriage return back as a line feed.
    assert [c.value for c in texts] == ["'" + t.replace("\r", "\n") for t in DANGEROUS] + ["'=SUM(B1:B6)"]
    numbers = [c for row in first.iter_rows(min_row=2, max_row=7, min_col=2) for c in row]
    assert [(c.value, c.data_type) for c in numbers] == [(-3, "n"), (-1.25, "n")] * len(DANGEROUS)
    assert [[c.value for c in row] for row in book["二"].iter_rows()] == [["'=x"], ["'@y"]]


def test_xlsx_never_writes_a_formula_element():
    data = spreadsheets.write_xlsx(spreadsheets.Sheet("s", ["h"], [[t] for t in DANGEROUS]))
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml")
    assert b"<f>" not in sheet_xml and b'<c r="A2" t="inlineStr">' in sheet_xml
