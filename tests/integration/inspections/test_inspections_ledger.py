"""The rectification ledger: filters, counts per contractor and status, CSV and XLSX exports."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.integration.inspections.helpers import API, file_issue, in_days, issue_notice

pytestmark = pytest.mark.asyncio


async def test_ledger_filters_and_counts(world, client_for):
    inspector = await client_for("inspector")
    contractor = await client_for("contractor")
    a = await file_issue(inspector, world)
    b = await file_issue(inspector, world, severity="serious", category="hollowing", description="空鼓")
    await file_issue(inspector, world, kind="safety", category="railing", description="栏杆松动")
    await issue_notice(inspector, world, [a["id"], b["id"]])
    ledger = (await inspector.get(f"{API}/projects/{world.project}/ledger")).json()
    assert ledger["total"] == 3
    counts = {(c["responsible_org"], c["status"]): c["count"] for c in ledger["counts"]}
    assert counts == {("Builder Co", "open"): 1, ("Builder Co", "rectifying"): 2}
    rectifying = (await inspector.get(f"{API}/projects/{world.project}/ledger?status=rectifying")).json()
    assert {i["id"] for i in rectifying["items"]} == {a["id"], b["id"]}
    serious = (await inspector.get(f"{API}/projects/{world.project}/ledger?severity=serious")).json()
    assert [i["id"] for i in serious["items"]] == [b["id"]]
    safety = (await inspector.get(f"{API}/projects/{world.project}/issues?kind=safety")).json()
    assert safety["total"] == 1
    assert (await inspector.get(f"{API}/projects/{world.project}/issues?overdue=true")).json()["total"] == 0
    assert [i["id"] for i in (await inspector.get(f"{API}/projects/{world.project}/issues?q=空鼓")).json()["items"]] == [b["id"]]
    assert (await contractor.get(f"{API}/projects/{world.project}/issues?ball=contractor")).json()["total"] == 2
    page = (await inspector.get(f"{API}/projects/{world.project}/issues?limit=2&offset=2")).json()
    assert page["total"] == 3 and len(page["items"]) == 1
    assert (await inspector.get(f"{API}/projects/{world.project}/issues?limit=1000")).status_code == 400

    text = (await inspector.get(f"{API}/projects/{world.project}/ledger.csv?status=rectifying")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["编号", "通知单号", "部位"] and len(rows) == 3
    workbook = load_workbook(io.BytesIO((await inspector.get(f"{API}/projects/{world.project}/ledger.xlsx")).content))
    assert workbook["整改台账"].max_row == 4 and workbook["统计"]["A2"].value == "Builder Co"

    dashboard = (await inspector.get(f"{API}/projects/{world.project}/dashboard")).json()
    assert sum(r["open"] for r in dashboard["rows"]) == 3 and dashboard["stop"]["stopped"] is False
