"""A Litestar session store in the database, so every app process sees the same sessions."""

from __future__ import annotations

import datetime as dt

from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.stores.base import Store
from litestar.types import Empty, EmptyType, Message, ScopeSession

from tracker import clock
from tracker.accounts.tables import WebSession


def _expiry(expires_in: int | dt.timedelta | None) -> dt.datetime | None:
    if expires_in is None:
        return None
    seconds = expires_in.total_seconds() if isinstance(expires_in, dt.timedelta) else expires_in
    return clock.now() + dt.timedelta(seconds=seconds)


class DatabaseSessionStore(Store):
    async def set(self, key: str, value: str | bytes, expires_in: int | dt.timedelta | None = None) -> None:
        data = value.encode() if isinstance(value, str) else value
        expires_at = _expiry(expires_in)
        updated = await WebSession.update({WebSession.data: data, WebSession.expires_at: expires_at}).where(
            WebSession.key == key
        ).returning(WebSession.id)
        if not updated:
            await WebSession.insert(WebSession(key=key, data=data, expires_at=expires_at))

    async def get(self, key: str, renew_for: int | dt.timedelta | None = None) -> bytes | None:
        rows = await WebSession.select(WebSession.data, WebSession.expires_at).where(WebSession.key == key)
        if not rows:
            return None
        row = rows[0]
        if row["expires_at"] is not None and row["expires_at"] <= clock.now():
            await self.delete(key)
            return None
        if renew_for is not None:
            await WebSession.update({WebSession.expires_at: _expiry(renew_for)}).where(WebSession.key == key)
        data = row["data"]
        return bytes(data) if not isinstance(data, bytes) else data

    async def delete(self, key: str) -> None:
        await WebSession.delete().where(WebSession.key == key)

    async def delete_all(self) -> None:
        await WebSession.delete(force=True)

    async def exists(self, key: str) -> bool:
        return await self.get(key) is not None

    async def expires_in(self, key: str) -> int | None:
        rows = await WebSession.select(WebSession.expires_at).where(WebSession.key == key)
        if not rows or rows[0]["expires_at"] is None:
            return None
        return int((rows[0]["expires_at"] - clock.now()).total_seconds())

    async def delete_expired(self) -> int:
        gone = await WebSession.delete().where(WebSession.expires_at < clock.now()).returning(
            WebSession.id
        )
        return len(gone)


class SessionBackend(ServerSideSessionBackend):
    """Litestar's server-side sessions, minus a row and a cookie for every anonymous request.

    Litestar stores the empty session of a visitor who has none, so each anonymous request (a
    resident's ballot, /health, a public page) would write a session row and set a cookie. A
    session is kept once it holds something, or once its cookie exists (so logging out still ends it).
    """

    async def store_in_message(self, scope_session: ScopeSession | EmptyType, message: Message,
                               connection: ASGIConnection[Any, Any, Any, Any]) -> None:
        if not scope_session and scope_session is not Empty and not connection.cookies.get(self.config.key):
            return
        await super().store_in_message(scope_session, message, connection)


@dataclass
class SessionConfig(ServerSideSessionConfig):
    _backend_class = SessionBackend
