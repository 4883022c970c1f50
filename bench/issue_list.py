"""Benchmark: a filtered, paginated issue list over 100,000 issues on PostgreSQL.

Run from the checkout: `BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:55432/postgres .venv/bin/python
bench/issue_list.py [issues] [queries]`. The bench creates its own database next to the one named, fills
it, measures, and drops it. Prints `issue_list_p95_ms=<n>` (target ≤ 100 ms). Without BENCH_DATABASE_URL
it says so and exits without measuring.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


async def fill(count: int, world) -> None:
    import asyncpg

    from inspections.services import ensure_catalogue
    from inspections.tables import DefectCategory

    await ensure_catalogue()
    categories = [r["id"] for r in await DefectCategory.select(DefectCategory.id)]
    rng = random.Random(100_000)
    today = dt.date.today()
    now = dt.datetime.now(dt.timezone.utc)
    statuses = ["open", "rectifying", "rectifying", "submitted", "verified", "verified", "verified", "void"]
    contractors = [world.orgs["Builder Co"], world.orgs["Other Builder"]]
    records = [
        (world.project if n % 10 else world.other_project, world.building if n % 10 else None, f"{n % 30 + 1}层",
         f"东立面 {n % 7}", "quality" if n % 5 else "safety", rng.choice(categories),
         ("general", "general", "serious", "major")[n % 4], f"问题描述 {n}：墙面空鼓、渗漏或开裂",
         contractors[n % 2], world.orgs["Supervision Co"], today + dt.timedelta(days=rng.randint(-60, 30)),
         statuses[n % len(statuses)], 1, n % 3 == 0 and 1 or 0, False, world.users["inspector"],
         now - dt.timedelta(minutes=count - n), now)
        for n in range(count)
    ]
    columns = ["project", "building", "part", "location", "kind", "category", "severity", "description",
               "responsible_org", "inspecting_org", "deadline", "status", "round", "rejections", "overdue",
               "filed_by", "created_at", "updated_at"]
    connection = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await connection.copy_records_to_table("issue", records=records, columns=columns)
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def measure(world, queries: int) -> list[float]:
    from inspections import services
    from inspections.kinds import IssueStatus, Severity
    from tracker.accounts.actor import Actor
    from tracker.accounts.roles import Role

    inspector = Actor(id=world.users["inspector"], username="inspector", name="Inspector", role=Role.inspector,
                      organisation_id=world.orgs["Supervision Co"], project_ids=frozenset({world.project}))
    contractor = Actor(id=world.users["contractor"], username="contractor", name="Contractor", role=Role.contractor,
                       organisation_id=world.orgs["Builder Co"], project_ids=frozenset({world.project}))
    rng = random.Random(7)
    filters = [
        lambda: services.IssueFilter(),
        lambda: services.IssueFilter(status=[IssueStatus.rectifying]),
        lambda: services.IssueFilter(status=[IssueStatus.rectifying, IssueStatus.submitted], severity=Severity.major),
        lambda: services.IssueFilter(overdue=True),
        lambda: services.IssueFilter(responsible_org_id=world.orgs["Other Builder"], status=[IssueStatus.open]),
        lambda: services.IssueFilter(ball="contractor", offset=rng.randrange(0, 2000, 50)),
        lambda: services.IssueFilter(created_from=dt.date.today() - dt.timedelta(days=20), kind="safety"),
    ]
    timings = []
    for n in range(queries):
        actor = contractor if n % 4 == 3 else inspector
        f = rng.choice(filters)()
        start = time.perf_counter()
        items, total = await services.list_issues(actor, world.project, f)
        timings.append((time.perf_counter() - start) * 1000)
    return timings


async def main(count: int, queries: int) -> int:
    base = os.environ.get("BENCH_DATABASE_URL")
    if not base or not base.startswith(("postgres://", "postgresql://")):
        print("issue_list: skipped — set BENCH_DATABASE_URL to a PostgreSQL URL "
              "(e.g. postgresql://postgres@127.0.0.1:55432/postgres); the bench creates and drops its own database")
        return 0
    import asyncpg

    name = f"tracker_bench_issues_{os.getpid()}"
    admin = await asyncpg.connect(base)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    os.environ["DATABASE_URL"] = _with_database(base, name)
    os.environ.setdefault("TRACKER_VAR_DIR", tempfile.mkdtemp(prefix="bench-issues-"))
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
    try:
        from tests.support import build_world
        from tracker import db
        from tracker.accounts.actor import SYSTEM
        from tracker.accounts.roles import OrganisationKind
        from tracker.accounts.services import create_organisation

        await db.start()
        await db.migrate()
        await db.engine().run_ddl(f"INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '{'0' * 64}') "
                                  "ON CONFLICT DO NOTHING")
        world = await build_world()
        world.orgs["Other Builder"] = await create_organisation(SYSTEM, name="Other Builder",
                                                                kind=OrganisationKind.contractor)
        start = time.perf_counter()
        await fill(count, world)
        print(f"issues={count} fill_s={time.perf_counter() - start:.1f}")
        await measure(world, 20)  # warm the pool and the caches
        timings = sorted(await measure(world, queries))
        p95 = timings[int(len(timings) * 0.95) - 1]
        print(f"queries={queries} median_ms={statistics.median(timings):.1f} max_ms={timings[-1]:.1f}")
        print(f"issue_list_p95_ms={p95:.1f}")
        await db.stop()
    finally:
        admin = await asyncpg.connect(base)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    return 0


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    sys.exit(asyncio.run(main(args[0] if args else 100_000, args[1] if len(args) > 1 else 300)))
