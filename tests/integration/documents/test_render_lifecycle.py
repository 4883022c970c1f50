"""PDF workers end with their server (clean stop and kill -9), and a PDF request whose client goes
away frees its worker. A real uvicorn process on the test database; processes are read from /proc."""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path

import httpx
import pytest

from inspections.tables import Issue
from tests.integration.inspections.helpers import API, file_issue
from tests.live import AppProcess
from tests.support import PASSWORD

LONG_LEDGER_ISSUES = 1024  # about 75 pages: seconds of layout


def _stat(pid: int) -> tuple[str, int] | None:
    """(state, parent pid) of a process, None when it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1])


def alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X")


def children(pid: int) -> set[int]:
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat is not None and stat[1] == pid and stat[0] not in ("Z", "X"):
                found.add(int(entry.name))
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def pdf_processes(server: int) -> tuple[int, set[int]]:
    """The server's forkserver and the PDF workers it forked."""
    [forkserver] = [p for p in children(server) if "multiprocessing.forkserver" in cmdline(p)]
    return forkserver, children(forkserver)


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


class Server(AppProcess):
    """The app, with the session cookies of its last login (the raw-socket request below needs them)."""

    cookies: dict[str, str] = {}

    async def login(self, username: str) -> httpx.AsyncClient:
        await self.ready()
        client = httpx.AsyncClient(base_url=self.base, timeout=120)
        response = await client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        self.cookies = dict(client.cookies)
        return client


@pytest.fixture
async def server(world):
    running = Server()
    yield running
    running.stop()


async def small_pdf(client: httpx.AsyncClient, project: int) -> bytes:
    response = await client.get(f"{API}/projects/{project}/ledger.pdf", params={"q": "只此一条"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF"), response.text
    return response.content


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "kill-9"])
async def test_workers_and_forkserver_end_with_the_server(world, client_for, server, how):
    await file_issue(await client_for("inspector"), world, description="只此一条")
    client = await server.login("inspector")
    # Two at once, so that both workers exist.
    await asyncio.gather(small_pdf(client, world.project), small_pdf(client, world.project))
    await client.aclose()
    forkserver, workers = pdf_processes(server.process.pid)
    assert len(workers) == 2 and all(alive(p) for p in workers)

    os.kill(server.process.pid, how)
    server.process.wait(timeout=20)
    assert await asyncio.to_thread(wait_until, lambda: not any(alive(p) for p in {forkserver, *workers}), 5), [
        (p, _stat(p), cmdline(p)[:80]) for p in {forkserver, *workers} if alive(p)]


async def test_a_worker_busy_with_a_long_document_ends_with_a_killed_server(world, client_for, server):
    await _many_issues(world, client_for)
    client = await server.login("inspector")
    await small_pdf(client, world.project)
    await client.aclose()
    forkserver, [worker] = pdf_processes(server.process.pid)
    connection = await long_ledger(server, world.project)
    assert await asyncio.to_thread(wait_until, lambda: _busy(worker), 30)

    os.kill(server.process.pid, signal.SIGKILL)
    server.process.wait(timeout=20)
    assert await asyncio.to_thread(wait_until, lambda: not alive(worker) and not alive(forkserver), 5)
    connection.close()


async def long_ledger(server: Server, project: int) -> asyncio.StreamWriter:
    """Ask for the long ledger on a raw connection, which the caller may close at any moment."""
    _, writer = await asyncio.open_connection("127.0.0.1", server.port)
    cookie = "; ".join(f"{k}={v}" for k, v in server.cookies.items())
    writer.write(f"GET {API}/projects/{project}/ledger.pdf HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                 f"Cookie: {cookie}\r\n\r\n".encode())
    await writer.drain()
    return writer


async def _many_issues(world, client_for) -> None:
    inspector = await client_for("inspector")
    await file_issue(inspector, world, description="只此一条")
    await file_issue(inspector, world, description="外墙渗漏，东立面三层窗下，" * 4)
    columns = ", ".join(f'"{c._meta.db_column_name}"' for c in Issue._meta.columns if c._meta.name != "id")
    while await Issue.count() < LONG_LEDGER_ISSUES:
        await Issue.raw(
            f"INSERT INTO issue ({columns}) SELECT {columns} FROM issue WHERE description <> '只此一条'")


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


async def test_a_pdf_request_whose_client_leaves_frees_its_worker(world, client_for, server):
    await _many_issues(world, client_for)
    client = await server.login("inspector")
    await small_pdf(client, world.project)
    _, [first] = pdf_processes(server.process.pid)

    # A long ledger, whose connection is closed while the worker lays it out.
    writer = await long_ledger(server, world.project)
    assert await asyncio.to_thread(wait_until, lambda: _busy(first), 30)
    writer.close()
    await writer.wait_closed()

    # The worker that was laying out the long ledger is killed and a fresh one takes its place.
    assert await asyncio.to_thread(wait_until, lambda: not alive(first), 5)
    assert await asyncio.to_thread(wait_until, lambda: len(pdf_processes(server.process.pid)[1]) == 1, 10)
    assert (await small_pdf(client, world.project)).startswith(b"%PDF")
    await client.aclose()


def _busy(pid: int, window: float = 0.5) -> bool:
    """The process used the CPU over the last half second (an idle worker uses none)."""
    before = cpu_ticks(pid)
    time.sleep(window)
    return cpu_ticks(pid) - before >= window * os.sysconf("SC_CLK_TCK") * 0.1
