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
    assert (await audit.verify()).ok


async def test_demo_refuses_a_database_with_projects(world):
    with pytest.raises(Conflict):
        await load_demo()
