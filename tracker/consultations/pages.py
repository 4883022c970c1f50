"""Pages of consultations for people: the resident's phone page, paper entry with the second-person
check and the supervisor's settling of mismatches, results and the progress chart, signing dates, the
order lottery, the public results page and the signing board. They call the same services as the API.

A refused form comes back through `tracker.web.forms.refused` as the same page with the refusal beside
its field; where an action answers with its page and a notice (not a redirect), `act` renders it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Awaitable, Callable, Mapping
from functools import partial
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from tracker import clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import PROJECT_ADMINS, REGISTER_READERS, RESIDENT_OFFICE
from tracker.consultations import chart, exports, lottery, services
from tracker.consultations.counting import Choice
from tracker.consultations.kinds import ConsultationKind, ItemClass, Scope, SheetStatus, Status, Visibility
from tracker.consultations.rules import RULES
from tracker.consultations.schemas import (
    ConfirmIn,
    ConsultationIn,
    ConsultationOut,
    ItemOut,
    ItemIn,
    LotteryIn,
    PaperBallotIn,
    ResolveIn,
    SheetFormIn,
    SigningIn,
    VotingCode,
    WebBallotIn,
)
from tracker.consultations.tally import DEFAULT_LAYOUT
from tracker.errors import Conflict, Invalid, NotFound
from tracker.export_jobs import services as export_jobs
from tracker.i18n import gettext
from tracker.register import services as register
from tracker.web.auth import client_address
from tracker.web.forms import IN_PLACE, Refusal, kept_refusal, parse_form, refused
from tracker.web.guards import allow_public, project_member, requires_role

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
CHOICES = [Choice.AGREE, Choice.OPPOSE, Choice.ABSTAIN]
SIGNING_DATES = services.SIGNING_DATES
SIGNING_PAGE_SIZE = 100
LOTTERY_PURPOSES = ("signing", "unit_selection")
VOTING_CODE_MAX = 64  # VotingCode.code's bound: a longer text is no code, and is not put back on the page
# The session key of the last web ballot this browser cast (its receipt number and when): the receipt page
# reads it for RECEIPT_MINUTES only, so a shared computer's next visitor finds the code page, not a ballot.
RECEIPT = "vote_receipt"
RECEIPT_MINUTES = 30
# The draft form's own fields (an item's fields are ITEM_FIELDS); a refusal naming one stands beside it.
DRAFT_FIELDS = ("title", "kind", "rule_key", "rule_p", "opens_at", "closes_at", "scope", "building_id", "stairwell",
                "visibility", "non_voters_agree", "lock_ballots", "organiser", "contact_phone")
ITEM_FIELDS = ("description", "item_class", "estimated_cost", "resident_share")
MOVES = {"up": -1, "down": 1}
# What a lifecycle action's success means and what comes next.
MOVED = {
    "open": "Voting is open and the roll is frozen. Print the voting letters for the residents; paper ballots "
            "are entered on this page.",
    "close": "Voting is closed: no more ballots are taken. Decide to record the results.",
    "decide": "Decided: the results are recorded and final; the publicity sheet can be posted.",
}
FROZEN = "Voting has opened: the consultation and its items are frozen; a change needs a new round."


CHOICE_VALUES = frozenset(c.value for c in CHOICES)


def _picked(form: Mapping[str, Any], items: list[ItemOut]) -> dict[int, str]:
    """The choices a form gives, item by item (an item left blank, or sent twice, is absent)."""
    return {i.id: v for i in items if isinstance(v := form.get(f"item_{i.id}"), str) and v in CHOICE_VALUES}


def _choices_from(form: Mapping[str, Any], items: list[ItemOut]) -> dict[int, Choice]:
    """A choice for every item, or a refusal naming the first item without one (no item may be left blank:
    a ballot gives one choice for every item, `services.sheets.one_choice_per_item`)."""
    picked = _picked(form, items)
    for item in items:
        if item.id not in picked:
            raise Invalid("Choose agree, oppose or abstain for item {position}: {item}.", field=f"item_{item.id}",
                          position=item.position, item=_short(item.description))
    return {item_id: Choice(value) for item_id, value in picked.items()}


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


async def _sheet_consultation(sheet_id: int, data: dict[str, Any]) -> int:
    """The consultation whose page answers a sheet form. The form names it; it must be of the sheet's
    project, the one the guard checked, so a page never shows another project's consultation."""
    try:
        consultation_id = parse_form(data, SheetFormIn).consultation_id
    except Invalid:
        consultation_id = 0
    project_id = await services.consultation_project(consultation_id) if consultation_id else None
    if project_id is None or project_id != await services.sheet_project(sheet_id):
        raise NotFound("No ballot sheet {id}.", field="sheet_id", id=sheet_id)
    return consultation_id


