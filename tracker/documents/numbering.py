"""Document numbers per project, series and year: never reused, without gaps, safe under concurrency."""

from __future__ import annotations

from tracker.db import engine
from tracker.documents.tables import DocumentCounter


async def next_numbers(project_id: int, series: str, year: int, count: int) -> range:
    """Take the next `count` consecutive numbers inside the caller's transaction, in two statements
    however many are taken (a batch print issues a part's packs at once).

    The counter row is created if missing (ON CONFLICT DO NOTHING, so two first issuers cannot both
    create it) and then advanced by `count` with UPDATE … RETURNING: the row lock holds other issuers
    until this transaction ends, so no one else takes a number inside the range, and a rollback gives
    the whole range back, so numbers have no gaps. The caller uses every number of the range or rolls
    back.
    """
    if engine().current_transaction.get() is None:
        raise RuntimeError("next_numbers must run inside the issuing transaction")
    if count < 1:
        raise ValueError("at least one number must be taken")
    await DocumentCounter.raw(
        "INSERT INTO document_counter (project, series, year, last) VALUES ({}, {}, {}, 0) ON CONFLICT DO NOTHING",
        project_id,
        series,
        year,
    )
    rows = await DocumentCounter.raw(
        "UPDATE document_counter SET last = last + {} WHERE project = {} AND series = {} AND year = {} RETURNING last",
        count,
        project_id,
        series,
        year,
    )
    last = int(rows[0]["last"])
    return range(last - count + 1, last + 1)


async def next_number(project_id: int, series: str, year: int) -> int:
    """Take the next number inside the caller's transaction (`next_numbers` with a count of one)."""
    return (await next_numbers(project_id, series, year, 1))[0]
