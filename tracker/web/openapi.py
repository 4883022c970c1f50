"""What the OpenAPI document says about every route's refusals and downloads, derived in one place.

Each route gets the problem-details responses it can answer, read off the route itself: 400 and 422
when it takes parameters or a body, 401 unless it is public, 403 when a guard checks more than a
login, 404 when its path names a resource, 409 when it writes, 429 for the public writes (login and
voting, which are rate limited). Download routes are described by their real content type.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import ParameterKwarg
from litestar.plugins import ReceiveRoutePlugin
from litestar.routes import BaseRoute, HTTPRoute
from litestar.typing import FieldDefinition

from tracker.types import INT32_MAX
from tracker.web.guards import allow_public, requires_login

PROBLEM = "application/problem+json"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


class FieldError(msgspec.Struct):
    field: str | None = None
    message: str | None = None


class Problem(msgspec.Struct):
    """Problem details (RFC 9457): every refusal of the API, naming the field or the rule."""

    type: str
    title: str
    status: int
    detail: str
    field: str | None = None
    rule: str | None = None
    errors: list[Any] | None = None


_MEANING = {
    400: "The request is malformed or a value fails its schema (the field is named).",
    401: "Not logged in.",
    403: "The caller's role or project membership does not allow this.",
    404: "No such resource (or an id outside 1..2147483647).",
    409: "The change conflicts with the resource's state or a database rule (named).",
    422: "A value breaks a rule (the field or rule is named): e.g. a NUL character, money beyond its column.",
    429: "Too many attempts; retry later.",
}

# Download routes by how their path ends: the content type they answer with.
_DOWNLOADS = ((".pdf", "application/pdf"), ("/pdf", "application/pdf"), (".csv", "text/csv; charset=utf-8"),
              (".xlsx", XLSX))
_IMAGES = ("/photos/{photo_id:int}",)  # JPEG or PNG, as uploaded


def error_statuses(route: HTTPRoute, handler: Any) -> list[int]:
    guards = handler.resolve_guards()
    public = allow_public in guards
    methods = set(handler.http_methods)
    signature = handler.parsed_fn_signature.parameters
    takes_input = bool(route.path_parameters) or any(name not in ("request", "self") for name in signature)
    statuses = []
    if takes_input:
        statuses += [400, 422]
    if not public:
        statuses.append(401)
        if any(g is not requires_login for g in guards):
            statuses.append(403)
    if route.path_parameters:
        statuses.append(404)
    if methods & UNSAFE:
        statuses.append(409)
        if public:
            statuses.append(429)
    return sorted(statuses)


def _download_type(path: str) -> str | None:
    if path.endswith(_IMAGES):
        return "image/*"
    return next((media for suffix, media in _DOWNLOADS if path.endswith(suffix)), None)


class OpenAPIResponsesPlugin(ReceiveRoutePlugin):
    """Adds the derived responses to each API route as it is registered (before the schema is built)."""

    def receive_route(self, route: BaseRoute) -> None:
        if not isinstance(route, HTTPRoute):
            return
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema():
                continue
            derived: dict[int, ResponseSpec] = {
                status: ResponseSpec(data_container=Problem, media_type=PROBLEM, description=_MEANING[status],
                                     generate_examples=False)
                for status in error_statuses(route, handler)
            }
            media = _download_type(route.path)
            if media is not None and "GET" in handler.http_methods:
                derived[handler.status_code] = ResponseSpec(
                    data_container=bytes, media_type=media, description="The file.", generate_examples=False
                )
            handler.responses = {**derived, **(handler.responses or {})}
            _document_id_bounds(route, handler)


def _document_id_bounds(route: HTTPRoute, handler: Any) -> None:
    """Integer path parameters are ids, 1..2^31-1 (`tracker.web.inputs` answers 404 outside).

    Only the schema changes: the handler's parameters were parsed into its request model when it was
    registered, before routes reach this plugin; Litestar itself adds to this mapping when it builds
    the document. A fuzzer reading the bounds tries the values just outside them.
    """
    parameters = handler.parsed_fn_signature.parameters
    for name, definition in route.path_parameters.items():
        if definition.type is int:
            parameters[name] = FieldDefinition.from_kwarg(
                int, name=name, kwarg_definition=ParameterKwarg(ge=1, le=INT32_MAX, description=f"The {name}.")
            )
