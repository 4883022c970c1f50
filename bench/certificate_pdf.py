"""Benchmark: a payment certificate (工程款支付证书 A.0.8) with a 200-item schedule through
tracker.documents (worker process) against bare WeasyPrint, and the quality gate for a contractor with
10,000 issues.

Run from the checkout: `BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1:55432/postgres .venv/bin/python
bench/certificate_pdf.py [runs]`. Prints `certificate_pdf_ms_median=<n>` and `bare_weasyprint_ms_median=<n>`
(targets: ≤ 1000 ms and within 1.3× of bare) and `quality_gate_ms_median=<n>` (target ≤ 50 ms on
PostgreSQL). The gate part creates its own database next to the one named, fills it and drops it; without
BENCH_DATABASE_URL it runs on a temporary SQLite file (and says so). The PDF measured is checked for what
a certificate must carry (number and page x of y on every page, QR caption, seal and signature lines, the
last item).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["TRACKER_VAR_DIR"] = tempfile.mkdtemp(prefix="bench-certificate-")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
os.environ.pop("DATABASE_URL", None)  # never the database of the environment: our own, or a temporary SQLite
BASE = os.environ.get("BENCH_DATABASE_URL", "")
NAME = f"tracker_bench_gate_{os.getpid()}"
if BASE.startswith(("postgres://", "postgresql://")):
    from urllib.parse import urlsplit, urlunsplit

    _parts = urlsplit(BASE)
    os.environ["DATABASE_URL"] = urlunsplit((_parts.scheme, _parts.netloc, "/" + NAME, _parts.query, _parts.fragment))

ITEMS = 200
ISSUES = 10_000


def context() -> dict:
    from funding.payments import certificates
    from funding.payments.kinds import RetentionMode
    from funding.payments.services.certification import STEP_TEXT, yuan

    items, work = [], 0
    for n in range(1, ITEMS + 1):
        quantity, price = Decimal(100 + n), 1_000 + 37 * n
        amount = certificates.line_value(quantity, price)
        work += amount
        items.append({"code": f"0105{n:04d}", "name": f"清单项目{n} 钢筋混凝土构件", "unit": "m³",
                      "unit_price": yuan(price), "contract_quantity": str(quantity * 4), "previous": str(quantity),
                      "claimed": str(quantity), "approved": str(quantity), "to_date": str(quantity * 2),
                      "amount": yuan(amount), "cut_reason": "超出实际完成量" if n % 25 == 0 else ""})
    figures = certificates.certify(value_fen=work * 4, changes_fen=0, work_to_date_fen=work * 2,
                                   payment_ratio=Decimal("0.8"), retention_ratio=Decimal("0.03"),
                                   retention_mode=RetentionMode.per_certificate, previously_certified_fen=work // 2)
    return {
        "title": "工程款支付证书", "number": "P1-ZFZS-2026-001", "project_name": "梅园新村综合改造",
        "verify_url": "http://127.0.0.1:8000/verify/bench-token", "contract_code": "SG-2026-01",
        "contract_name": "1号楼综合改造施工", "contractor": "上海某建设工程有限公司", "scope": "1号楼、2号楼",
        "period": "2026-01-01 至 2026-01-31", "application_id": 1, "claimed": yuan(work), "applied": yuan(work),
        "approved": yuan(work), "payment_ratio": "80.00%", "retention_ratio": "3.00%",
        "retention_mode": "per_certificate", "items": items,
        "steps": [{"key": s.key, "label": s.label, "formula": s.formula, "amount_fen": s.amount_fen,
                   "text": STEP_TEXT[s.key], "amount": yuan(s.amount_fen)} for s in figures.steps],
        "certified": yuan(figures.certified_fen), "certified_upper": certificates.rmb_upper(figures.certified_fen),
        "stop_orders": [], "major_issues": [], "override_reason": "", "due_on": "2026-03-02", "date": "2026年1月31日",
    }


def _bare(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(ROOT / "templates")).write_pdf()


def check(pdf: bytes, ctx: dict) -> int:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    pages = len(reader.pages)
    for n, page in enumerate(reader.pages, 1):
        text = page.extract_text().replace("\n", "")
        assert ctx["number"] in text and f"第 {n} 页 / 共 {pages} 页" in text, text[:200]
    whole = "".join(p.extract_text().replace("\n", "") for p in reader.pages)
    for field in ("扫码核验", "工程款支付证书", "（盖章）", "（签字、加盖执业印章）", ctx["items"][-1]["code"],
                  ctx["certified_upper"]):
        assert field in whole, field
    return pages


async def pdf_figures(runs: int) -> None:
    from tracker.documents import render

    ctx = context()
    template = "payments/print/certificate.html"
    html = render.render_html(template, ctx)
    for _ in range(2):  # warm both: fonts, the worker processes
        await render.render_pdf(template, ctx)
        _bare(html)
    ours, bare = [], []
    for _ in range(runs):
        start = time.perf_counter()
        pdf = await render.render_pdf(template, ctx)
        ours.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        _bare(html)
        bare.append((time.perf_counter() - start) * 1000)
    render.shutdown()
    pages = check(pdf, ctx)
    print(f"items={ITEMS} pages={pages} runs={runs} load={' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    print(f"certificate_pdf_ms_median={statistics.median(ours):.1f}")
    print(f"bare_weasyprint_ms_median={statistics.median(bare):.1f}")
    print(f"ratio={statistics.median(ours) / statistics.median(bare):.2f}")


async def gate_figures(runs: int) -> None:
    from funding.payments.services import gate
    from funding.payments.tables import Contract, ContractBuilding
    from funding.tables import BudgetLine
    from inspections import services as inspections
    from inspections.tables import DefectCategory, Issue
    from tests.support import build_world, prepare_database
    from tracker import db
    from tracker.settings import get_settings

    await prepare_database()
    await db.start()
    try:
        world = await build_world()
        await inspections.ensure_catalogue()
        category = (await DefectCategory.select(DefectCategory.id).limit(1))[0]["id"]
        builder, supervisor = world.orgs["Builder Co"], world.orgs["Supervision Co"]
        statuses = ["verified"] * 6 + ["open", "rectifying", "submitted", "void"]
        severities = ["general"] * 7 + ["serious"] * 2 + ["major"]
        rows = [Issue(project=world.project, building=world.building if n % 3 else None, kind="quality",
                      category=category, severity=severities[n % 10], description=f"问题 {n}",
                      responsible_org=builder, inspecting_org=supervisor, deadline=dt.date(2026, 1, 1),
                      status=statuses[(n // 10) % 10], rejections=n % 3, filed_by=world.users["inspector"])
                for n in range(ISSUES)]
        for start in range(0, ISSUES, 1000):
            await Issue.insert(*rows[start:start + 1000])
        line = (await BudgetLine.insert(BudgetLine(project=world.project, category="construction", name="建安工程费",
                                                   use="construction", amount_fen=1)).returning(BudgetLine.id))[0]["id"]
        contract_id = (await Contract.insert(Contract(
            project=world.project, contractor_org=builder, code="SG-1", name="施工", value_fen=1,
            payment_ratio=Decimal("0.8"), retention_ratio=Decimal("0.03"), retention_mode="final_account",
            budget_line=line)).returning(Contract.id))[0]["id"]
        await ContractBuilding.insert(ContractBuilding(contract=contract_id, building=world.building))
        if db.is_postgres():
            await db.engine().run_ddl("ANALYZE")
        contract = (await Contract.select().where(Contract.id == contract_id))[0]
        for _ in range(3):
            found = await gate.findings(contract)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            found = await gate.findings(contract)
            times.append((time.perf_counter() - start) * 1000)
        print(f"engine={get_settings().engine} issues={ISSUES} major_open={len(found.major_issues)} "
              f"rejected_twice={len(found.rejected_twice)} runs={runs}")
        print(f"quality_gate_ms_median={statistics.median(times):.1f}")
    finally:
        await db.stop()


async def main(runs: int) -> None:
    await pdf_figures(runs)
    if "DATABASE_URL" not in os.environ:
        print("quality gate on a temporary SQLite file: set BENCH_DATABASE_URL for the PostgreSQL figure")
        await gate_figures(max(runs, 20))
        return
    import asyncpg

    admin = await asyncpg.connect(BASE)
    await admin.execute(f'CREATE DATABASE "{NAME}"')
    try:
        await gate_figures(max(runs, 20))
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{NAME}"')
        await admin.close()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 9))
