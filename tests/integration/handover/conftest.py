"""A resettlement project with one building of units, its contractor, terms and a batch."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from tracker.accounts.actor import SYSTEM
from tracker.accounts.services import add_membership, load_actor
from tracker.handover import services
from tracker.handover.kinds import MissedSlot, OrderMethod
from tracker.handover.schemas import BatchIn, BuildingIn, TermsIn, UnitIn
from tracker.register import services as register
from tracker.register.kinds import ProjectKind
from tracker.register.schemas import BuildingIn as RegisterBuildingIn, ProjectIn

TERMS = TermsIn(quota_m2_per_person=Decimal("50"), base_price_fen=4_000_00, tier1_m2=Decimal("15"),
                tier2_m2=Decimal("30"), tier2_factor=Decimal("1.5"), shortfall_price_fen=3_000_00,
                order_method=OrderMethod.signing, missed_slot=MissedSlot.to_end)


@dataclass
class Site:
    project: int = 0
    building: int = 0
    batch: int = 0
    units: list[int] = field(default_factory=list)
    actors: dict = field(default_factory=dict)


@pytest.fixture
async def site(world) -> Site:
    s = Site()
    project = await register.create_project(SYSTEM, ProjectIn(code="R1", name="安置房一期",
                                                                kind=ProjectKind.resettlement_housing))
    s.project = project.id
    for name in ("manager", "inspector", "chief", "contractor", "staff", "finance"):
        await add_membership(SYSTEM, user_id=world.users[name], project_id=s.project)
        s.actors[name] = await load_actor(world.users[name])
    s.actors["resident"] = await load_actor(world.users["resident"])
    s.building = (await register.add_building(SYSTEM, s.project, RegisterBuildingIn(name="A1栋", floors=18))).id
    await services.set_terms(SYSTEM, s.project, TERMS)
    s.batch = (await services.create_batch(SYSTEM, s.project, BatchIn(
        name="第一批", planned_on=dt.date(2026, 12, 20), appointments_from=dt.date(2026, 12, 1),
        appointments_to=dt.date(2026, 12, 31)))).id
    await services.add_building(SYSTEM, s.batch, BuildingIn(building_id=s.building,
                                                            contractor_org_id=world.orgs["Builder Co"]))
    for number, area in (("101", "160.50"), ("102", "142.27"), ("201", "181.00")):
        unit = await services.add_unit(SYSTEM, s.project, UnitIn(
            building_id=s.building, number=number, layout="三室两厅", floor=int(number[0]),
            contract_area=Decimal(area)))
        s.units.append(unit.id)
    return s
