"""Clients at a chosen network address, and settings changed for one test."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Iterator

import httpx

from tracker.settings import get_settings


@contextlib.asynccontextmanager
async def client_at(app, address: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
    """A client whose connection comes from `address` (what the ASGI server reports as the peer)."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver.local") as client:
        yield client


@contextlib.contextmanager
def settings_env(**values: str) -> Iterator[None]:
    """Run with these environment settings (e.g. TRUSTED_PROXIES), then restore the previous ones."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    get_settings.cache_clear()
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        get_settings.cache_clear()


def login(username: str, password: str) -> dict:
    return {"username": username, "password": password}
