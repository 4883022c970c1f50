"""HTML to PDF with WeasyPrint in worker processes, so the event loop keeps serving meanwhile.

Each worker keeps one FontConfiguration and is warmed up at start (WeasyPrint imported, the Noto CJK
face loaded by Pango), so a request pays for its own layout only. The cyclic garbage collector runs
no full collection while a document is laid out (it would re-scan the growing box tree again and
again) and one after the answer is sent; what the warm-up loaded is frozen out of the collector's sight.

Workers end with the server (its lifespan, or the parent-death signal after a crash) and with the
request they work for: a cancelled render kills its worker, and a fresh one takes its place.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import forkserver
from multiprocessing.connection import Connection
from typing import Any

import segno
from markupsafe import Markup

from tracker.documents.fonts import font_face_css
from tracker.documents.lifeline import die_with_parent
from tracker.documents.stamps import SlotMisfit, Stamps, compose
from tracker.settings import ROOT
from tracker.web.templating import document_environment

log = logging.getLogger(__name__)

_CONTEXT = multiprocessing.get_context("forkserver")
_pool: _Pool | None = None
WORKERS = 2
STOP_SECONDS = 2  # a worker asked to stop (SIGTERM) is killed if still there after this
# The threads that hand jobs to the workers and wait for them; their own, so that twenty queued PDFs do
# not hold every thread of the loop's default executor, which password hashing and photos also need.
_DISPATCH = ThreadPoolExecutor(max_workers=64, thread_name_prefix="tracker-pdf-dispatch")
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


def _html_to_document(html: str, base_url: str = str(ROOT / "templates")):
    from weasyprint import HTML

    return HTML(string=html, base_url=base_url).render(font_config=_font_configuration())


def _html_to_pdf(html: str, base_url: str, stamps: Stamps | None = None) -> bytes:
    """The PDF of `html`, with the stamps its template placed drawn in."""
    threshold = gc.get_threshold()
    # A document's boxes, styles and Pango layouts live until the end and are all cyclic garbage
    # then; full collections while they pile up only re-scan them. Young collections still run.
    gc.set_threshold(threshold[0], threshold[1], 1_000_000)
    try:
        document = _html_to_document(html, base_url)
        if stamps is None or not stamps.placed:
            return document.write_pdf()
        return compose(document.write_pdf(), [page.anchors for page in document.pages], stamps.placed)
    finally:
        gc.set_threshold(*threshold)  # the full collection comes after the answer is sent (`_serve`)


def _template_to_pdf(template: str, context: dict[str, Any]) -> bytes:
    """A template may place stamps (tracker/documents/stamps.py); if one of their figures cannot be set
    over its block, the document is laid out without them (the template then includes its blocks)."""
    stamps = Stamps(render_html, _html_to_document)
    try:
        html = render_html(template, context, stamps)
    except SlotMisfit as misfit:
        log.warning("%s in %s: laid out without stamps", misfit, template)
        return _html_to_pdf(render_html(template, context), str(ROOT / "templates"))
    return _html_to_pdf(html, str(ROOT / "templates"), stamps)


def _warm_worker() -> None:
    """Pay for imports, fonts and the first layout before any request does."""
    try:
        _template_to_pdf(*_WARM_UP)
    except Exception:  # the worker still serves; a real document would then report the error
        log.exception("PDF worker warm-up failed")
    gc.collect()
    gc.freeze()


def _serve(conn: Connection) -> None:
    """A worker's life: warm up, then one job at a time from the pipe until it closes.

    Its parent is the forkserver, which ends with the server, so a worker busy with a layout gets
    SIGTERM then; an idle one sees the server's end of its pipe close."""
    die_with_parent()
    _warm_worker()
    while True:
        try:
            func, args = conn.recv()
        except EOFError:  # the server closed its end or died
            return
        try:
            reply = (True, func(*args))
        except Exception as exc:
            reply = (False, exc)
        try:
            conn.send(reply)
        except OSError:  # the server is gone, or gave up on this job
            return
        except Exception as exc:  # an exception that does not pickle
            conn.send((False, RuntimeError(f"PDF rendering failed: {reply[1]!r} ({exc!r})")))
        # The document's boxes are cyclic garbage now: collected once it has been answered (a tenth of
        # a 20-page ledger's time), not on the request's time. The pool hands the next job to the
        # worker idle longest, which has collected by then.
        reply = None
        gc.collect()


class _Worker:
    """One warm worker process and the server's end of its pipe."""

    def __init__(self) -> None:
        ours, theirs = _CONTEXT.Pipe()
        # forkserver: workers start from a clean process, not a copy of one holding DB connections.
        self.process = _CONTEXT.Process(target=_serve, args=(theirs,), name="tracker-pdf", daemon=True)
        self.process.start()
        theirs.close()
        self.conn = ours

    def stop(self) -> None:
        self.process.terminate()
        self.process.join(STOP_SECONDS)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class WorkerLost(RuntimeError):
    """The worker ended before answering: killed because its job was abandoned, or crashed."""


class _Job:
    def __init__(self, func: Callable[..., bytes], args: tuple) -> None:
        self.func, self.args = func, args
        self.worker: _Worker | None = None
        self.abandoned = False


