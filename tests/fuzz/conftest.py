"""The app served by a real uvicorn process on the test database, for the schemathesis runs."""

from __future__ import annotations

import pytest

from tests.live import serving


@pytest.fixture(scope="session")
async def api_server(database):
    async with serving() as [app]:
        yield app.base
