"""A real server stopping in the middle of a background export: a graceful stop marks its job failed at
once; after a kill -9 the next server's start marks it failed once its heartbeat is stale. Neither is
left 'running'."""

import contextlib
import datetime as dt

import httpx

from tests.integration.consultations.helpers import draft, make_roll, open_consultation
from tests.live import AppProcess
from tests.support import PASSWORD
from tracker import clock
from tracker.export_jobs import services
from tracker.export_jobs.tables import ExportJob

ROLL = [{"cert": f"R{n:03d}", "area": "70", "owner": f"r{n}"} for n in range(1, 41)]


async def _start_letters(base: str, consultation_id: int) -> int:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        login = await client.post("/api/v1/auth/login", json={"username": "staff", "password": PASSWORD})
        assert login.status_code == 200, login.text
        started = await client.post(f"/api/v1/consultations/{consultation_id}/voting-letters",
                                    headers={"x-csrftoken": client.cookies["csrftoken"]})
        assert started.status_code == 202, started.text
        return started.json()["id"]


@contextlib.asynccontextmanager
async def _server():
    # A server's start (imports, migrations checked, PDF forkserver) is slow on a busy machine.
    app = AppProcess()
    try:
        yield await app.ready(seconds=180)
    finally:
        app.stop()


async def _status(job_id: int) -> dict:
    return (await ExportJob.select(ExportJob.status, ExportJob.error).where(ExportJob.id == job_id))[0]


async def test_a_stopped_server_leaves_no_job_running(world, client_for):
    manager = await client_for("manager")
    _, building_id = await make_roll(world.project, ROLL)
    c = await open_consultation(manager, world.project, draft(scope="building", building_id=building_id))

    async with _server() as app:
        job_id = await _start_letters(app.base, c["id"])
        app.stop()  # SIGTERM: the lifespan's end cancels the job and marks it
    assert await _status(job_id) == {"status": "failed", "error": services.INTERRUPTED}

    async with _server() as app:
        job_id = await _start_letters(app.base, c["id"])
        app.kill9()  # no lifespan end: the row still says so
        assert (await _status(job_id))["status"] in ("queued", "running")
    # Its heartbeat stops; once it is stale, the next server's start marks it.
    await ExportJob.update({ExportJob.heartbeat_at: clock.now() - dt.timedelta(seconds=services.STALE_SECONDS + 1)}
                           ).where(ExportJob.id == job_id)
    async with _server():
        assert await _status(job_id) == {"status": "failed", "error": services.INTERRUPTED}
