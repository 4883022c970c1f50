"""Benchmark: 20 concurrent selection desks against 2 app processes on PostgreSQL, choosing among units.

Run from the checkout: `BENCH_DATABASE_URL=postgresql://… .venv/bin/python bench/selection.py [units]
[closed|paced]` (both modes by default, each on a freshly prepared database and fresh app processes).
BENCH_DATABASE_URL must name a THROWAWAY database (its public schema is dropped and migrated afresh);
without it the bench says so and exits. Everything listens on 127.0.0.1 only.

As many households as units (3,000 by default) are entitled, in one open slot; each desk (its own
logged-in session, alternating between the processes) calls the next household in order and picks a
unit from a list of the units believed free, which every desk shares and learns from only by its own
answers; every 10th pick goes for the first unit on that list, so desks do pick the same unit at once:
one gets it, the other a 409 `unit_taken` and picks again. Latencies are the successful selections'
round trips; `double` counts the units given twice (a unit in two selections, a unit marked selected
without exactly one selection, or a household over its count), which must be 0. Target: p95 ≤ 100 ms.

Two modes, each printed on its own lines:

- closed loop (the stress figure, `selection_p95_ms=<n> double=<n>`): every desk calls its next
  household the moment the last one has selected, without think time, until every unit is taken (or
  120 s). The desks then always have 20 selections open, so by Little's law the mean latency is about
  20 / throughput: the figure measures how many selections per second the machine can serve, and on
  this machine the app processes, PostgreSQL and this client share the same 2 cores (hence the CPU
  split, `closed_cpu_ms_per_selection app= postgres= client= total=`).
- paced (`selection_paced_p95_ms=<n> double=<n>`): every desk calls a household every 2 s on average
  (1 to 3 s apart, uniformly jittered, each desk on its own schedule and never with two calls open) for
  60 s, about 600 selections at 10 a second. That is still far busier than a real desk, where staff
  find the household, talk the choice over and confirm it over minutes; it is the latency a desk's user
  sees with all 20 desks working at once.

`app_cpu_ms_per_selection` is all the app processes' CPU (start-up and the 20 Argon2 logins included)
over the selections; the `*_cpu_ms_per_selection` lines count only from the first selection to the last.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import resource
import statistics
import sys
import time
from pathlib import Path

import app_runs

ROOT = Path(__file__).resolve().parent.parent
DESKS = 20
PROCESSES = 2
TIME_LIMIT_S = 120
POPULAR_EVERY = 10  # every 10th pick of a desk goes for the first unit on its list: desks collide there
PACE_S = 2.0  # paced mode: a desk calls a household every 2 s on average ...
PACE_JITTER = 0.5  # ... 1 to 3 s apart (uniform), each desk on its own random schedule
PACED_S = 60  # paced mode: how long the desks keep calling (about 600 selections)
PASSWORD = "bench-desk-password"


async def prepare(count: int) -> tuple[int, list[int], list[int]]:
    sys.path.insert(0, str(ROOT / "bench"))
    import datetime as dt
    from decimal import Decimal

    from tally import _bulk

    from tracker import db
    from tracker.accounts.actor import SYSTEM
    from tracker.accounts.roles import Role
    from tracker.accounts.services import create_user
    from tracker.handover import services
    from tracker.handover.kinds import MissedSlot, OrderMethod
    from tracker.handover.schemas import OrderIn, SlotsIn, TermsIn
    from tracker.handover.tables import Entitlement, Unit
    from tracker.register.kinds import ProjectKind
    from tracker.register.schemas import ProjectIn

    rng = random.Random(13)
    areas = [Decimal(rng.randrange(8000, 11500)) / 100 for _ in range(count)]
    project, building = await app_runs.fresh_project(
        ProjectIn(code="DESK", name="选房基准", kind=ProjectKind.resettlement_housing), count,
        ["id", "project", "building", "number", "stairwell", "contract_area"],
        lambda project_id, building_id: [(n, project_id, building_id, f"{n}", "1", str(areas[n - 1]))
                                         for n in range(1, count + 1)])
    await _bulk(Unit, ["id", "project", "dwelling", "building", "layout", "floor", "orientation", "contract_area",
                       "status", "idle_reason"],
                [(n, project.id, n, building.id, "两室一厅", 1 + n // 10, "南", str(areas[n - 1]), "available", "")
                 for n in range(1, count + 1)])
    await _bulk(Entitlement, ["id", "project", "household", "persons", "quota_area", "compensation_fen",
                              "units_allowed", "signed_at", "units_selected"],
                [(n, project.id, n, 3, "90.00", 0, 1, f"2026-06-01T00:00:{n % 60:02d}+00:00", 0)
                 for n in range(1, count + 1)])
    await app_runs.reset_sequences("dwelling", "unit", "household", "entitlement")
    await services.set_terms(SYSTEM, project.id, TermsIn(
        quota_m2_per_person=Decimal("30"), base_price_fen=4_000_00, tier1_m2=Decimal("15"), tier2_m2=Decimal("30"),
        tier2_factor=Decimal("1.5"), shortfall_price_fen=3_000_00, order_method=OrderMethod.signing,
        missed_slot=MissedSlot.to_end))
    await services.fix_order(SYSTEM, project.id, OrderIn())
    await services.make_slots(SYSTEM, project.id, SlotsIn(
        first_starts_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5), minutes=600, per_slot=count))
    for desk in range(DESKS):
        await create_user(SYSTEM, username=f"desk{desk}", display_name=f"选房台{desk}", password=PASSWORD,
                          role=Role.community_staff, project_ids=[project.id])
    order = [r["id"] for r in await Entitlement.select(Entitlement.id).where(Entitlement.project == project.id)
             .order_by(Entitlement.selection_order)]
    units = [r["id"] for r in await Unit.select(Unit.id).where(Unit.project == project.id).order_by(Unit.id)]
    await db.stop()
    return project.id, order, units


class Desks:
    """The desks' shared state: households still to call, the units believed free, what was measured."""

    def __init__(self, order: list[int], units: list[int]) -> None:
        self.households: asyncio.Queue[int] = asyncio.Queue()
        for entitlement in order:
            self.households.put_nowait(entitlement)
        self.free = list(units)  # shared, learnt only from answers: a desk may pick a unit another desk is taking
        self.latencies: list[float] = []
        self.conflicts = self.failures = 0

    async def select(self, client, project_id: int, entitlement: int, rng: random.Random, deadline: float) -> None:
        """One household's selection: pick, and pick again after a 409 `unit_taken`, until one succeeds."""
        picks = 0
        while self.free and time.perf_counter() < deadline:
            picks += 1
            popular = (len(self.latencies) + picks) % POPULAR_EVERY == 0
            unit = self.free[0] if popular else rng.choice(self.free)
            started = time.perf_counter()
            response = await client.post(f"/api/v1/projects/{project_id}/handover/selections",
                                         json={"entitlement_id": entitlement, "unit_id": unit})
            elapsed = time.perf_counter() - started
            if response.status_code == 201:
                self.latencies.append(elapsed)
                with contextlib.suppress(ValueError):
                    self.free.remove(unit)
                return
            if response.status_code == 409 and response.json().get("rule") == "unit_taken":
                self.conflicts += 1
                with contextlib.suppress(ValueError):
                    self.free.remove(unit)
                continue
            self.failures += 1
            if self.failures <= 3:
                print(f"refused {response.status_code}: {response.text[:200]}", file=sys.stderr)
            return


