"""HTML to PDF with WeasyPrint in worker processes, so the event loop keeps serving meanwhile.

Each worker keeps one FontConfiguration and is warmed up at start (WeasyPrint imported, the Noto CJK
face loaded by Pango), so a request pays for its own layout only. The cyclic garbage collector runs
no full collection while a document is laid out (it would re-scan the growing box tree again and
again) and one at the end; what the warm-up loaded is frozen out of the collector's sight.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import segno
from markupsafe import Markup

from tracker.documents.fonts import font_face_css
from tracker.settings import ROOT
from tracker.web.templating import document_environment

log = logging.getLogger(__name__)

_pool: ProcessPoolExecutor | None = None
WORKERS = 2
_font_config = None
# The first template rendered by a fresh worker, with text in the documents' CJK face.
_WARM_UP = ("documents/base.html", {"title": "预热", "number": "预热-0", "project_name": "预热",
                                    "verify_url": "http://localhost/verify/0"})


def _font_configuration():
    """The worker's FontConfiguration. A new one per document re-reads the fontconfig setup and has
    Pango open and parse the 26 MB Noto CJK collection again (tens of ms per PDF)."""
    global _font_config
    if _font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _font_config = FontConfiguration()
    return _font_config


def _html_to_pdf(html: str, base_url: str) -> bytes:
    from weasyprint import HTML

    threshold = gc.get_threshold()
    # A document's boxes, styles and Pango layouts live until the end and are all cyclic garbage
    # then; full collections while they pile up only re-scan them. Young collections still run.
    gc.set_threshold(threshold[0], threshold[1], 1_000_000)
    try:
        return HTML(string=html, base_url=base_url).write_pdf(font_config=_font_configuration())
    finally:
        gc.set_threshold(*threshold)
        gc.collect()


def _template_to_pdf(template: str, context: dict[str, Any]) -> bytes:
    return _html_to_pdf(render_html(template, context), str(ROOT / "templates"))


def _warm_worker() -> None:
    """Pool initializer: pay for imports, fonts and the first layout before any request does."""
    try:
        _template_to_pdf(*_WARM_UP)
    except Exception:  # the worker still serves; a real document would then report the error
        log.exception("PDF worker warm-up failed")
    gc.collect()
    gc.freeze()


def pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # forkserver: workers start from a clean process, not a copy of one holding DB connections.
        _pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("forkserver"),
                                    initializer=_warm_worker)
    return _pool


def shutdown() -> None:
    global _pool
    if _pool is not None:
        _pool.shutdown(wait=False, cancel_futures=True)
        _pool = None


def qr_svg(text: str) -> Markup:
    """An inline SVG QR code (for the public verification link on documents)."""
    return Markup(segno.make(text, error="m").svg_inline(scale=2, border=1))


def render_html(template: str, context: dict[str, Any]) -> str:
    return document_environment().get_template(template).render(qr_svg=qr_svg, font_face_css=font_face_css, **context)


async def html_to_pdf(html: str) -> bytes:
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(pool(), _html_to_pdf, html, str(ROOT / "templates"))


async def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a document template to PDF bytes, template and layout both in a worker process.

    Filling a long template is CPU work too (a 20-page ledger stalled the loop ~140 ms when it was
    done here), so the context travels to the worker, which must therefore be picklable.
    """
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(pool(), _template_to_pdf, template, context)
