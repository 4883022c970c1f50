"""Seeds and inspects the fault tests' own database in a separate process; prints one JSON line.

`python -m tests.faults.driver COMMAND [ARG]` with DATABASE_URL naming the fault cluster's database
(the test process itself stays bound to the suite's database). Commands:
  prepare          empty schema, migrations, the tests' small world (users, projects)
  storm-seed N     prepare, then a project of N titles and an open consultation; prints its codes
  storm-check C    counted receipts, doubles, tally drift and the audit chain of consultation C
  counts           rows per table and the audit head
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import json
import sys
from decimal import Decimal

ITEMS = 3


async def _prepare() -> dict:
    from tests.support import build_world, empty_database, prepare_database

    with contextlib.redirect_stdout(io.StringIO()):  # Piccolo reports every migration
        await prepare_database()
    await empty_database()
    world = await build_world()
    return {"project": world.project, "households": world.households}


async def _bulk(table, columns: list[str], rows: list[tuple]) -> None:
    for start in range(0, len(rows), 2000):
        chunk = rows[start : start + 2000]
        values = ", ".join("(" + ", ".join(f"'{v}'" if isinstance(v, str) else str(v) for v in row) + ")"
                           for row in chunk)
        await table.raw(f'INSERT INTO "{table._meta.tablename}" ({", ".join(columns)}) VALUES {values}')


async def _storm_seed(count: int) -> dict:
    from tracker.accounts.actor import SYSTEM
    from tracker.consultations import services
    from tracker.consultations.kinds import ConsultationKind, ItemClass
    from tracker.consultations.schemas import ConsultationIn, ItemIn
    from tracker.register import services as register
    from tracker.register.kinds import ProjectKind
    from tracker.register.schemas import BuildingIn, ProjectIn
    from tracker.register.tables import Dwelling, Holding, Household

    await _prepare()
    project = await register.create_project(SYSTEM, ProjectIn(code="STORM", name="故障", kind=ProjectKind.retrofit))
    building = await register.add_building(SYSTEM, project.id, BuildingIn(name="1号楼"))
    # Written directly (as bench/vote_storm.py does): thousands of titles one service call at a time
    # would cost the suite more time than the storm itself.
    first = 1000
    ids = range(first, first + count)
    await _bulk(Dwelling, ["id", "project", "building", "number", "stairwell", "registered_area"],
                [(n, project.id, building.id, f"S{n}", "1", 60 + n % 40) for n in ids])
    await _bulk(Household, ["id", "project", "certificate_no", "holder_names", "owner_key", "kind", "office",
                            "subdistrict", "phone", "contact_status", "strategy", "created_at"],
                [(n, project.id, f"C{n:06d}", "某", f"o{n}", "resident", "", "", "", "reachable", "",
                  "2026-11-23T00:00:00+00:00") for n in ids])
    await _bulk(Holding, ["household", "dwelling"], [(n, n) for n in ids])
    for table in ("dwelling", "household", "holding"):
        await Household.raw(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
    now = dt.datetime.now(dt.timezone.utc)
    c = await services.create_consultation(SYSTEM, project.id, ConsultationIn(
        title="改造菜单", kind=ConsultationKind.retrofit_menu, rule_key="art278_major",
        opens_at=now - dt.timedelta(minutes=1), closes_at=now + dt.timedelta(hours=1),
        items=[ItemIn(description=f"事项{n}", item_class=ItemClass.basic, estimated_cost=Decimal("1000"))
               for n in range(ITEMS)],
    ))
    opened = await services.open_consultation(SYSTEM, c.id)
    codes = [letter["code"] for letter in await services.voting_letters(c.id)]
    return {"consultation": c.id, "items": [i.id for i in opened.items], "codes": codes}


async def _storm_check(consultation_id: int) -> dict:
    from tracker import audit
    from tracker.consultations import tally
    from tracker.consultations.tables import BallotSheet

    c = int(consultation_id)
    counted = await BallotSheet.raw(
        f"SELECT receipt_no FROM ballot_sheet WHERE consultation = {c} AND status = 'counted'")
    double_sheets = await BallotSheet.raw(
        f"SELECT roll_entry FROM ballot_sheet WHERE consultation = {c} AND status = 'counted' "
        "GROUP BY roll_entry HAVING COUNT(*) > 1")
    double_rows = await BallotSheet.raw(
        f"SELECT roll_entry FROM counted_ballot WHERE consultation = {c} GROUP BY roll_entry HAVING COUNT(*) > {ITEMS}")
    audited = await BallotSheet.raw("SELECT COUNT(*) AS n FROM audit_record WHERE action LIKE 'ballot.%'")
    sheets = await BallotSheet.raw(f"SELECT COUNT(*) AS n FROM ballot_sheet WHERE consultation = {c}")
    drift = await tally.cells_drift(c)
    chain = await audit.verify()
    return {
        "counted": sorted(r["receipt_no"] for r in counted),
        "double": len(double_sheets) + len(double_rows),
        "ballots_audited": int(audited[0]["n"]),
        "sheets": int(sheets[0]["n"]),
        "drift": [repr(d) for d in drift],
        "audit_ok": chain.ok,
        "audit_checked": chain.checked,
    }


async def _counts() -> dict:
    from tests.support import _data_tables
    from tracker.audit.tables import AuditHead

    tables = {}
    for table in _data_tables():
        rows = await AuditHead.raw(f'SELECT COUNT(*) AS n FROM "{table}"')
        tables[table] = int(rows[0]["n"])
    head = await AuditHead.raw("SELECT seq, hash FROM audit_head")
    return {"tables": tables, "audit_head": [[int(h["seq"]), h["hash"]] for h in head]}


async def main(command: str, *args: str) -> None:
    from tracker import db

    await db.start()
    try:
        if command == "prepare":
            result = await _prepare()
        elif command == "storm-seed":
            result = await _storm_seed(int(args[0]))
        elif command == "storm-check":
            result = await _storm_check(int(args[0]))
        elif command == "counts":
            result = await _counts()
        else:
            raise SystemExit(f"unknown command {command}")
    finally:
        await db.stop()
    print(json.dumps(result))


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:]))