async def run_desks(ports: list[int], project_id: int, order: list[int], units: list[int], cpu: Cpu, *,
                    paced: bool) -> tuple[Desks, float]:
    """The 20 desks, each its own logged-in session (alternating between the processes). Closed loop:
    each calls its next household as soon as the last one has selected, until every unit is taken or
    TIME_LIMIT_S has passed. Paced: each calls a household every PACE_S seconds (jittered, see below)
    for PACED_S seconds. Returns the desks' state and the seconds from the first selection to the last;
    `cpu` is read over the same span (the logins left out)."""
    import httpx

    state = Desks(order, units)
    limit = PACED_S if paced else TIME_LIMIT_S
    clock = {"start": 0.0, "deadline": time.perf_counter() + limit}
    # Every desk logs in before any selects: twenty Argon2 checks at once are the login's cost, not the
    # desk's, and on a loaded machine they took longer than a selection's timeout.
    logged_in = asyncio.Barrier(DESKS)
    started = asyncio.Event()  # every desk waits for the clock and the CPU readings

    async def desk(n: int) -> None:
        rng = random.Random(n)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{ports[n % len(ports)]}", timeout=120) as client:
            await client.get("/health")
            client.headers["x-csrftoken"] = client.cookies.get("csrftoken", "")
            login = await client.post("/api/v1/auth/login", json={"username": f"desk{n}", "password": PASSWORD})
            login.raise_for_status()
            client.headers["x-csrftoken"] = client.cookies["csrftoken"]
            if await logged_in.wait() == 0:
                await cpu.start()
                clock["start"] = time.perf_counter()
                clock["deadline"] = clock["start"] + limit
                started.set()
            await started.wait()
            # Paced: the first call somewhere in the first interval, so the desks do not start in step.
            next_at = clock["start"] + rng.uniform(0, PACE_S)
            while time.perf_counter() < clock["deadline"]:
                if paced:
                    if next_at >= clock["deadline"]:
                        return
                    await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
                    # Half to one and a half intervals later, from when this call was due (a desk whose
                    # answer came late calls at once, but never has two calls open).
                    next_at += rng.uniform(PACE_S * (1 - PACE_JITTER), PACE_S * (1 + PACE_JITTER))
                try:
                    entitlement = state.households.get_nowait()
                except asyncio.QueueEmpty:
                    return
                await state.select(client, project_id, entitlement, rng, clock["deadline"])

    await asyncio.gather(*(desk(n) for n in range(DESKS)))
    elapsed = time.perf_counter() - clock["start"]
    await cpu.stop()
    return state, elapsed


