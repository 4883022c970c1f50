"""Which record each document issued by quality supervision belongs to, so that the document is read
under that record's rule (`inspections.access`); `tracker.plugin.document_readers` collects them."""

from __future__ import annotations

from inspections import access
from inspections.services.rectification import reply_number
from inspections.tables import Notice, ResumptionOrder, StopWorkOrder
from tracker.accounts.actor import Actor
from tracker.errors import Conflict, Forbidden

# Issued documents of inspections, each read under the rule of the record that issued it
# (`tracker.documents.services.check_document` dispatches on the document's kind). With `void=True` the
# generic void route asks too: a notice is voided only on the notice (by its issuing organisation, which
# also returns its issues), and a reply form is frozen with its closed notice.


async def _notice_document(actor: Actor, document: dict, *, void: bool = False) -> None:
    rows = await Notice.select(Notice.project, Notice.addressed_org).where(Notice.document == document["id"])
    _owned(rows, document)
    access.check_notice(actor, rows[0])
    if void:
        raise Conflict("Notice {number} is voided on the notice itself, which also returns its issues.",
                       rule="void_through_notice", number=document["number_text"])


async def _reply_document(actor: Actor, document: dict, *, void: bool = False) -> None:
    number = document["number_text"].removesuffix(reply_number(""))
    rows = await Notice.select(Notice.project, Notice.addressed_org).where(
        Notice.project == document["project"], Notice.number_text == number)
    _owned(rows, document)
    access.check_notice(actor, rows[0])
    if void:
        raise Conflict("Reply form {number} is frozen with its closed notice.", rule="void_through_notice",
                       number=document["number_text"])


async def _stop_work_document(actor: Actor, document: dict, *, void: bool = False) -> None:
    rows = await StopWorkOrder.select(StopWorkOrder.project, StopWorkOrder.addressed_org).where(
        StopWorkOrder.document == document["id"])
    _owned(rows, document)
    access.check_stop_work(actor, rows[0])


async def _resumption_document(actor: Actor, document: dict, *, void: bool = False) -> None:
    rows = await ResumptionOrder.select(
        ResumptionOrder.stop_order.project.as_alias("project"),
        ResumptionOrder.stop_order.addressed_org.as_alias("addressed_org"),
    ).where(ResumptionOrder.document == document["id"])
    _owned(rows, document)
    access.check_stop_work(actor, rows[0])


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
