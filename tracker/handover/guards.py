"""Guards of handover: which path parameters name a record of which project, and the resident's own unit."""

from __future__ import annotations

from litestar.connection import ASGIConnection
from litestar.exceptions import PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler

from tracker.accounts.roles import Role
from tracker.handover.tables import (
    AppointmentSlot,
    DeliveryBatch,
    Entitlement,
    HandoverRecord,
    Selection,
    SelectionSlot,
    Unit,
    WarrantyClaim,
)
from tracker.web.guards import Access, actor_of, project_member

PROJECT_PATHS = {
    "batch_id": DeliveryBatch.project,
    "unit_id": Unit.project,
    "entitlement_id": Entitlement.project,
    "selection_id": Selection.project,
    "selection_slot_id": SelectionSlot.project,
    "appointment_slot_id": AppointmentSlot.batch._.project,
    "record_id": HandoverRecord.selection._.project,
    "claim_id": WarrantyClaim.project,
}


async def _household_in_path(params: dict) -> int | None:
    """The household whose entitlement, selection or selected unit the path names."""
    if "entitlement_id" in params:
        rows = await Entitlement.select(Entitlement.household).where(Entitlement.id == params["entitlement_id"])
    elif "selection_id" in params:
        rows = await Selection.select(Selection.entitlement.household.as_alias("household")).where(
            Selection.id == params["selection_id"])
    elif "unit_id" in params:
        rows = await Selection.select(Selection.entitlement.household.as_alias("household")).where(
            Selection.unit == params["unit_id"])
    else:
        return None
    return rows[0]["household"] if rows else None


async def own_or_member(connection: ASGIConnection, handler: BaseRouteHandler) -> None:
    """A resident reaches their own household's entitlement, selection and unit (they are not members of
    the project their new home is in); everyone else the records of their projects."""
    actor = actor_of(connection)
    if actor.role is Role.resident:
        if actor.household_id is None or await _household_in_path(connection.path_params) != actor.household_id:
            raise PermissionDeniedException("Residents reach only their own household's unit.")
        return
    await project_member(connection, handler)


own_or_member.access = Access(  # type: ignore[attr-defined]
    "a resident reaches only their own household's entitlement, selection and unit",
    roles=frozenset(Role) - {Role.resident}, project_member=True)
