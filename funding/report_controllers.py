"""JSON API of the monthly funding report and the monitors' alerts, under /api/v1/funding (the lead
folds it into funding/controllers.py). Finance writes (FUNDING_WRITERS), project managers read
(FUNDING_READERS); a submitted report edited is a 409 `report_submitted`."""

from __future__ import annotations

from typing import Annotated, Literal

from litestar import Controller, Response, get, post, put
from litestar.params import Parameter

from funding import exports, services
from funding.monitors import AlertKind, Level
from funding.report_schemas import AlertOut, CorrectionIn, ReportDraftIn, ReportOut, RollupOut
from tracker.accounts.actor import Actor
from tracker.accounts.roles import FUNDING_READERS, FUNDING_WRITERS
from tracker.spreadsheets import XLSX_TYPE
from tracker.web.guards import project_member, requires_login, requires_role

Month = Annotated[str, Parameter(pattern=r"^\d{4}-\d{2}$", description="The report's month, YYYY-MM.")]
By = Literal["district", "programme"]
READ = requires_role(FUNDING_READERS)
WRITE = requires_role(FUNDING_WRITERS)


def _download(body: bytes, media_type: str, name: str) -> Response[bytes]:
    disposition = "inline" if media_type == "application/pdf" else "attachment"
    return Response(body, media_type=media_type, headers={"content-disposition": f'{disposition}; filename="{name}"'})


class FundingReportApiController(Controller):
    path = "/api/v1/funding"
    tags = ["funding"]
    guards = [requires_login, project_member]

    @get("/projects/{project_id:int}/monthly-report", guards=[READ])
    async def get_report(self, actor: Actor, project_id: int, month: Month) -> ReportOut:
        """The month's report: submitted as frozen, a draft with figures from the records, or pending
        (nothing saved yet) with every figure prefilled from the records."""
        return await services.get_report(actor, project_id, services.parse_month(month))

    @get("/projects/{project_id:int}/monthly-report/versions", guards=[READ])
    async def list_versions(self, actor: Actor, project_id: int, month: Month) -> list[ReportOut]:
        """Every saved version of the month, oldest first."""
        return await services.list_versions(actor, project_id, services.parse_month(month))

    @put("/projects/{project_id:int}/monthly-report", guards=[WRITE])
    async def save_draft(self, actor: Actor, project_id: int, month: Month, data: ReportDraftIn) -> ReportOut:
        """Save the draft (待提交): gap arranged, its description, remarks. 409 once submitted."""
        return await services.save_draft(actor, project_id, services.parse_month(month), data)

    @post("/projects/{project_id:int}/monthly-report/submit", guards=[WRITE], status_code=200)
    async def submit_report(self, actor: Actor, project_id: int, month: Month,
                            data: ReportDraftIn | None = None) -> ReportOut:
        """Submit (已提交): figures frozen, the version locked."""
        return await services.submit_report(actor, project_id, services.parse_month(month), data)

    @post("/projects/{project_id:int}/monthly-report/correct", guards=[WRITE])
    async def correct_report(self, actor: Actor, project_id: int, month: Month, data: CorrectionIn) -> ReportOut:
        """Correct a submitted report: a new version (a draft) carrying its reason."""
        return await services.correct_report(actor, project_id, services.parse_month(month), data)

    @get("/projects/{project_id:int}/monthly-report.xlsx", guards=[READ], media_type=XLSX_TYPE)
    async def report_xlsx(self, actor: Actor, project_id: int, month: Month) -> Response[bytes]:
        body = await exports.report_xlsx(actor, project_id, services.parse_month(month))
        return _download(body, XLSX_TYPE, f"funding-report-{project_id}-{month}.xlsx")

    @get("/projects/{project_id:int}/monthly-report.pdf", guards=[READ], media_type="application/pdf")
    async def report_pdf(self, actor: Actor, project_id: int, month: Month) -> Response[bytes]:
        body = await exports.report_pdf(actor, project_id, services.parse_month(month))
        return _download(body, "application/pdf", f"funding-report-{project_id}-{month}.pdf")

    @get("/monthly-reports/rollup", guards=[READ])
    async def rollup(self, actor: Actor, month: Month, by: By = "district") -> RollupOut:
        """The month's reports summed by district or by programme over the projects the caller sees."""
        return await services.rollup(actor, services.parse_month(month), by)

    @get("/monthly-reports/rollup.xlsx", guards=[READ], media_type=XLSX_TYPE)
    async def rollup_xlsx(self, actor: Actor, month: Month, by: By = "district") -> Response[bytes]:
        body = await exports.rollup_xlsx(actor, services.parse_month(month), by)
        return _download(body, XLSX_TYPE, f"funding-rollup-{by}-{month}.xlsx")

    @get("/projects/{project_id:int}/alerts", guards=[READ])
    async def project_alerts(self, actor: Actor, project_id: int, include_resolved: bool = False,
                             level: Level | None = None, kind: AlertKind | None = None) -> list[AlertOut]:
        """The monitors' alerts on a project: open ones, alarms first (resolved ones on request)."""
        return await services.list_alerts(actor, project_id, include_resolved, level, kind)

    @get("/alerts", guards=[READ])
    async def portfolio_alerts(self, actor: Actor, include_resolved: bool = False, level: Level | None = None,
                               kind: AlertKind | None = None) -> list[AlertOut]:
        """The monitors' alerts across every project the caller sees."""
        return await services.list_alerts(actor, None, include_resolved, level, kind)
