"""One decision per resource: a second contractor, a resident and finance are refused (403) another
organisation's notice, reply, stop-work order, resumption order, issue and photo, on the page, in the
API, as a PDF and through the generic `/api/v1/documents/{id}/pdf`; lists and counts (notices, stop-work
orders, stop status, dashboard, ledger and its CSV/XLSX/PDF) never include them; the contractor they are
addressed to still reads them all; the verification page gives details only to a reader."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.integration.inspections.helpers import API, file_issue, in_days, issue_notice, png, upload
from tests.support import _HASH, PASSWORD
from tracker.accounts.actor import SYSTEM
from tracker.accounts.roles import OrganisationKind, Role
from tracker.accounts.services import create_organisation, create_user
from tracker.documents.services import get_document
from tracker.documents.tables import IssuedDocument

pytestmark = pytest.mark.asyncio

OURS = "甲单位外墙渗漏东立面"  # text of Builder Co's records
THEIRS = "乙单位楼梯扶手松动"  # text of Other Builder's records
OUTSIDERS = ["contractor2", "resident", "finance"]


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()


def _stop(world, org_id: int, **overrides) -> dict:
    body = {"addressed_org_id": org_id, "scope": "building", "building_id": world.building, "cause": "major_hazard",
            "cause_details": OURS, "effective_at": _now(), "requirements": "整改后报验。", "issue_ids": [],
            "owner_consent_by": "建设单位 王经理", "owner_consent_at": _now()}
    body.update(overrides)
    return body


async def _scene(world, client_for) -> dict:
    """Builder Co gets a closed notice with its reply form, a resumed stop-work order with its resumption
    order, a project-wide stop in force and a photographed issue; Other Builder (a second contractor of
    the same project) gets one issue and one partial stop of its own."""
    other = await create_organisation(SYSTEM, name="Other Builder", kind=OrganisationKind.contractor)
    world.orgs["Other Builder"] = other
    await create_user(SYSTEM, username="contractor2", display_name="Contractor 2", password=PASSWORD,
                      password_hash=_HASH, role=Role.contractor, organisation_id=other, project_ids=[world.project])
    chief, contractor = await client_for("chief"), await client_for("contractor")

    issue = await file_issue(chief, world, description=OURS)
    photo = (await upload(chief, issue["id"], png())).json()
    notice = await issue_notice(chief, world, [issue["id"]], subject=OURS)
    replied = await contractor.post(f"{API}/notices/{notice['id']}/replies",
                                    json={"items": [{"issue_id": issue["id"], "explanation": OURS}]})
    assert replied.status_code == 201, replied.text
    assert (await chief.post(f"{API}/issues/{issue['id']}/verify", json={"opinion": "合格"})).status_code == 200
    reply_document = (await IssuedDocument.select(IssuedDocument.id).where(IssuedDocument.kind == "notice_reply"))[0]

    open_issue = await file_issue(chief, world, description=OURS + "二")
    resumed = (await chief.post(f"{API}/projects/{world.project}/stop-work",
                                json=_stop(world, world.orgs["Builder Co"]))).json()
    ordered = await chief.post(f"{API}/stop-work/{resumed['id']}/resume",
                               json={"resume_at": _now(), "owner_consent_by": "王经理", "owner_consent_at": _now()})
    assert ordered.status_code == 201, ordered.text
    in_force = await chief.post(f"{API}/projects/{world.project}/stop-work",
                                json=_stop(world, world.orgs["Builder Co"], scope="project", building_id=None))
    assert in_force.status_code == 201, in_force.text

    their_issue = await file_issue(chief, world, description=THEIRS, responsible_org_id=other)
    theirs = await chief.post(f"{API}/projects/{world.project}/stop-work", json=_stop(
        world, other, scope="part", building_id=None, part="楼梯间", cause_details=THEIRS,
        issue_ids=[their_issue["id"]]))
    assert theirs.status_code == 201, theirs.text
    return {
        "issue": issue, "open_issue": open_issue, "photo": photo, "notice": notice,
        "reply_document": reply_document["id"], "resumed": ordered.json(), "in_force": in_force.json(),
        "their_issue": their_issue, "theirs": theirs.json(),
    }


def _reads(s: dict) -> list[str]:
    """Every way of reading Builder Co's records: API, page, PDF and the generic document PDF."""
    notice, resumed, stop = s["notice"], s["resumed"], s["in_force"]
    return [
        f"{API}/issues/{s['issue']['id']}",
        f"/inspections/issues/{s['issue']['id']}",
        f"{API}/photos/{s['photo']['id']}",
        f"{API}/photos/{s['photo']['id']}?thumb=1",
        f"{API}/notices/{notice['id']}",
        f"/inspections/notices/{notice['id']}",
        f"{API}/notices/{notice['id']}/pdf",
        f"{API}/notices/{notice['id']}/reply.pdf",
        f"/api/v1/documents/{notice['document_id']}/pdf",
        f"/api/v1/documents/{s['reply_document']}/pdf",
        f"{API}/stop-work/{resumed['id']}",
        f"/inspections/stop-work/{resumed['id']}",
        f"{API}/stop-work/{resumed['id']}/pdf",
        f"{API}/stop-work/{resumed['id']}/resumption.pdf",
        f"/api/v1/documents/{resumed['document_id']}/pdf",
        f"/api/v1/documents/{resumed['resumption_document_id']}/pdf",
        f"{API}/stop-work/{stop['id']}",
        f"/api/v1/documents/{stop['document_id']}/pdf",
    ]


