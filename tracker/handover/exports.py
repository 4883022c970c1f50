"""Handover's printed documents and public lists: the 分户验收表 per unit, the 安置结算单 and the handover
pack (交房确认书 with the 住宅质量保证书 warranty table) per selection, issued as numbered documents through
`tracker.documents`; and the public selection order and results (PDF, CSV) with names masked.

An issued document's kind names the record it prints (`handover_settlement.<selection id>`): the part
before the dot picks the read check (`DOCUMENT_READERS`), the part after it is the record, so the record's
latest current document is found without a table of its own. A document never changes: when the record
changes (an item passes after its issue is verified, the surveyed area trues up the price), issue the
document again; the record's PDF route prints the latest one.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Awaitable, Callable

import msgspec

from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import RESIDENT_OFFICE, Role
from tracker.db import transaction
from tracker.documents import numbering
from tracker.documents import services as documents
from tracker.documents.kinds import DocumentStatus
from tracker.documents.render import render_pdf
from tracker.documents.tables import IssuedDocument
from tracker.errors import Conflict, Forbidden, NotFound
from tracker.export_jobs.kinds import ExportKind, ExportPlan, Piece
from tracker.handover import pricing, warranty
from tracker.handover.kinds import AcceptanceItem, ItemResult, Milestone, WarrantyPart
from tracker.handover.services.acceptance import get_acceptance
from tracker.handover.services.common import area, check_own_or_member, check_project, pricing_terms, terms_row
from tracker.handover.tables import (
    BatchBuilding,
    BuildingMilestone,
    DeliveryBatch,
    Entitlement,
    HandoverRecord,
    HandoverTerms,
    Selection,
    Unit,
    UnitAcceptance,
    WarrantyClaim,
)
from tracker.register.kinds import ProjectKind
from tracker.register.tables import Project
from tracker.spreadsheets import write_csv

ACCEPTANCE, SETTLEMENT, PACK = "handover_acceptance", "handover_settlement", "handover_pack"
SERIES_PREFIX = {ACCEPTANCE: "FHYS", SETTLEMENT: "AZJS", PACK: "JFQR"}
TITLES = {ACCEPTANCE: "住宅工程质量分户验收表", SETTLEMENT: "安置房结算单", PACK: "交房确认书"}
TEMPLATES = {ACCEPTANCE: "handover/print/acceptance.html", SETTLEMENT: "handover/print/settlement.html",
             PACK: "handover/print/pack.html"}

ITEM_NAMES = {
    AcceptanceItem.surfaces: "地面、墙面和顶棚质量",
    AcceptanceItem.doors_windows: "门窗质量",
    AcceptanceItem.railings: "栏杆、护栏质量",
    AcceptanceItem.waterproofing: "防水工程质量",
    AcceptanceItem.dimensions: "室内主要空间尺寸",
    AcceptanceItem.plumbing: "给水排水系统安装质量",
    AcceptanceItem.electrical: "室内电气工程安装质量",
    AcceptanceItem.energy_heating: "建筑节能和采暖工程质量",
    AcceptanceItem.contract_items: "有关合同中规定的其他内容",
}
RESULT_NAMES = {ItemResult.passed.value: "合格", ItemResult.failed.value: "不合格", ItemResult.pending.value: "未检"}
PART_NAMES = {
    WarrantyPart.structure: "地基基础和主体结构",
    WarrantyPart.waterproofing: "屋面防水、有防水要求的卫生间、房间和外墙面的防渗漏",
    WarrantyPart.heating_cooling: "供热与供冷系统",
    WarrantyPart.electrical: "电气管线",
    WarrantyPart.plumbing: "给排水管道",
    WarrantyPart.equipment: "设备安装",
    WarrantyPart.fit_out: "装修工程",
}
PERIOD_NAMES = {
    WarrantyPart.structure: "设计文件规定的合理使用年限",
    WarrantyPart.waterproofing: "5年",
    WarrantyPart.heating_cooling: "2个采暖期、供冷期",
    WarrantyPart.electrical: "2年", WarrantyPart.plumbing: "2年", WarrantyPart.equipment: "2年",
    WarrantyPart.fit_out: "2年",
}
STEP_NAMES = {"Over quota, first tier": "超出安置面积第一档", "Over quota, second tier": "超出安置面积第二档",
              "Under quota, refunded": "不足安置面积部分（退还）"}


class DocumentOut(msgspec.Struct):
    """An issued handover document: its number and where its PDF and verification are."""

    id: int
    kind: str
    number: str
    title: str
    issued_at: dt.datetime
    pdf_url: str
    verify_url: str


def cn_date(day: dt.date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def yuan(fen: int | None) -> str:
    """Integer fen as 元 with two places, sign kept, thousands grouped (no float on the way)."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole:,}.{cents:02d}"


