"""Benchmark: the main process's seconds issuing a 3,000-unit batch's handover packs, without rendering them.

Run from the checkout: `.venv/bin/python bench/pack_issuing.py [units]`. It builds the same batch as
`bench/handover_pack.py` (a throwaway SQLite database, or BENCH_DATABASE_URL, a THROWAWAY PostgreSQL
database whose schema is dropped) and runs each part's `prepare` of the batch print in plan order, as the
export runner does before a part is rendered (read the part's packs, issue the missing ones: numbers,
frozen snapshots, audit records, one transaction per part), with no render worker competing for the
cores. Prints `pack_issuing_s=<n>` (all parts), the milliseconds per pack and the statements per part;
the result is checked (every pack issued once, numbered 1..n in print order, the audit chain verifies).
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

from handover_pack import build  # sets the database environment before tracker is imported


async def run(count: int) -> None:
    from tracker import db
    from tracker.accounts.actor import SYSTEM
    from tracker.audit import verify
    from tracker.documents.tables import IssuedDocument
    from tracker.handover import exports
    from tracker.handover.tables import DeliveryBatch

    await db.start()
    await build(count)
    batch = (await DeliveryBatch.select(DeliveryBatch.id))[0]["id"]
    _, pieces = await exports._batch_pieces(SYSTEM, batch)
    seconds: list[float] = []
    statements: list[int] = []
    for piece in pieces:
        with db.recording() as sent:
            started = time.perf_counter()
            context = await piece.prepare()
            seconds.append(time.perf_counter() - started)
        statements.append(len(sent))
        assert len(context["packs"]) == piece.units
    numbers = [r["number_text"] for r in await IssuedDocument.select(IssuedDocument.number_text).where(
        IssuedDocument.series == exports.PACK).order_by(IssuedDocument.id)]
    assert numbers == [f"PACK-JFQR-{numbers[0][10:14]}-{n:04d}" for n in range(1, count + 1)], numbers[:3]
    checked = await verify()
    assert checked.ok, checked
    await db.stop()
    total = sum(seconds)
    load = os.getloadavg()
    print(f"engine={'postgres' if db.is_postgres() else 'sqlite'} packs={count} parts={len(pieces)} "
          f"per_pack_ms={1000 * total / count:.2f} slowest_part_s={max(seconds):.3f} "
          f"statements_per_part={max(statements)} audit_records={checked.checked} "
          f"load_avg_1m_5m={load[0]:.1f}/{load[1]:.1f}")
    print(f"pack_issuing_s={total:.2f}")


def main() -> None:
    asyncio.run(run(int(sys.argv[1]) if len(sys.argv) > 1 else 3000))


if __name__ == "__main__":
    main()
