"""The money and schedule rules stay pure: importing them loads no database, ORM, web framework or tables."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
FORBIDDEN = ("litestar", "piccolo", "asyncpg", "aiosqlite", "tracker.db", "funding.tables", "funding.services")


def test_pure_funding_modules_import_nothing_of_the_database_or_the_web():
    # A fresh interpreter: in this one the test session has already imported the app.
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, funding.money, funding.schedules; print('\\n'.join(sys.modules))"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.split()
    offending = sorted(name for name in loaded if name.startswith(FORBIDDEN))
    assert not offending, offending
    assert "funding.schedules" in loaded
