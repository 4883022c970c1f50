"""Benchmark: the handover packs (交房确认书 + 住宅质量保证书 table + settlement) of a 3,000-unit batch as PDFs.

Run from the checkout: `.venv/bin/python bench/handover_pack.py [units] [budget_s]`. It builds the batch
in a throwaway SQLite database (or BENCH_DATABASE_URL, a THROWAWAY PostgreSQL database whose schema is
dropped), every unit handed over with meter readings and some defects noted, then prints the batch's
packs as the bulk path does (`exports.batch_packs_pdf`: each chunk's packs issued as the app issues
them, number, frozen snapshot and audit record, one transaction per chunk, while the chunks before it
are laid out, one document per chunk, in the render pool's worker processes; then joined). Prints
`handover_packs_s=<n>` (target ≤ 120 s) with the load average, the workers' and the main process's CPU
seconds and the main process's seconds preparing the parts (`prepare_s`: reading and issuing their
packs; `bench/pack_issuing.py` measures issuing alone); gives up after the budget (default 900 s). The
result is checked: two pages per pack, the first pack's number, warranty table and holder, and the
fonts of its pages are listed.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("TRACKER_VAR_DIR", tempfile.mkdtemp(prefix="bench-packs-"))
os.environ.setdefault("SECRET_KEY", "bench")
if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
else:
    os.environ.pop("DATABASE_URL", None)


async def build(count: int) -> list[int]:
    import datetime as dt
    from decimal import Decimal

    from tally import _bulk

    from tests.support import prepare_database
    from tracker.accounts.actor import SYSTEM
    from tracker.accounts.roles import OrganisationKind
    from tracker.accounts.services import create_organisation
    from tracker.handover import services
    from tracker.handover.kinds import MissedSlot, OrderMethod
    from tracker.handover.schemas import BatchIn, BuildingIn, TermsIn
    from tracker.handover.tables import BuildingMilestone, Entitlement, HandoverRecord, Selection, Unit, WarrantyClaim
    from tracker.register import services as register
    from tracker.register.kinds import ProjectKind
    from tracker.register.schemas import BuildingIn as RegisterBuildingIn, ProjectIn
    from tracker.register.tables import Dwelling, Household

    with contextlib.redirect_stdout(io.StringIO()):
        await prepare_database()
    project = (await register.create_project(SYSTEM, ProjectIn(code="PACK", name="顾村安置房基地三期",
                                                                kind=ProjectKind.resettlement_housing))).id
    contractor = await create_organisation(SYSTEM, name="沪安建筑工程有限公司", kind=OrganisationKind.contractor)
    await services.set_terms(SYSTEM, project, TermsIn(
        quota_m2_per_person=Decimal("30"), base_price_fen=4_000_00, tier1_m2=Decimal("15"), tier2_m2=Decimal("30"),
        tier2_factor=Decimal("1.5"), shortfall_price_fen=3_000_00, order_method=OrderMethod.signing,
        missed_slot=MissedSlot.to_end))
    buildings = [(await register.add_building(SYSTEM, project, RegisterBuildingIn(name=f"三期 {n}号楼", floors=26))).id
                 for n in range(1, count // 156 + 2)]
    batch = (await services.create_batch(SYSTEM, project, BatchIn(name="第三批", planned_on=dt.date(2026, 6, 30)))).id
    for b in buildings:
        await services.add_building(SYSTEM, batch, BuildingIn(building_id=b, contractor_org_id=contractor))
    await _bulk(BuildingMilestone, ["building", "milestone", "actual_on"],
                [(b, "completion_accepted", "2026-03-20") for b in buildings])
    where = [(buildings[n // 156], f"{n % 156 // 6 + 1}{n % 6 + 1:02d}") for n in range(count)]
    area = [Decimal(8000 + n * 37 % 3000) / 100 for n in range(count)]
    await _bulk(Dwelling, ["id", "project", "building", "number", "stairwell", "contract_area"],
                [(n + 1, project, *where[n], "1", str(area[n])) for n in range(count)])
    await _bulk(Unit, ["id", "project", "dwelling", "building", "layout", "floor", "orientation", "contract_area",
                       "surveyed_area", "status", "idle_reason"],
                [(n + 1, project, n + 1, where[n][0], "两室一厅", n % 156 // 6 + 1, "南", str(area[n]),
                  str(area[n] + Decimal(n % 7 - 3) / 10), "handed_over", "") for n in range(count)])
    await _bulk(Household, ["id", "project", "certificate_no", "holder_names", "owner_key", "kind", "office",
                            "subdistrict", "phone", "contact_status", "strategy", "created_at"],
                [(n + 1, project, f"沪房地宝字(2001)第{n + 1:06d}号", "王建国、李秀英", f"o{n}", "resident", "", "", "",
                  "reachable", "", "2026-01-01T00:00:00+00:00") for n in range(count)])
    await _bulk(Entitlement, ["id", "project", "household", "persons", "quota_area", "compensation_fen",
                              "units_allowed", "signed_at", "units_selected", "selection_order"],
                [(n + 1, project, n + 1, 3, "90.00", 2_000_000_00, 1, "2025-06-01T00:00:00+00:00", 1, n + 1)
                 for n in range(count)])
    await _bulk(Selection, ["id", "project", "entitlement", "unit", "selected_at", "price_difference_fen",
                            "true_up_fen"],
                [(n + 1, project, n + 1, n + 1, "2026-03-25T02:00:00+00:00", 0, 0) for n in range(count)])
    await _bulk(HandoverRecord, ["id", "selection", "handed_at", "keys", "water_reading", "electricity_reading",
                                 "gas_reading", "acknowledged", "note"],
                [(n + 1, n + 1, "2026-04-10T02:00:00+00:00", 3, "1.25", "12.50", "0.80", True, "")
                 for n in range(count)])
    await _bulk(WarrantyClaim, ["project", "unit", "part", "description", "reported_on", "in_warranty", "reason",
                                "contractor", "at_handover"],
                [(project, n + 1, "fit_out", "主卧墙面空鼓", "2026-04-10", True, "交房时现场记录", contractor, True)
                 for n in range(0, count, 10)])
    return list(range(1, count + 1))


async def run(count: int, budget: float) -> None:
    from pypdf import PdfReader

    from tracker import db
    from tracker.accounts.actor import SYSTEM
    from tracker.documents import render
    from tracker.handover import exports
    from tracker.handover.tables import DeliveryBatch

    await db.start()
    await build(count)
    batch = (await DeliveryBatch.select(DeliveryBatch.id))[0]["id"]
    render.pool()  # the workers start and warm up before the clock starts
    await asyncio.sleep(3)
    chunks: list[float] = []
    # The main process's seconds in the parts' `prepare` (read the part's packs, issue the missing ones):
    # the time the event loop spends on issuing while the workers render, on the same cores.
    prepared: list[float] = []
    chunk_packs = exports._chunk_packs

    async def timed_chunk_packs(*args):
        began = time.perf_counter()
        try:
            return await chunk_packs(*args)
        finally:
            prepared.append(time.perf_counter() - began)

    exports._chunk_packs = timed_chunk_packs
    started = time.perf_counter()

    def progress(done: int, total: int) -> None:
        chunks.append(time.perf_counter() - started)

    cpu_before = _workers_cpu(render)
    main_cpu_before = time.process_time()  # this process's threads (SQLite's too), not the workers
    pdf = await asyncio.wait_for(exports.batch_packs_pdf(SYSTEM, batch, progress), budget)
    elapsed = time.perf_counter() - started
    # The workers' own CPU seconds: on a shared machine the wall time says as much about the neighbours.
    worker_cpu = _workers_cpu(render) - cpu_before
    main_cpu = time.process_time() - main_cpu_before
    render.shutdown()
    await db.stop()
    reader = PdfReader(io.BytesIO(pdf))
    first = "".join(reader.pages[i].extract_text() for i in range(2)).replace(" ", "").replace("\n", "")
    assert len(reader.pages) == 2 * count, len(reader.pages)
    assert "PACK-JFQR-" in first and "住宅质量保证书" in first and "王建国" in first, first[:300]
    fonts = sorted({str(f.get_object()["/BaseFont"]) for page in reader.pages[:2]
                    for f in (page["/Resources"].get("/Font") or {}).values()})
    load = os.getloadavg()
    print(f"packs={count} pages={len(reader.pages)} chunks={len(chunks)} chunk_size={exports.PACKS_PER_CHUNK} "
          f"workers={render.WORKERS} issued_and_first_chunk_s={chunks[0]:.1f} prepare_s={sum(prepared):.1f} "
          f"seconds={elapsed:.1f} "
          f"mb={len(pdf) / 1e6:.1f} workers_cpu_s={worker_cpu:.0f} main_cpu_s={main_cpu:.1f} load_avg_1m_5m={load[0]:.1f}/{load[1]:.1f}")
    print(f"fonts={','.join(fonts)}")
    print(f"handover_packs_s={elapsed:.0f}")


def _workers_cpu(render) -> float:
    """User + system CPU seconds of the render pool's live workers (from /proc; 0 where it is missing)."""
    total = 0.0
    for worker in list(render.pool().workers):
        try:
            fields = Path(f"/proc/{worker.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    budget = float(sys.argv[2]) if len(sys.argv) > 2 else 900.0
    asyncio.run(run(count, budget))


if __name__ == "__main__":
    main()
