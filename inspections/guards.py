"""Guards of quality supervision: which path parameters name a record of which project, and the guard of
each issue action."""

from __future__ import annotations

from inspections import workflow
from inspections.kinds import IssueAction
from inspections.tables import DefectReport, Issue, Notice, Photo, ResumptionApplication, StopWorkOrder
from tracker.web.guards import requires_role

PROJECT_PATHS = {
    "issue_id": Issue.project,
    "notice_id": Notice.project,
    "order_id": StopWorkOrder.project,
    "application_id": ResumptionApplication.project,
    "report_id": DefectReport.project,
    "photo_id": Photo.project,
}


def takes(action: IssueAction):
    """The guard of an issue action: the roles the state machine lets take it (inspections/workflow.py)."""
    return requires_role(workflow.roles_for(action))