async def test_another_organisations_records_are_refused_everywhere_and_their_own_are_not(world, client_for):
    s = await _scene(world, client_for)
    failures = []
    for who in OUTSIDERS:
        client = await client_for(who)
        for path in _reads(s):
            response = await client.get(path)
            if response.status_code != 403 or OURS in response.text:
                failures.append(f"{who} GET {path}: {response.status_code}")
    owner = await client_for("contractor")
    for path in _reads(s):
        response = await owner.get(path)
        if response.status_code != 200:
            failures.append(f"contractor GET {path}: {response.status_code}")
    assert not failures, "\n".join(failures)


async def test_a_second_contractor_reads_its_own_records_and_unknown_ids_are_404(world, client_for):
    s = await _scene(world, client_for)
    contractor2 = await client_for("contractor2")
    theirs = s["theirs"]
    for path in [f"{API}/issues/{s['their_issue']['id']}", f"{API}/stop-work/{theirs['id']}",
                 f"/inspections/stop-work/{theirs['id']}", f"{API}/stop-work/{theirs['id']}/pdf",
                 f"/api/v1/documents/{theirs['document_id']}/pdf"]:
        assert (await contractor2.get(path)).status_code == 200, path
    contractor = await client_for("contractor")
    for path in [f"{API}/issues/{s['their_issue']['id']}", f"{API}/stop-work/{theirs['id']}",
                 f"/api/v1/documents/{theirs['document_id']}/pdf"]:
        assert (await contractor.get(path)).status_code == 403, path
    for path in [f"{API}/notices/999999", f"{API}/stop-work/999999", "/api/v1/documents/999999/pdf",
                 "/inspections/notices/999999"]:
        assert (await contractor2.get(path)).status_code == 404, path


