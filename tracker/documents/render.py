"""HTML to PDF with WeasyPrint in worker processes, so the event loop keeps serving meanwhile."""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from typing import Any

import segno
from markupsafe import Markup

from tracker.settings import ROOT
from tracker.web.templating import document_environment

_pool: ProcessPoolExecutor | None = None
WORKERS = 2


def _html_to_pdf(html: str, base_url: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).write_pdf()


def _template_to_pdf(template: str, context: dict[str, Any]) -> bytes:
    return _html_to_pdf(render_html(template, context), str(ROOT / "templates"))


def pool() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        # forkserver: workers start from a clean process, not a copy of one holding DB connections.
        _pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("forkserver"))
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
    return document_environment().get_template(template).render(qr_svg=qr_svg, **context)


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
