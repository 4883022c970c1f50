"""Paying the contractor: finance records a payment against a certificate (or a checked retention
release) and a funding allocation; the allocation must be one of the contract's budget line from a
source allowing its use, and the funding domain's spending is written in the same transaction."""

from __future__ import annotations

from piccolo.query import WhereRaw

from funding import services as funding
from funding.kinds import SpendingKind
from funding.payments import access
from funding.payments.kinds import CertificateStatus, ReleaseStatus
from funding.payments.schemas import PaymentIn, PaymentOut
from funding.payments.services.certification import readable_certificate
from funding.payments.services.contracts import readable_contract
from funding.payments.services.retention import readable_release
from funding.payments.tables import Contract, ContractPayment, PaymentCertificate, RetentionRelease
from funding.tables import Allocation
from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import Conflict, Invalid, NotFound
from tracker.rows import to_schemas


async def _check_allocation(contract: dict, allocation_id: int) -> None:
    rows = await Allocation.select(
        Allocation.project, Allocation.budget_line, Allocation.budget_line.use.as_alias("use"),
        Allocation.source.allowed_uses.as_alias("allowed_uses"), Allocation.budget_line.name.as_alias("line"),
    ).where(Allocation.id == allocation_id).output(load_json=True)
    if not rows:
        raise NotFound("Allocation {id} does not exist.", field="allocation_id", id=allocation_id)
    row = rows[0]
    if row["project"] != contract["project"] or row["budget_line"] != contract["budget_line"]:
        raise Invalid("Allocation {id} is not of the budget line the contract is charged to.", field="allocation_id",
                      rule="allocation_of_contract_line", id=allocation_id)
    if row["use"] not in (row["allowed_uses"] or []):
        raise Invalid("The allocation's source may not pay for {use}.", field="allocation_id", rule="use_not_allowed",
                      use=row["use"])


async def _spend(actor: Actor, contract: dict, data: PaymentIn, purpose: str) -> int:
    return await funding.spend(actor, allocation_id=data.allocation_id, kind=SpendingKind.payment,
                               amount_fen=data.amount_fen, spent_on=data.paid_on, payee=contract["contractor_name"],
                               voucher_no=data.voucher_no, purpose=purpose)


async def pay_certificate(actor: Actor, certificate_id: int, data: PaymentIn) -> PaymentOut:
    async with transaction():
        certificate, contract = await readable_certificate(actor, certificate_id)
        if certificate["status"] != CertificateStatus.issued:
            raise Conflict("Certificate {number} is void.", rule="certificate_voided", number=certificate["number_text"])
        await _check_allocation(contract, data.allocation_id)
        if data.paid_on < clock.day_of(certificate["certified_at"]):
            raise Invalid("A certificate is paid on or after the day it is certified.", field="paid_on",
                          rule="paid_after_certified")
        raised = await PaymentCertificate.update({PaymentCertificate.paid_fen: PaymentCertificate.paid_fen + data.amount_fen}
                                                 ).where(PaymentCertificate.id == certificate_id,
                                                         WhereRaw("paid_fen + {} <= certified_fen", data.amount_fen)
                                                         ).returning(PaymentCertificate.paid_fen)
        if not raised:
            left = certificate["certified_fen"] - certificate["paid_fen"]
            raise Conflict("The payment exceeds what is left of certificate {number} ({left} fen).", field="amount_fen",
                           rule="payment_within_certificate", number=certificate["number_text"], left=left)
        spending_id = await _spend(actor, contract, data, f"工程进度款 {contract['code']} 支付证书 {certificate['number_text']}")
        payment_id = (await ContractPayment.insert(ContractPayment(
            project=contract["project"], contract=contract["id"], certificate=certificate_id,
            allocation=data.allocation_id, spending=spending_id, amount_fen=data.amount_fen, paid_on=data.paid_on,
            voucher_no=data.voucher_no, recorded_by=actor.id,
        )).returning(ContractPayment.id))[0]["id"]
        await audit.record(actor, "contract_payment.pay", "contract_payment", payment_id, {
            "certificate": certificate["number_text"], "amount_fen": data.amount_fen, "spending_id": spending_id,
            "allocation_id": data.allocation_id, "paid_on": data.paid_on.isoformat(), "voucher_no": data.voucher_no})
    return (await _payments(ContractPayment.id == payment_id))[0]


