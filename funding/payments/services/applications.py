"""Progress payment applications (工程款支付报审表 B.0.11): the contractor claims a period's work, the
supervising engineer reviews it (cutting quantities with a reason per item) or returns it."""

from __future__ import annotations

from decimal import Decimal

from funding.payments import certificates
from funding.payments.kinds import PERIOD_HOLDING, ApplicationStatus, CertificateStatus
from funding.payments.schemas import ApplicationIn, ApplicationItemOut, ApplicationOut, ReturnIn, ReviewIn
from funding.payments.services.contracts import certified_quantities, readable_contract, work_certified_fen
from funding.payments.tables import ApplicationItem, Contract, ContractItem, PaymentApplication, PaymentCertificate
from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import Role
from tracker.db import transaction
from tracker.errors import Conflict, Forbidden, Invalid, NotFound


async def application_row(application_id: int) -> dict:
    rows = await PaymentApplication.select(
        *PaymentApplication.all_columns(),
        PaymentApplication.contract.contractor_org.as_alias("contractor_org"),
    ).where(PaymentApplication.id == application_id).output(load_json=True)
    if not rows:
        raise NotFound("No payment application {id}.", field="payment_application_id", id=application_id)
    return rows[0]


async def readable_application(actor: Actor, application_id: int) -> tuple[dict, dict]:
    row = await application_row(application_id)
    contract = await readable_contract(actor, row["contract"])
    return row, contract


async def _claimed_to_date(contract_id: int, exclude: int | None = None) -> int:
    """The work value held by the contract's open applications: approved where reviewed, claimed where not."""
    rows = await PaymentApplication.select(PaymentApplication.id, PaymentApplication.claimed_fen,
                                           PaymentApplication.approved_fen).where(
        PaymentApplication.contract == contract_id,
        PaymentApplication.status.is_in([s.value for s in PERIOD_HOLDING]))
    return sum(r["approved_fen"] if r["approved_fen"] is not None else r["claimed_fen"]
               for r in rows if r["id"] != exclude)


