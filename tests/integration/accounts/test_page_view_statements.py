"""A page view by a logged-in user writes nothing: its statements are counted by `tracker.db.recording()`.

The statements come from the engines themselves (every Piccolo query and transaction statement passes
through `tracker.db`'s engine subclasses), on the engine the suite runs on.
"""

import datetime as dt
import re

from tests.integration.inspections.helpers import file_issue
from tracker import clock
from tracker.accounts import sessions
from tracker.accounts.tables import WebSession
from tracker.db import recording
from tracker.settings import get_settings

# A write anywhere in a statement (a CTE, `FOR UPDATE` too), or a transaction (only writers open one:
# reads run on their own); quoted names and strings are left out so a column name cannot match.
_WRITE = re.compile(r"\b(INSERT|UPDATE|DELETE|REPLACE|UPSERT|CREATE|ALTER|DROP|BEGIN)\b", re.IGNORECASE)
_QUOTED = re.compile(r'"[^"]*"|\'[^\']*\'')

# Statements per view, measured on both engines when written (the same on SQLite and PostgreSQL):
# the session, the user and their memberships take 3, the page's own reads the rest. A page
# that needs more now does more work per view than it did: look at why before raising its bound.
# The header's to-do count costs one count per to-do source that applies to the role: two for the
# inspector here (issues to move, payment applications to review), TODO_COUNT below.
TODO_COUNT = 2
PAGES = {
    "/projects/{project}": 11 + TODO_COUNT,
    "/projects/{project}/households": 13 + TODO_COUNT,
    "/projects/{project}/inspections": 11 + TODO_COUNT,
    "/projects/{project}/inspections/issues": 11 + TODO_COUNT,
    # One more than before issue 9: the access rule reads the issue's stored ids apart from its page shape.
    "/inspections/issues/{issue}": 14 + TODO_COUNT,
}


def _writes(statements: list[str]) -> list[str]:
    return [s for s in statements if _WRITE.search(_QUOTED.sub("", s))]


async def test_a_logged_in_page_view_writes_nothing_and_runs_few_statements(world, client_for):
    inspector = await client_for("inspector")
    issue = await file_issue(inspector, world)
    for template, bound in PAGES.items():
        path = template.format(project=world.project, issue=issue["id"])
        with recording() as first:  # a first view may fill caches: count the second, but it writes nothing either
            await inspector.get(path)
        assert not _writes(first), (path, _writes(first))
        with recording() as statements:
            answer = await inspector.get(path)
        assert answer.status_code == 200, (path, answer.text[:300])
        assert "tracker_session" not in answer.headers.get("set-cookie", ""), path
        assert not _writes(statements), (path, _writes(statements))
        assert [s for s in statements if "web_session" in s] == [statements[0]], path  # the one session read
        assert len(statements) <= bound, (path, len(statements), statements)


async def test_an_anonymous_get_writes_nothing(world, client_for):
    anon = await client_for(None)
    for path in ("/health", "/login", "/vote", f"/projects/{world.project}"):
        with recording() as statements:
            answer = await anon.get(path)
        assert answer.status_code in (200, 302, 303, 401), (path, answer.status_code)
        assert not _writes(statements), (path, _writes(statements))
        assert "tracker_session" not in answer.headers.get("set-cookie", ""), path


async def test_a_session_is_renewed_once_less_than_half_its_life_is_left(world, client_for):
    staff = await client_for("staff")
    page = f"/projects/{world.project}"
    (row,) = await WebSession.select(WebSession.key, WebSession.expires_at)
    life = dt.timedelta(seconds=get_settings().session_max_age)
    renew_at = row["expires_at"] - life * sessions.RENEW_BELOW

    with clock.frozen(renew_at - dt.timedelta(minutes=1)), recording() as statements:
        answer = await staff.get(page)
    assert answer.status_code == 200 and not _writes(statements)
    assert "tracker_session" not in answer.headers.get("set-cookie", "")

    later = renew_at + dt.timedelta(minutes=1)
    with clock.frozen(later), recording() as statements:
        answer = await staff.get(page)
    assert answer.status_code == 200
    assert [s for s in _writes(statements) if "web_session" in s], statements
    assert "tracker_session=" in answer.headers.get("set-cookie", "")
    assert (await WebSession.select(WebSession.expires_at))[0]["expires_at"] == later + life

    with clock.frozen(later + dt.timedelta(minutes=1)), recording() as statements:
        answer = await staff.get(page)
    assert answer.status_code == 200 and not _writes(statements)


async def test_the_recorder_sees_writes_and_their_transaction(world, client_for):
    """The no-write assertions can fail: a POST's transaction and its writes are recorded."""
    inspector = await client_for("inspector")
    with recording() as statements:
        await file_issue(inspector, world)
    assert "BEGIN" in statements and "COMMIT" in statements[statements.index("BEGIN"):], statements
    in_transaction = _writes(statements[statements.index("BEGIN"):statements.index("COMMIT")])
    assert any(s.lstrip().upper().startswith("INSERT") and '"issue"' in s for s in in_transaction), in_transaction
