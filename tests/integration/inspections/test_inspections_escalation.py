"""The daily escalation job: overdue marking, one digest per user per day, escalation to the chief."""

import datetime as dt

import pytest

from inspections import jobs
from inspections.tables import InboxMessage, Issue
from tests.integration.inspections.helpers import API, file_issue, in_days, issue_notice
from tracker.jobs import run_job

pytestmark = pytest.mark.asyncio


async def test_overdue_issues_are_marked_digested_once_and_escalated(world, client_for):
    inspector = await client_for("inspector")
    contractor = await client_for("contractor")
    chief = await client_for("chief")
    late = [await file_issue(inspector, world, description=f"渗漏{n}") for n in range(3)]
    await issue_notice(inspector, world, [i["id"] for i in late])
    long_late = late[0]["id"]
    await Issue.update({Issue.deadline: dt.date.today() - dt.timedelta(days=2)}).where(
        Issue.id.is_in([i["id"] for i in late]))
    await Issue.update({Issue.deadline: dt.date.today() - dt.timedelta(days=30)}).where(Issue.id == long_late)

    job = jobs.jobs()[0]
    now = dt.datetime.now(dt.timezone.utc)
    summary = await run_job(job, now)
    assert summary["marked_overdue"] == 3 and summary["escalated"] == 1
    assert await run_job(job, now) is None  # once per day, whatever the number of processes
    assert (await jobs.run_escalation(now))["digests"] == 0  # even run directly: one digest per user per day

    messages = (await contractor.get(f"{API}/inbox")).json()
    assert len(messages) == 1 and messages[0]["kind"] == "digest"
    assert sorted(messages[0]["issue_ids"]) == sorted(i["id"] for i in late)
    assert "3 项已逾期" in messages[0]["subject"]
    escalation = [m for m in (await chief.get(f"{API}/inbox")).json() if m["kind"] == "escalation"]
    assert escalation[0]["issue_ids"] == [long_late] and "工程暂停令" in escalation[0]["body"]
    assert (await inspector.get(f"{API}/issues/{long_late}")).json()["escalated"] is True
    read = await contractor.post(f"{API}/inbox/{messages[0]['id']}/read")
    assert read.status_code == 200 and read.json()["read"]
    assert (await inspector.post(f"{API}/inbox/{messages[0]['id']}/read")).status_code == 404
    assert await InboxMessage.count() == 2  # the contractor's digest and the chief's escalation, no duplicate


async def test_rejected_twice_is_escalated(world, client_for):
    inspector = await client_for("inspector")
    contractor = await client_for("contractor")
    chief = await client_for("chief")
    issue = await file_issue(inspector, world, deadline=in_days(20))
    await issue_notice(inspector, world, [issue["id"]], deadline=in_days(20))
    for _ in range(2):
        await contractor.post(f"{API}/issues/{issue['id']}/submit", json={})
        await inspector.post(f"{API}/issues/{issue['id']}/reject", json={"deadline": in_days(20)})
    summary = await jobs.run_escalation(dt.datetime.now(dt.timezone.utc))
    assert summary["escalated"] == 1
    escalation = (await chief.get(f"{API}/inbox")).json()[0]
    assert "已退回 2 次" in escalation["body"]


async def test_overdue_written_report_of_an_emergency_stop_reaches_the_chief(world, client_for):
    chief = await client_for("chief")
    effective = dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=2)
    order = await chief.post(f"{API}/projects/{world.project}/stop-work", json={
        "addressed_org_id": world.orgs["Builder Co"], "scope": "project", "cause": "major_hazard",
        "effective_at": effective.isoformat(), "emergency": True})
    assert order.status_code == 201
    await jobs.run_escalation(dt.datetime.now(dt.timezone.utc))
    message = (await chief.get(f"{API}/inbox")).json()[0]
    assert message["kind"] == "escalation" and order.json()["number"] in message["body"]
    assert "书面报告" in message["body"]
