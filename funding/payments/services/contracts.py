"""Contracts (施工合同): terms, scope, schedule of values, approved changes, completion dates, final account."""

from __future__ import annotations

from decimal import Decimal

from piccolo.query.functions.aggregate import Sum

from funding.payments import access, certificates
from funding.payments.kinds import CertificateStatus, RetentionMode
from funding.payments.schemas import (
    ChangeIn,
    ChangeOut,
    CompletionIn,
    ContractIn,
    ContractItemOut,
    ContractOut,
    FinalAccountOut,
    SettleIn,
)
from funding.payments.tables import (
    ApplicationItem,
    Contract,
    ContractBuilding,
    ContractChange,
    ContractItem,
    ContractPayment,
    PaymentCertificate,
)
from funding.tables import BudgetLine
from tracker import audit
from tracker.accounts.actor import Actor
from tracker.accounts.roles import OrganisationKind
from tracker.accounts.tables import Organisation
from tracker.db import transaction
from tracker.errors import Conflict, Invalid, NotFound
from tracker.register.tables import Building
from tracker.rows import to_schemas

MIN_PAYMENT_RATIO = Decimal("0.8")  # 财建〔2022〕183号: at least 80 % of the work completed
MAX_RETENTION_RATIO = Decimal("0.03")  # 质保金 at most 3 %
MAX_PAYMENT_DAYS = 60  # 保障中小企业款项支付条例: 30 days, at most 60 by contract


def check_terms(data: ContractIn) -> None:
    """The statutory limits, named (the table's CHECKs hold them too)."""
    for field in ("payment_ratio", "retention_ratio"):
        if not getattr(data, field).is_finite():
            raise Invalid("A ratio lies between 0 and 1.", field=field, rule="ratio_range")
    if data.payment_ratio < MIN_PAYMENT_RATIO:
        raise Invalid("The progress payment ratio must be at least 80 %.", field="payment_ratio",
                      rule="payment_ratio_minimum")
    if data.retention_ratio > MAX_RETENTION_RATIO:
        raise Invalid("The retention ratio must be at most 3 %.", field="retention_ratio", rule="retention_ratio_maximum")
    if data.payment_days > MAX_PAYMENT_DAYS:
        raise Invalid("Payment is due within 60 days at most.", field="payment_days", rule="payment_days_maximum")
    if data.retention_ratio < 0 or data.payment_ratio > 1:
        raise Invalid("A ratio lies between 0 and 1.", field="payment_ratio" if data.payment_ratio > 1
                      else "retention_ratio", rule="ratio_range")
    for item in data.items:
        problem = certificates.quantity_problem(item.quantity)
        if problem or item.quantity == 0:
            raise Invalid("Item {code}: the quantity must be more than zero, with at most three decimals.",
                          field="items", rule=problem or "quantity_positive", code=item.code)
    codes = [i.code for i in data.items]
    if len(set(codes)) != len(codes):
        raise Invalid("An item code is listed twice.", field="items", rule="item_code_unique")
    scheduled = sum(certificates.line_value(i.quantity, i.unit_price_fen) for i in data.items)
    if scheduled > data.value_fen:
        raise Invalid("The schedule of values exceeds the contract value.", field="items", rule="items_within_value")


async def contract_row(contract_id: int) -> dict:
    rows = await Contract.select(
        *Contract.all_columns(), Contract.contractor_org.name.as_alias("contractor_name"),
        Contract.budget_line.name.as_alias("budget_line_name"),
    ).where(Contract.id == contract_id)
    if not rows:
        raise NotFound("No contract {id}.", field="contract_id", id=contract_id)
    return rows[0]


async def readable_contract(actor: Actor, contract_id: int) -> dict:
    row = await contract_row(contract_id)
    access.check_contract(actor, row)
    return row


