"""Payment certificates (工程款支付证书 A.0.8): the chief inspector certifies a reviewed application past
the quality gate; the certificate is numbered gap-free per project, series and year, frozen as an
issued document (snapshot, hash, QR verification), and voided only with a reason."""

from __future__ import annotations

from decimal import Decimal

from funding.payments import certificates, gate
from funding.payments.kinds import (
    DOCUMENT_KIND,
    SERIES,
    SERIES_PREFIX,
    ApplicationStatus,
    CertificateStatus,
    RetentionMode,
)
from funding.payments.schemas import CertificateOut, CertifyIn, GateOut, StepOut, VoidIn
from funding.payments.services import gate as gate_facts
from funding.payments.services.applications import application_items, readable_application, work_to_date_after
from funding.payments.services.contracts import readable_contract
from funding.payments.tables import Contract, ContractBuilding, PaymentApplication, PaymentCertificate
from funding.tables import WorkProgress
from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.accounts.tables import Organisation
from tracker.db import transaction
from tracker.documents import numbering
from tracker.documents import services as documents
from tracker.documents.kinds import DocumentStatus
from tracker.documents.tables import IssuedDocument
from tracker.errors import Conflict, NotFound
from tracker.register.tables import Project

STEP_TEXT = {  # printed labels of the steps (the certificate is a Chinese form)
    "contract_total": "合同价款（含经批准的变更、签证）",
    "work_to_date": "截至本期累计审定完成工程价款",
    "payable_to_date": "截至本期累计应付进度款（× 支付比例）",
    "retention_to_date": "截至本期累计预留质量保证金",
    "previously_certified": "以前各期累计已签证支付金额",
    "certified": "本期应付款",
    "overpaid": "以前多签证金额（在以后各期中扣回）",
}


def gate_out(findings: gate.Findings) -> GateOut:
    return GateOut(stop_orders=findings.stop_orders, major_issues=findings.major_issues,
                   rejected_twice=findings.rejected_twice, blocking=findings.blocking)


async def check_gate(actor: Actor, application_id: int) -> GateOut:
    """What the quality gate finds for the application's contract, as the review and certification pages show it."""
    _, contract = await readable_application(actor, application_id)
    return gate_out(await gate_facts.findings(contract))


def yuan(fen: int) -> str:
    sign = "-" if fen < 0 else ""
    return f"{sign}{abs(fen) // 100:,}.{abs(fen) % 100:02d}"


def number_text(project_code: str, year: int, number: int) -> str:
    return f"{project_code}-{SERIES_PREFIX}-{year}-{number:03d}"


