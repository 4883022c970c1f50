"""Benchmark: a 20-page rectification ledger (整改台账) PDF, and the event loop while 20 PDFs render.

Run from the checkout: `.venv/bin/python bench/ledger_pdf.py`. Prints `ledger_pdf_pages=`,
`ledger_pdf_20_pages_s=` (target ≤ 2 s) and `loop_max_stall_ms=` (the longest the event loop went
without running a 10 ms ticker while 20 ledgers rendered: rendering happens in worker processes).
The timed PDF is checked (A4 landscape, Noto CJK only, number and 第 x 页 / 共 y 页 on every page) and the
load average is printed: the figures are only as quiet as the machine.
"""

from __future__ import annotations

import asyncio
import io
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TRACKER_VAR_DIR", tempfile.mkdtemp(prefix="bench-ledger-"))
os.environ.setdefault("SECRET_KEY", "bench")

ROWS_PER_PAGE_GUESS = 22


def context(rows: int) -> dict:
    return {
        "project_name": "梅园新村综合改造",
        "number": "P1-整改台账-2026-11-23",
        "title": "整改台账",
        "date": "2026年11月23日",
        "rows": [
            [n, f"P1-JLTZ-2026-{n // 3 + 1:03d}", f"{n % 12 + 1}号楼 东立面 {n % 6 + 1}层", "外墙渗漏", "质量",
             ("一般", "较大", "重大")[n % 3], "窗台下墙面渗水，内墙面涂料起皮，需查明原因后修复", "上海某建设工程有限公司",
             "2026-11-30", ("整改中", "待复查", "已销号")[n % 3], n % 3 + 1, "是" if n % 7 == 0 else "",
             "2026-11-01", ""]
            for n in range(rows)
        ],
        "counts": [{"org": "上海某建设工程有限公司", "status": s, "count": 100} for s in ("整改中", "待复查", "已销号")],
    }


def check(pdf: bytes, number: str) -> None:
    """The ledger as printed: fail the bench rather than time a PDF that lost its content."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    for n, page in enumerate(reader.pages, 1):
        assert [round(float(x)) for x in page.mediabox[2:]] == [842, 595], "A4 landscape"
        fonts = [f.get_object()["/BaseFont"] for f in page["/Resources"]["/Font"].values()]
        assert fonts and all("Noto-S" in f and "CJK" in f for f in fonts), fonts
        text = page.extract_text().replace("\n", "")
        assert number in text and f"第 {n} 页 / 共 {len(reader.pages)} 页" in text, text


def pages_of(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


async def main() -> None:
    from inspections.exports import render_ledger
    from tracker.documents import render

    rows = ROWS_PER_PAGE_GUESS * 20
    pdf = await render_ledger(context(rows))
    # Fit the row count so the ledger is 20 pages.
    for _ in range(6):
        pages = pages_of(pdf)
        if pages == 20:
            break
        rows = max(1, int(rows * 20 / pages) - (1 if pages > 20 else 0))
        pdf = await render_ledger(context(rows))
    times = []
    for _ in range(3):
        start = time.perf_counter()
        pdf = await render_ledger(context(rows))
        times.append(time.perf_counter() - start)
    check(pdf, context(rows)["number"])
    print(f"ledger_pdf_pages={pages_of(pdf)} rows={rows} load={' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    print(f"ledger_pdf_20_pages_s={statistics.median(times):.2f}")

    stalls: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.01)
            now = time.perf_counter()
            stalls.append((now - last - 0.01) * 1000)
            last = now

    tick = asyncio.create_task(ticker())
    start = time.perf_counter()
    await asyncio.gather(*[render_ledger(context(rows)) for _ in range(20)])
    elapsed = time.perf_counter() - start
    done.set()
    await tick
    render.shutdown()
    print(f"twenty_ledgers_s={elapsed:.1f} workers={render.WORKERS}")
    print(f"loop_max_stall_ms={max(stalls):.1f} loop_ticks={len(stalls)}")


if __name__ == "__main__":
    asyncio.run(main())
