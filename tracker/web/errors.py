"""Every refusal as problem details (RFC 9457) for the API, or as a page with the message."""

from __future__ import annotations

import errno
import html
import json
import logging
import sqlite3
from typing import Any

import asyncpg
import asyncpg.exceptions._base as asyncpg_base
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    ValidationException,
)
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

from tracker.db import integrity_conflict
from tracker.errors import DomainError, Invalid
from tracker.i18n import current_locale, gettext, pick_locale
from tracker.settings import get_settings

log = logging.getLogger("tracker")

PROBLEM = "application/problem+json"


def wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith(("/api/", "/schema", "/health")):
        return False
    return "text/html" in request.headers.get("accept", "") or request.method == "GET"


def _problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(content=body, status_code=status, media_type=PROBLEM)


# What a page says for a refusal that carries no message of its own (Litestar's details are English).
STATUS_MESSAGES = {
    400: "The request could not be read.",
    403: "You are not allowed to do this.",
    404: "There is no such page or record.",
    405: "This address does not take that action; go back and use the page's own buttons.",
    413: "What you sent is too large.",
    415: "This kind of content is not accepted here.",
    422: "The form could not be accepted.",
    429: "Too many attempts; wait a moment and try again.",
}


def _reader_locale(request: Request) -> None:
    current_locale.set(pick_locale(request.cookies.get("lang"), get_settings().default_locale))


