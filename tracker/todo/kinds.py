"""The kinds of to-do, each named for the action waiting."""

from __future__ import annotations

from enum import StrEnum


class TodoKind(StrEnum):
    issue_notice = "issue_notice"  # an open issue waits for a notice (监理)
    recheck = "recheck"  # a reply waits for the recheck (监理)
    notice_reply = "notice_reply"  # a notice waits for the contractor's reply
    resumption_review = "resumption_review"  # a resumption application waits for the chief's review
    resumption_approval = "resumption_approval"  # ... then for the owner's approval
    payment_review = "payment_review"  # a payment application waits for the engineer's review
    payment_certify = "payment_certify"  # a reviewed application waits for the chief's certificate
    paper_confirm = "paper_confirm"  # a paper ballot sheet waits for a second staff member's entry
    monthly_report = "monthly_report"  # the month's funding report waits to be filled and submitted (财务)
