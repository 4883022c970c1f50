"""Printed documents read back: Chinese fields, the number, the page count; issued PDFs never change."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from tests.integration.inspections.helpers import API, file_issue, in_days, issue_notice, jpeg, upload

pytestmark = pytest.mark.asyncio


def text_of(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    # Lines wrap anywhere in Chinese text: compare without the line breaks.
    return "".join(page.extract_text().replace("\n", "") for page in reader.pages), len(reader.pages)


async def test_notice_pdf_holds_the_fields_number_and_page_count(world, client_for):
    inspector = await client_for("inspector")
    issue = await file_issue(inspector, world)
    await upload(inspector, issue["id"], jpeg())
    notice = await issue_notice(inspector, world, [issue["id"]])
    response = await inspector.get(f"{API}/notices/{notice['id']}/pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    text, pages = text_of(response.content)
    for field in ("监理通知单", "工程名称", "梅园新村综合改造", "致", "Builder Co", "事由", "外墙渗漏整改", "内容",
                  "整改要求", "整改期限", "签字", "Supervision Co"):
        assert field in text, field
    assert notice["number"] in text
    assert f"第 1 页 / 共 {pages} 页" in text
    assert "Inspector" not in text  # the system never prints a name where a signature goes
    again = await inspector.get(f"{API}/notices/{notice['id']}/pdf")
    assert again.content == response.content


async def test_reply_pdf_holds_the_recheck_opinion(world, client_for):
    inspector = await client_for("inspector")
    contractor = await client_for("contractor")
    issue = await file_issue(inspector, world)
    notice = await issue_notice(inspector, world, [issue["id"]])
    await contractor.post(f"{API}/notices/{notice['id']}/replies",
                          json={"items": [{"issue_id": issue["id"], "explanation": "重做防水层"}]})
    await inspector.post(f"{API}/issues/{issue['id']}/verify", json={"opinion": "淋水试验无渗漏"})
    first = (await contractor.get(f"{API}/notices/{notice['id']}/reply.pdf")).content
    assert (await inspector.get(f"{API}/notices/{notice['id']}/reply.pdf")).content == first  # frozen at closing
    text, pages = text_of(first)
    for field in ("监理通知回复单", notice["number"] + "-HF", "重做防水层", "复查意见", "复查合格", "淋水试验无渗漏"):
        assert field in text, field
    assert f"共 {pages} 页" in text


async def test_stop_work_and_resumption_orders_print_and_quote_the_number(world, client_for):
    chief = await client_for("chief")
    contractor = await client_for("contractor")
    manager = await client_for("manager")
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    order = (await chief.post(f"{API}/projects/{world.project}/stop-work", json={
        "addressed_org_id": world.orgs["Builder Co"], "scope": "part", "part": "三层外墙保温", "cause": "design_deviation",
        "effective_at": now, "requirements": "按审查合格的图纸施工", "owner_consent_by": "王经理",
        "owner_consent_at": now})).json()
    text, _ = text_of((await chief.get(f"{API}/stop-work/{order['id']}/pdf")).content)
    for field in ("工程暂停令", order["number"], "三层外墙保温", "未按审查通过的工程设计文件施工", "总监理工程师"):
        assert field in text, field
    application = (await contractor.post(f"{API}/stop-work/{order['id']}/applications",
                                         json={"statement": "已按图纸返工", "proposed_date": in_days(1)})).json()
    app_id = application["applications"][0]["id"]
    await chief.post(f"{API}/resumption/{app_id}/review", json={})
    await manager.post(f"{API}/resumption/{app_id}/approve", json={})
    resumed = (await chief.post(f"{API}/stop-work/{order['id']}/resume", json={"resume_at": now})).json()
    text, _ = text_of((await chief.get(f"{API}/stop-work/{order['id']}/resumption.pdf")).content)
    for field in ("工程复工令", resumed["resumption_number"], order["number"], "恢复施工"):
        assert field in text, field


async def test_voided_notice_verifies_as_voided(world, client_for):
    inspector = await client_for("inspector")
    issue = await file_issue(inspector, world)
    notice = await issue_notice(inspector, world, [issue["id"]])
    await inspector.post(f"{API}/notices/{notice['id']}/void", json={"reason": "发错"})
    from tracker.documents.services import get_document

    document = await get_document(notice["document_id"])
    verified = await inspector.get(f"/api/v1/verify/{document['verify_token']}")
    assert verified.json()["status"] == "voided" and verified.json()["void_reason"] == "发错"


async def test_ledger_pdf_of_many_issues_has_numbered_pages(world, client_for):
    inspector = await client_for("inspector")
    for n in range(60):
        await file_issue(inspector, world, description=f"第{n}处墙面空鼓", category="hollowing")
    response = await inspector.get(f"{API}/projects/{world.project}/ledger.pdf")
    text, pages = text_of(response.content)
    assert pages >= 2 and "整改台账" in text and "第59处墙面空鼓" in text
    assert f"第 2 页 / 共 {pages} 页" in text
