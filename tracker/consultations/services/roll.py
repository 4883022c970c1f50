"""The roll of a consultation: one entry per title certificate in scope, taken from the register
while a draft and frozen when it opens; the voting letters print its codes."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from decimal import Decimal
from typing import Any

import msgspec

from tracker import audit
from tracker.accounts.actor import Actor
from tracker.audit.services import canonical_json
from tracker.consultations import tally
from tracker.consultations.kinds import Scope, Status
from tracker.consultations.schemas import RollEntryOut, RollEntryPatch
from tracker.consultations.services.codes import voting_code
from tracker.consultations.services.records import consultation_row, require_draft
from tracker.consultations.tables import ConsultationRollEntry
from tracker.db import transaction
from tracker.errors import Conflict, Invalid, NotFound
from tracker.register.services import effective_area
from tracker.register.tables import Holding, Household
from tracker.rows import to_schemas

# A roll entry as `RollEntryOut` names its fields; its area is read exactly from `area_centi`.
ENTRY_COLUMNS = (
    ConsultationRollEntry.id, ConsultationRollEntry.household.as_alias("household_id"),
    ConsultationRollEntry.certificate_no, ConsultationRollEntry.holder_names, ConsultationRollEntry.area_centi,
    ConsultationRollEntry.kind, ConsultationRollEntry.office, ConsultationRollEntry.subdistrict,
    ConsultationRollEntry.building, ConsultationRollEntry.stairwell,
)


def _area(area_centi: int) -> Decimal:
    return Decimal(area_centi).scaleb(-2)


def _entries(rows: list[dict]) -> list[RollEntryOut]:
    for row in rows:
        row["area"] = _area(row["area_centi"])
    return to_schemas(rows, RollEntryOut)


async def build_roll(consultation_id: int) -> int:
    """(Re)build a draft's roll from the register: one entry per title certificate in scope."""
    row = await consultation_row(consultation_id)
    await ConsultationRollEntry.delete().where(ConsultationRollEntry.consultation == consultation_id)
    query = Holding.select(
        Holding.household,
        Holding.dwelling.building.name.as_alias("building"),
        Holding.dwelling.building.id.as_alias("building_id"),
        Holding.dwelling.stairwell.as_alias("stairwell"),
        Holding.dwelling.registered_area.as_alias("registered_area"),
        Holding.dwelling.surveyed_area.as_alias("surveyed_area"),
        Holding.dwelling.contract_area.as_alias("contract_area"),
    ).where(Holding.household.project == row["project"])
    holdings: dict[int, list[dict]] = defaultdict(list)
    for h in await query:
        holdings[h["household"]].append(h)
    households = await Household.select().where(Household.project == row["project"]).order_by(Household.certificate_no)
    entries = []
    for hh in households:
        held = holdings.get(hh["id"], [])
        if row["scope"] != Scope.project.value:
            held_in_scope = [
                h for h in held
                if h["building_id"] == row["building"]
                and (row["scope"] == Scope.building.value or h["stairwell"] == row["stairwell"])
            ]
            if not held_in_scope:
                continue
            held = held_in_scope
        area = sum(
            (effective_area(h["registered_area"], h["surveyed_area"], h["contract_area"]) for h in held), Decimal(0)
        )
        if area <= 0:
            raise Invalid(
                "Title {certificate} has no registered, surveyed or contract area: it cannot go on the roll.",
                field="roll", certificate=hh["certificate_no"],
            )
        area = area.quantize(Decimal("0.01"))
        entries.append(
            ConsultationRollEntry(
                consultation=consultation_id,
                household=hh["id"],
                certificate_no=hh["certificate_no"],
                holder_names=hh["holder_names"],
                area=area,
                area_centi=int(area * 100),
                owner_key=hh["owner_key"],
                kind=hh["kind"],
                office=hh["office"],
                subdistrict=hh["subdistrict"],
                building=held[0]["building"] if held else "",
                stairwell=held[0]["stairwell"] if held else "",
            )
        )
    for start in range(0, len(entries), 500):
        await ConsultationRollEntry.insert(*entries[start : start + 500])
    await tally.rebuild(consultation_id)
    return len(entries)


async def rebuild_roll(actor: Actor, consultation_id: int) -> int:
    """Take the draft's roll from the register again (after corrections there)."""
    async with transaction():
        row = await consultation_row(consultation_id)
        require_draft(row, "roll")
        titles = await build_roll(consultation_id)
        await audit.record(actor, "consultation.roll_rebuild", "consultation", consultation_id, {"roll_titles": titles})
    return titles


