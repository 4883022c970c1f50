"""What one resident's household has on the go: its title, the consultations on whose roll it stands
with its counted ballot and receipt, and the resident's own defect reports. Reads other domains'
tables and services; writes nothing."""

from __future__ import annotations

import msgspec

from inspections import services as inspections
from tracker import clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import Role
from tracker.consultations import services as consultations
from tracker.consultations.kinds import SheetStatus, Status
from tracker.consultations.tables import BallotSheet, Consultation, ConsultationRollEntry
from tracker.errors import Forbidden
from tracker.register import services as register
from tracker.register.tables import Project
from tracker.residents.schemas import HomeOut, HouseholdFacts, VoteOut
from tracker.rows import to_schema


async def _votes(household_id: int) -> list[VoteOut]:
    """Consultations past draft whose frozen roll names this title, newest first; a counted sheet
    of the title gives the receipt (superseded and pending sheets are not the title's vote)."""
    rows = await ConsultationRollEntry.select(
        ConsultationRollEntry.id.as_alias("entry_id"),
        ConsultationRollEntry.consultation.as_alias("consultation_id"),
        ConsultationRollEntry.consultation.title.as_alias("title"),
        ConsultationRollEntry.consultation.status.as_alias("status"),
        ConsultationRollEntry.consultation.visibility.as_alias("visibility"),
        ConsultationRollEntry.consultation.opens_at.as_alias("opens_at"),
        ConsultationRollEntry.consultation.closes_at.as_alias("closes_at"),
    ).where(ConsultationRollEntry.household == household_id,
            ConsultationRollEntry.consultation.status != Status.draft.value) \
        .order_by(ConsultationRollEntry.consultation.opens_at, ascending=False)
    if not rows:
        return []
    sheets = await BallotSheet.select(BallotSheet.roll_entry, BallotSheet.receipt_no, BallotSheet.counted_at) \
        .where(BallotSheet.roll_entry.is_in([r["entry_id"] for r in rows]),
               BallotSheet.status == SheetStatus.counted.value)
    counted = {s["roll_entry"]: s for s in sheets}
    now = clock.now()
    out = []
    for row in rows:
        sheet = counted.get(row["entry_id"])
        out.append(VoteOut(
            consultation_id=row["consultation_id"], title=row["title"], status=Status(row["status"]),
            opens_at=row["opens_at"], closes_at=row["closes_at"],
            receipt_no=sheet["receipt_no"] if sheet else None, counted_at=sheet["counted_at"] if sheet else None,
            can_vote=row["status"] == Status.open.value and row["opens_at"] <= now < row["closes_at"],
            results_visible=consultations.results_visible(row),
        ))
    return out


async def resident_home(actor: Actor) -> HomeOut:
    """The resident's household and what concerns it; nothing of any other household."""
    if actor.role is not Role.resident:
        raise Forbidden("This page is the resident's own.", rule="resident_only")
    if actor.household_id is None:
        return HomeOut(household=None)
    household = await register.get_household(actor.household_id)
    project = await Project.select(Project.name).where(Project.id == household.project_id)
    facts = to_schema(msgspec.structs.asdict(household), HouseholdFacts,
                      project_name=project[0]["name"] if project else "")
    reports = await inspections.list_reports(actor, household.project_id) \
        if actor.can_see_project(household.project_id) else []
    return HomeOut(household=facts, votes=await _votes(household.id), reports=reports)
