"""The stop-work pages: the chief's 工程暂停令 form, the order page with the resumption steps
(复工报审表 → 审核 → 审批 → 复工令) each for its own role, refusals shown on the page, and voiding a notice."""

import datetime as dt
import re

import pytest

from tests.integration.inspections.helpers import API, file_issue, in_days, issue_notice

pytestmark = pytest.mark.asyncio


def csrf(client) -> str:
    return client.cookies.get("csrftoken")


def local_now() -> str:
    """What a `datetime-local` field sends: the site's wall-clock time, minutes precision."""
    return dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%dT%H:%M")


def stop_form(client, world, issue_ids, **overrides) -> dict:
    form = {
        "_csrf_token": csrf(client), "addressed_org_id": str(world.orgs["Builder Co"]), "scope": "building",
        "building_id": str(world.building), "part": "", "cause": "major_hazard", "cause_details": "脚手架连墙件缺失",
        "effective_at": local_now(), "requirements": "立即撤离作业人员，整改后报验。",
        "issue_ids": [str(i) for i in issue_ids], "owner_consent_by": "王经理", "owner_consent_at": local_now(),
    }
    form.update(overrides)
    return form


async def issue_stop_through_form(chief, world, issue_ids, **overrides) -> int:
    response = await chief.post(f"/projects/{world.project}/inspections/stop-work/new",
                                data=stop_form(chief, world, issue_ids, **overrides), follow_redirects=False)
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/inspections/stop-work/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


async def verify_through_api(chief, contractor, world, issue_id) -> None:
    notice = await issue_notice(chief, world, [issue_id])
    replied = await contractor.post(f"{API}/notices/{notice['id']}/replies", json={"items": [{"issue_id": issue_id}]})
    assert replied.status_code == 201, replied.text
    assert (await chief.post(f"{API}/issues/{issue_id}/verify", json={"opinion": "合格"})).status_code == 200


async def test_the_chief_issues_a_stop_work_order_through_the_form_and_the_project_shows_stopped(world, client_for):
    chief = await client_for("chief")
    issue = await file_issue(chief, world, kind="safety", category="missing_protection", severity="major")

    dashboard = await chief.get(f"/projects/{world.project}/inspections")
    assert f'href="/projects/{world.project}/inspections/stop-work"' in dashboard.text
    listing = await chief.get(f"/projects/{world.project}/inspections/stop-work")
    assert listing.status_code == 200 and 'id="new-stop-work"' in listing.text
    form = await chief.get(f"/projects/{world.project}/inspections/stop-work/new")
    assert form.status_code == 200
    assert f'name="issue_ids" value="{issue["id"]}"' in form.text
    for cause in ("owner_request", "unapproved_work", "design_deviation", "mandatory_standard_breach", "major_hazard"):
        assert f'value="{cause}"' in form.text

    # Neither consent nor the emergency flag: the service's message on the form, values kept.
    refused = await chief.post(f"/projects/{world.project}/inspections/stop-work/new",
                               data=stop_form(chief, world, [issue["id"]], owner_consent_by="", owner_consent_at=""))
    assert refused.status_code == 422
    assert "须有建设单位同意" in refused.text and "脚手架连墙件缺失" in refused.text
    assert f'value="{issue["id"]}" style="min-height:auto" checked' in refused.text
    bad_cause = await chief.post(f"/projects/{world.project}/inspections/stop-work/new",
                                 data=stop_form(chief, world, [], cause="weather"))
    assert bad_cause.status_code == 422 and 'class="field-error" id="cause-error"' in bad_cause.text  # beside its field

    order_id = await issue_stop_through_form(chief, world, [issue["id"]])
    order = (await chief.get(f"{API}/stop-work/{order_id}")).json()
    assert order["status"] == "in_force" and order["scope"] == "building" and order["issue_ids"] == [issue["id"]]
    assert order["owner_consent_by"] == "王经理" and not order["emergency"]
    assert (await chief.get(f"{API}/projects/{world.project}/stop-status")).json()["stopped_building_ids"] == [
        world.building]

    page = await chief.get(f"/inspections/stop-work/{order_id}")
    assert page.status_code == 200 and order["number"] in page.text
    assert f'href="/inspections/issues/{issue["id"]}"' in page.text and "重大隐患或事故" in page.text
    assert f"/api/v1/inspections/stop-work/{order_id}/pdf" in page.text
    for path in (f"/projects/{world.project}/inspections", f"/projects/{world.project}/inspections/stop-work"):
        stopped = await chief.get(path)
        assert "stop-banner" in stopped.text and order["number"] in stopped.text

    whole = await issue_stop_through_form(chief, world, [], scope="project", building_id="", emergency="1",
                                          owner_consent_by="", owner_consent_at="")
    assert (await chief.get(f"{API}/projects/{world.project}/stop-status")).json()["project_stopped"]
    emergency = await chief.get(f"/inspections/stop-work/{whole}")
    assert 'id="written-report-form"' in emergency.text
    reported = await chief.post(f"/inspections/stop-work/{whole}/written-report",
                                data={"_csrf_token": csrf(chief)}, follow_redirects=False)
    assert reported.status_code == 303
    assert (await chief.get(f"{API}/stop-work/{whole}")).json()["report_submitted_at"]
    assert 'id="written-report-form"' not in (await chief.get(f"/inspections/stop-work/{whole}")).text
    again = await chief.post(f"/inspections/stop-work/{whole}/written-report", data={"_csrf_token": csrf(chief)})
    assert again.status_code == 409 and "书面报告已登记" in again.text