async def test_lists_and_counts_never_include_another_organisations_records(world, client_for):
    s = await _scene(world, client_for)
    contractor2 = await client_for("contractor2")
    project = world.project

    assert (await contractor2.get(f"{API}/projects/{project}/notices")).json() == []
    orders = (await contractor2.get(f"{API}/projects/{project}/stop-work")).json()
    assert [o["id"] for o in orders] == [s["theirs"]["id"]]
    status = (await contractor2.get(f"{API}/projects/{project}/stop-status")).json()
    # Builder Co's project-wide stop does not stop Other Builder's work, nor is it shown to it.
    assert [o["id"] for o in status["orders"]] == [s["theirs"]["id"]] and not status["project_stopped"]
    issues = (await contractor2.get(f"{API}/projects/{project}/issues")).json()
    assert [i["id"] for i in issues["items"]] == [s["their_issue"]["id"]] and issues["total"] == 1
    assert issues["items"][0]["stopped"] is False

    dashboard = (await contractor2.get(f"{API}/projects/{project}/dashboard")).json()
    assert {r["responsible_org"] for r in dashboard["rows"]} == {"Other Builder"}
    assert [o["id"] for o in dashboard["stop"]["orders"]] == [s["theirs"]["id"]]
    ledger = (await contractor2.get(f"{API}/projects/{project}/ledger")).json()
    assert [i["id"] for i in ledger["items"]] == [s["their_issue"]["id"]]
    assert {c["responsible_org"] for c in ledger["counts"]} == {"Other Builder"}
    # Asking for Builder Co's issues by filter gives nothing either.
    filtered = await contractor2.get(f"{API}/projects/{project}/ledger",
                                     params={"responsible_org_id": world.orgs["Builder Co"]})
    assert filtered.json()["items"] == [] and filtered.json()["counts"] == []

    exported = await contractor2.get(f"{API}/projects/{project}/ledger.csv")
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and THEIRS in rows[1][6] and OURS not in exported.content.decode("utf-8-sig")
    book = load_workbook(io.BytesIO((await contractor2.get(f"{API}/projects/{project}/ledger.xlsx")).content))
    cells = [str(c) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row]
    assert THEIRS in cells and not any(OURS in c or "Builder Co" == c for c in cells)
    pdf = (await contractor2.get(f"{API}/projects/{project}/ledger.pdf")).content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "乙单位" in text and "甲单位" not in text

    for path in [f"/projects/{project}/inspections", f"/projects/{project}/inspections/inbox",
                 f"/projects/{project}/inspections/stop-work", f"/projects/{project}/inspections/ledger",
                 f"/projects/{project}/inspections/issues", f"/projects/{project}"]:
        page = await contractor2.get(path)
        assert page.status_code == 200, path
        assert s["notice"]["number"] not in page.text and s["in_force"]["number"] not in page.text, path
        assert s["resumed"]["number"] not in page.text and OURS not in page.text, path

    # The contractor they are addressed to sees its own in the same lists.
    contractor = await client_for("contractor")
    assert [n["id"] for n in (await contractor.get(f"{API}/projects/{project}/notices")).json()] == [s["notice"]["id"]]
    own = {o["id"] for o in (await contractor.get(f"{API}/projects/{project}/stop-work")).json()}
    assert own == {s["resumed"]["id"], s["in_force"]["id"]}
    assert (await contractor.get(f"{API}/projects/{project}/stop-status")).json()["project_stopped"]


async def test_residents_and_finance_see_no_inspection_lists_and_finance_sees_only_that_work_is_stopped(
        world, client_for):
    s = await _scene(world, client_for)
    project = world.project
    for who in ["resident", "finance"]:
        client = await client_for(who)
        for suffix in ["notices", "stop-work", "issues", "dashboard", "ledger", "ledger.csv", "ledger.xlsx",
                       "ledger.pdf"]:
            assert (await client.get(f"{API}/projects/{project}/{suffix}")).status_code == 403, (who, suffix)
        for path in ["inspections", "inspections/stop-work", "inspections/ledger", "inspections/inbox"]:
            assert (await client.get(f"/projects/{project}/{path}")).status_code == 403, (who, path)
    finance = await client_for("finance")
    status = (await finance.get(f"{API}/projects/{project}/stop-status")).json()
    assert status["stopped"] and status["project_stopped"] and status["orders"] == []
    assert s["in_force"]["number"] not in (await finance.get(f"/projects/{project}")).text
    resident = await client_for("resident")
    assert (await resident.get(f"{API}/projects/{project}/stop-status")).status_code == 403
    # A resident's pages start at /my; the project page is for project workers.
    page = await resident.get(f"/projects/{project}")
    assert page.status_code == 403 and s["in_force"]["number"] not in page.text
    home = await resident.get("/my")
    assert home.status_code == 200 and s["in_force"]["number"] not in home.text