def mask_name(names: str) -> str:
    """A holder's name as public lists print it: the surname kept, every other character a star
    (张三 → 张*, 欧阳娜娜 → 欧***); several holders (、 , ， or ; between them) each masked."""
    parts = [p.strip() for p in names.replace("，", "、").replace(",", "、").replace(";", "、").split("、")]
    return "、".join(p[0] + "*" * (len(p) - 1) if len(p) > 1 else "*" for p in parts if p)


def mask_certificate(number: str) -> str:
    """A title certificate number on a public list: only its last four characters show."""
    return "*" * max(len(number) - 4, 0) + number[-4:]


# ------------------------------------------------------------------ issuing


async def _project(project_id: int) -> dict:
    rows = await Project.select(Project.id, Project.code, Project.name).where(Project.id == project_id)
    if not rows:
        raise NotFound("No project {id}.", field="project_id", id=project_id)
    return rows[0]


async def _issue(actor: Actor, kind: str, record_id: int, project_id: int, context: dict, action: str,
                 entity: str) -> DocumentOut:
    """Number, freeze and audit one document, in one transaction."""
    async with transaction():
        project = await _project(project_id)
        today = clock.today()
        number = await numbering.next_number(project_id, kind, today.year)
        document = await documents.issue_document(actor, **_new_document(project, kind, record_id, today, number,
                                                                          context))
        await audit.record(actor, action, entity, record_id, _issued(document))
    return _out(document)


def _new_document(project: dict, kind: str, record_id: int, today: dt.date, number: int, context: dict) -> dict:
    """What `documents.issue_document` (or a `NewDocument`) takes for a record's document of this kind."""
    return dict(project_id=project["id"], kind=f"{kind}.{record_id}", series=kind,
                number_text=f"{project['code']}-{SERIES_PREFIX[kind]}-{today.year}-{number:04d}",
                title=TITLES[kind], template=TEMPLATES[kind],
                context={"project_name": project["name"], "date": cn_date(today), **context})


def _issued(document: dict) -> dict:
    """The audit payload of an issued document."""
    return {"number": document["number_text"], "document_id": document["id"]}


def _out(document: dict) -> DocumentOut:
    return DocumentOut(id=document["id"], kind=document["kind"], number=document["number_text"],
                       title=document["title"], issued_at=document["issued_at"],
                       pdf_url=f"/api/v1/documents/{document['id']}/pdf",
                       verify_url=documents.verify_url(document["verify_token"]))


def _unit_rows():
    return Unit.select(
        Unit.id, Unit.project, Unit.building, Unit.building.name.as_alias("building_name"),
        Unit.dwelling.number.as_alias("number"), Unit.layout, Unit.floor, Unit.contract_area, Unit.surveyed_area)


async def _unit_row(unit_id: int) -> dict:
    rows = await _unit_rows().where(Unit.id == unit_id)
    if not rows:
        raise NotFound("No unit {id}.", field="unit_id", id=unit_id)
    return rows[0]


async def _contractor_name(building_id: int) -> str:
    rows = await BatchBuilding.select(BatchBuilding.contractor.name.as_alias("name")).where(
        BatchBuilding.building == building_id)
    return (rows[0]["name"] or "") if rows else ""


