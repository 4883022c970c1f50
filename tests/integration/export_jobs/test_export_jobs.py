"""Long documents in the background: started with 202, progress readable while the parts are made in
the PDF workers, the file served once done to exactly the readers of the original export, and a job
whose server stopped never left 'running'."""

import asyncio
import datetime as dt
import io
import re

from pypdf import PdfReader

from tests.integration.consultations.helpers import draft, make_roll, open_consultation
from tests.support import _HASH, PASSWORD
from tracker.accounts.actor import SYSTEM
from tracker.accounts.roles import OrganisationKind, Role
from tracker.accounts.services import create_organisation, create_user
from tracker import clock
from tracker.audit.tables import AuditRecord
from tracker.consultations import exports, services as consultations
from tracker.export_jobs import services
from tracker.export_jobs.tables import ExportJob

ROLL = [{"cert": f"J{n:02d}", "area": "70", "owner": f"j{n}"} for n in range(1, 8)]


async def _open(world, client_for) -> dict:
    manager = await client_for("manager")
    _, building_id = await make_roll(world.project, ROLL)
    return await open_consultation(manager, world.project, draft(scope="building", building_id=building_id))


async def _until_finished(client, url: str, seconds: float = 120) -> list[dict]:
    seen = []
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        job = (await client.get(url)).json()
        seen.append(job)
        if job["status"] in ("done", "failed"):
            return seen
        await asyncio.sleep(0.2)
    raise AssertionError(f"the job did not finish: {seen[-1]}")


async def test_letters_are_made_in_the_background_in_parts_with_progress(world, client_for, monkeypatch):
    c = await _open(world, client_for)
    monkeypatch.setattr(exports, "LETTERS_PER_PART", 2)  # 7 titles: 4 parts, so progress moves
    staff = await client_for("staff")
    started = await staff.post(f"/api/v1/consultations/{c['id']}/voting-letters")
    assert started.status_code == 202, started.text
    job = started.json()
    assert started.headers["location"] == job["url"] == f"/api/v1/export-jobs/{job['id']}"
    assert job["total"] == 7 and job["status"] in ("queued", "running") and job["file_url"] is None
    seen = await _until_finished(staff, job["url"])
    final = seen[-1]
    assert final["status"] == "done", final
    assert final["done"] == final["total"] == 7
    assert all(a["done"] <= b["done"] for a, b in zip(seen, seen[1:]))
    file = await staff.get(final["file_url"])
    assert file.status_code == 200 and file.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(file.content))
    assert len(reader.pages) == 7
    # The parts are joined in roll order: page n holds the n-th title's code.
    codes = [letter["code"] for letter in await consultations.voting_letters(c["id"])]
    for page, code in zip(reader.pages, codes):
        assert code in re.sub(r"\s+", "", page.extract_text())
    record = (await AuditRecord.select(AuditRecord.actor_id, AuditRecord.payload)
              .where(AuditRecord.action == "export.start", AuditRecord.entity_id == str(job["id"])))
    assert record and record[0]["actor_id"] == world.users["staff"]


async def test_only_the_readers_of_the_original_export_see_a_job_and_its_file(world, client_for):
    c = await _open(world, client_for)
    staff = await client_for("staff")
    job = (await _until_finished(staff, (await staff.post(f"/api/v1/consultations/{c['id']}/voting-letters")).json()["url"]))[-1]
    assert job["status"] == "done"
    # A second street office's staff (the same kind of organisation, another project), community staff of
    # another project, and roles the letters are not for.
    rival = await create_organisation(SYSTEM, name="Other Street Office", kind=OrganisationKind.subdistrict)
    await create_user(SYSTEM, username="staff2", display_name="Staff2", password=PASSWORD, password_hash=_HASH,
                      role=Role.community_staff, organisation_id=rival, project_ids=[world.other_project])
    for username in ("staff2", "outsider", "inspector", "contractor", "resident"):
        client = await client_for(username)
        for url in (job["url"], f"{job['url']}/file", job["page_url"]):
            assert (await client.get(url)).status_code == 403, (username, url)
        assert (await client.post(f"/api/v1/consultations/{c['id']}/voting-letters")).status_code == 403
    assert (await (await client_for(None)).get(job["url"])).status_code == 401
    page = await staff.get(job["page_url"])
    assert page.status_code == 200 and f'href="{job["file_url"]}"' in page.text
    assert "http-equiv=\"refresh\"" not in page.text  # finished: the page stops refreshing
    missing = await staff.get("/api/v1/export-jobs/999999")
    assert missing.status_code == 404


async def test_a_draft_has_no_letters_and_an_unfinished_job_has_no_file(world, client_for):
    manager = await client_for("manager")
    created = await manager.post(f"/api/v1/projects/{world.project}/consultations", json=draft())
    staff = await client_for("staff")
    refused = await staff.post(f"/api/v1/consultations/{created.json()['id']}/voting-letters")
    assert refused.status_code == 409 and refused.json()["rule"] == "consultation_status"
    assert not await ExportJob.exists()
    job = (await staff.post(f"/api/v1/consultations/{(await _open(world, client_for))['id']}/voting-letters")).json()
    early = await staff.get(f"{job['url']}/file")
    assert early.status_code in (200, 409)  # 409 export_not_done unless the 7 letters were already made
    if early.status_code == 409:
        assert early.json()["rule"] == "export_not_done"
    await _until_finished(staff, job["url"])


async def test_a_job_whose_server_stopped_is_failed_not_running_forever(world, client_for):
    c = await _open(world, client_for)
    staff = await client_for("staff")
    # A job another process was making when it died: its heartbeat stopped long ago.
    stale = (await ExportJob.insert(ExportJob(
        kind=exports.LETTERS_KIND, project=world.project, subject_id=c["id"], status="running", total=7, done=2,
        filename="x.pdf", runner="gone:1:0", heartbeat_at=clock.now() - dt.timedelta(seconds=services.STALE_SECONDS + 5),
    )).returning(ExportJob.id))[0]["id"]
    job = (await staff.get(f"/api/v1/export-jobs/{stale}")).json()
    assert job["status"] == "failed" and job["error"] == services.INTERRUPTED
    # This server stopping: its own running job is cancelled and marked failed at once.
    started = (await staff.post(f"/api/v1/consultations/{c['id']}/voting-letters")).json()
    await services.stop_running()
    job = (await staff.get(started["url"])).json()
    assert job["status"] in ("failed", "done")  # done only if it finished before the stop
    if job["status"] == "failed":
        assert job["error"] == services.INTERRUPTED
    assert await AuditRecord.exists().where(AuditRecord.action == "export.interrupted")


async def test_the_staff_page_starts_the_letters_and_shows_their_progress(world, client_for):
    c = await _open(world, client_for)
    staff = await client_for("staff")
    page = await staff.get(f"/consultations/{c['id']}")
    assert f'action="/consultations/{c["id"]}/voting-letters"' in page.text
    started = await staff.post(f"/consultations/{c['id']}/voting-letters", data={})
    assert started.status_code == 303
    job_page = started.headers["location"]
    assert re.fullmatch(r"/exports/\d+", job_page)
    job_id = int(job_page.rsplit("/", 1)[1])
    shown = await staff.get(job_page)
    assert shown.status_code == 200 and "<progress" in shown.text
    await _until_finished(staff, f"/api/v1/export-jobs/{job_id}")
    detail = await staff.get(f"/consultations/{c['id']}")
    assert f'href="/exports/{job_id}"' in detail.text and f'href="/api/v1/export-jobs/{job_id}/file"' in detail.text
