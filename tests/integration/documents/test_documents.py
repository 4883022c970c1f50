"""Numbering, frozen snapshots, PDF rendering, voiding and public verification of documents."""

import asyncio
import datetime as dt
import io

import pytest
from pypdf import PdfReader

from tracker import clock
from tracker.accounts.actor import SYSTEM
from tracker.db import transaction
from tracker.documents import numbering, services
from tracker.documents.render import render_pdf
from tracker.documents.tables import IssuedDocument

pytestmark = pytest.mark.asyncio


async def _issue(project_id: int, series: str = "JTZ", body: str = "外墙渗漏，请于七日内整改。") -> dict:
    async with transaction():
        n = await numbering.next_number(project_id, series, 2026)
        return await services.issue_document(
            SYSTEM,
            project_id=project_id,
            kind="test_notice",
            series=series,
            number_text=f"{series}-2026-{n:03d}",
            title="监理通知单",
            template="documents/test_document.html",
            context={"project_name": "梅园新村综合改造", "body": body},
        )


async def test_numbers_are_consecutive_per_series_and_a_rollback_returns_the_number(world):
    first = await _issue(world.project)
    second = await _issue(world.project)
    other_series = await _issue(world.project, series="TGL")
    with pytest.raises(RuntimeError):
        async with transaction():
            await numbering.next_number(world.project, "JTZ", 2026)
            raise RuntimeError("issuing failed half way")
    third = await _issue(world.project)
    assert [first["number_text"], second["number_text"], third["number_text"]] == [
        "JTZ-2026-001", "JTZ-2026-002", "JTZ-2026-003"]
    assert other_series["number_text"] == "TGL-2026-001"


async def test_a_range_of_numbers_continues_the_series_with_no_gap_and_a_rollback_gives_it_back(world):
    """`next_numbers` takes consecutive numbers in two statements: after the numbers already issued,
    before the next single one; a rolled-back range is taken again by the next issuer."""
    from tracker import db

    first = await _issue(world.project)
    async with transaction():
        with db.recording() as sent:
            taken = await numbering.next_numbers(world.project, "JTZ", 2026, 3)
    assert list(taken) == [2, 3, 4] and len(sent) == 2
    with pytest.raises(RuntimeError):
        async with transaction():
            assert list(await numbering.next_numbers(world.project, "JTZ", 2026, 5)) == [5, 6, 7, 8, 9]
            raise RuntimeError("issuing failed half way")
    async with transaction():
        assert list(await numbering.next_numbers(world.project, "JTZ", 2026, 2)) == [5, 6]
        assert list(await numbering.next_numbers(world.project, "TGL", 2026, 2)) == [1, 2]  # its own series
    assert (await _issue(world.project))["number_text"] == "JTZ-2026-007"
    assert first["number_text"] == "JTZ-2026-001"
    with pytest.raises(ValueError):
        async with transaction():
            await numbering.next_numbers(world.project, "JTZ", 2026, 0)
    with pytest.raises(RuntimeError):
        await numbering.next_numbers(world.project, "JTZ", 2026, 2)


async def test_many_documents_are_issued_by_one_insert_each_answered_as_its_own(world, monkeypatch):
    """`issue_documents` writes a batch of documents with one multi-row INSERT (several when the
    bound-parameter limit is reached) and answers each document's own row, in the order given, as
    `issue_document` stores it: its number, kind, snapshot and hash, and a token of its own."""
    import hashlib
    import json

    from tracker import db

    def batch(start: int, count: int) -> list[services.NewDocument]:
        return [services.NewDocument(
            project_id=world.project, kind=f"test_notice.{n}", series="JTZ", number_text=f"JTZ-2026-{n:03d}",
            title="监理通知单", template="documents/test_document.html",
            context={"project_name": "梅园新村综合改造", "body": f"第{n}号楼外墙渗漏", "n": n})
            for n in range(start, start + count)]

    single = await _issue(world.project)
    for documents, inserts in ((batch(2, 5), 1), (batch(7, 5), 3)):
        async with transaction():
            with db.recording() as sent:
                answered = await services.issue_documents(SYSTEM, documents)
        assert len([s for s in sent if s.startswith("INSERT")]) == inserts
        assert len({a["verify_token"] for a in answered}) == len(documents)
        for document, row in zip(documents, answered, strict=True):
            assert row.keys() == single.keys()
            assert (row["kind"], row["number_text"]) == (document.kind, document.number_text)
            assert json.loads(row["snapshot"]) == document.context
            assert row["snapshot_sha256"] == hashlib.sha256(row["snapshot"].encode()).hexdigest()
            assert await services.get_document(row["id"]) == row
        # Two documents a statement: the second batch goes out as three INSERTs.
        monkeypatch.setattr(db, "MAX_PARAMETERS", 2 * len(IssuedDocument._meta.columns))


