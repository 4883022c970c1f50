"""Per-request middleware: the client's address, the CSRF check, authentication (the logged-in actor) and the reader's locale."""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.enums import RequestEncodingType
from litestar.exceptions import PermissionDeniedException
from litestar.middleware import ASGIMiddleware
from litestar.middleware.authentication import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import ASGIApp, Message, Receive, Scope, Send
from litestar.utils.scope.state import ScopeState

from tracker.accounts.services import actor_of_row, load_actor
from tracker.accounts.sessions import USER_KEY, cookie_value, current_id, loaded_user
from tracker.i18n import current_locale, pick_locale
from tracker.settings import get_settings

SESSION_USER_KEY = USER_KEY
CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "x-csrftoken"
CSRF_FIELD = "_csrf_token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
_CLIENT = "tracker.client"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _cookie(scope: Scope, name: str) -> str | None:
    return cookie_value(scope, name)


def _ip(text: str) -> IPAddress | None:
    """An address as a proxy writes it: bare, or with a port (`1.2.3.4:5678`, `[2001:db8::1]:5678`)."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    return ip.ipv4_mapped or ip if ip.version == 6 else ip


def client_address(scope: Scope) -> str:
    """The client's address, decided once per request for rate limits and the audit log.

    The connection's peer, unless that peer is one of TRUSTED_PROXIES: then X-Forwarded-For is read
    from the right, past every trusted proxy, and the first address that is not one is the client.
    The left-most entries are whatever the client sent and are never believed.
    """
    cached = scope.get(_CLIENT)
    if cached is not None:
        return cached
    peer = scope.get("client")
    address = peer[0] if peer else "unknown"
    trusted = get_settings().trusted_proxies
    ip = _ip(address)
    if ip is not None:
        address = str(ip)
        if any(ip in net for net in trusted):
            hops = [
                hop
                for key, value in scope.get("headers", [])
                if key == b"x-forwarded-for"
                for hop in value.decode("latin-1").split(",")
            ]
            for hop in reversed(hops):
                hop_ip = _ip(hop)
                if hop_ip is None:
                    break  # not an address a trusted proxy writes: keep the last hop we can vouch for
                address = str(hop_ip)
                if not any(hop_ip in net for net in trusted):
                    break
    scope[_CLIENT] = address
    return address


def _logged_in(scope: Scope) -> bool:
    """Whether the request's session (as loaded, or as the handler left it) is a logged-in user's."""
    session = scope.get("session")
    return isinstance(session, dict) and bool(session.get(SESSION_USER_KEY))


def _mac(message: str) -> str:
    return hmac.new(get_settings().secret_key.encode(), message.encode(), hashlib.sha256).hexdigest()


def session_csrf_token(session_id: str) -> str:
    """A logged-in session's token: derived from its id, so it is good for that session only."""
    return _mac(f"csrf-session:{session_id}")


def _anonymous_token() -> str:
    nonce = secrets.token_hex(16)
    return f"{nonce}.{_mac(f'csrf-anonymous:{nonce}')}"


def _valid_anonymous(token: str | None) -> bool:
    if not token or token.count(".") != 1:
        return False
    nonce, mac = token.split(".")
    return hmac.compare_digest(mac, _mac(f"csrf-anonymous:{nonce}"))


class CsrfMiddleware(ASGIMiddleware):
    """Every unsafe request carries the token of its own session (`x-csrftoken` header or `_csrf_token`).

    With a logged-in session the token is an HMAC of the session id, so a token taken from one session
    is refused in another, and it changes when login or logout replaces the session. A visitor (the
    login form, the resident's voting page) has a signed random value that must match the `csrftoken`
    cookie, whether or not a session keeps something for them (a refused form, a ballot's receipt):
    binding a visitor's token to a session made mid-visit changed it under the pages already open (the
    one Back returns to, another tab), whose next form was then refused (issue 10). Routes marked
    `exclude_from_csrf` (the JSON login, the public voting API, whose code is the credential) are not
    checked. The `csrftoken` cookie always holds the token the next request needs.
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if scope["type"] != "http":
            await next_app(scope, receive, send)
            return
        session_id = current_id(scope) if _logged_in(scope) else None
        cookie = _cookie(scope, CSRF_COOKIE)
        anonymous_ok = _valid_anonymous(cookie)
        if session_id is not None:
            expected = session_csrf_token(session_id)
        else:
            expected = cookie if anonymous_ok else None
        route_handler = scope.get("route_handler")
        exempt = bool(route_handler is not None and route_handler.opt.get("exclude_from_csrf"))
        if scope["method"] not in SAFE_METHODS and not exempt:
            submitted = await self._submitted(scope, receive)
            if not expected or not submitted or not hmac.compare_digest(submitted, expected):
                raise PermissionDeniedException("CSRF token verification failed")
        # An exempt anonymous call (a ballot) needs no token: none is made for it.
        token = expected or ("" if exempt else _anonymous_token())
        ScopeState.from_scope(scope).csrf_token = token

        async def send_with_token(message: Message) -> None:
            if message["type"] == "http.response.start":
                final = current_id(scope) if _logged_in(scope) else None
                if final is not None:
                    renewed = session_csrf_token(final)
                elif session_id is not None or not exempt:
                    # Logged out: a new anonymous token, never the old session's.
                    renewed = token if session_id is None else _anonymous_token()
                else:
                    renewed = cookie  # an exempt anonymous call (a ballot) gets no cookie
                if renewed and renewed != cookie:
                    settings = get_settings()
                    MutableScopeHeaders.from_message(message).add("set-cookie", Cookie(
                        key=CSRF_COOKIE, value=renewed, path="/", samesite="lax", secure=settings.secure_cookies,
                        httponly=False, max_age=settings.session_max_age,
                    ).to_header(header=""))
            await send(message)

        await next_app(scope, receive, send_with_token)

    @staticmethod
    async def _submitted(scope: Scope, receive: Receive) -> str | None:
        for key, value in scope.get("headers", []):
            if key == CSRF_HEADER.encode():
                return value.decode("latin-1")
        request: Any = scope["litestar_app"].request_class(scope=scope, receive=receive)
        if request.content_type[0] in (RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART):
            value = (await request.form()).get(CSRF_FIELD)
            return value if isinstance(value, str) else None
        return None


class SessionAuthentication(AbstractAuthenticationMiddleware):
    """Litestar's authentication middleware over our sessions: `request.user` is the logged-in `Actor`,
    or None for an anonymous request (the route's guards decide what that may do)."""

    def __init__(self, app: ASGIApp) -> None:
        # Every method, OPTIONS included, gets `user` set, so guards never meet a missing key.
        super().__init__(app, exclude_http_methods=())

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        session = connection.scope.get("session") or {}
        user_id = session.get(SESSION_USER_KEY) if isinstance(session, dict) else None
        actor = None
        if user_id:
            # Read with the session in its one statement, unless the data names the user another way.
            read, row = loaded_user(connection.scope, user_id)
            actor = (actor_of_row(row) if row is not None else None) if read else await load_actor(int(user_id))
        return AuthenticationResult(user=actor, auth=current_id(connection.scope) if actor else None)


class LocaleMiddleware(ASGIMiddleware):
    """The reader's language for this request: the `lang` cookie, else the configured default."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        token = current_locale.set(pick_locale(_cookie(scope, "lang"), get_settings().default_locale))
        try:
            await next_app(scope, receive, send)
        finally:
            current_locale.reset(token)