async def submit_application(actor: Actor, contract_id: int, data: ApplicationIn) -> ApplicationOut:
    """A contractor's application for one period; its period may not overlap another open one, and the
    work claimed to date may not exceed the contract value plus approved changes."""
    if data.period_end < data.period_start:
        raise Invalid("The period ends before it starts.", field="period_end", rule="period_ordered")
    async with transaction():
        # Raising the contract's sequence takes its row lock: two applications of one contract are
        # checked for overlap one after the other, on both engines.
        await Contract.update({Contract.applications_seq: Contract.applications_seq + 1}).where(
            Contract.id == contract_id)
        contract = await readable_contract(actor, contract_id)
        if actor.role is not Role.admin and actor.organisation_id != contract["contractor_org"]:
            raise Forbidden("Only the contractor of the contract applies for its payments.", rule="contractor_own_org")
        if contract["settled_fen"] is not None:
            raise Conflict("Contract {code} is settled.", rule="contract_settled", code=contract["code"])
        overlapping = await PaymentApplication.select(
            PaymentApplication.id, PaymentApplication.period_start, PaymentApplication.period_end).where(
            PaymentApplication.contract == contract_id,
            PaymentApplication.status.is_in([s.value for s in PERIOD_HOLDING]),
            PaymentApplication.period_start <= data.period_end, PaymentApplication.period_end >= data.period_start,
        ).limit(1)
        if overlapping:
            o = overlapping[0]
            raise Conflict("The period overlaps application {id} ({start} – {end}).", field="period_start",
                           rule="periods_overlap", id=o["id"], start=o["period_start"], end=o["period_end"])
        items = {i["id"]: i for i in await ContractItem.select().where(ContractItem.contract == contract_id)}
        if items:
            if data.claimed_fen is not None:
                raise Invalid("This contract has a schedule of values: claim per item.", field="claimed_fen",
                              rule="claim_per_item")
            ids = [i.item_id for i in data.items]
            if len(set(ids)) != len(ids):
                raise Invalid("An item is listed twice.", field="items", rule="item_listed_twice")
            unknown = [i for i in ids if i not in items]
            if unknown:
                raise Invalid("Item {id} is not an item of this contract.", field="items", rule="item_of_contract",
                              id=unknown[0])
            for i in data.items:
                problem = certificates.quantity_problem(i.quantity)
                if problem:
                    raise Invalid("Item {id}: a quantity is zero or more, with at most three decimals.",
                                  field="items", rule=problem, id=i.item_id)
            if not any(i.quantity > 0 for i in data.items):
                raise Invalid("Claim some work on at least one item.", field="items", rule="claim_something")
            claimed = sum(certificates.line_value(i.quantity, items[i.item_id]["unit_price_fen"]) for i in data.items)
        else:
            if data.items:
                raise Invalid("This contract has no schedule of values: claim the period's amount.", field="items",
                              rule="claim_lump_sum")
            if not data.claimed_fen:
                raise Invalid("Claim the value of the period's work.", field="claimed_fen", rule="claim_something")
            claimed = data.claimed_fen
        total = contract["value_fen"] + contract["changes_fen"]
        to_date = await _claimed_to_date(contract_id) + claimed
        if to_date > total:
            raise Conflict("The work claimed to date ({to_date} fen) exceeds the contract value with approved "
                           "changes ({total} fen).", field="items" if items else "claimed_fen",
                           rule="claim_within_contract", to_date=to_date, total=total)
        payable = certificates.fen(claimed * Decimal(contract["payment_ratio"]))
        applied = payable if data.applied_fen is None else data.applied_fen
        if applied > total:
            raise Conflict("The amount applied for exceeds the contract value with approved changes.",
                           field="applied_fen", rule="claim_within_contract")
        application_id = (await PaymentApplication.insert(PaymentApplication(
            project=contract["project"], contract=contract_id, period_start=data.period_start,
            period_end=data.period_end, claimed_fen=claimed, applied_fen=applied, statement=data.statement,
            attachments=list(data.attachments), submitted_by=actor.id,
        )).returning(PaymentApplication.id))[0]["id"]
        if data.items:
            await ApplicationItem.insert(*[ApplicationItem(application=application_id, item=i.item_id,
                                                           claimed_quantity=i.quantity) for i in data.items])
        await audit.record(actor, "payment_application.submit", "payment_application", application_id, {
            "contract_id": contract_id, "period": [data.period_start.isoformat(), data.period_end.isoformat()],
            "claimed_fen": claimed, "applied_fen": applied,
            "items": [[i.item_id, str(i.quantity)] for i in data.items]})
    return await get_application(actor, application_id)


