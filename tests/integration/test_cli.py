"""The tracker command as an operator runs it: backup and restore, creating a user."""

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tracker.accounts.tables import User
from tracker.register.tables import Household

ROOT = Path(__file__).resolve().parents[2]


async def tracker(*args: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tracker.cli", *args, cwd=ROOT, env=os.environ.copy(),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, stdin=asyncio.subprocess.DEVNULL,
    )
    out, _ = await process.communicate()
    return process.returncode, out.decode()


@pytest.mark.engines_only("sqlite")
async def test_backup_and_restore_bring_back_the_data(world, tmp_path):
    backup = tmp_path / "tracker-backup.sqlite"
    code, output = await tracker("db", "backup", str(backup))
    assert code == 0, output
    await Household.update({Household.holder_names: "被改动"}).where(Household.id == world.households[2])
    code, output = await tracker("db", "restore", str(backup), "--yes")
    assert code == 0, output
    restored = await Household.select(Household.holder_names).where(Household.id == world.households[2])
    assert restored[0]["holder_names"] == "王五"


async def test_users_create_and_refusals_name_the_problem(world):
    code, output = await tracker("users", "create", "inspector2", "--role", "inspector", "--password", "long-enough-1")
    assert code == 0, output
    assert await User.exists().where(User.username == "inspector2")
    code, output = await tracker("users", "create", "inspector2", "--role", "inspector", "--password", "long-enough-1")
    assert code != 0 and "taken" in output
    code, output = await tracker("users", "create", "c2", "--role", "contractor", "--password", "long-enough-1")
    assert code != 0 and "organisation" in output
