"""Resident contributions (居民出资) from retrofit menus: the share an item carries, the per-household
plan that follows once the item is decided as passed, and what each household has paid.

The plan is drawn from the consultation's frozen roll (the titles that voted on the item), by area
(fen per m², rounded half-up to the fen) or flat; generating it again adds only households it lacks.
"""

from __future__ import annotations

from piccolo.query import WhereRaw

from funding.kinds import ContributionBasis, ContributionStatus, SourceKind
from funding.rules import contribution_due
from funding.schemas import (
    ArrivalIn,
    ContributionOut,
    ContributionPaymentIn,
    GeneratedOut,
    ItemShareIn,
    ItemShareOut,
    OwnContributionOut,
    WaiveIn,
)
from funding.services.arrivals import arrive
from funding.services.common import require_project, row_of
from funding.tables import Contribution, ItemShare
from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.consultations.kinds import Status as ConsultationStatus
from tracker.consultations.tables import ConsultationDecision, ConsultationItem, ConsultationRollEntry
from tracker.db import transaction
from tracker.errors import Conflict, Invalid, NotFound
from tracker.register.tables import Household
from tracker.rows import to_schemas


async def _item(project_id: int, item_id: int) -> dict:
    rows = await ConsultationItem.select(
        ConsultationItem.id, ConsultationItem.consultation.as_alias("consultation_id"),
        ConsultationItem.consultation.status.as_alias("status"),
    ).where(ConsultationItem.id == item_id, ConsultationItem.consultation.project == project_id)
    if not rows:
        raise NotFound("Consultation item {id} does not exist in this project.", field="item_id", id=item_id)
    return rows[0]


async def _passed(item: dict) -> bool | None:
    """Whether the item was decided as passed; None while its consultation is not decided."""
    if item["status"] != ConsultationStatus.decided.value:
        return None
    rows = await ConsultationDecision.select(ConsultationDecision.passed).where(
        ConsultationDecision.consultation == item["consultation_id"], ConsultationDecision.item == item["id"])
    return bool(rows and rows[0]["passed"])


async def _plan(project_id: int, item: dict, share: dict) -> int:
    """Add the contributions the item's roll lacks; answers how many were added."""
    have = {r["household"] for r in await Contribution.select(Contribution.household)
            .where(Contribution.item == item["id"])}
    roll = await ConsultationRollEntry.select(ConsultationRollEntry.household, ConsultationRollEntry.area_centi) \
        .where(ConsultationRollEntry.consultation == item["consultation_id"]).order_by(ConsultationRollEntry.id)
    basis = ContributionBasis(share["basis"])
    new = [Contribution(project=project_id, household=r["household"], item=item["id"],
                        due_fen=contribution_due(basis, share["rate_fen"], r["area_centi"]))
           for r in roll if r["household"] not in have]
    if new:
        await Contribution.insert(*new)
    return len(new)


async def set_item_share(actor: Actor, project_id: int, data: ItemShareIn) -> ItemShareOut:
    """Say what residents pay for a menu item; an item already decided as passed is planned at once."""
    async with transaction():
        item = await _item(project_id, data.item_id)
        if await ItemShare.exists().where(ItemShare.item == data.item_id):
            raise Conflict("This item already carries a resident share.", field="item_id", rule="item_share_one_per_item")
        share_id = (await ItemShare.insert(ItemShare(
            project=project_id, item=data.item_id, basis=data.basis.value, rate_fen=data.rate_fen,
        )).returning(ItemShare.id))[0]["id"]
        generated = 0
        if await _passed(item):
            generated = await _plan(project_id, item, {"basis": data.basis.value, "rate_fen": data.rate_fen})
        await audit.record(actor, "funding.item_share.create", "item_share", share_id, {
            "project_id": project_id, "item_id": data.item_id, "basis": data.basis.value,
            "rate_fen": data.rate_fen, "generated": generated,
        })
    return ItemShareOut(id=share_id, project_id=project_id, item_id=data.item_id, basis=data.basis,
                        rate_fen=data.rate_fen, generated=generated)


async def list_item_shares(project_id: int) -> list[ItemShareOut]:
    await require_project(project_id)
    rows = await ItemShare.select(ItemShare.id, ItemShare.project.as_alias("project_id"),
                                  ItemShare.item.as_alias("item_id"), ItemShare.basis, ItemShare.rate_fen) \
        .where(ItemShare.project == project_id).order_by(ItemShare.id)
    return to_schemas(rows, ItemShareOut)


async def generate_contributions(actor: Actor, project_id: int, item_id: int) -> GeneratedOut:
    """The per-household plan of a passed item with a resident share; idempotent."""
    async with transaction():
        await require_project(project_id)
        item = await _item(project_id, item_id)
        shares = await ItemShare.select().where(ItemShare.item == item_id)
        if not shares:
            raise Conflict("The item carries no resident share.", field="item_id", rule="item_share_missing")
        passed = await _passed(item)
        if passed is None:
            raise Conflict("The item's consultation is not decided yet.", field="item_id",
                           rule="consultation_not_decided")
        if not passed:
            raise Conflict("The item was not passed; residents owe nothing for it.", field="item_id",
                           rule="item_not_passed")
        generated = await _plan(project_id, item, shares[0])
        planned = await Contribution.select(Contribution.due_fen).where(Contribution.item == item_id)
        out = GeneratedOut(item_id=item_id, generated=generated, households=len(planned),
                           due_fen=sum(r["due_fen"] for r in planned))
        if generated:
            await audit.record(actor, "funding.contributions.generate", "consultation_item", item_id, {
                "project_id": project_id, "generated": generated, "households": out.households, "due_fen": out.due_fen,
            })
    return out