async def review_application(actor: Actor, application_id: int, data: ReviewIn) -> ApplicationOut:
    """The supervising engineer's review: approved quantities (a cut needs its reason), or a lump-sum cut."""
    async with transaction():
        row, contract = await readable_application(actor, application_id)
        if row["status"] not in (ApplicationStatus.submitted, ApplicationStatus.reviewed):
            raise Conflict("Application {id} is {status}; only a submitted one is reviewed.", rule="application_status",
                           id=application_id, status=row["status"])
        lines = {r["item"]: r for r in await ApplicationItem.select(
            ApplicationItem.id, ApplicationItem.item, ApplicationItem.claimed_quantity,
            ApplicationItem.item.unit_price_fen.as_alias("unit_price_fen"),
        ).where(ApplicationItem.application == application_id)}
        if lines:
            given = {i.item_id: i for i in data.items}
            unknown = sorted(set(given) - set(lines))
            if unknown:
                raise Invalid("Item {id} is not claimed on this application.", field="items", rule="item_of_application",
                              id=unknown[0])
            approved_fen = 0
            certified = await certified_quantities(contract["id"])
            for item_id, line in lines.items():
                review = given.get(item_id)
                claimed = Decimal(line["claimed_quantity"])
                quantity = claimed if review is None else review.approved_quantity
                reason = "" if review is None else review.cut_reason.strip()
                problem = certificates.quantity_problem(quantity, negative=True)
                if problem:
                    raise Invalid("Item {id}: at most three decimals, within range.", field="items", rule=problem,
                                  id=item_id)
                if quantity > claimed:
                    raise Invalid("Item {id}: more approved than claimed.", field="items", rule="approved_within_claim",
                                  id=item_id)
                if quantity < claimed and not reason:
                    raise Invalid("Item {id}: a cut needs its reason.", field="items", rule="cut_has_reason", id=item_id)
                if certified.get(item_id, Decimal(0)) + quantity < 0:
                    raise Invalid("Item {id}: more taken back than was certified.", field="items",
                                  rule="remeasure_within_certified", id=item_id)
                await ApplicationItem.update({ApplicationItem.approved_quantity: quantity,
                                              ApplicationItem.cut_reason: reason if quantity < claimed else ""}).where(
                    ApplicationItem.id == line["id"])
                approved_fen += certificates.line_value(quantity, line["unit_price_fen"])
        else:
            approved_fen = row["claimed_fen"] if data.approved_fen is None else data.approved_fen
            if approved_fen > row["claimed_fen"]:
                raise Invalid("More approved than claimed.", field="approved_fen", rule="approved_within_claim")
            if approved_fen < row["claimed_fen"] and not data.cut_reason.strip():
                raise Invalid("A cut needs its reason.", field="cut_reason", rule="cut_has_reason")
            if await work_certified_fen(contract["id"]) + approved_fen < 0:
                raise Invalid("More taken back than was certified.", field="approved_fen",
                              rule="remeasure_within_certified")
        note = data.note.strip() or (data.cut_reason.strip() if not lines else "")
        await PaymentApplication.update({
            PaymentApplication.status: ApplicationStatus.reviewed.value, PaymentApplication.approved_fen: approved_fen,
            PaymentApplication.review_note: note, PaymentApplication.reviewed_by: actor.id,
            PaymentApplication.reviewed_at: clock.now(),
        }).where(PaymentApplication.id == application_id)
        await audit.record(actor, "payment_application.review", "payment_application", application_id, {
            "approved_fen": approved_fen, "claimed_fen": row["claimed_fen"],
            "cuts": [[i.item_id, str(i.approved_quantity), i.cut_reason] for i in data.items], "note": note})
    return await get_application(actor, application_id)


async def return_application(actor: Actor, application_id: int, data: ReturnIn) -> ApplicationOut:
    """Send an application back (退回): its period is free for a new one."""
    async with transaction():
        row, _ = await readable_application(actor, application_id)
        if row["status"] not in (ApplicationStatus.submitted, ApplicationStatus.reviewed):
            raise Conflict("Application {id} is {status}; only a submitted or reviewed one is returned.",
                           rule="application_status", id=application_id, status=row["status"])
        await PaymentApplication.update({PaymentApplication.status: ApplicationStatus.returned.value,
                                         PaymentApplication.return_reason: data.reason.strip()}).where(
            PaymentApplication.id == application_id)
        await audit.record(actor, "payment_application.return", "payment_application", application_id,
                           {"reason": data.reason.strip()})
    return await get_application(actor, application_id)