async def list_roll(consultation_id: int) -> list[RollEntryOut]:
    await consultation_row(consultation_id)
    return _entries(await ConsultationRollEntry.select(*ENTRY_COLUMNS).where(
        ConsultationRollEntry.consultation == consultation_id
    ).order_by(ConsultationRollEntry.certificate_no))


async def entry_row(consultation_id: int, entry_id: int) -> dict:
    """A title on this consultation's roll, or 404."""
    rows = await ConsultationRollEntry.select().where(
        ConsultationRollEntry.id == entry_id, ConsultationRollEntry.consultation == consultation_id
    )
    if not rows:
        raise NotFound("No roll entry {id} in this consultation.", field="entry_id", id=entry_id)
    return rows[0]


async def edit_roll_entry(actor: Actor, consultation_id: int, entry_id: int, data: RollEntryPatch) -> RollEntryOut:
    """Correct one title on a draft roll; once open the roll is frozen (409)."""
    changes: dict[str, Any] = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}
    if not changes:
        raise Invalid("Nothing to change.", field="body")
    async with transaction():
        row = await consultation_row(consultation_id)
        require_draft(row, "roll")
        before = await entry_row(consultation_id, entry_id)
        if "area" in changes:
            if not changes["area"].is_finite() or changes["area"] <= 0:
                raise Invalid("The area must be positive.", field="area")
            changes["area"] = Decimal(changes["area"]).quantize(Decimal("0.01"))
            changes["area_centi"] = int(changes["area"] * 100)
        await ConsultationRollEntry.update(changes).where(ConsultationRollEntry.id == entry_id)
        await tally.rebuild(consultation_id)
        await audit.record(
            actor, "consultation.roll_edit", "consultation", consultation_id,
            {"entry_id": entry_id, "changes": changes, "before": {k: before[k] for k in changes}},
        )
    return _entries(await ConsultationRollEntry.select(*ENTRY_COLUMNS).where(ConsultationRollEntry.id == entry_id))[0]


def roll_hash(entries: list[dict]) -> str:
    """sha256 of the frozen roll (certificate, area, owner key, kind, labels), recorded at opening."""
    material = [
        [e["certificate_no"], e["area_centi"], e["owner_key"], e["kind"], e["office"], e["subdistrict"]]
        for e in sorted(entries, key=lambda e: e["certificate_no"])
    ]
    return hashlib.sha256(canonical_json(material).encode()).hexdigest()


async def flats_of_roll(consultation_id: int) -> dict[int, str]:
    """Per household on the roll, its flats as the register numbers them ("1号楼 2-301", several joined
    by "、"): the address a letter is delivered to. The register's current numbering, not the frozen
    roll's, since it only finds the door."""
    rows = await Holding.raw(
        "SELECT h.household AS household, b.name AS building, d.number AS number FROM holding h"
        " JOIN dwelling d ON d.id = h.dwelling JOIN building b ON b.id = d.building"
        " JOIN consultation_roll_entry r ON r.household = h.household AND r.consultation = {}"
        " ORDER BY h.household, b.name, d.number",
        int(consultation_id),
    )
    flats: dict[int, list[str]] = defaultdict(list)
    for r in rows:
        flats[r["household"]].append(f"{r['building']} {r['number']}")
    return {household: "、".join(names) for household, names in flats.items()}


async def voting_letters(consultation_id: int) -> list[dict]:
    """Per title: certificate, holders, flat, area and voting code, for printing the letters."""
    row = await consultation_row(consultation_id)
    if row["status"] == Status.draft.value:
        raise Conflict("Voting codes exist once the consultation opens.", rule="consultation_status")
    entries = await ConsultationRollEntry.select(
        ConsultationRollEntry.id, ConsultationRollEntry.household, ConsultationRollEntry.certificate_no,
        ConsultationRollEntry.holder_names, ConsultationRollEntry.area_centi, ConsultationRollEntry.building,
        ConsultationRollEntry.stairwell,
    ).where(ConsultationRollEntry.consultation == consultation_id).order_by(ConsultationRollEntry.certificate_no)
    flats = await flats_of_roll(consultation_id)
    return [
        {"certificate_no": e["certificate_no"], "holder_names": e["holder_names"], "area": _area(e["area_centi"]),
         "building": e["building"], "stairwell": e["stairwell"], "flat": flats.get(e["household"], ""),
         "code": voting_code(row["code_salt"], e["id"])}
        for e in entries
    ]