async def create_contract(actor: Actor, project_id: int, data: ContractIn) -> ContractOut:
    access.check_payments(actor, project_id)
    check_terms(data)
    async with transaction():
        org = await Organisation.select(Organisation.kind).where(Organisation.id == data.contractor_org_id)
        if not org or org[0]["kind"] != OrganisationKind.contractor:
            raise Invalid("Organisation {id} is not a contractor.", field="contractor_org_id", rule="contractor_org",
                          id=data.contractor_org_id)
        line = await BudgetLine.select(BudgetLine.project).where(BudgetLine.id == data.budget_line_id)
        if not line or line[0]["project"] != project_id:
            raise Invalid("Budget line {id} is not a line of this project.", field="budget_line_id",
                          rule="budget_line_of_project", id=data.budget_line_id)
        buildings = await Building.select(Building.id).where(Building.id.is_in(data.building_ids),
                                                             Building.project == project_id)
        missing = sorted(set(data.building_ids) - {b["id"] for b in buildings})
        if missing:
            raise Invalid("Building {id} is not a building of this project.", field="building_ids",
                          rule="building_of_project", id=missing[0])
        if await Contract.exists().where(Contract.project == project_id, Contract.code == data.code):
            raise Conflict("Contract {code} exists already.", field="code", rule="contract_code_unique", code=data.code)
        contract_id = (await Contract.insert(Contract(
            project=project_id, contractor_org=data.contractor_org_id, code=data.code, name=data.name,
            value_fen=data.value_fen, payment_ratio=data.payment_ratio, retention_ratio=data.retention_ratio,
            retention_mode=data.retention_mode.value, payment_days=data.payment_days,
            budget_line=data.budget_line_id, liability_months=data.liability_months, created_by=actor.id,
        )).returning(Contract.id))[0]["id"]
        for building in sorted(set(data.building_ids)):
            await ContractBuilding.insert(ContractBuilding(contract=contract_id, building=building))
        if data.items:
            await ContractItem.insert(*[
                ContractItem(contract=contract_id, position=n, code=i.code, name=i.name, unit=i.unit,
                             quantity=i.quantity, unit_price_fen=i.unit_price_fen)
                for n, i in enumerate(data.items, start=1)])
        await audit.record(actor, "contract.create", "contract", contract_id, {
            "code": data.code, "contractor_org_id": data.contractor_org_id, "value_fen": data.value_fen,
            "payment_ratio": str(data.payment_ratio), "retention_ratio": str(data.retention_ratio),
            "retention_mode": data.retention_mode.value, "payment_days": data.payment_days,
            "budget_line_id": data.budget_line_id, "building_ids": sorted(set(data.building_ids)),
            "items": len(data.items),
        })
    return await get_contract(actor, contract_id)


async def add_change(actor: Actor, contract_id: int, data: ChangeIn) -> ContractOut:
    """An approved change (变更 / 签证) adjusts the contract value; never below what is certified already."""
    if data.amount_fen == 0:
        raise Invalid("A change adjusts the value: its amount is not zero.", field="amount_fen", rule="amount_not_zero")
    async with transaction():
        row = await readable_contract(actor, contract_id)
        if row["settled_fen"] is not None:
            raise Conflict("Contract {code} is settled; changes end at the final account.", rule="contract_settled",
                           code=row["code"])
        if await ContractChange.exists().where(ContractChange.contract == contract_id,
                                               ContractChange.reference == data.reference):
            raise Conflict("Change {reference} is recorded already.", field="reference",
                           rule="contract_change_reference_unique", reference=data.reference)
        moved = await Contract.update({Contract.changes_fen: Contract.changes_fen + data.amount_fen}).where(
            Contract.id == contract_id).returning(Contract.value_fen, Contract.changes_fen)
        total = moved[0]["value_fen"] + moved[0]["changes_fen"]
        if total < await work_certified_fen(contract_id):
            raise Conflict("The change would bring the contract value below the work already certified.",
                           field="amount_fen", rule="change_below_certified")
        if total < 0:
            raise Conflict("The change would bring the contract value below zero.", field="amount_fen",
                           rule="total_not_negative")
        change_id = (await ContractChange.insert(ContractChange(
            contract=contract_id, kind=data.kind.value, reference=data.reference, amount_fen=data.amount_fen,
            approved_on=data.approved_on, reason=data.reason, recorded_by=actor.id,
        )).returning(ContractChange.id))[0]["id"]
        await audit.record(actor, "contract.change", "contract", contract_id, {
            "change_id": change_id, "kind": data.kind.value, "reference": data.reference,
            "amount_fen": data.amount_fen, "approved_on": data.approved_on.isoformat(),
        })
    return await get_contract(actor, contract_id)


