"""The pages people use: filing from a phone with photos, issuing a notice, replying, rechecking, the ledger."""

import re

import pytest

from tests.integration.inspections.helpers import API, file_issue, in_days, issue_notice, png

pytestmark = pytest.mark.asyncio


def csrf(client) -> str:
    return client.cookies.get("csrftoken")


async def test_phone_flow_through_pages(world, client_for):
    inspector = await client_for("inspector")
    contractor = await client_for("contractor")
    form = await inspector.get(f"/projects/{world.project}/inspections/issues/new")
    assert form.status_code == 200
    assert 'accept="image/*" capture="environment"' in form.text
    created = await inspector.post(
        f"/projects/{world.project}/inspections/issues/new",
        data={"_csrf_token": csrf(inspector), "kind": "quality", "category": "hollowing", "severity": "general",
              "description": "楼梯间墙面空鼓", "responsible_org_id": str(world.orgs["Builder Co"]),
              "deadline": in_days(7), "building_id": str(world.building), "part": "楼梯间", "location": "二层"},
        files={"photos": ("p.png", png(), "image/png")},
        follow_redirects=False,
    )
    assert created.status_code == 303, created.text
    issue_id = int(created.headers["location"].rsplit("/", 1)[1])
    issue = (await inspector.get(f"{API}/issues/{issue_id}")).json()
    assert issue["part"] == "楼梯间" and len(issue["photos"]) == 1

    bad = await inspector.post(
        f"/projects/{world.project}/inspections/issues/new",
        data={"_csrf_token": csrf(inspector), "kind": "quality", "category": "hollowing", "severity": "general",
              "description": "x", "responsible_org_id": str(world.orgs["Builder Co"]), "deadline": in_days(7)},
        files={"photos": ("p.jpg", b"not an image", "image/jpeg")},
    )
    assert bad.status_code == 415 and "JPEG" in bad.text

    listing = await inspector.get(f"/projects/{world.project}/inspections/issues")
    assert "楼梯间墙面空鼓" in listing.text
    notice = await inspector.post(
        f"/projects/{world.project}/inspections/notices",
        data={"_csrf_token": csrf(inspector), "issue_ids": [str(issue_id)], "subject": "空鼓整改",
              "content": "请整改", "deadline": in_days(7)},
        follow_redirects=False,
    )
    assert notice.status_code == 303, notice.text
    notice_path = notice.headers["location"]
    notice_id = int(notice_path.rsplit("/", 1)[1])

    inbox = await contractor.get(f"/projects/{world.project}/inspections/inbox")
    assert "空鼓整改" in inbox.text
    page = await contractor.get(notice_path)
    assert 'name="explanation_' in page.text
    evidence = await contractor.post(f"/inspections/issues/{issue_id}/photos",
                                     data={"_csrf_token": csrf(contractor)},
                                     files={"photos": ("e.png", png((0, 200, 0)), "image/png")},
                                     follow_redirects=False)
    assert evidence.status_code == 303
    replied = await contractor.post(f"/inspections/notices/{notice_id}/reply",
                                    data={"_csrf_token": csrf(contractor), "issue_ids": [str(issue_id)],
                                          f"explanation_{issue_id}": "已重新抹灰"}, follow_redirects=False)
    assert replied.status_code == 303, replied.text
    refused = await contractor.post(f"/inspections/issues/{issue_id}/verify",
                                    data={"_csrf_token": csrf(contractor)})
    assert refused.status_code == 403
    verified = await inspector.post(f"/inspections/issues/{issue_id}/verify",
                                    data={"_csrf_token": csrf(inspector), "opinion": "合格"}, follow_redirects=False)
    assert verified.status_code == 303
    closed = await inspector.get(notice_path)
    assert re.search(r'id="notice-status">[^<]+<', closed.text)
    assert (await inspector.get(f"{API}/notices/{notice_id}")).json()["status"] == "closed"

    for path in ("inspections", "inspections/ledger", "inspections/ledger?status=verified&overdue=1"):
        response = await inspector.get(f"/projects/{world.project}/{path}")
        assert response.status_code == 200, (path, response.text[:500])


async def test_a_stopped_building_shows_as_stopped_on_the_pages(world, client_for):
    import datetime as dt

    chief = await client_for("chief")
    issue = await file_issue(chief, world)
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    order = await chief.post(f"{API}/projects/{world.project}/stop-work", json={
        "addressed_org_id": world.orgs["Builder Co"], "scope": "building", "building_id": world.building,
        "cause": "major_hazard", "effective_at": now, "emergency": True, "issue_ids": [issue["id"]]})
    assert order.status_code == 201
    for path in (f"/projects/{world.project}/inspections", f"/inspections/issues/{issue['id']}",
                 f"/projects/{world.project}/inspections/issues"):
        page = await chief.get(path)
        assert "stop-banner" in page.text and order.json()["number"] in page.text


async def test_resident_reports_a_defect_and_sees_the_decline_reason(world, client_for):
    resident = await client_for("resident")
    inspector = await client_for("inspector")
    sent = await resident.post(f"/projects/{world.project}/inspections/reports",
                               data={"_csrf_token": csrf(resident), "description": "卫生间顶棚渗水",
                                     "location": "1-101 卫生间"},
                               files={"photos": ("a.png", png(), "image/png")}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    report = (await resident.get(f"{API}/projects/{world.project}/reports")).json()[0]
    assert len(report["photos"]) == 1
    queue = await inspector.get(f"/projects/{world.project}/inspections/reports")
    assert "卫生间顶棚渗水" in queue.text
    declined = await inspector.post(f"/inspections/reports/{report['id']}/decline",
                                    data={"_csrf_token": csrf(inspector), "reason": "属于住户自装部分"},
                                    follow_redirects=False)
    assert declined.status_code == 303
    mine = await resident.get(f"/projects/{world.project}/inspections/reports")
    assert "属于住户自装部分" in mine.text
    second = await resident.post(f"/projects/{world.project}/inspections/reports",
                                 data={"_csrf_token": csrf(resident), "description": "楼道扶手松动"},
                                 files={"photos": ("", b"", "application/octet-stream")},  # no photo chosen
                                 follow_redirects=False)
    assert second.status_code == 303
    pending = [r for r in (await resident.get(f"{API}/projects/{world.project}/reports")).json()
               if r["status"] == "pending"][0]
    accepted = await inspector.post(f"/inspections/reports/{pending['id']}/accept",
                                    data={"_csrf_token": csrf(inspector), "kind": "safety", "category": "railing",
                                          "severity": "serious", "responsible_org_id": str(world.orgs["Builder Co"]),
                                          "deadline": in_days(3)}, follow_redirects=False)
    assert accepted.status_code == 303, accepted.text
    assert "/inspections/issues/" in accepted.headers["location"]
