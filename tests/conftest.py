"""Shared fixtures: one migrated database per run (SQLite by default, PostgreSQL when DATABASE_URL
says so), emptied before every test, and an HTTP client logged in as any role."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

# Settings are read once, so the environment is fixed before anything imports the app.
_TMP = Path(tempfile.mkdtemp(prefix="tracker-test-"))
os.environ["TRACKER_VAR_DIR"] = str(_TMP)
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ["SCHEDULER_ENABLED"] = "false"
os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")
# Document templates made for the tests (tests/templates/documents/…), beside the production ones.
os.environ["DOCUMENT_TEMPLATE_DIRS"] = str(Path(__file__).resolve().parent / "templates")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pytest  # noqa: E402

from tests.support import (  # noqa: E402
    ENGINE,
    World,
    build_world,
    empty_database,
    logged_in_client,
    prepare_database,
)


def pytest_collection_modifyitems(config, items):
    for item in items:
        only = item.get_closest_marker("engines_only")
        skip = item.get_closest_marker("engines_skip")
        if (only and ENGINE not in only.args) or (skip and ENGINE in skip.args):
            item.add_marker(pytest.mark.skip(reason=f"not run on {ENGINE}"))


def pytest_report_header(config):
    return f"tracker database engine: {ENGINE}"


@pytest.fixture(scope="session", autouse=True)
async def database():
    from tracker import db
    from tracker.documents import render

    await prepare_database()
    await db.start()
    yield
    render.shutdown()
    await db.stop()


@pytest.fixture(autouse=True)
async def clean(database):
    await empty_database()
    yield


@pytest.fixture
async def world(clean) -> World:
    """Organisations, one user per role, and two projects the users belong to (or not)."""
    return await build_world()


@pytest.fixture
async def app():
    from tracker.app import create_app

    return create_app()


@pytest.fixture
async def client_for(app):
    """`await client_for("inspector")` gives a test client logged in as that demo user."""
    opened = []

    async def make(username: str | None):
        client = await logged_in_client(app, username)
        opened.append(client)
        return client

    yield make
    for client in opened:
        await client.__aexit__(None, None, None)


@pytest.fixture
def new_york_host():
    """The process runs as on a host set to New York time (what dt.date.today() and naive now() use)."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = before
        time.tzset()
