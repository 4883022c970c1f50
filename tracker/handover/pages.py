"""Pages of handover for people: the delivery schedule with its timeline chart, the public batch page,
the acceptance checklist on a phone, the selection desk, the handover desk and the resident's own page.
They call the same services as the JSON API."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body, Parameter
from litestar.response import Redirect, Template

from inspections import photos as photo_store
from inspections import services as inspections
from inspections.controllers import UPLOAD_LIMIT
from inspections.kinds import Severity
from tracker import clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import HANDOVER_READERS, INSPECTING, RESIDENT_OFFICE, Role
from tracker.errors import Conflict, Invalid, NotFound
from tracker.export_jobs import services as export_jobs
from tracker.handover import chart, exports, services
from tracker.handover.guards import own_or_member
from tracker.handover.kinds import AcceptanceItem, ItemResult, WarrantyPart
from tracker.i18n import gettext
from tracker.handover.schemas import (
    AppointmentIn,
    BatchOut,
    CheckIn,
    ClaimIn,
    DefectNoted,
    HandoverIn,
    RatingIn,
    SelectIn,
)
from tracker.register import services as register
from tracker.types import INT32_MAX
from tracker.web.forms import FormInvalid, Refusal, parse_form, refused
from tracker.web.guards import allow_public, project_member, requires_role

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
DEFECT_ROWS = 5  # defects noted on the spot: rows on the handover form
# The English label (msgid) of each handover form field, for refusals that name it.
LABELS = {
    "keys": "Keys handed over", "surveyed_area": "Surveyed area (m²)", "water_reading": "Water meter",
    "electricity_reading": "Electricity meter", "gas_reading": "Gas meter", "note": "Note",
    "service_score": "Handover service", "quality_score": "Unit quality", "comment": "Comment",
    "appointment_slot_id": "Appointment", "entitlement_id": "Household", "unit_id": "Unit",
    "part": "Part", "description": "Description", "category": "Category", "severity": "Severity",
    "result": "Result",
}
# 分户验收 items as 建质〔2009〕291号 names them (the Chinese catalog gives the document's words).
ITEM_NAMES = {
    AcceptanceItem.surfaces: "Floors, walls and ceilings",
    AcceptanceItem.doors_windows: "Doors and windows",
    AcceptanceItem.railings: "Railings and guards",
    AcceptanceItem.waterproofing: "Waterproofing",
    AcceptanceItem.dimensions: "Main room dimensions",
    AcceptanceItem.plumbing: "Water supply and drainage",
    AcceptanceItem.electrical: "Electrical installation",
    AcceptanceItem.energy_heating: "Energy saving and heating",
    AcceptanceItem.contract_items: "Other items the contract names",
}
ItemId = Annotated[int | None, Parameter(ge=1, le=INT32_MAX)]


def _text(form: dict[str, Any], name: str) -> str:
    value = form.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return value.strip() if isinstance(value, str) else ""


def _id(form: dict[str, Any], name: str) -> int | None:
    text = _text(form, name)
    return int(text) if text.isdecimal() and len(text) <= 9 else None


def _files(form: dict[str, Any], name: str) -> list[UploadFile]:
    value = form.get(name)
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, UploadFile) and v.filename]


def _named(exc: Invalid, field: str | None = None) -> Invalid:
    """A form refusal naming the field as this page labels it (and, for per-row fields, the row's field)."""
    if isinstance(exc, FormInvalid) and exc.field in LABELS:
        return FormInvalid(exc.template, field=field or exc.field, rule=exc.rule,
                           **{**exc.params, "name": LABELS[exc.field]})
    if field:
        return type(exc)(exc.template, field=field, rule=exc.rule, **exc.params)
    return exc


def _parse(form: dict[str, Any], schema, **values):
    try:
        return parse_form(form, schema, **values)
    except Invalid as exc:
        raise _named(exc) from None


def _groups(batches: list[BatchOut]) -> list[chart.Group]:
    return [chart.Group(b.name, b.planned_on, b.forecast_on, b.slipping_days, tuple(
        chart.Lane(building.name, tuple(chart.Stone(m.milestone, m.planned_on, m.forecast_on, m.actual_on)
                                        for m in building.milestones))
        for building in b.buildings)) for b in batches]


class HandoverPages(Controller):
    include_in_schema = False

    # ------------------------------------------------------------ schedule (交付计划)

    @get("/projects/{project_id:int}/handover", guards=[requires_role(HANDOVER_READERS), project_member])
    async def schedule(self, actor: Actor, project_id: int) -> Template:
        """Batches and buildings on a timeline with today's line, slippage and missing prerequisites,
        handover rate per batch, idle units."""
        project = await register.get_project(project_id)
        batches = await services.list_batches(actor, project_id)
        idle = await services.idle_units(actor, project_id)
        return Template("handover/schedule.html", context={
            "project": project, "batches": batches,
            "chart": chart.chart(_groups(batches), clock.today()) if batches else None,
            "rates": {b.id: chart.rate(b.units_handed_over, b.units) for b in batches},
            "ratings": await services.batch_ratings(project_id), "idle": idle,
            "idle_area": sum((u.area for u in idle), start=0), "first_units": await services.first_units(project_id),
            "can_desk": actor.role in RESIDENT_OFFICE,
        })

    @post("/handover/batches/{batch_id:int}/packs", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def start_batch_packs(self, actor: Actor, batch_id: int) -> Redirect:
        """Print the batch's handover packs in the background and go to the job's page (progress, then
        the download). The button shows only on a batch with units handed over; otherwise the 409 page
        says there is no pack to print."""
        job = await export_jobs.start_export(actor, exports.BATCH_PACKS_KIND, batch_id)
        return Redirect(job.page_url, status_code=303)

    @get("/projects/{project_id:int}/handover/acceptance",
         guards=[requires_role(HANDOVER_READERS, Role.contractor), project_member])
    async def acceptance_index(self, actor: Actor, project_id: int) -> Template:
        """分户验收 by building: units accepted of units, and where each building's checklist starts.
        The contractor's way in (the schedule is not theirs); staff reach it from the project too."""
        project = await register.get_project(project_id)
        return Template("handover/acceptance_index.html", context={
            "project": project, "batches": await services.list_batches(actor, project_id),
            "first_units": await services.first_units(project_id),
            "can_schedule": actor.role in HANDOVER_READERS,
        })

    @get("/public/handover/batches/{batch_id:int}", guards=[allow_public])
    async def public_batch(self, batch_id: int) -> Template:
        """A batch's progress for residents: dates and milestones per building, no names, no unit numbers."""
        batch = await services.batch_progress(batch_id)
        return Template("handover/public_batch.html", context={
            "batch": batch, "chart": chart.chart(_groups([batch]), clock.today()),
            "rate": chart.rate(batch.units_handed_over, batch.units)})

    @get("/public/handover/projects/{project_id:int}/selection-order", guards=[allow_public])
    async def public_selection_order(self, project_id: int) -> Template:
        """The selection order as posted (选房顺序公示): names to the surname, certificates to their last
        four characters, the lottery's seed; nothing else of a household."""
        return Template("handover/public_lists.html", context={
            "list": await exports.public_selection_order(project_id), "kind": "order"})

    @get("/public/handover/projects/{project_id:int}/selection-order.pdf", guards=[allow_public])
    async def public_selection_order_pdf(self, project_id: int) -> Response[bytes]:
        return _pdf(await exports.public_selection_order_pdf(project_id), f"selection-order-{project_id}.pdf")

    @get("/public/handover/projects/{project_id:int}/selection-results", guards=[allow_public])
    async def public_selection_results(self, project_id: int) -> Template:
        """The selection results as posted (选房结果公示): each unit with its household's masked name."""
        return Template("handover/public_lists.html", context={
            "list": await exports.public_selection_results(project_id), "kind": "results"})

    @get("/public/handover/projects/{project_id:int}/selection-results.pdf", guards=[allow_public])
    async def public_selection_results_pdf(self, project_id: int) -> Response[bytes]:
        return _pdf(await exports.public_selection_results_pdf(project_id), f"selection-results-{project_id}.pdf")

    # ------------------------------------------------------------ acceptance (分户验收) on a phone

    @get("/handover/units/{unit_id:int}/acceptance",
         guards=[requires_role(HANDOVER_READERS, Role.contractor), project_member])
    async def acceptance(self, actor: Actor, unit_id: int) -> Template:
        return await self._acceptance_page(actor, unit_id)

    async def _acceptance_page(self, actor: Actor, unit_id: int, refusal: Refusal | None = None) -> Template:
        unit = await services.get_unit(actor, unit_id)
        result = await services.get_acceptance(actor, unit_id)
        checks = {c.item: c for c in result.checks}
        previous, following, position, count = await services.neighbours(actor, unit_id, unit.building_id)
        can_check = actor.role in INSPECTING
        effective = [c.effective for c in result.checks]
        # An item is open to record until it passes or fails with its issue still open.
        open_items = [c for c in (checks.get(int(item)) for item in AcceptanceItem)
                      if c is None or (c.effective != ItemResult.passed and not (
                          c.result == ItemResult.failed and c.issue_status != "void"))]
        return Template("handover/acceptance.html", context={
            "project": await register.get_project(unit.project_id), "unit": unit, "result": result,
            "can_schedule": actor.role in HANDOVER_READERS,
            # The handover desk of the household that chose this unit: staff find it from the unit too,
            # not only by searching the household at the selection desk.
            "handover_selection": await services.selection_of_unit(unit_id) if actor.role in RESIDENT_OFFICE else None,
            "items": [(item, gettext(ITEM_NAMES[item]), checks.get(int(item))) for item in AcceptanceItem],
            "previous": previous, "following": following, "position": position, "count": count,
            "passed": effective.count(ItemResult.passed), "failed": effective.count(ItemResult.failed),
            "open_items": bool(open_items), "can_check": can_check, "categories": await inspections.list_categories() if can_check else [],
            "severities": list(Severity), "refusal": refusal,
            "fields": [f"{name}_{int(item)}" for name in ("result", "note", "category", "severity", "photos")
                       for item in AcceptanceItem],
        }, status_code=refusal.status if refusal else 200)

    @post("/handover/units/{unit_id:int}/acceptance", guards=[requires_role(INSPECTING), project_member],
          request_max_body_size=UPLOAD_LIMIT * 9)
    async def record_acceptance(self, actor: Actor, unit_id: int, data: Multipart) -> Template | Redirect:
        """The items chosen on the checklist, all or none; a failed item's photos go to the issue it opens."""

        async def act():
            checks, photos = [], {}
            for item in AcceptanceItem:
                n = int(item)
                result = _text(data, f"result_{n}")
                if not result:
                    continue
                if result not in (ItemResult.passed, ItemResult.failed):
                    raise Invalid("Choose pass or fail.", field=f"result_{n}", rule="choice")
                fields = {"item": n, "result": result, "note": _text(data, f"note_{n}")}
                if result == ItemResult.failed:
                    fields.update(category=_text(data, f"category_{n}"), severity=_text(data, f"severity_{n}"))
                try:
                    check = parse_form({}, CheckIn, **fields)
                except Invalid as exc:
                    raise _named(exc, f"{exc.field}_{n}") from None
                if check.result is ItemResult.failed:
                    if not check.category:
                        raise Invalid("Choose the defect category of the failed item.", field=f"category_{n}",
                                      rule="required")
                    if not _text(data, f"severity_{n}"):  # never guessed: the page asks for it
                        raise FormInvalid("{name} is required.", field=f"severity_{n}", rule="required",
                                          name="Severity")
                    if not check.note.strip():
                        raise Invalid("Describe what failed.", field=f"note_{n}", rule="required")
                    photos[n] = [await upload.read() for upload in _files(data, f"photos_{n}")]
                    for content in photos[n]:  # every photo checked before anything is written
                        if len(content) > photo_store.max_photo_bytes():
                            raise photo_store.PhotoTooLarge(
                                "The photo is {size} bytes; the limit is {limit} bytes.", field=f"photos_{n}",
                                size=len(content), limit=photo_store.max_photo_bytes())
                        if photo_store.sniff(content) is None:
                            raise photo_store.NotAnImage("Only JPEG and PNG photos are accepted.",
                                                         field=f"photos_{n}")
                checks.append(check)
            if not checks:
                raise Invalid("Choose pass or fail for at least one item.", field="result_1", rule="required")
            recorded = await services.record_checks(actor, unit_id, checks)
            issues = {c.item: c.issue_id for c in recorded.checks}
            for n, contents in photos.items():
                for content in contents:
                    await inspections.add_photo(actor, issues[n], content)
            return recorded

        async def again(refusal: Refusal) -> Template:
            return await self._acceptance_page(actor, unit_id, refusal)

        return await refused(act, done=lambda _: Redirect(f"/handover/units/{unit_id}/acceptance#result",
                                                          status_code=303), again=again, form=data)

    # ------------------------------------------------------------ the selection desk (选房)

    @get("/projects/{project_id:int}/handover/desk", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def desk(self, actor: Actor, project_id: int, q: str = Parameter(default="", max_length=80),
                   entitlement_id: ItemId = None, unit_id: ItemId = None, selected: ItemId = None) -> Template:
        """Search a household, see its quota and slot and the units that fit with their price difference,
        choose one and confirm."""
        return await self._desk_page(actor, project_id, q=q, entitlement_id=entitlement_id, unit_id=unit_id,
                                     selected=selected)

    async def _desk_page(self, actor: Actor, project_id: int, *, q: str = "", entitlement_id: int | None = None,
                         unit_id: int | None = None, selected: int | None = None,
                         refusal: Refusal | None = None) -> Template:
        project = await register.get_project(project_id)
        try:
            terms = await services.get_terms(actor, project_id)
        except Conflict:
            terms = None
        household = slot = confirm = done = None
        offers, chosen = [], []
        if entitlement_id:
            household = await services.get_entitlement(actor, entitlement_id)
            if household.project_id != project_id:
                raise NotFound("No entitlement {id}.", field="entitlement_id", id=entitlement_id)
            slot = next((s for s in await services.list_slots(actor, project_id) if s.id == household.slot_id), None)
            if terms:
                offers = await services.desk_offer(actor, entitlement_id)
                chosen = [await services.get_selection(actor, i) for i in await services.selection_of(entitlement_id)]
            confirm = next((o for o in offers if o.unit.id == unit_id), None) if unit_id else None
        if selected:
            done = await services.get_selection(actor, selected)
        now = clock.now()
        return Template("handover/desk.html", context={
            "project": project, "terms": terms, "q": q,
            "found": await services.list_entitlements(actor, project_id, q=q, limit=20) if q.strip() else [],
            "household": household, "slot": slot, "in_slot": bool(slot and slot.starts_at <= now < slot.ends_at),
            "offers": offers, "chosen": chosen, "confirm": confirm, "unit_id": unit_id, "done": done,
            "refusal": refusal,
            "latest": await services.latest_selections(project_id) if not (q.strip() or household) else [],
        }, status_code=refusal.status if refusal else 200)

    @post("/projects/{project_id:int}/handover/desk", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def desk_select(self, actor: Actor, project_id: int, data: Form) -> Template | Redirect:
        """Record the confirmed choice; a refusal (taken, outside the slot, overage) stands beside it."""

        async def act():
            return await services.select_unit(actor, _parse(data, SelectIn), project_id=project_id)

        async def again(refusal: Refusal) -> Template:
            return await self._desk_page(actor, project_id, entitlement_id=_id(data, "entitlement_id"),
                                         unit_id=_id(data, "unit_id"), refusal=refusal)

        def done(selection) -> Redirect:
            return Redirect(f"/projects/{project_id}/handover/desk?entitlement_id={selection.entitlement_id}"
                            f"&selected={selection.id}", status_code=303)

        return await refused(act, done=done, again=again, form=data)

    # ------------------------------------------------------------ the handover desk (交房)

    @get("/handover/selections/{selection_id:int}/handover", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def handover(self, actor: Actor, selection_id: int) -> Template:
        return await self._handover_page(actor, selection_id)

    async def _handover_page(self, actor: Actor, selection_id: int, refusal: Refusal | None = None) -> Template:
        selection = await services.get_selection(actor, selection_id)
        unit = await services.get_unit(actor, selection.unit_id)
        record = await services.handover_record(actor, selection_id)
        appointment, slots = await services.appointment_choices(selection_id, await services.batch_of(unit.building_id))
        return Template("handover/handover.html", context={
            "project": await register.get_project(unit.project_id), "selection": selection, "unit": unit,
            "household": await services.get_entitlement(actor, selection.entitlement_id),
            "record": record, "claims": await services.unit_claims(actor, unit.id) if record else [],
            "appointment": appointment, "slots": slots, "parts": list(WarrantyPart), "rows": range(1, DEFECT_ROWS + 1),
            "refusal": refusal,
            "fields": ["keys", "surveyed_area", "water_reading", "electricity_reading", "gas_reading", "acknowledged",
                       "note", "appointment_slot_id", *(f"defect_{name}_{i}" for name in ("part", "description")
                                                        for i in range(1, DEFECT_ROWS + 1))],
        }, status_code=refusal.status if refusal else 200)

    @post("/handover/selections/{selection_id:int}/handover", guards=[requires_role(RESIDENT_OFFICE), project_member])
    async def record_handover(self, actor: Actor, selection_id: int, data: Form) -> Template | Redirect:
        """Keys, meter readings, surveyed area, defects noted on the spot, the acknowledgement."""

        async def act():
            defects = []
            for i in range(1, DEFECT_ROWS + 1):
                row = {"part": _text(data, f"defect_part_{i}"), "description": _text(data, f"defect_description_{i}")}
                if not any(row.values()):
                    continue
                if not row["part"]:
                    raise Invalid("Choose the part of the defect.", field=f"defect_part_{i}", rule="required")
                try:
                    defects.append(parse_form({}, DefectNoted, **row))
                except Invalid as exc:
                    raise _named(exc, f"defect_{exc.field}_{i}") from None
            handover = _parse(data, HandoverIn, acknowledged=bool(_text(data, "acknowledged")),
                              defects=[{"part": d.part.value, "description": d.description} for d in defects])
            return await services.record_handover(actor, selection_id, handover)

        async def again(refusal: Refusal) -> Template:
            return await self._handover_page(actor, selection_id, refusal)

        return await refused(act, done=lambda _: Redirect(f"/handover/selections/{selection_id}/handover#record",
                                                          status_code=303), again=again, form=data)

    @post("/handover/selections/{selection_id:int}/appointment",
          guards=[requires_role(RESIDENT_OFFICE, Role.resident), own_or_member])
    async def book(self, actor: Actor, selection_id: int, data: Form) -> Template | Redirect:
        """Book (or move) the handover appointment: the resident on their page, or staff at the desk."""
        resident = actor.role is Role.resident
        back = "/my/home#appointment" if resident else f"/handover/selections/{selection_id}/handover#appointment"

        async def act():
            return await services.book(actor, selection_id, _parse(data, AppointmentIn))

        async def again(refusal: Refusal) -> Template:
            if resident:
                return await self._home_page(actor, refusal)
            return await self._handover_page(actor, selection_id, refusal)

        return await refused(act, done=lambda _: Redirect(back, status_code=303), again=again, form=data)

    # ------------------------------------------------------------ the resident's own page

    @get("/my/home", guards=[requires_role(Role.resident)])
    async def home(self, actor: Actor) -> Template:
        """Batch progress, the selected unit, the appointment, the handover record, warranty defects."""
        return await self._home_page(actor)

    async def _home_page(self, actor: Actor, refusal: Refusal | None = None) -> Template:
        home = await services.resident_home(actor)
        return Template("handover/home.html", context={
            "home": home, "parts": list(WarrantyPart), "scores": range(1, 6), "refusal": refusal,
            "rate": chart.rate(home.batch.units_handed_over, home.batch.units) if home.batch else None,
        }, status_code=refusal.status if refusal else 200)

    @post("/handover/units/{unit_id:int}/claims", guards=[requires_role(Role.resident), own_or_member])
    async def report_claim(self, actor: Actor, unit_id: int, data: Form) -> Template | Redirect:
        """A defect after handover, classified in or out of warranty with the reason shown."""

        async def act():
            if not _text(data, "part"):
                raise Invalid("Choose the part of the defect.", field="part", rule="required")
            return await services.report_claim(actor, unit_id, _parse(data, ClaimIn))

        async def again(refusal: Refusal) -> Template:
            return await self._home_page(actor, refusal)

        return await refused(act, done=lambda _: Redirect("/my/home#claims", status_code=303), again=again, form=data)

    @post("/handover/selections/{selection_id:int}/rating", guards=[requires_role(Role.resident), own_or_member])
    async def rate(self, actor: Actor, selection_id: int, data: Form) -> Template | Redirect:
        """The resident rates the handover and the unit's quality (1–5), once."""

        async def act():
            return await services.rate(actor, selection_id, _parse(data, RatingIn))

        async def again(refusal: Refusal) -> Template:
            return await self._home_page(actor, refusal)

        return await refused(act, done=lambda _: Redirect("/my/home#rating", status_code=303), again=again, form=data)


def _pdf(content: bytes, name: str) -> Response[bytes]:
    return Response(content, media_type="application/pdf", headers={"content-disposition": f'inline; filename="{name}"'})
