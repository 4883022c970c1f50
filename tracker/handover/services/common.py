"""What the handover services share: the project check, the project's terms, a unit's building."""

from __future__ import annotations

from decimal import Decimal

from tracker.accounts.actor import Actor
from tracker.accounts.roles import Role
from tracker.errors import Conflict, Forbidden, NotFound
from tracker.handover.pricing import CENTI, Terms
from tracker.handover.tables import HandoverTerms
from tracker.register.kinds import ProjectKind
from tracker.register.tables import Project


def check_project(actor: Actor, project_id: int) -> None:
    if not actor.can_see_project(project_id):
        raise Forbidden("You are not a member of this project.", rule="project_member")


def check_own_or_member(actor: Actor, household_id: int | None, project_id: int) -> None:
    """A resident reaches their own household's records only; staff those of their projects."""
    if actor.role is Role.resident:
        if actor.household_id is None or household_id != actor.household_id:
            raise Forbidden("Residents reach only their own household's unit.", rule="own_household")
        return
    check_project(actor, project_id)


async def resettlement_project(actor: Actor, project_id: int) -> None:
    """The project exists, the actor belongs to it, and it builds resettlement housing."""
    check_project(actor, project_id)
    rows = await Project.select(Project.kind).where(Project.id == project_id)
    if not rows:
        raise NotFound("No project {id}.", field="project_id", id=project_id)
    if rows[0]["kind"] != ProjectKind.resettlement_housing.value:
        raise Conflict("Handover applies to resettlement housing projects.", field="project_id",
                       rule="resettlement_only")


async def terms_row(project_id: int) -> dict:
    rows = await HandoverTerms.select().where(HandoverTerms.project == project_id)
    if not rows:
        raise Conflict("Set the project's handover terms first (quota, prices, order).", field="project_id",
                       rule="terms_required")
    return rows[0]


def pricing_terms(row: dict) -> Terms:
    return Terms(quota_m2_per_person=area(row["quota_m2_per_person"]), base_price_fen=row["base_price_fen"],
                 tier1_m2=area(row["tier1_m2"]), tier2_m2=area(row["tier2_m2"]),
                 tier2_factor=Decimal(str(row["tier2_factor"])), shortfall_price_fen=row["shortfall_price_fen"])


def area(value) -> Decimal:
    """An area column as exact Decimal m² (SQLite hands NUMERIC back through floating point)."""
    return Decimal(str(value)).quantize(CENTI)
