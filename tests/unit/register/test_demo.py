"""The demo data: its size, its people and kinds, and a working login for every role."""

from __future__ import annotations

import pytest

from tracker import audit
from tracker.accounts.roles import OrganisationKind, Role
from tracker.accounts.services import log_in
from tracker.accounts.tables import Membership, Organisation, User
from tracker.demo import DEMO_USERS, HOUSING, PARCEL, RETROFIT, load_demo
from tracker.errors import Conflict
from tracker.register.tables import Building, FileEntry, Household


async def test_demo_loads_the_three_projects_and_a_user_per_role(clean):
    summary = await load_demo()
    projects = {p.code: p for p in summary.projects}

    retrofit = projects[RETROFIT]
    assert 1100 <= retrofit.households <= 1300 and retrofit.dwellings == retrofit.households
    assert retrofit.buildings == 20
    retrofit_rows = await Household.select(Household.owner_key, Household.kind).where(Household.project == retrofit.id)
    resident_keys = [r["owner_key"] for r in retrofit_rows if r["kind"] == "resident"]
    assert len(resident_keys) - len(set(resident_keys)) >= 5  # owners of two flats
    assert sum(r["kind"] == "developer_unsold" for r in retrofit_rows) >= 3

    parcel = projects[PARCEL]
    kinds = await Household.select(
        Household.kind, Household.office, Household.subdistrict, Household.contact_status
    ).where(Household.project == parcel.id)
    assert 1900 <= sum(k["kind"] == "resident" for k in kinds) <= 2100
    assert 20 <= sum(k["kind"] == "work_unit" for k in kinds) <= 60
    assert len({k["office"] for k in kinds}) == len({k["subdistrict"] for k in kinds}) == 2
    assert sum(k["contact_status"] == "lost" for k in kinds) >= 20
    assert await FileEntry.count() >= 10
    assert await Household.count().where(Household.project == parcel.id, Household.strategy != "") >= 10

    housing = projects[HOUSING]
    names = [b["name"] for b in await Building.select(Building.name).where(Building.project == housing.id)]
    assert {n.split()[0] for n in names} == {"一期", "二期", "三期"}
    assert any("building phases" in note for note in summary.notes)

    assert {o["kind"] for o in await Organisation.select(Organisation.kind)} == {k.value for k in OrganisationKind}
    assert {role for _, _, role, _ in DEMO_USERS} == set(Role)
    for username, password, role, _ in DEMO_USERS:
        actor = await log_in(username, password, "test")
        assert actor.role is role
    resident = (await User.select().where(User.username == "resident"))[0]
    home = (await Household.select(Household.project).where(Household.id == resident["household"]))[0]
    assert home["project"] == retrofit.id
    contractor = (await User.select(User.organisation.kind.as_alias("kind")).where(User.username == "contractor"))[0]
    assert contractor["kind"] == "contractor"
    assert await Membership.count().where(Membership.project == parcel.id, Membership.user == resident["id"]) == 0
    await _every_capability_has_something_to_show(projects, summary)
    assert (await audit.verify()).ok


async def _every_capability_has_something_to_show(projects, summary) -> None:
    """The demo's first start shows every capability: consultations open, decided (with a second round) and
    in their signing round with the board filled, each with days of progress; issues in every state, notices
    open and closed, a stop-work order in force and one resumed."""
    from inspections.kinds import IssueStatus, NoticeStatus, StopStatus
    from inspections.tables import Issue, Notice, StopWorkOrder
    from tracker.accounts.actor import SYSTEM
    from tracker.consultations import services as consultations
    from tracker.consultations.kinds import Channel, SheetStatus
    from tracker.consultations.tables import BallotSheet, ConsultationDecision

    retrofit, parcel = projects[RETROFIT].id, projects[PARCEL].id
    menus = {c.status: c for c in await consultations.list_consultations(retrofit) if c.kind == "retrofit_menu"}
    assert set(menus) == {"open", "decided", "draft"}
    opened, decided, second = menus["open"], menus["decided"], menus["draft"]
    sheets = await BallotSheet.select(BallotSheet.channel, BallotSheet.status).where(BallotSheet.consultation == opened.id)
    counted = [s["channel"] for s in sheets if s["status"] == SheetStatus.counted]
    assert counted.count(Channel.web) >= 5 and counted.count(Channel.paper) >= 5
    assert any(s["status"] == SheetStatus.pending for s in sheets)  # a paper sheet waits for a second person
    assert len(await consultations.progress(opened.id)) >= 5  # the progress chart has days of history
    results = await consultations.results_for(opened.id, ())
    assert all(item["totals"]["returned_titles"] > 0 for item in results["items"])

    decisions = await ConsultationDecision.select(ConsultationDecision.passed).where(
        ConsultationDecision.consultation == decided.id)
    assert {d["passed"] for d in decisions} == {True, False}
    assert second.previous_id == decided.id and second.round_no == 2
    assert len(second.items) == sum(not d["passed"] for d in decisions)

    signing = [c for c in await consultations.list_consultations(parcel) if c.kind == "signing"]
    assert [c.status for c in signing] == ["open"]
    board = [b for b in await consultations.signing_board(SYSTEM) if b["consultation_id"] == signing[0].id]
    assert board and board[0]["signed"] > 100 and board[0]["sealed"] > 0 and board[0]["moved"] > 0, board
    assert len(await consultations.progress(signing[0].id)) >= 7

    issues = {r["status"] for r in await Issue.select(Issue.status).where(Issue.project == retrofit)}
    assert issues == {s.value for s in IssueStatus}
    notices = {r["status"] for r in await Notice.select(Notice.status).where(Notice.project == retrofit)}
    assert {NoticeStatus.issued, NoticeStatus.closed} <= notices
    orders = {r["status"] for r in await StopWorkOrder.select(StopWorkOrder.status).where(StopWorkOrder.project == retrofit)}
    assert {StopStatus.in_force, StopStatus.resumed} <= orders
    assert any("voting code" in note for note in summary.notes)


async def test_demo_refuses_a_database_with_projects(world):
    with pytest.raises(Conflict):
        await load_demo()
