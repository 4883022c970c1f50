"""JSON API of funding under /api/v1: sources, arrivals, budget, allocations, spending, progress,
forecasts, resident contributions and the figures; imports and exports.

Finance writes (FUNDING_WRITERS), project managers read (FUNDING_READERS); resident contributions are
also kept by the community office; a resident reads only their own household's contributions;
contractors see nothing of it. Money is integer fen (`*_fen`), rates decimal strings.
"""

from __future__ import annotations

from litestar import Controller, Response, get, patch, post, put
from litestar.params import Parameter

from funding import exports, services
from funding.kinds import SourceKind, SpendingKind
from funding.schemas import (
    AllocationIn,
    AllocationOut,
    AllocationPatch,
    ArrivalIn,
    ArrivalOut,
    BudgetLineIn,
    BudgetLineOut,
    ContributionOut,
    ContributionPaymentIn,
    DebtServiceOut,
    ForecastIn,
    ForecastOut,
    GeneratedOut,
    GenerateIn,
    ImportReport,
    ItemShareIn,
    ItemShareOut,
    OverviewOut,
    OwnContributionOut,
    PortfolioOut,
    ProgressIn,
    ProgressOut,
    ScheduleOut,
    SourceIn,
    SourceOut,
    SpendingIn,
    SpendingOut,
    SpendingPage,
    WaiveIn,
)
from tracker.accounts.actor import Actor
from tracker.accounts.roles import (
    CONTRIBUTION_KEEPERS,
    CONTRIBUTION_READERS,
    FUNDING_READERS,
    FUNDING_WRITERS,
    Role,
)
from tracker.register.controllers import Upload, uploaded_file
from tracker.spreadsheets import CSV_TYPE, XLSX_TYPE
from tracker.types import INT32_MAX, Id
from tracker.register.guards import own_household
from tracker.web.guards import project_member, requires_role

READ = [requires_role(FUNDING_READERS), project_member]
WRITE = [requires_role(FUNDING_WRITERS), project_member]


