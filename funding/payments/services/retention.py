"""Retention (质保金) release: requested by the contractor once the defect-liability period has run,
checked by the owner within 14 days (open warranty defects hold it, unless deducted with a reason),
then paid by finance within 14 days (`paying.pay_release`)."""

from __future__ import annotations

import datetime as dt

from funding.payments import certificates
from funding.payments.kinds import ReleaseStatus
from funding.payments.schemas import ReleaseCheckIn, ReleaseOut
from funding.payments.services import gate as gate_facts
from funding.payments.services.contracts import certified_totals, readable_contract, retention_held
from funding.payments.tables import RetentionRelease
from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import Conflict, Forbidden, Invalid, NotFound
from tracker.rows import to_schema


async def readable_release(actor: Actor, release_id: int) -> tuple[dict, dict]:
    rows = await RetentionRelease.select().where(RetentionRelease.id == release_id).output(load_json=True)
    if not rows:
        raise NotFound("No retention release {id}.", field="release_id", id=release_id)
    return rows[0], await readable_contract(actor, rows[0]["contract"])


def release_out(row: dict) -> ReleaseOut:
    return to_schema({**row, "project_id": row["project"], "contract_id": row["contract"],
                      "open_defects": list(row["open_defects"] or [])}, ReleaseOut)


async def request_release(actor: Actor, contract_id: int) -> ReleaseOut:
    async with transaction():
        contract = await readable_contract(actor, contract_id)
        if actor.organisation_id != contract["contractor_org"]:
            raise Forbidden("Only the contractor of the contract requests its retention.", rule="contractor_own_org")
        due = certificates.release_due_on(accepted_on=contract["accepted_on"],
                                          completion_reported_on=contract["completion_reported_on"],
                                          liability_months=contract["liability_months"])
        today = clock.today()
        if due is None or today < due:
            raise Conflict("The defect-liability period has not run yet (release from {due}).", rule="liability_period",
                           due=due.isoformat() if due else "—")
        held = retention_held(contract, (await certified_totals(contract_id))["retention"])
        if held <= 0:
            raise Conflict("No retention is held on this contract.", rule="no_retention_held")
        if await RetentionRelease.exists().where(RetentionRelease.contract == contract_id):
            raise Conflict("The retention release is requested already.", rule="release_requested")
        release_id = (await RetentionRelease.insert(RetentionRelease(
            project=contract["project"], contract=contract_id, held_fen=held, requested_on=today,
            check_due_on=today + dt.timedelta(days=certificates.CHECK_DAYS), requested_by=actor.id,
        )).returning(RetentionRelease.id))[0]["id"]
        await audit.record(actor, "retention_release.request", "retention_release", release_id,
                           {"contract_id": contract_id, "held_fen": held})
    return await get_release(actor, release_id)


async def check_release(actor: Actor, release_id: int, data: ReleaseCheckIn) -> ReleaseOut:
    """The owner's check: open warranty defects of the contractor hold the release (409 naming them)
    unless an amount is deducted for them with a reason."""
    async with transaction():
        release, contract = await readable_release(actor, release_id)
        if release["status"] != ReleaseStatus.requested:
            raise Conflict("The release is {status}; only a requested one is checked.", rule="release_status",
                           status=release["status"])
        since = contract["accepted_on"] or contract["completion_reported_on"]
        defects = await gate_facts.warranty_defects(contract, since) if since else []
        reason = data.deduction_reason.strip()
        if data.deducted_fen > release["held_fen"]:
            raise Invalid("The deduction exceeds the retention held.", field="deducted_fen", rule="deduction_within_held")
        if data.deducted_fen and not reason:
            raise Invalid("A deduction needs its reason.", field="deduction_reason", rule="deduction_has_reason")
        if defects and not data.deducted_fen:
            raise Conflict("Open warranty defects hold the release: {ids}.", rule="warranty_defects_open",
                           ids=", ".join(f"#{i}" for i in defects))
        today = clock.today()
        await RetentionRelease.update({
            RetentionRelease.status: ReleaseStatus.checked.value, RetentionRelease.deducted_fen: data.deducted_fen,
            RetentionRelease.deduction_reason: reason, RetentionRelease.open_defects: defects,
            RetentionRelease.checked_on: today,
            RetentionRelease.pay_due_on: today + dt.timedelta(days=certificates.PAY_DAYS),
        }).where(RetentionRelease.id == release_id)
        await audit.record(actor, "retention_release.check", "retention_release", release_id, {
            "deducted_fen": data.deducted_fen, "reason": reason, "open_defects": defects})
    return await get_release(actor, release_id)


async def get_release(actor: Actor, release_id: int) -> ReleaseOut:
    row, _ = await readable_release(actor, release_id)
    return release_out(row)