async def certify(actor: Actor, application_id: int, data: CertifyIn) -> CertificateOut:
    """Certify a reviewed application: the gate first (409 naming the orders and issues unless overridden
    with a written reason), then the arithmetic of `certificates.certify`, the number and the frozen document."""
    override = data.override_reason.strip()
    async with transaction():
        row, contract = await readable_application(actor, application_id)
        # The contract's row lock orders certifications of one contract: "previously certified" is exact.
        await Contract.update({Contract.applications_seq: Contract.applications_seq + 0}).where(
            Contract.id == contract["id"])
        if row["status"] != ApplicationStatus.reviewed:
            raise Conflict("Application {id} is {status}; only a reviewed application is certified.",
                           rule="application_status", id=application_id, status=row["status"])
        findings = await gate_facts.findings(contract)
        refusal = gate.decide(findings, override)
        if refusal:
            raise Conflict("Certification refused by the quality gate ({findings}); the chief inspector may override "
                           "with a written reason.", field="override_reason", rule=refusal,
                           findings=findings.summary())
        previous = await PaymentCertificate.select(PaymentCertificate.certified_fen).where(
            PaymentCertificate.contract == contract["id"], PaymentCertificate.status == CertificateStatus.issued.value)
        work = await work_to_date_after(row, contract)
        total = contract["value_fen"] + contract["changes_fen"]
        if work > total:
            raise Conflict("The work certified to date ({work} fen) would exceed the contract value with approved "
                           "changes ({total} fen).", rule="claim_within_contract", work=work, total=total)
        figures = certificates.certify(
            value_fen=contract["value_fen"], changes_fen=contract["changes_fen"], work_to_date_fen=work,
            payment_ratio=Decimal(contract["payment_ratio"]), retention_ratio=Decimal(contract["retention_ratio"]),
            retention_mode=RetentionMode(contract["retention_mode"]),
            previously_certified_fen=sum(p["certified_fen"] for p in previous),
        )
        today = clock.today()
        due_on = certificates.payment_due_on(today, contract["payment_days"])
        project = (await Project.select(Project.code, Project.name).where(Project.id == contract["project"]))[0]
        number = await numbering.next_number(contract["project"], SERIES, today.year)
        text = number_text(project["code"], today.year, number)
        steps = [{"key": s.key, "label": s.label, "formula": s.formula, "amount_fen": s.amount_fen}
                 for s in figures.steps]
        items = await application_items(row)
        context = await _print_context(contract, row, project, items, figures, steps, findings, override, today, due_on)
        document = await documents.issue_document(
            actor, project_id=contract["project"], kind=DOCUMENT_KIND, series=SERIES, number_text=text,
            title="工程款支付证书", template="payments/print/certificate.html", context=context)
        certificate_id = (await PaymentCertificate.insert(PaymentCertificate(
            project=contract["project"], contract=contract["id"], application=application_id, year=today.year,
            number=number, number_text=text, contract_total_fen=figures.contract_total_fen,
            work_to_date_fen=figures.work_to_date_fen, payable_to_date_fen=figures.payable_to_date_fen,
            retention_to_date_fen=figures.retention_to_date_fen,
            previously_certified_fen=figures.previously_certified_fen, certified_fen=figures.certified_fen,
            overpaid_fen=figures.overpaid_fen, steps=steps,
            gate_findings={"stop_orders": findings.stop_orders, "major_issues": findings.major_issues,
                           "rejected_twice": findings.rejected_twice},
            override_reason=override if findings.blocking else "", due_on=due_on, document=document["id"],
            certified_by=actor.id,
        )).returning(PaymentCertificate.id))[0]["id"]
        await PaymentApplication.update({PaymentApplication.status: ApplicationStatus.certified.value}).where(
            PaymentApplication.id == application_id)
        await record_progress(contract["project"], today)
        await audit.record(actor, "payment_certificate.issue", "payment_certificate", certificate_id, {
            "number": text, "application_id": application_id, "contract_id": contract["id"],
            "work_to_date_fen": figures.work_to_date_fen, "certified_fen": figures.certified_fen,
            "overpaid_fen": figures.overpaid_fen, "due_on": due_on.isoformat(), "document_id": document["id"],
            "gate": findings.summary(), "override_reason": override if findings.blocking else "",
        })
    return await get_certificate(actor, certificate_id)


async def record_progress(project_id: int, day) -> None:
    """The funding domain's work progress (`WorkProgress.certified_fen`) as of today: the value of work
    certified to date over the project's contracts, which the spending-ahead-of-progress monitor reads.
    An existing row of the day keeps its percentage."""
    latest: dict[int, int] = {}
    for c in await PaymentCertificate.select(PaymentCertificate.contract, PaymentCertificate.work_to_date_fen).where(
            PaymentCertificate.project == project_id, PaymentCertificate.status == CertificateStatus.issued.value
    ).order_by(PaymentCertificate.id):
        latest[c["contract"]] = c["work_to_date_fen"]
    await WorkProgress.raw(
        "INSERT INTO work_progress (project, as_of, percent, certified_fen) VALUES ({}, {}, NULL, {}) "
        "ON CONFLICT (project, as_of) DO UPDATE SET certified_fen = excluded.certified_fen",
        project_id, day, sum(latest.values()))


