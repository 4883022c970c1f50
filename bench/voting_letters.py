"""Benchmark: 1,000 voting letters (one page each, with its code and its own QR code) as one PDF, made
the way staff get them: a background export job (`tracker.export_jobs`) rendering parts of
`LETTERS_PER_PART` letters across the PDF worker processes and joining them.

Run from the checkout: `.venv/bin/python bench/voting_letters.py [letters]`; a fresh SQLite database in a
temporary folder. Prints `voting_letters=<n> seconds=<s> pdf_bytes=<n> pages=<n>`, the seconds from the
job's start to its file being ready (workers warm, as in a running server); the target is ≤ 60 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import io
import os
import shutil
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


async def run(count: int) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from tally import _bulk  # the same bulk insert helper as the tally bench

    from tests.support import prepare_database
    from tracker import db
    from tracker.accounts.actor import SYSTEM
    from tracker.consultations import exports, services
    from tracker.consultations.kinds import ConsultationKind, ItemClass
    from tracker.consultations.schemas import ConsultationIn, ItemIn
    from tracker.documents import render
    from tracker.export_jobs import services as export_jobs
    from tracker.register import services as register
    from tracker.register.kinds import ProjectKind
    from tracker.register.schemas import BuildingIn, ProjectIn
    from tracker.register.tables import Dwelling, Holding, Household

    await db.start()
    with contextlib.redirect_stdout(io.StringIO()):
        await prepare_database()
    project = await register.create_project(SYSTEM, ProjectIn(code="LET", name="梅园新村", kind=ProjectKind.retrofit))
    building = await register.add_building(SYSTEM, project.id, BuildingIn(name="1号楼"))
    await _bulk(Dwelling, ["id", "project", "building", "number", "stairwell", "registered_area"],
                [(n, project.id, building.id, f"{n}", str(n % 6 + 1), 60 + n % 40) for n in range(1, count + 1)])
    await _bulk(Household, ["id", "project", "certificate_no", "holder_names", "owner_key", "kind", "office",
                            "subdistrict", "phone", "contact_status", "strategy", "created_at"],
                [(n, project.id, f"沪房地静字第{n:06d}号", "张三", f"o{n}", "resident", "", "", "", "reachable", "",
                  "2026-11-23T00:00:00+00:00") for n in range(1, count + 1)])
    await _bulk(Holding, ["household", "dwelling"], [(n, n) for n in range(1, count + 1)])
    now = dt.datetime.now(dt.timezone.utc)
    items = [ItemIn(description=d, item_class=ItemClass.basic, estimated_cost=Decimal("1200000"), resident_share=Decimal("3000"))
             for d in ("分户供热改造", "水表出户", "节能窗", "外墙保温", "加装电梯")]
    c = await services.create_consultation(SYSTEM, project.id, ConsultationIn(
        title="老旧小区改造菜单", kind=ConsultationKind.retrofit_menu, rule_key="art278_major", opens_at=now,
        closes_at=now + dt.timedelta(days=14), items=items))
    await services.open_consultation(SYSTEM, c.id)
    # A running server's PDF workers are warm before the first request; so are these.
    await asyncio.gather(*(render.render_pdf(*render._WARM_UP) for _ in range(render.WORKERS)))
    started = time.perf_counter()
    job = await export_jobs.start_export(SYSTEM, exports.LETTERS_KIND, c.id)
    while job.status not in ("done", "failed"):
        await asyncio.sleep(0.2)
        job = await export_jobs.get_job(job.id)
    elapsed = time.perf_counter() - started
    assert job.status == "done", job.error
    _, _, pdf = await export_jobs.job_file(job.id)
    render.shutdown()
    await db.stop()
    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    assert pdf.startswith(b"%PDF") and pages == count
    print(f"voting_letters={count} seconds={elapsed:.1f} pdf_bytes={len(pdf)} pages={pages}")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    var_dir = Path(tempfile.mkdtemp(prefix="tracker-bench-"))
    os.environ["TRACKER_VAR_DIR"] = str(var_dir)
    os.environ["DATABASE_URL"] = f"sqlite:///{var_dir / 'bench.sqlite'}"
    os.environ["PICCOLO_CONF"] = "piccolo_conf"
    os.environ["SCHEDULER_ENABLED"] = "false"
    os.environ.setdefault("SECRET_KEY", "bench-secret")
    sys.path.insert(0, str(ROOT))
    try:
        asyncio.run(run(count))
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
