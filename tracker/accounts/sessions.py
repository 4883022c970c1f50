"""Server-side sessions in the database, so every app process sees the same sessions.

The cookie carries a random id only the server makes; the `web_session` row is keyed by its SHA-256,
so a copy of the table opens no session. A cookie naming an id the store does not hold (made up,
expired, ended) is ignored, never adopted: data stored later gets a new random id. Logging in and out
start over with a fresh id and delete the old row (`start_session`, `end_session`), so an id planted
before login never becomes an authenticated session.

Rows are written only when something changes: a new or changed session, or an expiry renewed once
less than `RENEW_BELOW` of the session's lifetime is left. A page view by a logged-in user therefore
writes nothing (on SQLite a write takes the database's one write lock), and the expiry slides only by
those renewals: a session used at least once in every half lifetime never ends, one left alone ends
between half and one full lifetime after its last use. Anonymous requests that store nothing get no
row and no cookie.

The session's row is read together with the user its data names and that user's memberships, in one
statement (`_load`): the authentication middleware builds the actor from that row (`loaded_user`)
instead of asking again, so a logged-in request starts with one statement, not three. Nothing about
the user is kept between requests: a deactivated user or a changed membership counts on the next one.
A write whose path names a `project_id` also reads there whether that project is archived, which the
membership guard would otherwise ask in a statement of its own (`archived_project`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from tracker import clock, db
from tracker.accounts.tables import WebSession

COOKIE = "tracker_session"
# Renew an unchanged session's expiry (one UPDATE and a fresh cookie) once less than this share of
# SESSION_MAX_AGE is left: with 12 hours, at most one write per session every 6 hours of use, and
# never a write for a page view before then. A larger share writes more often; a smaller one lets a
# session in steady use end sooner after a pause.
RENEW_BELOW = 0.5
_STATE = "tracker.session"
_ID = re.compile(r"^[0-9a-f]{64}$")
USER_KEY = "user_id"  # the session data's key naming the logged-in user (set at login)

# The session, the user its data names (NULLs when none) and their projects. The user's id is read
# from the stored JSON only when it is a plain integer, as login stores it; anything else is left to
# `tracker.accounts.services.load_actor` (see `loaded_user`).
_USER_COLUMNS = (
    "u.id AS user_id, u.username, u.display_name, u.role, u.organisation, u.household, u.active"
)
# The archived project's code when the request's write names an archived project (NULL otherwise).
_ARCHIVED = "(SELECT p.code FROM project p WHERE p.id = {} AND p.archived_at IS NOT NULL) AS archived_code"
_LOAD_PG = (
    f"SELECT s.data, s.expires_at, {_USER_COLUMNS}, {_ARCHIVED}, "
    'ARRAY(SELECT m.project FROM membership m WHERE m."user" = u.id) AS projects '
    f"FROM web_session s CROSS JOIN LATERAL (SELECT convert_from(s.data, 'UTF8')::jsonb ->> '{USER_KEY}' AS j) d "
    "LEFT JOIN app_user u ON u.id = CASE WHEN d.j ~ '^[0-9]+$' AND length(d.j) <= 10 THEN d.j::bigint END "
    "WHERE s.key = {}"
)
_LOAD_SQLITE = (
    f"SELECT s.data, s.expires_at, {_USER_COLUMNS}, {_ARCHIVED}, "
    '(SELECT group_concat(m.project) FROM membership m WHERE m."user" = u.id) AS projects '
    "FROM web_session s LEFT JOIN app_user u ON u.id = "
    f"(CASE WHEN json_type(CAST(s.data AS TEXT), '$.{USER_KEY}') = 'integer' "
    f"THEN json_extract(CAST(s.data AS TEXT), '$.{USER_KEY}') END) "
    "WHERE s.key = {}"
)


def _stored_key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def cookie_value(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
    return None


@dataclass
class SessionState:
    """What the middleware knows about this request's session."""

    id: str | None = None  # the stored session this request runs in (None: none, or not yet stored)
    loaded: bytes | None = None  # its data as stored
    expires_at: dt.datetime | None = None
    fresh: bool = False  # `id` was made by this request and has no row yet
    retired: str | None = None  # a session this request ended or replaced: its row goes
    cookie_sent: bool = False
    user: dict[str, Any] | None = None  # the user row read with the session (`_load`), None if not read
    user_key: Any = None  # the session data's user id that row was read for
    project_id: int | None = None  # the project whose archived state was read with the session ...
    archived_code: str | None = None  # ... and its code if it is archived


def _state(scope: Scope) -> SessionState:
    return scope[_STATE]


def _data(scope: Scope) -> dict[str, Any] | None:
    data = scope.get("session")
    return data if isinstance(data, dict) and data else None


def current_id(scope: Scope) -> str | None:
    """The session id this request's response carries: a new one if data is stored for the first time."""
    state = scope.get(_STATE)
    if state is None or _data(scope) is None:
        return None
    if state.id is None:
        state.id, state.fresh = secrets.token_hex(32), True
    return state.id


def start_session(connection: ASGIConnection, data: dict[str, Any]) -> None:
    """Replace the session (at login): a fresh id, the old row deleted."""
    state = _state(connection.scope)
    if state.id is not None and not state.fresh:
        state.retired = state.id
    state.id, state.fresh = None, False
    connection.scope["session"] = dict(data)


