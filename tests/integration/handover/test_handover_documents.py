"""Handover's printed documents read back (分户验收表, 安置结算单, the handover pack with its warranty
table) and the public selection lists with masked names; who may read which; on both engines."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from decimal import Decimal

from pypdf import PdfReader

from inspections import services as inspections
from tracker import clock
from tracker.accounts.actor import SYSTEM
from tracker.db import transaction
from tracker.handover import exports, services
from tracker.handover.kinds import AcceptanceItem, ItemResult, WarrantyPart
from tracker.handover.schemas import CheckIn, DefectNoted, HandoverIn, SelectIn
from tests.integration.handover.test_handover_flow import NOW, _completed, _entitled, _pass_all

API = "/api/v1"


def text_of(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    # Lines wrap anywhere in Chinese text: compare without the line breaks.
    return "".join(page.extract_text().replace("\n", "") for page in reader.pages), len(reader.pages)


async def test_acceptance_record_prints_the_nine_items_the_failure_and_blank_signatures(site, client_for):
    inspector = site.actors["inspector"]
    category = (await inspections.list_categories())[0].code
    with clock.frozen(NOW):
        await _pass_all(inspector, site.units[2], except_item=AcceptanceItem.waterproofing)
        await services.record_check(inspector, site.units[2], CheckIn(
            item=AcceptanceItem.waterproofing, result=ItemResult.failed, note="卫生间闭水试验渗漏", category=category))
    client = await client_for("inspector")
    missing = await client.get(f"{API}/handover/units/{site.units[2]}/acceptance-record.pdf")
    assert missing.status_code == 404
    not_started = await client.post(f"{API}/handover/units/{site.units[0]}/acceptance-record")
    assert not_started.status_code == 409 and not_started.json()["rule"] == "acceptance_not_started"
    issued = await client.post(f"{API}/handover/units/{site.units[2]}/acceptance-record")
    assert issued.status_code == 201, issued.text
    response = await client.get(f"{API}/handover/units/{site.units[2]}/acceptance-record.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text, pages = text_of(response.content)
    for field in ("住宅工程质量分户验收表", "安置房一期", "A1栋 201", "三室两厅", "181.00", "Builder Co",
                  *exports.ITEM_NAMES.values(), "不合格", "卫生间闭水试验渗漏", "整改中",
                  "建设单位（签字）", "施工单位（签字）", "监理单位（签字）"):
        assert field.replace(" ", "") in text.replace(" ", ""), field
    assert text.count("合格") >= 9
    assert issued.json()["number"] in text and f"第 1 页 / 共 {pages} 页" in text
    assert "Inspector" not in text  # no name where a signature goes
    contractor = await client_for("contractor")
    assert (await contractor.get(f"{API}/handover/units/{site.units[2]}/acceptance-record.pdf")).status_code == 403
    generic = await contractor.get(f"{API}/documents/{issued.json()['id']}/pdf")
    assert generic.status_code == 403


async def _handed_over(site, world):
    await _completed(site)
    mine, other, _ = await _entitled(site, world, earliest_first=True)  # the resident's household first
    with clock.frozen(NOW):
        selection = await services.select_unit(site.actors["staff"], SelectIn(entitlement_id=mine,
                                                                                unit_id=site.units[0]))
        other_selection = await services.select_unit(site.actors["staff"], SelectIn(entitlement_id=other,
                                                                                      unit_id=site.units[1]))
        await services.record_handover(site.actors["staff"], selection.id, HandoverIn(
            keys=3, acknowledged=True, surveyed_area=Decimal("161.20"), water_reading=Decimal("12.5"),
            electricity_reading=Decimal("301.75"),
            defects=[DefectNoted(part=WarrantyPart.fit_out, description="主卧墙面空鼓")]))
    return selection.id, other_selection.id


async def test_settlement_and_handover_pack_show_every_step_and_the_warranty_table(site, world, client_for):
    selection, other = await _handed_over(site, world)
    staff = await client_for("staff")
    settlement = await staff.post(f"{API}/handover/selections/{selection}/settlement")
    pack = await staff.post(f"{API}/handover/selections/{selection}/handover-pack")
    not_handed = await staff.post(f"{API}/handover/selections/{other}/handover-pack")
    assert settlement.status_code == 201 and pack.status_code == 201, (settlement.text, pack.text)
    assert not_handed.status_code == 409 and not_handed.json()["rule"] == "not_handed_over"
    text, _ = text_of((await staff.get(f"{API}/handover/selections/{selection}/settlement.pdf")).content)
    # 3 persons × 50 m² = 150.00; 160.50 contract: 10.50 m² over at 4,000 = 42,000.00; surveyed 161.20: +2,800.00.
    for field in ("安置房结算单", "张三", "150.00", "160.50", "超出安置面积第一档", "10.50", "4,000.00",
                  "42,000.00", "实测面积结算（多退少补） 161.20", "2,800.00", "44,800.00", "冲抵征收补偿款", settlement.json()["number"]):
        assert field.replace(" ", "") in text.replace(" ", ""), field
    text, pages = text_of((await staff.get(f"{API}/handover/selections/{selection}/handover-pack.pdf")).content)
    # Completed 2026-12-10: 2-year parts covered through 2028-12-09, 5-year through 2031-12-09, two heating
    # full seasons (15 Nov – 15 Mar) starting after completion (2027/28, 2028/29): through 2029-03-15.
    for field in ("交房确认书", "3 把", "12.50", "301.75", "装修工程：主卧墙面空鼓", "住宅质量保证书", "2026年12月10日",
                  "装修工程", "2028年12月9日", "2031年12月9日", "2029年3月15日", "2076年12月9日", "供热与供冷系统",
                  "44,800.00", "业主（签字）"):
        assert field.replace(" ", "") in text.replace(" ", ""), field
    assert pages >= 2
    resident = await client_for("resident")
    own = await resident.get(f"{API}/handover/selections/{selection}/handover-pack.pdf")
    assert own.status_code == 200 and own.content[:4] == b"%PDF"
    assert (await resident.get(f"{API}/handover/selections/{other}/settlement.pdf")).status_code == 403
    assert (await resident.post(f"{API}/handover/selections/{selection}/settlement")).status_code == 403


async def test_public_lists_mask_names_and_certificates(site, world, client_for):
    await _handed_over(site, world)
    staff = await client_for("staff")
    order = await staff.get(f"{API}/projects/{site.project}/handover/selection-order.csv")
    assert order.status_code == 200 and order.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(order.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["选房顺序号", "摇号号", "批次时段", "权利人"]
    assert [r[3] for r in rows[1:]] == ["张*", "李*", "王*"]
    assert [r[4] for r in rows[1:]] == ["*" * 12 + f"00{i}号" for i in (1, 2, 3)]
    body = order.content.decode("utf-8-sig")
    for secret in ("张三", "李四", "王五", "沪房地静字"):
        assert secret not in body
    results = await staff.get(f"{API}/projects/{site.project}/handover/selection-results.csv")
    rows = list(csv.reader(io.StringIO(results.content.decode("utf-8-sig"))))
    assert [r[:2] + [r[5]] for r in rows[1:]] == [["A1栋", "101", "张*"], ["A1栋", "102", "李*"]]
    for path in ("selection-order.pdf", "selection-results.pdf"):
        pdf = await staff.get(f"{API}/projects/{site.project}/handover/{path}")
        text, _ = text_of(pdf.content)
        assert "张*" in text and "张三" not in text and "沪房地静字" not in text, path
    assert (await (await client_for("contractor")).get(
        f"{API}/projects/{site.project}/handover/selection-order.csv")).status_code == 403


async def test_the_lists_are_posted_publicly_with_masked_names_and_nothing_else_of_a_household(site, world,
                                                                                                client_for):
    await _handed_over(site, world)
    anonymous = await client_for(None)
    base = f"/public/handover/projects/{site.project}"
    order = await anonymous.get(f"{base}/selection-order")
    assert order.status_code == 200, order.text[:300]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", order.text)
    assert [c for c in cells if c.endswith("*")] == ["张*", "李*", "王*"]
    assert "*" * 12 + "001号" in cells and f'href="{base}/selection-order.pdf"' in order.text
    results = await anonymous.get(f"{base}/selection-results")
    assert results.status_code == 200 and "A1栋" in results.text and "张*" in results.text
    for page in (order.text, results.text):
        for secret in ("张三", "李四", "王五", "沪房地静字", "150.00", "认定人口"):  # names, titles, quota, persons
            assert secret not in page, secret
    for path in ("selection-order.pdf", "selection-results.pdf"):
        pdf = await anonymous.get(f"{base}/{path}")
        assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf", path
        text, _ = text_of(pdf.content)
        assert "张*" in text and "张三" not in text and "沪房地静字" not in text and "认定人口" not in text, path
    for path in ("selection-order", "selection-results.pdf"):  # no such project; a project of another kind
        assert (await anonymous.get(f"/public/handover/projects/999999/{path}")).status_code == 404
        assert (await anonymous.get(f"/public/handover/projects/{world.project}/{path}")).status_code == 404
    schedule = await (await client_for("manager")).get(f"/projects/{site.project}/handover")
    assert f'href="{base}/selection-order"' in schedule.text and f'href="{base}/selection-results"' in schedule.text


async def test_lottery_order_list_prints_the_seed(site, world, client_for):
    from tracker.handover.schemas import EntitlementIn, OrderIn
    from tracker.handover.kinds import OrderMethod
    from tests.integration.handover.conftest import TERMS
    import msgspec

    await services.set_terms(SYSTEM, site.project, msgspec.structs.replace(TERMS, order_method=OrderMethod.lottery))
    for i in range(3):
        await services.entitle(SYSTEM, site.project, EntitlementIn(
            household_id=world.households[i], persons=2, signed_at=dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)))
    await services.fix_order(SYSTEM, site.project, OrderIn(seed="2026-12-01 公证处 7731"))
    staff = await client_for("staff")
    rows = list(csv.reader(io.StringIO((await staff.get(
        f"{API}/projects/{site.project}/handover/selection-order.csv")).content.decode("utf-8-sig"))))
    assert [r[1] for r in rows[1:4]] == ["1", "2", "3"]
    assert rows[-1] == ["随机种子", "2026-12-01 公证处 7731"]
    text, _ = text_of((await staff.get(f"{API}/projects/{site.project}/handover/selection-order.pdf")).content)
    assert "公开摇号" in text and "2026-12-01 公证处 7731" in text


def test_masking_rule():
    assert exports.mask_name("张三") == "张*"
    assert exports.mask_name("欧阳娜娜") == "欧***"
    assert exports.mask_name("张三、李小四") == "张*、李**"
    assert exports.mask_name("王") == "*"
    assert exports.mask_certificate("沪房地静字(1998)第001号") == "*" * 12 + "001号"


async def test_a_batchs_packs_print_as_one_pdf_from_their_issued_documents(site, world, client_for):
    from tracker.audit import verify
    from tracker.documents.tables import IssuedDocument
    from tracker.errors import Forbidden

    selection, other = await _handed_over(site, world)
    staff = await client_for("staff")
    issued = (await staff.post(f"{API}/handover/selections/{selection}/handover-pack")).json()["number"]
    chunks: list[tuple[int, int]] = []
    pdf = await exports.batch_packs_pdf(site.actors["staff"], site.batch, lambda done, total: chunks.append((done, total)))
    text, pages = text_of(pdf)
    assert pages == 2 and chunks == [(1, 1)]  # one handed-over unit: its pack, already issued, printed again
    for field in (issued, "交房确认书", "张三", "装修工程：主卧墙面空鼓", "2031年12月9日", "44,800.00"):
        assert field in text.replace(" ", ""), field
    assert await IssuedDocument.count().where(IssuedDocument.series == exports.PACK) == 1  # nothing new issued

    # A second handed-over unit without a pack: the batch print issues it (numbered, audited) and prints both.
    with clock.frozen(NOW):
        await services.record_handover(site.actors["staff"], other, HandoverIn(keys=2, acknowledged=True))
    text, pages = text_of(await exports.batch_packs_pdf(site.actors["manager"], site.batch))
    assert pages == 4 and issued in text.replace(" ", "")
    numbers = [r["number_text"] for r in await IssuedDocument.select(IssuedDocument.number_text).where(
        IssuedDocument.series == exports.PACK).order_by(IssuedDocument.id)]
    assert len(numbers) == 2 and all(n in text.replace(" ", "") for n in numbers)
    assert (await verify()).ok
    own = await staff.get(f"{API}/handover/selections/{other}/handover-pack.pdf")  # its own PDF, same number
    assert numbers[1] in text_of(own.content)[0].replace(" ", "")
    for role in ("contractor", "resident"):
        try:
            await exports.batch_packs_pdf(site.actors[role], site.batch)
        except Forbidden:
            continue
        raise AssertionError(f"{role} printed the batch's packs")


async def test_a_batchs_packs_are_printed_in_the_background_from_the_schedule(site, world, client_for):
    """The schedule's button starts the batch print as an export job (its page shows the progress, then
    the download); the API answers 202 with the job; a batch with nothing handed over is a 409, and a
    contractor cannot start it."""
    import asyncio

    staff = await client_for("staff")
    empty = await staff.post(f"{API}/handover/batches/{site.batch}/packs")
    assert empty.status_code == 409 and empty.json()["rule"] == "no_packs"
    schedule = await staff.get(f"/projects/{site.project}/handover")
    assert f'action="/handover/batches/{site.batch}/packs"' not in schedule.text  # nothing handed over yet

    await _handed_over(site, world)
    schedule = await staff.get(f"/projects/{site.project}/handover")
    assert f'action="/handover/batches/{site.batch}/packs"' in schedule.text
    started = await staff.post(f"/handover/batches/{site.batch}/packs",
                               data={"_csrf_token": staff.cookies.get("csrftoken")}, follow_redirects=False)
    assert started.status_code == 303 and started.headers["location"].startswith("/exports/")
    job_url = "/api/v1/export-jobs/" + started.headers["location"].rsplit("/", 1)[1]
    deadline = asyncio.get_running_loop().time() + 120
    while (job := (await staff.get(job_url)).json())["status"] not in ("done", "failed"):
        assert asyncio.get_running_loop().time() < deadline, job
        await asyncio.sleep(0.2)
    assert job["status"] == "done" and job["done"] == job["total"] == 1, job
    text, pages = text_of((await staff.get(job["file_url"])).content)
    assert pages == 2 and "交房确认书" in text and "张三" in text.replace(" ", "")
    page = await staff.get(started.headers["location"])
    assert page.status_code == 200 and f'href="/projects/{site.project}/handover#batch-{site.batch}"' in page.text

    api = await staff.post(f"{API}/handover/batches/{site.batch}/packs")
    assert api.status_code == 202 and api.headers["location"] == api.json()["url"]
    contractor = await client_for("contractor")
    assert (await contractor.post(f"{API}/handover/batches/{site.batch}/packs")).status_code == 403
    assert (await contractor.get(job_url)).status_code == 403


async def test_a_pack_prints_the_same_text_in_the_batch_as_on_its_own(site, world, client_for):
    """The batch print stamps what repeats (warranty table, signature lines, the settlement table's frame,
    tracker/documents/stamps.py); each of its pages still holds exactly the text the pack's own PDF holds,
    less the running footer (the single pack counts its pages); both name the pack in their header."""
    from collections import Counter

    selection, other = await _handed_over(site, world)
    with clock.frozen(NOW):
        await services.record_handover(site.actors["staff"], other, HandoverIn(keys=2, acknowledged=True))
    staff = await client_for("staff")
    batch = PdfReader(io.BytesIO(await exports.batch_packs_pdf(site.actors["staff"], site.batch)))
    assert len(batch.pages) == 4
    compared = 0
    for sel in (selection, other):
        own = PdfReader(io.BytesIO((await staff.get(f"{API}/handover/selections/{sel}/handover-pack.pdf")).content))
        number = re.search(r"编号：(\S+)", own.pages[0].extract_text()).group(1)
        first = next(i for i, page in enumerate(batch.pages) if number in page.extract_text())
        for n, page in enumerate(own.pages):
            own_words = Counter(page.extract_text().split())
            own_words -= Counter(["第", str(n + 1), "页", "/", "共", "2", "页", f"编号：{number}"])
            batch_words = Counter(batch.pages[first + n].extract_text().split())
            assert batch_words[f"编号：{number}"] >= 1  # the running header names the pack on each of its pages
            batch_words -= Counter([f"编号：{number}"])
            assert own_words == batch_words, (sel, n, own_words - batch_words, batch_words - own_words)
            compared += 1
    assert compared == 4


async def test_a_batch_print_issues_each_part_in_a_transaction_of_its_own(site, world, monkeypatch):
    """Each part issues its missing packs just before it is rendered, in its own transaction: a print
    that fails at its second part keeps the first part's pack issued (numbered and audited) and leaves
    none of the second's; nothing half-issued, and the next print issues only what is missing."""
    import pytest

    from tracker.audit.tables import AuditRecord
    from tracker.documents.tables import IssuedDocument
    from tracker.errors import Conflict
    from tracker.export_jobs import services as export_jobs
    from tracker.handover.tables import HandoverRecord

    selection, other = await _handed_over(site, world)
    with clock.frozen(NOW):
        await services.record_handover(site.actors["staff"], other, HandoverIn(keys=2, acknowledged=True))
    monkeypatch.setattr(exports, "PACKS_PER_CHUNK", 1)
    project_id, pieces = await exports._batch_pieces(site.actors["staff"], site.batch)
    assert [p.units for p in pieces] == [1, 1]
    assert await IssuedDocument.count().where(IssuedDocument.series == exports.PACK) == 0  # planning issues nothing
    kept = (await HandoverRecord.select().where(HandoverRecord.selection == other))[0]
    await HandoverRecord.delete().where(HandoverRecord.selection == other)  # the second part can no longer issue
    with pytest.raises(Conflict):
        await export_jobs.make_now(exports.ExportPlan(project_id=project_id, filename="", pieces=pieces))
    kinds = [r["kind"] for r in await IssuedDocument.select(IssuedDocument.kind).where(
        IssuedDocument.series == exports.PACK)]
    assert kinds == [f"{exports.PACK}.{selection}"]
    assert await AuditRecord.count().where(AuditRecord.action == "handover.pack") == 1

    await HandoverRecord.insert(HandoverRecord(**{k: v for k, v in kept.items() if k != "id"}))
    text, pages = text_of(await exports.batch_packs_pdf(site.actors["staff"], site.batch))
    assert pages == 4
    assert await IssuedDocument.count().where(IssuedDocument.series == exports.PACK) == 2
    assert await AuditRecord.count().where(AuditRecord.action == "handover.pack") == 2