async def issue_acceptance_record(actor: Actor, unit_id: int) -> DocumentOut:
    """分户验收表: the nine items with their results and notes, the issues failures opened, and blank
    signature lines for the builder, the supervising engineer and the owner."""
    unit = await _unit_row(unit_id)
    check_project(actor, unit["project"])
    if not await UnitAcceptance.exists().where(UnitAcceptance.unit == unit_id):
        raise Conflict("No item of the unit's acceptance is recorded yet.", field="unit_id",
                       rule="acceptance_not_started")
    acceptance = await get_acceptance(actor, unit_id)
    context = {
        "unit": _unit_context(unit), "contractor": await _contractor_name(unit["building"]),
        "passed": acceptance.passed, "passed_on": cn_date(acceptance.passed_on),
        "checks": [{
            "item": c.item, "name": ITEM_NAMES[AcceptanceItem(c.item)], "result": RESULT_NAMES[c.result],
            "effective": RESULT_NAMES[c.effective], "note": c.note, "issue_id": c.issue_id,
            "rectified": c.result == ItemResult.failed.value and c.effective == ItemResult.passed.value,
        } for c in acceptance.checks],
    }
    return await _issue(actor, ACCEPTANCE, unit_id, unit["project"], context, "handover.acceptance_record", "unit")


def _unit_context(unit: dict) -> dict:
    return {"building": unit["building_name"], "number": unit["number"], "layout": unit["layout"],
            "floor": unit["floor"], "contract_area": str(area(unit["contract_area"])),
            "surveyed_area": str(area(unit["surveyed_area"])) if unit["surveyed_area"] is not None else ""}


def _selection_rows():
    return Selection.select(
        Selection.id, Selection.project, Selection.unit, Selection.price_difference_fen, Selection.true_up_fen,
        Selection.selected_at, Selection.entitlement.household.as_alias("household"),
        Selection.entitlement.persons.as_alias("persons"), Selection.entitlement.quota_area.as_alias("quota"),
        Selection.entitlement.compensation_fen.as_alias("compensation_fen"),
        Selection.entitlement.household.certificate_no.as_alias("certificate_no"),
        Selection.entitlement.household.holder_names.as_alias("holder_names"))


async def _selection_row(selection_id: int) -> dict:
    rows = await _selection_rows().where(Selection.id == selection_id)
    if not rows:
        raise NotFound("No selection {id}.", field="selection_id", id=selection_id)
    return rows[0]


async def settlement_context(selection: dict, unit: dict) -> dict:
    """Every step of the price: the quota, the unit's contract area against it tier by tier, the total,
    the true-up on the surveyed area when measured, and the set-off against the compensation."""
    return _settlement(selection, unit, pricing_terms(await terms_row(selection["project"])))


def _settlement(selection: dict, unit: dict, terms: pricing.Terms) -> dict:
    quota, contract = area(selection["quota"]), area(unit["contract_area"])
    priced = pricing.price(quota, contract, terms)
    true_up = selection["true_up_fen"]
    payable = priced.total_fen + (true_up or 0)
    compensation = selection["compensation_fen"]
    return {
        "holder_names": selection["holder_names"], "certificate_no": selection["certificate_no"],
        "persons": selection["persons"], "quota_m2_per_person": str(terms.quota_m2_per_person),
        "quota_area": str(quota), "unit": _unit_context(unit), "base_price": yuan(terms.base_price_fen),
        "steps": [{"name": STEP_NAMES[s.label], "area": str(s.area), "price": yuan(s.price_fen),
                   "amount": yuan(s.amount_fen)} for s in priced.steps],
        "total": yuan(priced.total_fen), "total_fen": priced.total_fen,
        "surveyed": unit["surveyed_area"] is not None and true_up is not None,
        "true_up": yuan(true_up), "true_up_fen": true_up,
        "payable": yuan(payable), "compensation": yuan(compensation),
        "balance": yuan(payable - compensation), "balance_fen": payable - compensation,
    }


async def issue_settlement(actor: Actor, selection_id: int) -> DocumentOut:
    """安置结算单 of a selection (issue it again after the handover's true-up)."""
    selection = await _selection_row(selection_id)
    check_project(actor, selection["project"])
    unit = await _unit_row(selection["unit"])
    context = {"s": await settlement_context(selection, unit)}
    return await _issue(actor, SETTLEMENT, selection_id, selection["project"], context, "handover.settlement",
                        "selection")


