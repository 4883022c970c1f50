"""Benchmark: a one-page 监理通知单 through tracker.documents (worker process) against bare WeasyPrint.

Run from the checkout: `.venv/bin/python bench/notice_pdf.py [runs]`. Prints `notice_pdf_ms_median=<n>`
and `bare_weasyprint_ms_median=<n>`; target ≤ 150 ms median and within 1.3× of bare. Without
libharfbuzz-subset0 WeasyPrint embeds whole CJK fonts and takes seconds per page. The PDF measured is
checked for what a notice must carry (A4, Noto CJK only, number, page count, QR caption, signature
line), and the load average is printed: the figures are only as quiet as the machine.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TRACKER_VAR_DIR", tempfile.mkdtemp(prefix="bench-notice-"))
os.environ.setdefault("SECRET_KEY", "bench")

CONTEXT = {
    "project_name": "梅园新村综合改造",
    "number": "P1-JLTZ-2026-001",
    "title": "监理通知单",
    "series": "supervision",
    "addressee": "上海某建设工程有限公司",
    "issuer": "上海某工程监理有限公司",
    "subject": "外墙渗漏整改",
    "content": "经现场检查，发现下列问题，违反《建筑装饰装修工程质量验收标准》的有关规定，请按要求整改。",
    "requirements": "查明渗漏原因，凿除空鼓部位，重做防水层并做淋水试验，整改完成后报项目监理机构复查。",
    "deadline": "2026年11月30日",
    "date": "2026年11月23日",
    "chief_required": False,
    "verify_url": "http://127.0.0.1:8000/verify/bench-token",
    "issues": [
        {"place": f"1号楼 东立面 {n}层窗下", "category": "外墙渗漏", "severity": "general",
         "description": "窗台下墙面渗水，内墙面涂料起皮", "photos": []}
        for n in range(2, 6)
    ],
}


def _bare(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=str(ROOT / "templates")).write_pdf()


def check(pdf: bytes) -> int:
    """The notice as printed: fail the bench rather than time a PDF that lost its content."""
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    for n, page in enumerate(reader.pages, 1):
        assert [round(float(x)) for x in page.mediabox[2:]] == [595, 842], "A4 portrait"
        fonts = [f.get_object()["/BaseFont"] for f in page["/Resources"]["/Font"].values()]
        assert fonts and all("Noto-S" in f and "CJK" in f for f in fonts), fonts
        text = page.extract_text().replace("\n", "")
        assert CONTEXT["number"] in text and f"第 {n} 页 / 共 {len(reader.pages)} 页" in text, text
    text = reader.pages[0].extract_text().replace("\n", "")
    for field in ("扫码核验", "监理通知单", CONTEXT["subject"], "（签字）", "（盖章）"):
        assert field in text, field
    return len(reader.pages)


async def main(runs: int) -> None:
    from tracker.documents import render

    html = render.render_html("inspections/print/notice.html", CONTEXT)
    for _ in range(2):  # warm both: fonts, the worker processes
        await render.render_pdf("inspections/print/notice.html", CONTEXT)
        _bare(html)
    ours, bare = [], []
    for _ in range(runs):
        start = time.perf_counter()
        pdf = await render.render_pdf("inspections/print/notice.html", CONTEXT)
        ours.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        _bare(html)
        bare.append((time.perf_counter() - start) * 1000)
    render.shutdown()
    pages = check(pdf)
    print(f"pages={pages} runs={runs} load={' '.join(f'{n:.2f}' for n in os.getloadavg())}")
    print(f"notice_pdf_ms_median={statistics.median(ours):.1f}")
    print(f"bare_weasyprint_ms_median={statistics.median(bare):.1f}")
    print(f"ratio={statistics.median(ours) / statistics.median(bare):.2f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 15))
