"""Services of handover, by sub-domain; the public verbs are re-exported here."""

from tracker.handover.services.acceptance import get_acceptance, record_check, record_checks, units_not_passed
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
from tracker.handover.services.reads import (
    appointment_choices,
    batch_of,
    batch_ratings,
    desk_offer,
    first_units,
    handover_record,
    neighbours,
    resident_home,
)
from tracker.handover.services.schedule import (
    add_building,
    batch_progress,
    building_milestones,
    create_batch,
    get_batch,
    get_terms,
    list_batches,
    set_milestone,
    set_terms,
)
from tracker.handover.services.selection import (
    get_selection, latest_selections, select_unit, selection_of, selection_of_unit,
)
from tracker.handover.services.units import add_unit, get_unit, idle_units, list_units, set_idle_reason
from tracker.handover.services.warranty import contractor_ledger, report_claim, unit_claims

__all__ = [
    "add_appointment_slot", "add_building", "add_unit", "appointment_choices", "batch_of", "batch_progress", "batch_ratings", "book",
    "building_milestones", "contractor_ledger", "create_batch", "desk_offer", "entitle", "entitle_signed",
    "first_units", "fix_order", "get_acceptance", "get_batch", "get_entitlement", "get_selection", "get_terms",
    "get_unit", "handover_record", "idle_units", "list_batches", "list_entitlements", "list_slots", "list_units",
    "make_slots", "miss_slot", "neighbours", "rate", "record_check", "record_checks", "record_handover",
    "report_claim", "resident_home", "select_unit", "selection_of", "selection_of_unit", "latest_selections", "set_idle_reason", "set_milestone", "set_terms", "unit_claims",
    "units_not_passed",
]