async def warranty_table(building_id: int) -> list[dict]:
    """住宅质量保证书: each part's period and its last covered day, from the building's 竣工验收."""
    rows = await BuildingMilestone.select(BuildingMilestone.actual_on).where(
        BuildingMilestone.building == building_id, BuildingMilestone.milestone == Milestone.completion_accepted.value)
    return _warranty(rows[0]["actual_on"] if rows else None)


def _warranty(completed: dt.date | None) -> list[dict]:
    return [{"part": PART_NAMES[part], "period": PERIOD_NAMES[part],
             "last_day": cn_date(warranty.last_covered_day(part, completed)) if completed else ""}
            for part in WarrantyPart]


async def issue_handover_pack(actor: Actor, selection_id: int) -> DocumentOut:
    """The handover pack: 交房确认书 (keys, meter readings, defects noted, acknowledgement), the warranty
    table from the building's completion date, and the settlement figures."""
    selection = await _selection_row(selection_id)
    check_project(actor, selection["project"])
    records = await HandoverRecord.select().where(HandoverRecord.selection == selection_id)
    if not records:
        raise Conflict("The unit is not handed over yet.", field="selection_id", rule="not_handed_over")
    unit = await _unit_row(selection["unit"])
    context = await pack_context(selection, unit, records[0])
    return await _issue(actor, PACK, selection_id, selection["project"], context, "handover.pack", "selection")


async def pack_context(selection: dict, unit: dict, record: dict) -> dict:
    completed = await BuildingMilestone.select(BuildingMilestone.actual_on).where(
        BuildingMilestone.building == unit["building"],
        BuildingMilestone.milestone == Milestone.completion_accepted.value)
    defects = await WarrantyClaim.select(WarrantyClaim.part, WarrantyClaim.description).where(
        WarrantyClaim.unit == unit["id"], WarrantyClaim.at_handover.eq(True)).order_by(WarrantyClaim.id)
    return _pack(selection, unit, record, completed[0]["actual_on"] if completed else None, defects,
                 await _contractor_name(unit["building"]), pricing_terms(await terms_row(selection["project"])))


def _pack(selection: dict, unit: dict, record: dict, completed: dt.date | None, defects: list[dict],
          contractor: str, terms: pricing.Terms) -> dict:
    """The pack's snapshot from what was read (one pack's reads, or a batch's in bulk)."""
    reading = lambda v: "" if v is None else f"{area(v)}"  # noqa: E731
    return {
        "holder_names": selection["holder_names"], "certificate_no": selection["certificate_no"],
        "unit": _unit_context(unit), "contractor": contractor,
        "completed_on": cn_date(completed),
        "handed_on": cn_date(clock.day_of(record["handed_at"])), "keys": record["keys"],
        "water": reading(record["water_reading"]), "electricity": reading(record["electricity_reading"]),
        "gas": reading(record["gas_reading"]), "acknowledged": record["acknowledged"], "note": record["note"],
        "defects": [{"part": PART_NAMES[WarrantyPart(d["part"])], "description": d["description"]} for d in defects],
        "warranty": _warranty(completed),
        "settlement": _settlement(selection, unit, terms),
    }


async def latest_document(actor: Actor, kind: str, record_id: int) -> dict:
    """The record's latest current document of `kind` (for its PDF route), read-checked."""
    rows = await IssuedDocument.select(*IssuedDocument.all_columns(exclude=[IssuedDocument.pdf])).where(
        IssuedDocument.kind == f"{kind}.{record_id}", IssuedDocument.status == DocumentStatus.current.value,
    ).order_by(IssuedDocument.id, ascending=False).limit(1)
    if not rows:
        raise NotFound("No {title} is issued for this record yet.", field="document", title=TITLES[kind])
    # The record's own check, not `documents.check_document`: a resident is no member of the project, yet
    # reads their own household's settlement and pack.
    await DOCUMENT_READERS[kind](actor, rows[0])
    return rows[0]


# ------------------------------------------------------------------ read checks (tracker.registry)


def _record_id(document: dict) -> int:
    return int(document["kind"].split(".", 1)[1])


