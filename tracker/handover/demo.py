"""Demo data of handover: the resettlement project's units, three delivery batches in different states,
households of the expropriation parcel entitled and ordered by a lottery, selections, handovers,
warranty defects and one idle building.

Bulk inserts, not service calls: thousands of units, acceptance items, entitlements and selections would
each write an audit record that says nothing about the demo, and `make run`'s first start must stay fast.
The few records whose audit trail is the point go through the services (the terms, the warranty defects
routed into the inspection loop). Figures are computed by the same pure rules the services use
(`pricing`, `ordering`, `warranty`), so the demo holds what the services would have written.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from tracker.accounts.actor import SYSTEM, Actor
from tracker.handover import ordering, pricing, services
from tracker.handover.kinds import (
    AcceptanceItem,
    BatchStatus,
    ItemResult,
    Milestone,
    MissedSlot,
    OrderMethod,
    UnitStatus,
    WarrantyPart,
)
from tracker.handover.schemas import ClaimIn, TermsIn
from tracker.handover.tables import (
    AcceptanceCheck,
    BatchBuilding,
    BuildingMilestone,
    DeliveryBatch,
    Entitlement,
    HandoverRecord,
    Selection,
    SelectionSlot,
    Unit,
    UnitAcceptance,
)
from tracker.register.kinds import HouseholdKind
from tracker.register.tables import Building, Dwelling, Household

LOTTERY_SEED = "顾村安置基地2025年第一次选房摇号·东方公证处·739214"
TERMS = TermsIn(quota_m2_per_person=Decimal("30"), base_price_fen=4_000_00, tier1_m2=Decimal("15"),
                tier2_m2=Decimal("30"), tier2_factor=Decimal("1.5"), shortfall_price_fen=3_000_00,
                order_method=OrderMethod.lottery, missed_slot=MissedSlot.to_end, idle_days=180)
LAYOUTS = (("一室一厅", Decimal("55")), ("两室一厅", Decimal("75")), ("两室两厅", Decimal("90")),
           ("三室两厅", Decimal("115")))
ORIENTATIONS = ("南", "南北", "东南", "西南")
CHUNK = 400  # rows per INSERT: far below SQLite's bound on statement variables


async def _insert(table, rows: list) -> None:
    for start in range(0, len(rows), CHUNK):
        await table.insert(*rows[start:start + CHUNK])


# Per phase: batch name, status, planned delivery, and per milestone (planned, forecast, actual).
PHASES = {
    "一期": ("第一批（一期）", BatchStatus.delivered, dt.date(2026, 6, 30), {
        Milestone.topped_out: (dt.date(2025, 3, 31), None, dt.date(2025, 3, 28)),
        Milestone.units_accepted: (dt.date(2025, 11, 30), None, dt.date(2025, 11, 26)),
        Milestone.completion_accepted: (dt.date(2025, 12, 20), None, dt.date(2025, 12, 15)),
        Milestone.filed: (dt.date(2026, 2, 28), None, dt.date(2026, 2, 20)),
        Milestone.handed_over: (dt.date(2026, 6, 30), None, dt.date(2026, 6, 20)),
    }),
    "二期": ("第二批（二期）", BatchStatus.in_acceptance, dt.date(2026, 12, 28), {
        Milestone.topped_out: (dt.date(2026, 5, 31), None, dt.date(2026, 6, 10)),
        Milestone.units_accepted: (dt.date(2026, 12, 5), dt.date(2026, 12, 12), None),
        Milestone.completion_accepted: (dt.date(2026, 12, 15), dt.date(2026, 12, 20), None),
        Milestone.handed_over: (dt.date(2026, 12, 28), dt.date(2026, 12, 28), None),
    }),
    "三期": ("第三批（三期）", BatchStatus.planned, dt.date(2027, 6, 30), {
        Milestone.topped_out: (dt.date(2026, 10, 31), dt.date(2027, 1, 31), None),
        Milestone.units_accepted: (dt.date(2027, 4, 30), dt.date(2027, 7, 31), None),
        Milestone.completion_accepted: (dt.date(2027, 5, 31), dt.date(2027, 8, 31), None),
        Milestone.handed_over: (dt.date(2027, 6, 30), dt.date(2027, 9, 30), None),  # slipping three months
    }),
}
IDLE_REASON = "户型面积大于多数家庭安置面积，无人选择；拟调整为周转房"


async def load(rng: random.Random, housing_id: int, parcel_id: int, contractor_org_id: int,
               phases: tuple, staff: Actor) -> dict:
    """`staff` (community staff of the project) records the residents' warranty defects."""
    await services.set_terms(SYSTEM, housing_id, TERMS)
    buildings = await Building.select(Building.id, Building.name, Building.floors).where(
        Building.project == housing_id).order_by(Building.id)
    by_phase: dict[str, list[dict]] = {}
    for building in buildings:
        by_phase.setdefault(building["name"].split(" ")[0], []).append(building)

    # Batches, their buildings and milestones.
    batch_of: dict[str, int] = {}
    for phase, (name, status, planned_on, _stones) in PHASES.items():
        window = (planned_on - dt.timedelta(days=60), planned_on + dt.timedelta(days=30))
        batch_of[phase] = (await DeliveryBatch.insert(DeliveryBatch(
            project=housing_id, name=name, planned_on=planned_on, status=status.value,
            appointments_from=window[0], appointments_to=window[1])).returning(DeliveryBatch.id))[0]["id"]
    await _insert(BatchBuilding, [BatchBuilding(batch=batch_of[phase], building=b["id"], contractor=contractor_org_id)
                                  for phase in PHASES for b in by_phase.get(phase, [])])
    idle_building = by_phase["一期"][-1]["id"]
    stones = []
    for phase, (_n, _s, _p, dates) in PHASES.items():
        for b in by_phase.get(phase, []):
            for milestone, (planned, forecast, actual) in dates.items():
                if b["id"] == idle_building and milestone is Milestone.handed_over:
                    actual = None
                stones.append(BuildingMilestone(building=b["id"], milestone=milestone.value, planned_on=planned,
                                                forecast_on=forecast, actual_on=actual))
    await _insert(BuildingMilestone, stones)

    # Dwellings and units: the phase's units spread over its buildings, a few per floor.
    units_in = {phase: count for phase, _b, _f, count in phases}
    dwellings, unit_specs = [], []
    for phase, members in by_phase.items():
        total = units_in.get(phase, 0)
        for index, b in enumerate(members):
            count = total // len(members) + (1 if index < total % len(members) else 0)
            per_floor = -(-count // int(b["floors"]))
            for n in range(count):
                floor, door = divmod(n, per_floor)
                number = f"{floor + 1}{door + 1:02d}"
                layout, base = LAYOUTS[3] if b["id"] == idle_building else LAYOUTS[door % len(LAYOUTS)]
                area = base + Decimal(rng.randrange(0, 900)) / 100
                dwellings.append(Dwelling(project=housing_id, building=b["id"], number=number, floor=floor + 1,
                                          contract_area=area))
                unit_specs.append((phase, b["id"], number, layout, floor + 1, area))
    await _insert(Dwelling, dwellings)
    dwelling_ids = {(r["building"], r["number"]): r["id"] for r in await Dwelling.select(
        Dwelling.id, Dwelling.building, Dwelling.number).where(Dwelling.project == housing_id)}
    completed = {"一期"}
    await _insert(Unit, [Unit(
        project=housing_id, dwelling=dwelling_ids[(b, number)], building=b, layout=layout, floor=floor,
        orientation=ORIENTATIONS[i % len(ORIENTATIONS)], contract_area=area,
        status=(UnitStatus.available if phase in completed else UnitStatus.in_construction).value,
        idle_reason=IDLE_REASON if b == idle_building else "",
    ) for i, (phase, b, number, layout, floor, area) in enumerate(unit_specs)])
    units = await Unit.select(Unit.id, Unit.building, Unit.contract_area).where(Unit.project == housing_id) \
        .order_by(Unit.id)

    # Per-unit acceptance: every unit of phase one passed; phase two's first three buildings are being
    # checked (most passed, a few pending).
    accepted_buildings = {b["id"] for b in by_phase["一期"]}
    checking = {b["id"] for b in by_phase.get("二期", [])[:3]}
    acceptances = [UnitAcceptance(unit=u["id"], passed_on=dt.date(2025, 11, 20) if u["building"] in accepted_buildings
                                  else None) for u in units if u["building"] in accepted_buildings | checking]
    await _insert(UnitAcceptance, acceptances)
    acceptance_rows = await UnitAcceptance.select(UnitAcceptance.id, UnitAcceptance.unit.building.as_alias("b"))
    checks = []
    for row in acceptance_rows:
        done = row["b"] in accepted_buildings or rng.random() < 0.8
        checks += [AcceptanceCheck(acceptance=row["id"], item=int(item),
                                   result=(ItemResult.passed if done or item < 6 else ItemResult.pending).value)
                   for item in AcceptanceItem]
    await _insert(AcceptanceCheck, checks)

    # Entitlements: the parcel's resident titles, as signed in round two, ordered by the published lottery.
    households = await Household.select(Household.id, Household.certificate_no).where(
        Household.project == parcel_id, Household.kind == HouseholdKind.resident.value).order_by(Household.id)
    signed = {h["id"]: dt.datetime(2025, 6, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=rng.randrange(90 * 24 * 60))
              for h in households}
    candidates = [ordering.Candidate(h["id"], h["certificate_no"], signed[h["id"]]) for h in households]
    order = {c.entitlement_id: position for position, c in enumerate(ordering.by_lottery(LOTTERY_SEED, candidates), 1)}
    persons = {h["id"]: rng.choice((2, 2, 3, 3, 3, 4)) for h in households}
    await _insert(Entitlement, [Entitlement(
        project=housing_id, household=h["id"], persons=persons[h["id"]],
        quota_area=pricing.quota_area(persons[h["id"]], services_terms()),
        compensation_fen=rng.randrange(150, 400) * 10_000_00, signed_at=signed[h["id"]],
        lottery_no=order[h["id"]], selection_order=order[h["id"]],
    ) for h in households])
    await _insert_slots_and_selections(rng, housing_id, units, accepted_buildings - {idle_building}, staff)
    return {"units": len(units), "entitlements": len(households), "batches": len(PHASES)}


def services_terms() -> pricing.Terms:
    return pricing.Terms(TERMS.quota_m2_per_person, TERMS.base_price_fen, TERMS.tier1_m2, TERMS.tier2_m2,
                         TERMS.tier2_factor, TERMS.shortfall_price_fen)


async def _insert_slots_and_selections(rng: random.Random, housing_id: int, units: list[dict],
                                       selectable: set[int], staff: Actor) -> None:
    """Phase one's households were called in slots of 50 in March 2026 and chose in lottery order;
    most have their keys, a few have not come yet."""
    terms = services_terms()
    entitlements = await Entitlement.select(Entitlement.id, Entitlement.quota_area, Entitlement.selection_order) \
        .where(Entitlement.project == housing_id).order_by(Entitlement.selection_order)
    free = [u for u in units if u["building"] in selectable]
    callable_ = entitlements[:len(free)]
    start = dt.datetime(2026, 3, 2, 1, tzinfo=dt.timezone.utc)  # 09:00 in Shanghai
    slot_rows = [SelectionSlot(project=housing_id, label=str(i + 1), starts_at=start + dt.timedelta(hours=2 * i),
                               ends_at=start + dt.timedelta(hours=2 * i + 2))
                 for i in range(-(-len(callable_) // 50))]
    await _insert(SelectionSlot, slot_rows)
    slots = [r["id"] for r in await SelectionSlot.select(SelectionSlot.id).where(
        SelectionSlot.project == housing_id).order_by(SelectionSlot.starts_at)]
    for index, slot in enumerate(slots):
        await Entitlement.update({Entitlement.slot: slot}).where(
            Entitlement.id.is_in([e["id"] for e in callable_[index * 50:(index + 1) * 50]]))
    selections, chosen = [], {}
    for index, e in enumerate(callable_):
        quota = Decimal(str(e["quota_area"])).quantize(pricing.CENTI)
        fitting = [u for u in free if u["id"] not in chosen
                   and Decimal(str(u["contract_area"])) - quota <= terms.tier2_m2]
        if not fitting:
            continue
        unit = min(fitting, key=lambda u: abs(Decimal(str(u["contract_area"])) - quota))
        area = Decimal(str(unit["contract_area"])).quantize(pricing.CENTI)
        chosen[unit["id"]] = e["id"]
        selections.append(Selection(
            project=housing_id, entitlement=e["id"], unit=unit["id"],
            selected_at=start + dt.timedelta(hours=2 * (index // 50), minutes=2 * (index % 50)),
            price_difference_fen=pricing.price(quota, area, terms).total_fen))
    await _insert(Selection, selections)
    await Entitlement.update({Entitlement.units_selected: 1}).where(Entitlement.id.is_in(list(chosen.values())))
    rows = await Selection.select(Selection.id, Selection.unit, Selection.entitlement.quota_area.as_alias("quota"),
                                  Selection.unit.contract_area.as_alias("area")).where(Selection.project == housing_id)
    handed, records = [], []
    for n, row in enumerate(rows):
        if n % 25 == 24:  # one in 25 has not come for the keys yet
            continue
        quota, contract = (Decimal(str(row[k])).quantize(pricing.CENTI) for k in ("quota", "area"))
        surveyed = contract + Decimal(rng.randrange(-60, 61)) / 100
        handed.append((row["unit"], surveyed))
        await Selection.update({Selection.true_up_fen: pricing.true_up(quota, contract, surveyed, terms)}).where(
            Selection.id == row["id"])
        records.append(HandoverRecord(
            selection=row["id"], handed_at=dt.datetime(2026, 4, 1, 2, tzinfo=dt.timezone.utc) + dt.timedelta(
                days=n // 40, minutes=n % 40 * 12), keys=rng.choice((2, 3)),
            water_reading=Decimal(rng.randrange(0, 300)) / 100, electricity_reading=Decimal(rng.randrange(0, 2000)) / 100,
            gas_reading=Decimal(rng.randrange(0, 100)) / 100, acknowledged=True))
    await _insert(HandoverRecord, records)
    for unit_id, surveyed in handed:
        await Unit.update({Unit.status: UnitStatus.handed_over.value, Unit.surveyed_area: surveyed}).where(
            Unit.id == unit_id)
    waiting = [r["unit"] for n, r in enumerate(rows) if n % 25 == 24]
    if waiting:
        await Unit.update({Unit.status: UnitStatus.selected.value}).where(Unit.id.is_in(waiting))
    # Warranty defects reported since: classified and routed through the services (their audit is the point).
    defects = ((WarrantyPart.waterproofing, "卫生间地漏周边渗水至楼下"), (WarrantyPart.fit_out, "客厅墙面空鼓开裂"),
               (WarrantyPart.plumbing, "厨房下水管接口滴漏"), (WarrantyPart.electrical, "卧室插座无电"),
               (WarrantyPart.heating_cooling, "地暖分水器漏水"), (WarrantyPart.fit_out, "入户门关闭不严"))
    for (part, description), (unit_id, _surveyed) in zip(defects, handed[::40]):
        await services.report_claim(staff, unit_id, ClaimIn(part=part, description=description))
