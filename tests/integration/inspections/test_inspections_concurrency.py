"""Numbers under concurrency: 20 notices issued at once get 20 distinct consecutive numbers."""

import asyncio

import pytest

from inspections import services
from inspections.kinds import IssueKind, Severity
from inspections.schemas import IssueIn, NoticeIn
from tracker.accounts.actor import Actor
from tracker.accounts.roles import Role
from tests.integration.inspections.helpers import in_days

pytestmark = pytest.mark.asyncio


@pytest.mark.engines_only("postgres")
async def test_twenty_concurrent_notices_get_twenty_consecutive_numbers(world):
    import datetime as dt

    inspector = Actor(id=world.users["inspector"], username="inspector", name="Inspector", role=Role.inspector,
                      organisation_id=world.orgs["Supervision Co"], project_ids=frozenset({world.project}))
    deadline = dt.date.fromisoformat(in_days(7))
    issues = [
        await services.file_issue(inspector, world.project, IssueIn(
            kind=IssueKind.quality, category="hollowing", severity=Severity.general, description=f"空鼓 {n}",
            responsible_org_id=world.orgs["Builder Co"], deadline=deadline))
        for n in range(20)
    ]
    notices = await asyncio.gather(*[
        services.issue_notice(inspector, world.project, NoticeIn(
            issue_ids=[issue.id], subject="空鼓整改", content="请整改", deadline=deadline))
        for issue in issues
    ])
    numbers = sorted(int(n.number.rsplit("-", 1)[1]) for n in notices)
    assert numbers == list(range(1, 21))
    assert len({n.number for n in notices}) == 20
