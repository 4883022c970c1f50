"""Forms of the pages convert through the API's own request schemas, with the same limits.

A page that built its Struct by calling the constructor skipped every `msgspec.Meta` bound (the
constructor does not validate), so an over-long field reached the database and failed there as a 500
where the API answers 400. `parse_form` is the one way a page turns a submitted form into a schema:
`msgspec.convert(..., strict=False)` turns the form's strings into ints, dates, Decimals and enums
and checks every bound; a refusal is an `Invalid` naming the field and the rule, which each page
shows next to its form the way it shows any other domain error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field as dataclass_field
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

import msgspec
from litestar import Response
from litestar.datastructures import UploadFile
from litestar.exceptions import HTTPException
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send
from litestar.response import Redirect, Template
from msgspec import inspect as mi

from tracker import clock
from tracker.errors import DomainError, Invalid
from tracker.i18n import gettext
from tracker.web.notices import DONE, keep_refusal, notify, request_scope, take_refusal

S = TypeVar("S", bound=msgspec.Struct)
T = TypeVar("T")

# The English label of each form field (the msgid its form shows); a field without one is named as is.
LABELS = {
    "active": "In use",
    "addressed_org_id": "To contractor",
    "approve": "Opinion",
    "building_id": "Building",
    "category": "Category",
    "cause": "Cause",
    "cause_details": "Details of the cause",
    "certificate_no": "Title certificate",
    "choices": "Choices",
    "closes_at": "Voting closes",
    "code": "Voting code",
    "confirm": "Confirmation",
    "consultation_id": "Consultation",
    "contact_phone": "Contact phone",
    "content": "Content",
    "deadline": "Deadline",
    "description": "Description",
    "display_name": "Name",
    "effective_at": "Effective from",
    "email": "E-mail",
    "emergency": "Emergency",
    "estimated_cost": "Estimated cost (yuan)",
    "explanation": "What was done",
    "household_id": "Household",
    "issue_ids": "Issues",
    "item_class": "Item class",
    "kind": "Kind",
    "location": "Location",
    "lock_ballots": "Ballots locked",
    "moved_on": "Moved out on",
    "name": "Name",
    "non_voters_agree": "Non-voters counted",
    "occurred_on": "Date",
    "opens_at": "Voting opens",
    "opinion": "Opinion",
    "organisation_id": "Organisation",
    "organiser": "Organiser",
    "owner_consent_at": "Consented at",
    "owner_consent_by": "Consented by (owner)",
    "part": "Part",
    "password": "Password",  # nosec B105 - the label of the password field, not a password
    "password_again": "Password again",
    "position": "Sort order",
    "project_ids": "Projects",
    "proposed_date": "Proposed resumption date",
    "proxy_name": "Proxy",
    "proxy_reference": "Authorisation reference",
    "purpose": "Purpose",
    "reason": "Reason",
    "requirements": "Requirements",
    "resident_share": "Resident's share (yuan)",
    "responsible_org_id": "Responsible contractor",
    "resume_at": "Resume from",
    "role": "Role",
    "rule_key": "Rule",
    "rule_p": "Share of the whole roll",
    "scope": "Scope",
    "sealed_on": "Sealed on",
    "seed": "Published seed",
    "severity": "Severity",
    "signed_on": "Signed on",
    "stairwell": "Stairwell",
    "statement": "Statement",
    "strategy": "Strategy",
    "subject": "Subject",
    "summary": "Summary",
    "title": "Title",
    "user_id": "User",
    "username": "User name",
    "visibility": "Results visible",
}

_PATH = re.compile(r"- at `\$(?P<path>[^`]*)`")
_MISSING = re.compile(r"missing required field `(?P<field>[^`]+)`")
_LENGTH = re.compile(r"Expected `(?P<kind>str|array|object)` of length (?P<op>[<>]=) (?P<n>\d+)")
_BOUND = re.compile(r"Expected `(?:int|float|decimal)` (?P<op>[<>]=?) (?P<n>-?[\d.]+)")
_KIND = re.compile(r"Expected `(?P<kind>[^`]+)`, got")


class FormInvalid(Invalid):
    """A form value the schema refuses; the field's label is translated with the message."""

    def translated(self, gettext) -> str:
        params = dict(self.params)
        params["name"] = gettext(str(params["name"]))
        return gettext(self.template).format(**params)


def label(field: str) -> str:
    return LABELS.get(field, field)


def _kinds(t: mi.Type) -> list[mi.Type]:
    return list(t.types) if isinstance(t, mi.UnionType) else [t]


def _first(value: Any) -> Any:
    if isinstance(value, (list, tuple)):
        return value[0] if value else ""
    return value


