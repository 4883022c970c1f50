"""Stop-work (工程暂停令) and resumption (复工报审表 → 复工令): chief only, owner consent, blocked while open."""

import datetime as dt

import pytest

from tests.integration.inspections.helpers import API, file_issue, in_days, issue_notice

pytestmark = pytest.mark.asyncio


def stop_body(world, issue_ids, **overrides):
    body = {
        "addressed_org_id": world.orgs["Builder Co"],
        "scope": "building",
        "building_id": world.building,
        "cause": "major_hazard",
        "cause_details": "脚手架连墙件缺失",
        "effective_at": dt.datetime.now(dt.timezone.utc).isoformat(),
        "requirements": "立即撤离作业人员，整改后报验。",
        "issue_ids": issue_ids,
        "owner_consent_by": "建设单位 王经理",
        "owner_consent_at": dt.datetime.now(dt.timezone.utc).isoformat(),
    }
    body.update(overrides)
    return body


async def test_stop_work_blocks_resumption_until_its_issues_are_verified(world, client_for):
    inspector = await client_for("inspector")
    chief = await client_for("chief")
    contractor = await client_for("contractor")
    manager = await client_for("manager")
    issue = await file_issue(chief, world, kind="safety", category="missing_protection", severity="major")

    refused = await inspector.post(f"{API}/projects/{world.project}/stop-work", json=stop_body(world, [issue["id"]]))
    assert refused.status_code == 403 and refused.json()["rule"] == "stop_work_needs_chief"
    order = await chief.post(f"{API}/projects/{world.project}/stop-work", json=stop_body(world, [issue["id"]]))
    assert order.status_code == 201, order.text
    order = order.json()
    assert order["status"] == "in_force" and "-GCZT-" in order["number"]

    status = (await contractor.get(f"{API}/projects/{world.project}/stop-status")).json()
    assert status["stopped"] and status["stopped_building_ids"] == [world.building] and not status["project_stopped"]
    assert (await chief.get(f"{API}/issues/{issue['id']}")).json()["stopped"] is True

    blocked = await contractor.post(f"{API}/stop-work/{order['id']}/applications",
                                    json={"statement": "已整改", "proposed_date": in_days(1)})
    assert blocked.status_code == 409
    assert blocked.json()["rule"] == "open_issues" and f"#{issue['id']}" in blocked.json()["detail"]
    assert blocked.json()["open_issue_ids"] == [issue["id"]]

    notice = await issue_notice(chief, world, [issue["id"]])
    await contractor.post(f"{API}/notices/{notice['id']}/replies", json={"items": [{"issue_id": issue["id"]}]})
    assert (await chief.post(f"{API}/issues/{issue['id']}/verify", json={"opinion": "合格"})).status_code == 200

    applied = await contractor.post(f"{API}/stop-work/{order['id']}/applications",
                                    json={"statement": "连墙件已补齐，经自检合格", "proposed_date": in_days(1)})
    assert applied.status_code == 201, applied.text
    application_id = applied.json()["applications"][0]["id"]
    early = await chief.post(f"{API}/stop-work/{order['id']}/resume",
                             json={"resume_at": dt.datetime.now(dt.timezone.utc).isoformat()})
    assert early.status_code == 409 and early.json()["rule"] == "owner_approval"
    assert (await manager.post(f"{API}/resumption/{application_id}/approve", json={})).status_code == 409
    assert (await chief.post(f"{API}/resumption/{application_id}/review", json={"opinion": "同意"})).status_code == 200
    assert (await contractor.post(f"{API}/resumption/{application_id}/approve", json={})).status_code == 403
    assert (await manager.post(f"{API}/resumption/{application_id}/approve", json={"opinion": "同意"})).status_code == 200
    resumed = await chief.post(f"{API}/stop-work/{order['id']}/resume",
                               json={"resume_at": dt.datetime.now(dt.timezone.utc).isoformat()})
    assert resumed.status_code == 201, resumed.text
    assert resumed.json()["status"] == "resumed" and "-GCFG-" in resumed.json()["resumption_number"]
    assert not (await contractor.get(f"{API}/projects/{world.project}/stop-status")).json()["stopped"]


async def test_resumption_order_is_refused_while_a_linked_issue_is_open(world, client_for):
    chief = await client_for("chief")
    issue = await file_issue(chief, world)
    order = (await chief.post(f"{API}/projects/{world.project}/stop-work",
                              json=stop_body(world, [issue["id"]], scope="project", building_id=None))).json()
    assert (await chief.get(f"{API}/projects/{world.project}/stop-status")).json()["project_stopped"]
    response = await chief.post(f"{API}/stop-work/{order['id']}/resume",
                                json={"resume_at": dt.datetime.now(dt.timezone.utc).isoformat()})
    assert response.status_code == 409 and response.json()["open_issue_ids"] == [issue["id"]]


async def test_stop_work_needs_owner_consent_or_the_emergency_flag(world, client_for):
    chief = await client_for("chief")
    no_consent = stop_body(world, [], owner_consent_by="", owner_consent_at=None)
    refused = await chief.post(f"{API}/projects/{world.project}/stop-work", json=no_consent)
    assert refused.status_code == 422 and refused.json()["rule"] == "owner_consent"
    emergency = await chief.post(f"{API}/projects/{world.project}/stop-work", json={**no_consent, "emergency": True})
    assert emergency.status_code == 201
    assert emergency.json()["emergency"] and emergency.json()["report_due_at"]
    reported = await chief.post(f"{API}/stop-work/{emergency.json()['id']}/written-report")
    assert reported.status_code == 200 and reported.json()["report_submitted_at"]
    assert (await chief.post(f"{API}/stop-work/{emergency.json()['id']}/written-report")).status_code == 409
    part = await chief.post(f"{API}/projects/{world.project}/stop-work",
                            json=stop_body(world, [], scope="part", building_id=None, part=""))
    assert part.status_code == 422 and part.json()["field"] == "part"
    bad_cause = await chief.post(f"{API}/projects/{world.project}/stop-work", json=stop_body(world, [], cause="weather"))
    assert bad_cause.status_code == 400


async def test_the_chief_orders_resumption_with_owner_consent_when_the_contractor_does_not_apply(world, client_for):
    chief = await client_for("chief")
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    order = (await chief.post(f"{API}/projects/{world.project}/stop-work",
                              json=stop_body(world, [], scope="project", building_id=None))).json()
    no_consent = await chief.post(f"{API}/stop-work/{order['id']}/resume", json={"resume_at": now})
    assert no_consent.status_code == 409 and no_consent.json()["rule"] == "owner_approval"
    resumed = await chief.post(f"{API}/stop-work/{order['id']}/resume",
                               json={"resume_at": now, "owner_consent_by": "王经理", "owner_consent_at": now})
    assert resumed.status_code == 201, resumed.text
    assert resumed.json()["status"] == "resumed" and resumed.json()["applications"][0]["status"] == "ordered"


async def test_an_owner_name_longer_than_its_column_is_refused_naming_the_field(world, client_for):
    # The column holds 120 characters: the request is refused naming the field, not failed by the database.
    chief = await client_for("chief")
    too_long = await chief.post(f"{API}/projects/{world.project}/stop-work",
                                json=stop_body(world, [], owner_consent_by="王" * 121))
    assert too_long.status_code == 400, too_long.text
    assert too_long.json()["field"] == "owner_consent_by"
    fits = await chief.post(f"{API}/projects/{world.project}/stop-work", json=stop_body(world, [], owner_consent_by="王" * 120))
    assert fits.status_code == 201, fits.text