async def record_completion(actor: Actor, contract_id: int, data: CompletionIn) -> ContractOut:
    """The contractor's completion report and the owner's acceptance: the defect-liability period runs from them."""
    if data.completion_reported_on and data.accepted_on and data.accepted_on < data.completion_reported_on:
        raise Invalid("Acceptance cannot come before the completion report.", field="accepted_on",
                      rule="acceptance_after_report")
    async with transaction():
        await readable_contract(actor, contract_id)
        await Contract.update({Contract.completion_reported_on: data.completion_reported_on,
                               Contract.accepted_on: data.accepted_on}).where(Contract.id == contract_id)
        await audit.record(actor, "contract.completion", "contract", contract_id, {
            "completion_reported_on": data.completion_reported_on, "accepted_on": data.accepted_on})
    return await get_contract(actor, contract_id)


async def work_certified_fen(contract_id: int) -> int:
    rows = await PaymentCertificate.select(PaymentCertificate.work_to_date_fen).where(
        PaymentCertificate.contract == contract_id, PaymentCertificate.status == CertificateStatus.issued.value,
    ).order_by(PaymentCertificate.id, ascending=False).limit(1)
    return rows[0]["work_to_date_fen"] if rows else 0


async def certified_totals(contract_id: int) -> dict:
    """Σ certified and the retention withheld to date, over the current certificates."""
    rows = await PaymentCertificate.select(
        Sum(PaymentCertificate.certified_fen, alias="certified"),
    ).where(PaymentCertificate.contract == contract_id, PaymentCertificate.status == CertificateStatus.issued.value)
    latest = await PaymentCertificate.select(PaymentCertificate.retention_to_date_fen).where(
        PaymentCertificate.contract == contract_id, PaymentCertificate.status == CertificateStatus.issued.value,
    ).order_by(PaymentCertificate.id, ascending=False).limit(1)
    return {"certified": int(rows[0]["certified"] or 0),
            "retention": latest[0]["retention_to_date_fen"] if latest else 0}


async def paid_fen(contract_id: int) -> int:
    rows = await ContractPayment.select(Sum(ContractPayment.amount_fen, alias="paid")).where(
        ContractPayment.contract == contract_id)
    return int(rows[0]["paid"] or 0)


def retention_held(row: dict, retention_to_date_fen: int) -> int:
    """What is held as retention: from the final account once settled, else what the certificates withheld."""
    if row["settled_fen"] is not None:
        return certificates.fen(row["settled_fen"] * Decimal(row["retention_ratio"]))
    return retention_to_date_fen if row["retention_mode"] == RetentionMode.per_certificate else 0


async def certified_quantities(contract_id: int) -> dict[int, Decimal]:
    """Approved quantity per item over the applications with a current certificate."""
    rows = await ApplicationItem.select(ApplicationItem.item, ApplicationItem.approved_quantity).where(
        ApplicationItem.application.contract == contract_id,
        ApplicationItem.application.id.is_in(
            PaymentCertificate.select(PaymentCertificate.application).where(
                PaymentCertificate.contract == contract_id,
                PaymentCertificate.status == CertificateStatus.issued.value)),
    )
    totals: dict[int, Decimal] = {}
    for r in rows:
        totals[r["item"]] = totals.get(r["item"], Decimal(0)) + Decimal(r["approved_quantity"] or 0)
    return totals