def end_session(connection: ASGIConnection) -> None:
    """End the session (at logout): its row deleted, its cookie expired."""
    state = _state(connection.scope)
    if state.id is not None and not state.fresh:
        state.retired = state.id
    state.id, state.fresh = None, False
    connection.scope["session"] = {}


def loaded_user(scope: Scope, user_id: Any) -> tuple[bool, dict[str, Any] | None]:
    """The user row read with this request's session for `user_id`: `(True, row)`, the row None when no
    such user exists; `(False, None)` when it was not read for that id (the caller reads the user itself)."""
    state = scope.get(_STATE)
    if state is None or state.user is None or type(user_id) is not int or state.user_key != user_id:
        return False, None
    return True, (state.user if state.user["user_id"] is not None else None)


def archived_project(scope: Scope, project_id: int) -> tuple[bool, str | None]:
    """Whether project `project_id` was read with this request's session: `(True, code)`, the code None
    unless the project is archived; `(False, None)` when it was not read (the caller reads it itself)."""
    state = scope.get(_STATE)
    if state is None or state.project_id is None or state.project_id != project_id:
        return False, None
    return True, state.archived_code


def _written_project(scope: Scope) -> int | None:
    """The project a write's path names (`project_id`), whose archived state the membership guard needs."""
    if scope.get("method") in ("GET", "HEAD", "OPTIONS"):
        return None
    value = (scope.get("path_params") or {}).get("project_id")
    # Only a valid id (InputLimitsMiddleware has refused the rest before this middleware runs).
    return value if type(value) is int and 0 < value <= 2**31 - 1 else None


async def _load(session_id: str, project_id: int | None) -> tuple[bytes, dt.datetime | None, dict[str, Any]] | None:
    rows = await WebSession.raw(_LOAD_PG if db.is_postgres() else _LOAD_SQLITE, project_id, _stored_key(session_id))
    if not rows:
        return None
    row = rows[0]
    expires_at = row["expires_at"]
    if isinstance(expires_at, str):  # SQLite's raw rows hand back the stored text
        expires_at = dt.datetime.fromisoformat(expires_at)
        expires_at = expires_at if expires_at.tzinfo else expires_at.replace(tzinfo=dt.timezone.utc)
    if expires_at is not None and expires_at <= clock.now():
        return None
    return bytes(row["data"]), expires_at, row


class SessionMiddleware(ASGIMiddleware):
    def __init__(self, *, max_age: int, secure: bool) -> None:
        self.max_age = max_age
        self.secure = secure

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        state = SessionState()
        data: dict[str, Any] = {}
        raw = cookie_value(scope, COOKIE)
        state.cookie_sent = raw is not None
        if raw and _ID.match(raw):
            project_id = _written_project(scope)
            found = await _load(raw, project_id)
            if found is not None:
                state.id, (state.loaded, state.expires_at, row) = raw, found
                if project_id is not None:
                    state.project_id, state.archived_code = project_id, row["archived_code"]
                data = msgspec.json.decode(state.loaded)
                key = data.get(USER_KEY) if isinstance(data, dict) else None
                if type(key) is int and 0 < key <= 2**31 - 1:  # the id the statement read the user for
                    state.user, state.user_key = row, key
        scope[_STATE] = state
        scope["session"] = data

        async def send_storing(message: Message) -> None:
            if message["type"] == "http.response.start":
                await self._store(scope, state, message)
            await send(message)

        await next_app(scope, receive, send_storing)

    def _cookie(self, value: str, max_age: int) -> str:
        return Cookie(
            key=COOKIE, value=value, max_age=max_age, path="/", httponly=True, samesite="lax", secure=self.secure
        ).to_header(header="")

    async def _store(self, scope: Scope, state: SessionState, message: Message) -> None:
        headers = MutableScopeHeaders.from_message(message)
        if state.retired is not None:
            await WebSession.delete().where(WebSession.key == _stored_key(state.retired))
        data = _data(scope)
        if data is None:
            if state.id is not None and not state.fresh:  # cleared by the handler
                await WebSession.delete().where(WebSession.key == _stored_key(state.id))
            if state.cookie_sent:
                headers.add("set-cookie", self._cookie("", 0))
            return
        session_id = current_id(scope)
        assert session_id is not None
        encoded = msgspec.json.encode(data)
        now = clock.now()
        expires_at = now + dt.timedelta(seconds=self.max_age)
        if state.fresh:
            await WebSession.insert(WebSession(key=_stored_key(session_id), data=encoded, expires_at=expires_at))
            state.fresh = False
        elif encoded != state.loaded:
            await WebSession.update({WebSession.data: encoded, WebSession.expires_at: expires_at}).where(
                WebSession.key == _stored_key(session_id)
            )
        elif state.expires_at is None or state.expires_at - now < dt.timedelta(seconds=self.max_age * RENEW_BELOW):
            await WebSession.update({WebSession.expires_at: expires_at}).where(
                WebSession.key == _stored_key(session_id)
            )
        else:
            return
        headers.add("set-cookie", self._cookie(session_id, self.max_age))