async def pay_release(actor: Actor, release_id: int, data: PaymentIn) -> PaymentOut:
    """Pay a checked retention release (its held amount less what was deducted)."""
    async with transaction():
        release, contract = await readable_release(actor, release_id)
        if release["status"] != ReleaseStatus.checked:
            raise Conflict("The release is {status}; it is paid once checked.", rule="release_status",
                           status=release["status"])
        await _check_allocation(contract, data.allocation_id)
        payable = release["held_fen"] - release["deducted_fen"]
        if data.amount_fen != payable - release["paid_fen"]:
            raise Conflict("The release pays {left} fen.", field="amount_fen", rule="payment_within_release",
                           left=payable - release["paid_fen"])
        await RetentionRelease.update({RetentionRelease.paid_fen: RetentionRelease.paid_fen + data.amount_fen,
                                       RetentionRelease.status: ReleaseStatus.paid.value,
                                       RetentionRelease.paid_on: data.paid_on}).where(RetentionRelease.id == release_id)
        spending_id = await _spend(actor, contract, data, f"质保金返还 {contract['code']}")
        payment_id = (await ContractPayment.insert(ContractPayment(
            project=contract["project"], contract=contract["id"], release=release_id, allocation=data.allocation_id,
            spending=spending_id, amount_fen=data.amount_fen, paid_on=data.paid_on, voucher_no=data.voucher_no,
            recorded_by=actor.id,
        )).returning(ContractPayment.id))[0]["id"]
        await audit.record(actor, "retention_release.pay", "retention_release", release_id, {
            "payment_id": payment_id, "amount_fen": data.amount_fen, "spending_id": spending_id})
    return (await _payments(ContractPayment.id == payment_id))[0]


async def _payments(*conditions) -> list[PaymentOut]:
    rows = await ContractPayment.select(
        ContractPayment.id, ContractPayment.project.as_alias("project_id"),
        ContractPayment.contract.as_alias("contract_id"), ContractPayment.contract.code.as_alias("contract_code"),
        ContractPayment.contract.contractor_org.name.as_alias("contractor_name"),
        ContractPayment.certificate.as_alias("certificate_id"),
        ContractPayment.certificate.number_text.as_alias("certificate_number"),
        ContractPayment.release.as_alias("release_id"), ContractPayment.allocation.as_alias("allocation_id"),
        ContractPayment.spending.as_alias("spending_id"), ContractPayment.amount_fen, ContractPayment.paid_on,
        ContractPayment.voucher_no,
    ).where(*conditions).order_by(ContractPayment.paid_on).order_by(ContractPayment.id)
    return to_schemas(rows, PaymentOut)


async def list_payments(actor: Actor, contract_id: int) -> list[PaymentOut]:
    await readable_contract(actor, contract_id)
    return await _payments(ContractPayment.contract == contract_id)


async def project_payments(actor: Actor, project_id: int) -> list[PaymentOut]:
    """The payments ledger of a project (a contractor sees its own contracts' only)."""
    access.check_payments(actor, project_id)
    conditions = [ContractPayment.project == project_id]
    if access.contract_scope(actor):
        conditions.append(ContractPayment.contract.is_in(
            Contract.select(Contract.id).where(Contract.project == project_id, *access.contract_scope(actor))))
    return await _payments(*conditions)


async def allocations_for(actor: Actor, contract_id: int) -> list[dict]:
    """The allocations a payment on this contract may come from (its budget line), with what is left."""
    contract = await readable_contract(actor, contract_id)
    rows = await Allocation.select(
        Allocation.id, Allocation.source.name.as_alias("source"), Allocation.amount_fen, Allocation.spent_fen,
        Allocation.transferred_fen,
    ).where(Allocation.budget_line == contract["budget_line"]).order_by(Allocation.id)
    return [{"id": r["id"], "source": r["source"],
             "left_fen": r["amount_fen"] - r["spent_fen"] - r["transferred_fen"]} for r in rows]