async def _acceptance_document(actor: Actor, document: dict, *, void: bool = False) -> None:
    """Project staff read a unit's acceptance record; contractors and residents do not."""
    rows = await Unit.select(Unit.project).where(Unit.id == _record_id(document))
    if not rows or rows[0]["project"] != document["project"] or actor.role in (Role.resident, Role.contractor):
        raise Forbidden("Document {number} has no record you may read.", rule="document_owner",
                        number=document["number_text"])
    check_project(actor, rows[0]["project"])


async def _selection_document(actor: Actor, document: dict, *, void: bool = False) -> None:
    """A settlement sheet or handover pack: project staff (not contractors), and the household itself."""
    rows = await Selection.select(Selection.project, Selection.entitlement.household.as_alias("household")).where(
        Selection.id == _record_id(document))
    if not rows or rows[0]["project"] != document["project"] or actor.role is Role.contractor:
        raise Forbidden("Document {number} has no record you may read.", rule="document_owner",
                        number=document["number_text"])
    check_own_or_member(actor, rows[0]["household"], rows[0]["project"])
    if void and actor.role is Role.resident:
        raise Forbidden("Residents do not void documents.", rule="document_owner")


DOCUMENT_READERS = {ACCEPTANCE: _acceptance_document, SETTLEMENT: _selection_document, PACK: _selection_document}


# ------------------------------------------------------------------ public lists


async def _order_rows(project_id: int) -> list[dict]:
    return await Entitlement.select(
        Entitlement.selection_order, Entitlement.lottery_no, Entitlement.slot.label.as_alias("slot"),
        Entitlement.household.holder_names.as_alias("holder_names"),
        Entitlement.household.certificate_no.as_alias("certificate_no"), Entitlement.persons,
        Entitlement.quota_area,
    ).where(Entitlement.project == project_id, Entitlement.selection_order.is_not_null()) \
        .order_by(Entitlement.selection_order)


async def _result_rows(project_id: int) -> list[dict]:
    rows = await Selection.select(
        Selection.unit.building.name.as_alias("building"), Selection.unit.dwelling.number.as_alias("number"),
        Selection.unit.layout.as_alias("layout"), Selection.unit.contract_area.as_alias("area"),
        Selection.entitlement.selection_order.as_alias("selection_order"),
        Selection.entitlement.household.holder_names.as_alias("holder_names"), Selection.selected_at,
    ).where(Selection.project == project_id)
    return sorted(rows, key=lambda r: (r["building"], r["number"]))


async def _lists_head(actor: Actor, project_id: int) -> dict:
    check_project(actor, project_id)
    terms = await HandoverTerms.select(HandoverTerms.order_method, HandoverTerms.lottery_seed).where(
        HandoverTerms.project == project_id)
    return {"project_name": (await _project(project_id))["name"],
            "method": terms[0]["order_method"] if terms else "", "seed": terms[0]["lottery_seed"] if terms else None}


async def _public_head(project_id: int) -> dict:
    """The public lists' heading: a resettlement project's name and order method (404 for any other id)."""
    rows = await Project.select(Project.name, Project.kind).where(Project.id == project_id)
    if not rows or rows[0]["kind"] != ProjectKind.resettlement_housing.value:
        raise NotFound("No project {id}.", field="project_id", id=project_id)
    terms = await HandoverTerms.select(HandoverTerms.order_method, HandoverTerms.lottery_seed).where(
        HandoverTerms.project == project_id)
    return {"project_id": project_id, "project_name": rows[0]["name"],
            "method": terms[0]["order_method"] if terms else "", "seed": terms[0]["lottery_seed"] if terms else None}


ORDER_HEADER = ("选房顺序号", "摇号号", "批次时段", "权利人", "权证号", "认定人口", "安置面积（㎡）")
# What the posted lists show of a household: its place, lottery number and slot, the holder's surname and
# the certificate's last four characters; persons and quota stay with the staff's lists.
PUBLIC_ORDER_COLUMNS = 5
RESULT_HEADER = ("楼栋", "房号", "户型", "面积（㎡）", "选房顺序号", "权利人", "选房时间")


def _order_cells(r: dict) -> tuple:
    return (r["selection_order"], r["lottery_no"], r["slot"], mask_name(r["holder_names"]),
            mask_certificate(r["certificate_no"]), r["persons"], area(r["quota_area"]))


