"""Benchmark: the monthly funding report rolled up by district over a portfolio on PostgreSQL.

Run from the checkout: `BENCH_DATABASE_URL=postgresql://…/throwaway .venv/bin/python bench/funding_report.py`
(its public schema is dropped and migrated afresh). Builds 1,000 projects in 16 districts, 10,000
sources, 30,000 arrivals, 5,000 budget lines, 10,000 allocations and 300,000 spending records (COPY),
has a third of the projects submit the month's report through the service, then times
`funding.services.rollup(month, "district")` (what the roll-up API answers: two aggregate queries and the
indicator tree) against one hand-written SQL aggregate of the same figures straight from the records,
and prints `funding_report_ms_median=<n> raw_sql_ms_median=<n>`. Targets: ≤ 300 ms, within 2× of raw SQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = 1_000
SOURCES_PER_PROJECT = 10
ARRIVALS_PER_SOURCE = 3
SPENDING_PER_ALLOCATION = 30
LINES_PER_PROJECT = 5
SUBMITTED_SHARE = 3  # one project in three has submitted the month's report
RUNS = 15
MONTH = dt.date(2026, 10, 1)
KINDS = ["central_budget", "central_subsidy", "ultra_long_bond", "provincial_budget", "local_budget", "general_bond",
         "special_bond", "policy_loan", "owner_unit", "resident", "operator", "other"]
DISTRICTS = [f"第{n}区" for n in range(1, 17)]
PROGRAMMES = ["retrofit", "resettlement_housing", "expropriation_parcel"]

RAW_SQL = """
SELECT p.district AS grp, s.kind AS kind,
       SUM(CASE WHEN a.arrived_on >= $1 THEN a.amount_fen ELSE 0 END) AS this_year, SUM(a.amount_fen) AS to_date
  FROM arrival a JOIN funding_source s ON s.id = a.source JOIN project p ON p.id = a.project
 WHERE a.arrived_on <= $2 GROUP BY p.district, s.kind
UNION ALL
SELECT p.district, '~budget', SUM(b.amount_fen), 0 FROM budget_line b JOIN project p ON p.id = b.project GROUP BY p.district
UNION ALL
SELECT p.district, '~committed', SUM(s.committed_fen), 0 FROM funding_source s JOIN project p ON p.id = s.project
 WHERE s.approved_on <= $2 GROUP BY p.district
