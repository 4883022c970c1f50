"""Backup → restore round trip on PostgreSQL through the operator's commands (pg_dump / pg_restore):
every table's rows and the audit chain's head come back as they were."""

from __future__ import annotations

import asyncio
import os
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.support import _data_tables
from tracker import audit, db
from tracker.accounts.actor import SYSTEM
from tracker.register import services as register
from tracker.register.schemas import DwellingIn, HouseholdIn

pytestmark = pytest.mark.engines_only("postgres")

ROOT = Path(__file__).resolve().parents[2]
COMMAND_TIMEOUT_S = 120


async def tracker(*args: str) -> str:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tracker.cli", *args, cwd=ROOT, env=os.environ.copy(),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, stdin=asyncio.subprocess.DEVNULL,
    )
    try:
        out, _ = await asyncio.wait_for(process.communicate(), COMMAND_TIMEOUT_S)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0, out.decode()
    return out.decode()


async def snapshot() -> dict:
    engine = db.engine()
    rows = {}
    for table in _data_tables():
        rows[table] = (await engine.run_ddl(f'SELECT COUNT(*) AS n FROM "{table}"'))[0]["n"]
    head = await engine.run_ddl("SELECT seq, hash FROM audit_head")
    records = await engine.run_ddl("SELECT md5(string_agg(hash, '' ORDER BY seq)) AS chain FROM audit_record")
    return {"rows": rows, "head": [(h["seq"], h["hash"]) for h in head], "chain": records[0]["chain"]}


async def add_household(world, number: str) -> int:
    dwelling = await register.add_dwelling(SYSTEM, world.building, DwellingIn(
        number=number, stairwell="2", floor=3, registered_area=Decimal("70.00")))
    household = await register.create_household(SYSTEM, world.project, HouseholdIn(
        certificate_no=f"沪房地静字(2001)第{number}号", holder_names="赵六", owner_id=f"3101041970{number:0>8}",
        dwelling_ids=[dwelling.id]))
    return household.id


async def test_backup_then_restore_brings_back_every_row_and_the_audit_head(world, tmp_path):
    await add_household(world, "901")
    before = await snapshot()
    assert before["rows"]["household"] == 4 and before["head"][0][0] > 0

    backup = tmp_path / "tracker.dump"
    await tracker("db", "backup", str(backup))
    assert backup.stat().st_size > 0

    # Life goes on after the backup: more rows, more audit records, a changed name.
    await add_household(world, "902")
    await db.engine().run_ddl(f"UPDATE household SET holder_names = '被改动' WHERE id = {world.households[0]}")
    changed = await snapshot()
    assert changed["rows"]["household"] == 5 and changed["head"] != before["head"]

    await tracker("db", "restore", str(backup), "--yes")
    after = await snapshot()
    assert after == before
    assert (await audit.verify()).ok
    names = await db.engine().run_ddl(f"SELECT holder_names FROM household WHERE id = {world.households[0]}")
    assert names[0]["holder_names"] == "张三"
    # The restored sequences go on from where the backup was: a new write takes a fresh id.
    new_id = await add_household(world, "903")
    assert new_id > max(world.households) and (await audit.verify()).ok