def _result_cells(r: dict) -> tuple:
    return (r["building"], r["number"], r["layout"], area(r["area"]), r["selection_order"],
            mask_name(r["holder_names"]), clock.local(r["selected_at"]).strftime("%Y-%m-%d %H:%M"))


async def selection_order_csv(actor: Actor, project_id: int) -> bytes:
    head = await _lists_head(actor, project_id)
    rows = [_order_cells(r) for r in await _order_rows(project_id)]
    seed_row = [("随机种子", head["seed"])] if head["seed"] else []
    return write_csv(ORDER_HEADER, [*rows, *seed_row])


async def selection_results_csv(actor: Actor, project_id: int) -> bytes:
    await _lists_head(actor, project_id)
    return write_csv(RESULT_HEADER, [_result_cells(r) for r in await _result_rows(project_id)])


async def selection_order_pdf(actor: Actor, project_id: int) -> bytes:
    head = await _lists_head(actor, project_id)
    return await render_pdf("handover/print/selection_order.html", {
        **head, "number": f"选房顺序公示-{project_id}", "header": ORDER_HEADER,
        "rows": [[("" if v is None else str(v)) for v in _order_cells(r)] for r in await _order_rows(project_id)],
        "printed_at": clock.local(clock.now()).strftime("%Y-%m-%d %H:%M")})


async def selection_results_pdf(actor: Actor, project_id: int) -> bytes:
    head = await _lists_head(actor, project_id)
    return await render_pdf("handover/print/selection_results.html", {
        **head, "number": f"选房结果公示-{project_id}", "header": RESULT_HEADER,
        "rows": [[("" if v is None else str(v)) for v in _result_cells(r)] for r in await _result_rows(project_id)],
        "printed_at": clock.local(clock.now()).strftime("%Y-%m-%d %H:%M")})


# ------------------------------------------------------------------ the lists as posted (public)


def _text_rows(rows: list[tuple]) -> list[list[str]]:
    return [[("" if v is None else str(v)) for v in row] for row in rows]


async def public_selection_order(project_id: int) -> dict:
    """The selection order as posted for anyone: masked names and certificates, the lottery's seed."""
    head = await _public_head(project_id)
    return {**head, "header": ORDER_HEADER[:PUBLIC_ORDER_COLUMNS], "rows": _text_rows(
        [_order_cells(r)[:PUBLIC_ORDER_COLUMNS] for r in await _order_rows(project_id)])}


async def public_selection_results(project_id: int) -> dict:
    """The selection results as posted for anyone: units with the holder's masked name."""
    head = await _public_head(project_id)
    return {**head, "header": RESULT_HEADER, "rows": _text_rows(
        [_result_cells(r) for r in await _result_rows(project_id)])}


async def public_selection_order_pdf(project_id: int) -> bytes:
    return await render_pdf("handover/print/selection_order.html", {
        **await public_selection_order(project_id), "number": f"选房顺序公示-{project_id}",
        "printed_at": clock.local(clock.now()).strftime("%Y-%m-%d %H:%M")})


async def public_selection_results_pdf(project_id: int) -> bytes:
    return await render_pdf("handover/print/selection_results.html", {
        **await public_selection_results(project_id), "number": f"选房结果公示-{project_id}",
        "printed_at": clock.local(clock.now()).strftime("%Y-%m-%d %H:%M")})


# ------------------------------------------------------------------ a batch's packs in one print (bulk)

PACKS_PER_CHUNK = 60  # packs per worker job: enough to pay WeasyPrint's per-document cost rarely, small
# enough that both workers stay busy to the end and a progress callback hears from each chunk


