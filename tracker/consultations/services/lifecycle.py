"""The life of a consultation: open (freeze the roll and the rule, derive the codes), close, decide,
the next round for failed items, the daily snapshots; and the scheduled closing and snapshots."""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets

from tracker import audit, clock
from tracker.accounts.actor import SYSTEM, Actor
from tracker.consultations import tally
from tracker.consultations.kinds import TRANSITIONS, ConsultationKind, ItemClass, Scope, SheetStatus, Status, Visibility
from tracker.consultations.schemas import ConsultationIn, ConsultationOut, ItemIn
from tracker.consultations.services.codes import code_hash, voting_code
from tracker.consultations.services.drafts import create_consultation
from tracker.consultations.services.records import (
    allowed_actions,
    consultation_row,
    get_consultation,
    item_rows,
    parse_rule,
)
from tracker.consultations.services.results import counts_json, decision_json
from tracker.consultations.services.roll import roll_hash
from tracker.consultations.tables import (
    BallotSheet,
    Consultation,
    ConsultationDecision,
    ConsultationRollEntry,
    ConsultationSnapshot,
)
from tracker.db import transaction
from tracker.errors import Conflict
from tracker.register.services import lock_project

logger = logging.getLogger(__name__)


def _transition(row: dict, action: str) -> Status:
    source, target = TRANSITIONS[action]
    if row["status"] != source.value:
        allowed = ", ".join(allowed_actions(row["status"])) or "none"
        raise Conflict(
            "Cannot {action} a consultation that is {status} (allowed from {status}: {allowed}).",
            field="status", rule="consultation_status", action=action, status=row["status"], allowed=allowed,
        )
    return target


async def open_consultation(actor: Actor, consultation_id: int) -> ConsultationOut:
    """Freeze the roll and the rule and give every title its voting code (only hashes are kept)."""
    async with transaction():
        row = await consultation_row(consultation_id)
        # A roll import on the project waits for this (or this for it): the frozen roll is what it sees.
        await lock_project(row["project"])
        target = _transition(row, "open")
        entries = await ConsultationRollEntry.select(
            ConsultationRollEntry.id, ConsultationRollEntry.certificate_no, ConsultationRollEntry.area_centi,
            ConsultationRollEntry.owner_key, ConsultationRollEntry.kind, ConsultationRollEntry.office,
            ConsultationRollEntry.subdistrict,
        ).where(ConsultationRollEntry.consultation == consultation_id)
        if not entries:
            raise Conflict("The roll is empty: there is nobody to consult.", field="roll", rule="roll_empty")
        await tally.rebuild(consultation_id)
        salt = secrets.token_hex(16)
        for entry in entries:
            await ConsultationRollEntry.update(
                {ConsultationRollEntry.code_hash: code_hash(voting_code(salt, entry["id"]))}
            ).where(ConsultationRollEntry.id == entry["id"])
        await Consultation.update(
            {Consultation.status: target.value, Consultation.code_salt: salt, Consultation.opened_at: clock.now()}
        ).where(Consultation.id == consultation_id)
        await audit.record(
            actor, "consultation.open", "consultation", consultation_id,
            {"roll_titles": len(entries), "roll_hash": roll_hash(entries), "rule_key": row["rule_key"],
             "rule_params": json.loads(row["rule_params"]), "non_voters_agree": row["non_voters_agree"]},
        )
    return await get_consultation(consultation_id)


async def close_consultation(actor: Actor, consultation_id: int, now: dt.datetime | None = None) -> ConsultationOut:
    """Stop taking ballots. Before the closing time only staff may close (recorded as early)."""
    now = now or clock.now()
    async with transaction():
        row = await consultation_row(consultation_id)
        target = _transition(row, "close")
        await Consultation.update({Consultation.status: target.value, Consultation.closed_at: now}).where(
            Consultation.id == consultation_id
        )
        pending = await BallotSheet.count().where(
            BallotSheet.consultation == consultation_id,
            BallotSheet.status.is_in([SheetStatus.pending.value, SheetStatus.mismatch.value]),
        )
        await audit.record(
            actor, "consultation.close", "consultation", consultation_id,
            {"closed_at": now, "early": now < row["closes_at"], "unconfirmed_sheets": pending},
        )
    return await get_consultation(consultation_id)