async def test_number_outside_a_transaction_is_refused(world):
    with pytest.raises(RuntimeError):
        await numbering.next_number(world.project, "JTZ", 2026)


async def test_pdf_renders_once_from_the_snapshot_and_never_changes(world):
    document = await _issue(world.project)
    pdf = await services.document_pdf(document["id"])
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "外墙渗漏" in text
    assert "JTZ-2026-001" in text
    assert "第 1 页 / 共 1 页" in text
    assert await services.document_pdf(document["id"]) == pdf


async def test_void_needs_a_reason_and_the_public_page_says_void(world, client_for):
    document = await _issue(world.project)
    successor = await _issue(world.project)
    anonymous = await client_for(None)
    token = document["verify_token"]
    assert (await anonymous.get(f"/api/v1/verify/{token}")).json()["status"] == "current"

    # A kind no domain claims is read (and voided) by admins only; inspection documents are tested with
    # their records in tests/integration/test_resource_access.py.
    chief = await client_for("admin")
    refused = await chief.post(f"/api/v1/documents/{document['id']}/void", json={"reason": ""})
    assert refused.status_code == 400
    voided = await chief.post(
        f"/api/v1/documents/{document['id']}/void", json={"reason": "部位写错", "superseded_by": successor["id"]}
    )
    assert voided.status_code == 200, voided.text
    again = await chief.post(f"/api/v1/documents/{document['id']}/void", json={"reason": "again"})
    assert again.status_code == 409

    verification = (await anonymous.get(f"/api/v1/verify/{token}")).json()
    assert verification["status"] == "voided" and verification["number"] == "JTZ-2026-001"
    assert not verification["details"] and verification["superseded_by"] is None
    assert verification["void_reason"] is None and verification["title"] is None
    page = await anonymous.get(f"/verify/{token}")
    assert "JTZ-2026-001" in page.text and "部位写错" not in page.text
    # The page gives the issue time as the site's wall time (TIME_ZONE), not the stored UTC.
    issued = dt.datetime.fromisoformat(verification["issued_at"])
    assert clock.local(issued).strftime("%Y-%m-%d %H:%M") in page.text
    detailed = (await chief.get(f"/api/v1/verify/{token}")).json()
    assert detailed["details"] and detailed["superseded_by"] == "JTZ-2026-002"
    assert detailed["void_reason"] == "部位写错" and detailed["title"] == "监理通知单"
    assert "部位写错" in (await chief.get(f"/verify/{token}")).text
    assert (await anonymous.get("/api/v1/verify/no-such-token")).status_code == 404


async def test_a_document_no_domain_claims_is_for_admins_only(world, client_for):
    document = await _issue(world.project)
    outsider = await client_for("outsider")
    assert (await outsider.get(f"/api/v1/documents/{document['id']}/pdf")).status_code == 403
    inspector = await client_for("inspector")
    refused = await inspector.get(f"/api/v1/documents/{document['id']}/pdf")
    assert refused.status_code == 403 and refused.json()["rule"] == "document_owner"
    admin = await client_for("admin")
    response = await admin.get(f"/api/v1/documents/{document['id']}/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"


async def test_rendering_runs_off_the_event_loop():
    """While PDFs render in worker processes, the loop keeps answering (ticks keep coming)."""
    ticks = 0

    async def ticker():
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    task = asyncio.create_task(ticker())
    started = dt.datetime.now()
    await asyncio.gather(*(render_pdf("documents/test_document.html", {"number": f"T-{i}", "body": "内容"}) for i in range(4)))
    elapsed = (dt.datetime.now() - started).total_seconds()
    task.cancel()
    # A blocked loop would tick about zero times; an unblocked one ticks about every 10 ms.
    assert ticks >= elapsed * 100 * 0.3


async def test_content_disposition_keeps_a_chinese_file_name():
    from tracker.documents.controllers import content_disposition

    header = content_disposition("监理通知单-001.pdf")
    assert header.startswith('attachment; filename="')
    assert header.encode("latin-1")  # an HTTP header must be encodable
    assert "filename*=UTF-8''%E7%9B%91" in header
