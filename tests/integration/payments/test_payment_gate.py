"""The quality gate on certification, the printed certificate, voiding, and gap-free numbers under concurrency."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json

import pytest
from pypdf import PdfReader

from funding.payments import services
from funding.payments.schemas import CertifyIn
from funding.payments.tables import PaymentCertificate
from inspections.tables import Issue
from tests.integration.inspections.helpers import API, file_issue
from tests.integration.payments.helpers import apply, budget, create_contract, ok
from tracker.accounts.actor import Actor
from tracker.accounts.roles import Role
from tracker.audit.tables import AuditRecord
from tracker.documents.tables import IssuedDocument


def text_of(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text().replace("\n", "") for page in reader.pages), len(reader.pages)


async def _reviewed(world, clients, **contract) -> tuple[dict, dict]:
    manager, contractor, inspector = clients["manager"], clients["contractor"], clients["inspector"]
    line, _ = await budget(world.project)
    made = await create_contract(manager, world, line, **contract)
    application = await apply(contractor, made, "2026-01-01", "2026-01-31", ["200", "500"])
    ok(await inspector.post(f"/api/v1/payment-applications/{application['id']}/review", json={}))
    return made, application


@pytest.fixture
async def clients(world, client_for) -> dict:
    return {r: await client_for(r) for r in ("manager", "contractor", "inspector", "chief")}


async def test_unverified_major_issue_refuses_until_the_chief_overrides_with_a_reason(world, clients):
    chief = clients["chief"]
    _, application = await _reviewed(world, clients)
    major = await file_issue(chief, world, severity="major", description="主体结构裂缝")
    minor = await file_issue(chief, world, severity="general")
    elsewhere = await file_issue(chief, world, severity="major", responsible_org_id=world.orgs["Builder Co"],
                                 building_id=None, description="场地围挡倒塌")  # no building: the whole works
    await Issue.update({Issue.rejections: 2}).where(Issue.id == minor["id"])
    gate = ok(await chief.get(f"/api/v1/payment-applications/{application['id']}/gate"), 200)
    assert gate == {"stop_orders": [], "major_issues": [major["id"], elsewhere["id"]],
                    "rejected_twice": [minor["id"]], "blocking": True}
    url = f"/api/v1/payment-applications/{application['id']}/certify"
    refused = await chief.post(url, json={})
    body = refused.json()
    assert refused.status_code == 409 and body["rule"] == "quality_gate"
    assert f"#{major['id']}" in body["detail"] and f"#{elsewhere['id']}" in body["detail"]
    assert await PaymentCertificate.count() == 0 and await IssuedDocument.count() == 0
    reason = "裂缝经设计复核不影响结构安全，本期仅计量二层以下已验收部分"
    certificate = ok(await chief.post(url, json={"override_reason": reason}))
    assert certificate["override_reason"] == reason and certificate["gate_findings"]["blocking"]
    pdf = await chief.get(f"/api/v1/payment-certificates/{certificate['id']}/pdf")
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    text, pages = text_of(pdf.content)
    for field in ("工程款支付证书", "表 A.0.8", "梅园新村综合改造", "SG-2026-01", "Builder Co", "1号楼", reason,
                  f"#{major['id']}", "壹拾壹万伍仟伍佰元整", "115,500.00", "总监理工程师（签字、加盖执业印章）",
                  "C30混凝土", "扫码核验"):
        assert field in text, field
    assert text.count(certificate["number"]) >= pages + 1  # in the header of every page and in the form
    assert f"第 1 页 / 共 {pages} 页" in text
    assert "Chief" not in text  # no name where a signature goes
    audited = await AuditRecord.select(AuditRecord.payload).where(AuditRecord.action == "payment_certificate.issue")
    assert json.loads(audited[0]["payload"])["override_reason"] == reason


async def test_stop_work_in_force_on_the_scope_refuses_naming_the_order(world, clients):
    chief = clients["chief"]
    _, application = await _reviewed(world, clients)
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    order = ok(await chief.post(f"{API}/projects/{world.project}/stop-work", json={
        "addressed_org_id": world.orgs["Builder Co"], "scope": "building", "building_id": world.building,
        "cause": "major_hazard", "cause_details": "脚手架连墙件缺失", "effective_at": now, "requirements": "整改后报验。",
        "issue_ids": [], "owner_consent_by": "建设单位 王经理", "owner_consent_at": now}))
    refused = await chief.post(f"/api/v1/payment-applications/{application['id']}/certify", json={"override_reason": ""})
    assert refused.status_code == 409 and order["number"] in refused.json()["detail"]
    thin = await chief.post(f"/api/v1/payment-applications/{application['id']}/certify", json={"override_reason": "同意"})
    assert thin.status_code == 409


async def test_a_certificate_is_voided_only_with_a_reason_and_frees_its_application(world, clients):
    chief = clients["chief"]
    _, application = await _reviewed(world, clients)
    certificate = ok(await chief.post(f"/api/v1/payment-applications/{application['id']}/certify", json={}))
    url = f"/api/v1/payment-certificates/{certificate['id']}/void"
    assert (await chief.post(url, json={"reason": ""})).status_code in (400, 422)
    generic = await chief.post(f"/api/v1/documents/{certificate['document_id']}/void", json={"reason": "错"})
    assert generic.status_code == 409 and generic.json()["rule"] == "void_through_certificate"
    voided = ok(await chief.post(url, json={"reason": "计量期间填写错误"}))
    assert voided["status"] == "voided"
    again = ok(await chief.post(f"/api/v1/payment-applications/{application['id']}/certify", json={}))
    assert again["number"].endswith("-002") and again["previously_certified_fen"] == 0
    token = (await IssuedDocument.select(IssuedDocument.verify_token).where(
        IssuedDocument.id == certificate["document_id"]))[0]["verify_token"]
    verify = await chief.get(f"/api/v1/verify/{token}")
    assert verify.status_code == 200 and "void" in verify.text


@pytest.mark.engines_only("postgres")
async def test_certificates_of_many_contracts_at_once_are_numbered_without_gaps(world, clients):
    """Ten certifications at once on ten contracts of one project: numbers 1..10, each once."""
    applications = []
    for n in range(10):
        _, application = await _reviewed(world, clients, code=f"SG-{n:02d}")
        applications.append(application["id"])
    chief = Actor(id=world.users["chief"], username="chief", name="Chief", role=Role.chief_inspector,
                  organisation_id=world.orgs["Supervision Co"], project_ids=frozenset({world.project}))
    issued = await asyncio.gather(*(services.certify(chief, a, CertifyIn()) for a in applications))
    numbers = sorted(int(c.number.rsplit("-", 1)[1]) for c in issued)
    assert numbers == list(range(1, 11))