async def test_verification_tells_anyone_the_status_and_only_a_reader_the_details(world, client_for):
    s = await _scene(world, client_for)
    chief = await client_for("chief")
    voided = await chief.post(f"{API}/notices/{s['notice']['id']}/void", json={"reason": OURS})
    assert voided.status_code == 409  # a closed notice stays; void the in-force stop's document instead
    # Nor is a notice voided around its own rule (issuing organisation, issues returned) by the document route.
    for who in ["manager", "admin"]:
        around = await (await client_for(who)).post(f"/api/v1/documents/{s['notice']['document_id']}/void",
                                                    json={"reason": OURS})
        assert around.status_code == 409 and around.json()["rule"] == "void_through_notice", who
    assert (await get_document(s["notice"]["document_id"]))["status"] == "current"
    token = (await get_document(s["in_force"]["document_id"]))["verify_token"]
    assert len(token) >= 22  # 128 random bits, url-safe: not guessable like the ids
    assert (await chief.post(f"/api/v1/documents/{s['in_force']['document_id']}/void",
                             json={"reason": OURS})).status_code == 200
    public = {"number", "issued_at", "status", "snapshot_sha256"}
    for who in [None, *OUTSIDERS]:
        client = await client_for(who)
        answer = (await client.get(f"/api/v1/verify/{token}")).json()
        assert answer["status"] == "voided" and answer["number"] == s["in_force"]["number"], who
        assert not answer["details"] and all(answer[k] is None for k in answer if k not in public | {"details"}), who
        page = await client.get(f"/verify/{token}")
        assert page.status_code == 200 and s["in_force"]["number"] in page.text and OURS not in page.text, who
    for who in ["contractor", "manager"]:
        client = await client_for(who)
        answer = (await client.get(f"/api/v1/verify/{token}")).json()
        assert answer["details"] and answer["void_reason"] == OURS and answer["title"] == "工程暂停令", who
        assert OURS in (await client.get(f"/verify/{token}")).text, who


async def test_a_residents_defect_report_is_theirs_alone(world, client_for):
    await create_user(SYSTEM, username="resident2", display_name="Resident 2", password=PASSWORD, password_hash=_HASH,
                      role=Role.resident, household_id=world.households[1], project_ids=[world.project])
    resident = await client_for("resident")
    report = await resident.post(f"{API}/projects/{world.project}/reports",
                                 json={"description": OURS, "location": "3楼"})
    assert report.status_code == 201, report.text
    photo = await resident.post(f"{API}/reports/{report.json()['id']}/photos",
                                files={"file": ("p.png", png(), "image/png")})
    assert photo.status_code == 201, photo.text
    for who in ["resident2", "contractor", "finance"]:
        client = await client_for(who)
        assert (await client.get(f"{API}/reports/{report.json()['id']}")).status_code == 403, who
        assert (await client.get(f"{API}/photos/{photo.json()['id']}")).status_code == 403, who
    other = await client_for("resident2")
    assert (await other.get(f"{API}/projects/{world.project}/reports")).json() == []
    assert (await resident.get(f"{API}/reports/{report.json()['id']}")).status_code == 200
    inspector = await client_for("inspector")
    assert [r["id"] for r in (await inspector.get(f"{API}/projects/{world.project}/reports")).json()] == [
        report.json()["id"]]


async def test_consultation_documents_are_for_register_readers_of_the_project(world, client_for):
    from tests.integration.consultations.helpers import draft, make_roll, open_consultation

    manager = await client_for("manager")
    _, building_id = await make_roll(world.project, [{"cert": "A1", "area": "70", "owner": "a1"}])
    c = await open_consultation(manager, world.project, draft(scope="building", building_id=building_id,
                                                              title=OURS))
    paths = [f"/api/v1/consultations/{c['id']}/{p}" for p in
             ["publicity.pdf", "voting-letters.pdf", "results", "results.csv", "results.xlsx", "roll"]]
    for who in ["contractor", "resident", "outsider"]:
        client = await client_for(who)
        for path in paths:
            assert (await client.get(path)).status_code == 403, (who, path)
    # Before its results are published, the public page does not show what the consultation is.
    anonymous = await client_for(None)
    page = await anonymous.get(f"/public/consultations/{c['id']}")
    assert page.status_code == 404 and OURS not in page.text
    assert (await manager.get(f"/api/v1/consultations/{c['id']}/publicity.pdf")).status_code == 200
