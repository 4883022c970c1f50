"""Guards of funding: which path parameters name a record of which project."""

from __future__ import annotations

from funding.tables import Allocation, Arrival, BudgetLine, Contribution, FundingSource, RevenueForecast, Spending

PROJECT_PATHS = {
    "source_id": FundingSource.project,
    "arrival_id": Arrival.project,
    "budget_line_id": BudgetLine.project,
    "allocation_id": Allocation.project,
    "spending_id": Spending.project,
    "contribution_id": Contribution.project,
    "forecast_id": RevenueForecast.project,
}