def _clean(value: Any, verbatim: bool) -> Any:
    return value.strip() if isinstance(value, str) and not verbatim else value


def _local_moment(text: str, zone: dt.tzinfo) -> dt.datetime | str:
    """A `datetime-local` field (no seconds, no zone) is the site's wall-clock time."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text  # msgspec refuses it and names the field
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def _prepare(t: mi.Type, value: Any, verbatim: bool, zone: dt.tzinfo, required: bool = False) -> Any:
    """One form value shaped for its field's type; `msgspec.NODEFAULT` leaves the field out.

    An empty value of a field without a default is left out too, so msgspec refuses it as "required"
    naming the field: a select left on "Choose…" (a catalogue code is text) is never taken as given."""
    kinds = _kinds(t)
    if any(isinstance(k, (mi.ListType, mi.SetType, mi.FrozenSetType)) for k in kinds):
        values = value if isinstance(value, (list, tuple)) else [value]
        return [_clean(v, verbatim) for v in values if not (isinstance(v, str) and not v.strip())]
    value = _clean(_first(value), verbatim)
    if not isinstance(value, str):
        return value
    if value == "" and any(isinstance(k, mi.NoneType) for k in kinds):
        return None  # an empty optional field is "not given"
    if value == "" and (required or not any(isinstance(k, mi.StrType) for k in kinds)):
        return msgspec.NODEFAULT  # the schema's default, or "required" when it has none
    if any(isinstance(k, mi.DateTimeType) for k in kinds):
        return _local_moment(value, zone)
    if any(isinstance(k, mi.BoolType) for k in kinds) and value.lower() == "on":
        return True  # a checkbox without a value attribute
    return value


def _refusal(error: msgspec.ValidationError) -> FormInvalid:
    """msgspec's message as a sentence naming the field and the rule."""
    text = str(error)
    missing = _MISSING.search(text)
    path = _PATH.search(text)
    if missing:
        field = missing.group("field")
    elif path:
        # `$.items[0].explanation` → explanation; `$.issue_ids[2]` → issue_ids
        names = re.findall(r"\.([A-Za-z_][A-Za-z0-9_]*)", path.group("path"))
        field = names[-1] if names else "?"
    else:
        field = "?"
    name = label(field)
    if missing:
        return FormInvalid("{name} is required.", field=field, rule="required", name=name)
    length = _LENGTH.search(text)
    if length:
        n = int(length.group("n"))
        if length.group("op") == "<=":
            return FormInvalid("{name} is too long (at most {max} characters).", field=field, rule="max_length",
                               name=name, max=n)
        if n <= 1:
            return FormInvalid("{name} is required.", field=field, rule="required", name=name)
        return FormInvalid("{name} is too short (at least {min} characters).", field=field, rule="min_length",
                           name=name, min=n)
    bound = _BOUND.search(text)
    if bound:
        if bound.group("op").startswith(">"):
            return FormInvalid("{name} must be at least {min}.", field=field, rule="minimum", name=name,
                               min=bound.group("n"))
        return FormInvalid("{name} must be at most {max}.", field=field, rule="maximum", name=name,
                           max=bound.group("n"))
    if "Invalid enum value" in text:
        return FormInvalid("{name}: choose one of the values offered.", field=field, rule="choice", name=name)
    if "RFC3339 encoded date" in text and "datetime" not in text:
        return FormInvalid("{name} must be a date (YYYY-MM-DD).", field=field, rule="date", name=name)
    if "RFC3339 encoded datetime" in text:
        return FormInvalid("{name} must be a date and time.", field=field, rule="datetime", name=name)
    if "matching regex" in text:
        return FormInvalid("{name} has the wrong format.", field=field, rule="pattern", name=name)
    kind = _KIND.search(text)
    if kind and any(k in kind.group("kind") for k in ("int", "float", "decimal")):
        return FormInvalid("{name} must be a number.", field=field, rule="number", name=name)
    return FormInvalid("Invalid value for {name}.", field=field, rule="invalid", name=name)


