"""Services of handover, by sub-domain; the public verbs are re-exported here."""

from tracker.handover.services.acceptance import get_acceptance, record_check, units_not_passed
from tracker.handover.services.desk import add_appointment_slot, book, rate, record_handover
from tracker.handover.services.entitlements import (
    entitle,
    entitle_signed,
    fix_order,
    get_entitlement,
    list_entitlements,
    list_slots,
    make_slots,
    miss_slot,
)
from tracker.handover.services.schedule import (
    add_building,
    building_milestones,
    create_batch,
    get_batch,
    get_terms,
    list_batches,
    set_milestone,
    set_terms,
)
from tracker.handover.services.selection import get_selection, select_unit
from tracker.handover.services.units import add_unit, get_unit, idle_units, list_units, set_idle_reason
from tracker.handover.services.warranty import contractor_ledger, report_claim, unit_claims

__all__ = [
    "add_appointment_slot", "add_building", "add_unit", "book", "building_milestones", "contractor_ledger",
    "create_batch", "entitle", "entitle_signed", "fix_order", "get_acceptance", "get_batch", "get_entitlement",
    "get_selection", "get_terms", "get_unit", "idle_units", "list_batches", "list_entitlements", "list_slots",
    "list_units", "make_slots", "miss_slot", "rate", "record_check", "record_handover", "report_claim",
    "select_unit", "set_idle_reason", "set_milestone", "set_terms", "unit_claims", "units_not_passed",
]
