"""Benchmark: import a deterministic 50,000-row roll CSV into a fresh SQLite database; print seconds and peak RSS.

Run from the checkout: `.venv/bin/python bench/roll_import.py [rows]`. The target is 50,000 rows in at
most 10 s on SQLite.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = 50_000


def records(count: int):
    """Rows shaped like a large expropriation roll: many buildings, varied text, areas, kinds and offices."""
    rng = random.Random(SEED)
    for i in range(count):
        yield {
            "certificate_no": f"沪房地浦字(20{i % 20:02d})第{i:07d}号",
            "holder_names": rng.choice("王李张刘陈杨黄赵吴周") + rng.choice("建国秀英伟芳敏静丽强"),
            "owner_id": f"310115{1940 + i % 60}0101{i % 1000:03d}{i // 1000 % 10}",
            "kind": "单位" if i % 97 == 0 else "居民",
            "office": f"第{i % 4 + 1}征收事务所",
            "subdistrict": ("塘桥街道", "潍坊新村街道", "洋泾街道")[i % 3],
            "phone": f"139{rng.randrange(10**8):08d}",
            "contact_status": "失联" if i % 50 == 0 else "正常",
            "building": f"{i // 120 + 1}号楼",
            "dwelling": f"{i % 120 // 20 + 1}-{i % 20 // 2 + 1}0{i % 2 + 1}",
            "stairwell": str(i % 120 // 20 + 1),
            "floor": i % 20 // 2 + 1,
            "registered_area": Decimal(rng.randrange(4500, 11000)) / 100,
            "surveyed_area": Decimal(rng.randrange(4500, 11000)) / 100 if i % 3 == 0 else None,
        }


async def run(count: int, var_dir: Path) -> None:
    from tracker import db
    from tracker.accounts.actor import SYSTEM
    from tracker.register import rollfile, services
    from tracker.register.kinds import ProjectKind
    from tracker.register.schemas import ProjectIn

    with contextlib.redirect_stdout(io.StringIO()):  # Piccolo reports every migration
        await db.migrate()
    await db.start()
    project = await services.create_project(
        SYSTEM, ProjectIn(code="BENCH", name="基准", kind=ProjectKind.expropriation_parcel)
    )
    path = var_dir / "roll.csv"
    path.write_bytes(rollfile.roll_csv(records(count)))
    data = path.read_bytes()

    started = time.perf_counter()
    report = await services.import_roll(SYSTEM, project.id, data, path.name)
    elapsed = time.perf_counter() - started
    await db.stop()

    assert report.imported == count, report
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux
    print(f"roll_import_rows={count}")
    print(f"roll_import_file_mb={len(data) / 2**20:.1f}")
    print(f"roll_import_50k_s={elapsed:.2f}")
    print(f"roll_import_peak_rss_mb={peak_mb:.0f}")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    var_dir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    # Settings are read once, so the environment is fixed before tracker is imported.
    os.environ["TRACKER_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite'}"
    os.environ["PICCOLO_CONF"] = "piccolo_conf"
    os.environ["SCHEDULER_ENABLED"] = "false"
    sys.path.insert(0, str(ROOT))
    try:
        asyncio.run(run(count, var_dir))
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
