"""Import of sources (with tranches) and of spending history, all or nothing with every bad row named;
export of every funding table as CSV and as one workbook, formula-safe, money in integer fen."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import Workbook, load_workbook

from funding.exports import TABLES
from funding.tables import BondTranche, FundingSource, Spending
from tests.integration.funding.helpers import API, allocate, make_line, make_source, ok, problem

pytestmark = pytest.mark.asyncio

SOURCE_HEADER = ["kind", "name", "reference", "committed_fen", "approved_on", "allowed_uses", "bond_code",
                 "issue_date", "coupon_rate", "tenor_years", "frequency"]
SPENDING_HEADER = ["source_reference", "budget_line", "kind", "spent_on", "amount_fen", "payee", "voucher_no",
                   "purpose", "from_voucher_no"]


def xlsx(header: list[str], rows: list[list]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def upload(client, url: str, content: bytes, name: str = "funding.xlsx"):
    return await client.post(url, files={"file": (name, content, "application/octet-stream")})


async def test_sources_import_all_or_nothing_naming_every_bad_row(world, client_for):
    finance = await client_for("finance")
    url = f"{API}/projects/{world.project}/funding/import/sources"
    bad = xlsx(SOURCE_HEADER, [
        ["local_budget", "市级财政", "沪财〔2026〕1号", 100000, "2026-01-10", "", None, None, None, None, None],
        ["local_budget", "区级财政", "沪财〔2026〕2号", "abc", "2026-01-10", "", None, None, None, None, None],
        ["special_bond", "专项债", "2026-SH-01", 300000, "2026-01-10", "construction, wages", "2026-SH-01",
         "2026-02-15", "0.0233", 20, "semi_annual"],
        ["policy_loan", "国开行贷款", "L-1", 500000, "2026-01-10", "", None, None, None, None, None],
        ["local_budget", "市级财政又一行", "沪财〔2026〕1号", 100, "2026-01-10", "", None, None, None, None, None],
        ["special_bond", "专项债二", "2026-SH-02", 300000, "2026-01-10", "", None, "2026-02-15", "0.0233", 20,
         "semi_annual"],
    ])
    body = problem(await upload(finance, url, bad), 422, "import_rows", "file")
    assert {(e["row"], e["column"]) for e in body["errors"]} == {
        (3, "committed_fen"), (4, "allowed_uses"), (5, "kind"), (6, "reference"), (7, "bond_code")}
    assert await FundingSource.count() == 0
    good = xlsx(SOURCE_HEADER, [
        ["local_budget", "市级财政", "沪财〔2026〕1号", 100000, "2026-01-10", "construction", None, None, None, None,
         None],
        ["special_bond", "专项债", "2026-SH-01", 300000, "2026-01-10", "", "2026-SH-01", "2026-02-15", "0.0233", 20,
         "semi_annual"],
    ])
    assert ok(await upload(finance, url, good), 200) == {"imported": 2}
    sources = ok(await finance.get(f"{API}/projects/{world.project}/funding/sources"), 200)
    assert [(s["kind"], s["committed_fen"], s["allowed_uses"]) for s in sources][0] == (
        "local_budget", 100000, ["construction"])
    assert sources[1]["tranche"]["tenor_years"] == 20 and await BondTranche.count() == 1
    # The same file again: every row is already there.
    body = problem(await upload(finance, url, good), 422, "import_rows")
    assert [e["row"] for e in body["errors"]] == [2, 3]
    missing = problem(await upload(finance, url, xlsx(["kind", "name"], [["other", "x"]])), 422, "import_rows")
    assert {e["column"] for e in missing["errors"]} == {"reference", "committed_fen", "approved_on"}
    problem(await upload(finance, url, b"not a workbook", "x.xlsx"), 422, "file_type")


async def test_spending_history_import_all_or_nothing(world, client_for):
    finance = await client_for("finance")
    p = world.project
    source = await make_source(finance, p, committed_fen=1_000_00, arrive_fen=1_000_00, reference="沪财〔2026〕1号")
    line = await make_line(finance, p, "construction", 1_000_00, name="建安工程费")
    allocation = ok(await allocate(finance, p, source, line, 500_00))
    url = f"{API}/projects/{p}/funding/import/spending"
    ref = "沪财〔2026〕1号"
    bad = xlsx(SPENDING_HEADER, [
        [ref, "建安工程费", "payment", "2026-03-01", 100_00, "甲公司", "V-1", "进度款", None],
        [ref, "不存在的概算行", "payment", "2026-03-01", 1_00, "甲公司", "V-2", "进度款", None],
        [ref, "建安工程费", "payment", "2026-03-02", 400_01, "乙公司", "V-3", "进度款", None],
        [ref, "建安工程费", "payment", "2026-03-02", 1_00, "乙公司", "V-1", "进度款", None],
        [ref, "建安工程费", "payment", "2026-03-02", -5, "乙公司", "V-4", "进度款", None],
        [ref, "建安工程费", "payment", "2026-03-02", 1_00, "乙公司", "V-5", "进度款", "T-404"],
    ])
    body = problem(await upload(finance, url, bad), 422, "import_rows")
    assert [(e["row"], e["column"]) for e in body["errors"]] == [
        (3, "source_reference"), (4, "amount_fen"), (5, "voucher_no"), (6, "amount_fen"), (7, "from_voucher_no")]
    assert await Spending.count() == 0
    row = ok(await finance.get(f"{API}/funding/allocations/{allocation['id']}"), 200)
    assert row["spent_fen"] == 0
    good = xlsx(SPENDING_HEADER, [
        [ref, "建安工程费", "payment", "2026-03-01", 100_00, "甲公司", "V-1", "进度款", None],
        [ref, "建安工程费", "transfer", "2026-03-05", 300_00, "区建管中心", "T-1", "拨付", None],
        [ref, "建安工程费", "payment", "2026-04-01", 120_00, "乙公司", "V-2", "材料款", "T-1"],
    ])
    assert ok(await upload(finance, url, good), 200) == {"imported": 3}
    row = ok(await finance.get(f"{API}/funding/allocations/{allocation['id']}"), 200)
    assert (row["spent_fen"], row["transferred_fen"]) == (220_00, 180_00)


async def test_every_table_exports_as_csv_and_in_one_workbook(world, client_for):
    finance = await client_for("finance")
    p = world.project
    source = await make_source(finance, p, committed_fen=1_000_00, arrive_fen=800_00, name="=HYPERLINK(\"x\")")
    await make_source(finance, p, kind="policy_loan", committed_fen=5_000_00, reference="L-1")
    line = await make_line(finance, p, "construction", 1_000_00)
    allocation = ok(await allocate(finance, p, source, line, 600_00))
    ok(await finance.post(f"{API}/funding/allocations/{allocation['id']}/spending", json={
        "amount_fen": 123_45, "spent_on": "2026-03-01", "payee": "-甲公司", "voucher_no": "V-1", "purpose": "进度款"}))
    response = await finance.get(f"{API}/projects/{p}/funding/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == list(TABLES)
    spending = list(book["spending"].iter_rows(values_only=True))
    header = spending[0]
    assert spending[1][header.index("amount_fen")] == 123_45  # integer fen, a number
    assert spending[1][header.index("payee")] == "'-甲公司"
    assert list(book["rate_resets"].iter_rows(values_only=True))[1][2] is not None
    text = await finance.get(f"{API}/projects/{p}/funding/export/sources")
    assert text.status_code == 200 and text.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(text.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "kind", "name"] and rows[1][2] == "'=HYPERLINK(\"x\")"
    assert rows[1][rows[0].index("arrived_fen")] == "80000"
    for table in TABLES:
        assert (await finance.get(f"{API}/projects/{p}/funding/export/{table}")).status_code == 200, table
    problem(await finance.get(f"{API}/projects/{p}/funding/export/users"), 422, "table_known", "table")
