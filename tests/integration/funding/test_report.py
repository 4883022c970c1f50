"""The monthly funding report: figures equal the records' sums, the fill-in workflow, roll-ups."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from funding import services
from funding.kinds import BudgetCategory, SourceKind, Use
from funding.report_schemas import CorrectionIn, ReportDraftIn
from funding.report_tables import FundingReport
from tests.integration.funding import history as h
from tracker import clock
from tracker.accounts.actor import SYSTEM
from tracker.audit.tables import AuditRecord
from tracker.errors import Conflict, Invalid
from tracker.register import services as register
from tracker.register.kinds import ProjectKind
from tracker.register.schemas import ProjectIn

MAY = dt.date(2026, 5, 1)
NOW = dt.datetime(2026, 6, 2, 3, 0, tzinfo=dt.UTC)  # 2 June, before the May report's deadline (3 June)


@pytest.fixture
def frozen():
    with clock.frozen(NOW):
        yield


async def _history(project: int) -> None:
    """Arrivals of every branch, some last year, some after May; a budget of 10,000.00 yuan."""
    await h.source(project, SourceKind.central_budget, 100_000, [(dt.date(2025, 12, 31), 40_000), (dt.date(2026, 1, 1), 10_000)])
    await h.source(project, SourceKind.ultra_long_bond, 50_000, [(dt.date(2026, 3, 15), 50_000)])
    await h.source(project, SourceKind.local_budget, 80_000, [(dt.date(2026, 5, 31), 30_000), (dt.date(2026, 6, 1), 20_000)])
    await h.source(project, SourceKind.special_bond, 200_000, [(dt.date(2026, 4, 1), 120_000)])
    await h.source(project, SourceKind.resident, 9_000, [(dt.date(2026, 2, 1), 7_000)])
    await h.source(project, SourceKind.other, 1_000, [(dt.date(2026, 2, 1), 1_000)])
    await h.source(project, SourceKind.policy_loan, 300_000, [(dt.date(2026, 5, 10), 100_000)])
    await h.line(project, 600_000)
    await h.line(project, 400_000, BudgetCategory.compensation, Use.compensation)
    await h.progress(project, dt.date(2026, 5, 20), percent="40")
    await h.progress(project, dt.date(2026, 6, 1), percent="90")  # after May: not May's progress


async def test_prefilled_figures_are_the_sums_of_the_records(world, frozen):
    await _history(world.project)
    r = await services.get_report(SYSTEM, world.project, MAY)
    got = {i.code: i.amount_fen for i in r.indicators}
    # This year up to 31 May, by branch.
    assert got["107"] == 10_000 and got["110"] == 50_000 and got["106"] == 60_000
    assert got["112"] == 30_000 and got["114"] == 120_000 and got["105"] == 210_000
    assert got["118"] == 7_000 and got["115"] == 7_000 and got["120"] == 1_000
    assert got["104"] == 218_000 and got["credit"] == 100_000
    assert r.total_investment_fen == 1_000_000
    assert r.arrived_to_date_fen == 40_000 + 10_000 + 50_000 + 30_000 + 120_000 + 7_000 + 1_000 + 100_000
    committed = 100_000 + 50_000 + 80_000 + 200_000 + 9_000 + 1_000 + 300_000
    assert r.gap_arranged_fen == committed - r.arrived_to_date_fen
    assert r.gap_fen == 1_000_000 - r.arrived_to_date_fen - r.gap_arranged_fen
    assert r.arrival_rate == Decimal("0.3580") and r.year_progress_rate == Decimal("0.4")
    assert (r.deviation, r.deviation_text) == ("normal", "正常")
    assert (r.status, r.status_text, r.version, r.deadline) == ("pending", "待填报", 0, dt.date(2026, 6, 3))
    assert await FundingReport.count() == 0  # reading writes nothing


async def test_draft_submit_lock_and_correction(world, frozen):
    await _history(world.project)
    draft = await services.save_draft(SYSTEM, world.project, MAY, ReportDraftIn(
        gap_arranged_fen=500_000, gap_arrangement="市级财政追加", remarks="初稿"))
    assert (draft.status, draft.version, draft.gap_arranged_fen) == ("draft", 1, 500_000)
    assert draft.gap_fen == 1_000_000 - 358_000 - 500_000
    # Saving again keeps what was not sent.
    again = await services.save_draft(SYSTEM, world.project, MAY, ReportDraftIn(remarks="二稿"))
    assert (again.gap_arrangement, again.remarks, again.version) == ("市级财政追加", "二稿", 1)
    submitted = await services.submit_report(SYSTEM, world.project, MAY)
    assert (submitted.status, submitted.version, submitted.late, submitted.overdue) == ("submitted", 1, False, False)
    # A May arrival recorded afterwards does not move the submitted version.
    await h.source(world.project, SourceKind.owner_unit, 5_000, [(dt.date(2026, 5, 5), 5_000)])
    frozen_r = await services.get_report(SYSTEM, world.project, MAY)
    assert {i.code: i.amount_fen for i in frozen_r.indicators}["116"] == 0
    for attempt in (services.save_draft(SYSTEM, world.project, MAY, ReportDraftIn(remarks="x")),
                    services.submit_report(SYSTEM, world.project, MAY)):
        with pytest.raises(Conflict) as refused:
            await attempt
        assert refused.value.rule == "report_submitted"
    with pytest.raises(Invalid) as refused:
        await services.correct_report(SYSTEM, world.project, MAY, CorrectionIn(reason="  "))
    assert refused.value.rule == "correction_reason_required"
    corrected = await services.correct_report(SYSTEM, world.project, MAY, CorrectionIn(reason="漏报产权单位出资"))
    assert (corrected.status, corrected.version, corrected.correction_reason) == ("draft", 2, "漏报产权单位出资")
    assert {i.code: i.amount_fen for i in corrected.indicators}["116"] == 5_000
    assert corrected.gap_arrangement == "市级财政追加"  # carried from the corrected version
    with pytest.raises(Conflict) as refused:
        await services.correct_report(SYSTEM, world.project, MAY, CorrectionIn(reason="again"))
    assert refused.value.rule == "report_not_submitted"
    await services.submit_report(SYSTEM, world.project, MAY)
    versions = await services.list_versions(SYSTEM, world.project, MAY)
    assert [(v.version, v.status, v.indicators[0].amount_fen) for v in versions] == [
        (1, "submitted", 218_000), (2, "submitted", 223_000)]
    actions = [r["action"] for r in await AuditRecord.select(AuditRecord.action).order_by(AuditRecord.seq)
               if r["action"].startswith("funding.report")]
    assert actions == ["funding.report_draft", "funding.report_draft", "funding.report_submit",
                       "funding.report_correct", "funding.report_submit"]


async def test_deadline_overdue_and_late(world):
    with clock.frozen(dt.datetime(2026, 6, 3, 15, 0, tzinfo=dt.UTC)):  # 3 June 23:00 in Shanghai: still in time
        assert (await services.get_report(SYSTEM, world.project, MAY)).overdue is False
    with clock.frozen(dt.datetime(2026, 6, 3, 16, 30, tzinfo=dt.UTC)):  # 4 June 00:30 in Shanghai
        assert (await services.get_report(SYSTEM, world.project, MAY)).overdue is True
        r = await services.submit_report(SYSTEM, world.project, MAY)
        assert (r.late, r.overdue) == (True, False)


async def test_a_month_not_begun_cannot_be_filled(world, frozen):
    with pytest.raises(Invalid) as refused:
        await services.save_draft(SYSTEM, world.project, dt.date(2026, 7, 1), ReportDraftIn())
    assert refused.value.rule == "month_not_begun"


async def test_rollup_sums_latest_submitted_or_prefilled_by_district_and_programme(world, frozen):
    await _history(world.project)  # 静安区, retrofit
    third = (await register.create_project(SYSTEM, ProjectIn(
        code="P3", name="第三项目", kind=ProjectKind.retrofit, district="黄浦区"))).id
    await h.source(third, SourceKind.central_subsidy, 70_000, [(dt.date(2026, 4, 1), 60_000)])
    await h.line(third, 50_000)
    await h.source(world.other_project, SourceKind.owner_unit, 10_000, [(dt.date(2026, 1, 5), 10_000)])
    await services.submit_report(SYSTEM, third, MAY, ReportDraftIn(gap_arranged_fen=0))
    # Recorded after P3's submission: the roll-up keeps P3's submitted figures.
    await h.source(third, SourceKind.central_subsidy, 1_000, [(dt.date(2026, 5, 2), 1_000)])
    per_project = {p: await services.get_report(SYSTEM, p, MAY) for p in (world.project, third, world.other_project)}
    by_district = await services.rollup(SYSTEM, MAY, "district")
    rows = {r.group: r for r in by_district.rows}
    assert set(rows) == {"静安区", "黄浦区", ""}
    assert rows["黄浦区"].indicators["108"] == 60_000 and rows["黄浦区"].submitted == 1
    assert rows["静安区"].indicators == {i.code: i.amount_fen for i in per_project[world.project].indicators}
    for field in ("total_investment_fen", "arrived_to_date_fen", "gap_fen", "gap_arranged_fen"):
        assert getattr(by_district.total, field) == sum(getattr(r, field) for r in per_project.values())
    assert by_district.total.indicators["104"] == sum(r.indicators[0].amount_fen for r in per_project.values())
    by_kind = await services.rollup(SYSTEM, MAY, "programme")
    kinds = {r.group: r for r in by_kind.rows}
    assert kinds["retrofit"].projects == 2 and kinds["expropriation_parcel"].indicators["116"] == 10_000
    assert by_kind.total.indicators == by_district.total.indicators
    # A member sees only their projects.
    from tracker.accounts.actor import Actor
    from tracker.accounts.roles import Role
    manager = Actor(id=None, username="m", name="m", role=Role.project_manager, project_ids=frozenset({third}))
    mine = await services.rollup(manager, MAY, "district")
    assert [r.group for r in mine.rows] == ["黄浦区"]


@pytest.mark.engines_only("postgres")
async def test_concurrent_submissions_make_one_version(world, frozen):
    import asyncio

    await _history(world.project)
    results = await asyncio.gather(*(services.submit_report(SYSTEM, world.project, MAY) for _ in range(10)),
                                   return_exceptions=True)
    done = [r for r in results if not isinstance(r, Exception)]
    assert len(done) == 1 and all(isinstance(r, Conflict) for r in results if isinstance(r, Exception))
    rows = await FundingReport.select(FundingReport.version, FundingReport.status)
    assert rows == [{"version": 1, "status": "submitted"}]