def _signing_in(data: dict[str, Any]) -> SigningIn:
    """The dates a signing form gives; an empty field leaves that date as it is."""
    dates = parse_form(data, SigningIn)
    if all(getattr(dates, name) is None for name in SIGNING_DATES):
        raise Invalid("Enter at least one date.", field="signed_on")
    return dates


def _lottery_in(data: dict[str, Any]) -> LotteryIn:
    try:
        return parse_form(data, LotteryIn)
    except Invalid as exc:
        if exc.field == "seed":
            raise Invalid("The seed is the published text of 8 to 200 characters.", field="seed") from None
        raise


def _chart_context(consultation: ConsultationOut, progress: list[dict], item_id: int | None) -> dict:
    """The chart of one item, or of every item pooled (a single-item consultation names its item)."""
    items = {i.id: i for i in consultation.items}
    if item_id is None and len(items) == 1:
        item_id = next(iter(items))
    caption = (f"{items[item_id].position}. {items[item_id].description}" if item_id is not None
               else gettext("All items (pooled)"))
    threshold = chart.roll_share_threshold(consultation.rule_key, consultation.rule_params)
    return {"chart": chart.chart(chart.points(progress, item_id), threshold) if progress else None,
            "chart_caption": caption}


def _rule_params(data: dict[str, Any]) -> dict[str, str]:
    """The rule's one parameter a form offers: the share `p` of the whole roll (e.g. 9/10), for roll_share only.

    Checked here, so its message stands beside its own field rather than beside the rule."""
    if data.get("rule_key") != "roll_share":
        return {}
    p = data.get("rule_p", "")
    p = (p[0] if p else "") if isinstance(p, list) else p
    p = p.strip() if isinstance(p, str) else ""
    if not p:
        raise Invalid("Give the share of the whole roll that must agree, e.g. 9/10.", field="rule_p",
                      rule="required")
    if len(p) > 40 or not _share_ok(p):  # 40: the API's bound on a rule parameter's value
        raise Invalid("The share is a fraction above 0 and at most 1, such as 9/10.", field="rule_p",
                      rule="rule_params")
    return {"p": p}


def _share_ok(p: str) -> bool:
    try:
        services.parse_rule("roll_share", {"p": p})
    except Invalid:
        return False
    return True


def _draft_in(data: dict[str, Any], items: list[dict[str, Any]]) -> ConsultationIn:
    """The draft a form describes, with these items, converted and bounded exactly as the API's body."""
    return parse_form(data, ConsultationIn, items=items, rule_params=_rule_params(data))


def _items_of(c: ConsultationOut) -> list[dict[str, Any]]:
    """A draft's items as the request schema names them (what an update must send again)."""
    return [{"description": i.description, "item_class": i.item_class, "estimated_cost": i.estimated_cost,
             "resident_share": i.resident_share} for i in c.items]


def _draft_of(c: ConsultationOut, items: list[dict[str, Any]]) -> ConsultationIn:
    """The consultation as it stands with other items: what an item form sends to `update_consultation`."""
    return msgspec.convert({
        "title": c.title, "kind": c.kind, "rule_key": c.rule_key, "opens_at": c.opens_at, "closes_at": c.closes_at,
        "items": items, "rule_params": c.rule_params, "scope": c.scope, "building_id": c.building_id,
        "stairwell": c.stairwell, "visibility": c.visibility, "non_voters_agree": c.non_voters_agree,
        "lock_ballots": c.lock_ballots, "organiser": c.organiser, "contact_phone": c.contact_phone},
        ConsultationIn, strict=False)


def _item_at(c: ConsultationOut, item_no: int) -> int:
    """The index of item number `item_no` (its position, from 1) in the draft's items."""
    if not 1 <= item_no <= len(c.items):
        raise NotFound("No item {id} in this consultation.", field="item_no", id=item_no)
    return item_no - 1


def _item_in(data: dict[str, Any]) -> dict[str, Any]:
    """An item as a form gives it; its class is a required choice here (the API's default is for JSON)."""
    item = parse_form(data, ItemIn)
    chosen = data.get("item_class")
    if not chosen or (isinstance(chosen, list) and not any(chosen)):
        raise Invalid("Choose the class of the item.", field="item_class", rule="required")
    return msgspec.structs.asdict(item)


def _see(path: str) -> Redirect:
    # 303: the browser follows with a GET, so a refresh after a change never posts it again.
    return Redirect(path, status_code=303)


def _as_is(page: Template) -> Template:
    """The answer of an action that renders its own page (with a notice) instead of redirecting."""
    return page


def _draft_form_of(refusal: Refusal | None) -> str:
    """Which form of a draft's edit page a kept refusal came from, read off the address it was posted
    to: "add" (…/items), an item's number (…/items/<n>[/move]) or the draft's own fields ("draft")."""
    action = (refusal.action or "") if refusal is not None else ""
    if action.endswith("/items"):
        return "add"
    item = re.search(r"/items/(\d{1,9})(?:/|$)", action)
    return item.group(1) if item else "draft"


