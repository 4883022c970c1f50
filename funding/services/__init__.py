"""Services of the funding domain, by sub-domain; the public verbs are re-exported here."""

from funding.services.spending import spend

__all__ = ["spend"]

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