def parse_form(form: Mapping[str, Any], schema: type[S], *, verbatim: frozenset[str] | set[str] = frozenset(),
               **values: Any) -> S:
    """The submitted `form` as `schema`, checked exactly as the API checks its JSON body.

    Only the schema's own fields are read (a page's form also carries its CSRF token, paging and the
    like). Text is trimmed except in the `verbatim` fields (a password); an empty field that is not
    text means "not given" (None, or the schema's default); a field of several values (ticked boxes)
    becomes a list; `datetime-local` values are the configured zone's wall-clock time. `values` are
    fields the page supplies itself (a default subject, the choices read from per-item fields); they
    override the form and go through the same conversion and limits.
    Raises `FormInvalid` (422) naming the field and the rule.
    """
    zone = clock.zone()
    raw: dict[str, Any] = {}
    for field in mi.type_info(schema).fields:
        if field.name in values:
            value = values[field.name]
        elif field.name in form:
            value = form[field.name]
        else:
            continue
        prepared = _prepare(field.type, value, field.name in verbatim, zone, field.required)
        if prepared is not msgspec.NODEFAULT:
            raw[field.name] = prepared
    try:
        return msgspec.convert(raw, schema, strict=False)
    except msgspec.ValidationError as exc:
        raise _refusal(exc) from None


@dataclass(frozen=True)
class Refusal:
    """A refused form as its page shows it again: the message in the reader's language, the field it
    concerns (the template puts it beside that field, `_forms.html`), the status, what was typed, the
    rule, and the address the form was sent to (`action`: which of a page's forms was refused)."""

    message: str
    field: str | None
    status: int
    values: Mapping[str, Any]
    rule: str | None = None
    action: str | None = None
    several: Mapping[str, list[str]] = dataclass_field(default_factory=dict)  # the fields sent more than once

    @classmethod
    def of(cls, error: DomainError, form: Mapping[str, Any] | None = None) -> Refusal:
        scope = request_scope.get() or {}
        message = error.translated(gettext)
        if _chose_files(form, scope):
            message = f"{message} {gettext('Choose the file again: a chosen file is not kept when a form is refused.')}"
        values, several = _typed(form)
        return cls(message, error.field, error.status_code, values, error.rule, scope.get("path"), several)

    def all(self, name: str) -> list[str]:
        """Every value sent for `name` (the boxes ticked: one is sent as text, several as a list), so a
        template can tick them again: `{% if i.id|string in refusal.all("issue_ids") %}checked`."""
        if name in self.several:
            return list(self.several[name])
        value = self.values.get(name)
        return [value] if isinstance(value, str) else []

    def action_id(self, segment: str) -> int | None:
        """The id after `segment` in the address the refused form was sent to (`/inspections/reports/7/accept`
        → 7 for "reports"): which of a page's per-record forms the refusal belongs to."""
        match = re.search(rf"/{re.escape(segment)}/(\d{{1,18}})(?:/|$)", self.action or "")
        return int(match.group(1)) if match else None

    def kept(self, page: str) -> dict[str, Any]:
        """The refusal as the session keeps it until `page` shows it (`from_kept`)."""
        return {"page": page, "message": self.message, "field": self.field, "status": self.status,
                "values": dict(self.values), "rule": self.rule, "action": self.action, "several": dict(self.several)}

    @classmethod
    def from_kept(cls, kept: Mapping[str, Any]) -> Refusal:
        return cls(str(kept.get("message", "")), kept.get("field"), int(kept.get("status", 422)),
                   dict(kept.get("values") or {}), kept.get("rule"), kept.get("action"), dict(kept.get("several") or {}))


# A typed value kept for the page to refill is cut at this length: the session store is no upload area.
KEPT_CHARS = 20_000


# A form keeps at most this many values of one field sent several times (ticked boxes) for its refill.
KEPT_VALUES = 1_000


def _typed(form: Mapping[str, Any] | None) -> tuple[dict[str, str], dict[str, list[str]]]:
    """What the page may refill, never the CSRF token or a password: the text of each field sent once
    (`values`, which templates read as text), and every text of a field sent several times (`several`,
    the boxes ticked, read through `Refusal.all`)."""
    values: dict[str, str] = {}
    several: dict[str, list[str]] = {}
    for key, value in (form or {}).items():
        if key == "_csrf_token" or "password" in key:
            continue
        if isinstance(value, str):
            values[key] = value[:KEPT_CHARS]
        elif isinstance(value, (list, tuple)):
            texts = [v[:KEPT_CHARS] for v in value[:KEPT_VALUES] if isinstance(v, str)]
            if sum(map(len, texts)) <= KEPT_CHARS:  # the session store is no upload area
                several[key] = texts
    return values, several


def _chose_files(form: Mapping[str, Any] | None, scope: Mapping[str, Any]) -> bool:
    """Whether the refused form carried files, which cannot be kept for the page shown after it."""
    if form is not None:
        values = [v for value in form.values() for v in (value if isinstance(value, (list, tuple)) else [value])]
        return any(isinstance(v, UploadFile) and v.filename for v in values)
    content_type = dict(scope.get("headers") or []).get(b"content-type", b"")
    return content_type.startswith(b"multipart/form-data")


