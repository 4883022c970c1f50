"""Guards of consultations: which path parameters name a record of which project."""

from __future__ import annotations

from tracker.consultations.tables import BallotSheet, Consultation

PROJECT_PATHS = {
    "consultation_id": Consultation.project,
    "sheet_id": BallotSheet.consultation._.project,
}
