"""JSON API of contract payments under /api/v1: contracts, applications (B.0.11), certificates (A.0.8),
payments, retention releases, the final account, the monitor and the ledger with its exports.

Every route names its roles (tracker/accounts/roles.py) and the project guard; which contract a
contractor may read is decided once in funding/payments/access.py, through the services."""

from __future__ import annotations

from litestar import Controller, Response, get, post, put

from funding.payments import exports, services
from funding.payments.schemas import (
    ApplicationIn,
    ApplicationOut,
    CertificateOut,
    CertifyIn,
    ChangeIn,
    CompletionIn,
    ContractIn,
    ContractOut,
    CurvePoint,
    FinalAccountOut,
    GateOut,
    MonitorOut,
    PaymentIn,
    PaymentOut,
    ReleaseCheckIn,
    ReleaseOut,
    ReturnIn,
    ReviewIn,
    SettleIn,
    VoidIn,
)
from tracker import clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import (
    CONTRACT_WRITERS,
    PAYERS,
    PAYMENT_APPLICANTS,
    PAYMENT_CERTIFIERS,
    PAYMENT_READERS,
    PAYMENT_REVIEWERS,
)
from tracker.web.guards import project_member, requires_role

READ = [requires_role(PAYMENT_READERS), project_member]


async def _export(actor: Actor, project_id: int, fmt: str) -> Response[bytes]:
    content, media_type = await exports.ledger(actor, project_id, fmt)
    return Response(content=content, media_type=media_type,
                    headers={"content-disposition": f'attachment; filename="contract-payments-{project_id}.{fmt}"'})


class ProjectPaymentsApiController(Controller):
    path = "/api/v1/projects/{project_id:int}"
    tags = ["contract payments"]

    @get("/contracts", guards=READ)
    async def list_contracts(self, actor: Actor, project_id: int) -> list[ContractOut]:
        return await services.list_contracts(actor, project_id)

    @post("/contracts", guards=[requires_role(CONTRACT_WRITERS), project_member])
    async def create_contract(self, actor: Actor, project_id: int, data: ContractIn) -> ContractOut:
        """A contract with its terms (payment ratio ≥ 80 %, retention ≤ 3 %, payment days ≤ 60), scope and schedule."""
        return await services.create_contract(actor, project_id, data)

    @get("/contract-payments", guards=READ)
    async def ledger(self, actor: Actor, project_id: int) -> list[PaymentOut]:
        """The payments ledger: every payment to a contractor of the project."""
        return await services.project_payments(actor, project_id)

    @get("/contract-payments.csv", guards=READ)
    async def ledger_csv(self, actor: Actor, project_id: int) -> Response[bytes]:
        return await _export(actor, project_id, "csv")

    @get("/contract-payments.xlsx", guards=READ)
    async def ledger_xlsx(self, actor: Actor, project_id: int) -> Response[bytes]:
        return await _export(actor, project_id, "xlsx")

    @get("/contract-payments.pdf", guards=READ)
    async def ledger_pdf(self, actor: Actor, project_id: int) -> Response[bytes]:
        return await _export(actor, project_id, "pdf")

    @get("/payment-monitor", guards=READ)
    async def monitor(self, actor: Actor, project_id: int) -> MonitorOut:
        """Certificates and retention releases due within 7 days, and overdue ones."""
        return await services.monitor(actor, project_id, clock.today())


class ContractApiController(Controller):
    path = "/api/v1/contracts/{contract_id:int}"
    tags = ["contract payments"]

    @get("/", guards=READ)
    async def get_contract(self, actor: Actor, contract_id: int) -> ContractOut:
        return await services.get_contract(actor, contract_id)

    @post("/changes", guards=[requires_role(CONTRACT_WRITERS), project_member])
    async def add_change(self, actor: Actor, contract_id: int, data: ChangeIn) -> ContractOut:
        """An approved change (变更 / 签证) adjusting the contract value."""
        return await services.add_change(actor, contract_id, data)

    @put("/completion", guards=[requires_role(CONTRACT_WRITERS), project_member])
    async def record_completion(self, actor: Actor, contract_id: int, data: CompletionIn) -> ContractOut:
        return await services.record_completion(actor, contract_id, data)

    @get("/applications", guards=READ)
    async def list_applications(self, actor: Actor, contract_id: int) -> list[ApplicationOut]:
        return await services.list_applications(actor, contract_id)

    @post("/applications", guards=[requires_role(PAYMENT_APPLICANTS), project_member])
    async def submit_application(self, actor: Actor, contract_id: int, data: ApplicationIn) -> ApplicationOut:
        """The contractor's progress payment application (工程款支付报审表 B.0.11) for one period."""
        return await services.submit_application(actor, contract_id, data)

    @get("/certificates", guards=READ)
    async def list_certificates(self, actor: Actor, contract_id: int) -> list[CertificateOut]:
        return await services.list_certificates(actor, contract_id)

    @get("/payments", guards=READ)
    async def list_payments(self, actor: Actor, contract_id: int) -> list[PaymentOut]:
        return await services.list_payments(actor, contract_id)

    @get("/curve", guards=READ)
    async def curve(self, actor: Actor, contract_id: int) -> list[CurvePoint]:
        """Work certified, certified and paid to date, at each day one of them moved."""
        return await services.curve(actor, contract_id)

    @put("/final-account", guards=[requires_role(CONTRACT_WRITERS), project_member])
    async def settle(self, actor: Actor, contract_id: int, data: SettleIn) -> FinalAccountOut:
        """结算: settled amount, retention, paid, balance, and any overpayment to return within 30 days."""
        return await services.settle(actor, contract_id, data)

    @get("/final-account", guards=READ)
    async def final_account(self, actor: Actor, contract_id: int) -> FinalAccountOut:
        return await services.final_account(actor, contract_id)

    @post("/retention-release", guards=[requires_role(PAYMENT_APPLICANTS), project_member])
    async def request_release(self, actor: Actor, contract_id: int) -> ReleaseOut:
        """The contractor requests the retention once the defect-liability period has run."""
        return await services.request_release(actor, contract_id)


