"""The check–rectify–recheck loop through the JSON API: issues, notices, replies, rechecks, voiding."""

import pytest

from tests.integration.inspections.helpers import API, file_issue, in_days, issue_notice, jpeg, png, upload
from tracker.accounts.actor import SYSTEM
from tracker.accounts.roles import OrganisationKind, Role
from tracker.accounts.services import create_organisation, create_user

pytestmark = pytest.mark.asyncio


async def test_full_loop_from_filing_to_closing(world, client_for):
    inspector = await client_for("inspector")
    contractor = await client_for("contractor")
    issue = await file_issue(inspector, world)
    assert issue["status"] == "open" and issue["ball"] == "inspecting"
    assert issue["category_name"] == "外墙渗漏"
    assert (await upload(inspector, issue["id"], png())).status_code == 201

    notice = await issue_notice(inspector, world, [issue["id"]])
    assert notice["status"] == "issued"
    assert notice["number"].endswith("-001") and "-JLTZ-" in notice["number"]
    after = (await inspector.get(f"{API}/issues/{issue['id']}")).json()
    assert after["status"] == "rectifying" and after["ball"] == "contractor" and after["round"] == 1
    assert after["notice_number"] == notice["number"]

    inbox = (await contractor.get(f"{API}/projects/{world.project}/notices")).json()
    assert [n["id"] for n in inbox] == [notice["id"]]
    evidence = await upload(contractor, issue["id"], jpeg(), "fixed.jpg", "image/jpeg")
    assert evidence.status_code == 201 and evidence.json()["purpose"] == "evidence"
    reply = await contractor.post(
        f"{API}/notices/{notice['id']}/replies",
        json={"items": [{"issue_id": issue["id"], "explanation": "已凿除空鼓部位，重做防水层，淋水试验无渗漏。"}],
              "statement": "已按要求整改完毕。"},
    )
    assert reply.status_code == 201, reply.text
    assert reply.json()["items"][0]["photos"][0]["purpose"] == "evidence"
    submitted = (await inspector.get(f"{API}/issues/{issue['id']}")).json()
    assert submitted["status"] == "submitted" and submitted["ball"] == "inspecting"

    verified = await inspector.post(f"{API}/issues/{issue['id']}/verify", json={"opinion": "复查合格，同意销号。"})
    assert verified.status_code == 200, verified.text
    assert verified.json()["status"] == "verified" and verified.json()["ball"] == "nobody"
    closed = (await inspector.get(f"{API}/notices/{notice['id']}")).json()
    assert closed["status"] == "closed"
    assert closed["replies"][0]["items"][0]["opinion"] == "复查合格，同意销号。"
    timeline = [(e["action"], e["actor"]) for e in verified.json()["events"]]
    assert timeline == [("file", "Inspector"), ("notify", "Inspector"), ("submit", "Contractor"),
                        ("verify", "Inspector")]


async def test_reject_counts_the_round_and_needs_a_new_deadline(world, client_for):
    inspector = await client_for("inspector")
    contractor = await client_for("contractor")
    issue = await file_issue(inspector, world)
    notice = await issue_notice(inspector, world, [issue["id"]])
    await contractor.post(f"{API}/issues/{issue['id']}/submit", json={"explanation": "已修复"})
    no_deadline = await inspector.post(f"{API}/issues/{issue['id']}/reject", json={"opinion": "仍渗漏"})
    assert no_deadline.status_code == 422 and no_deadline.json()["field"] == "deadline"
    rejected = await inspector.post(f"{API}/issues/{issue['id']}/reject",
                                    json={"opinion": "仍渗漏", "deadline": in_days(5)})
    assert rejected.status_code == 200, rejected.text
    body = rejected.json()
    assert body["status"] == "rectifying" and body["round"] == 2 and body["rejections"] == 1
    assert body["deadline"] == in_days(5)
    assert (await inspector.get(f"{API}/notices/{notice['id']}")).json()["status"] == "issued"


async def test_transition_not_allowed_is_409_naming_the_allowed_ones(world, client_for):
    inspector = await client_for("inspector")
    issue = await file_issue(inspector, world)
    response = await inspector.post(f"{API}/issues/{issue['id']}/verify", json={})
    assert response.status_code == 409
    assert "allowed from `open`: notify, void" in response.json()["detail"]
    assert response.json()["rule"] == "issue_transition"


async def test_contractor_trying_to_verify_is_403(world, client_for):
    inspector = await client_for("inspector")
    contractor = await client_for("contractor")
    issue = await file_issue(inspector, world)
    await issue_notice(inspector, world, [issue["id"]])
    await contractor.post(f"{API}/issues/{issue['id']}/submit", json={"explanation": "已修复"})
    response = await contractor.post(f"{API}/issues/{issue['id']}/verify", json={})
    assert response.status_code == 403
    assert response.json()["status"] == 403
    assert (await inspector.get(f"{API}/issues/{issue['id']}")).json()["status"] == "submitted"


