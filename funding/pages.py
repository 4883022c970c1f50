"""Pages of funding for people: the project's funding overview with its chart, sources with their
schedules, allocations, spending entry, the monthly report form, the monitors' alerts, the portfolio
across projects, the public disclosure (资金公示) and the resident's own contribution.

Finance writes (FUNDING_WRITERS), project managers read (FUNDING_READERS); contractors and residents see
none of it except the public disclosure and a resident's own contribution. Pages call the same services
as the JSON API; a refused form is shown again with the message beside its field."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from funding import chart, services
from funding.kinds import SpendingKind
from funding.money import yuan
from funding.report_schemas import CorrectionIn, ReportDraftIn
from funding.schemas import SpendingIn
from tracker import clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import FUNDING_READERS, FUNDING_WRITERS, Role
from tracker.errors import Invalid
from tracker.register import services as register
from tracker.web.forms import FormInvalid, Refusal, parse_form, refused
from tracker.web.guards import allow_public, project_member, requires_role

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
READ = [requires_role(FUNDING_READERS), project_member]
WRITE = [requires_role(FUNDING_WRITERS), project_member]
# The English label (msgid) of each funding form field, for refusals that name it.
LABELS = {
    "allocation_id": "Allocation", "amount": "Amount (yuan)", "amount_fen": "Amount (yuan)", "spent_on": "Date",
    "payee": "Payee", "voucher_no": "Voucher no.", "purpose": "Purpose", "kind": "Payment or transfer",
    "gap_arranged": "Gap arranged (yuan)", "gap_arranged_fen": "Gap arranged (yuan)",
    "gap_arrangement": "How the gap is arranged", "remarks": "Remarks", "reason": "Reason for the correction",
}
SPENDING_FIELDS = ("allocation_id", "amount", "spent_on", "payee", "voucher_no", "purpose", "kind")
REPORT_FIELDS = ("gap_arranged", "gap_arrangement", "remarks", "reason")


def _text(form: dict[str, Any], name: str) -> str:
    value = form.get(name, "")
    return str(value[0] if isinstance(value, list) and value else value).strip()


def _parse(form: dict[str, Any], schema, **values):
    """`parse_form` with the refusal naming the field as this page labels it."""
    try:
        return parse_form(form, schema, **values)
    except FormInvalid as exc:
        field = {"amount_fen": "amount", "gap_arranged_fen": "gap_arranged"}.get(exc.field, exc.field)
        raise FormInvalid(exc.template, field=field, rule=exc.rule,
                          **{**exc.params, "name": LABELS.get(exc.field, exc.params.get("name"))}) from None


def _yuan(form: dict[str, Any], name: str, *, required: bool) -> int | None:
    """A yuan field as exact fen (funding/money.py refuses a third decimal rather than rounding)."""
    text = _text(form, name)
    if not text:
        if required:
            raise FormInvalid("{name} is required.", field=name, rule="required", name=LABELS[name])
        return None
    fen = yuan(text, field=name)
    if fen <= 0 and required:
        raise FormInvalid("{name} must be at least {min}.", field=name, rule="minimum", name=LABELS[name], min="0.01")
    return fen


def _month(month: str | None) -> dt.date:
    if not month:
        return clock.today().replace(day=1)
    return services.parse_month(month)


class FundingPages(Controller):
    include_in_schema = False

    # ------------------------------------------------------------ the project's funding

    @get("/projects/{project_id:int}/funding", guards=READ)
    async def overview(self, actor: Actor, project_id: int) -> Template:
        """Committed, arrived, allocated, spent and transferred by source kind and budget line, the chart of
        arrivals and spending against plan, the sources with their schedules, the allocations."""
        overview = await services.project_overview(project_id)
        sources = await services.list_sources(project_id)
        schedules = {}
        for source in sources:
            if source.tranche or source.loan:
                schedules[source.id] = await services.source_schedule(source.id)
        alerts = await services.list_alerts(actor, project_id, False, None, None)
        return Template("funding/overview.html", context={
            "project": await register.get_project(project_id), "overview": overview, "sources": sources,
            "schedules": schedules, "lines": await services.list_budget_lines(project_id),
            "allocations": await services.list_allocations(project_id, None, None), "alerts": alerts,
            "chart": chart.chart(chart.months(overview.by_month), overview.totals.committed_fen)
            if overview.by_month else None,
            "month": clock.today().strftime("%Y-%m"), "may_write": actor.role in FUNDING_WRITERS,
        })

    @get("/projects/{project_id:int}/funding/spending", guards=READ)
    async def spending(self, actor: Actor, project_id: int) -> Template:
        return await self._spending_page(actor, project_id)

    async def _spending_page(self, actor: Actor, project_id: int, refusal: Refusal | None = None) -> Template:
        allocations = await services.list_allocations(project_id, None, None)
        sources = {s.id: s for s in await services.list_sources(project_id)}
        lines = {b.id: b for b in await services.list_budget_lines(project_id)}
        page = await services.list_spending(project_id, offset=0, limit=200)
        return Template("funding/spending.html", context={
            "project": await register.get_project(project_id), "allocations": allocations, "sources": sources,
            "lines": lines, "spending": page, "kinds": list(SpendingKind), "refusal": refusal,
            "fields": SPENDING_FIELDS, "today": clock.today().isoformat(),
            "may_write": actor.role in FUNDING_WRITERS,
        }, status_code=refusal.status if refusal else 200)

    @post("/projects/{project_id:int}/funding/spending", guards=WRITE)
    async def record_spending(self, actor: Actor, project_id: int, data: Form) -> Template | Redirect:
        """A payment or transfer out of an allocation: amount in yuan, converted exactly to fen."""
        async def act():
            allocation = _text(data, "allocation_id")
            if not allocation.isdecimal() or len(allocation) > 9:
                raise Invalid("Choose the allocation the money comes from.", field="allocation_id", rule="required")
            fen = _yuan(data, "amount", required=True)
            chosen = int(allocation)
            if chosen not in {a.id for a in await services.list_allocations(project_id, None, None)}:
                raise Invalid("Choose the allocation the money comes from.", field="allocation_id", rule="choice")
            return await services.record_spending(actor, chosen, _parse(data, SpendingIn, amount_fen=fen))

        return await refused(act, form=data,
                             done=lambda s: Redirect(f"/projects/{project_id}/funding/spending#spending-{s.id}",
                                                     status_code=303),
                             again=lambda r: self._spending_page(actor, project_id, r))

    # ------------------------------------------------------------ the monthly report (资金月报)

    @get("/projects/{project_id:int}/funding/report", guards=READ)
    async def report(self, actor: Actor, project_id: int, month: str | None = None) -> Template:
        return await self._report_page(actor, project_id, _month(month))

    async def _report_page(self, actor: Actor, project_id: int, month: dt.date,
                           refusal: Refusal | None = None) -> Template:
        report = await services.get_report(actor, project_id, month)
        # The month's payments and transfers beside the indicators (the report's tree counts arrivals only).
        page = await services.list_spending(project_id, offset=0, limit=1000)
        spending = [s for s in page.items if (s.spent_on.year, s.spent_on.month) == (month.year, month.month)]
        return Template("funding/report.html", context={
            "spending": spending, "spent_fen": sum(s.amount_fen for s in spending if s.kind == SpendingKind.payment),
            "transferred_fen": sum(s.amount_fen for s in spending if s.kind == SpendingKind.transfer),
            "project": await register.get_project(project_id), "report": report, "month": month.strftime("%Y-%m"),
            "versions": await services.list_versions(actor, project_id, month), "refusal": refusal,
            "fields": REPORT_FIELDS, "may_write": actor.role in FUNDING_WRITERS,
            "locked": report.status == "submitted",
        }, status_code=refusal.status if refusal else 200)

    @post("/projects/{project_id:int}/funding/report", guards=WRITE)
    async def save_report(self, actor: Actor, project_id: int, data: Form, month: str | None = None) -> Template | Redirect:
        """Save the draft, or submit it (the button pressed names `action`); a submitted report is locked."""
        chosen = _month(month)

        async def act():
            draft = _parse(data, ReportDraftIn, gap_arranged_fen=_yuan(data, "gap_arranged", required=False))
            if _text(data, "action") == "submit":
                return await services.submit_report(actor, project_id, chosen, draft)
            return await services.save_draft(actor, project_id, chosen, draft)

        return await self._report_posted(actor, project_id, chosen, data, act)

    @post("/projects/{project_id:int}/funding/report/correct", guards=WRITE)
    async def correct_report(self, actor: Actor, project_id: int, data: Form,
                             month: str | None = None) -> Template | Redirect:
        """A correction of a submitted report: a new version (a draft) with its reason."""
        chosen = _month(month)

        async def act():
            correction = _parse(data, CorrectionIn, gap_arranged_fen=_yuan(data, "gap_arranged", required=False))
            return await services.correct_report(actor, project_id, chosen, correction)

        return await self._report_posted(actor, project_id, chosen, data, act)

    async def _report_posted(self, actor: Actor, project_id: int, chosen, data: Form, act) -> Template | Redirect:
        """A report form's POST: back to the month's report (303), or its page again with the refusal."""
        return await refused(act, form=data,
                             done=lambda _: Redirect(f"/projects/{project_id}/funding/report?month={chosen:%Y-%m}",
                                                     status_code=303),
                             again=lambda r: self._report_page(actor, project_id, chosen, r))

    # ------------------------------------------------------------ monitors and the portfolio

    @get("/projects/{project_id:int}/funding/alerts", guards=READ)
    async def alerts(self, actor: Actor, project_id: int) -> Template:
        return Template("funding/alerts.html", context={
            "project": await register.get_project(project_id),
            "alerts": await services.list_alerts(actor, project_id, True, None, None)})

    @get("/funding", guards=[requires_role(FUNDING_READERS)])
    async def portfolio(self, actor: Actor) -> Template:
        """The same figures across every project the user is a member of, with the open alerts."""
        return Template("funding/portfolio.html", context={
            "portfolio": await services.portfolio(actor),
            "alerts": await services.list_alerts(actor, None, False, None, None),
            "month": clock.today().strftime("%Y-%m")})

    # ------------------------------------------------------------ residents and the public

    @get("/public/funding/{project_id:int}", guards=[allow_public])
    async def disclosure(self, project_id: int) -> Template:
        """资金公示: sources and what arrived, spending by budget line, residents' contributions in total
        only — never a household's amount or name."""
        project = await register.get_project(project_id)
        overview = await services.project_overview(project_id)
        sources = [{"kind": s.kind, "name": s.name, "reference": s.reference, "committed_fen": s.committed_fen,
                    "arrived_fen": s.arrived_fen} for s in await services.list_sources(project_id)]
        return Template("funding/public.html", context={
            "project": project, "overview": overview, "sources": sources, "today": clock.today()})

    @get("/my/contributions", guards=[requires_role(Role.resident)])
    async def my_contributions(self, actor: Actor) -> Template:
        """The resident's own household's share of the retrofit items and what is paid."""
        rows = await services.household_contributions(actor.household_id) if actor.household_id else []
        return Template("funding/my_contributions.html", context={
            "contributions": rows, "due_fen": sum(r.due_fen for r in rows), "paid_fen": sum(r.paid_fen for r in rows)})