class PaymentApplicationApiController(Controller):
    path = "/api/v1/payment-applications/{payment_application_id:int}"
    tags = ["contract payments"]

    @get("/", guards=READ)
    async def get_application(self, actor: Actor, payment_application_id: int) -> ApplicationOut:
        return await services.get_application(actor, payment_application_id)

    @post("/review", guards=[requires_role(PAYMENT_REVIEWERS), project_member])
    async def review(self, actor: Actor, payment_application_id: int, data: ReviewIn) -> ApplicationOut:
        """The supervising engineer's review: approved quantities, a reason for every cut."""
        return await services.review_application(actor, payment_application_id, data)

    @post("/return", guards=[requires_role(PAYMENT_REVIEWERS), project_member])
    async def return_application(self, actor: Actor, payment_application_id: int, data: ReturnIn) -> ApplicationOut:
        return await services.return_application(actor, payment_application_id, data)

    @get("/gate", guards=READ)
    async def gate(self, actor: Actor, payment_application_id: int) -> GateOut:
        """The quality gate's findings: stop-work orders in force, unverified major issues, issues rejected twice."""
        return await services.check_gate(actor, payment_application_id)

    @post("/certify", guards=[requires_role(PAYMENT_CERTIFIERS), project_member])
    async def certify(self, actor: Actor, payment_application_id: int, data: CertifyIn) -> CertificateOut:
        """The chief inspector's payment certificate (工程款支付证书 A.0.8); 409 while the quality gate holds,
        unless overridden with a written reason."""
        return await services.certify(actor, payment_application_id, data)


class CertificateApiController(Controller):
    path = "/api/v1/payment-certificates/{certificate_id:int}"
    tags = ["contract payments"]

    @get("/", guards=READ)
    async def get_certificate(self, actor: Actor, certificate_id: int) -> CertificateOut:
        return await services.get_certificate(actor, certificate_id)

    @get("/pdf", guards=READ)
    async def pdf(self, actor: Actor, certificate_id: int) -> Response[bytes]:
        content, number = await services.certificate_pdf(actor, certificate_id)
        return Response(content=content, media_type="application/pdf",
                        headers={"content-disposition": f'inline; filename="{number}.pdf"'})

    @post("/void", guards=[requires_role(PAYMENT_CERTIFIERS), project_member])
    async def void(self, actor: Actor, certificate_id: int, data: VoidIn) -> CertificateOut:
        return await services.void_certificate(actor, certificate_id, data)

    @post("/payments", guards=[requires_role(PAYERS), project_member])
    async def pay(self, actor: Actor, certificate_id: int, data: PaymentIn) -> PaymentOut:
        """Finance records a payment against the certificate from an allocation of the contract's budget line."""
        return await services.pay_certificate(actor, certificate_id, data)


class RetentionApiController(Controller):
    path = "/api/v1/retention-releases/{release_id:int}"
    tags = ["contract payments"]

    @get("/", guards=READ)
    async def get_release(self, actor: Actor, release_id: int) -> ReleaseOut:
        return await services.get_release(actor, release_id)

    @post("/check", guards=[requires_role(CONTRACT_WRITERS), project_member])
    async def check(self, actor: Actor, release_id: int, data: ReleaseCheckIn) -> ReleaseOut:
        """The owner's check; open warranty defects hold it (409 naming them) unless deducted with a reason."""
        return await services.check_release(actor, release_id, data)

    @post("/payments", guards=[requires_role(PAYERS), project_member])
    async def pay(self, actor: Actor, release_id: int, data: PaymentIn) -> PaymentOut:
        return await services.pay_release(actor, release_id, data)


CONTROLLERS = [ProjectPaymentsApiController, ContractApiController, PaymentApplicationApiController,
               CertificateApiController, RetentionApiController]