async def test_inspector_cannot_submit_and_contractor_cannot_file(world, client_for):
    inspector = await client_for("inspector")
    contractor = await client_for("contractor")
    issue = await file_issue(inspector, world)
    await issue_notice(inspector, world, [issue["id"]])
    assert (await inspector.post(f"{API}/issues/{issue['id']}/submit", json={})).status_code == 403
    response = await contractor.post(f"{API}/projects/{world.project}/issues", json={
        "kind": "quality", "category": "hollowing", "severity": "general", "description": "x",
        "responsible_org_id": world.orgs["Builder Co"], "deadline": in_days(3)})
    assert response.status_code == 403


async def test_only_the_inspecting_organisation_verifies(world, client_for):
    inspector = await client_for("inspector")
    contractor = await client_for("contractor")
    issue = await file_issue(inspector, world)
    await issue_notice(inspector, world, [issue["id"]])
    await contractor.post(f"{API}/issues/{issue['id']}/submit", json={})
    station = await create_organisation(SYSTEM, name="Quality Station", kind=OrganisationKind.quality_station)
    await create_user(SYSTEM, username="station", display_name="Station", password="correct-horse-42",
                      role=Role.inspector, organisation_id=station, project_ids=[world.project])
    other = await client_for("station")
    response = await other.post(f"{API}/issues/{issue['id']}/verify", json={})
    assert response.status_code == 403 and response.json()["rule"] == "inspecting_org_only"


async def test_contractor_sees_only_what_is_addressed_to_its_organisation(world, client_for):
    inspector = await client_for("inspector")
    other_org = await create_organisation(SYSTEM, name="Other Builder", kind=OrganisationKind.contractor)
    await create_user(SYSTEM, username="builder2", display_name="Builder 2", password="correct-horse-42",
                      role=Role.contractor, organisation_id=other_org, project_ids=[world.project])
    issue = await file_issue(inspector, world)
    notice = await issue_notice(inspector, world, [issue["id"]])
    other = await client_for("builder2")
    assert (await other.get(f"{API}/issues/{issue['id']}")).status_code == 403
    assert (await other.get(f"{API}/notices/{notice['id']}")).status_code == 403
    assert (await other.get(f"{API}/projects/{world.project}/issues")).json()["total"] == 0
    assert (await other.get(f"{API}/projects/{world.project}/notices")).json() == []
    reply = await other.post(f"{API}/notices/{notice['id']}/replies", json={"items": [{"issue_id": issue["id"]}]})
    assert reply.status_code == 403
    outsider = await client_for("outsider")
    assert (await outsider.get(f"{API}/issues/{issue['id']}")).status_code == 403


async def test_major_issue_needs_the_chief_inspector(world, client_for):
    inspector = await client_for("inspector")
    chief = await client_for("chief")
    issue = await file_issue(inspector, world, severity="major", kind="safety", category="missing_protection")
    body = {"issue_ids": [issue["id"]], "subject": "安全防护", "content": "临边防护缺失", "deadline": in_days(1)}
    refused = await inspector.post(f"{API}/projects/{world.project}/notices", json=body)
    assert refused.status_code == 403 and refused.json()["rule"] == "major_needs_chief"
    assert (await chief.post(f"{API}/projects/{world.project}/notices", json=body)).status_code == 201


async def test_notice_numbers_per_series_and_void_supersedes_with_a_new_number(world, client_for):
    inspector = await client_for("inspector")
    first = await file_issue(inspector, world)
    second = await file_issue(inspector, world, category="hollowing", description="楼梯间墙面空鼓")
    n1 = await issue_notice(inspector, world, [first["id"]])
    station = await issue_notice(inspector, world, [second["id"]], series="station_rectification")
    assert n1["number"].endswith("JLTZ-" + n1["number"].split("-")[-2] + "-001")
    assert station["number"].split("-")[1] == "ZJZG" and station["number"].endswith("-001")

    voided = await inspector.post(f"{API}/notices/{n1['id']}/void", json={
        "reason": "期限写错", "replacement": {"issue_ids": [first["id"]], "subject": "外墙渗漏整改",
                                              "content": "重新下发", "deadline": in_days(10)}})
    assert voided.status_code == 200, voided.text
    old = voided.json()
    assert old["status"] == "voided" and old["void_reason"] == "期限写错" and old["superseded_by"]
    new = (await inspector.get(f"{API}/notices/{old['superseded_by']}")).json()
    assert new["number"].endswith("-002") and new["status"] == "issued"
    issue = (await inspector.get(f"{API}/issues/{first['id']}")).json()
    assert issue["status"] == "rectifying" and issue["notice_id"] == new["id"] and issue["deadline"] == in_days(10)
    again = await inspector.post(f"{API}/notices/{n1['id']}/void", json={"reason": "again"})
    assert again.status_code == 409