async def _batch_pieces(actor: Actor, batch_id: int) -> tuple[int, list[Piece]]:
    """A batch's packs as the parts of one print, PACKS_PER_CHUNK packs a part, checked now (404, 403).

    Each pack printed is an issued document: a handed-over unit whose pack was never issued gets it
    issued by its part (`_chunk_packs`), and every pack prints from its latest current document's
    snapshot, so what the batch print shows is what each pack's own PDF shows; no issued document
    changes. Issuing is one business action per part, not one for the batch: each pack is a document
    of its own, valid whether or not the rest print, so a part's missing packs are issued (numbered,
    frozen, audited) in one transaction of its own just before the part is rendered, while the parts
    before it are being rendered. A print stopped half-way (an export job interrupted, a failure)
    leaves whole parts issued and none half-issued; printing again issues only the rest."""
    rows = await DeliveryBatch.select(DeliveryBatch.project).where(DeliveryBatch.id == batch_id)
    if not rows:
        raise NotFound("No delivery batch {id}.", field="batch_id", id=batch_id)
    project_id = rows[0]["project"]
    if actor.role in (Role.contractor, Role.resident):
        raise Forbidden("Handover packs are printed by the project's staff.", rule="document_owner")
    check_project(actor, project_id)
    selections = [r["id"] for r in await Selection.raw(
        "SELECT s.id FROM selection s JOIN handover_record h ON h.selection = s.id JOIN unit u ON u.id = s.unit "
        "JOIN batch_building bb ON bb.building = u.building JOIN building b ON b.id = u.building "
        "JOIN dwelling d ON d.id = u.dwelling WHERE bb.batch = {} ORDER BY b.name, d.number, s.id", batch_id)]
    project = await _project(project_id)
    pieces = []
    for i in range(0, len(selections), PACKS_PER_CHUNK):
        chunk = selections[i:i + PACKS_PER_CHUNK]
        pieces.append(Piece("handover/print/packs.html", _packs_context(project, []), len(chunk),
                            prepare=functools.partial(_chunk_packs, actor, project_id, chunk)))
    return project_id, pieces


async def _chunk_packs(actor: Actor, project_id: int, chunk: list[int]) -> dict:
    """A part's packs as snapshot contexts, issuing its missing ones first (one transaction); read when
    the part's turn comes, so a pack issued meanwhile on its own is printed, not issued twice."""
    issued = await _current_packs(project_id, chunk)
    missing = [s for s in chunk if s not in issued]
    if missing:
        issued = {**issued, **await _issue_packs(actor, project_id, missing)}
    return {"packs": [documents.snapshot_context(issued[s]) for s in chunk]}


def _packs_context(project: dict, chunk: list[dict]) -> dict:
    return {"packs": chunk, "title": TITLES[PACK], "project_name": project["name"], "number": ""}


async def batch_packs_pdf(actor: Actor, batch_id: int,
                          progress: Callable[[int, int], Awaitable[None] | None] | None = None) -> bytes:
    """Every handover pack of a batch as one PDF, for printing the batch at once (in this call: the
    bench's path; the app makes it in the background, `batch_packs_plan`).

    The packs are laid out in parts of `PACKS_PER_CHUNK`, one document per part, in the render pool's
    worker processes side by side, each part issued just before it is rendered (`_batch_pieces`), then
    joined. `progress(done, total)` (optional, sync or async) is called as each part finishes.
    """
    from tracker.export_jobs import services as export_jobs

    project_id, pieces = await _batch_pieces(actor, batch_id)
    done = 0

    async def counted(_: int) -> None:
        nonlocal done
        done += 1
        if progress is not None:
            answer = progress(done, len(pieces))
            if inspect.isawaitable(answer):
                await answer

    return await export_jobs.make_now(ExportPlan(project_id=project_id, filename="", pieces=pieces), counted)


BATCH_PACKS_KIND = "handover.batch_packs"


async def batch_packs_plan(actor: Actor, batch_id: int) -> ExportPlan:
    """A batch's packs as a background export: one part per chunk of packs, progress counted in packs;
    the job issues each part's missing packs as it goes (`_batch_pieces`)."""
    project_id, pieces = await _batch_pieces(actor, batch_id)
    if not pieces:
        raise Conflict("No unit of this batch has been handed over yet: there is no pack to print.",
                       rule="no_packs", field="batch_id")
    return ExportPlan(project_id=project_id, filename=f"handover-packs-batch-{batch_id}.pdf", pieces=pieces)


