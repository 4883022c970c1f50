"""Document numbers per project, series and year: never reused, without gaps, safe under concurrency."""

from __future__ import annotations

from tracker.db import engine
from tracker.documents.tables import DocumentCounter


async def next_number(project_id: int, series: str, year: int) -> int:
    """Take the next number inside the caller's transaction.

    The counter row is created if missing (ON CONFLICT DO NOTHING, so two first issuers cannot both
    create it) and then incremented with UPDATE … RETURNING: the row lock holds other issuers until
    this transaction ends, and a rollback gives the number back, so numbers have no gaps.
    """
    if engine().current_transaction.get() is None:
        raise RuntimeError("next_number must run inside the issuing transaction")
    await DocumentCounter.raw(
        "INSERT INTO document_counter (project, series, year, last) VALUES ({}, {}, {}, 0) ON CONFLICT DO NOTHING",
        project_id,
        series,
        year,
    )
    rows = await DocumentCounter.raw(
        "UPDATE document_counter SET last = last + 1 WHERE project = {} AND series = {} AND year = {} RETURNING last",
        project_id,
        series,
        year,
    )
    return int(rows[0]["last"])