class _Pool:
    """At most `size` warm workers, each doing one job at a time.

    Unlike a ProcessPoolExecutor, the pool knows which worker runs which job, so a job whose request
    went away is stopped by killing that one worker (a fresh one takes its place and warms up) while
    the other jobs go on; an executor's running job cannot be cancelled, and killing one of its
    workers breaks the whole pool. Jobs are handed over and awaited from threads, so a large context
    never blocks the event loop while it goes down the pipe.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self.lock = threading.Condition()
        self.idle: list[_Worker] = []
        self.workers: set[_Worker] = set()
        self.starting = 0
        self.closed = False

    def _take(self) -> _Worker:
        with self.lock:
            while True:
                if self.closed:
                    raise WorkerLost("the PDF workers are shut down")
                if self.idle:
                    return self.idle.pop(0)  # idle longest: done collecting its last job's garbage
                if len(self.workers) + self.starting < self.size:
                    self.starting += 1
                    break
                self.lock.wait()
        return self._start()

    def _start(self) -> _Worker:
        """A new worker, counted in `starting` by the caller until it runs, then among `workers`."""
        try:
            worker = _Worker()
        finally:
            with self.lock:
                self.starting -= 1
                self.lock.notify()
        with self.lock:
            self.workers.add(worker)
        return worker

    def _give_back(self, worker: _Worker) -> None:
        with self.lock:
            if not self.closed:
                self.idle.append(worker)
                self.lock.notify()
                return
        worker.stop()

    def _drop(self, worker: _Worker) -> None:
        """Stop a worker that is gone or must go, and start its replacement now, so that it warms up
        before the next request rather than on its time."""
        worker.stop()
        with self.lock:
            self.workers.discard(worker)
            if self.closed:
                return
            self.starting += 1
        try:
            fresh = self._start()
        except Exception:  # the next request tries again
            log.exception("could not start a PDF worker")
            return
        self._give_back(fresh)

    def run(self, job: _Job) -> bytes:
        """Blocking (in a thread): the job's result from a worker."""
        worker = self._take()
        with self.lock:
            if job.abandoned:
                self.idle.append(worker)
                self.lock.notify()
                raise WorkerLost("the job was abandoned before it started")
            job.worker = worker
        try:
            worker.conn.send((job.func, job.args))
            ok, value = worker.conn.recv()
        except (EOFError, OSError) as exc:
            self._drop(worker)
            raise WorkerLost("the PDF worker ended before answering") from exc
        self._give_back(worker)
        if not ok:
            raise value
        return value

    def abandon(self, job: _Job) -> None:
        """The awaiting request went away: free the worker running the job, if it started."""
        with self.lock:
            job.abandoned = True
            worker = job.worker
        if worker is not None:
            worker.process.kill()  # its thread sees the pipe close and puts a fresh worker in its place

    def close(self) -> None:
        with self.lock:
            self.closed = True
            workers = list(self.workers)
            self.idle.clear()
            self.lock.notify_all()
        for worker in workers:
            worker.stop()


def pool() -> _Pool:
    global _pool
    if _pool is None:
        # The forkserver ties itself to the thread that starts it: this one, the event loop's, which
        # lives as long as the server, rather than a worker thread of the loop's executor.
        _CONTEXT.set_forkserver_preload(["tracker.documents.forkserver_preload"])
        forkserver.ensure_running()
        _pool = _Pool(WORKERS)
    return _pool


def shutdown() -> None:
    """Stop every worker now (the app's lifespan end), busy or not; a later render starts a new pool."""
    global _pool
    if _pool is not None:
        _pool.close()
        _pool = None


async def _run(func: Callable[..., bytes], *args: Any) -> bytes:
    target = pool()
    job = _Job(func, args)
    try:
        return await asyncio.get_running_loop().run_in_executor(_DISPATCH, target.run, job)
    except asyncio.CancelledError:
        target.abandon(job)
        raise


def _join(parts: list[bytes]) -> bytes:
    from tracker.documents.joining import join

    joined = join(parts)  # the stamped parts, written by pypdf: copied as bytes, not parsed again
    return joined if joined is not None else pypdf_join(parts)


def pypdf_join(parts: list[bytes]) -> bytes:
    """The parts joined by pypdf (parsed, copied and written again): any PDF, at pypdf's pace."""
    import io

    from pypdf import PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


async def join_pdfs(parts: list[bytes]) -> bytes:
    """One PDF of several, pages in order (the parts of a long document rendered in several workers)."""
    return await _run(_join, parts)


def qr_png(text: str) -> str:
    """A QR code as a PNG data URI: one small image per page lays out faster than an inline SVG's many
    rectangles (a voting letter's code differs on every page)."""
    import base64
    import io

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=4, border=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def qr_svg(text: str) -> Markup:
    """An inline SVG QR code (for the public verification link on documents)."""
    return Markup(segno.make(text, error="m").svg_inline(scale=2, border=1))


def render_html(template: str, context: dict[str, Any], stamps: Stamps | None = None) -> str:
    """The document's HTML. With `stamps` (the worker's `_template_to_pdf`), the template may place
    repeated blocks and QR codes through `stamp(...)` and `qr_stamp(...)` (tracker/documents/stamps.py)."""
    extra = {"stamp": stamps.block, "qr_stamp": stamps.qr} if stamps is not None else {}
    return document_environment().get_template(template).render(
        qr_svg=qr_svg, qr_png=qr_png, font_face_css=font_face_css, **extra, **context)


async def html_to_pdf(html: str) -> bytes:
    return await _run(_html_to_pdf, html, str(ROOT / "templates"))


async def render_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a document template to PDF bytes, template and layout both in a worker process.

    Filling a long template is CPU work too (a 20-page ledger stalled the loop ~140 ms when it was
    done here), so the context travels to the worker, which must therefore be picklable.
    """
    return await _run(_template_to_pdf, template, context)
