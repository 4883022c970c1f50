"""Guards of quality supervision: which path parameters name a record of which project."""

from __future__ import annotations

from inspections.tables import DefectReport, Issue, Notice, Photo, ResumptionApplication, StopWorkOrder

PROJECT_PATHS = {
    "issue_id": Issue.project,
    "notice_id": Notice.project,
    "order_id": StopWorkOrder.project,
    "application_id": ResumptionApplication.project,
    "report_id": DefectReport.project,
    "photo_id": Photo.project,
}
