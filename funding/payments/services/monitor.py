"""The payment-deadline monitor (certificates due within 7 days or overdue, retention due for release,
releases due to be checked or paid, overpayments to be returned) and a contract's payment curve (work
certified, certified, paid over time)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from piccolo.query.functions.aggregate import Sum

from funding.payments import access, certificates
from funding.payments.kinds import CertificateStatus, ReleaseStatus
from funding.payments.schemas import CurvePoint, MonitorOut, MonitorRow
from funding.payments.services.contracts import certified_totals, readable_contract, retention_held
from funding.payments.tables import Contract, ContractPayment, PaymentCertificate, RetentionRelease
from tracker import clock
from tracker.accounts.actor import Actor

DUE_SOON_DAYS = 7


async def monitor_rows(today: dt.date, scope=None) -> MonitorOut:
    """Every unpaid certificate and unfinished release due within 7 days or late, of the contracts in `scope`
    (a subquery of contract ids; all contracts when None, as the daily job reads them)."""
    horizon = today + dt.timedelta(days=DUE_SOON_DAYS)
    rows: list[MonitorRow] = []
    for c in await PaymentCertificate.select(
        PaymentCertificate.id, PaymentCertificate.contract, PaymentCertificate.contract.code.as_alias("code"),
        PaymentCertificate.contract.contractor_org.name.as_alias("contractor"), PaymentCertificate.number_text,
        PaymentCertificate.due_on, PaymentCertificate.certified_fen, PaymentCertificate.paid_fen,
    ).where(PaymentCertificate.status == CertificateStatus.issued.value, PaymentCertificate.due_on <= horizon,
            *([] if scope is None else [PaymentCertificate.contract.is_in(scope)])):
        if c["paid_fen"] < c["certified_fen"]:
            rows.append(MonitorRow(kind="certificate", id=c["id"], contract_id=c["contract"], contract_code=c["code"],
                                   contractor_name=c["contractor"], number=c["number_text"], due_on=c["due_on"],
                                   outstanding_fen=c["certified_fen"] - c["paid_fen"],
                                   overdue_days=max((today - c["due_on"]).days, 0)))
    for r in await RetentionRelease.select(
        RetentionRelease.id, RetentionRelease.contract, RetentionRelease.contract.code.as_alias("code"),
        RetentionRelease.contract.contractor_org.name.as_alias("contractor"), RetentionRelease.status,
        RetentionRelease.check_due_on, RetentionRelease.pay_due_on, RetentionRelease.held_fen,
        RetentionRelease.deducted_fen, RetentionRelease.paid_fen,
    ).where(RetentionRelease.status != ReleaseStatus.paid.value,
            *([] if scope is None else [RetentionRelease.contract.is_in(scope)])):
        due = r["check_due_on"] if r["status"] == ReleaseStatus.requested else r["pay_due_on"]
        if due is None or due > horizon:
            continue
        rows.append(MonitorRow(kind=f"retention_{'check' if r['status'] == ReleaseStatus.requested else 'payment'}",
                               id=r["id"], contract_id=r["contract"], contract_code=r["code"],
                               contractor_name=r["contractor"], number=r["code"], due_on=due,
                               outstanding_fen=r["held_fen"] - r["deducted_fen"] - r["paid_fen"],
                               overdue_days=max((today - due).days, 0)))
    rows += await _contract_rows(today, horizon, scope)
    rows.sort(key=lambda m: (m.due_on, m.kind, m.id))
    return MonitorOut(due_soon=[m for m in rows if m.due_on >= today], overdue=[m for m in rows if m.due_on < today])


async def _contract_rows(today: dt.date, horizon: dt.date, scope) -> list[MonitorRow]:
    """Retention due for release and not yet requested, and overpayments found at settlement to be
    returned within 30 days (both per contract)."""
    rows = []
    contracts = await Contract.select(
        *Contract.all_columns(), Contract.contractor_org.name.as_alias("contractor"),
    ).where((Contract.accepted_on.is_not_null() | Contract.completion_reported_on.is_not_null()
             | Contract.settled_fen.is_not_null()),
            *([] if scope is None else [Contract.id.is_in(scope)]))
    requested = {r["contract"] for r in await RetentionRelease.select(RetentionRelease.contract)}
    for c in contracts:
        due = certificates.release_due_on(accepted_on=c["accepted_on"],
                                          completion_reported_on=c["completion_reported_on"],
                                          liability_months=c["liability_months"])
        if due is not None and due <= horizon and c["id"] not in requested:
            held = retention_held(c, (await certified_totals(c["id"]))["retention"])
            if held > 0:
                rows.append(MonitorRow(kind="retention_due", id=c["id"], contract_id=c["id"], contract_code=c["code"],
                                       contractor_name=c["contractor"], number=c["code"], due_on=due,
                                       outstanding_fen=held, overdue_days=max((today - due).days, 0)))
        if c["settled_fen"] is not None:
            paid = (await ContractPayment.select(Sum(ContractPayment.amount_fen, alias="paid")).where(
                ContractPayment.contract == c["id"], ContractPayment.release.is_null()))[0]["paid"] or 0
            account = certificates.final_account(settled_fen=c["settled_fen"],
                                                 retention_ratio=Decimal(c["retention_ratio"]),
                                                 paid_fen=int(paid), settled_on=c["settled_on"])
            if account.overpaid_fen and account.return_due_on <= horizon:
                rows.append(MonitorRow(kind="overpayment_return", id=c["id"], contract_id=c["id"],
                                       contract_code=c["code"], contractor_name=c["contractor"], number=c["code"],
                                       due_on=account.return_due_on, outstanding_fen=account.overpaid_fen,
                                       overdue_days=max((today - account.return_due_on).days, 0)))
    return rows


async def monitor(actor: Actor, project_id: int, today: dt.date) -> MonitorOut:
    access.check_payments(actor, project_id)
    scope = Contract.select(Contract.id).where(Contract.project == project_id, *access.contract_scope(actor))
    return await monitor_rows(today, scope)


async def curve(actor: Actor, contract_id: int) -> list[CurvePoint]:
    """Cumulative work certified, amount certified and amount paid, at each day something changed."""
    await readable_contract(actor, contract_id)
    events: dict[dt.date, dict[str, int]] = {}
    for c in await PaymentCertificate.select(
        PaymentCertificate.certified_at, PaymentCertificate.work_to_date_fen, PaymentCertificate.certified_fen,
    ).where(PaymentCertificate.contract == contract_id, PaymentCertificate.status == CertificateStatus.issued.value
            ).order_by(PaymentCertificate.id):
        day = events.setdefault(clock.day_of(c["certified_at"]), {"work": -1, "certified": 0, "paid": 0})
        day["work"] = c["work_to_date_fen"]
        day["certified"] += c["certified_fen"]
    for p in await ContractPayment.select(ContractPayment.paid_on, ContractPayment.amount_fen).where(
            ContractPayment.contract == contract_id):
        events.setdefault(p["paid_on"], {"work": -1, "certified": 0, "paid": 0})["paid"] += p["amount_fen"]
    points, work, certified, paid = [], 0, 0, 0
    for day in sorted(events):
        e = events[day]
        work = e["work"] if e["work"] >= 0 else work
        certified += e["certified"]
        paid += e["paid"]
        points.append(CurvePoint(on=day, work_fen=work, certified_fen=certified, paid_fen=paid))
    return points
