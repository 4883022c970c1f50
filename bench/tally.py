"""Benchmark: tally a 50,000-title consultation with 11 items, grouped with subtotals, by SQL aggregation.

Run from the checkout: `.venv/bin/python bench/tally.py [titles]`. SQLite always runs (a fresh file in a
temporary folder); PostgreSQL runs when BENCH_DATABASE_URL names a THROWAWAY database (its public
schema is dropped and migrated afresh). Prints `tally_ms_median=<n>` per engine; the target is
≤ 200 ms on each. The timed work is what the results API does: per item the totals and the decision,
plus the posted layout (kind × office × subdistrict with subtotals and the total).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ITEMS = 11
RUNS = 9
CHOICES = ["agree"] * 6 + ["oppose", "abstain", "invalid"]


async def _bulk(table, columns: list[str], rows: list[tuple]) -> None:
    def lit(value):
        if value is None:
            return "NULL"
        if isinstance(value, (int, float)):
            return str(value)
        return "'" + str(value).replace("'", "''") + "'"

    for start in range(0, len(rows), 2000):
        chunk = rows[start : start + 2000]
        values = ", ".join("(" + ", ".join(lit(v) for v in row) + ")" for row in chunk)
        await table.raw(f'INSERT INTO "{table._meta.tablename}" ({", ".join(columns)}) VALUES {values}')


async def build(count: int) -> int:
    from tracker.accounts.actor import SYSTEM
    from tracker.consultations.tables import (
        BallotSheet,
        Consultation,
        ConsultationItem,
        ConsultationRollEntry,
        CountedBallot,
    )
    from tracker.register import services
    from tracker.register.kinds import ProjectKind
    from tracker.register.schemas import ProjectIn
    from tracker.register.tables import Household

    rng = random.Random(4)
    project = await services.create_project(SYSTEM, ProjectIn(code="TALLY", name="基准", kind=ProjectKind.expropriation_parcel))
    offices = [f"第{n}征收事务所" for n in range(1, 5)]
    subdistricts = ["塘桥街道", "潍坊新村街道", "洋泾街道"]
    titles = []
    for i in range(count):
        kind = "work_unit" if i % 97 == 0 else ("developer_unsold" if i % 211 == 0 else "resident")
        # About one owner in twenty holds two titles.
        owner = f"owner-{i - 1 if i % 20 == 1 else i}"
        titles.append((i + 1, f"沪房地第{i:07d}号", owner, kind, offices[i % 4], subdistricts[i % 3],
                       rng.randrange(4500, 11000)))
    await _bulk(Household, ["id", "project", "certificate_no", "holder_names", "owner_key", "kind", "office",
                            "subdistrict", "phone", "contact_status", "strategy", "created_at"],
                [(t[0], project.id, t[1], "某", t[2], t[3], t[4], t[5], "", "reachable", "", "2026-11-23T00:00:00+00:00")
                 for t in titles])
    now = dt.datetime.now(dt.timezone.utc)
    c = (await Consultation.insert(Consultation(
        project=project.id, title="改造菜单", kind="retrofit_menu", opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=1), rule_key="art278_major", status="open",
    )).returning(Consultation.id))[0]["id"]
    items = [
        (await ConsultationItem.insert(ConsultationItem(consultation=c, position=p, item_class="basic",
                                                        description=f"项目{p}")).returning(ConsultationItem.id))[0]["id"]
        for p in range(1, ITEMS + 1)
    ]
    await _bulk(ConsultationRollEntry, ["id", "consultation", "household", "certificate_no", "holder_names", "area",
                                        "area_centi", "owner_key", "kind", "office", "subdistrict", "building", "stairwell"],
                [(t[0], c, t[0], t[1], "某", t[6] / 100, t[6], t[2], t[3], t[4], t[5], f"{t[0] // 120 + 1}号楼", "1")
                 for t in titles])
    voters = [t[0] for t in titles if rng.random() < 0.85]
    await _bulk(BallotSheet, ["id", "consultation", "roll_entry", "channel", "choices", "invalid_reason", "proxy_name",
                              "proxy_reference", "status", "receipt_no", "created_at"],
                [(v, c, v, "web", "{}", "", "", "", "counted", f"R{v:09d}", "2026-11-23T00:00:00+00:00") for v in voters])
    await _bulk(CountedBallot, ["consultation", "roll_entry", "item", "choice", "sheet"],
                [(c, v, item, rng.choice(CHOICES), v) for v in voters for item in items])
    # Ballots bulk-written behind the services' back: derive the roll groups and tally cells from them
    # (the services keep them in step ballot by ballot; `tally.rebuild` is the same computation at once).
    from tracker.consultations import tally

    started = time.perf_counter()
    await tally.rebuild(c)
    print(f"rebuilt roll groups and tally cells in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        for table in ("household", "consultation_roll_entry", "ballot_sheet", "counted_ballot", "tally_cell",
                      "consultation_roll_group"):
            await Household.raw(f"ANALYZE {table}")
            await Household.raw(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    return c


async def run(count: int, engine: str) -> None:
    from tests.support import prepare_database
    from tracker import db
    from tracker.consultations import services
    from tracker.consultations.tally import DEFAULT_LAYOUT

    await db.start()
    with contextlib.redirect_stdout(io.StringIO()):  # Piccolo reports every migration
        await prepare_database()
    started = time.perf_counter()
    c = await build(count)
    print(f"[{engine}] built {count} titles x {ITEMS} items in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    timings = []
    for _ in range(RUNS):
        started = time.perf_counter()
        result = await services.results_for(c, DEFAULT_LAYOUT)
        timings.append((time.perf_counter() - started) * 1000)
    total = result["items"][0]["totals"]
    assert total["roll_titles"] == count, total
    print(f"[{engine}] rows per item={len(result['items'][0]['rows'])} agree_titles(item 1)={total['agree_titles']}",
          file=sys.stderr)
    print(f"engine={engine} titles={count} items={ITEMS} tally_ms_median={statistics.median(timings):.0f} "
          f"tally_ms_min={min(timings):.0f}")
    await db.stop()


def child(engine: str, count: int) -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    os.environ["TRACKER_VAR_DIR"] = str(var_dir)
    if engine == "sqlite":
        os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite'}"
    else:
        os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    os.environ["PICCOLO_CONF"] = "piccolo_conf"
    os.environ["SCHEDULER_ENABLED"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-secret")
    sys.path.insert(0, str(ROOT))
    try:
        asyncio.run(run(count, engine))
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def main() -> None:
    args = sys.argv[1:]
    if args and args[0] == "--child":
        child(args[1], int(args[2]))
        return
    count = int(args[0]) if args else 50_000
    # One process per engine: the engine is fixed when tracker's settings are first read.
    subprocess.run([sys.executable, __file__, "--child", "sqlite", str(count)], check=True, cwd=ROOT)
    if os.environ.get("BENCH_DATABASE_URL"):
        subprocess.run([sys.executable, __file__, "--child", "postgres", str(count)], check=True, cwd=ROOT)
    else:
        print("engine=postgres skipped: set BENCH_DATABASE_URL to a throwaway PostgreSQL database")


if __name__ == "__main__":
    main()