async def test_only_the_chief_sees_or_uses_the_stop_work_form(world, client_for):
    chief = await client_for("chief")
    issue = await file_issue(chief, world)
    for username in ("inspector", "contractor", "manager", "staff"):
        client = await client_for(username)
        assert (await client.get(f"/projects/{world.project}/inspections/stop-work/new")).status_code == 403
        posted = await client.post(f"/projects/{world.project}/inspections/stop-work/new",
                                   data=stop_form(client, world, [issue["id"]]))
        assert posted.status_code == 403, username
        listing = await client.get(f"/projects/{world.project}/inspections/stop-work")
        assert listing.status_code == 200 and 'id="new-stop-work"' not in listing.text
    assert not (await chief.get(f"{API}/projects/{world.project}/stop-status")).json()["stopped"]
    outsider = await client_for("outsider")
    assert (await outsider.get(f"/projects/{world.project}/inspections/stop-work")).status_code == 403

    order_id = await issue_stop_through_form(chief, world, [issue["id"]])
    inspector = await client_for("inspector")
    page = await inspector.get(f"/inspections/stop-work/{order_id}")
    assert page.status_code == 200
    assert not any(f'id="{form}"' in page.text for form in ("apply-form", "resume-form", "written-report-form"))
    resume = await inspector.post(f"/inspections/stop-work/{order_id}/resume",
                                  data={"_csrf_token": csrf(inspector), "resume_at": local_now()})
    assert resume.status_code == 403
    assert (await outsider.get(f"/inspections/stop-work/{order_id}")).status_code == 403


async def test_resumption_is_refused_on_the_page_naming_the_open_issues(world, client_for):
    chief = await client_for("chief")
    contractor = await client_for("contractor")
    issue = await file_issue(chief, world)
    order_id = await issue_stop_through_form(chief, world, [issue["id"]])

    page = await contractor.get(f"/inspections/stop-work/{order_id}")
    assert page.status_code == 200 and 'id="apply-form"' in page.text and 'id="resume-form"' not in page.text
    refused = await contractor.post(f"/inspections/stop-work/{order_id}/apply",
                                    data={"_csrf_token": csrf(contractor), "statement": "已补齐连墙件",
                                          "proposed_date": in_days(1)})
    assert refused.status_code == 409
    assert "不能复工" in refused.text and f"#{issue['id']}" in refused.text
    assert "已补齐连墙件" in refused.text  # what was typed is kept
    empty = await contractor.post(f"/inspections/stop-work/{order_id}/apply",
                                  data={"_csrf_token": csrf(contractor), "statement": "", "proposed_date": in_days(1)})
    assert empty.status_code == 422 and "停工原因的消除情况" in empty.text

    ordered = await chief.post(f"/inspections/stop-work/{order_id}/resume",
                               data={"_csrf_token": csrf(chief), "resume_at": local_now(),
                                     "owner_consent_by": "王经理", "owner_consent_at": local_now()})
    assert ordered.status_code == 409 and f"#{issue['id']}" in ordered.text
    assert (await chief.get(f"{API}/stop-work/{order_id}")).json()["status"] == "in_force"


