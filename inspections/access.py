"""Who may read each inspection record, decided once: the record's page, its API, its PDF (also through
`/api/v1/documents/{id}/pdf` and the verification page's details), and the lists and counts it appears in.

The rule (DESIGN.md "Who uses it"): admins read everything; project staff (owner, inspectors, community
staff) read every inspection record of the projects they belong to; a contractor reads only what is
addressed to its organisation; residents read only their own defect reports; finance reads no inspection
record, only whether work is stopped (payments depend on it). A record the actor may not read is a 403
naming the rule, an id that does not exist a 404, on pages and in the API alike.
"""

from __future__ import annotations

from collections.abc import Container

from tracker.accounts.actor import Actor
from tracker.accounts.roles import INSPECTION_READERS, REPORT_READERS, STOP_STATUS_READERS, Role
from tracker.errors import Forbidden


def check_project(actor: Actor, project_id: int) -> None:
    if not actor.can_see_project(project_id):
        raise Forbidden("You are not a member of this project.", rule="project_member")


def check_inspections(actor: Actor, project_id: int) -> None:
    """May read the project's inspection records at all (lists, ledger, dashboard); contractors are
    narrowed further by `issue_scope` / `notice_scope` / `stop_work_scope`."""
    check_project(actor, project_id)
    if actor.role is Role.resident:
        raise Forbidden("Residents see their own reports only.", rule="resident_reports_only")
    _role_among(actor, INSPECTION_READERS)


def _role_among(actor: Actor, roles: Container[Role]) -> None:
    if actor.role not in roles:
        raise Forbidden("Inspection records are not shown to the role {role}.", rule="inspection_readers",
                        role=actor.role.value)


_NOT_ADDRESSED = {
    "issue": "This issue is not addressed to your organisation.",
    "notice": "This notice is not addressed to your organisation.",
    "order": "This order is not addressed to your organisation.",
}


def _addressed(actor: Actor, org_id: int | None, what: str) -> None:
    if actor.role is Role.contractor and (actor.organisation_id is None or org_id != actor.organisation_id):
        raise Forbidden(_NOT_ADDRESSED[what], rule="contractor_own_org")


def check_issue(actor: Actor, row: dict) -> None:
    """An issue (问题) with its photos: the contractor it is addressed to (`responsible_org`)."""
    check_inspections(actor, row["project"])
    _addressed(actor, row["responsible_org"], "issue")


def check_notice(actor: Actor, row: dict) -> None:
    """A notice (通知单) with its replies (回复单) and their PDFs: the contractor it is addressed to."""
    check_inspections(actor, row["project"])
    _addressed(actor, row["addressed_org"], "notice")


def check_stop_work(actor: Actor, row: dict) -> None:
    """A stop-work order (工程暂停令) with its resumption applications and order (复工令) and their PDFs."""
    check_inspections(actor, row["project"])
    _addressed(actor, row["addressed_org"], "order")


def check_stop_status(actor: Actor, project_id: int) -> None:
    """Whether the project is stopped; the orders listed with it are those `check_stop_work` allows."""
    check_project(actor, project_id)
    _role_among(actor, STOP_STATUS_READERS)


def check_reports(actor: Actor, project_id: int) -> None:
    """May read the project's defect reports at all; a resident's list holds only their own."""
    check_project(actor, project_id)
    if actor.role is Role.contractor:
        raise Forbidden("Contractors see issues addressed to them, not residents' reports.", rule="contractor_own_org")
    _role_among(actor, REPORT_READERS)


def check_report(actor: Actor, row: dict) -> None:
    """A resident's defect report: staff of the project, and the resident who made it."""
    check_reports(actor, row["project"])
    if actor.role is Role.resident and row["reported_by"] != actor.id:
        raise Forbidden("Residents see their own reports only.", rule="resident_reports_only")


def can(check, actor: Actor, row: dict) -> bool:
    """The same decision as a yes/no, for lists that leave out what the actor may not read."""
    try:
        check(actor, row)
    except Forbidden:
        return False
    return True
