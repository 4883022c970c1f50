"""Ballots: a resident's web ballot with the code from their letter, and paper or door-to-door sheets
that staff enter and a second person confirms (a supervisor settles a mismatch)."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import PROJECT_ADMINS
from tracker.consultations import window
from tracker.consultations.counting import Choice
from tracker.consultations.kinds import Channel, SheetStatus
from tracker.consultations.schemas import PaperBallotIn, ReceiptOut, SheetOut
from tracker.consultations.services.codes import entry_by_code
from tracker.consultations.services.pg_ballot import cast_web_ballot_pg
from tracker.consultations.services.records import consultation_row, get_consultation
from tracker.consultations.services.results import results_for
from tracker.consultations.services.sheets import (
    VOTER,
    check_choices,
    check_window,
    choice_values,
    choices_json,
    count_sheet,
    lock_entry,
    receipt,
    web_payload,
)
from tracker.consultations.tables import BallotSheet, ConsultationRollEntry, CountedBallot
from tracker.consultations.window import VotingWindow
from tracker.db import in_transaction, is_postgres, transaction
from tracker.errors import Conflict, Forbidden, Invalid, NotFound
from tracker.rows import to_schemas

# A sheet as `SheetOut` names its fields; the choices are JSON text until `_sheets` reads them.
SHEET_COLUMNS = (
    BallotSheet.id, BallotSheet.consultation.as_alias("consultation_id"),
    BallotSheet.roll_entry.as_alias("roll_entry_id"),
    BallotSheet.roll_entry.certificate_no.as_alias("certificate_no"), BallotSheet.channel, BallotSheet.choices,
    BallotSheet.status, BallotSheet.receipt_no, BallotSheet.invalid_reason, BallotSheet.proxy_name,
    BallotSheet.proxy_reference, BallotSheet.created_at, BallotSheet.entered_by, BallotSheet.confirmed_by,
    BallotSheet.second_choices,
)


def _sheets(rows: list[dict]) -> list[SheetOut]:
    for row in rows:
        row["choices"] = json.loads(row["choices"])
        row["second_choices"] = json.loads(row["second_choices"]) if row["second_choices"] else None
    return to_schemas(rows, SheetOut)


async def _sheet_row(sheet_id: int) -> dict:
    rows = await BallotSheet.select(*SHEET_COLUMNS).where(BallotSheet.id == sheet_id)
    if not rows:
        raise NotFound("No ballot sheet {id}.", field="sheet_id", id=sheet_id)
    return rows[0]


async def _sheet(sheet_id: int) -> SheetOut:
    return _sheets([await _sheet_row(sheet_id)])[0]


async def cast_web_ballot(code: str, choices: dict[int, Choice], client: str) -> ReceiptOut:
    """A resident's ballot with the code from their letter; counted at once."""
    counted = False
    # The fast path takes a connection of its own, so inside a caller's transaction (the demo's load) it
    # would not see that transaction's roll: the general path joins it instead.
    if is_postgres() and not in_transaction():
        receipt_out = await cast_web_ballot_pg(code, choices, client)
        if receipt_out is not None:
            return receipt_out
        counted = True  # found there, within the limit
    entry = await entry_by_code(code, client, counted=counted)
    consultation_id = entry["consultation"]
    async with transaction():
        row = await consultation_row(consultation_id)
        check_window(row, clock.now())
        clean = await check_choices(consultation_id, choices)
        locked = await lock_entry(entry["id"])
        receipt_no = receipt()
        sheet = (
            await BallotSheet.insert(
                BallotSheet(
                    consultation=consultation_id, roll_entry=entry["id"], channel=Channel.web.value,
                    choices=choices_json(clean), status=SheetStatus.counted.value,
                    receipt_no=receipt_no, counted_at=clock.now(),
                )
            ).returning(BallotSheet.id)
        )[0]
        await count_sheet(row, locked, sheet["id"], clean, marked=True)
        await audit.record(
            VOTER, "ballot.web", "consultation", consultation_id, web_payload(entry["id"], sheet["id"], receipt_no, clean)
        )
    return ReceiptOut(receipt_no=receipt_no, status=SheetStatus.counted, choices=clean)


