"""One-time notices: a success says so on the page its redirect leads to, once.

Free of Litestar, so the template environment printable documents share can offer `confirmations()`
without the document renderer (which services call) loading the web framework.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

NOTICES = "notices"  # the session key holding the notices not yet shown
REFUSAL = "refusal"  # the session key holding a refused form until its page shows it
_TAKEN = "tracker.refusal"  # the request's scope key: the kept refusal once read (so every reader sees it)
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


def keep_refusal(kept: dict[str, Any]) -> None:
    """Keep a refused form (`kept["page"]` is the address of the page that shows it) for the next page."""
    scope = request_scope.get()
    session = scope.get("session") if scope is not None else None
    if isinstance(session, dict):
        session[REFUSAL] = kept


def take_refusal() -> dict[str, Any] | None:
    """The refusal kept for this request's page, if any; read once per request and removed from the
    session whatever page is asked next, so a refresh (or any later page) shows the page clean."""
    scope = request_scope.get()
    if scope is None:
        return None
    if _TAKEN not in scope:
        session = scope.get("session")
        scope[_TAKEN] = session.get(REFUSAL) if isinstance(session, dict) else None
        if scope[_TAKEN] is not None:
            # A visitor's session that held only this ends (row and cookie): their CSRF token is not
            # bound to it (tracker.web.auth.CsrfMiddleware), so the page now shown keeps a good token.
            session.pop(REFUSAL)
    kept = scope[_TAKEN]
    if not isinstance(kept, dict):
        return None
    query = scope.get("query_string", b"").decode("latin-1")
    here = scope.get("path", "") + (f"?{query}" if query else "")
    return kept if kept.get("page") == here else None
