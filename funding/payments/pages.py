"""Pages of contract payments: the project's contracts and ledger, the contract with its payment curve,
the contractor's application form (phone-usable), the engineer's review with item cuts, the chief's
certification with the quality gate's findings beside the amount, and finance's payment entry.

Pages call the same services as the JSON API; a refused form is shown again with the message beside
its field (`tracker.web.forms.refused`)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from funding.payments import chart, services
from funding.payments.kinds import ApplicationStatus
from funding.payments.schemas import ApplicationIn, CertifyIn, PaymentIn, ReviewIn
from tracker import clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import (
    PAYERS,
    PAYMENT_APPLICANTS,
    PAYMENT_CERTIFIERS,
    PAYMENT_READERS,
    PAYMENT_REVIEWERS,
)
from tracker.register import services as register
from tracker.web.forms import Refusal, parse_form, refused
from tracker.web.guards import project_member, requires_login, requires_role

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]


def _text(form: dict[str, Any], name: str) -> str:
    value = form.get(name, "")
    return str(value[0] if isinstance(value, list) and value else value).strip()


def _quantity(form: dict[str, Any], name: str) -> Decimal | str:
    """A quantity field as a Decimal; an unreadable one stays text, which the schema refuses by name."""
    text = _text(form, name)
    try:
        return Decimal(text or "0")
    except InvalidOperation:
        return text


def _page(template: str, context: dict, refusal: Refusal | None) -> Template:
    """A page that may show a refused form again: with the refusal's status, else 200."""
    return Template(template, context=context, status_code=refusal.status if refusal else 200)


def _see(path: str):
    """Where a form that went through goes: `path` (`{id}` is the new record's), 303 so a reload does not post again."""
    return lambda record: Redirect(path=path.format(id=record.id), status_code=303)