EXPORT_KINDS = {
    BATCH_PACKS_KIND: ExportKind(name=BATCH_PACKS_KIND, title="Handover packs of a batch", roles=RESIDENT_OFFICE,
                                 plan=batch_packs_plan, subject_path="/projects/{project_id}/handover#batch-{id}"),
}


async def _issue_packs(actor: Actor, project_id: int, selection_ids: list[int]) -> dict[int, dict]:
    """Issue the packs of handed-over selections as `issue_handover_pack` does, each numbered, frozen and
    audited, in one transaction, from reads made once for all of them and in bulk: their numbers taken
    in one step, their documents written by one multi-row INSERT and their audit records appended at
    once, so a part costs a few statements however many packs it issues (the same numbers, snapshots,
    rows and records, in the same order, as issuing them one by one). Answers the documents issued,
    by selection id, as `_current_packs` reads them."""
    selections = await _selection_rows().where(Selection.id.is_in(selection_ids))
    units = {u["id"]: u for u in await _unit_rows().where(Unit.id.is_in([s["unit"] for s in selections]))}
    records = {r["selection"]: r for r in await HandoverRecord.select().where(
        HandoverRecord.selection.is_in(selection_ids))}
    buildings = sorted({u["building"] for u in units.values()})
    completed = {r["building"]: r["actual_on"] for r in await BuildingMilestone.select(
        BuildingMilestone.building, BuildingMilestone.actual_on).where(
        BuildingMilestone.building.is_in(buildings), BuildingMilestone.milestone == Milestone.completion_accepted.value)}
    contractors = {r["building"]: r["name"] or "" for r in await BatchBuilding.select(
        BatchBuilding.building, BatchBuilding.contractor.name.as_alias("name")).where(
        BatchBuilding.building.is_in(buildings))}
    defects: dict[int, list[dict]] = {}
    for d in await WarrantyClaim.select(WarrantyClaim.unit, WarrantyClaim.part, WarrantyClaim.description).where(
            WarrantyClaim.unit.is_in(list(units)), WarrantyClaim.at_handover.eq(True)).order_by(WarrantyClaim.id):
        defects.setdefault(d["unit"], []).append(d)
    terms = pricing_terms(await terms_row(project_id))
    by_id = {s["id"]: s for s in selections}
    for selection_id in selection_ids:
        if selection_id not in records:
            raise Conflict("The unit is not handed over yet.", field="selection_id", rule="not_handed_over")
    contexts = []
    for selection_id in selection_ids:
        selection = by_id[selection_id]
        unit = units[selection["unit"]]
        contexts.append(_pack(selection, unit, records[selection_id], completed.get(unit["building"]),
                              defects.get(unit["id"], []), contractors.get(unit["building"], ""), terms))
    async with transaction():
        project = await _project(project_id)
        today = clock.today()
        numbers = await numbering.next_numbers(project_id, PACK, today.year, len(selection_ids))
        issued = await documents.issue_documents(actor, [
            documents.NewDocument(**_new_document(project, PACK, selection_id, today, number, context))
            for selection_id, number, context in zip(selection_ids, numbers, contexts, strict=True)])
        await audit.record_many(actor, [("handover.pack", "selection", selection_id, _issued(document))
                                        for selection_id, document in zip(selection_ids, issued, strict=True)])
    return dict(zip(selection_ids, issued, strict=True))


async def _current_packs(project_id: int, selection_ids: list[int]) -> dict[int, dict]:
    """Each selection's latest current pack document (with its snapshot), by selection id (a chunk's
    selections: their kinds are the statement's parameters)."""
    if not selection_ids:
        return {}
    kinds = {f"{PACK}.{s}": s for s in selection_ids}
    found: dict[int, dict] = {}
    rows = await IssuedDocument.select(*IssuedDocument.all_columns(exclude=[IssuedDocument.pdf])).where(
        IssuedDocument.project == project_id, IssuedDocument.series == PACK,
        IssuedDocument.status == DocumentStatus.current.value, IssuedDocument.kind.is_in(list(kinds)),
    ).order_by(IssuedDocument.id)
    for row in rows:  # ascending: a later issue of the same pack replaces an earlier one
        if row["kind"] in kinds:
            found[kinds[row["kind"]]] = row
    return found