async def _print_context(contract, row, project, items, figures, steps, findings, override, today, due_on) -> dict:
    orgs = await Organisation.select(Organisation.name).where(Organisation.id == contract["contractor_org"])
    buildings = await ContractBuilding.select(ContractBuilding.building.name.as_alias("name")).where(
        ContractBuilding.contract == contract["id"]).order_by(ContractBuilding.building)
    return {
        "project_name": project["name"],
        "contract_code": contract["code"],
        "contract_name": contract["name"],
        "contractor": orgs[0]["name"] if orgs else "",
        "scope": "、".join(b["name"] for b in buildings),
        "period": f"{row['period_start'].isoformat()} 至 {row['period_end'].isoformat()}",
        "application_id": row["id"],
        "claimed": yuan(row["claimed_fen"]),
        "applied": yuan(row["applied_fen"]),
        "approved": yuan(row["approved_fen"] or 0),
        "payment_ratio": f"{Decimal(contract['payment_ratio']) * 100:.2f}%",
        "retention_ratio": f"{Decimal(contract['retention_ratio']) * 100:.2f}%",
        "retention_mode": contract["retention_mode"],
        "items": [{
            "code": i.code, "name": i.name, "unit": i.unit, "unit_price": yuan(i.unit_price_fen),
            "contract_quantity": str(i.contract_quantity), "previous": str(i.previous_quantity),
            "claimed": str(i.claimed_quantity), "approved": str(i.approved_quantity),
            "to_date": str(i.previous_quantity + (i.approved_quantity or 0)),
            "amount": yuan(i.approved_fen or 0), "cut_reason": i.cut_reason,
        } for i in items],
        "steps": [{**s, "text": STEP_TEXT[s["key"]], "amount": yuan(s["amount_fen"])} for s in steps],
        "certified": yuan(figures.certified_fen),
        "certified_upper": certificates.rmb_upper(figures.certified_fen),
        "stop_orders": findings.stop_orders,
        "major_issues": findings.major_issues,
        "override_reason": override if findings.blocking else "",
        "due_on": due_on.isoformat(),
        "date": f"{today.year}年{today.month}月{today.day}日",
    }


async def _certificate_row(certificate_id: int) -> dict:
    rows = await PaymentCertificate.select(
        *PaymentCertificate.all_columns(), PaymentCertificate.contract.contractor_org.as_alias("contractor_org"),
    ).where(PaymentCertificate.id == certificate_id).output(load_json=True)
    if not rows:
        raise NotFound("No payment certificate {id}.", field="certificate_id", id=certificate_id)
    return rows[0]


async def readable_certificate(actor: Actor, certificate_id: int) -> tuple[dict, dict]:
    row = await _certificate_row(certificate_id)
    contract = await readable_contract(actor, row["contract"])
    return row, contract


def certificate_out(row: dict) -> CertificateOut:
    findings = row["gate_findings"] or {}
    return CertificateOut(
        id=row["id"], project_id=row["project"], contract_id=row["contract"], application_id=row["application"],
        number=row["number_text"], status=CertificateStatus(row["status"]),
        contract_total_fen=row["contract_total_fen"], work_to_date_fen=row["work_to_date_fen"],
        payable_to_date_fen=row["payable_to_date_fen"], retention_to_date_fen=row["retention_to_date_fen"],
        previously_certified_fen=row["previously_certified_fen"], certified_fen=row["certified_fen"],
        overpaid_fen=row["overpaid_fen"], steps=[_step(s) for s in row["steps"]],
        gate_findings=GateOut(stop_orders=findings.get("stop_orders", []),
                              major_issues=findings.get("major_issues", []),
                              rejected_twice=findings.get("rejected_twice", []),
                              blocking=bool(findings.get("stop_orders") or findings.get("major_issues"))),
        override_reason=row["override_reason"], due_on=row["due_on"], paid_fen=row["paid_fen"],
        void_reason=row["void_reason"], document_id=row["document"], certified_at=row["certified_at"],
    )