class PaymentPages(Controller):
    include_in_schema = False
    guards = [requires_login, project_member]

    @get("/projects/{project_id:int}/contracts", guards=[requires_role(PAYMENT_READERS)])
    async def contracts(self, actor: Actor, project_id: int) -> Template:
        context = {"project": await register.get_project(project_id),
                   "contracts": await services.list_contracts(actor, project_id),
                   "monitor": await services.monitor(actor, project_id, clock.today())}
        return Template("payments/contracts.html", context=context)

    @get("/projects/{project_id:int}/contract-payments", guards=[requires_role(PAYMENT_READERS)])
    async def ledger(self, actor: Actor, project_id: int) -> Template:
        payments = await services.project_payments(actor, project_id)
        context = {"project": await register.get_project(project_id), "payments": payments,
                   "total": sum(p.amount_fen for p in payments)}
        return Template("payments/ledger.html", context=context)

    @get("/contracts/{contract_id:int}", guards=[requires_role(PAYMENT_READERS)])
    async def contract(self, actor: Actor, contract_id: int) -> Template:
        return await self._contract_page(actor, contract_id)

    async def _contract_page(self, actor: Actor, contract_id: int, refusal: Refusal | None = None) -> Template:
        contract = await services.get_contract(actor, contract_id)
        points = await services.curve(actor, contract_id)
        context = {
            "project": await register.get_project(contract.project_id), "contract": contract,
            "applications": await services.list_applications(actor, contract_id),
            "certificates": await services.list_certificates(actor, contract_id),
            "payments": await services.list_payments(actor, contract_id),
            "chart": chart.chart(points, contract.total_fen), "points": points,
            "may_apply": actor.role in PAYMENT_APPLICANTS and contract.settled_fen is None,
            "refusal": refusal, "today": clock.today().isoformat(),
        }
        return _page("payments/contract.html", context, refusal)

    @post("/contracts/{contract_id:int}/applications", guards=[requires_role(PAYMENT_APPLICANTS)])
    async def apply(self, actor: Actor, contract_id: int, data: Form) -> Template | Redirect:
        """The contractor's application (B.0.11): quantities of the period per schedule item, or the period's amount."""
        async def act():
            contract = await services.get_contract(actor, contract_id)
            items = [{"item_id": i.id, "quantity": _quantity(data, f"q_{i.id}")} for i in contract.items
                     if _text(data, f"q_{i.id}")]
            values = {"items": items} if contract.items else {}
            return await services.submit_application(actor, contract_id, parse_form(data, ApplicationIn, **values))

        return await refused(act, form=data,
                             done=_see("/payment-applications/{id}"),
                             again=lambda r: self._contract_page(actor, contract_id, r))

    @get("/payment-applications/{payment_application_id:int}", guards=[requires_role(PAYMENT_READERS)])
    async def application(self, actor: Actor, payment_application_id: int) -> Template:
        return await self._application_page(actor, payment_application_id)

    async def _application_page(self, actor: Actor, application_id: int, refusal: Refusal | None = None) -> Template:
        application = await services.get_application(actor, application_id)
        contract = await services.get_contract(actor, application.contract_id)
        context = {
            "project": await register.get_project(application.project_id), "application": application,
            "contract": contract, "gate": await services.check_gate(actor, application_id),
            "preview": await services.preview(actor, application_id),
            "may_review": actor.role in PAYMENT_REVIEWERS and application.status in (
                ApplicationStatus.submitted, ApplicationStatus.reviewed),
            "may_certify": actor.role in PAYMENT_CERTIFIERS and application.status == ApplicationStatus.reviewed,
            "refusal": refusal,
        }
        return _page("payments/application.html", context, refusal)

    @post("/payment-applications/{payment_application_id:int}/review", guards=[requires_role(PAYMENT_REVIEWERS)])
    async def review(self, actor: Actor, payment_application_id: int, data: Form) -> Template | Redirect:
        async def act():
            application = await services.get_application(actor, payment_application_id)
            items = [{"item_id": i.item_id, "approved_quantity": _quantity(data, f"a_{i.item_id}"),
                      "cut_reason": _text(data, f"r_{i.item_id}")} for i in application.items]
            values = {"items": items} if application.items else {}
            return await services.review_application(actor, payment_application_id,
                                                     parse_form(data, ReviewIn, **values))

        return await refused(act, form=data,
                             done=_see("/payment-applications/{id}"),
                             again=lambda r: self._application_page(actor, payment_application_id, r))

    @post("/payment-applications/{payment_application_id:int}/certify", guards=[requires_role(PAYMENT_CERTIFIERS)])
    async def certify(self, actor: Actor, payment_application_id: int, data: Form) -> Template | Redirect:
        async def act():
            return await services.certify(actor, payment_application_id, parse_form(data, CertifyIn))

        return await refused(act, form=data,
                             done=_see("/payment-certificates/{id}"),
                             again=lambda r: self._application_page(actor, payment_application_id, r))

    @get("/payment-certificates/{certificate_id:int}", guards=[requires_role(PAYMENT_READERS)])
    async def certificate(self, actor: Actor, certificate_id: int) -> Template:
        return await self._certificate_page(actor, certificate_id)

    async def _certificate_page(self, actor: Actor, certificate_id: int, refusal: Refusal | None = None) -> Template:
        certificate = await services.get_certificate(actor, certificate_id)
        contract = await services.get_contract(actor, certificate.contract_id)
        may_pay = actor.role in PAYERS and certificate.paid_fen < certificate.certified_fen
        context = {
            "project": await register.get_project(certificate.project_id), "certificate": certificate,
            "contract": contract, "may_pay": may_pay, "refusal": refusal, "today": clock.today().isoformat(),
            "allocations": await services.allocations_for(actor, contract.id) if may_pay else [],
            "payments": [p for p in await services.list_payments(actor, contract.id) if p.certificate_id == certificate_id],
        }
        return _page("payments/certificate.html", context, refusal)

    @post("/payment-certificates/{certificate_id:int}/payments", guards=[requires_role(PAYERS)])
    async def pay(self, actor: Actor, certificate_id: int, data: Form) -> Template | Redirect:
        """Finance's payment entry: amount, date, voucher and the allocation it comes from."""
        async def act():
            return await services.pay_certificate(actor, certificate_id, parse_form(data, PaymentIn))

        return await refused(act, form=data,
                             done=_see(f"/payment-certificates/{certificate_id}"),
                             again=lambda r: self._certificate_page(actor, certificate_id, r))
