"""Browser fixtures: the app served by uvicorn on the test database, and a phone-sized Chromium page."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.live import serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
async def live_server(database):
    """A real uvicorn process on a free loopback port, reading the same database as the tests."""
    async with serving() as [app]:
        yield app.base


@pytest.fixture(scope="session")
async def browser():
    from playwright.async_api import async_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make setup does as root)")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        await browser.close()


@pytest.fixture
async def browser_page(browser, live_server):
    """A fresh phone-sized page (390×844, touch) whose relative URLs go to the live server."""
    context = await browser.new_context(base_url=live_server, locale="zh-CN", **PHONE)
    page = await context.new_page()
    page.set_default_timeout(15000)
    yield page
    await context.close()