async def ballot_for_code(code: str, client: str) -> dict:
    """What a resident sees after entering their code: the consultation, items, own ballot, results."""
    return await _ballot_view(await entry_by_code(code, client))


async def ballot_for_receipt(receipt_no: str) -> dict:
    """What the resident who cast the web ballot `receipt_no` sees (as `ballot_for_code`): the receipt
    page after casting, which the session that cast it reaches without the code."""
    sheets = await BallotSheet.select(BallotSheet.roll_entry).where(
        BallotSheet.receipt_no == receipt_no, BallotSheet.channel == Channel.web.value
    )
    entries = await ConsultationRollEntry.select().where(
        ConsultationRollEntry.id == sheets[0]["roll_entry"]) if sheets else []
    if not entries:
        raise NotFound("No such receipt.", field="receipt_no")
    return await _ballot_view(entries[0])


async def _ballot_view(entry: dict) -> dict:
    consultation = await get_consultation(entry["consultation"])
    counted = await CountedBallot.select(
        CountedBallot.item, CountedBallot.choice, CountedBallot.sheet.receipt_no.as_alias("receipt_no")
    ).where(CountedBallot.roll_entry == entry["id"])
    pending = await BallotSheet.count().where(
        BallotSheet.roll_entry == entry["id"], BallotSheet.status == SheetStatus.pending.value
    )
    results = await results_for(entry["consultation"], public=True)
    return {
        "consultation": consultation,
        "certificate_no": entry["certificate_no"],
        "area": Decimal(entry["area_centi"]).scaleb(-2),
        "own_choices": {c["item"]: c["choice"] for c in counted},
        "receipt_no": counted[0]["receipt_no"] if counted else None,
        "pending_sheets": pending,
        "results": results,
    }


async def voting_window(consultation_id: int) -> VotingWindow:
    """Whether the consultation takes ballots now and, if not, why (the ballot page says so)."""
    row = await consultation_row(consultation_id)
    return window.voting_window(row["status"], row["opens_at"], row["closes_at"], row["closed_at"], clock.now())


async def _entry_for_paper(consultation_id: int, data: PaperBallotIn) -> dict:
    query = ConsultationRollEntry.select().where(ConsultationRollEntry.consultation == consultation_id)
    if data.roll_entry_id is not None:
        query = query.where(ConsultationRollEntry.id == data.roll_entry_id)
    elif data.certificate_no:
        query = query.where(ConsultationRollEntry.certificate_no == data.certificate_no)
    else:
        raise Invalid("Name the title: certificate_no or roll_entry_id.", field="certificate_no")
    rows = await query
    if not rows:
        raise NotFound("No such title on this consultation's roll.", field="certificate_no")
    return rows[0]


async def enter_paper_ballot(actor: Actor, consultation_id: int, data: PaperBallotIn) -> SheetOut:
    """Staff enter a paper or door-to-door sheet; it counts only after a second person confirms it."""
    if data.channel not in (Channel.paper, Channel.door_to_door):
        raise Invalid("Staff enter paper or door-to-door ballots only.", field="channel")
    if data.proxy_name and not data.proxy_reference:
        raise Invalid("A proxy ballot needs the authorisation reference.", field="proxy_reference")
    async with transaction():
        row = await consultation_row(consultation_id)
        check_window(row, clock.now())
        clean = await check_choices(consultation_id, data.choices)
        if Choice.INVALID in clean.values() and not data.invalid_reason.strip():
            raise Invalid("An invalid ballot (废票) needs its reason.", field="invalid_reason")
        entry = await _entry_for_paper(consultation_id, data)
        sheet = (
            await BallotSheet.insert(
                BallotSheet(
                    consultation=consultation_id, roll_entry=entry["id"], channel=data.channel.value,
                    choices=choices_json(clean), invalid_reason=data.invalid_reason.strip(),
                    proxy_name=data.proxy_name, proxy_reference=data.proxy_reference,
                    status=SheetStatus.pending.value, receipt_no=receipt(), entered_by=actor.id,
                )
            ).returning(BallotSheet.id)
        )[0]
        await audit.record(
            actor, "ballot.paper_enter", "consultation", consultation_id,
            {"sheet_id": sheet["id"], "roll_entry_id": entry["id"], "channel": data.channel.value,
             "choices": choice_values(clean), "invalid_reason": data.invalid_reason,
             "proxy_name": data.proxy_name, "proxy_reference": data.proxy_reference},
        )
    return await _sheet(sheet["id"])


