"""A resettlement project in the state every handover page form needs, for tests outside this folder
(the page-form walk): a completed building with an available unit, a building still in acceptance, the
resident's household entitled and called now, an appointment slot in the batch's window."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from tracker import clock
from tracker.accounts.actor import SYSTEM
from tracker.accounts.services import add_membership
from tracker.handover import services
from tracker.handover.kinds import AcceptanceItem, ItemResult, Milestone, MissedSlot, OrderMethod
from tracker.handover.schemas import (
    AppointmentSlotIn,
    BatchIn,
    BuildingIn,
    CheckIn,
    EntitlementIn,
    MilestoneIn,
    OrderIn,
    SlotsIn,
    TermsIn,
    UnitIn,
)
from tracker.register import services as register
from tracker.register.kinds import ProjectKind
from tracker.register.schemas import BuildingIn as RegisterBuildingIn, ProjectIn

TERMS = TermsIn(quota_m2_per_person=Decimal("50"), base_price_fen=4_000_00, tier1_m2=Decimal("15"),
                tier2_m2=Decimal("30"), tier2_factor=Decimal("1.5"), shortfall_price_fen=3_000_00,
                order_method=OrderMethod.signing, missed_slot=MissedSlot.to_end)


async def form_state(world) -> dict[str, int]:
    """Ids of: project, the available unit (`unit`), the unit in acceptance (`checking`), the resident's
    entitlement, and the appointment slot."""
    project = (await register.create_project(SYSTEM, ProjectIn(
        code="R9", name="安置房表单", kind=ProjectKind.resettlement_housing))).id
    for name in ("manager", "inspector", "chief", "staff"):
        await add_membership(SYSTEM, user_id=world.users[name], project_id=project)
    await services.set_terms(SYSTEM, project, TERMS)
    today = clock.today()
    batch = (await services.create_batch(SYSTEM, project, BatchIn(
        name="表单批", planned_on=today + dt.timedelta(days=30), appointments_from=today,
        appointments_to=today + dt.timedelta(days=30)))).id
    done, open_ = [(await register.add_building(SYSTEM, project, RegisterBuildingIn(name=name, floors=6))).id
                   for name in ("F1栋", "F2栋")]
    for building in (done, open_):
        await services.add_building(SYSTEM, batch, BuildingIn(building_id=building,
                                                              contractor_org_id=world.orgs["Builder Co"]))
    unit = (await services.add_unit(SYSTEM, project, UnitIn(building_id=done, number="101", layout="两室一厅",
                                                            floor=1, contract_area=Decimal("100.00")))).id
    checking = (await services.add_unit(SYSTEM, project, UnitIn(building_id=open_, number="101", layout="两室一厅",
                                                                floor=1, contract_area=Decimal("90.00")))).id
    for item in AcceptanceItem:
        await services.record_check(SYSTEM, unit, CheckIn(item=item, result=ItemResult.passed))
    await services.set_milestone(SYSTEM, done, MilestoneIn(milestone=Milestone.completion_accepted, actual_on=today))
    entitlement = (await services.entitle(SYSTEM, project, EntitlementIn(
        household_id=world.households[0], persons=2, signed_at=dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)))).id
    await services.fix_order(SYSTEM, project, OrderIn())
    await services.make_slots(SYSTEM, project, SlotsIn(first_starts_at=clock.now() - dt.timedelta(minutes=5),
                                                      minutes=240, per_slot=5))
    slot = (await services.add_appointment_slot(SYSTEM, batch, AppointmentSlotIn(
        starts_at=clock.day_start(today + dt.timedelta(days=2)) + dt.timedelta(hours=9), capacity=3))).id
    return {"project": project, "unit": unit, "checking": checking, "entitlement": entitlement, "slot": slot}