async def check(project_id: int) -> int:
    from tracker import audit, db
    from tracker.handover.tables import Unit

    await db.start()
    twice = await Unit.raw("SELECT unit FROM selection GROUP BY unit HAVING COUNT(*) > 1")
    mismatched = await Unit.raw(
        "SELECT u.id FROM unit u LEFT JOIN selection s ON s.unit = u.id WHERE u.project = {} "
        "AND ((u.status = 'selected') <> (s.id IS NOT NULL))", project_id)
    over = await Unit.raw(
        "SELECT e.id FROM entitlement e WHERE e.units_selected <> (SELECT COUNT(*) FROM selection s "
        "WHERE s.entitlement = e.id) OR e.units_selected > e.units_allowed")
    chain = await audit.verify()
    print(f"audit_chain_ok={chain.ok} audit_records={chain.checked}")
    await db.stop()
    return len(twice) + len(mismatched) + len(over)


class Cpu:
    """CPU seconds used between `start` and `stop` by the app processes, the PostgreSQL backends serving
    this database (a connection the pools open meanwhile counts from its start) and this client."""

    def __init__(self, url: str, pids: list[int]) -> None:
        self.url, self.pids = url, pids
        self.used: dict[str, float] = {}

    async def start(self) -> None:
        self.backends = await app_runs.postgres_backends(self.url)
        self.app, self.pg = app_runs.cpu_seconds(self.pids), app_runs.cpu_seconds(self.backends)
        self.client = time.process_time()

    async def stop(self) -> None:
        client = time.process_time() - self.client
        app = app_runs.cpu_seconds(self.pids)
        pg = app_runs.cpu_seconds(await app_runs.postgres_backends(self.url))
        self.used = {"app": sum(app.values()) - sum(self.app.get(p, 0.0) for p in app),
                     "postgres": sum(pg.values()) - sum(self.pg.get(p, 0.0) for p in pg) if pg else float("nan"),
                     "client": client}


