"""Quality supervision's business actions, one module per sub-domain; the public verbs are re-exported
here so callers write `from inspections import services; services.file_issue(...)`.

- `categories`: the defect catalogue
- `issues`: filing, reading, listing issues and moving them through `workflow`
- `photos`: finding and evidence photos, reading one back
- `reports`: residents' defect reports
- `notices`: notices (通知单) issued, read, voided or superseded
- `rectification`: replies, rechecks, voiding an issue; closing a notice and freezing its reply form
- `stopwork`: stop-work orders, resumption applications and orders, the stop status
- `ledger`: the rectification ledger and the dashboard
- `inbox`, `escalation`: the in-app inbox and its mail, the daily escalation job's work
- `documents`: which record each issued document is read under
"""

from inspections.services.categories import ensure_catalogue, list_categories, save_category
from inspections.services.common import list_contractors
from inspections.services.escalation import run_escalation
from inspections.services.inbox import list_inbox, mail_inboxes, mark_read
from inspections.services.issues import IssueFilter, file_issue, get_issue, get_issues, list_issues
from inspections.services.ledger import counts, dashboard, ledger
from inspections.services.notices import get_notice, issue_notice, list_notices, void_notice
from inspections.services.photos import add_photo, photo_file
from inspections.services.rectification import (
    frozen_reply_document,
    record_recheck,
    reply_number,
    reply_print_context,
    submit_issue,
    submit_reply,
    void_issue,
)
from inspections.services.reports import (
    accept_report,
    add_report_photo,
    decline_report,
    get_report,
    list_reports,
    report_defect,
)
from inspections.services.stopwork import (
    application_order,
    apply_for_resumption,
    approve_resumption,
    get_stop_work,
    issue_resumption_order,
    issue_stop_work,
    list_stop_work,
    record_written_report,
    review_resumption,
    stop_status,
    stopped_project_ids,
    visible_stop_status,
)

__all__ = [
    "IssueFilter",
    "accept_report",
    "add_photo",
    "add_report_photo",
    "application_order",
    "apply_for_resumption",
    "approve_resumption",
    "counts",
    "dashboard",
    "decline_report",
    "ensure_catalogue",
    "file_issue",
    "frozen_reply_document",
    "get_issue",
    "get_issues",
    "get_notice",
    "get_report",
    "get_stop_work",
    "issue_notice",
    "issue_resumption_order",
    "issue_stop_work",
    "ledger",
    "list_categories",
    "list_contractors",
    "list_inbox",
    "list_issues",
    "list_notices",
    "list_reports",
    "list_stop_work",
    "mail_inboxes",
    "mark_read",
    "photo_file",
    "record_recheck",
    "record_written_report",
    "reply_number",
    "reply_print_context",
    "report_defect",
    "review_resumption",
    "run_escalation",
    "save_category",
    "stop_status",
    "stopped_project_ids",
    "submit_issue",
    "submit_reply",
    "visible_stop_status",
    "void_issue",
    "void_notice",
]