def _sheet_form_of(refusal: Refusal | None) -> str | None:
    """Which sheet form of the consultation's page a kept refusal came from, read off the address it was
    posted to: "paper", "confirm-<sheet id>" or "resolve-<sheet id>" (as `_staff_page` names them)."""
    if refusal is None or not refusal.action:
        return None
    if refusal.action.endswith("/paper"):
        return "paper"
    sheet = refusal.action_id("ballot-sheets")
    if sheet is None:
        return None
    return f"{'confirm' if refusal.action.endswith('/confirm') else 'resolve'}-{sheet}"


def _status(refusal: Refusal | None) -> int:
    return refusal.status if refusal else 200


async def _code_page(refusal: Refusal | None = None, *, code: str = "") -> Template:
    return Template("consultations/vote_code.html", status_code=_status(refusal),
                    context={"refusal": refusal, "code": code})


def _typed_code(value: Any) -> str:
    """A code to put back in the field: what was typed or scanned, unless it cannot be a code at all."""
    return value if isinstance(value, str) and len(value) <= VOTING_CODE_MAX else ""


async def _ballot_page(code: str, view: dict, refusal: Refusal | None = None, *, receipt: Any = None,
                       picked: dict[int, str] | None = None, status: int | None = None) -> Template:
    """The ballot of the title a code names: the form (`picked` choices ticked, else the counted ballot's),
    or why voting is not open now; the counted ballot with its receipt once the title has voted."""
    consultation = view["consultation"]
    window = await services.voting_window(consultation.id)
    if picked is None and refusal is not None:
        picked = _picked(refusal.values, consultation.items)
    return Template("consultations/vote_ballot.html", status_code=status or _status(refusal), context={
        "view": view, "code": code, "choices": CHOICES, "receipt": receipt, "refusal": refusal, "window": window,
        "picked": picked if picked is not None else view["own_choices"],
        "item_fields": [f"item_{i.id}" for i in consultation.items],
    })


def _no_code(data: Mapping[str, Any]) -> dict[str, Any]:
    """The form as a refusal keeps it: without the voting code, a credential that is never refilled
    from the session (the code page comes back empty; the ballot pages put it back from the POST)."""
    return {k: v for k, v in data.items() if k != "code"}


def _back_to_code(request: Request) -> str | None:
    """Where a refused code goes back: the code page, never the QR code's `/vote?code=…` it may have been
    sent from (the kept refusal would hold the code); None (rendered in place) for a browser naming no page."""
    return "/vote" if request.headers.get("referer") else None


async def _lookup(data: dict[str, Any], client: str) -> tuple[str, dict]:
    """The voting code a form gives and what its title sees (a wrong code is counted and refused)."""
    code = parse_form(data, VotingCode).code
    return code, await services.ballot_for_code(code, client)


async def _unless_open(code: str, view: dict, data: dict[str, Any]) -> Template | None:
    """The ballot page saying why voting is not open (409), or None while it is; a title that has voted
    where ballots cannot change is refused."""
    consultation = view["consultation"]
    if not (await services.voting_window(consultation.id)).is_open:
        return await _ballot_page(code, view, picked=_picked(data, consultation.items), status=409)
    if consultation.lock_ballots and view["own_choices"]:
        raise Conflict("This title has already voted and this consultation does not allow changing a ballot.",
                       field="code", rule="ballots_locked")
    return None