async def record_contribution_payment(actor: Actor, contribution_id: int, data: ContributionPaymentIn) -> ContributionOut:
    """What a household paid toward its contribution; never more than is due."""
    if data.paid_on > clock.today():
        raise Invalid("A payment cannot be dated in the future.", field="paid_on", rule="payment_in_future")
    async with transaction():
        row = await row_of(Contribution, contribution_id, "contribution_id", "Contribution {id} does not exist.",
                           lock=True)
        if row["status"] == ContributionStatus.waived.value:
            raise Conflict("The contribution was waived.", field="contribution_id", rule="contribution_waived")
        moved = await Contribution.update({Contribution.paid_fen: Contribution.paid_fen + data.amount_fen}).where(
            Contribution.id == contribution_id, WhereRaw("paid_fen + {} <= due_fen", data.amount_fen),
        ).returning(Contribution.paid_fen, Contribution.due_fen)
        if not moved:
            raise Conflict("The payment exceeds what the household still owes ({owed_fen} fen).", field="amount_fen",
                           rule="payment_within_due", owed_fen=row["due_fen"] - row["paid_fen"])
        paid, due = moved[0]["paid_fen"], moved[0]["due_fen"]
        status = ContributionStatus.paid if paid == due else ContributionStatus.part_paid
        last = max(data.paid_on, row["last_paid_on"]) if row["last_paid_on"] else data.paid_on
        await Contribution.update({Contribution.status: status.value, Contribution.last_paid_on: last}) \
            .where(Contribution.id == contribution_id)
        arrival_id = None
        if data.source_id is not None:
            arrival_id = await arrive(actor, data.source_id, ArrivalIn(
                arrived_on=data.paid_on, amount_fen=data.amount_fen, voucher_no=data.voucher_no,
                note=f"contribution {contribution_id}"), project_id=row["project"], kind=SourceKind.resident)
        await audit.record(actor, "funding.contribution.payment", "contribution", contribution_id, {
            "amount_fen": data.amount_fen, "paid_on": data.paid_on, "paid_fen": paid, "status": status.value,
            "source_id": data.source_id, "arrival_id": arrival_id, "voucher_no": data.voucher_no,
        })
    return (await _contributions(Contribution.id == contribution_id))[0]


async def waive_contribution(actor: Actor, contribution_id: int, data: WaiveIn) -> ContributionOut:
    """Waive what a household still owes; what it paid stays recorded."""
    async with transaction():
        row = await row_of(Contribution, contribution_id, "contribution_id", "Contribution {id} does not exist.",
                           lock=True)
        if row["status"] in (ContributionStatus.paid.value, ContributionStatus.waived.value):
            raise Conflict("The contribution is already {status}.", field="contribution_id", rule="contribution_settled",
                           status=row["status"])
        await Contribution.update({Contribution.status: ContributionStatus.waived.value}) \
            .where(Contribution.id == contribution_id)
        await audit.record(actor, "funding.contribution.waive", "contribution", contribution_id, {
            "reason": data.reason, "waived_fen": row["due_fen"] - row["paid_fen"]})
    return (await _contributions(Contribution.id == contribution_id))[0]


_COLUMNS = (
    Contribution.id, Contribution.project.as_alias("project_id"), Contribution.household.as_alias("household_id"),
    Contribution.household.certificate_no.as_alias("certificate_no"), Contribution.item.as_alias("item_id"),
    Contribution.item.description.as_alias("item"), Contribution.due_fen, Contribution.paid_fen, Contribution.status,
    Contribution.last_paid_on,
)


async def _contributions(*where) -> list[ContributionOut]:
    rows = await Contribution.select(*_COLUMNS).where(*where).order_by(Contribution.item).order_by(Contribution.id)
    return to_schemas(rows, ContributionOut)


async def list_contributions(project_id: int, item_id: int | None = None) -> list[ContributionOut]:
    await require_project(project_id)
    where = [Contribution.project == project_id]
    if item_id is not None:
        where.append(Contribution.item == item_id)
    return await _contributions(*where)


async def household_contributions(household_id: int) -> list[OwnContributionOut]:
    """A household's own contributions: what its resident sees, nothing of any other household."""
    if not await Household.exists().where(Household.id == household_id):
        raise NotFound("Household {id} does not exist.", field="household_id", id=household_id)
    rows = await Contribution.select(
        Contribution.id, Contribution.item.description.as_alias("item"), Contribution.due_fen, Contribution.paid_fen,
        Contribution.status, Contribution.last_paid_on,
    ).where(Contribution.household == household_id).order_by(Contribution.id)
    return to_schemas(rows, OwnContributionOut)
