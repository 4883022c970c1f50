"""One-time notices: a success says so on the page its redirect leads to, once.

Free of Litestar, so the template environment printable documents share can offer `confirmations()`
without the document renderer (which services call) loading the web framework.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

NOTICES = "notices"  # the session key holding the notices not yet shown
DONE = "Saved. The record below shows the change."
# The request's ASGI scope, set by `tracker.web.forms.RequestScopeMiddleware` for the request's lifetime.
request_scope: ContextVar[dict[str, Any] | None] = ContextVar("tracker_request_scope", default=None)


def notify(message: str) -> None:
    """Keep `message` (already in the reader's language) in the server-side session for the next page."""
    scope = request_scope.get()
    session = scope.get("session") if scope is not None else None
    if isinstance(session, dict):
        session[NOTICES] = [*session.get(NOTICES, []), message][-3:]


def notices() -> list[str]:
    """The notices waiting for this reader, removed as they are read: shown once, on the next page."""
    scope = request_scope.get()
    session = scope.get("session") if scope is not None else None
    if not isinstance(session, dict) or NOTICES not in session:
        return []
    return list(session.pop(NOTICES))