def _step(s: dict) -> StepOut:
    return StepOut(key=s["key"], label=s["label"], formula=s["formula"], amount_fen=s["amount_fen"])


async def get_certificate(actor: Actor, certificate_id: int) -> CertificateOut:
    row, _ = await readable_certificate(actor, certificate_id)
    return certificate_out(row)


async def list_certificates(actor: Actor, contract_id: int) -> list[CertificateOut]:
    await readable_contract(actor, contract_id)
    rows = await PaymentCertificate.select().where(PaymentCertificate.contract == contract_id).order_by(
        PaymentCertificate.id).output(load_json=True)
    return [certificate_out(r) for r in rows]


async def void_certificate(actor: Actor, certificate_id: int, data: VoidIn) -> CertificateOut:
    """作废 with a reason: the document is voided too and the application is reviewed again, ready for a
    new certificate; a certificate with a payment against it stays."""
    reason = data.reason.strip()
    async with transaction():
        row, _ = await readable_certificate(actor, certificate_id)
        if row["status"] != CertificateStatus.issued:
            raise Conflict("Certificate {number} is void already.", rule="certificate_voided", number=row["number_text"])
        if row["paid_fen"] > 0:
            raise Conflict("Certificate {number} has payments against it and cannot be voided.",
                           rule="certificate_paid", number=row["number_text"])
        later = await PaymentCertificate.exists().where(
            PaymentCertificate.contract == row["contract"], PaymentCertificate.id > certificate_id,
            PaymentCertificate.status == CertificateStatus.issued.value)
        if later:
            raise Conflict("A later certificate builds on {number}: void that one first.", rule="certificate_not_last",
                           number=row["number_text"])
        await PaymentCertificate.update({PaymentCertificate.status: CertificateStatus.voided.value,
                                         PaymentCertificate.void_reason: reason}).where(
            PaymentCertificate.id == certificate_id)
        await IssuedDocument.update({IssuedDocument.status: DocumentStatus.voided.value,
                                     IssuedDocument.void_reason: reason, IssuedDocument.voided_at: clock.now()}).where(
            IssuedDocument.id == row["document"])
        await PaymentApplication.update({PaymentApplication.status: ApplicationStatus.reviewed.value}).where(
            PaymentApplication.id == row["application"])
        await record_progress(row["project"], clock.today())
        await audit.record(actor, "payment_certificate.void", "payment_certificate", certificate_id,
                           {"number": row["number_text"], "reason": reason})
    return await get_certificate(actor, certificate_id)


async def certificate_pdf(actor: Actor, certificate_id: int) -> tuple[bytes, str]:
    row, _ = await readable_certificate(actor, certificate_id)
    return await documents.document_pdf(row["document"]), row["number_text"]


async def preview(actor: Actor, application_id: int) -> certificates.Certificate | None:
    """The certificate the application would get now (for the chief's page, beside the gate's findings);
    None unless it is reviewed and within the contract."""
    row, contract = await readable_application(actor, application_id)
    if row["status"] != ApplicationStatus.reviewed:
        return None
    previous = await PaymentCertificate.select(PaymentCertificate.certified_fen).where(
        PaymentCertificate.contract == contract["id"], PaymentCertificate.status == CertificateStatus.issued.value)
    try:
        return certificates.certify(
            value_fen=contract["value_fen"], changes_fen=contract["changes_fen"],
            work_to_date_fen=await work_to_date_after(row, contract),
            payment_ratio=Decimal(contract["payment_ratio"]), retention_ratio=Decimal(contract["retention_ratio"]),
            retention_mode=RetentionMode(contract["retention_mode"]),
            previously_certified_fen=sum(p["certified_fen"] for p in previous))
    except ValueError:
        return None