async def decide_consultation(actor: Actor, consultation_id: int) -> ConsultationOut:
    """Apply the frozen rule to each item's tally and record the decisions with their reasons."""
    async with transaction():
        row = await consultation_row(consultation_id)
        target = _transition(row, "decide")
        rule = parse_rule(row["rule_key"], json.loads(row["rule_params"]))
        # The decision stands on the counted ballots themselves: cells out of step are recomputed
        # first, and the audit record says so.
        drift = await tally.cells_drift(consultation_id)
        if drift:
            logger.error("consultation %s: %d tally cells out of step with counted ballots; rebuilt", consultation_id, len(drift))
            await tally.rebuild(consultation_id)
        totals = await tally.item_totals(consultation_id, row["non_voters_agree"])
        recorded = []
        for item in await item_rows(consultation_id):
            counts = totals[item["id"]]
            decision = rule(counts)
            await ConsultationDecision.insert(
                ConsultationDecision(
                    consultation=consultation_id, item=item["id"], passed=decision.passed, rule_key=decision.rule,
                    reasons=json.dumps(decision_json(decision), ensure_ascii=False),
                    counts=json.dumps(counts_json(counts)), non_voters_agree=decision.non_voters_counted_as_agree,
                )
            )
            recorded.append({"item_id": item["id"], "passed": decision.passed, "counts": counts_json(counts),
                             "reasons": decision_json(decision)})
        await Consultation.update({Consultation.status: target.value, Consultation.decided_at: clock.now()}).where(
            Consultation.id == consultation_id
        )
        await audit.record(
            actor, "consultation.decide", "consultation", consultation_id,
            {"decisions": recorded, "tally_cells_rebuilt": len(drift)},
        )
    return await get_consultation(consultation_id)


async def start_next_round(actor: Actor, consultation_id: int, opens_at: dt.datetime, closes_at: dt.datetime) -> ConsultationOut:
    """A new draft round re-asking the items that failed; the roll is taken afresh from the register."""
    row = await consultation_row(consultation_id)
    if row["status"] != Status.decided.value:
        raise Conflict("A new round follows a decided consultation.", field="status", rule="consultation_status")
    failed_ids = {
        d["item"] for d in await ConsultationDecision.select().where(
            ConsultationDecision.consultation == consultation_id, ConsultationDecision.passed == False  # noqa: E712
        )
    }
    failed = [i for i in await item_rows(consultation_id) if i["id"] in failed_ids]
    if not failed:
        raise Conflict("Every item passed: there is nothing to ask again.", rule="nothing_failed")
    data = ConsultationIn(
        title=row["title"], kind=ConsultationKind(row["kind"]), rule_key=row["rule_key"],
        rule_params=json.loads(row["rule_params"]), opens_at=opens_at, closes_at=closes_at,
        items=[ItemIn(description=i["description"], item_class=ItemClass(i["item_class"]),
                      estimated_cost=i["estimated_cost"], resident_share=i["resident_share"]) for i in failed],
        scope=Scope(row["scope"]), building_id=row["building"], stairwell=row["stairwell"],
        visibility=Visibility(row["visibility"]), non_voters_agree=row["non_voters_agree"],
        lock_ballots=row["lock_ballots"], organiser=row["organiser"], contact_phone=row["contact_phone"],
    )
    return await create_consultation(
        actor, row["project"], data, previous_id=consultation_id, asks_again=[i["id"] for i in failed]
    )


async def take_snapshot(actor: Actor, consultation_id: int, day: dt.date) -> bool:
    """Keep the day's totals (once per day; a second call the same day changes nothing)."""
    async with transaction():
        row = await consultation_row(consultation_id)
        if await ConsultationSnapshot.exists().where(
            ConsultationSnapshot.consultation == consultation_id, ConsultationSnapshot.taken_on == day
        ):
            return False
        totals = await tally.item_totals(consultation_id, row["non_voters_agree"])
        data = {str(item_id): counts_json(c) for item_id, c in totals.items()}
        await ConsultationSnapshot.insert(
            ConsultationSnapshot(consultation=consultation_id, taken_on=day, tally=json.dumps(data))
        )
        await audit.record(actor, "consultation.snapshot", "consultation", consultation_id, {"day": day, "tally": data})
    return True


async def progress(consultation_id: int) -> list[dict]:
    """The daily snapshots in order, for the progress chart."""
    await consultation_row(consultation_id)
    rows = await ConsultationSnapshot.select().where(ConsultationSnapshot.consultation == consultation_id).order_by(
        ConsultationSnapshot.taken_on
    )
    return [{"day": r["taken_on"].isoformat(), "tally": json.loads(r["tally"])} for r in rows]


async def close_due(now: dt.datetime) -> dict:
    """Close every open consultation past its closing time and record its decision (idempotent)."""
    due = await Consultation.select(Consultation.id, Consultation.closes_at).where(
        Consultation.status == Status.open.value
    )
    closed = []
    for row in due:
        if row["closes_at"] <= now:
            try:
                await close_consultation(SYSTEM, row["id"], now)
            except Conflict:
                continue  # another runner closed it first
            await decide_consultation(SYSTEM, row["id"])
            closed.append(row["id"])
    decided_late = []
    for row in await Consultation.select(Consultation.id, Consultation.closes_at).where(
        Consultation.status == Status.closed.value
    ):
        if row["closes_at"] > now:
            continue
        try:
            await decide_consultation(SYSTEM, row["id"])
            decided_late.append(row["id"])
        except Conflict:
            continue
    return {"closed": closed, "decided": closed + decided_late}


async def snapshot_open(now: dt.datetime) -> dict:
    """Take today's snapshot of every open consultation (once a day each)."""
    day = clock.day_of(now)
    taken = []
    for row in await Consultation.select(Consultation.id).where(Consultation.status == Status.open.value):
        if await take_snapshot(SYSTEM, row["id"], day):
            taken.append(row["id"])
    return {"day": day.isoformat(), "snapshots": taken}
