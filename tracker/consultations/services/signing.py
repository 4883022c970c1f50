"""Signing rounds: each title's signing (签约), sealing (封房) and moving-out (搬迁) dates, the board
across parcels (亮晒比学), the order lotteries and the lost-contact titles still to sign."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction

from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.consultations import lottery
from tracker.consultations.counting import Choice
from tracker.consultations.kinds import Channel, ConsultationKind, SheetStatus, Status
from tracker.consultations.schemas import SigningIn
from tracker.consultations.services.records import consultation_row, item_rows
from tracker.consultations.services.results import percent
from tracker.consultations.services.roll import entry_row
from tracker.consultations.services.sheets import choices_json, count_sheet, lock_entry, receipt
from tracker.consultations.tables import BallotSheet, Consultation, ConsultationRollEntry, Lottery, SigningProgress
from tracker.db import is_postgres, transaction
from tracker.errors import Conflict, Invalid, NotFound
from tracker.register.kinds import ContactStatus

# The signing round's dates per title (签约 / 封房 / 搬迁), in order.
SIGNING_DATES = ("signed_on", "sealed_on", "moved_on")
LOTTERY_ALGORITHM = "sha256(seed + '|' + certificate_no) ascending, ties by certificate_no"


async def record_signing(actor: Actor, consultation_id: int, entry_id: int, data: SigningIn) -> dict:
    """Record a title's signing (签约), sealing (封房) and moving out (搬迁) dates.

    A signature dated on or before the deadline (the closing time) counts as that title's AGREE for
    the signing rule; later signatures are kept but do not count.
    """
    async with transaction():
        row = await consultation_row(consultation_id)
        if row["kind"] != ConsultationKind.signing.value:
            raise Conflict("Signing progress belongs to a signing round.", field="consultation_id", rule="kind")
        if row["status"] == Status.draft.value:
            raise Conflict("The signing round has not opened yet.", rule="consultation_status")
        await entry_row(consultation_id, entry_id)
        existing = await SigningProgress.select().where(SigningProgress.roll_entry == entry_id)
        current = existing[0] if existing else {"signed_on": None, "sealed_on": None, "moved_on": None}
        merged = {k: getattr(data, k) if getattr(data, k) is not None else current[k] for k in SIGNING_DATES}
        if merged["signed_on"] is None and (merged["sealed_on"] or merged["moved_on"]):
            raise Invalid("A house is sealed or vacated only after signing.", field="signed_on")
        for later in ("sealed_on", "moved_on"):
            if merged[later] and merged["signed_on"] and merged[later] < merged["signed_on"]:
                raise Invalid("{field} is before signed_on.", field=later)
        if existing:
            await SigningProgress.update(merged).where(SigningProgress.roll_entry == entry_id)
        else:
            await SigningProgress.insert(SigningProgress(consultation=consultation_id, roll_entry=entry_id, **merged))
        counts = False
        if data.signed_on is not None and current["signed_on"] is None:
            deadline = clock.day_of(row["closes_at"])
            if row["status"] == Status.open.value and merged["signed_on"] <= deadline:
                agree = {(await item_rows(consultation_id))[0]["id"]: Choice.AGREE}
                locked = await lock_entry(entry_id)
                sheet = (
                    await BallotSheet.insert(
                        BallotSheet(
                            consultation=consultation_id, roll_entry=entry_id, channel=Channel.signing.value,
                            choices=choices_json(agree), status=SheetStatus.pending.value, receipt_no=receipt(),
                            entered_by=actor.id,
                        )
                    ).returning(BallotSheet.id)
                )[0]
                await count_sheet(row, locked, sheet["id"], agree)
                counts = True
        await audit.record(
            actor, "signing.record", "consultation", consultation_id,
            {"roll_entry_id": entry_id, **merged, "counts_for_rule": counts},
        )
    return {"roll_entry_id": entry_id, **merged, "counts_for_rule": counts}


async def signing_list(consultation_id: int, q: str, offset: int, limit: int) -> tuple[list[dict], int]:
    """One page of the frozen roll with each title's signing dates, and the number of matching titles.

    The dates are written by `record_signing` alone.
    """
    conditions: list = [ConsultationRollEntry.consultation == consultation_id]
    if q.strip():
        like = f"%{q.strip()}%"
        # SQLite's LIKE already ignores ASCII case; PostgreSQL needs ILIKE for the same behaviour.
        match = (lambda column: column.ilike(like)) if is_postgres() else (lambda column: column.like(like))
        conditions.append(match(ConsultationRollEntry.certificate_no) | match(ConsultationRollEntry.holder_names))
    total = await ConsultationRollEntry.count().where(*conditions)
    rows = await (
        ConsultationRollEntry.select(
            ConsultationRollEntry.id, ConsultationRollEntry.certificate_no, ConsultationRollEntry.holder_names,
            ConsultationRollEntry.building, ConsultationRollEntry.stairwell,
        ).where(*conditions).order_by(ConsultationRollEntry.certificate_no).offset(offset).limit(limit)
    )
    dates = {
        p["roll_entry"]: p for p in await SigningProgress.select(
            SigningProgress.roll_entry, *(getattr(SigningProgress, name) for name in SIGNING_DATES)
        ).where(SigningProgress.roll_entry.is_in([r["id"] for r in rows]))
    } if rows else {}
    for r in rows:
        r.update({name: dates.get(r["id"], {}).get(name) for name in SIGNING_DATES})
    return rows, total


async def certificate_of(consultation_id: int, entry_id: int) -> str:
    rows = await ConsultationRollEntry.select(ConsultationRollEntry.certificate_no).where(
        ConsultationRollEntry.id == entry_id, ConsultationRollEntry.consultation == consultation_id)
    return rows[0]["certificate_no"] if rows else str(entry_id)


async def draw_lottery(actor: Actor, consultation_id: int, seed: str, purpose: str) -> dict:
    """Draw the order from the published seed (see `lottery`); drawn once per purpose."""
    async with transaction():
        await consultation_row(consultation_id)
        if await Lottery.exists().where(Lottery.consultation == consultation_id, Lottery.purpose == purpose):
            raise Conflict("The {purpose} lottery of this consultation is already drawn.", rule="lottery_once",
                           purpose=purpose)
        certs = [
            r["certificate_no"] for r in await ConsultationRollEntry.select(ConsultationRollEntry.certificate_no).where(
                ConsultationRollEntry.consultation == consultation_id
            )
        ]
        if not certs:
            raise Conflict("The roll is empty: there is nobody to draw.", rule="roll_empty")
        order = lottery.draw_order(seed, certs)
        digest = lottery.result_hash(order)
        await Lottery.insert(
            Lottery(consultation=consultation_id, purpose=purpose, seed=seed,
                    result=json.dumps(order, ensure_ascii=False), result_hash=digest)
        )
        await audit.record(actor, "lottery.draw", "consultation", consultation_id,
                           {"purpose": purpose, "seed": seed, "result_hash": digest, "titles": len(order)})
    return {"purpose": purpose, "seed": seed, "order": order, "result_hash": digest, "algorithm": LOTTERY_ALGORITHM}


async def get_lottery(consultation_id: int, purpose: str) -> dict:
    rows = await Lottery.select().where(Lottery.consultation == consultation_id, Lottery.purpose == purpose)
    if not rows:
        raise NotFound("No {purpose} lottery drawn for this consultation.", field="purpose", purpose=purpose)
    r = rows[0]
    return {"purpose": purpose, "seed": r["seed"], "order": json.loads(r["result"]), "result_hash": r["result_hash"],
            "algorithm": LOTTERY_ALGORITHM}


async def signing_board(actor: Actor, on: dt.date | None = None) -> list[dict]:
    """The "亮晒比学" board: every signing round the actor may see, ranked by 签约率 then 封房率, 搬迁率."""
    query = Consultation.select(
        Consultation.id, Consultation.title, Consultation.project, Consultation.project.name.as_alias("project_name"),
        Consultation.status, Consultation.closes_at,
    ).where(Consultation.kind == ConsultationKind.signing.value, Consultation.status != Status.draft.value)
    if not actor.is_admin:
        if not actor.project_ids:
            return []
        query = query.where(Consultation.project.is_in(list(actor.project_ids)))
    rounds = await query
    if not rounds:
        return []
    ids = ", ".join(str(int(r["id"])) for r in rounds)
    day = f" AND {{col}} <= '{on.isoformat()}'" if on else ""
    stats = {
        r["consultation"]: r for r in await SigningProgress.raw(
            "SELECT e.consultation AS consultation, COUNT(*) AS titles, "
            f"SUM(CASE WHEN p.signed_on IS NOT NULL{day.format(col='p.signed_on')} THEN 1 ELSE 0 END) AS signed, "
            f"SUM(CASE WHEN p.sealed_on IS NOT NULL{day.format(col='p.sealed_on')} THEN 1 ELSE 0 END) AS sealed, "
            f"SUM(CASE WHEN p.moved_on IS NOT NULL{day.format(col='p.moved_on')} THEN 1 ELSE 0 END) AS moved "
            "FROM consultation_roll_entry e LEFT JOIN signing_progress p ON p.roll_entry = e.id "
            f"WHERE e.consultation IN ({ids}) GROUP BY e.consultation"
        )
    }
    board = []
    for r in rounds:
        s = stats.get(r["id"], {"titles": 0, "signed": 0, "sealed": 0, "moved": 0})
        titles, signed, sealed, moved = (int(s[k] or 0) for k in ("titles", "signed", "sealed", "moved"))
        board.append({
            "consultation_id": r["id"], "title": r["title"], "project_id": r["project"],
            "project_name": r["project_name"], "status": r["status"], "titles": titles,
            "signed": signed, "sealed": sealed, "moved": moved,
            "signed_rate": percent(signed, titles), "sealed_rate": percent(sealed, titles),
            "moved_rate": percent(moved, titles),
            "_key": (Fraction(signed, titles or 1), Fraction(sealed, titles or 1), Fraction(moved, titles or 1)),
        })
    board.sort(key=lambda b: b["_key"], reverse=True)
    for rank, b in enumerate(board, start=1):
        del b["_key"]
        b["rank"] = rank
    return board


async def lost_contact(consultation_id: int) -> list[dict]:
    """Titles on the roll whose household is marked lost-contact (失联) and has not signed."""
    await consultation_row(consultation_id)
    rows = await ConsultationRollEntry.select(
        ConsultationRollEntry.id.as_alias("roll_entry_id"), ConsultationRollEntry.household.as_alias("household_id"),
        ConsultationRollEntry.certificate_no, ConsultationRollEntry.holder_names, ConsultationRollEntry.office,
        ConsultationRollEntry.subdistrict,
    ).where(
        ConsultationRollEntry.consultation == consultation_id,
        ConsultationRollEntry.household.contact_status == ContactStatus.lost.value,
    ).order_by(ConsultationRollEntry.certificate_no)
    signed = {
        p["roll_entry"] for p in await SigningProgress.select(SigningProgress.roll_entry).where(
            SigningProgress.consultation == consultation_id, SigningProgress.signed_on.is_not_null()
        )
    }
    return [r for r in rows if r["roll_entry_id"] not in signed]