async def test_a_part_issues_its_packs_in_bulk_as_one_by_one_issues_would(site, world):
    """A batch print's part issues its missing packs in bulk (one numbering step, one documents INSERT,
    one audit INSERT): the same numbers in the same order, the same snapshots and document rows, and the
    same audit records as `issue_handover_pack` called for each pack in turn; the chain verifies."""
    import pytest

    from tracker import db
    from tracker.audit import verify
    from tracker.audit.tables import AuditHead, AuditRecord
    from tracker.documents.tables import IssuedDocument

    selection, other = await _handed_over(site, world)
    with clock.frozen(NOW):
        await services.record_handover(site.actors["staff"], other, HandoverIn(keys=2, acknowledged=True))
    before = (await AuditHead.select(AuditHead.seq))[0]["seq"]

    async def issued() -> tuple[list[dict], list[dict]]:
        documents = await IssuedDocument.select(*IssuedDocument.all_columns(exclude=[
            IssuedDocument.id, IssuedDocument.pdf, IssuedDocument.verify_token, IssuedDocument.issued_at,
        ]), IssuedDocument.id).where(IssuedDocument.series == exports.PACK).order_by(IssuedDocument.id)
        kinds = {d.pop("id"): d["kind"] for d in documents}
        records = await AuditRecord.select(AuditRecord.seq, AuditRecord.at, AuditRecord.actor_id,
                                           AuditRecord.actor_name, AuditRecord.action, AuditRecord.entity,
                                           AuditRecord.entity_id, AuditRecord.payload).where(
            AuditRecord.seq > before).order_by(AuditRecord.seq)
        for r in records:  # the document's id (a sequence's value on PostgreSQL) as the document it names
            payload = json.loads(r["payload"])
            r["payload"] = {**payload, "document_id": kinds[payload["document_id"]]}
        return documents, records

    class Undone(Exception):
        pass

    staff = site.actors["staff"]
    with clock.frozen(NOW + dt.timedelta(days=1)):
        with pytest.raises(Undone):
            async with transaction():
                for s in (other, selection):
                    await exports.issue_handover_pack(staff, s)
                one_by_one = await issued()
                raise Undone
        assert await IssuedDocument.count().where(IssuedDocument.series == exports.PACK) == 0
        with db.recording() as sent:
            await exports._issue_packs(staff, site.project, [other, selection])
    assert await issued() == one_by_one
    documents, records = one_by_one
    assert [d["kind"] for d in documents] == [f"{exports.PACK}.{other}", f"{exports.PACK}.{selection}"]
    assert [d["number_text"][-4:] for d in documents] == ["0001", "0002"]
    assert [r["entity_id"] for r in records] == [str(other), str(selection)]
    inserts = [s.split("(")[0].strip() for s in sent if s.startswith("INSERT")]
    assert inserts == ['INSERT INTO document_counter', 'INSERT INTO "issued_document"', 'INSERT INTO "audit_record"']
    assert (await verify()).ok
