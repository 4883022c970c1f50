"""Who may read each contract-payment record, decided once for its page, its API and its PDF.

Project members of the payment roles read the project's contracts, applications, certificates and
payments; a contractor reads only its own organisation's (another contractor's is a 403 naming the
rule); residents and community staff read none.
"""

from __future__ import annotations

from tracker.accounts.actor import Actor
from tracker.accounts.roles import PAYMENT_READERS, Role
from tracker.errors import Conflict, Forbidden


def check_payments(actor: Actor, project_id: int) -> None:
    if not actor.can_see_project(project_id):
        raise Forbidden("You are not a member of this project.", rule="project_member")
    if actor.role not in PAYMENT_READERS:
        raise Forbidden("Contract payments are not shown to the role {role}.", rule="payment_readers",
                        role=actor.role.value)


def check_contract(actor: Actor, row: dict) -> None:
    """A contract and everything under it (applications, certificates, payments, its retention)."""
    check_payments(actor, row["project"])
    if actor.role is Role.contractor and (actor.organisation_id is None or row["contractor_org"] != actor.organisation_id):
        raise Forbidden("This contract is another contractor's.", rule="contractor_own_org")


def contract_scope(actor: Actor) -> list:
    """The condition narrowing a list of contracts to what `check_contract` allows."""
    from funding.payments.tables import Contract

    return [Contract.contractor_org == (actor.organisation_id or -1)] if actor.role is Role.contractor else []


async def _certificate_document(actor: Actor, document: dict, *, void: bool = False) -> None:
    from funding.payments.tables import PaymentCertificate

    rows = await PaymentCertificate.select(
        PaymentCertificate.contract.project.as_alias("project"),
        PaymentCertificate.contract.contractor_org.as_alias("contractor_org"),
    ).where(PaymentCertificate.document == document["id"])
    if not rows:
        raise Forbidden("Document {number} has no record you may read.", rule="document_owner",
                        number=document["number_text"])
    check_contract(actor, rows[0])
    if void:
        raise Conflict("Certificate {number} is voided on the certificate itself, which frees its application.",
                       rule="void_through_certificate", number=document["number_text"])


DOCUMENT_READERS = {"payment_certificate": _certificate_document}