async def test_the_full_path_to_the_resumption_order_through_the_pages(world, client_for):
    chief = await client_for("chief")
    contractor = await client_for("contractor")
    manager = await client_for("manager")
    issue = await file_issue(chief, world)
    order_id = await issue_stop_through_form(chief, world, [issue["id"]])
    await verify_through_api(chief, contractor, world, issue["id"])

    applied = await contractor.post(f"/inspections/stop-work/{order_id}/apply",
                                    data={"_csrf_token": csrf(contractor), "statement": "连墙件已补齐，经自检合格",
                                          "proposed_date": in_days(1)}, follow_redirects=False)
    assert applied.status_code == 303, applied.text
    application_id = (await chief.get(f"{API}/stop-work/{order_id}")).json()["applications"][0]["id"]
    assert 'id="apply-form"' not in (await contractor.get(f"/inspections/stop-work/{order_id}")).text

    # Each step shows only to the role that takes it, and a step out of turn is refused on the page.
    assert 'id="review-form"' in (await chief.get(f"/inspections/stop-work/{order_id}")).text
    assert 'id="approve-form"' not in (await manager.get(f"/inspections/stop-work/{order_id}")).text
    early = await manager.post(f"/inspections/resumption/{application_id}/approve",
                               data={"_csrf_token": csrf(manager), "opinion": "同意", "approve": "1"})
    assert early.status_code == 409 and 'class="error"' in early.text
    assert (await contractor.post(f"/inspections/resumption/{application_id}/review",
                                  data={"_csrf_token": csrf(contractor), "approve": "1"})).status_code == 403

    reviewed = await chief.post(f"/inspections/resumption/{application_id}/review",
                                data={"_csrf_token": csrf(chief), "opinion": "同意复工", "approve": "1"},
                                follow_redirects=False)
    assert reviewed.status_code == 303
    page = await manager.get(f"/inspections/stop-work/{order_id}")
    assert 'id="approve-form"' in page.text and "同意复工" in page.text
    approved = await manager.post(f"/inspections/resumption/{application_id}/approve",
                                  data={"_csrf_token": csrf(manager), "opinion": "同意", "approve": "1"},
                                  follow_redirects=False)
    assert approved.status_code == 303

    chief_page = await chief.get(f"/inspections/stop-work/{order_id}")
    assert 'id="resume-form"' in chief_page.text and 'name="owner_consent_by"' not in chief_page.text
    resumed = await chief.post(f"/inspections/stop-work/{order_id}/resume",
                               data={"_csrf_token": csrf(chief), "resume_at": local_now()}, follow_redirects=False)
    assert resumed.status_code == 303, resumed.text
    order = (await chief.get(f"{API}/stop-work/{order_id}")).json()
    assert order["status"] == "resumed" and "-GCFG-" in order["resumption_number"]
    assert order["applications"][0]["status"] == "ordered"
    done = await contractor.get(f"/inspections/stop-work/{order_id}")
    assert order["resumption_number"] in done.text and f"/stop-work/{order_id}/resumption.pdf" in done.text
    assert 'id="apply-form"' not in done.text
    pdf = await contractor.get(f"{API}/stop-work/{order_id}/resumption.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    dashboard = await contractor.get(f"/projects/{world.project}/inspections")
    assert "stop-banner" not in dashboard.text
    listing = await contractor.get(f"/projects/{world.project}/inspections/stop-work")
    assert order["resumption_number"] in listing.text


async def test_the_chief_sends_an_application_back_and_the_contractor_applies_again(world, client_for):
    chief = await client_for("chief")
    contractor = await client_for("contractor")
    order_id = await issue_stop_through_form(chief, world, [])
    await contractor.post(f"/inspections/stop-work/{order_id}/apply",
                          data={"_csrf_token": csrf(contractor), "statement": "已整改", "proposed_date": in_days(1)})
    application_id = (await chief.get(f"{API}/stop-work/{order_id}")).json()["applications"][0]["id"]
    sent_back = await chief.post(f"/inspections/resumption/{application_id}/review",
                                 data={"_csrf_token": csrf(chief), "opinion": "资料不全", "approve": "0"},
                                 follow_redirects=False)
    assert sent_back.status_code == 303
    assert (await chief.get(f"{API}/stop-work/{order_id}")).json()["applications"][0]["status"] == "refused"
    page = await contractor.get(f"/inspections/stop-work/{order_id}")
    assert "资料不全" in page.text and 'id="apply-form"' in page.text


async def test_voiding_a_notice_through_its_page(world, client_for):
    inspector = await client_for("inspector")
    contractor = await client_for("contractor")
    first = await file_issue(inspector, world)
    second = await file_issue(inspector, world, description="落水管脱落")
    notice = await issue_notice(inspector, world, [first["id"], second["id"]])
    path = f"/inspections/notices/{notice['id']}"

    assert 'id="void-form"' not in (await contractor.get(path)).text
    assert (await contractor.post(f"{path}/void", data={"_csrf_token": csrf(contractor), "reason": "x"})
            ).status_code == 403
    page = await inspector.get(path)
    assert 'id="void-form"' in page.text
    no_reason = await inspector.post(f"{path}/void", data={"_csrf_token": csrf(inspector), "reason": " "})
    assert no_reason.status_code == 422 and "作废通知单须填写原因" in no_reason.text

    voided = await inspector.post(f"{path}/void", data={
        "_csrf_token": csrf(inspector), "reason": "部位写错", "supersede": "1",
        "replacement_issue_ids": [str(first["id"])], "subject": "外墙渗漏整改（更正）", "content": "请整改",
        "requirements": "", "deadline": in_days(5)}, follow_redirects=False)
    assert voided.status_code == 303, voided.text
    old = (await inspector.get(f"{API}/notices/{notice['id']}")).json()
    assert old["status"] == "voided" and old["void_reason"] == "部位写错" and old["superseded_by"]
    new = (await inspector.get(f"{API}/notices/{old['superseded_by']}")).json()
    assert new["number"] != old["number"] and new["issue_ids"] == [first["id"]]
    assert (await inspector.get(f"{API}/issues/{second['id']}")).json()["status"] == "open"
    shown = await inspector.get(path)
    assert "部位写错" in shown.text and new["number"] in shown.text and 'id="void-form"' not in shown.text

    twice = await inspector.post(f"{path}/void", data={"_csrf_token": csrf(inspector), "reason": "再次作废"})
    assert twice.status_code == 409 and "只有已签发的通知单可以作废" in twice.text


async def test_voiding_a_notice_without_a_successor_returns_its_issues_to_open(world, client_for):
    chief = await client_for("chief")
    issue = await file_issue(chief, world)
    notice = await issue_notice(chief, world, [issue["id"]])
    voided = await chief.post(f"/inspections/notices/{notice['id']}/void",
                              data={"_csrf_token": csrf(chief), "reason": "重复签发"}, follow_redirects=False)
    assert voided.status_code == 303
    assert (await chief.get(f"{API}/notices/{notice['id']}")).json()["superseded_by"] is None
    assert (await chief.get(f"{API}/issues/{issue['id']}")).json()["status"] == "open"
