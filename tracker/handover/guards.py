"""Guards of handover: which path parameters name a record of which project."""

from __future__ import annotations

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
