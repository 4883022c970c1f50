"""Benchmark: the handover packs (交房确认书 + 住宅质量保证书 table + settlement) of a 3,000-unit batch as PDFs.

Run from the checkout: `.venv/bin/python bench/handover_pack.py [units] [budget_s]`. It builds the batch
in a throwaway SQLite database (or BENCH_DATABASE_URL, a THROWAWAY PostgreSQL database whose schema is
dropped), every unit handed over with meter readings and some defects noted, then issues and renders
each pack as the app does (`exports.issue_handover_pack`: number, frozen snapshot, audit record; then
`documents.document_pdf`: WeasyPrint in the render pool's worker processes), a few at a time so the pool
stays busy. Prints `handover_packs_s=<n>` (target ≤ 120 s) when every pack finished within the budget
(default 600 s); otherwise the packs done, the seconds per pack and `handover_packs_s_extrapolated=<n>`
for the whole batch, and says so. The first PDF is checked (two pages, the number, the warranty table).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import statistics
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
IN_FLIGHT = 4  # packs issued or rendering at once: enough to keep both workers busy


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
    from tracker.documents.services import document_pdf
    from tracker.handover import exports

    await db.start()
    selections = await build(count)
    render.pool()  # the workers start and warm up before the clock starts
    await asyncio.sleep(3)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for s in selections:
        queue.put_nowait(s)
    per_pack: list[float] = []
    issuing: list[float] = []
    first: list[bytes] = []
    started = time.perf_counter()
    deadline = started + budget

    async def lane() -> None:
        while time.perf_counter() < deadline:
            try:
                selection = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            t = time.perf_counter()
            document = await exports.issue_handover_pack(SYSTEM, selection)
            issuing.append(time.perf_counter() - t)
            pdf = await document_pdf(document.id)
            per_pack.append(time.perf_counter() - t)
            if not first:
                first.append(pdf)
                reader = PdfReader(io.BytesIO(pdf))
                text = "".join(p.extract_text() for p in reader.pages).replace(" ", "")
                assert len(reader.pages) == 2 and document.number in text and "住宅质量保证书" in text, text[:300]

    await asyncio.gather(*(lane() for _ in range(IN_FLIGHT)))
    elapsed = time.perf_counter() - started
    render.shutdown()
    await db.stop()
    done = len(per_pack)
    load = os.getloadavg()[0]
    print(f"packs={done}/{count} workers={render.WORKERS} in_flight={IN_FLIGHT} seconds={elapsed:.1f} "
          f"pack_median_s={statistics.median(per_pack):.3f} issue_median_s={statistics.median(issuing):.3f} s_per_pack={elapsed / done:.3f} load_avg_1m={load:.1f}")
    if done == count:
        print(f"handover_packs_s={elapsed:.0f}")
    else:
        print(f"handover_packs_s_extrapolated={elapsed / done * count:.0f} "
              f"(only {done} of {count} packs within the {budget:.0f} s budget; the rest extrapolated at the same rate)")


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    budget = float(sys.argv[2]) if len(sys.argv) > 2 else 600.0
    asyncio.run(run(count, budget))


if __name__ == "__main__":
    main()
