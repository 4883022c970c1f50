"""The funding pages through HTTP: finance and project managers read them, finance writes, contractors
and residents get 403; the spending form refuses bad amounts beside the field; the public disclosure
shows totals only, never a household's name or amount."""

from __future__ import annotations

from funding.chart import Month, chart
from funding.tables import Contribution, ItemShare, Spending
from tests.integration.consultations.helpers import draft
from tests.integration.funding.helpers import allocate, make_line, make_source, ok
from tests.support import logged_in_client

PAGES = ["/projects/{p}/funding", "/projects/{p}/funding/spending", "/projects/{p}/funding/report?month=2026-03",
         "/projects/{p}/funding/alerts", "/funding"]


async def _funded(finance, project: int) -> dict:
    source = await make_source(finance, project, arrive_fen=500_000_00)
    line = await make_line(finance, project, name="建安工程费")
    allocation = ok(await allocate(finance, project, source, line, 300_000_00))
    return {"source": source, "line": line, "allocation": allocation}


def _form(client, **fields) -> dict:
    return {"_csrf_token": client.cookies.get("csrftoken"), **fields}


def _spending_form(client, allocation: int, **over) -> dict:
    return _form(client, **{"allocation_id": str(allocation), "amount": "12,345.67", "spent_on": "2026-03-05",
                            "payee": "上海某建设有限公司", "voucher_no": "记-0301", "purpose": "外墙保温进度款",
                            "kind": "payment", **over})


async def test_finance_and_managers_read_contractors_and_residents_do_not(world, client_for):
    finance = await client_for("finance")
    await _funded(finance, world.project)
    for who in ("finance", "manager"):
        client = await client_for(who)
        for page in PAGES:
            response = await client.get(page.format(p=world.project))
            assert response.status_code == 200, (who, page, response.text[:300])
    overview = await finance.get(f"/projects/{world.project}/funding")
    assert 'id="funding-chart"' in overview.text and "<polyline" in overview.text
    assert "5,000,000.00" in overview.text  # arrived, in yuan
    for who in ("contractor", "resident"):
        client = await client_for(who)
        for page in PAGES:
            response = await client.get(page.format(p=world.project), follow_redirects=False)
            assert response.status_code == 403, (who, page, response.status_code)
    manager = await client_for("manager")
    spending = await manager.get(f"/projects/{world.project}/funding/spending")
    assert 'id="spending-form"' not in spending.text  # managers read, they do not write
    refused = await manager.post(f"/projects/{world.project}/funding/spending",
                                 data=_spending_form(manager, 1), follow_redirects=False)
    assert refused.status_code == 403


async def test_spending_form_records_exact_fen_and_refuses_bad_amounts_beside_the_field(world, client_for):
    finance = await client_for("finance")
    allocation = (await _funded(finance, world.project))["allocation"]["id"]
    form = await finance.get(f"/projects/{world.project}/funding/spending")
    assert '<option value="">' in form.text  # the allocation select starts empty
    for amount, words in [("12.345", "two decimals"), ("abc", "amount in yuan"), ("", "required"), ("0", "at least")]:
        finance.cookies.set("lang", "en")
        response = await finance.post(f"/projects/{world.project}/funding/spending",
                                      data=_spending_form(finance, allocation, amount=amount), follow_redirects=False)
        assert response.status_code in (409, 422), (amount, response.status_code)
        assert 'id="amount-error"' in response.text, (amount, response.text[:500])
        assert words in response.text.split('id="amount-error"')[1][:300], amount
    missing = await finance.post(f"/projects/{world.project}/funding/spending",
                                 data=_spending_form(finance, allocation, allocation_id=""), follow_redirects=False)
    assert missing.status_code == 422 and 'id="allocation_id-error"' in missing.text
    too_much = await finance.post(f"/projects/{world.project}/funding/spending",
                                  data=_spending_form(finance, allocation, amount="3,000,000.01"), follow_redirects=False)
    assert too_much.status_code == 409 and 'role="alert"' in too_much.text
    assert await Spending.count() == 0
    done = await finance.post(f"/projects/{world.project}/funding/spending",
                              data=_spending_form(finance, allocation), follow_redirects=False)
    assert done.status_code == 303, done.text[:500]
    rows = await Spending.select(Spending.amount_fen, Spending.voucher_no)
    assert rows == [{"amount_fen": 1_234_567, "voucher_no": "记-0301"}]
    listed = await finance.get(f"/projects/{world.project}/funding/spending")
    assert "12,345.67" in listed.text and "上海某建设有限公司" in listed.text


