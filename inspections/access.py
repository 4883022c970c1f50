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
from tracker.errors import Conflict, Forbidden



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


# Conditions that narrow a list or a count to what `check_*` above would allow, for actors who passed
# `check_inspections` on the project. Only contractors are narrowed.


def issue_scope(actor: Actor) -> list:
    from inspections.tables import Issue

    return [Issue.responsible_org == (actor.organisation_id or -1)] if actor.role is Role.contractor else []


def notice_scope(actor: Actor) -> list:
    from inspections.tables import Notice

    return [Notice.addressed_org == (actor.organisation_id or -1)] if actor.role is Role.contractor else []


def stop_work_scope(actor: Actor) -> list:
    from inspections.tables import StopWorkOrder

    return [StopWorkOrder.addressed_org == (actor.organisation_id or -1)] if actor.role is Role.contractor else []


# Issued documents of inspections, each read under the rule of the record that issued it
# (`tracker.documents.services.check_document` dispatches on the document's kind). With `void=True` the
# generic void route asks too: a notice is voided only on the notice (by its issuing organisation, which
# also returns its issues), and a reply form is frozen with its closed notice.


async def _notice_document(actor: Actor, document: dict, *, void: bool = False) -> None:
    from inspections.tables import Notice

    rows = await Notice.select(Notice.project, Notice.addressed_org).where(Notice.document == document["id"])
    _owned(rows, document)
    check_notice(actor, rows[0])
    if void:
        raise Conflict("Notice {number} is voided on the notice itself, which also returns its issues.",
                       rule="void_through_notice", number=document["number_text"])


async def _reply_document(actor: Actor, document: dict, *, void: bool = False) -> None:
    from inspections.services import reply_number
    from inspections.tables import Notice

    number = document["number_text"].removesuffix(reply_number(""))
    rows = await Notice.select(Notice.project, Notice.addressed_org).where(
        Notice.project == document["project"], Notice.number_text == number)
    _owned(rows, document)
    check_notice(actor, rows[0])
    if void:
        raise Conflict("Reply form {number} is frozen with its closed notice.", rule="void_through_notice",
                       number=document["number_text"])


async def _stop_work_document(actor: Actor, document: dict, *, void: bool = False) -> None:
    from inspections.tables import StopWorkOrder

    rows = await StopWorkOrder.select(StopWorkOrder.project, StopWorkOrder.addressed_org).where(
        StopWorkOrder.document == document["id"])
    _owned(rows, document)
    check_stop_work(actor, rows[0])


async def _resumption_document(actor: Actor, document: dict, *, void: bool = False) -> None:
    from inspections.tables import ResumptionOrder

    rows = await ResumptionOrder.select(
        ResumptionOrder.stop_order.project.as_alias("project"),
        ResumptionOrder.stop_order.addressed_org.as_alias("addressed_org"),
    ).where(ResumptionOrder.document == document["id"])
    _owned(rows, document)
    check_stop_work(actor, rows[0])


def _owned(rows: list[dict], document: dict) -> None:
    if not rows:  # an issued document with no record behind it: nobody but an admin reads it
        raise Forbidden("Document {number} has no record you may read.", rule="document_owner",
                        number=document["number_text"])


# Keyed by the document's kind before any dot (`notice.supervision` → `notice`).
DOCUMENT_READERS = {
    "notice": _notice_document,
    "notice_reply": _reply_document,
    "stop_work": _stop_work_document,
    "resumption": _resumption_document,
}