async def get_contract(actor: Actor, contract_id: int) -> ContractOut:
    row = await readable_contract(actor, contract_id)
    scope = await ContractBuilding.select(ContractBuilding.building, ContractBuilding.building.name.as_alias("name")
                                          ).where(ContractBuilding.contract == contract_id).order_by(ContractBuilding.building)
    done = await certified_quantities(contract_id)
    items = [ContractItemOut(
        id=i["id"], position=i["position"], code=i["code"], name=i["name"], unit=i["unit"],
        quantity=Decimal(i["quantity"]), unit_price_fen=i["unit_price_fen"],
        value_fen=certificates.line_value(i["quantity"], i["unit_price_fen"]),
        certified_quantity=done.get(i["id"], Decimal(0)),
    ) for i in await ContractItem.select().where(ContractItem.contract == contract_id).order_by(ContractItem.position)]
    changes = to_schemas(await ContractChange.select(
        ContractChange.id, ContractChange.kind, ContractChange.reference, ContractChange.amount_fen,
        ContractChange.approved_on, ContractChange.reason,
    ).where(ContractChange.contract == contract_id).order_by(ContractChange.id), ChangeOut)
    totals = await certified_totals(contract_id)
    return ContractOut(
        id=row["id"], project_id=row["project"], contractor_org_id=row["contractor_org"],
        contractor_name=row["contractor_name"], code=row["code"], name=row["name"], value_fen=row["value_fen"],
        changes_fen=row["changes_fen"], total_fen=row["value_fen"] + row["changes_fen"],
        payment_ratio=Decimal(row["payment_ratio"]), retention_ratio=Decimal(row["retention_ratio"]),
        retention_mode=RetentionMode(row["retention_mode"]), payment_days=row["payment_days"],
        budget_line_id=row["budget_line"], budget_line_name=row["budget_line_name"],
        liability_months=row["liability_months"], completion_reported_on=row["completion_reported_on"],
        accepted_on=row["accepted_on"], settled_fen=row["settled_fen"], settled_on=row["settled_on"],
        building_ids=[b["building"] for b in scope], building_names=[b["name"] for b in scope],
        items=items, changes=changes, work_certified_fen=await work_certified_fen(contract_id),
        certified_fen=totals["certified"], paid_fen=await paid_fen(contract_id),
        retention_held_fen=retention_held(row, totals["retention"]),
        release_due_on=certificates.release_due_on(
            accepted_on=row["accepted_on"], completion_reported_on=row["completion_reported_on"],
            liability_months=row["liability_months"]),
    )


async def list_contracts(actor: Actor, project_id: int) -> list[ContractOut]:
    access.check_payments(actor, project_id)
    rows = await Contract.select(Contract.id).where(Contract.project == project_id, *access.contract_scope(actor)
                                                    ).order_by(Contract.code)
    return [await get_contract(actor, r["id"]) for r in rows]


async def settle(actor: Actor, contract_id: int, data: SettleIn) -> FinalAccountOut:
    """结算: fix the settled amount; the retention is held from it and the balance (or the overpayment
    to return within 30 days) follows."""
    async with transaction():
        row = await readable_contract(actor, contract_id)
        if row["settled_fen"] is not None:
            raise Conflict("Contract {code} is settled already.", rule="contract_settled", code=row["code"])
        await Contract.update({Contract.settled_fen: data.settled_fen, Contract.settled_on: data.settled_on}).where(
            Contract.id == contract_id)
        account = await final_account(actor, contract_id)
        await audit.record(actor, "contract.settle", "contract", contract_id, {
            "settled_fen": data.settled_fen, "settled_on": data.settled_on.isoformat(),
            "retention_fen": account.retention_fen, "paid_fen": account.paid_fen,
            "balance_fen": account.balance_fen, "overpaid_fen": account.overpaid_fen})
    return account


async def final_account(actor: Actor, contract_id: int) -> FinalAccountOut:
    row = await readable_contract(actor, contract_id)
    if row["settled_fen"] is None:
        raise Conflict("Contract {code} has no final account yet.", rule="contract_not_settled", code=row["code"])
    # Retention releases are paid out of the retention, not against the balance.
    paid_rows = await ContractPayment.select(Sum(ContractPayment.amount_fen, alias="paid")).where(
        ContractPayment.contract == contract_id, ContractPayment.release.is_null())
    account = certificates.final_account(settled_fen=row["settled_fen"], retention_ratio=Decimal(row["retention_ratio"]),
                                         paid_fen=int(paid_rows[0]["paid"] or 0), settled_on=row["settled_on"])
    return FinalAccountOut(contract_id=contract_id, settled_fen=account.settled_fen, retention_fen=account.retention_fen,
                           paid_fen=account.paid_fen, balance_fen=account.balance_fen,
                           overpaid_fen=account.overpaid_fen, return_due_on=account.return_due_on,
                           settled_on=row["settled_on"])