async def test_monthly_report_saves_submits_locks_and_corrects(world, client_for):
    finance = await client_for("finance")
    await _funded(finance, world.project)
    url = f"/projects/{world.project}/funding/report?month=2026-03"
    page = await finance.get(url)
    assert "待填报" in page.text and 'data-code="104"' in page.text
    bad = await finance.post(url, data=_form(finance, gap_arranged="1.001", gap_arrangement="", remarks="",
                                             action="draft"), follow_redirects=False)
    assert bad.status_code == 422 and 'id="gap_arranged-error"' in bad.text
    saved = await finance.post(url, data=_form(finance, gap_arranged="100.00", gap_arrangement="申请市级补助",
                                               remarks="", action="draft"), follow_redirects=False)
    assert saved.status_code == 303
    assert "待提交" in (await finance.get(url)).text
    submitted = await finance.post(url, data=_form(finance, gap_arranged="100.00", gap_arrangement="申请市级补助",
                                                   remarks="", action="submit"), follow_redirects=False)
    assert submitted.status_code == 303
    locked = await finance.get(url)
    assert "已提交" in locked.text and 'id="report-form"' not in locked.text and 'id="correct-form"' in locked.text
    no_reason = await finance.post(f"/projects/{world.project}/funding/report/correct?month=2026-03",
                                   data=_form(finance, reason="", gap_arranged=""), follow_redirects=False)
    assert no_reason.status_code == 422 and 'id="reason-error"' in no_reason.text
    corrected = await finance.post(f"/projects/{world.project}/funding/report/correct?month=2026-03",
                                   data=_form(finance, reason="到位金额补录", gap_arranged=""), follow_redirects=False)
    assert corrected.status_code == 303
    again = await finance.get(url)
    assert "到位金额补录" in again.text and 'id="report-form"' in again.text


async def test_public_disclosure_shows_totals_never_a_household(world, client_for, app):
    finance, manager = await client_for("finance"), await client_for("manager")
    funded = await _funded(finance, world.project)
    consultation = ok(await manager.post(f"/api/v1/projects/{world.project}/consultations", json=draft()))
    item = consultation["items"][0]["id"]
    await ItemShare.insert(ItemShare(project=world.project, item=item, basis="flat", rate_fen=1_234_00))
    for household, paid in zip(world.households, (1_234_00, 0, 600_00)):
        await Contribution.insert(Contribution(project=world.project, household=household, item=item,
                                               due_fen=1_234_00, paid_fen=paid))
    anonymous = await logged_in_client(app, None)
    try:
        response = await anonymous.get(f"/public/funding/{world.project}")
    finally:
        await anonymous.__aexit__(None, None, None)
    assert response.status_code == 200, response.text[:300]
    assert funded["source"]["name"] in response.text and "5,000,000.00" in response.text
    contributions = response.text.split('id="public-contributions"')[1]
    assert "3,702.00" in contributions and "1,834.00" in contributions  # due and paid, in total
    for private in ("张三", "李四", "王五", "沪房地静字", "1,234.00", "600.00"):
        assert private not in response.text, private
    # The resident sees their own share and status on the phone page, and nobody else's.
    resident = await client_for("resident")
    own = await resident.get("/my/contributions")
    assert own.status_code == 200 and "1,234.00" in own.text
    assert (await finance.get("/my/contributions", follow_redirects=False)).status_code == 403


def test_chart_draws_cumulative_lines_against_the_plan():
    series = [Month("2026-01", 100_00, 0, 100_00, 0), Month("2026-02", 0, 50_00, 100_00, 50_00)]
    drawn = chart(series, plan_fen=1_000_000)
    assert drawn["lines"]["arrived"]["points"].count(",") == 2
    assert drawn["plan"]["fen"] == 1_000_000
    assert drawn["y_ticks"][-1]["label"] == "1"  # 1 万元 at the top
    assert [r["month"] for r in drawn["rows"]] == ["2026-01", "2026-02"]
    assert chart([], None)["lines"]["spent"]["points"] == ""


async def test_demo_funds_the_three_projects_with_an_idle_alarm_and_a_refused_use(clean, app):
    import httpx

    from funding.tables import FundingSource
    from tracker.demo import DEMO_PASSWORD, load_demo
    from tracker.register.tables import Project

    await load_demo()
    projects = {r["kind"]: r["id"] for r in await Project.select(Project.id, Project.kind)}
    finance = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local")
    async with finance:
        await finance.get("/health")
        finance.headers["x-csrftoken"] = finance.cookies.get("csrftoken")
        ok(await finance.post("/api/v1/auth/login", json={"username": "finance", "password": DEMO_PASSWORD}), 200)
        finance.headers["x-csrftoken"] = finance.cookies["csrftoken"]
        for project in projects.values():
            page = await finance.get(f"/projects/{project}/funding")
            assert page.status_code == 200 and "<polyline" in page.text, project
        parcel = await finance.get(f"/projects/{projects['expropriation_parcel']}/funding")
        assert parcel.text.count('class="schedule"') == 2  # the bond tranche and the policy loan
        housing = projects["resettlement_housing"]
        alerts = ok(await finance.get(f"/api/v1/funding/projects/{housing}/alerts?level=alarm"), 200)
        assert any(a["kind"] == "idle_money" for a in alerts), alerts
        lines = ok(await finance.get(f"/api/v1/projects/{housing}/funding/budget-lines"), 200)
        operating = next(line for line in lines if line["use"] == "operating_costs")
        bond = (await FundingSource.select(FundingSource.id).where(
            FundingSource.project == housing, FundingSource.kind == "special_bond").first())["id"]
        refused = await finance.post(f"/api/v1/projects/{housing}/funding/allocations", json={
            "source_id": bond, "budget_line_id": operating["id"], "amount_fen": 100, "allocated_on": "2026-01-05"})
        assert refused.status_code == 409 and refused.json()["rule"] == "special_bond_negative_list", refused.text