class ConsultationPages(Controller):
    include_in_schema = False

    # ------------------------------------------------------------ resident (phone)

    @get("/vote", guards=[allow_public])
    async def vote_start(self, code: str = "") -> Template:
        """Enter the voting code printed on the letter. The letter's QR code opens `/vote?code=…`, which
        only fills the field in: the code is looked up (and a wrong one counted) when it is sent. A refused
        code comes back here (303) with the message and an empty field, even at the QR code's address:
        the code is not kept, nor put back."""
        return await _code_page(code="" if kept_refusal() else _typed_code(code))

    # The ballot (POST /vote) and its summary (POST /vote/confirm) stay answers to a POST: the ballot is
    # reached by the code, a credential that must not go in an address, and the summary shows choices not
    # yet cast. A refresh sends the same code (and choices) again and shows the same page: neither casts,
    # and a refusal of the ballot's choices is rendered there (`IN_PLACE`). Only `/vote/cast` changes
    # something, and it answers 303 to the receipt page, so a refresh or Back never casts twice.
    @post("/vote", guards=[allow_public])
    async def vote_ballot(self, request: Request, data: Form) -> Template:
        """The ballot of the code's title; "change" from the summary comes back here with its choices."""
        async def show() -> Template:
            code, view = await _lookup(data, client_address(request.scope))
            picked = _picked(data, view["consultation"].items)
            return await _ballot_page(code, view, picked=picked or None)

        return await refused(show, done=_as_is, again=_code_page, form=_no_code(data), notice="",
                             page=_back_to_code(request))

    @post("/vote/confirm", guards=[allow_public])
    async def vote_confirm(self, request: Request, data: Form) -> Template:
        """The summary of the chosen answers before anything is cast: "confirm" casts them, "change" goes
        back to the ballot with them ticked. A blank item is refused beside it, naming it."""
        async def review() -> Template:
            code, view = await _lookup(data, client_address(request.scope))

            async def summary() -> Template:
                if (closed := await _unless_open(code, view, data)) is not None:
                    return closed
                consultation = view["consultation"]
                ballot = parse_form(data, WebBallotIn, code=code, choices=_choices_from(data, consultation.items))
                return Template("consultations/vote_confirm.html", context={
                    "view": view, "code": code, "ballot": {i: c.value for i, c in ballot.choices.items()},
                    "labels": {c.value: c for c in CHOICES}})

            return await refused(summary, done=_as_is, again=partial(_ballot_page, code, view), form=_no_code(data),
                                 page=IN_PLACE, notice="")

        return await refused(review, done=_as_is, again=_code_page, form=_no_code(data), notice="",
                             page=_back_to_code(request))

    @post("/vote/cast", guards=[allow_public])
    async def vote_cast(self, request: Request, data: Form) -> Template | Redirect:
        """The confirmed ballot is cast, then 303 to its receipt page (kept in this browser's session), so a
        refresh shows the receipt and casts nothing. A wrong code answers the code page; a refused ballot
        the ballot page with its choices kept."""
        client = client_address(request.scope)

        async def cast() -> Template | Redirect:
            code, view = await _lookup(data, client)

            async def count() -> Template | Redirect:
                if (closed := await _unless_open(code, view, data)) is not None:
                    return closed
                choices = _choices_from(data, view["consultation"].items)
                ballot = parse_form(data, WebBallotIn, code=code, choices=choices)
                receipt = await services.cast_web_ballot(code, ballot.choices, client)
                # Server-side: the cookie holds an id only.
                request.scope["session"][RECEIPT] = {"no": receipt.receipt_no, "at": clock.now().isoformat()}
                return _see("/vote/receipt")

            return await refused(count, done=_as_is, again=partial(_ballot_page, code, view), form=_no_code(data),
                                 page=IN_PLACE, notice="")

        return await refused(cast, done=_as_is, again=_code_page, form=_no_code(data), notice="",
                             page=_back_to_code(request))

    @get("/vote/receipt", guards=[allow_public])
    async def vote_receipt(self, request: Request) -> Template | Redirect:
        """The receipt of the ballot this browser cast last: the counted ballot and its receipt number,
        reached only through the session that cast it (never by the code, nor by an address that names
        the ballot), and for RECEIPT_MINUTES after casting. Without one, the code page."""
        session = request.scope["session"]
        kept = session.get(RECEIPT)
        receipt_no = kept.get("no") if isinstance(kept, dict) else None
        try:
            cast_at = dt.datetime.fromisoformat(kept["at"]) if isinstance(receipt_no, str) else None
        except (TypeError, ValueError):
            cast_at = None
        if cast_at is None or clock.now() - cast_at > dt.timedelta(minutes=RECEIPT_MINUTES):
            session.pop(RECEIPT, None)
            return _see("/vote")
        try:
            view = await services.ballot_for_receipt(receipt_no)
        except NotFound:  # the consultation was deleted since
            session.pop(RECEIPT, None)
            return _see("/vote")
        page = await _ballot_page("", view, receipt={"receipt_no": receipt_no})
        page.headers["Cache-Control"] = "no-store"  # a shared computer's Back shows no one's ballot from cache
        return page

    # ------------------------------------------------------------ staff

    @get("/projects/{project_id:int}/consultations", guards=[requires_role(REGISTER_READERS), project_member])
    async def project_consultations(self, actor: Actor, project_id: int) -> Template:
        return Template("consultations/list.html", context={
            "project_id": project_id, "consultations": await services.list_consultations(project_id),
            "staff": actor.role in RESIDENT_OFFICE})

    async def _staff_page(self, actor: Actor, consultation_id: int, refusal: Refusal | None = None, *,
                          notice: str | None = None, sheet_form: str | None = None) -> Template:
        """The consultation's page; `sheet_form` names the sheet form a refusal came from ("paper",
        "confirm-<sheet id>", "resolve-<sheet id>"): that form keeps its choices and shows the message
        beside its field, if the form is still on the page."""
        consultation = await services.get_consultation(consultation_id)
        results = await services.results_for(consultation_id, DEFAULT_LAYOUT)
        staff = actor.role in RESIDENT_OFFICE
        sheets = await services.list_sheets(consultation_id) if staff else []
        progress = await services.progress(consultation_id)
        on_page = {"paper"} if staff and consultation.status == "open" else set()
        on_page |= {f"confirm-{s.id}" for s in sheets if "paper" in on_page and s.status is SheetStatus.pending
                    and s.entered_by != actor.id}
        on_page |= {f"resolve-{s.id}" for s in sheets if "paper" in on_page and s.status is SheetStatus.mismatch
                    and actor.role in PROJECT_ADMINS}
        sheet_form = sheet_form if refusal and sheet_form in on_page else None
        beside = [f"item_{i.id}" for i in consultation.items] if sheet_form else []
        beside += ["certificate_no", "proxy_name", "proxy_reference"] if sheet_form == "paper" else []
        letter_jobs = await export_jobs.jobs_of(exports.LETTERS_KIND, consultation_id, limit=3) if staff else []
        return Template("consultations/detail.html", status_code=_status(refusal), context={
            "c": consultation, "results": results, "staff": staff, "actor": actor, "choices": CHOICES,
            "pending": [s for s in sheets if s.status is SheetStatus.pending],
            "mismatched": [s for s in sheets if s.status is SheetStatus.mismatch],
            "supervisor": actor.role in PROJECT_ADMINS,
            "refusal": refusal, "notice": notice, "progress": progress, "sheet_form": sheet_form, "beside": beside,
            "letter_jobs": letter_jobs,
            "items": {i.id: i for i in consultation.items},
            **_chart_context(consultation, progress, None),
        })

    async def _sheet_form(self, actor: Actor, consultation_id: int, data: Form,
                          action: Callable[[list[ItemOut]], Awaitable[str]], sheet_form: str) -> Template:
        """A ballot-sheet form of the staff page (`sheet_form` names it): `action` gets the consultation's
        items and answers the notice; a refusal shows the page again with its message beside the field."""
        async def act() -> Template:
            consultation = await services.get_consultation(consultation_id)
            notice = await action(consultation.items)
            return await self._staff_page(actor, consultation_id, notice=notice)

        return await refused(act, done=_as_is, form=data,
                             again=partial(self._staff_page, actor, consultation_id, sheet_form=sheet_form))

    # ------------------------------------------------------------ drafts: the consultation and its items

    async def _draft_page(self, project_id: int, c: ConsultationOut | None, refusal: Refusal | None = None, *,
                          form: str = "draft") -> Template:
        """The new-consultation form (`c` None) or a draft's edit page; `form` names the form a refusal
        came from ("draft", "add" or an item's number), so its message stands beside that form's field."""
        frozen = c is not None and c.status != Status.draft
        if frozen and refusal is None:
            refusal = Refusal.of(Conflict(FROZEN, rule="frozen_when_open"))
        return Template("consultations/draft.html", status_code=_status(refusal), context={
            "project_id": project_id, "c": c, "refusal": refusal, "form": form, "frozen": frozen,
            "kinds": list(ConsultationKind), "rules": list(RULES), "scopes": list(Scope),
            "visibilities": list(Visibility), "classes": list(ItemClass),
            "buildings": await register.list_buildings(project_id),
            "draft_fields": DRAFT_FIELDS, "item_fields": ITEM_FIELDS,
            "local_input": lambda moment: clock.local(moment).strftime("%Y-%m-%dT%H:%M"),  # datetime-local
        })

    async def _edit_page(self, consultation_id: int, refusal: Refusal | None = None, *, form: str = "draft"
                         ) -> Template:
        c = await services.get_consultation(consultation_id)
        return await self._draft_page(c.project_id, c, refusal, form=form)

    @get("/projects/{project_id:int}/consultations/new", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def new_consultation(self, project_id: int) -> Template:
        """新建征询: a draft with its first item; the other items are added on the draft's page."""
        await register.get_project(project_id)  # a missing project is a 404 page
        return await self._draft_page(project_id, None)

    @post("/projects/{project_id:int}/consultations/new", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def create_consultation(self, actor: Actor, project_id: int, data: Form) -> Template | Redirect:
        async def create() -> int:
            draft = _draft_in(data, [_item_in(data)])
            return (await services.create_consultation(actor, project_id, draft)).id

        return await refused(
            create, done=lambda cid: _see(f"/consultations/{cid}/edit#items"), form=data,
            again=lambda refusal: self._draft_page(project_id, None, refusal),
            notice="Draft saved with its first item. Add the other items here, then open voting from the "
                   "consultation's page.")

    @get("/consultations/{consultation_id:int}/edit", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def edit_consultation(self, consultation_id: int) -> Template:
        """A draft's fields and items; once voting opens the page says the consultation is frozen. A
        refused item form comes back here (303) and shows its message in that item's own form."""
        kept = kept_refusal()
        page = await self._edit_page(consultation_id, kept, form=_draft_form_of(kept))
        if kept is not None:
            page.status_code = 409 if page.context["frozen"] else 200  # as the page is, not as the POST was
            page.headers["Cache-Control"] = "no-store"
        return page

    @post("/consultations/{consultation_id:int}/edit", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def update_consultation(self, actor: Actor, consultation_id: int, data: Form) -> Template | Redirect:
        async def update() -> None:
            c = await services.get_consultation(consultation_id)
            await services.update_consultation(actor, consultation_id, _draft_in(data, _items_of(c)))

        return await refused(
            update, done=lambda _: _see(f"/consultations/{consultation_id}"), form=data,
            again=partial(self._edit_page, consultation_id),
            notice="Draft saved. When the items are ready, open voting here: the roll is then frozen and the "
                   "voting codes are made.")

    async def _change_items(self, actor: Actor, consultation_id: int, data: dict[str, Any], form: str,
                            change: Callable[[ConsultationOut, list[dict[str, Any]]], list[dict[str, Any]]],
                            notice: str) -> Template | Redirect:
        """An item form: `change` answers the draft's new item list; the whole draft is saved through the
        same service (and rules) as the API's update, so an item form can refuse what the API refuses."""
        async def save() -> None:
            c = await services.get_consultation(consultation_id)
            if c.status != Status.draft:
                raise Conflict(FROZEN, field="status", rule="frozen_when_open")
            items = change(c, _items_of(c))
            await services.update_consultation(actor, consultation_id, _draft_of(c, items))

        return await refused(save, done=lambda _: _see(f"/consultations/{consultation_id}/edit#items"), form=data,
                             again=partial(self._edit_page, consultation_id, form=form), notice=notice)

    @post("/consultations/{consultation_id:int}/items", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def add_item(self, actor: Actor, consultation_id: int, data: Form) -> Template | Redirect:
        def add(c: ConsultationOut, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            return [*items, _item_in(data)]

        return await self._change_items(actor, consultation_id, data, "add", add,
                                        "Item added at the end of the list.")

    @post("/consultations/{consultation_id:int}/items/{item_no:int}",
          guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def edit_item(self, actor: Actor, consultation_id: int, item_no: int, data: Form) -> Template | Redirect:
        def edit(c: ConsultationOut, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            items[_item_at(c, item_no)] = _item_in(data)
            return items

        return await self._change_items(actor, consultation_id, data, str(item_no), edit, "Item saved.")

    @post("/consultations/{consultation_id:int}/items/{item_no:int}/move",
          guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def move_item(self, actor: Actor, consultation_id: int, item_no: int, data: Form) -> Template | Redirect:
        """Up or down one place (`direction`): the order residents read the items in."""
        def move(c: ConsultationOut, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            at, step = _item_at(c, item_no), MOVES.get(str(data.get("direction")))
            if step is None or not 0 <= at + step < len(items):
                raise Invalid("This item cannot move that way.", field="direction", rule="move")
            items[at], items[at + step] = items[at + step], items[at]
            return items

        return await self._change_items(actor, consultation_id, data, str(item_no), move, "Order of the items saved.")

    @post("/consultations/{consultation_id:int}/items/{item_no:int}/remove",
          guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def remove_item(self, actor: Actor, consultation_id: int, item_no: int, data: Form) -> Template | Redirect:
        def remove(c: ConsultationOut, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
            del items[_item_at(c, item_no)]
            return items

        return await self._change_items(actor, consultation_id, data, str(item_no), remove,
                                        "Item removed; the items after it moved up.")

    @get("/consultations/{consultation_id:int}", guards=[requires_role(REGISTER_READERS), project_member])
    async def detail(self, actor: Actor, consultation_id: int) -> Template:
        # A sheet form refused on this page comes back here (303): its own form shows the message and
        # keeps the choices, so the page must know which form it was before it is laid out.
        kept = kept_refusal()
        page = await self._staff_page(actor, consultation_id, kept, sheet_form=_sheet_form_of(kept))
        if kept is not None:
            page.status_code = 200
            page.headers["Cache-Control"] = "no-store"
        return page

    @post("/consultations/{consultation_id:int}/paper", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def enter_paper(self, actor: Actor, consultation_id: int, data: Form) -> Template:
        """First entry of a paper sheet; it waits for a second person."""
        async def enter(items: list[ItemOut]) -> str:
            ballot = parse_form(data, PaperBallotIn, choices=_choices_from(data, items))
            sheet = await services.enter_paper_ballot(actor, consultation_id, ballot)
            return gettext("Sheet {receipt} entered; a second staff member must confirm it.").format(
                receipt=sheet.receipt_no)

        return await self._sheet_form(actor, consultation_id, data, enter, "paper")

    @post("/ballot-sheets/{sheet_id:int}/confirm", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def confirm_paper(self, actor: Actor, sheet_id: int, data: Form) -> Template:
        """The second person's own entry of the same sheet."""
        async def confirm(items: list[ItemOut]) -> str:
            confirmed = parse_form(data, ConfirmIn, choices=_choices_from(data, items))
            sheet = await services.confirm_paper_ballot(actor, sheet_id, confirmed.choices)
            message = (gettext("Sheet {receipt} confirmed and counted.") if sheet.status is SheetStatus.counted
                       else gettext("Sheet {receipt} does not match the first entry; a supervisor decides."))
            return message.format(receipt=sheet.receipt_no)

        return await self._sheet_form(actor, await _sheet_consultation(sheet_id, data), data, confirm,
                                      f"confirm-{sheet_id}")

    @post("/ballot-sheets/{sheet_id:int}/resolve", guards=[requires_role(PROJECT_ADMINS), project_member])
    async def resolve_paper(self, actor: Actor, sheet_id: int, data: Form) -> Template:
        """A supervisor settles a mismatched sheet from the paper original: counts the choices read from
        it (`decision=count` with a choice per item) or rejects the sheet (`decision=reject`)."""
        reject = data.get("decision") == "reject"

        async def resolve(items: list[ItemOut]) -> str:
            resolved = parse_form(data, ResolveIn, reject=reject,
                                  choices=None if reject else _choices_from(data, items))
            sheet = await services.resolve_sheet(actor, sheet_id, resolved.choices, resolved.reject)
            message = (gettext("Sheet {receipt} rejected by the supervisor.") if sheet.status is SheetStatus.rejected
                       else gettext("Sheet {receipt} counted as the supervisor read it from the paper."))
            return message.format(receipt=sheet.receipt_no)

        return await self._sheet_form(actor, await _sheet_consultation(sheet_id, data), data, resolve,
                                      f"resolve-{sheet_id}")

    @post("/consultations/{consultation_id:int}/status/{action:str}",
          guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def act(self, actor: Actor, consultation_id: int, action: str) -> Redirect | Template:
        """Open, close or decide from the page (the same status table as the API)."""
        handlers = {"open": services.open_consultation, "close": services.close_consultation,
                    "decide": services.decide_consultation}

        async def move() -> None:
            if action not in handlers:
                raise NotFound("Unknown action.", field="action")
            await handlers[action](actor, consultation_id)

        return await refused(move, done=lambda _: Redirect(f"/consultations/{consultation_id}", status_code=303),
                             again=partial(self._staff_page, actor, consultation_id),
                             notice=MOVED.get(action, ""))

    @post("/consultations/{consultation_id:int}/voting-letters",
          guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def start_voting_letters(self, actor: Actor, consultation_id: int) -> Redirect | Template:
        """Start the voting letters in the background and go to the job's page (its progress, then the
        download)."""
        async def start():
            return await export_jobs.start_export(actor, exports.LETTERS_KIND, consultation_id)

        return await refused(start, done=lambda job: Redirect(job.page_url, status_code=303),
                             again=partial(self._staff_page, actor, consultation_id),
                             notice="The voting letters are being made; this page shows their progress.")

    @get("/consultations/{consultation_id:int}/progress", guards=[requires_role(REGISTER_READERS), project_member])
    async def progress_page(self, consultation_id: int, item: int | None = None) -> Template:
        """Participation and agree rate per day from the daily snapshots, per item or all items pooled."""
        consultation = await services.get_consultation(consultation_id)
        error, status = None, 200
        if item is not None and item not in {i.id for i in consultation.items}:
            error, status, item = gettext("No item {id} in this consultation.").format(id=item), 404, None
        progress = await services.progress(consultation_id)
        return Template("consultations/progress.html", status_code=status, context={
            "c": consultation, "item": item, "error": error, **_chart_context(consultation, progress, item)})

    # ------------------------------------------------------------ signing round

    async def _signing_page(self, actor: Actor, consultation_id: int, refusal: Refusal | None = None, *,
                            q: str = "", page: int = 1, notice: str | None = None,
                            saved: int | None = None) -> Template:
        consultation = await services.get_consultation(consultation_id)
        signing = consultation.kind is ConsultationKind.signing
        if not signing and refusal is None:
            refusal = Refusal.of(Conflict("Signing progress belongs to a signing round.", rule="kind"))
        rows, total = await services.signing_list(consultation_id, q, (page - 1) * SIGNING_PAGE_SIZE, SIGNING_PAGE_SIZE) \
            if signing else ([], 0)
        board = [b for b in await services.signing_board(actor) if b["consultation_id"] == consultation_id]
        return Template("consultations/signing.html", status_code=_status(refusal), context={
            "c": consultation, "rows": rows, "total": total, "q": q, "page": page,
            "pages": max(1, -(-total // SIGNING_PAGE_SIZE)), "summary": board[0] if board else None,
            "staff": actor.role in RESIDENT_OFFICE and signing and consultation.status != "draft",
            "refusal": refusal, "notice": notice, "saved": saved,
            # The saved title's row shows its date fields' messages; any other message stands on top.
            "row_fields": SIGNING_DATES if any(r["id"] == saved for r in rows) else (),
        })

    @get("/consultations/{consultation_id:int}/signing", guards=[requires_role(REGISTER_READERS), project_member])
    async def signing(self, actor: Actor, consultation_id: int, q: str = "",
                      page: int = Parameter(default=1, ge=1)) -> Template:
        """Each title's signed (签约), sealed (封房) and moved-out (搬迁) dates, searchable, in pages."""
        return await self._signing_page(actor, consultation_id, q=q, page=page)

    @post("/consultations/{consultation_id:int}/signing/{entry_id:int}",
          guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def record_signing(self, actor: Actor, consultation_id: int, entry_id: int, data: Form) -> Template:
        """Dates of one title; an empty field leaves that date as recorded."""
        q = str(data.get("q", ""))
        page = str(data.get("page", ""))
        page = int(page) if page.isdecimal() and len(page) <= 9 and int(page) >= 1 else 1  # paging, not data

        async def record() -> Template:
            recorded = await services.record_signing(actor, consultation_id, entry_id, _signing_in(data))
            notice = gettext("Dates of title {certificate} saved.").format(
                certificate=await services.certificate_of(consultation_id, entry_id))
            if recorded["counts_for_rule"]:
                notice += " " + gettext("The signature counts towards the signing ratio.")
            return await self._signing_page(actor, consultation_id, q=q, page=page, notice=notice, saved=entry_id)

        return await refused(record, done=_as_is, form=data,
                             again=partial(self._signing_page, actor, consultation_id, q=q, page=page, saved=entry_id))

    # ------------------------------------------------------------ order lottery

    async def _lottery_page(self, actor: Actor, consultation_id: int, refusal: Refusal | None = None) -> Template:
        consultation = await services.get_consultation(consultation_id)
        roll = {e.certificate_no: e for e in await services.list_roll(consultation_id)}
        draws = {}
        for purpose in LOTTERY_PURPOSES:
            try:
                drawn = await services.get_lottery(consultation_id, purpose)
            except NotFound:
                draws[purpose] = None
                continue
            # Anyone can redo this; the page does it too, against the roll as it stands now.
            again = lottery.draw_order(drawn["seed"], list(roll))
            drawn["reproduced"] = again == drawn["order"] and lottery.result_hash(again) == drawn["result_hash"]
            draws[purpose] = drawn
        staff = actor.role in RESIDENT_OFFICE
        posted = refusal.values.get("purpose") if refusal else None
        return Template("consultations/lottery.html", status_code=_status(refusal), context={
            "c": consultation, "draws": draws, "roll": roll, "refusal": refusal, "staff": staff,
            # The seed's message stands beside the form it was typed into, while that form is shown.
            "seed_shown": staff and posted in draws and draws[posted] is None,
        })

    @get("/consultations/{consultation_id:int}/lottery", guards=[requires_role(REGISTER_READERS), project_member])
    async def lottery_page(self, actor: Actor, consultation_id: int) -> Template:
        """The signing and unit-selection order lotteries (抽取顺序号): the form, or the drawn order with
        its seed, hash, algorithm and a recomputation."""
        return await self._lottery_page(actor, consultation_id)

    @post("/consultations/{consultation_id:int}/lottery", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def draw_lottery(self, actor: Actor, consultation_id: int, data: Form) -> Template | Redirect:
        async def draw() -> str:
            drawn = _lottery_in(data)
            await services.draw_lottery(actor, consultation_id, drawn.seed, drawn.purpose)
            return drawn.purpose

        def drawn(purpose: str) -> Redirect:
            # A draw happens once: after it, reloading the page must not post the form again.
            return Redirect(f"/consultations/{consultation_id}/lottery#lottery-{purpose}", status_code=303)

        return await refused(draw, done=drawn, again=partial(self._lottery_page, actor, consultation_id), form=data)

    # ------------------------------------------------------------ across parcels

    @get("/signing-board", guards=[requires_role(REGISTER_READERS)])
    async def signing_board(self, actor: Actor) -> Template:
        """The "亮晒比学" board across parcels."""
        return Template("consultations/board.html", context={"board": await services.signing_board(actor)})

    # ------------------------------------------------------------ public

    @get("/public/consultations/{consultation_id:int}", guards=[allow_public])
    async def public_results(self, consultation_id: int) -> Template:
        consultation = await services.get_consultation(consultation_id)
        results = await services.results_for(consultation_id, DEFAULT_LAYOUT, public=True)
        # Until its results are published, the public learns nothing of a consultation, not even its title.
        return Template("consultations/public.html", context={"c": consultation if results else None,
                                                              "results": results},
                        status_code=200 if results else 404)