async def confirm_paper_ballot(actor: Actor, sheet_id: int, choices: dict[int, Choice]) -> SheetOut:
    """The second staff member enters the same sheet again: equal → counted, different → flagged."""
    async with transaction():
        sheet = await _sheet_row(sheet_id)
        if sheet["status"] != SheetStatus.pending.value:
            raise Conflict("Only a pending sheet can be confirmed (this one is {status}).", field="sheet_id",
                           rule="sheet_status", status=sheet["status"])
        if sheet["entered_by"] == actor.id:
            raise Forbidden("A second, different staff member confirms a paper ballot.", rule="second_person")
        row = await consultation_row(sheet["consultation_id"])
        check_window(row, clock.now())
        clean = await check_choices(sheet["consultation_id"], choices)
        first = {int(k): Choice(v) for k, v in json.loads(sheet["choices"]).items()}
        second = choices_json(clean)
        await BallotSheet.update({BallotSheet.confirmed_by: actor.id, BallotSheet.second_choices: second}).where(
            BallotSheet.id == sheet_id
        )
        if clean == first:
            await count_sheet(row, await lock_entry(sheet["roll_entry_id"]), sheet_id, clean)
            outcome = SheetStatus.counted
        else:
            await BallotSheet.update({BallotSheet.status: SheetStatus.mismatch.value}).where(BallotSheet.id == sheet_id)
            outcome = SheetStatus.mismatch
        await audit.record(
            actor, "ballot.paper_confirm", "consultation", sheet["consultation_id"],
            {"sheet_id": sheet_id, "outcome": outcome.value, "second_choices": choice_values(clean)},
        )
    return await _sheet(sheet_id)


async def resolve_sheet(actor: Actor, sheet_id: int, choices: dict[int, Choice] | None, reject: bool) -> SheetOut:
    """A supervisor settles a mismatched sheet from the paper original: count these choices or reject."""
    if actor.role not in PROJECT_ADMINS:
        raise Forbidden("Only a supervisor settles a mismatched sheet.", rule="supervisor")
    async with transaction():
        sheet = await _sheet_row(sheet_id)
        if sheet["status"] != SheetStatus.mismatch.value:
            raise Conflict("Only a mismatched sheet is settled by a supervisor (this one is {status}).",
                           field="sheet_id", rule="sheet_status", status=sheet["status"])
        row = await consultation_row(sheet["consultation_id"])
        check_window(row, clock.now())
        if reject:
            await BallotSheet.update({BallotSheet.status: SheetStatus.rejected.value}).where(BallotSheet.id == sheet_id)
            payload: dict[str, Any] = {"sheet_id": sheet_id, "outcome": "rejected"}
        else:
            if choices is None:
                raise Invalid("Give the choices read from the paper sheet, or reject it.", field="choices")
            clean = await check_choices(sheet["consultation_id"], choices)
            await BallotSheet.update({BallotSheet.choices: choices_json(clean)}).where(BallotSheet.id == sheet_id)
            await count_sheet(row, await lock_entry(sheet["roll_entry_id"]), sheet_id, clean)
            payload = {"sheet_id": sheet_id, "outcome": "counted", "choices": choice_values(clean)}
        await audit.record(actor, "ballot.resolve", "consultation", sheet["consultation_id"], payload)
    return await _sheet(sheet_id)


async def list_sheets(consultation_id: int, status: SheetStatus | None = None) -> list[SheetOut]:
    await consultation_row(consultation_id)
    query = BallotSheet.select(*SHEET_COLUMNS).where(BallotSheet.consultation == consultation_id).order_by(
        BallotSheet.id
    )
    if status is not None:
        query = query.where(BallotSheet.status == status.value)
    return _sheets(await query)