def _p95_ms(latencies: list[float]) -> float:
    return statistics.quantiles(latencies, n=20)[-1] * 1000 if len(latencies) >= 20 else float("nan")


def _median_ms(latencies: list[float]) -> float:
    return statistics.median(latencies) * 1000 if latencies else float("nan")


def _cpu_line(label: str, cpu: Cpu, selections: int) -> str:
    per = {k: v / max(selections, 1) * 1000 for k, v in cpu.used.items()}
    return (f"{label}_cpu_ms_per_selection app={per['app']:.1f} postgres={per['postgres']:.1f} "
            f"client={per['client']:.1f} total={sum(per.values()):.1f}")


def closed_loop(url: str, env: dict[str, str], count: int) -> None:
    project_id, order, units = asyncio.run(prepare(count))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    pids: list[int] = []
    with app_runs.app_processes(env, PROCESSES, pids) as ports:
        cpu = Cpu(url, pids)
        state, elapsed = asyncio.run(run_desks(ports, project_id, order, units, cpu, paced=False))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the app processes, ended and waited for
    app_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    double = asyncio.run(check(project_id))
    selected = len(state.latencies)
    print(f"desks={DESKS} processes={PROCESSES} units={count} selected={selected} "
          f"unit_taken_409={state.conflicts} other_refusals={state.failures} seconds={elapsed:.1f} "
          f"selections_per_s={selected / elapsed:.0f} median_ms={_median_ms(state.latencies):.0f}")
    # CPU the two app processes used in all (start-up and the 20 logins included) per selection made:
    # what a loaded machine cannot inflate the way it inflates latencies.
    print(f"app_cpu_s={app_cpu:.1f} app_cpu_ms_per_selection={app_cpu / max(selected, 1) * 1000:.1f}")
    # The same from the first selection to the last (start-up and logins left out), with the PostgreSQL
    # backends and this client beside it: all three share the machine's cores, so their total bounds
    # the throughput.
    print(_cpu_line("closed", cpu, selected))
    print(f"load_avg_1m_5m={os.getloadavg()[0]:.1f}/{os.getloadavg()[1]:.1f}")
    print(f"selection_p95_ms={_p95_ms(state.latencies):.0f} double={double}")


def paced(url: str, env: dict[str, str], count: int) -> None:
    project_id, order, units = asyncio.run(prepare(count))
    pids: list[int] = []
    with app_runs.app_processes(env, PROCESSES, pids) as ports:
        cpu = Cpu(url, pids)
        state, elapsed = asyncio.run(run_desks(ports, project_id, order, units, cpu, paced=True))
    double = asyncio.run(check(project_id))
    selected = len(state.latencies)
    print(f"paced: desks={DESKS} every_s={PACE_S:g}±{PACE_S * PACE_JITTER:g} selected={selected} "
          f"unit_taken_409={state.conflicts} other_refusals={state.failures} seconds={elapsed:.1f} "
          f"selections_per_s={selected / elapsed:.1f} median_ms={_median_ms(state.latencies):.0f}")
    print(_cpu_line("paced", cpu, selected))
    print(f"load_avg_1m_5m={os.getloadavg()[0]:.1f}/{os.getloadavg()[1]:.1f}")
    print(f"selection_paced_p95_ms={_p95_ms(state.latencies):.0f} double={double}")


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        print("selection skipped: set BENCH_DATABASE_URL to a throwaway PostgreSQL database")
        return
    args = sys.argv[1:]
    modes = [a for a in args if a in ("closed", "paced")] or ["closed", "paced"]
    numbers = [a for a in args if a.isdigit()]
    count = int(numbers[0]) if numbers else 3000
    env = app_runs.environment(url)
    if "closed" in modes:
        closed_loop(url, env, count)
    if "paced" in modes:
        paced(url, env, count)


if __name__ == "__main__":
    main()