async def application_items(row: dict) -> list[ApplicationItemOut]:
    """The application's lines with what was certified before it (for the review page and the certificate)."""
    previous = await certified_quantities(row["contract"])
    if row["status"] == ApplicationStatus.certified:  # its own quantities are in the certified totals
        own = {r["item"]: Decimal(r["approved_quantity"] or 0) for r in await ApplicationItem.select(
            ApplicationItem.item, ApplicationItem.approved_quantity).where(ApplicationItem.application == row["id"])}
        previous = {k: v - own.get(k, Decimal(0)) for k, v in previous.items()}
    lines = await ApplicationItem.select(
        ApplicationItem.item.as_alias("item_id"), ApplicationItem.item.code.as_alias("code"),
        ApplicationItem.item.name.as_alias("name"), ApplicationItem.item.unit.as_alias("unit"),
        ApplicationItem.item.unit_price_fen.as_alias("unit_price_fen"),
        ApplicationItem.item.quantity.as_alias("contract_quantity"), ApplicationItem.claimed_quantity,
        ApplicationItem.approved_quantity, ApplicationItem.cut_reason,
        ApplicationItem.item.position.as_alias("position"),
    ).where(ApplicationItem.application == row["id"])
    lines.sort(key=lambda r: r["position"])
    return [ApplicationItemOut(
        item_id=r["item_id"], code=r["code"], name=r["name"], unit=r["unit"], unit_price_fen=r["unit_price_fen"],
        contract_quantity=Decimal(r["contract_quantity"]), previous_quantity=previous.get(r["item_id"], Decimal(0)),
        claimed_quantity=Decimal(r["claimed_quantity"]),
        approved_quantity=None if r["approved_quantity"] is None else Decimal(r["approved_quantity"]),
        cut_reason=r["cut_reason"], claimed_fen=certificates.line_value(r["claimed_quantity"], r["unit_price_fen"]),
        approved_fen=None if r["approved_quantity"] is None
        else certificates.line_value(r["approved_quantity"], r["unit_price_fen"]),
    ) for r in lines]


async def get_application(actor: Actor, application_id: int) -> ApplicationOut:
    row, contract = await readable_application(actor, application_id)
    certificate = await PaymentCertificate.select(PaymentCertificate.id, PaymentCertificate.number_text).where(
        PaymentCertificate.application == application_id,
        PaymentCertificate.status == CertificateStatus.issued.value).limit(1)
    return ApplicationOut(
        id=row["id"], project_id=row["project"], contract_id=row["contract"], contract_code=contract["code"],
        contractor_name=contract["contractor_name"], period_start=row["period_start"], period_end=row["period_end"],
        status=ApplicationStatus(row["status"]), claimed_fen=row["claimed_fen"], approved_fen=row["approved_fen"],
        applied_fen=row["applied_fen"], statement=row["statement"], attachments=list(row["attachments"] or []),
        review_note=row["review_note"], return_reason=row["return_reason"], submitted_at=row["submitted_at"],
        reviewed_at=row["reviewed_at"], items=await application_items(row),
        certificate_id=certificate[0]["id"] if certificate else None,
        certificate_number=certificate[0]["number_text"] if certificate else None,
    )


async def list_applications(actor: Actor, contract_id: int) -> list[ApplicationOut]:
    await readable_contract(actor, contract_id)
    rows = await PaymentApplication.select(PaymentApplication.id).where(
        PaymentApplication.contract == contract_id).order_by(PaymentApplication.period_start)
    return [await get_application(actor, r["id"]) for r in rows]


async def work_to_date_after(row: dict, contract: dict) -> int:
    """The value of work certified to date once this (reviewed) application is certified."""
    items = await ContractItem.select(ContractItem.id, ContractItem.unit_price_fen).where(
        ContractItem.contract == contract["id"])
    if not items:
        return await work_certified_fen(contract["id"]) + (row["approved_fen"] or 0)
    done = await certified_quantities(contract["id"])
    own = {r["item"]: Decimal(r["approved_quantity"] or 0) for r in await ApplicationItem.select(
        ApplicationItem.item, ApplicationItem.approved_quantity).where(ApplicationItem.application == row["id"])}
    return sum(certificates.line_value(done.get(i["id"], Decimal(0)) + own.get(i["id"], Decimal(0)),
                                       i["unit_price_fen"]) for i in items)
