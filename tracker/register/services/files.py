"""The per-household file (一户一档): dated entries written by named staff, read newest first."""

from __future__ import annotations

import msgspec

from tracker import audit
from tracker import clock
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import Forbidden, Invalid
from tracker.register.schemas import FileEntryIn, FileEntryOut
from tracker.register.services.households import household_row
from tracker.register.services.projects import writable_project
from tracker.register.tables import FileEntry
from tracker.rows import to_schemas


async def add_file_entry(actor: Actor, household_id: int, data: FileEntryIn) -> FileEntryOut:
    if actor.id is None:
        raise Forbidden("File entries are written by a named member of staff.", rule="author")
    if data.occurred_on > clock.today():
        raise Invalid("The entry's date is in the future.", field="occurred_on")
    async with transaction():
        household = await household_row(household_id)
        await writable_project(household["project"])
        entry = FileEntry(
            household=household_id,
            kind=data.kind.value,
            occurred_on=data.occurred_on,
            summary=data.summary.strip(),
            author=actor.id,
        )
        row = (await FileEntry.insert(entry).returning(FileEntry.id, FileEntry.created_at))[0]
        await audit.record(
            actor, "household.file_entry", "household", household_id, {"entry_id": row["id"], **msgspec.structs.asdict(data)}
        )
    return FileEntryOut(
        id=row["id"],
        household_id=household_id,
        kind=data.kind,
        occurred_on=data.occurred_on,
        summary=entry.summary,
        author=actor.name,
        created_at=row["created_at"],
    )


async def list_file_entries(household_id: int) -> list[FileEntryOut]:
    await household_row(household_id)
    rows = await (
        FileEntry.select(
            FileEntry.id, FileEntry.household.as_alias("household_id"), FileEntry.kind, FileEntry.occurred_on,
            FileEntry.summary, FileEntry.author.display_name.as_alias("author"), FileEntry.created_at,
        )
        .where(FileEntry.household == household_id)
        .order_by(FileEntry.occurred_on, ascending=False)
        .order_by(FileEntry.id, ascending=False)
    )
    return to_schemas(rows, FileEntryOut)