def download(content: bytes, fmt: str, name: str) -> Response:
    return Response(content=content, media_type=CSV_TYPE if fmt == "csv" else XLSX_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


class ProjectFundingApiController(Controller):
    path = "/api/v1/projects/{project_id:int}/funding"
    tags = ["funding"]

    @get("/overview", guards=READ)
    async def overview(self, project_id: int) -> OverviewOut:
        """Committed, arrived, allocated, spent and transferred money: totals, by source kind, by budget
        line, and by month (the chart's data)."""
        return await services.project_overview(project_id)

    @get("/debt-service", guards=READ)
    async def debt_service(self, project_id: int) -> DebtServiceOut:
        """Interest and principal of every bond and loan per year and per source, with the special bonds'
        coverage by the revenue forecasts (floor 1.1; stressed revenue −10 %, cost +10 %, floor 1.0)."""
        return await services.debt_service(project_id)

    @get("/debt-service.csv", guards=READ)
    async def debt_service_csv(self, project_id: int) -> Response:
        return download(await exports.debt_service_file(project_id, "csv"), "csv", f"debt-service-{project_id}")

    @get("/debt-service.xlsx", guards=READ)
    async def debt_service_xlsx(self, project_id: int) -> Response:
        return download(await exports.debt_service_file(project_id, "xlsx"), "xlsx", f"debt-service-{project_id}")

    @get("/sources", guards=READ)
    async def list_sources(self, project_id: int, kind: SourceKind | None = None) -> list[SourceOut]:
        return await services.list_sources(project_id, kind)

    @post("/sources", guards=WRITE)
    async def create_source(self, actor: Actor, project_id: int, data: SourceIn) -> SourceOut:
        """A source with its tranche (bond kinds) or loan terms (loan kinds); amounts in fen. A special
        bond allowing a use of the negative list is a 409 naming the rule."""
        return await services.create_source(actor, project_id, data)

    @get("/arrivals", guards=READ)
    async def list_arrivals(self, project_id: int) -> list[ArrivalOut]:
        return await services.list_arrivals(project_id=project_id)

    @get("/budget-lines", guards=READ)
    async def list_budget_lines(self, project_id: int) -> list[BudgetLineOut]:
        return await services.list_budget_lines(project_id)

    @post("/budget-lines", guards=WRITE)
    async def add_budget_line(self, actor: Actor, project_id: int, data: BudgetLineIn) -> BudgetLineOut:
        return await services.add_budget_line(actor, project_id, data)

    @get("/allocations", guards=READ)
    async def list_allocations(self, project_id: int, source_id: Id | None = None,
                               budget_line_id: Id | None = None) -> list[AllocationOut]:
        return await services.list_allocations(project_id, source_id, budget_line_id)

    @post("/allocations", guards=WRITE)
    async def allocate(self, actor: Actor, project_id: int, data: AllocationIn) -> AllocationOut:
        """Set arrived money of a source against a budget line. A use the source may not pay for, or a cap
        it breaks, is a 409 naming the rule (`special_bond_negative_list`, `use_not_allowed`,
        `special_bond_capital_cap`, `central_within_construction`, `policy_instrument_capital_share`,
        `allocations_within_budget_line`); more than has arrived is `allocations_within_arrivals`."""
        return await services.allocate(actor, project_id, data)

    @get("/spending", guards=READ)
    async def list_spending(
        self, project_id: int, allocation_id: Id | None = None, source_id: Id | None = None,
        kind: SpendingKind | None = None, offset: int = Parameter(default=0, ge=0, le=INT32_MAX),
        limit: int = Parameter(default=100, ge=1, le=1000),
    ) -> SpendingPage:
        """Spending and transfers, newest first."""
        return await services.list_spending(project_id, allocation_id=allocation_id, source_id=source_id, kind=kind,
                                            offset=offset, limit=limit)

    @get("/progress", guards=READ)
    async def list_progress(self, project_id: int) -> list[ProgressOut]:
        return await services.list_progress(project_id)

    @post("/progress", guards=WRITE)
    async def record_progress(self, actor: Actor, project_id: int, data: ProgressIn) -> ProgressOut:
        return await services.record_progress(actor, project_id, data)

    @get("/forecasts", guards=READ)
    async def list_forecasts(self, project_id: int) -> list[ForecastOut]:
        return await services.list_forecasts(project_id)

    @post("/forecasts", guards=WRITE)
    async def add_forecast(self, actor: Actor, project_id: int, data: ForecastIn) -> ForecastOut:
        return await services.add_forecast(actor, project_id, data)

    @get("/item-shares", guards=[requires_role(CONTRIBUTION_READERS), project_member])
    async def list_item_shares(self, project_id: int) -> list[ItemShareOut]:
        return await services.list_item_shares(project_id)

    @post("/item-shares", guards=WRITE)
    async def set_item_share(self, actor: Actor, project_id: int, data: ItemShareIn) -> ItemShareOut:
        """The resident share of a menu item (fen per m² or flat); an item already passed is planned at once."""
        return await services.set_item_share(actor, project_id, data)

    @get("/contributions", guards=[requires_role(CONTRIBUTION_READERS), project_member])
    async def list_contributions(self, project_id: int, item_id: Id | None = None) -> list[ContributionOut]:
        return await services.list_contributions(project_id, item_id)

    @post("/contributions/generate", guards=[requires_role(CONTRIBUTION_KEEPERS), project_member], status_code=200)
    async def generate_contributions(self, actor: Actor, project_id: int, data: GenerateIn) -> GeneratedOut:
        """The per-household plan of an item decided as passed, from its consultation's roll; idempotent."""
        return await services.generate_contributions(actor, project_id, data.item_id)

    @get("/export.xlsx", guards=READ)
    async def export_xlsx(self, project_id: int) -> Response:
        """Every funding table of the project, one sheet each."""
        return download(await exports.export_workbook(project_id), "xlsx", f"funding-{project_id}")

    @get("/export/{table:str}", guards=READ)
    async def export_csv(self, project_id: int, table: str) -> Response:
        """One funding table of the project as CSV (UTF-8 with BOM): `table` is one of the workbook's sheets
        (sources, tranches, loans, rate_resets, arrivals, budget_lines, allocations, spending, progress,
        forecasts, item_shares, contributions)."""
        return download(await exports.export_table(project_id, table), "csv", f"funding-{project_id}-{table}")

    @post("/import/sources", guards=WRITE, status_code=200)
    async def import_sources(self, actor: Actor, project_id: int, data: Upload) -> ImportReport:
        """Sources with their tranches (multipart field `file`, XLSX or CSV): all rows or none; a 422
        names every bad row, column and reason."""
        content, filename = await uploaded_file(data)
        return await exports.import_sources(actor, project_id, content, filename)

    @post("/import/spending", guards=WRITE, status_code=200)
    async def import_spending(self, actor: Actor, project_id: int, data: Upload) -> ImportReport:
        """Spending history (multipart field `file`, XLSX or CSV): all rows or none; a 422 names every bad
        row, column and reason."""
        content, filename = await uploaded_file(data)
        return await exports.import_spending(actor, project_id, content, filename)


class FundingApiController(Controller):
    path = "/api/v1/funding"
    tags = ["funding"]

    @get("/portfolio", guards=[requires_role(FUNDING_READERS)])
    async def portfolio(self, actor: Actor) -> PortfolioOut:
        """The figures of every project the caller is a member of (all for an admin) and their totals."""
        return await services.portfolio(actor)

    @get("/sources/{source_id:int}", guards=READ)
    async def get_source(self, source_id: int) -> SourceOut:
        return await services.get_source(source_id)

    @put("/sources/{source_id:int}", guards=WRITE)
    async def update_source(self, actor: Actor, source_id: int, data: SourceIn) -> SourceOut:
        """Change a source (not its kind); never below what arrived, never approved after an arrival."""
        return await services.update_source(actor, source_id, data)

    @get("/sources/{source_id:int}/schedule", guards=READ)
    async def schedule(self, source_id: int) -> ScheduleOut:
        """A bond tranche's or loan's repayment schedule: dates, interest, principal, balance, and the totals
        per year. Bonds: coupon = face × rate ÷ coupons a year; loans: ACT/360 on the balance, LPR resets
        from their date (funding/schedules.py). Other kinds: 409 `no_schedule`."""
        return await services.source_schedule(source_id)

    @get("/sources/{source_id:int}/schedule.csv", guards=READ)
    async def schedule_csv(self, source_id: int) -> Response:
        return download(await exports.schedule_file(source_id, "csv"), "csv", f"schedule-{source_id}")

    @get("/sources/{source_id:int}/schedule.xlsx", guards=READ)
    async def schedule_xlsx(self, source_id: int) -> Response:
        return download(await exports.schedule_file(source_id, "xlsx"), "xlsx", f"schedule-{source_id}")

    @get("/sources/{source_id:int}/arrivals", guards=READ)
    async def list_source_arrivals(self, source_id: int) -> list[ArrivalOut]:
        return await services.list_arrivals(source_id=source_id)

    @post("/sources/{source_id:int}/arrivals", guards=WRITE)
    async def record_arrival(self, actor: Actor, source_id: int, data: ArrivalIn) -> ArrivalOut:
        """Money arrived (a loan's drawdown): not before the source's approval (422
        `arrival_before_approval`), not beyond the commitment (409 `arrivals_within_commitment`,
        `drawdown_within_facility`)."""
        return await services.record_arrival(actor, source_id, data)

    @get("/arrivals/{arrival_id:int}", guards=READ)
    async def get_arrival(self, arrival_id: int) -> ArrivalOut:
        return await services.get_arrival(arrival_id)

    @get("/budget-lines/{budget_line_id:int}", guards=READ)
    async def get_budget_line(self, budget_line_id: int) -> BudgetLineOut:
        return await services.get_budget_line(budget_line_id)

    @put("/budget-lines/{budget_line_id:int}", guards=WRITE)
    async def update_budget_line(self, actor: Actor, budget_line_id: int, data: BudgetLineIn) -> BudgetLineOut:
        return await services.update_budget_line(actor, budget_line_id, data)

    @get("/allocations/{allocation_id:int}", guards=READ)
    async def get_allocation(self, allocation_id: int) -> AllocationOut:
        return await services.get_allocation(allocation_id)

    @patch("/allocations/{allocation_id:int}", guards=WRITE)
    async def change_allocation(self, actor: Actor, allocation_id: int, data: AllocationPatch) -> AllocationOut:
        return await services.change_allocation(actor, allocation_id, data)

    @post("/allocations/{allocation_id:int}/spending", guards=WRITE)
    async def record_spending(self, actor: Actor, allocation_id: int, data: SpendingIn) -> SpendingOut:
        """A payment or a transfer out of the allocation; beyond what is left of it is a 409
        (`spending_within_allocation`, `payment_within_transfer`)."""
        return await services.record_spending(actor, allocation_id, data)

    @get("/spending/{spending_id:int}", guards=READ)
    async def get_spending(self, spending_id: int) -> SpendingOut:
        return await services.get_spending(spending_id)

    @get("/forecasts/{forecast_id:int}", guards=READ)
    async def get_forecast(self, forecast_id: int) -> ForecastOut:
        return await services.get_forecast(forecast_id)

    @put("/forecasts/{forecast_id:int}", guards=WRITE)
    async def update_forecast(self, actor: Actor, forecast_id: int, data: ForecastIn) -> ForecastOut:
        return await services.update_forecast(actor, forecast_id, data)

    @post("/contributions/{contribution_id:int}/payments", guards=[requires_role(CONTRIBUTION_KEEPERS), project_member],
          status_code=200)
    async def record_contribution_payment(self, actor: Actor, contribution_id: int,
                                          data: ContributionPaymentIn) -> ContributionOut:
        """What a household paid toward its contribution; more than it owes is a 409 (`payment_within_due`)."""
        return await services.record_contribution_payment(actor, contribution_id, data)

    @post("/contributions/{contribution_id:int}/waive", guards=WRITE, status_code=200)
    async def waive_contribution(self, actor: Actor, contribution_id: int, data: WaiveIn) -> ContributionOut:
        """Waive what a household still owes (减免) with the reason; finance only."""
        return await services.waive_contribution(actor, contribution_id, data)


class HouseholdContributionApiController(Controller):
    path = "/api/v1/households/{household_id:int}/contributions"
    tags = ["funding"]

    @get("/", guards=[requires_role(CONTRIBUTION_READERS, Role.resident), own_household, project_member])
    async def household_contributions(self, household_id: int) -> list[OwnContributionOut]:
        """A household's own contributions and their status; a resident reads only their own."""
        return await services.household_contributions(household_id)


CONTROLLERS = [ProjectFundingApiController, FundingApiController, HouseholdContributionApiController]
