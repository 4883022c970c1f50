"""The app as a real process: uvicorn on a free loopback port, on the test database.

Browser tests, the API fuzzing, the PDF worker lifecycle, the rate limits across processes and the
fault suite all need a server they can reach over a socket (and some of them kill); they start it here.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class AppProcess:
    """One app process. `cli=True` starts it as an operator does (`tracker serve`, with its own
    uvicorn options); `log` collects its output; `own_group` puts it in a process group of its own, so
    `stop()` also ends whatever it started (PDF workers) however it died."""

    def __init__(self, *, env: dict[str, str] | None = None, cli: bool = False, log: Path | None = None,
                 own_group: bool = False) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self.own_group = own_group
        if cli:
            argv = ["-m", "tracker.cli", "serve", "--no-demo", "--port", str(self.port)]
        else:
            argv = ["-m", "uvicorn", "tracker.app:create_app", "--factory", "--host", "127.0.0.1",
                    "--port", str(self.port), "--log-level", "warning", "--no-access-log"]
        output = log.open("wb") if log else subprocess.DEVNULL
        try:
            self.process = subprocess.Popen(
                [sys.executable, *argv], cwd=ROOT,
                env={**os.environ, "SCHEDULER_ENABLED": "false", **(env or {})},
                stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT if log else None,
                start_new_session=own_group,
            )
        finally:
            if log:
                output.close()

    @property
    def pid(self) -> int:
        return self.process.pid

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:] if self.log_path else ""

    def _check_alive(self) -> None:
        if self.process.poll() is not None:
            raise RuntimeError(f"the app process exited with {self.process.returncode}:\n{self.log()}")

    async def ready(self, seconds: float = 90) -> AppProcess:
        """Wait until /health answers 200 (a start on a machine under heavy load has taken over 30 s; the
        process is checked alive at every try, so a dead start still fails at once)."""
        deadline = time.monotonic() + seconds
        async with httpx.AsyncClient() as client:
            while time.monotonic() < deadline:
                self._check_alive()
                with contextlib.suppress(httpx.TransportError):
                    if (await client.get(f"{self.base}/health", timeout=2)).status_code == 200:
                        return self
                await asyncio.sleep(0.1)
        raise RuntimeError(f"the app on port {self.port} did not answer /health within {seconds} s:\n{self.log()}")

    def wait_ready(self, seconds: float = 90) -> AppProcess:
        """`ready` for synchronous callers."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._check_alive()
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.base}/health", timeout=2).status_code == 200:
                    return self
            time.sleep(0.1)
        raise RuntimeError(f"the app on port {self.port} did not answer /health within {seconds} s:\n{self.log()}")

    def kill9(self) -> None:
        os.kill(self.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """End it, however it is doing: SIGTERM, then SIGKILL; with `own_group`, its whole group too."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.own_group:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, signal.SIGKILL)


@contextlib.asynccontextmanager
async def serving(count: int = 1, **options) -> AsyncIterator[list[AppProcess]]:
    """`count` ready app processes, stopped on the way out."""
    apps = [AppProcess(**options) for _ in range(count)]
    try:
        for app in apps:
            await app.ready()
        yield apps
    finally:
        for app in apps:
            app.stop()
