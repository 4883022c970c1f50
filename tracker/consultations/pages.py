"""Pages of consultations for people: the resident's phone page, paper entry with the second-person
check, results, the public results page and the signing board. They call the same services as the API."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from tracker.accounts.roles import REGISTER_READERS
from tracker.consultations import services
from tracker.consultations.controllers import CONSULTATION_STAFF, client_of, consultation_member
from tracker.consultations.counting import Choice
from tracker.consultations.kinds import SheetStatus
from tracker.consultations.schemas import PaperBallotIn
from tracker.consultations.tally import DEFAULT_LAYOUT
from tracker.errors import DomainError, Invalid
from tracker.i18n import gettext
from tracker.web.guards import actor_of, allow_public, requires_role

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
CHOICES = [Choice.AGREE, Choice.OPPOSE, Choice.ABSTAIN]


def _choices_from(form: dict[str, Any], item_ids: list[int]) -> dict[int, Choice]:
    choices = {}
    for item_id in item_ids:
        value = form.get(f"item_{item_id}")
        if value not in Choice._value2member_map_:
            raise Invalid("Choose agree, oppose or abstain for every item.", field=f"item_{item_id}")
        choices[item_id] = Choice(value)
    return choices


class ConsultationPages(Controller):
    include_in_schema = False

    # ------------------------------------------------------------ resident (phone)

    @get("/vote", guards=[allow_public])
    async def vote_start(self) -> Template:
        """Enter the voting code printed on the letter."""
        return Template("consultations/vote_code.html", context={"error": None})

    @post("/vote", guards=[allow_public])
    async def vote_ballot(self, request: Request, data: Form) -> Template:
        code = str(data.get("code", "")).strip()
        try:
            view = await services.ballot_for_code(code, client_of(request))
        except DomainError as exc:
            return Template("consultations/vote_code.html", context={"error": exc.translated(gettext)},
                            status_code=exc.status_code)
        return Template("consultations/vote_ballot.html",
                        context={"view": view, "code": code, "choices": CHOICES, "receipt": None, "error": None})

    @post("/vote/cast", guards=[allow_public])
    async def vote_cast(self, request: Request, data: Form) -> Template:
        code = str(data.get("code", "")).strip()
        receipt, error, status = None, None, 200
        try:
            view = await services.ballot_for_code(code, client_of(request))
        except DomainError as exc:
            return Template("consultations/vote_code.html", context={"error": exc.translated(gettext)},
                            status_code=exc.status_code)
        try:
            choices = _choices_from(data, [i.id for i in view["consultation"].items])
            receipt = await services.cast_web_ballot(code, choices, client_of(request))
            view = await services.ballot_for_code(code, client_of(request))
        except DomainError as exc:
            error, status = exc.translated(gettext), exc.status_code
        return Template("consultations/vote_ballot.html",
                        context={"view": view, "code": code, "choices": CHOICES, "receipt": receipt, "error": error},
                        status_code=status)

    # ------------------------------------------------------------ staff

    @get("/projects/{project_id:int}/consultations", guards=[requires_role(REGISTER_READERS), consultation_member])
    async def project_consultations(self, project_id: int) -> Template:
        return Template("consultations/list.html", context={
            "project_id": project_id, "consultations": await services.list_consultations(project_id)})

    async def _staff_page(self, request: Request, consultation_id: int, *, error: str | None = None,
                          notice: str | None = None, status: int = 200) -> Template:
        actor = actor_of(request)
        consultation = await services.get_consultation(consultation_id)
        results = await services.results_for(consultation_id, DEFAULT_LAYOUT)
        staff = actor.role in CONSULTATION_STAFF
        sheets = await services.list_sheets(consultation_id) if staff else []
        return Template("consultations/detail.html", status_code=status, context={
            "c": consultation, "results": results, "staff": staff, "actor": actor, "choices": CHOICES,
            "pending": [s for s in sheets if s.status in (SheetStatus.pending, SheetStatus.mismatch)],
            "error": error, "notice": notice, "progress": await services.progress(consultation_id),
            "items": {i.id: i for i in consultation.items},
        })

    @get("/consultations/{consultation_id:int}", guards=[requires_role(REGISTER_READERS), consultation_member])
    async def detail(self, request: Request, consultation_id: int) -> Template:
        return await self._staff_page(request, consultation_id)

    @post("/consultations/{consultation_id:int}/paper", guards=[requires_role(CONSULTATION_STAFF), consultation_member])
    async def enter_paper(self, request: Request, consultation_id: int, data: Form) -> Template:
        """First entry of a paper sheet; it waits for a second person."""
        try:
            consultation = await services.get_consultation(consultation_id)
            choices = _choices_from(data, [i.id for i in consultation.items])
            sheet = await services.enter_paper_ballot(actor_of(request), consultation_id, PaperBallotIn(
                choices=choices, certificate_no=str(data.get("certificate_no", "")).strip() or None,
                proxy_name=str(data.get("proxy_name", "")).strip(),
                proxy_reference=str(data.get("proxy_reference", "")).strip(),
            ))
        except DomainError as exc:
            return await self._staff_page(request, consultation_id, error=exc.translated(gettext), status=exc.status_code)
        return await self._staff_page(
            request, consultation_id,
            notice=gettext("Sheet {receipt} entered; a second staff member must confirm it.").format(receipt=sheet.receipt_no),
        )

    @post("/ballot-sheets/{sheet_id:int}/confirm", guards=[requires_role(CONSULTATION_STAFF), consultation_member])
    async def confirm_paper(self, request: Request, sheet_id: int, data: Form) -> Template:
        """The second person's own entry of the same sheet."""
        consultation_id = int(data.get("consultation_id", 0))
        try:
            consultation = await services.get_consultation(consultation_id)
            choices = _choices_from(data, [i.id for i in consultation.items])
            sheet = await services.confirm_paper_ballot(actor_of(request), sheet_id, choices)
        except DomainError as exc:
            if not consultation_id:
                raise
            return await self._staff_page(request, consultation_id, error=exc.translated(gettext), status=exc.status_code)
        message = (gettext("Sheet {receipt} confirmed and counted.") if sheet.status is SheetStatus.counted
                   else gettext("Sheet {receipt} does not match the first entry; a supervisor decides."))
        return await self._staff_page(request, consultation_id, notice=message.format(receipt=sheet.receipt_no))

    @post("/consultations/{consultation_id:int}/status/{action:str}",
          guards=[requires_role(CONSULTATION_STAFF), consultation_member])
    async def act(self, request: Request, consultation_id: int, action: str) -> Redirect | Template:
        """Open, close or decide from the page (the same status table as the API)."""
        handlers = {"open": services.open_consultation, "close": services.close_consultation,
                    "decide": services.decide_consultation}
        if action not in handlers:
            return await self._staff_page(request, consultation_id, error=gettext("Unknown action."), status=404)
        try:
            await handlers[action](actor_of(request), consultation_id)
        except DomainError as exc:
            return await self._staff_page(request, consultation_id, error=exc.translated(gettext), status=exc.status_code)
        return Redirect(f"/consultations/{consultation_id}", status_code=303)

    @get("/signing-board", guards=[requires_role(REGISTER_READERS)])
    async def signing_board(self, request: Request) -> Template:
        """The "亮晒比学" board across parcels."""
        return Template("consultations/board.html", context={"board": await services.signing_board(actor_of(request))})

    # ------------------------------------------------------------ public

    @get("/public/consultations/{consultation_id:int}", guards=[allow_public])
    async def public_results(self, consultation_id: int) -> Template:
        consultation = await services.get_consultation(consultation_id)
        results = await services.results_for(consultation_id, DEFAULT_LAYOUT, public=True)
        return Template("consultations/public.html", context={"c": consultation, "results": results},
                        status_code=200 if results else 404)
