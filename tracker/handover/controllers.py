"""JSON API of handover under /api/v1: schedule, units and acceptance, entitlements and selection,
appointments and handover, warranty claims, idle units."""

from __future__ import annotations

from litestar import Controller, Response, get, post, put
from litestar.params import Parameter

from tracker.accounts.actor import Actor
from tracker.accounts.roles import (
    HANDOVER_READERS,
    INSPECTING,
    PROJECT_ADMINS,
    RESIDENT_OFFICE,
    Role,
)
from tracker.documents.services import document_pdf
from tracker.export_jobs import services as export_jobs
from tracker.export_jobs.schemas import ExportJobOut
from tracker.handover import exports, services
from tracker.handover.kinds import UnitStatus
from tracker.handover.schemas import (
    AcceptanceOut,
    AppointmentIn,
    AppointmentOut,
    AppointmentSlotIn,
    AppointmentSlotOut,
    BatchIn,
    BatchOut,
    BuildingIn,
    CheckIn,
    ClaimIn,
    ClaimOut,
    EntitlementIn,
    EntitlementOut,
    EntitleSignedIn,
    HandoverIn,
    HandoverOut,
    IdleReasonIn,
    IdleUnitOut,
    MilestoneIn,
    MilestoneOut,
    OrderIn,
    RatingIn,
    SelectIn,
    SelectionOut,
    SlotOut,
    SlotsIn,
    TermsIn,
    TermsOut,
    UnitIn,
    UnitOut,
)
from tracker.spreadsheets import CSV_TYPE
from tracker.types import INT32_MAX
from tracker.handover.guards import own_or_member
from tracker.web.guards import project_member, requires_role


