"""Input every request is checked for before any guard, query or service sees it.

- Integer path parameters are ids: outside 1..2^31-1 no row can have them (PostgreSQL `integer`),
  so the answer is a 404 naming the parameter, before a guard hands the value to the database.
- No text may carry a NUL character (PostgreSQL refuses it in every text column; SQLite would
  store it and truncate it in places): path strings, query strings, JSON bodies and form fields
  are refused with a 422 naming the field. Uploaded files are bytes and are not looked at.
- JSON bodies nested deeper than `MAX_JSON_DEPTH` are refused before decoding (the decoder is
  recursive and would fail with a RecursionError).
"""

from __future__ import annotations

import re
import typing
from typing import Any
from urllib.parse import parse_qsl

from litestar import Request
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.exceptions import SerializationException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

from tracker.errors import Invalid, NotFound
from tracker.types import INT32_MAX

MAX_JSON_DEPTH = 32
NUL = "\x00"

_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth_exceeds(body: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a JSON text nests arrays/objects deeper than `limit` (strings are skipped)."""
    brackets = _JSON_STRING.sub(b"", body).translate(None, _NOT_BRACKET)
    depth = 0
    for byte in brackets:
        if byte in b"[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def nul_field(value: Any, path: str = "") -> str | None:
    """The path of the first string (or object key) holding a NUL character, else None."""
    if isinstance(value, str):
        return path or "body" if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{path}.{key}" if path else str(key)
            if isinstance(key, str) and NUL in key:
                return name
            if (found := nul_field(item, name)) is not None:
                return found
    elif isinstance(value, list):
        for n, item in enumerate(value):
            if (found := nul_field(item, f"{path}[{n}]")) is not None:
                return found
    return None


def refuse_nul(field: str) -> Invalid:
    field = field.replace(NUL, "") or "body"  # a NUL in a key is not repeated in the answer
    return Invalid("{name} contains a NUL character, which no text may hold.", field=field, rule="no_nul", name=field)


class InputLimitsMiddleware(ASGIMiddleware):
    """Path parameters and the query string, checked once routing has parsed them."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        for name, value in (scope.get("path_params") or {}).items():
            if isinstance(value, int) and not 1 <= value <= INT32_MAX:
                raise NotFound("No such {name}: {value}.", field=name, name=name, value=value)
            if isinstance(value, str) and NUL in value:
                raise refuse_nul(name)
        query = scope.get("query_string") or b""
        if query:
            integers = _integer_parameters(scope.get("route_handler"))
            for key, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True, encoding="utf-8",
                                        errors="replace"):
                if NUL in key or NUL in value:
                    raise refuse_nul(key or "query")
                if key in integers and _beyond_int32(value):
                    raise Invalid("{name} must be at most {limit}.", field=key, rule="int32", name=key,
                                  limit=INT32_MAX)
        await next_app(scope, receive, send)


_INTEGER_PARAMETERS: dict[int, frozenset[str]] = {}  # by route handler, which lives as long as the app
_INTEGER = re.compile(r"\s*[+-]?0*(\d+)\s*")


def _beyond_int32(value: str) -> bool:
    match = _INTEGER.fullmatch(value)
    # Counting digits first: int() of a very long string is slow, and refused beyond 4300 digits.
    return bool(match) and (len(match.group(1)) > 10 or int(match.group(1)) > INT32_MAX)


def _integer_parameters(handler: Any) -> frozenset[str]:
    """The handler's own integer query parameters (a page number, an offset): none exceeds a 32-bit int."""
    cached = _INTEGER_PARAMETERS.get(id(handler))
    if cached is None:
        names = set()
        signature = getattr(handler, "parsed_fn_signature", None)
        for name, parameter in (signature.parameters if signature else {}).items():
            annotation = parameter.annotation
            inner = [a for a in typing.get_args(annotation) if a is not type(None)] or [annotation]
            if len(inner) == 1 and inner[0] is int:
                names.add(name)
        cached = frozenset(names)
        _INTEGER_PARAMETERS[id(handler)] = cached
    return cached


async def check_body(request: Request) -> None:
    """Before the body is decoded for a handler: depth of JSON, NUL in JSON and form text.

    Runs as the app's `before_request` hook, after the guards; what it reads is cached on the request,
    so the handler's own decoding does not read or parse the body again.
    """
    if "data" not in request.route_handler.parsed_fn_signature.parameters:
        return
    content_type = request.content_type[0]
    if content_type in (RequestEncodingType.URL_ENCODED, RequestEncodingType.MULTI_PART):
        form = await request.form()
        for key, value in form.multi_items():
            if NUL in key or (not isinstance(value, UploadFile) and NUL in str(value)):
                raise refuse_nul(key or "form")
        return
    body = await request.body()
    if not body:
        return
    if json_depth_exceeds(body):
        raise Invalid("The JSON body is nested deeper than {limit} levels.", field="body", rule="json_depth",
                      limit=MAX_JSON_DEPTH)
    try:
        decoded = await request.json()
    except SerializationException:
        return  # the handler's own decoding answers 400 with the reason
    if (field := nul_field(decoded)) is not None:
        raise refuse_nul(field)