# --- One-time notices: a success says so on the page the redirect leads to (tracker/web/notices.py). ---


class RequestScopeMiddleware(ASGIMiddleware):
    """Keeps the request's scope at hand for `refused` and the `confirmations()` template global, so
    neither needs every page handler to pass its request along."""

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        token = request_scope.set(scope)
        try:
            await next_app(scope, receive, send)
        finally:
            request_scope.reset(token)


# `page=IN_PLACE`: the form's page is itself the answer to a POST (the ballot and its summary, which carry
# the voting code and choices not yet cast), so a refusal is rendered again at the POST address.
IN_PLACE = ""


class RefusalRedirect(Redirect):
    """The 303 of a refused form to its page: passed through as is by an enclosing `refused`."""


def _page_of(scope: Scope, page: str | None) -> str | None:
    """The address of the refused form's page: `page` if the call site names it, else the page the
    browser sent the form from (`Referer`, same host only); None unless it is a GET page of this app."""
    if page is None:
        headers = dict(scope.get("headers") or [])
        referer = urlsplit(headers.get(b"referer", b"").decode("latin-1"))
        if referer.netloc and referer.netloc != headers.get(b"host", b"").decode("latin-1"):
            return None
        page = referer.path + (f"?{referer.query}" if referer.query else "")
    if not page.startswith("/") or page.startswith("//"):
        return None
    try:
        scope["app"].asgi_router.handle_routing(unquote(urlsplit(page).path), "GET")
    except (HTTPException, KeyError):
        return None
    return page


async def show_kept_refusal(response: Response) -> Response:
    """The app's `after_request`: a page asked for by GET shows the refusal kept for its address (the
    form's message beside its field, the typed values refilled) when its handler passed none; that
    answer is not cached, so back and forward ask for the page anew."""
    scope = request_scope.get()
    if isinstance(response, Template) and scope is not None and scope.get("method") == "GET":
        kept = take_refusal()
        if kept is not None and not response.context.get("refusal"):
            response.context["refusal"] = Refusal.from_kept(kept)
            response.headers["Cache-Control"] = "no-store"
    return response


def kept_refusal() -> Refusal | None:
    """The refusal kept for this GET page, for a handler whose page depends on it (the ballot of a code)."""
    kept = take_refusal()
    return Refusal.from_kept(kept) if kept is not None else None


async def answer_refusal(error: DomainError, *, again: Callable[[Refusal], Awaitable[Template]],
                         form: Mapping[str, Any] | None = None, page: str | None = None) -> Response:
    """A refused page form's answer (see `refused`): 303 to its page with the refusal kept for it, or, when
    no page address is known, the page rendered `again` at the POST address, never cached."""
    refusal = Refusal.of(error, form)
    scope = request_scope.get()
    target = _page_of(scope, page) if scope is not None else None
    if target is None:
        answer = await again(refusal)
        answer.headers["Cache-Control"] = "no-store"
        return answer
    keep_refusal(refusal.kept(target))
    return RefusalRedirect(path=target, status_code=303)


async def refused(
    act: Callable[[], Awaitable[T]],
    *,
    done: Callable[[T], Response],
    again: Callable[[Refusal], Awaitable[Template]],
    form: Mapping[str, Any] | None = None,
    notice: str = DONE,
    page: str | None = None,
) -> Response | Template:
    """Run a page's action; on a domain error send the reader back to the form's page with the refusal.

    The one shape of every page POST: `act` parses the form (`parse_form`) and calls the service,
    `done` turns its result into the answer (a redirect, as a rule). A refusal answers 303 to the form's
    page (`page`, else the page the form was sent from, see `_page_of`) and keeps the refusal once in
    the server-side session; that page's GET shows the message beside its field with the typed values
    kept (`show_kept_refusal`), and a refresh shows it clean, so no address of the form is POST-only.
    Files cannot be kept: the message says to choose them again. Only when no page address is known
    (a browser that sends no `Referer`, or `page=IN_PLACE`) is the page rendered `again` at the POST
    address, `no-store`. Visitors' forms (log in, the voting code) work the same way: their CSRF token
    is not bound to the session that keeps the refusal (`tracker.web.auth.CsrfMiddleware`).
    After a success the page the redirect leads to shows `notice` once (say what happens next; kept in
    the server-side session, so a refresh shows the page without it).
    """
    try:
        result = await act()
    except DomainError as exc:
        return await answer_refusal(exc, again=again, form=form, page=page)
    if isinstance(result, RefusalRedirect):
        return result  # an inner form's refusal, already kept
    response = done(result)
    if 300 <= response.status_code < 400 and notice:
        notify(gettext(notice))
    return response