class HandoverApiController(Controller):
    path = "/api/v1"
    tags = ["handover"]

    # ------------------------------------------------------------------ schedule

    @get("/projects/{project_id:int}/handover/terms", guards=[requires_role(HANDOVER_READERS), project_member])
    async def get_terms(self, actor: Actor, project_id: int) -> TermsOut:
        return await services.get_terms(actor, project_id)

    @put("/projects/{project_id:int}/handover/terms", guards=[requires_role(PROJECT_ADMINS), project_member])
    async def set_terms(self, actor: Actor, project_id: int, data: TermsIn) -> TermsOut:
        """Quota per person, price tiers, the order method and what a missed slot means."""
        return await services.set_terms(actor, project_id, data)

    @get("/projects/{project_id:int}/handover/batches", guards=[requires_role(HANDOVER_READERS), project_member])
    async def list_batches(self, actor: Actor, project_id: int) -> list[BatchOut]:
        """Batches with their buildings' milestones, forecast, slippage and missing prerequisites."""
        return await services.list_batches(actor, project_id)

    @post("/projects/{project_id:int}/handover/batches", guards=[requires_role(PROJECT_ADMINS), project_member])
    async def create_batch(self, actor: Actor, project_id: int, data: BatchIn) -> BatchOut:
        return await services.create_batch(actor, project_id, data)

    @get("/handover/batches/{batch_id:int}", guards=[requires_role(HANDOVER_READERS), project_member])
    async def get_batch(self, actor: Actor, batch_id: int) -> BatchOut:
        return await services.get_batch(actor, batch_id)

    @post("/handover/batches/{batch_id:int}/buildings", guards=[requires_role(PROJECT_ADMINS), project_member])
    async def add_building(self, actor: Actor, batch_id: int, data: BuildingIn) -> BatchOut:
        return await services.add_building(actor, batch_id, data)

    @post("/handover/batches/{batch_id:int}/appointment-slots",
          guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def add_appointment_slot(self, actor: Actor, batch_id: int, data: AppointmentSlotIn) -> AppointmentSlotOut:
        return await services.add_appointment_slot(actor, batch_id, data)

    @get("/buildings/{building_id:int}/milestones", guards=[requires_role(HANDOVER_READERS), project_member])
    async def milestones(self, building_id: int) -> list[MilestoneOut]:
        return await services.building_milestones(building_id)

    @put("/buildings/{building_id:int}/milestones", guards=[requires_role(PROJECT_ADMINS), project_member])
    async def set_milestone(self, actor: Actor, building_id: int, data: MilestoneIn) -> list[MilestoneOut]:
        """Planned, forecast and actual dates; 竣工验收 is refused while a unit has not passed acceptance."""
        return await services.set_milestone(actor, building_id, data)

    # ------------------------------------------------------------------ units and acceptance

    @get("/projects/{project_id:int}/handover/units", guards=[requires_role(HANDOVER_READERS), project_member])
    async def list_units(
        self, actor: Actor, project_id: int, status: UnitStatus | None = None,
        building_id: int | None = Parameter(default=None, ge=1, le=INT32_MAX),
        offset: int = Parameter(default=0, ge=0, le=INT32_MAX), limit: int = Parameter(default=200, ge=1, le=1000),
    ) -> list[UnitOut]:
        return await services.list_units(actor, project_id, status=status, building_id=building_id, limit=limit,
                                         offset=offset)

    @post("/projects/{project_id:int}/handover/units", guards=[requires_role(PROJECT_ADMINS), project_member])
    async def add_unit(self, actor: Actor, project_id: int, data: UnitIn) -> UnitOut:
        return await services.add_unit(actor, project_id, data)

    @get("/handover/units/{unit_id:int}", guards=[requires_role(HANDOVER_READERS), project_member])
    async def get_unit(self, actor: Actor, unit_id: int) -> UnitOut:
        return await services.get_unit(actor, unit_id)

    @get("/handover/units/{unit_id:int}/acceptance",
         guards=[requires_role(HANDOVER_READERS, Role.contractor), project_member])
    async def get_acceptance(self, actor: Actor, unit_id: int) -> AcceptanceOut:
        return await services.get_acceptance(actor, unit_id)

    @post("/handover/units/{unit_id:int}/acceptance", guards=[requires_role(INSPECTING), project_member])
    async def record_check(self, actor: Actor, unit_id: int, data: CheckIn) -> AcceptanceOut:
        """One of the nine items; a failure files an issue for the building's contractor."""
        return await services.record_check(actor, unit_id, data)

    @put("/handover/units/{unit_id:int}/idle-reason", guards=[requires_role(PROJECT_ADMINS), project_member])
    async def set_idle_reason(self, actor: Actor, unit_id: int, data: IdleReasonIn) -> UnitOut:
        """Why a completed unit is not handed over (shown on the idle-unit list)."""
        return await services.set_idle_reason(actor, unit_id, data.reason)

    @get("/projects/{project_id:int}/handover/idle-units", guards=[requires_role(HANDOVER_READERS), project_member])
    async def idle_units(self, actor: Actor, project_id: int) -> list[IdleUnitOut]:
        return await services.idle_units(actor, project_id)

    # ------------------------------------------------------------------ entitlements, order, selection

    @get("/projects/{project_id:int}/handover/entitlements",
         guards=[requires_role(HANDOVER_READERS), project_member])
    async def list_entitlements(
        self, actor: Actor, project_id: int, q: str = Parameter(default="", max_length=80),
        offset: int = Parameter(default=0, ge=0, le=INT32_MAX), limit: int = Parameter(default=50, ge=1, le=1000),
    ) -> list[EntitlementOut]:
        """In selection order; `q` finds a certificate number or a holder's name (the desk's search)."""
        return await services.list_entitlements(actor, project_id, q=q, limit=limit, offset=offset)

    @post("/projects/{project_id:int}/handover/entitlements", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def entitle(self, actor: Actor, project_id: int, data: EntitlementIn) -> EntitlementOut:
        return await services.entitle(actor, project_id, data)

    @post("/projects/{project_id:int}/handover/entitlements/from-signing",
          guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def entitle_signed(self, actor: Actor, project_id: int, data: EntitleSignedIn) -> list[EntitlementOut]:
        return await services.entitle_signed(actor, project_id, data)

    @get("/handover/entitlements/{entitlement_id:int}",
         guards=[requires_role(RESIDENT_OFFICE, HANDOVER_READERS, Role.resident), own_or_member])
    async def get_entitlement(self, actor: Actor, entitlement_id: int) -> EntitlementOut:
        return await services.get_entitlement(actor, entitlement_id)

    @post("/handover/entitlements/{entitlement_id:int}/missed-slot",
          guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def miss_slot(self, actor: Actor, entitlement_id: int) -> EntitlementOut:
        return await services.miss_slot(actor, entitlement_id)

    @post("/projects/{project_id:int}/handover/order", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def fix_order(self, actor: Actor, project_id: int, data: OrderIn) -> list[EntitlementOut]:
        """Fix the selection order once (by signing, or by the lottery from its published seed)."""
        return await services.fix_order(actor, project_id, data)

    @get("/projects/{project_id:int}/handover/slots", guards=[requires_role(HANDOVER_READERS), project_member])
    async def list_slots(self, actor: Actor, project_id: int) -> list[SlotOut]:
        return await services.list_slots(actor, project_id)

    @post("/handover/batches/{batch_id:int}/packs", guards=[requires_role(RESIDENT_OFFICE), project_member],
          status_code=202)
    async def start_batch_packs(self, actor: Actor, batch_id: int) -> Response[ExportJobOut]:
        """Print every handover pack of the batch as one PDF, in the background: 202 with the job
        (`Location` its status at `/api/v1/export-jobs/{job_id}`, `file_url` once done). Packs never issued
        are issued first; a batch with no unit handed over answers 409 `no_packs`."""
        job = await export_jobs.start_export(actor, exports.BATCH_PACKS_KIND, batch_id)
        return Response(job, status_code=202, headers={"Location": job.url})

    @post("/projects/{project_id:int}/handover/slots", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def make_slots(self, actor: Actor, project_id: int, data: SlotsIn) -> list[SlotOut]:
        return await services.make_slots(actor, project_id, data)

    @post("/projects/{project_id:int}/handover/selections", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def select_unit(self, actor: Actor, project_id: int, data: SelectIn) -> SelectionOut:
        """The desk records a household's choice; two desks on one unit: one success, one 409 `unit_taken`."""
        return await services.select_unit(actor, data, project_id=project_id)

    @get("/handover/selections/{selection_id:int}",
         guards=[requires_role(RESIDENT_OFFICE, HANDOVER_READERS, Role.resident), own_or_member])
    async def get_selection(self, actor: Actor, selection_id: int) -> SelectionOut:
        return await services.get_selection(actor, selection_id)

    @post("/handover/selections/{selection_id:int}/appointment",
          guards=[requires_role(RESIDENT_OFFICE, Role.resident), own_or_member])
    async def book(self, actor: Actor, selection_id: int, data: AppointmentIn) -> AppointmentOut:
        return await services.book(actor, selection_id, data)

    @post("/handover/selections/{selection_id:int}/handover", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def record_handover(self, actor: Actor, selection_id: int, data: HandoverIn) -> HandoverOut:
        """交房: keys, readings, defects noted (warranty claims), acknowledgement, true-up on the surveyed area."""
        return await services.record_handover(actor, selection_id, data)

    @post("/handover/selections/{selection_id:int}/rating", guards=[requires_role(Role.resident), own_or_member],
          status_code=204)
    async def rate(self, actor: Actor, selection_id: int, data: RatingIn) -> None:
        await services.rate(actor, selection_id, data)

    # ------------------------------------------------------------------ warranty

    @post("/handover/units/{unit_id:int}/claims", guards=[requires_role(RESIDENT_OFFICE, Role.resident), own_or_member])
    async def report_claim(self, actor: Actor, unit_id: int, data: ClaimIn) -> ClaimOut:
        """A defect after handover, classified in or out of warranty with the reason."""
        return await services.report_claim(actor, unit_id, data)

    @get("/handover/units/{unit_id:int}/claims",
         guards=[requires_role(HANDOVER_READERS, Role.resident), own_or_member])
    async def unit_claims(self, actor: Actor, unit_id: int) -> list[ClaimOut]:
        return await services.unit_claims(actor, unit_id)

    @get("/projects/{project_id:int}/handover/warranty", guards=[requires_role(HANDOVER_READERS), project_member])
    async def warranty_ledger(self, actor: Actor, project_id: int,
                              contractor_org_id: int = Parameter(ge=1, le=INT32_MAX)) -> list[ClaimOut]:
        return await services.contractor_ledger(actor, project_id, contractor_org_id)

    # ------------------------------------------------------------------ documents and public lists

    @post("/handover/units/{unit_id:int}/acceptance-record", guards=[requires_role(INSPECTING), project_member])
    async def issue_acceptance_record(self, actor: Actor, unit_id: int) -> exports.DocumentOut:
        """Issue the unit's 分户验收表 (again after a failed item passes): a numbered, frozen PDF."""
        return await exports.issue_acceptance_record(actor, unit_id)

    @get("/handover/units/{unit_id:int}/acceptance-record.pdf", guards=[requires_role(HANDOVER_READERS), project_member])
    async def acceptance_record_pdf(self, actor: Actor, unit_id: int) -> Response[bytes]:
        return await _document_pdf(actor, exports.ACCEPTANCE, unit_id)

    @post("/handover/selections/{selection_id:int}/settlement", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def issue_settlement(self, actor: Actor, selection_id: int) -> exports.DocumentOut:
        """Issue the 安置结算单 (again after the handover's true-up)."""
        return await exports.issue_settlement(actor, selection_id)

    @get("/handover/selections/{selection_id:int}/settlement.pdf",
         guards=[requires_role(HANDOVER_READERS, Role.resident), own_or_member])
    async def settlement_pdf(self, actor: Actor, selection_id: int) -> Response[bytes]:
        return await _document_pdf(actor, exports.SETTLEMENT, selection_id)

    @post("/handover/selections/{selection_id:int}/handover-pack",
          guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def issue_handover_pack(self, actor: Actor, selection_id: int) -> exports.DocumentOut:
        """Issue the handover pack (交房确认书 + 住宅质量保证书 periods + settlement) after the handover."""
        return await exports.issue_handover_pack(actor, selection_id)

    @get("/handover/selections/{selection_id:int}/handover-pack.pdf",
         guards=[requires_role(HANDOVER_READERS, Role.resident), own_or_member])
    async def handover_pack_pdf(self, actor: Actor, selection_id: int) -> Response[bytes]:
        return await _document_pdf(actor, exports.PACK, selection_id)

    @get("/projects/{project_id:int}/handover/selection-order.csv",
         guards=[requires_role(HANDOVER_READERS), project_member])
    async def selection_order_csv(self, actor: Actor, project_id: int) -> Response[bytes]:
        """The public selection order (names and certificates masked; the lottery seed)."""
        return _download(await exports.selection_order_csv(actor, project_id), CSV_TYPE,
                         f"selection-order-{project_id}.csv")

    @get("/projects/{project_id:int}/handover/selection-order.pdf",
         guards=[requires_role(HANDOVER_READERS), project_member])
    async def selection_order_pdf(self, actor: Actor, project_id: int) -> Response[bytes]:
        return _download(await exports.selection_order_pdf(actor, project_id), "application/pdf",
                         f"selection-order-{project_id}.pdf")

    @get("/projects/{project_id:int}/handover/selection-results.csv",
         guards=[requires_role(HANDOVER_READERS), project_member])
    async def selection_results_csv(self, actor: Actor, project_id: int) -> Response[bytes]:
        """The public selection results by unit (names masked)."""
        return _download(await exports.selection_results_csv(actor, project_id), CSV_TYPE,
                         f"selection-results-{project_id}.csv")

    @get("/projects/{project_id:int}/handover/selection-results.pdf",
         guards=[requires_role(HANDOVER_READERS), project_member])
    async def selection_results_pdf(self, actor: Actor, project_id: int) -> Response[bytes]:
        return _download(await exports.selection_results_pdf(actor, project_id), "application/pdf",
                         f"selection-results-{project_id}.pdf")


async def _document_pdf(actor: Actor, kind: str, record_id: int) -> Response[bytes]:
    document = await exports.latest_document(actor, kind, record_id)
    return _download(await document_pdf(document["id"]), "application/pdf", f"{document['number_text']}.pdf")


def _download(content: bytes, media_type: str, name: str) -> Response[bytes]:
    return Response(content, media_type=media_type,
                    headers={"content-disposition": f'inline; filename="{name}"'})
