"""Request and response shapes of the inspections API (msgspec Structs, separate from tables)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import msgspec

from inspections.kinds import (
    Ball,
    IssueKind,
    IssueStatus,
    NoticeSeries,
    NoticeStatus,
    RecheckResult,
    ReportStatus,
    ResumptionStatus,
    Severity,
    StopCause,
    StopScope,
    StopStatus,
)
from tracker.types import Id, Int32

Text = Annotated[str, msgspec.Meta(max_length=4000)]
Line = Annotated[str, msgspec.Meta(max_length=255)]
PersonName = Annotated[str, msgspec.Meta(max_length=120)]  # as long as the columns holding a name
Required = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class Struct(msgspec.Struct, forbid_unknown_fields=True):
    pass


# ---------------------------------------------------------------- catalogue


class CategoryIn(Struct):
    code: Annotated[str, msgspec.Meta(min_length=1, max_length=60, pattern=r"^[a-z0-9_]+$")]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    kind: IssueKind
    active: bool = True
    position: Int32 = 0


class CategoryOut(msgspec.Struct):
    id: int
    code: str
    name: str
    kind: IssueKind
    active: bool
    position: int


# ---------------------------------------------------------------- issues


class IssueIn(Struct):
    kind: IssueKind
    category: Annotated[str, msgspec.Meta(max_length=60)]  # catalogue code
    severity: Severity
    description: Required
    responsible_org_id: Id
    deadline: dt.date
    building_id: Id | None = None
    dwelling_id: Id | None = None
    part: Line = ""
    location: Line = ""


class PhotoOut(msgspec.Struct):
    id: int
    purpose: str
    round: int
    content_type: str
    size: int
    url: str
    thumb_url: str


class EventOut(msgspec.Struct):
    action: str
    from_status: str | None
    to_status: str
    actor: str | None
    at: dt.datetime
    note: str
    deadline: dt.date | None
    round: int


class IssueOut(msgspec.Struct):
    id: int
    project_id: int
    building_id: int | None
    building: str | None
    dwelling_id: int | None
    dwelling: str | None
    part: str
    location: str
    kind: IssueKind
    category: str
    category_name: str
    severity: Severity
    description: str
    responsible_org_id: int
    responsible_org: str
    inspecting_org_id: int
    deadline: dt.date
    status: IssueStatus
    ball: Ball
    allowed_actions: list[str]
    round: int
    rejections: int
    overdue: bool
    escalated: bool
    notice_id: int | None
    notice_number: str | None
    stopped: bool
    created_at: dt.datetime
    closed_at: dt.datetime | None
    photos: list[PhotoOut] = []
    events: list[EventOut] = []


class IssuePage(msgspec.Struct):
    items: list[IssueOut]
    total: int
    offset: int
    limit: int


class NoteIn(Struct):
    note: Text = ""


class VoidIn(Struct):
    reason: Required


class SubmitIn(Struct):
    """The contractor reports one issue fixed (a one-issue reply)."""

    explanation: Text = ""


class RecheckIn(Struct):
    opinion: Text = ""  # 复查意见
    deadline: dt.date | None = None  # required when rejecting: the new deadline


# ---------------------------------------------------------------- resident reports


class ReportIn(Struct):
    description: Required
    building_id: Id | None = None
    dwelling_id: Id | None = None
    location: Line = ""


class AcceptReportIn(IssueIn):
    pass


class DeclineIn(Struct):
    reason: Required


class ReportOut(msgspec.Struct):
    id: int
    project_id: int
    description: str
    location: str
    building_id: int | None
    dwelling_id: int | None
    status: ReportStatus
    decline_reason: str
    issue_id: int | None
    created_at: dt.datetime
    photos: list[PhotoOut] = []


# ---------------------------------------------------------------- notices and replies


class NoticeIn(Struct):
    issue_ids: Annotated[list[Id], msgspec.Meta(min_length=1)]
    subject: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]  # 事由
    content: Required  # 内容
    deadline: dt.date  # 整改期限
    requirements: Text = ""  # 整改要求
    series: NoticeSeries = NoticeSeries.supervision


class NoticeVoidIn(Struct):
    reason: Required
    # Re-issue the still-open issues on a new notice (the successor); omit to return them to `open`.
    replacement: NoticeIn | None = None


class ReplyItemIn(Struct):
    issue_id: Id
    explanation: Text = ""


class ReplyIn(Struct):
    items: Annotated[list[ReplyItemIn], msgspec.Meta(min_length=1)]
    statement: Text = ""  # 需要说明的情况


class ReplyItemOut(msgspec.Struct):
    issue_id: int
    round: int
    explanation: str
    result: RecheckResult | None
    opinion: str
    rechecked_at: dt.datetime | None
    photos: list[PhotoOut] = []


class ReplyOut(msgspec.Struct):
    id: int
    notice_id: int
    number: str
    statement: str
    submitted_at: dt.datetime
    items: list[ReplyItemOut]


class NoticeOut(msgspec.Struct):
    id: int
    project_id: int
    series: NoticeSeries
    number: str
    title: str
    addressed_org_id: int
    addressed_org: str
    subject: str
    content: str
    requirements: str
    deadline: dt.date
    status: NoticeStatus
    void_reason: str
    superseded_by: int | None
    document_id: int
    issued_at: dt.datetime
    closed_at: dt.datetime | None
    issue_ids: list[int]
    replies: list[ReplyOut] = []


# ---------------------------------------------------------------- stop work and resumption


class StopWorkIn(Struct):
    addressed_org_id: Id
    scope: StopScope
    cause: StopCause
    effective_at: dt.datetime
    cause_details: Text = ""
    requirements: Text = ""
    building_id: Id | None = None
    part: Line = ""
    issue_ids: list[Id] = []
    owner_consent_by: PersonName = ""
    owner_consent_at: dt.datetime | None = None
    emergency: bool = False
    report_due_at: dt.datetime | None = None


class ResumptionApplyIn(Struct):
    statement: Required
    proposed_date: dt.date


class OpinionIn(Struct):
    opinion: Text = ""
    approve: bool = True


class ResumptionOrderIn(Struct):
    resume_at: dt.datetime
    # When the contractor has not applied although the cause is removed, the chief may order resumption
    # with the owner's consent (who, when) instead of an approved application.
    owner_consent_by: PersonName = ""
    owner_consent_at: dt.datetime | None = None


class ResumptionOut(msgspec.Struct):
    id: int
    stop_order_id: int
    statement: str
    proposed_date: dt.date
    status: ResumptionStatus
    review_opinion: str
    approval_opinion: str
    applied_at: dt.datetime
    reviewed_at: dt.datetime | None
    approved_at: dt.datetime | None


class StopWorkOut(msgspec.Struct):
    id: int
    project_id: int
    number: str
    addressed_org_id: int
    scope: StopScope
    building_id: int | None
    building: str | None
    part: str
    cause: StopCause
    cause_details: str
    effective_at: dt.datetime
    requirements: str
    owner_consent_by: str
    owner_consent_at: dt.datetime | None
    emergency: bool
    report_due_at: dt.datetime | None
    status: StopStatus
    document_id: int
    issued_at: dt.datetime
    resumed_at: dt.datetime | None
    issue_ids: list[int]
    open_issue_ids: list[int]
    applications: list[ResumptionOut] = []
    resumption_number: str | None = None
    resumption_document_id: int | None = None
    report_submitted_at: dt.datetime | None = None  # the emergency stop's written report to the owner


class StopStatusOut(msgspec.Struct):
    """Whether a project (or any of its buildings) is stopped right now."""

    project_id: int
    stopped: bool
    project_stopped: bool
    stopped_building_ids: list[int]
    orders: list[StopWorkOut]


# ---------------------------------------------------------------- ledger and inbox


class LedgerCount(msgspec.Struct):
    responsible_org_id: int
    responsible_org: str
    status: IssueStatus
    count: int


class LedgerOut(msgspec.Struct):
    items: list[IssueOut]
    total: int
    offset: int
    limit: int
    counts: list[LedgerCount]


class DashboardRow(msgspec.Struct):
    responsible_org: str
    severity: Severity
    open: int
    overdue: int
    closed: int


class DashboardOut(msgspec.Struct):
    project_id: int
    rows: list[DashboardRow]
    stop: StopStatusOut


class InboxOut(msgspec.Struct):
    id: int
    day: dt.date
    kind: str
    subject: str
    body: str
    issue_ids: list[int]
    created_at: dt.datetime
    read: bool
