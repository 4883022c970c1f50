"""Benchmark: load the demo (`make run`'s first start) into a fresh SQLite database; print the seconds it
takes in all and per part (register, handover, funding, inspections, consultations) and the peak RSS.

Run from the checkout: `.venv/bin/python bench/demo_load.py`.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


async def run() -> None:
    from tracker import db, demo

    with contextlib.redirect_stdout(io.StringIO()):  # Piccolo reports every migration
        await db.migrate()
    await db.start()
    started = time.perf_counter()
    await demo.load_demo()
    elapsed = time.perf_counter() - started
    await db.stop()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(f"demo_load_s={elapsed:.2f}")
    for part, seconds in demo.TIMINGS.items():
        print(f"demo_load_{part}_s={seconds:.2f}")
    print(f"demo_load_peak_rss_mb={peak_mb:.0f}")


def main() -> None:
    var_dir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    os.environ["TRACKER_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite'}"
    os.environ["PICCOLO_CONF"] = "piccolo_conf"
    os.environ["SCHEDULER_ENABLED"] = "false"
    sys.path.insert(0, str(ROOT))
    try:
        asyncio.run(run())
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
