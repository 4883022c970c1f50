"""The row of one register record by its id, or a 404 naming the path parameter it came from."""

from __future__ import annotations

from piccolo.table import Table

from tracker.errors import NotFound


async def record_row(table: type[Table], record_id: int, missing: str, field: str) -> dict:
    """`missing` is the English message (the msgid) with `{id}`: "No project {id}." """
    rows = await table.select().where(table._meta.primary_key == record_id)
    if not rows:
        raise NotFound(missing, field=field, id=record_id)
    return rows[0]
