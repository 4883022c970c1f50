"""Middleware putting the logged-in actor and the reader's locale on every request."""

from __future__ import annotations

from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from tracker.accounts.services import load_actor
from tracker.i18n import current_locale, pick_locale
from tracker.settings import get_settings

SESSION_USER_KEY = "user_id"


def _cookie(scope: Scope, name: str) -> str | None:
    for key, value in scope.get("headers", []):
        if key == b"cookie":
            for part in value.decode("latin-1").split(";"):
                k, _, v = part.strip().partition("=")
                if k == name:
                    return v
    return None


class ActorMiddleware(ASGIMiddleware):
    """Anonymous requests get `user = None`; the route's guards decide what that may do."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        session = scope.get("session") or {}
        user_id = session.get(SESSION_USER_KEY) if isinstance(session, dict) else None
        scope["user"] = await load_actor(int(user_id)) if user_id else None
        locale = pick_locale(_cookie(scope, "lang"), get_settings().default_locale)
        token = current_locale.set(locale)
        try:
            await next_app(scope, receive, send)
        finally:
            current_locale.reset(token)
