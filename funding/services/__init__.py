"""Services of the funding domain, by sub-domain; the public verbs are re-exported here."""

from funding.services.allocations import allocate, change_allocation, get_allocation, list_allocations
from funding.services.arrivals import get_arrival, list_arrivals, record_arrival
from funding.services.budget import add_budget_line, get_budget_line, list_budget_lines, update_budget_line
from funding.services.contributions import (
    generate_contributions,
    household_contributions,
    list_contributions,
    list_item_shares,
    record_contribution_payment,
    set_item_share,
    waive_contribution,
)
from funding.services.forecasts import add_forecast, get_forecast, list_forecasts, update_forecast
from funding.services.overview import portfolio, project_overview
from funding.services.progress import list_progress, record_progress
from funding.services.repayments import debt_service, source_schedule
from funding.services.sources import create_source, get_source, list_sources, update_source
from funding.services.spending import get_spending, list_spending, record_spending, spend

__all__ = [
    "add_budget_line", "add_forecast", "allocate", "change_allocation", "create_source", "debt_service",
    "generate_contributions", "get_allocation", "get_arrival", "get_budget_line", "get_forecast", "get_source",
    "get_spending", "household_contributions", "list_allocations", "list_arrivals", "list_budget_lines",
    "list_contributions", "list_forecasts", "list_item_shares", "list_progress", "list_sources", "list_spending",
    "portfolio", "project_overview", "record_arrival", "record_contribution_payment", "record_progress",
    "record_spending", "set_item_share", "source_schedule", "spend", "update_budget_line", "update_forecast",
    "update_source", "waive_contribution",
]

# The monthly report and the monitors (funding-report).
from funding.services.monitors import digest, list_alerts, run_monitors  # noqa: E402
from funding.services.report import (  # noqa: E402
    correct_report,
    get_report,
    list_versions,
    parse_month,
    rollup,
    save_draft,
    submit_report,
)

__all__ += ["correct_report", "digest", "get_report", "list_alerts", "list_versions", "parse_month", "rollup",
            "run_monitors", "save_draft", "submit_report"]