"""


async def build(conn) -> None:
    rng = random.Random(11)
    await conn.copy_records_to_table("project", columns=["id", "code", "name", "kind", "district", "status"], records=[
        (p, f"B{p:05d}", f"项目{p}", PROGRAMMES[p % 3], DISTRICTS[p % len(DISTRICTS)], "active")
        for p in range(1, PROJECTS + 1)])
    lines, sources, arrivals, allocations, spending = [], [], [], [], []
    categories = [("construction", "construction"), ("compensation", "compensation"), ("other_costs", "design_supervision"),
                  ("contingency", "contingency"), ("equipment", "equipment")]
    for p in range(1, PROJECTS + 1):
        first_line = len(lines) + 1
        for i, (category, use) in enumerate(categories):
            lines.append((len(lines) + 1, p, category, f"{category}-{p}", use, rng.randrange(5_000_000_00, 20_000_000_00)))
        for k in range(SOURCES_PER_PROJECT):
            sid = len(sources) + 1
            parts = [rng.randrange(100_000_00, 1_000_000_00) for _ in range(ARRIVALS_PER_SOURCE)]
            arrived = sum(parts)
            sources.append((sid, p, KINDS[(p + k) % len(KINDS)], f"来源{sid}", f"REF-{sid}", arrived + 500_000_00,
                            arrived, arrived, "[]", dt.date(2024, 6, 1)))
            for n, amount in enumerate(parts):
                arrivals.append((len(arrivals) + 1, p, sid, dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 640)),
                                 amount))
            aid = len(allocations) + 1
            per = arrived // (SPENDING_PER_ALLOCATION * 2)
            allocations.append((aid, p, sid, first_line + k % LINES_PER_PROJECT, arrived,
                                per * SPENDING_PER_ALLOCATION, dt.date(2024, 6, 1)))
            for n in range(SPENDING_PER_ALLOCATION):
                spending.append((len(spending) + 1, p, aid, "payment",
                                 dt.date(2025, 2, 1) + dt.timedelta(days=rng.randrange(0, 600)), per, "某建设公司",
                                 f"V{aid}-{n}", "进度款"))
    await conn.copy_records_to_table("budget_line", columns=["id", "project", "category", "name", "use", "amount_fen"],
                                     records=lines)
    await conn.copy_records_to_table("funding_source", columns=[
        "id", "project", "kind", "name", "reference", "committed_fen", "arrived_fen", "allocated_fen", "allowed_uses",
        "approved_on"], records=sources)
    await conn.copy_records_to_table("arrival", columns=["id", "project", "source", "arrived_on", "amount_fen"],
                                     records=arrivals)
    await conn.copy_records_to_table("allocation", columns=[
        "id", "project", "source", "budget_line", "amount_fen", "spent_fen", "allocated_on"], records=allocations)
    await conn.copy_records_to_table("spending", columns=[
        "id", "project", "allocation", "kind", "spent_on", "amount_fen", "payee", "voucher_no", "purpose"],
        records=spending)
    for table in ("project", "budget_line", "funding_source", "arrival", "allocation", "spending"):
        await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        await conn.execute(f"ANALYZE {table}")
    print(f"built {PROJECTS} projects, {len(sources)} sources, {len(arrivals)} arrivals, {len(allocations)} "
          f"allocations, {len(spending)} spending records", file=sys.stderr)


async def run(url: str) -> None:
    import asyncpg

    from funding import indicators, services
    from funding.kinds import INDICATOR
    from funding.report_schemas import ReportDraftIn
    from tests.support import prepare_database
    from tracker import db
    from tracker.accounts.actor import SYSTEM

    await db.start()
    with contextlib.redirect_stdout(io.StringIO()):  # Piccolo reports every migration
        await prepare_database()
    conn = await asyncpg.connect(url)
    started = time.perf_counter()
    await build(conn)
    for p in range(1, PROJECTS + 1, SUBMITTED_SHARE):
        await services.submit_report(SYSTEM, p, MONTH, ReportDraftIn())
    await conn.execute("ANALYZE funding_report")
    print(f"built and submitted in {time.perf_counter() - started:.1f} s", file=sys.stderr)

    ours, raw = [], []
    year_start, month_end = dt.date(MONTH.year, 1, 1), indicators.month_end(MONTH)
    for _ in range(RUNS):
        t = time.perf_counter()
        result = await services.rollup(SYSTEM, MONTH, "district")
        ours.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        rows = await conn.fetch(RAW_SQL, year_start, month_end)
        raw.append((time.perf_counter() - t) * 1000)
    # The same figures both ways (the submitted reports froze what the records say).
    in_104 = {kind for kind, code in INDICATOR.items() if code != indicators.CREDIT}
    this_year = sum(r["this_year"] for r in rows if r["kind"] in in_104)
    assert result.total.indicators["104"] == this_year, (result.total.indicators["104"], this_year)
    assert result.total.total_investment_fen == sum(r["this_year"] for r in rows if r["kind"] == "~budget")
    assert result.total.projects == PROJECTS and len(result.rows) == len(DISTRICTS)
    await conn.close()
    await db.stop()
    print(f"districts={len(result.rows)} submitted={result.total.submitted} "
          f"funding_report_ms_median={statistics.median(ours):.1f} raw_sql_ms_median={statistics.median(raw):.1f}")


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        print("funding_report skipped: set BENCH_DATABASE_URL to a THROWAWAY PostgreSQL database (its schema is dropped)")
        return
    os.environ["DATABASE_URL"] = url
    os.environ["TRACKER_VAR_DIR"] = tempfile.mkdtemp(prefix="tracker-bench-")
    os.environ["PICCOLO_CONF"] = "piccolo_conf"
    os.environ["SCHEDULER_ENABLED"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-secret")
    sys.path.insert(0, str(ROOT))
    asyncio.run(run(url))


if __name__ == "__main__":
    main()
