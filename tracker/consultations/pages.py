"""Pages of consultations for people: the resident's phone page, paper entry with the second-person
check and the supervisor's settling of mismatches, results and the progress chart, signing dates, the
order lottery, the public results page and the signing board. They call the same services as the API.

A refused form comes back through `tracker.web.forms.refused` as the same page with the refusal beside
its field; where an action answers with its page and a notice (not a redirect), `act` renders it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from tracker.accounts.actor import Actor
from tracker.accounts.roles import PROJECT_ADMINS, REGISTER_READERS, RESIDENT_OFFICE
from tracker.consultations import chart, exports, lottery, services
from tracker.consultations.counting import Choice
from tracker.consultations.kinds import ConsultationKind, SheetStatus
from tracker.consultations.schemas import (
    ConfirmIn,
    ConsultationOut,
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
from tracker.web.auth import client_address
from tracker.web.forms import Refusal, parse_form, refused
from tracker.web.guards import allow_public, project_member, requires_role

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
CHOICES = [Choice.AGREE, Choice.OPPOSE, Choice.ABSTAIN]
SIGNING_DATES = services.SIGNING_DATES
SIGNING_PAGE_SIZE = 100
LOTTERY_PURPOSES = ("signing", "unit_selection")


def _choices_from(form: dict[str, Any], item_ids: list[int]) -> dict[int, Choice]:
    choices = {}
    for item_id in item_ids:
        value = form.get(f"item_{item_id}")
        if not isinstance(value, str) or value not in Choice._value2member_map_:  # a field sent twice is a list
            raise Invalid("Choose agree, oppose or abstain for every item.", field=f"item_{item_id}")
        choices[item_id] = Choice(value)
    return choices


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


def _as_is(page: Template) -> Template:
    """The answer of an action that renders its own page (with a notice) instead of redirecting."""
    return page


def _status(refusal: Refusal | None) -> int:
    return refusal.status if refusal else 200


async def _code_page(refusal: Refusal | None = None) -> Template:
    return Template("consultations/vote_code.html", context={"refusal": refusal}, status_code=_status(refusal))


async def _ballot_page(code: str, view: dict, refusal: Refusal | None = None, *, receipt: Any = None) -> Template:
    return Template("consultations/vote_ballot.html", status_code=_status(refusal), context={
        "view": view, "code": code, "choices": CHOICES, "receipt": receipt, "refusal": refusal,
        "item_fields": [f"item_{i.id}" for i in view["consultation"].items],
    })


async def _lookup(data: dict[str, Any], client: str) -> tuple[str, dict]:
    """The voting code a form gives and what its title sees (a wrong code is counted and refused)."""
    code = parse_form(data, VotingCode).code
    return code, await services.ballot_for_code(code, client)


class ConsultationPages(Controller):
    include_in_schema = False

    # ------------------------------------------------------------ resident (phone)

    @get("/vote", guards=[allow_public])
    async def vote_start(self) -> Template:
        """Enter the voting code printed on the letter."""
        return await _code_page()

    @post("/vote", guards=[allow_public])
    async def vote_ballot(self, request: Request, data: Form) -> Template:
        async def show() -> Template:
            return await _ballot_page(*await _lookup(data, client_address(request.scope)))

        return await refused(show, done=_as_is, again=_code_page)

    @post("/vote/cast", guards=[allow_public])
    async def vote_cast(self, request: Request, data: Form) -> Template:
        """A wrong code answers the code page; a refused ballot the ballot page as it was."""
        client = client_address(request.scope)

        async def cast() -> Template:
            code, view = await _lookup(data, client)

            async def count() -> Template:
                choices = _choices_from(data, [i.id for i in view["consultation"].items])
                ballot = parse_form(data, WebBallotIn, code=code, choices=choices)
                receipt = await services.cast_web_ballot(code, ballot.choices, client)
                return await _ballot_page(code, await services.ballot_for_code(code, client), receipt=receipt)

            return await refused(count, done=_as_is, again=partial(_ballot_page, code, view))

        return await refused(cast, done=_as_is, again=_code_page)

    # ------------------------------------------------------------ staff

    @get("/projects/{project_id:int}/consultations", guards=[requires_role(REGISTER_READERS), project_member])
    async def project_consultations(self, project_id: int) -> Template:
        return Template("consultations/list.html", context={
            "project_id": project_id, "consultations": await services.list_consultations(project_id)})

    async def _staff_page(self, actor: Actor, consultation_id: int, refusal: Refusal | None = None, *,
                          notice: str | None = None) -> Template:
        consultation = await services.get_consultation(consultation_id)
        results = await services.results_for(consultation_id, DEFAULT_LAYOUT)
        staff = actor.role in RESIDENT_OFFICE
        sheets = await services.list_sheets(consultation_id) if staff else []
        progress = await services.progress(consultation_id)
        letter_jobs = await export_jobs.jobs_of(exports.LETTERS_KIND, consultation_id, limit=3) if staff else []
        return Template("consultations/detail.html", status_code=_status(refusal), context={
            "c": consultation, "results": results, "staff": staff, "actor": actor, "choices": CHOICES,
            "pending": [s for s in sheets if s.status is SheetStatus.pending],
            "mismatched": [s for s in sheets if s.status is SheetStatus.mismatch],
            "supervisor": actor.role in PROJECT_ADMINS,
            "refusal": refusal, "notice": notice, "progress": progress, "letter_jobs": letter_jobs,
            "items": {i.id: i for i in consultation.items},
            **_chart_context(consultation, progress, None),
        })

    async def _sheet_form(self, actor: Actor, consultation_id: int, data: Form,
                          action: Callable[[list[int]], Awaitable[str]]) -> Template:
        """A ballot-sheet form of the staff page: `action` gets the consultation's item ids and answers
        the notice; a refusal shows the page again with its message."""
        async def act() -> Template:
            consultation = await services.get_consultation(consultation_id)
            notice = await action([i.id for i in consultation.items])
            return await self._staff_page(actor, consultation_id, notice=notice)

        return await refused(act, done=_as_is, again=partial(self._staff_page, actor, consultation_id), form=data)

    @get("/consultations/{consultation_id:int}", guards=[requires_role(REGISTER_READERS), project_member])
    async def detail(self, actor: Actor, consultation_id: int) -> Template:
        return await self._staff_page(actor, consultation_id)

    @post("/consultations/{consultation_id:int}/paper", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def enter_paper(self, actor: Actor, consultation_id: int, data: Form) -> Template:
        """First entry of a paper sheet; it waits for a second person."""
        async def enter(item_ids: list[int]) -> str:
            ballot = parse_form(data, PaperBallotIn, choices=_choices_from(data, item_ids))
            sheet = await services.enter_paper_ballot(actor, consultation_id, ballot)
            return gettext("Sheet {receipt} entered; a second staff member must confirm it.").format(
                receipt=sheet.receipt_no)

        return await self._sheet_form(actor, consultation_id, data, enter)

    @post("/ballot-sheets/{sheet_id:int}/confirm", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def confirm_paper(self, actor: Actor, sheet_id: int, data: Form) -> Template:
        """The second person's own entry of the same sheet."""
        async def confirm(item_ids: list[int]) -> str:
            confirmed = parse_form(data, ConfirmIn, choices=_choices_from(data, item_ids))
            sheet = await services.confirm_paper_ballot(actor, sheet_id, confirmed.choices)
            message = (gettext("Sheet {receipt} confirmed and counted.") if sheet.status is SheetStatus.counted
                       else gettext("Sheet {receipt} does not match the first entry; a supervisor decides."))
            return message.format(receipt=sheet.receipt_no)

        return await self._sheet_form(actor, await _sheet_consultation(sheet_id, data), data, confirm)

    @post("/ballot-sheets/{sheet_id:int}/resolve", guards=[requires_role(PROJECT_ADMINS), project_member])
    async def resolve_paper(self, actor: Actor, sheet_id: int, data: Form) -> Template:
        """A supervisor settles a mismatched sheet from the paper original: counts the choices read from
        it (`decision=count` with a choice per item) or rejects the sheet (`decision=reject`)."""
        reject = data.get("decision") == "reject"

        async def resolve(item_ids: list[int]) -> str:
            resolved = parse_form(data, ResolveIn, reject=reject,
                                  choices=None if reject else _choices_from(data, item_ids))
            sheet = await services.resolve_sheet(actor, sheet_id, resolved.choices, resolved.reject)
            message = (gettext("Sheet {receipt} rejected by the supervisor.") if sheet.status is SheetStatus.rejected
                       else gettext("Sheet {receipt} counted as the supervisor read it from the paper."))
            return message.format(receipt=sheet.receipt_no)

        return await self._sheet_form(actor, await _sheet_consultation(sheet_id, data), data, resolve)

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
                             again=partial(self._staff_page, actor, consultation_id))

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
