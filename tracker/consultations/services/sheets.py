"""What every ballot sheet passes through, whatever its channel (web, paper, door-to-door, signing):
the voting window, one choice per item, the title's lock, and becoming the title's counted sheet."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from typing import Any

from tracker import clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import Role
from tracker.consultations import tally
from tracker.consultations.counting import Choice
from tracker.consultations.kinds import SheetStatus, Status
from tracker.consultations.services.records import item_rows
from tracker.consultations.tables import BallotSheet, ConsultationRollEntry, CountedBallot
from tracker.db import is_postgres
from tracker.errors import Conflict, Invalid

# Who acts when a resident votes with a code: the audit log names the title, not a user.
VOTER = Actor(id=None, username="voter", name="voter", role=Role.resident)


def check_window(row: dict, now: dt.datetime) -> None:
    if row["status"] != Status.open.value or not (row["opens_at"] <= now < row["closes_at"]):
        raise Conflict(
            "Ballots are taken only while the consultation is open ({opens} – {closes}).",
            field="consultation", rule="ballot_window",
            opens=row["opens_at"].isoformat(), closes=row["closes_at"].isoformat(),
        )


def one_choice_per_item(item_ids: set[int], choices: dict[int, Choice]) -> dict[int, Choice]:
    """The choices of a ballot, checked: exactly one for every item of its consultation."""
    if set(choices) != item_ids:
        raise Invalid(
            "A ballot gives one choice for every item of the consultation (items {items}).",
            field="choices", items=", ".join(str(i) for i in sorted(item_ids)),
        )
    return {int(k): Choice(v) for k, v in choices.items()}


async def check_choices(consultation_id: int, choices: dict[int, Choice]) -> dict[int, Choice]:
    return one_choice_per_item({i["id"] for i in await item_rows(consultation_id)}, choices)


def choice_values(choices: dict[int, Choice]) -> dict[str, str]:
    """A ballot's choices as stored and audited: {"item id": "choice"}."""
    return {str(k): v.value for k, v in choices.items()}


def choices_json(choices: dict[int, Choice]) -> str:
    return json.dumps(choice_values(choices))


def receipt() -> str:
    return "R" + secrets.token_hex(6).upper()


def web_payload(entry_id: int, sheet_id: int, receipt_no: str, clean: dict[int, Choice]) -> dict[str, Any]:
    """The audit record of a web ballot, the same on both paths."""
    return {"roll_entry_id": entry_id, "sheet_id": sheet_id, "receipt_no": receipt_no,
            "choices": choice_values(clean)}


async def lock_entry(entry_id: int) -> dict:
    """The title's roll entry, locked: sheets of one title queue here, so "which sheet is counted" is
    decided one at a time. An owner of several titles is one person in the tally: all their titles
    are locked (in id order), so their person figures are recomputed by one ballot at a time."""
    entry = (await ConsultationRollEntry.select().where(ConsultationRollEntry.id == entry_id))[0]
    if is_postgres():
        query = ConsultationRollEntry.select(ConsultationRollEntry.id).where(ConsultationRollEntry.id == entry_id)
        if entry["shared_head"]:
            head = ConsultationRollEntry.kind == entry["kind"] if entry["kind"] == "developer_unsold" else (
                (ConsultationRollEntry.owner_key == entry["owner_key"]) & (ConsultationRollEntry.kind != "developer_unsold")
            )
            query = ConsultationRollEntry.select(ConsultationRollEntry.id).where(
                ConsultationRollEntry.consultation == entry["consultation"], head
            )
        await query.order_by(ConsultationRollEntry.id).lock_rows("UPDATE")
    return entry


async def count_sheet(
    row: dict, entry: dict, sheet_id: int, choices: dict[int, Choice], *, marked: bool = False
) -> None:
    """Make `sheet_id` the title's counted ballot; with locked ballots a second one is refused.

    `entry` is the title's roll entry as `lock_entry` locked and returned it. `marked`: the sheet was
    inserted already counted (a web ballot), so only earlier ones change. The tally cells move with
    the counted choices.
    """
    entry_id = entry["id"]
    before = {
        int(r["item"]): r["choice"]
        for r in await CountedBallot.select(CountedBallot.item, CountedBallot.choice).where(
            CountedBallot.roll_entry == entry_id
        )
    }
    if row["lock_ballots"] and before:
        raise Conflict(
            "This title has already voted and this consultation does not allow changing a ballot.",
            field="code", rule="ballots_locked",
        )
    values = ", ".join(
        f"({int(row['id'])}, {int(entry_id)}, {int(item_id)}, '{Choice(choice).value}', {int(sheet_id)})"
        for item_id, choice in sorted(choices.items())
    )
    await CountedBallot.raw(
        f"INSERT INTO counted_ballot (consultation, roll_entry, item, choice, sheet) VALUES {values} "
        "ON CONFLICT (consultation, roll_entry, item) DO UPDATE SET choice = excluded.choice, sheet = excluded.sheet"
    )
    after = {**before, **{int(k): Choice(v).value for k, v in choices.items()}}
    await tally.apply_counted_change(row["id"], entry, before, after)
    await BallotSheet.update({BallotSheet.status: SheetStatus.superseded.value}).where(
        BallotSheet.roll_entry == entry_id, BallotSheet.status == SheetStatus.counted.value,
        BallotSheet.id != sheet_id,
    )
    if not marked:
        await BallotSheet.update(
            {BallotSheet.status: SheetStatus.counted.value, BallotSheet.counted_at: clock.now()}
        ).where(BallotSheet.id == sheet_id)
