"""JSON API of consultations under /api/v1: drafts, roll, ballots, results, signing, lotteries.

Voting with a code is public (the code is the credential, so those two routes need no session and
no CSRF token); everything else is for project members by role.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get, patch, post, put
from litestar.params import Parameter

from tracker.accounts.actor import Actor
from tracker.accounts.roles import PROJECT_ADMINS, REGISTER_READERS, RESIDENT_OFFICE
from tracker.consultations import exports, services
from tracker.consultations.kinds import SheetStatus
from tracker.consultations.schemas import (
    ConfirmIn,
    ConsultationIn,
    ConsultationOut,
    LotteryIn,
    LotteryOut,
    PaperBallotIn,
    ProgressDayOut,
    ReceiptOut,
    ResolveIn,
    ResultsOut,
    RollEntryOut,
    RollEntryPatch,
    SheetOut,
    SigningIn,
    VotingCode,
    WebBallotIn,
)
from tracker.consultations.tally import DEFAULT_LAYOUT, DIMENSIONS
from tracker.errors import Invalid, NotFound
from tracker.export_jobs import services as export_jobs
from tracker.export_jobs.schemas import ExportJobOut
from tracker.web.auth import client_address
from tracker.web.guards import allow_public, project_member, requires_role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# `default`, or tally dimensions joined by commas; documented so clients (and the fuzzer) know the values.
_DIMENSION = "(" + "|".join(DIMENSIONS) + ")"
GroupBy = Annotated[str, Parameter(pattern=f"^(default|{_DIMENSION}(,{_DIMENSION})*)?$", max_length=200)]


def _file(body: bytes, media_type: str, name: str, disposition: str = "attachment") -> Response:
    """A file to download (or, `inline`, to show in the browser) under its own name."""
    return Response(body, media_type=media_type, headers={"content-disposition": f'{disposition}; filename="{name}"'})


def parse_dims(group_by: str) -> tuple[str, ...]:
    if group_by == "default":
        return DEFAULT_LAYOUT
    dims = tuple(d.strip() for d in group_by.split(",") if d.strip())
    for d in dims:
        if d not in DIMENSIONS:
            raise Invalid("Unknown grouping {name} (known: {known}).", field="group_by", name=d,
                          known=", ".join(DIMENSIONS))
    return dims


class ProjectConsultationApiController(Controller):
    path = "/api/v1/projects/{project_id:int}/consultations"
    tags = ["consultations"]

    @get("/", guards=[requires_role(REGISTER_READERS), project_member])
    async def list_consultations(self, project_id: int) -> list[ConsultationOut]:
        return await services.list_consultations(project_id)

    @post("/", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def create_consultation(self, actor: Actor, project_id: int, data: ConsultationIn) -> ConsultationOut:
        """A draft consultation; its roll is taken from the register now and frozen when it opens."""
        return await services.create_consultation(actor, project_id, data)


class ConsultationApiController(Controller):
    path = "/api/v1/consultations/{consultation_id:int}"
    tags = ["consultations"]

    @get("/", guards=[requires_role(REGISTER_READERS), project_member])
    async def get_consultation(self, consultation_id: int) -> ConsultationOut:
        return await services.get_consultation(consultation_id)

    @put("/", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def update_consultation(self, actor: Actor, consultation_id: int, data: ConsultationIn) -> ConsultationOut:
        """Change a draft; once open its roll and rule are frozen (409)."""
        return await services.update_consultation(actor, consultation_id, data)

    @get("/roll", guards=[requires_role(REGISTER_READERS), project_member])
    async def list_roll(self, consultation_id: int) -> list[RollEntryOut]:
        return await services.list_roll(consultation_id)

    @post("/roll/rebuild", guards=[requires_role(RESIDENT_OFFICE), project_member], status_code=200)
    async def rebuild_roll(self, actor: Actor, consultation_id: int) -> dict[str, int]:
        return {"roll_titles": await services.rebuild_roll(actor, consultation_id)}

    @patch("/roll/{entry_id:int}", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def edit_roll_entry(
        self, actor: Actor, consultation_id: int, entry_id: int, data: RollEntryPatch
    ) -> RollEntryOut:
        """Correct a title on a draft roll; once open the roll is frozen (409)."""
        return await services.edit_roll_entry(actor, consultation_id, entry_id, data)

    @post("/open", guards=[requires_role(RESIDENT_OFFICE), project_member], status_code=200)
    async def open_consultation(self, actor: Actor, consultation_id: int) -> ConsultationOut:
        return await services.open_consultation(actor, consultation_id)

    @post("/close", guards=[requires_role(RESIDENT_OFFICE), project_member], status_code=200)
    async def close_consultation(self, actor: Actor, consultation_id: int) -> ConsultationOut:
        return await services.close_consultation(actor, consultation_id)

    @post("/decide", guards=[requires_role(RESIDENT_OFFICE), project_member], status_code=200)
    async def decide_consultation(self, actor: Actor, consultation_id: int) -> ConsultationOut:
        return await services.decide_consultation(actor, consultation_id)

    @post("/next-round", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def next_round(
        self, actor: Actor, consultation_id: int, data: dict[str, dt.datetime]
    ) -> ConsultationOut:
        """A new draft round re-asking the failed items: body {"opens_at": …, "closes_at": …}."""
        if "opens_at" not in data or "closes_at" not in data:
            raise Invalid("Give opens_at and closes_at of the new round.", field="opens_at")
        return await services.start_next_round(actor, consultation_id, data["opens_at"], data["closes_at"])

    @post("/paper-ballots", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def enter_paper_ballot(self, actor: Actor, consultation_id: int, data: PaperBallotIn) -> SheetOut:
        """Enter a paper / door-to-door sheet; it counts once a second staff member confirms it."""
        return await services.enter_paper_ballot(actor, consultation_id, data)

    @get("/sheets", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def list_sheets(self, consultation_id: int, status: SheetStatus | None = None) -> list[SheetOut]:
        """Every ballot sheet handed in (the ballot history), optionally by status."""
        return await services.list_sheets(consultation_id, status)

    @get("/results", guards=[requires_role(REGISTER_READERS), project_member])
    async def results(self, consultation_id: int, group_by: GroupBy = "") -> ResultsOut:
        """Per item: totals, rates, pass/fail with reasons; `group_by=kind,office,subdistrict` (or
        `default`) adds grouped rows with subtotals and the total."""
        return msgspec.convert(await services.results_for(consultation_id, parse_dims(group_by)), ResultsOut,
                               strict=False)

    @get("/results.csv", guards=[requires_role(REGISTER_READERS), project_member])
    async def results_csv(self, consultation_id: int, group_by: GroupBy = "default") -> Response:
        body = await exports.results_csv(consultation_id, parse_dims(group_by))
        return _file(body, "text/csv; charset=utf-8", f"consultation-{consultation_id}-results.csv")

    @get("/results.xlsx", guards=[requires_role(REGISTER_READERS), project_member])
    async def results_xlsx(self, consultation_id: int, group_by: GroupBy = "default") -> Response:
        body = await exports.results_xlsx(consultation_id, parse_dims(group_by))
        return _file(body, XLSX, f"consultation-{consultation_id}-results.xlsx")

    @get("/publicity.pdf", guards=[requires_role(REGISTER_READERS), project_member])
    async def publicity_pdf(self, consultation_id: int, group_by: GroupBy = "default") -> Response:
        """The publicity sheet (公示) carrying the audit-chain head hash at printing."""
        body = await exports.publicity_pdf(consultation_id, parse_dims(group_by))
        return _file(body, "application/pdf", f"consultation-{consultation_id}-publicity.pdf", "inline")

    @get("/voting-letters.pdf", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def voting_letters_pdf(self, consultation_id: int) -> Response:
        """One letter per title with its voting code (codes are derived, never stored), made in this
        request for a roll of at most 200 titles; a larger roll answers 409 (`export_in_background`):
        start the letters with `POST …/voting-letters` instead."""
        body = await exports.letters_pdf(consultation_id)
        return _file(body, "application/pdf", f"consultation-{consultation_id}-letters.pdf")

    @post("/voting-letters", guards=[requires_role(RESIDENT_OFFICE), project_member], status_code=202)
    async def start_voting_letters(self, actor: Actor, consultation_id: int) -> Response[ExportJobOut]:
        """Start the voting letters of the whole roll in the background: 202 with the job (`Location`
        and `url` its status at `/api/v1/export-jobs/{job_id}`, `file_url` once done). A draft answers
        409: codes exist once the consultation opens."""
        job = await export_jobs.start_export(actor, exports.LETTERS_KIND, consultation_id)
        return Response(job, status_code=202, headers={"Location": job.url})

    @get("/progress", guards=[requires_role(REGISTER_READERS), project_member])
    async def progress(self, consultation_id: int) -> list[ProgressDayOut]:
        """The daily snapshots, oldest first (the progress chart's data)."""
        return msgspec.convert(await services.progress(consultation_id), list[ProgressDayOut], strict=False)

    @post("/signing/{entry_id:int}", guards=[requires_role(RESIDENT_OFFICE), project_member], status_code=200)
    async def record_signing(
        self, actor: Actor, consultation_id: int, entry_id: int, data: SigningIn
    ) -> dict[str, Any]:
        """Signed (签约) / sealed (封房) / moved out (搬迁) dates of one title in a signing round."""
        return await services.record_signing(actor, consultation_id, entry_id, data)

    @post("/lottery", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def draw_lottery(self, actor: Actor, consultation_id: int, data: LotteryIn) -> LotteryOut:
        """Draw the order from the published seed; anyone can recompute it (see the algorithm field)."""
        return LotteryOut(**await services.draw_lottery(actor, consultation_id, data.seed, data.purpose))

    @get("/lottery/{purpose:str}", guards=[requires_role(REGISTER_READERS), project_member])
    async def get_lottery(self, consultation_id: int, purpose: str) -> LotteryOut:
        return LotteryOut(**await services.get_lottery(consultation_id, purpose))

    @get("/lost-contact", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def lost_contact(self, consultation_id: int) -> list[dict[str, Any]]:
        """Titles whose household is marked lost-contact (失联) and has not signed."""
        return await services.lost_contact(consultation_id)


class BallotSheetApiController(Controller):
    path = "/api/v1/ballot-sheets/{sheet_id:int}"
    tags = ["consultations"]

    @post("/confirm", guards=[requires_role(RESIDENT_OFFICE), project_member], status_code=200)
    async def confirm(self, actor: Actor, sheet_id: int, data: ConfirmIn) -> SheetOut:
        """A second, different staff member enters the sheet again: equal → counted, else flagged."""
        return await services.confirm_paper_ballot(actor, sheet_id, data.choices)

    @post("/resolve", guards=[requires_role(PROJECT_ADMINS), project_member], status_code=200)
    async def resolve(self, actor: Actor, sheet_id: int, data: ResolveIn) -> SheetOut:
        """A supervisor settles a mismatched sheet from the paper original."""
        return await services.resolve_sheet(actor, sheet_id, data.choices, data.reject)


class SigningBoardApiController(Controller):
    path = "/api/v1/signing-board"
    tags = ["consultations"]

    @get("/", guards=[requires_role(REGISTER_READERS)])
    async def board(self, actor: Actor, on: dt.date | None = None) -> list[dict[str, Any]]:
        """Signing rounds across parcels ranked by 签约率, then 封房率, 搬迁率 (亮晒比学)."""
        return await services.signing_board(actor, on)


class VoteApiController(Controller):
    """Residents vote with the code on their letter; a wrong code is one 403 whatever the reason.

    The client's address (wrong codes are counted against it) is read from the request here, not
    provided as a dependency: resolving one costs the vote storm's hot path about 0.15 ms a ballot.
    """

    path = "/api/v1/vote"
    tags = ["consultations"]

    @post("/lookup", guards=[allow_public], exclude_from_csrf=True, status_code=200)
    async def lookup(self, request: Request, data: VotingCode) -> dict[str, Any]:
        """The consultation, its items with costs, the title's own counted ballot and, when visible, results."""
        return await services.ballot_for_code(data.code, client_address(request.scope))

    @post("/", guards=[allow_public], exclude_from_csrf=True, status_code=201)
    async def cast(self, request: Request, data: WebBallotIn) -> ReceiptOut:
        """Cast (or, while open and not locked, change) the title's ballot; answers a receipt number."""
        return await services.cast_web_ballot(data.code, data.choices, client_address(request.scope))


class PublicResultsApiController(Controller):
    path = "/api/v1/public/consultations/{consultation_id:int}"
    tags = ["consultations"]

    @get("/results", guards=[allow_public])
    async def results(self, consultation_id: int, group_by: GroupBy = "") -> ResultsOut:
        """Published results (公示), once the consultation's visibility allows."""
        result = await services.results_for(consultation_id, parse_dims(group_by), public=True)
        if result is None:
            raise NotFound("Results of this consultation are published after it closes.", field="consultation_id")
        return msgspec.convert(result, ResultsOut, strict=False)


CONTROLLERS = [
    ProjectConsultationApiController,
    ConsultationApiController,
    BallotSheetApiController,
    SigningBoardApiController,
    VoteApiController,
    PublicResultsApiController,
]
