"""The report and alerts API: who may do what, problem details naming field and rule, the exports."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from funding.kinds import SourceKind
from tests.integration.funding import history as h
from tracker import clock

URL = "/api/v1/funding/projects/{}/monthly-report"
NOW = dt.datetime(2026, 6, 2, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def frozen():
    with clock.frozen(NOW):
        yield


async def test_fill_submit_and_locked(world, client_for, frozen):
    await h.line(world.project, 100_000)
    await h.source(world.project, SourceKind.special_bond, 80_000, [(dt.date(2026, 5, 3), 50_000)])
    finance = await client_for("finance")
    url = URL.format(world.project)
    got = await finance.get(url, params={"month": "2026-05"})
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["status"] == "pending" and body["indicators"][0] == {
        "code": "104", "label": "本年实际到位资金", "depth": 0, "amount_fen": 50_000}
    saved = await finance.put(url, params={"month": "2026-05"}, json={"gap_arranged_fen": 10_000, "gap_arrangement": "区财政"})
    assert saved.status_code == 200 and saved.json()["gap_fen"] == 40_000
    submitted = await finance.post(url + "/submit", params={"month": "2026-05"})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    refused = await finance.put(url, params={"month": "2026-05"}, json={"remarks": "改"})
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert (refused.json()["rule"], refused.json()["field"]) == ("report_submitted", "status")
    no_reason = await finance.post(url + "/correct", params={"month": "2026-05"}, json={"reason": ""})
    assert no_reason.status_code == 400 and "reason" in no_reason.text
    corrected = await finance.post(url + "/correct", params={"month": "2026-05"}, json={"reason": "补录"})
    assert corrected.status_code == 201 and corrected.json()["version"] == 2
    versions = await finance.get(url + "/versions", params={"month": "2026-05"})
    assert [v["status"] for v in versions.json()] == ["submitted", "draft"]


async def test_bad_input_names_the_field(world, client_for, frozen):
    finance = await client_for("finance")
    url = URL.format(world.project)
    assert (await finance.get(url)).status_code == 400  # month is required
    bad = await finance.get(url, params={"month": "2026-13"})
    assert bad.status_code == 422 and bad.json()["field"] == "month"
    far = await finance.get(url, params={"month": "9999-12"})
    assert far.status_code == 422 and far.json()["rule"] == "month_range"
    future = await finance.put(url, params={"month": "2026-07"}, json={})
    assert future.status_code == 422 and future.json()["rule"] == "month_not_begun"
    negative = await finance.put(url, params={"month": "2026-05"}, json={"gap_arranged_fen": -1})
    assert negative.status_code == 400 and "gap_arranged_fen" in negative.text
    unknown = await finance.put(url, params={"month": "2026-05"}, json={"gap_fen": 0})
    assert unknown.status_code == 400
    admin = await client_for("admin")  # others meet the membership guard (403) before the 404
    missing = await admin.get(URL.format(999_999), params={"month": "2026-05"})
    assert missing.status_code == 404 and missing.json()["field"] == "project_id"
    rollup = await finance.get("/api/v1/funding/monthly-reports/rollup", params={"month": "2026-05", "by": "street"})
    assert rollup.status_code == 400


async def test_roles_read_and_write(world, client_for, frozen):
    url = URL.format(world.project)
    manager = await client_for("manager")
    assert (await manager.get(url, params={"month": "2026-05"})).status_code == 200
    assert (await manager.put(url, params={"month": "2026-05"}, json={})).status_code == 403
    contractor = await client_for("contractor")
    assert (await contractor.get(url, params={"month": "2026-05"})).status_code == 403
    assert (await contractor.get("/api/v1/funding/alerts")).status_code == 403
    outsider_finance = await client_for("finance")
    assert (await outsider_finance.get(URL.format(world.other_project), params={"month": "2026-05"})).status_code == 403
    anonymous = await client_for(None)
    assert (await anonymous.get(url, params={"month": "2026-05"})).status_code == 401


async def test_exports_and_alerts(world, client_for, frozen):
    await h.line(world.project, 100_000)
    await h.source(world.project, SourceKind.central_subsidy, 80_000, [(dt.date(2025, 6, 1), 50_000)])
    from funding import services

    await services.run_monitors(clock.today())
    finance = await client_for("finance")
    xlsx = await finance.get(URL.format(world.project) + ".xlsx", params={"month": "2026-05"})
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content))["资金月报"]
    cells = {row[0]: row for row in sheet.iter_rows(values_only=True)}
    assert cells["104"][1] == "本年实际到位资金" and cells["108"][3] == 0  # arrived last year
    pdf = await finance.get(URL.format(world.project) + ".pdf", params={"month": "2026-05"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    roll = await finance.get("/api/v1/funding/monthly-reports/rollup.xlsx", params={"month": "2026-05"})
    assert roll.status_code == 200
    alerts = (await finance.get(f"/api/v1/funding/projects/{world.project}/alerts")).json()
    assert {(a["kind"], a["level"]) for a in alerts} == {("idle_money", "alarm"), ("gap_unarranged", "warning")}
    portfolio = (await finance.get("/api/v1/funding/alerts", params={"level": "alarm"})).json()
    assert [a["kind_text"] for a in portfolio] == ["资金闲置"]
    admin = await client_for("admin")
    assert (await admin.get("/api/v1/funding/projects/999999/alerts")).status_code == 404
