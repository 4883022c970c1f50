"""Benchmark: 100 concurrent clients cast web ballots against 2 app processes on PostgreSQL.

Run from the checkout: `BENCH_DATABASE_URL=postgresql://… .venv/bin/python bench/vote_storm.py [titles]`.
BENCH_DATABASE_URL must name a THROWAWAY database (its public schema is dropped and migrated afresh);
without it the bench says so and exits. Everything listens on 127.0.0.1 only, and the storm stops
after 60 s whatever happens. Every title votes once with its code; each client sends one ballot at a
time. Prints `ballots_per_s=<n> lost=<n> double=<n>`: `lost` = ballots answered 201 whose receipt is not
the title's counted sheet, `double` = titles with more than one counted sheet or more counted rows
than items. The target is ≥ 300 ballots/s with both 0. It also checks the tally cells against the
counted ballots and the whole audit chain, and prints both.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

import app_runs

ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 100
PROCESSES = 2
ITEMS = 3
TIME_LIMIT_S = 60


async def prepare(count: int) -> tuple[int, list[int], list[str]]:
    sys.path.insert(0, str(ROOT / "bench"))
    import datetime as dt
    from decimal import Decimal

    from tally import _bulk

    from tracker import db
    from tracker.accounts.actor import SYSTEM
    from tracker.consultations import services
    from tracker.consultations.kinds import ConsultationKind, ItemClass
    from tracker.consultations.schemas import ConsultationIn, ItemIn
    from tracker.register.kinds import ProjectKind
    from tracker.register.schemas import ProjectIn
    from tracker.register.tables import Holding

    project, _building = await app_runs.fresh_project(
        ProjectIn(code="STORM", name="基准", kind=ProjectKind.retrofit), count,
        ["id", "project", "building", "number", "stairwell", "registered_area"],
        lambda project_id, building_id: [(n, project_id, building_id, f"{n}", "1", 60 + n % 40)
                                         for n in range(1, count + 1)])
    await _bulk(Holding, ["household", "dwelling"], [(n, n) for n in range(1, count + 1)])
    await app_runs.reset_sequences("dwelling", "household", "holding")
    now = dt.datetime.now(dt.timezone.utc)
    c = await services.create_consultation(SYSTEM, project.id, ConsultationIn(
        title="改造菜单", kind=ConsultationKind.retrofit_menu, rule_key="art278_major",
        opens_at=now - dt.timedelta(minutes=1), closes_at=now + dt.timedelta(hours=1),
        items=[ItemIn(description=f"事项{n}", item_class=ItemClass.basic, estimated_cost=Decimal("1000")) for n in range(ITEMS)],
    ))
    opened = await services.open_consultation(SYSTEM, c.id)
    codes = [letter["code"] for letter in await services.voting_letters(c.id)]
    await db.stop()
    return c.id, [i.id for i in opened.items], codes


class _Http:
    """A bare HTTP/1.1 keep-alive client: JSON POST, status and body.

    The load generator shares the two cores with the servers and PostgreSQL; httpx spends about a
    millisecond of CPU per request, which would be measured as the server's. This spends a fraction.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post_json(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        self.writer.write(head + body)
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        return status, await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def storm(ports: list[int], items: list[int], codes: list[str]) -> tuple[float, dict[str, str], int]:
    import json

    queue: asyncio.Queue[str] = asyncio.Queue()
    for code in codes:
        queue.put_nowait(code)
    receipts: dict[str, str] = {}
    failures = 0
    deadline = time.perf_counter() + TIME_LIMIT_S

    async def client(n: int) -> None:
        nonlocal failures
        http = _Http(ports[n % len(ports)])
        choices = {str(item): ("agree", "oppose", "abstain")[(n + item) % 3] for item in items}
        try:
            while time.perf_counter() < deadline:
                try:
                    code = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                status, body = await http.post_json("/api/v1/vote", json.dumps({"code": code, "choices": choices}).encode())
                if status == 201:
                    receipts[code] = json.loads(body)["receipt_no"]
                else:
                    failures += 1
                    if failures <= 3:
                        print(f"refused {status}: {body[:200]!r}", file=sys.stderr)
        finally:
            await http.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(CLIENTS)))
    return time.perf_counter() - started, receipts, failures


async def check(consultation_id: int, items: int, receipts: dict[str, str]) -> tuple[int, int]:
    from tracker import db
    from tracker.consultations.tables import BallotSheet

    await db.start()
    counted = await BallotSheet.raw(
        "SELECT s.receipt_no AS receipt_no, s.roll_entry AS roll_entry FROM ballot_sheet s "
        "WHERE s.consultation = {} AND s.status = 'counted'", consultation_id)
    counted_receipts = {r["receipt_no"] for r in counted}
    lost = sum(1 for receipt in receipts.values() if receipt not in counted_receipts)
    per_title = await BallotSheet.raw(
        "SELECT roll_entry, COUNT(*) AS n FROM counted_ballot WHERE consultation = {} GROUP BY roll_entry "
        "HAVING COUNT(*) > {}", consultation_id, items)
    sheets = await BallotSheet.raw(
        "SELECT roll_entry, COUNT(*) AS n FROM ballot_sheet WHERE consultation = {} AND status = 'counted' "
        "GROUP BY roll_entry HAVING COUNT(*) > 1", consultation_id)
    from tracker import audit
    from tracker.consultations import tally

    drift = await tally.cells_drift(consultation_id)
    chain = await audit.verify()
    print(f"tally_cells_drift={len(drift)} audit_chain_ok={chain.ok} audit_records={chain.checked}")
    await db.stop()
    return lost, len(per_title) + len(sheets)


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        print("vote_storm skipped: set BENCH_DATABASE_URL to a throwaway PostgreSQL database")
        return
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 6000
    env = app_runs.environment(url)
    consultation_id, items, codes = asyncio.run(prepare(count))
    with app_runs.app_processes(env, PROCESSES) as ports:
        elapsed, receipts, failures = asyncio.run(storm(ports, items, codes))
    lost, double = asyncio.run(check(consultation_id, len(items), receipts))
    print(f"clients={CLIENTS} processes={PROCESSES} titles={count} accepted={len(receipts)} refused={failures} "
          f"seconds={elapsed:.1f}")
    print(f"ballots_per_s={len(receipts) / elapsed:.0f} lost={lost} double={double}")


if __name__ == "__main__":
    main()