def _page(request: Request, status: int, message: str, roles: list[str] | None = None) -> Response:
    """The error page in the reader's language, with a way back (error.html); `roles` are those that may.

    A 404 or 405 of an address no route matches is answered before the locale middleware runs: the
    reader's language is read here too (each request runs in its own context, so nothing leaks)."""
    _reader_locale(request)
    return Template(
        template_name="error.html",
        context={"status": status, "message": message, "roles": roles or []},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


def domain_error(request: Request, exc: DomainError) -> Response:
    if wants_html(request):
        return _page(request, exc.status_code, exc.translated(gettext))
    return _problem(exc.status_code, exc.title, exc.detail, field=exc.field, rule=exc.rule, **exc.body)


def validation_error(request: Request, exc: ValidationException) -> Response:
    errors = []
    for item in exc.extra or []:
        if isinstance(item, dict):
            errors.append({"field": item.get("key") or item.get("source"), "message": item.get("message")})
    fields = ", ".join(e["field"] for e in errors if e.get("field"))
    detail = f"Invalid value for: {fields}." if fields else str(exc.detail)
    if errors and errors[0].get("message"):
        detail = f"{detail} {errors[0]['message']}"
    if wants_html(request):
        return _page(request, 400, detail)
    return _problem(400, "Invalid input", detail, errors=errors or None, field=errors[0]["field"] if errors else None)


def http_error(request: Request, exc: HTTPException) -> Response:
    if isinstance(exc, NotAuthorizedException) and wants_html(request):
        return Redirect(path=f"/login?next={request.url.path}")
    if wants_html(request):
        _reader_locale(request)
        detail = str(exc.detail)
        message = gettext(detail)
        if message == detail and exc.status_code in STATUS_MESSAGES:  # not one of ours: say it plainly
            message = gettext(STATUS_MESSAGES[exc.status_code])
        roles = exc.extra.get("roles") if isinstance(exc.extra, dict) else None
        return _page(request, exc.status_code, message, roles)
    return _problem(exc.status_code, type(exc).__name__.removesuffix("Exception") or "Error", str(exc.detail))


def integrity_error(request: Request, exc: Exception) -> Response:
    """A constraint the service did not check first: still a 409 naming the rule, never a 500."""
    return domain_error(request, integrity_conflict(exc))


def data_error(request: Request, exc: Exception) -> Response:
    """A value the database cannot hold that the schemas did not refuse first: still a 422, never a 500.

    PostgreSQL's data exceptions (SQLSTATE class 22: numeric out of range, string too long, NUL or an
    untranslatable character, bad text representation, date out of range), asyncpg's refusal to encode
    an argument, SQLite's OverflowError for an integer beyond 64 bits and its DataError.
    """
    log.warning("database refused a value on %s %s: %s", request.method, request.url.path, exc)
    return domain_error(request, data_invalid(exc))


def data_invalid(exc: Exception) -> Invalid:
    column = getattr(exc, "column_name", None) if isinstance(exc, asyncpg.PostgresError) else None
    rule = getattr(exc, "sqlstate", None) or type(exc).__name__
    if isinstance(exc, asyncpg.exceptions.StringDataRightTruncationError):
        message = "A value is longer than its column allows."
    elif isinstance(exc, (asyncpg.exceptions.CharacterNotInRepertoireError,
                          asyncpg.exceptions.UntranslatableCharacterError)):
        message = "A text holds a character the database cannot store (such as NUL)."
    elif isinstance(exc, (asyncpg.exceptions.NumericValueOutOfRangeError, OverflowError)):
        message = "A number is too large for its column."
    else:
        message = "A value cannot be stored: {reason}"
    return Invalid(message, field=column, rule=str(rule), reason=str(exc).splitlines()[0] if str(exc) else rule)


def internal_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if wants_html(request):
        return _page(request, 500, gettext("Something went wrong on our side; it has been logged."))
    return _problem(HTTP_500_INTERNAL_SERVER_ERROR, "Internal error", "The server failed; the error has been logged.")


EXCEPTION_HANDLERS = {
    DomainError: domain_error,
    ValidationException: validation_error,
    HTTPException: http_error,
    sqlite3.IntegrityError: integrity_error,
    asyncpg.IntegrityConstraintViolationError: integrity_error,
    asyncpg.exceptions.DataError: data_error,
    asyncpg_base.DataError: data_error,
    sqlite3.DataError: data_error,
    OverflowError: data_error,
    HTTP_500_INTERNAL_SERVER_ERROR: internal_error,
}


# --- The database is down, restarting or (SQLite) locked beyond its busy timeout: 503, never 500. ---

RETRY_AFTER_S = 5
_CONNECTION_ERRNOS = frozenset({
    errno.ECONNREFUSED, errno.ECONNRESET, errno.ECONNABORTED, errno.EPIPE, errno.ETIMEDOUT,
    errno.EHOSTUNREACH, errno.ENETUNREACH,
})
# 57P01 terminating by administrator (a fast shutdown), 57P02 crash shutdown, 57P03 the database
# system is starting up / shutting down, 53300 too many connections.
_PG_UNAVAILABLE = (
    asyncpg.PostgresConnectionError,  # class 08: connection does not exist, failure, rejection
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.TooManyConnectionsError,
    # "cannot switch to state …; another operation is in progress": a pooled connection whose server
    # went away between two queries, before asyncpg noticed; it is closed right after.
    asyncpg.exceptions.InternalClientError,
)


def database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` says the database cannot be reached now (as opposed to a bug or bad data)."""
    message = str(exc).lower()
    if isinstance(exc, _PG_UNAVAILABLE) or isinstance(exc, ConnectionError):
        return True
    if isinstance(exc, asyncpg.InterfaceError):  # "connection is closed", "pool is closing"
        return "closed" in message or "closing" in message
    if isinstance(exc, sqlite3.OperationalError):
        return "locked" in message or "busy" in message
    if isinstance(exc, OSError):  # asyncpg's connect: "Multiple exceptions: [Errno 111] Connect call failed"
        return exc.errno in _CONNECTION_ERRNOS or "connect call failed" in message
    return False


def unavailable_error(request: Request, exc: Exception) -> Response:
    if not database_unavailable(exc):
        return internal_error(request, exc)
    log.warning("database unavailable on %s %s: %s: %s", request.method, request.url.path, type(exc).__name__, exc)
    if wants_html(request):
        response = _page(request, 503, gettext("The database is unavailable right now; try again in a moment."))
    else:
        response = _problem(
            503, "Service unavailable", "The database is unavailable right now; try again in a moment.",
            rule="database_unavailable",
        )
    response.headers["Retry-After"] = str(RETRY_AFTER_S)
    return response


EXCEPTION_HANDLERS.update(dict.fromkeys(
    (*_PG_UNAVAILABLE, asyncpg.InterfaceError, sqlite3.OperationalError, OSError), unavailable_error
))


def _unavailable_cause(exc: BaseException) -> BaseException | None:
    """The database failure behind `exc`, following `raise … from …` a few links deep."""
    for _ in range(8):
        if exc is None or database_unavailable(exc):
            return exc
        exc = exc.__cause__ or exc.__context__
    return None


class DatabaseUnavailableGuard:
    """The outermost middleware: the session is written on the way out, once the handler has answered;
    a database failing just then is raised where Litestar's handlers no longer apply, and the server
    would send a bare 500. Unless the response has already begun, answer 503 problem details instead.
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Any) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            cause = _unavailable_cause(exc)
            if started or cause is None:
                raise
            log.warning("database unavailable after %s %s: %s: %s", scope.get("method"), scope.get("path"),
                        type(cause).__name__, cause)
            message = "The database is unavailable right now; try again in a moment."
            if wants_html(Request(scope)):
                # Litestar's templates are out of reach here: a bare page saying the same.
                text = html.escape(gettext(message))
                body = f'<!doctype html><meta charset="utf-8"><title>503</title><p role="alert">{text}</p>'.encode()
                media_type = "text/html; charset=utf-8"
            else:
                body = json.dumps({"type": "about:blank", "title": "Service unavailable", "status": 503,
                                   "detail": message, "rule": "database_unavailable"}).encode()
                media_type = PROBLEM
            await send({"type": "http.response.start", "status": 503, "headers": [
                (b"content-type", media_type.encode()), (b"content-length", str(len(body)).encode()),
                (b"retry-after", str(RETRY_AFTER_S).encode()),
            ]})
            await send({"type": "http.response.body", "body": body})