async def test_void_without_replacement_returns_issues_to_open(world, client_for):
    inspector = await client_for("inspector")
    issue = await file_issue(inspector, world)
    notice = await issue_notice(inspector, world, [issue["id"]])
    assert (await inspector.post(f"{API}/notices/{notice['id']}/void", json={"reason": "发错单位"})).status_code == 200
    back = (await inspector.get(f"{API}/issues/{issue['id']}")).json()
    assert back["status"] == "open" and back["notice_id"] is None


async def test_photos_too_big_or_not_images_are_refused(world, client_for, monkeypatch):
    inspector = await client_for("inspector")
    issue = await file_issue(inspector, world)
    not_image = await upload(inspector, issue["id"], b"%PDF-1.4 not a photo", "photo.jpg", "image/jpeg")
    assert not_image.status_code == 415 and not_image.json()["field"] == "file"
    broken = await upload(inspector, issue["id"], b"\xff\xd8\xff" + b"garbage" * 100, "broken.jpg", "image/jpeg")
    assert broken.status_code == 415
    monkeypatch.setattr("inspections.photos.max_photo_bytes", lambda: 1000)
    big = await upload(inspector, issue["id"], png(size=(400, 400), color=(1, 2, 3)) + b"\0" * 2000)
    assert big.status_code == 413 and "limit" in big.json()["detail"]
    monkeypatch.undo()
    from tracker.settings import get_settings

    huge = await upload(inspector, issue["id"], b"\xff\xd8\xff" + b"\0" * (get_settings().max_upload_bytes + 1024 * 1024))
    assert huge.status_code == 413
    ok = await upload(inspector, issue["id"], jpeg())
    assert ok.status_code == 201
    photo = ok.json()
    thumb = await inspector.get(photo["thumb_url"])
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"


async def test_resident_report_is_declined_with_a_reason_or_accepted(world, client_for):
    resident = await client_for("resident")
    inspector = await client_for("inspector")
    report = await resident.post(f"{API}/projects/{world.project}/reports",
                                 json={"description": "卫生间楼板渗水到楼下", "dwelling_id": world.dwellings[0]})
    assert report.status_code == 201, report.text
    photo = await resident.post(f"{API}/reports/{report.json()['id']}/photos",
                                files={"file": ("a.png", png(), "image/png")})
    assert photo.status_code == 201
    declined = await inspector.post(f"{API}/reports/{report.json()['id']}/decline",
                                    json={"reason": "属于住户自行装修，不在改造范围"})
    assert declined.status_code == 200
    mine = (await resident.get(f"{API}/projects/{world.project}/reports")).json()
    assert mine[0]["status"] == "declined" and mine[0]["decline_reason"] == "属于住户自行装修，不在改造范围"
    second = (await resident.post(f"{API}/projects/{world.project}/reports", json={"description": "屋面漏水"})).json()
    accepted = await inspector.post(f"{API}/reports/{second['id']}/accept", json={
        "kind": "quality", "category": "leak_roof", "severity": "serious", "description": "屋面漏水",
        "responsible_org_id": world.orgs["Builder Co"], "deadline": in_days(5)})
    assert accepted.status_code == 201, accepted.text
    assert (await resident.get(f"{API}/reports/{second['id']}")).json()["issue_id"] == accepted.json()["id"]
    assert (await resident.get(f"{API}/issues/{accepted.json()['id']}")).status_code == 403


async def test_catalogue_is_shipped_and_editable_by_an_admin(world, client_for):
    inspector = await client_for("inspector")
    admin = await client_for("admin")
    codes = [c["code"] for c in (await inspector.get(f"{API}/catalogue")).json()]
    assert {"crack_masonry", "leak_roof", "hollowing", "sanding", "grounding_fault", "missing_protection"} <= set(codes)
    assert (await inspector.put(f"{API}/catalogue", json={"code": "x", "name": "x", "kind": "quality"})).status_code == 403
    saved = await admin.put(f"{API}/catalogue", json={"code": "tile_cracks", "name": "面砖开裂", "kind": "quality"})
    assert saved.status_code == 200, saved.text
    retired = await admin.put(f"{API}/catalogue", json={"code": "sanding", "name": "起砂", "kind": "quality",
                                                        "active": False})
    assert retired.status_code == 200
    codes = [c["code"] for c in (await inspector.get(f"{API}/catalogue")).json()]
    assert "tile_cracks" in codes and "sanding" not in codes
    refused = await inspector.post(f"{API}/projects/{world.project}/issues", json={
        "kind": "quality", "category": "sanding", "severity": "general", "description": "地面起砂",
        "responsible_org_id": world.orgs["Builder Co"], "deadline": in_days(3)})
    assert refused.status_code == 422 and refused.json()["field"] == "category"
