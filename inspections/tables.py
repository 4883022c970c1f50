"""Tables of quality supervision: defect catalogue, reports, issues and their timeline, photos,
notices with replies and rechecks, stop-work and resumption orders, and the in-app inbox."""

from __future__ import annotations

from enum import StrEnum

from piccolo.columns import (
    Boolean,
    Date,
    ForeignKey,
    Integer,
    Serial,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from inspections.kinds import (
    InboxKind,
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
from tracker.accounts.tables import Organisation, User
from tracker.documents.tables import IssuedDocument
from tracker.register.tables import Building, Dwelling, Project
from tracker.schema import one_of


class DefectCategory(Table):
    """The defect catalogue (质量通病 / 安全隐患), shipped in catalogue.json and editable by an admin."""

    id = Serial(primary_key=True)
    code = Varchar(length=60, unique=True, null=False)
    name = Varchar(length=120, null=False)  # Chinese name as printed
    kind = Varchar(length=20, null=False)
    active = Boolean(default=True)
    position = Integer(default=0)

    kind_known = Check(one_of("kind", IssueKind))


class DefectReport(Table):
    """A defect reported by a resident; an inspector accepts it into an issue or declines it."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    reported_by = ForeignKey(references=User, null=False, on_delete=OnDelete.restrict)
    building = ForeignKey(references=Building, null=True, default=None, on_delete=OnDelete.restrict)
    dwelling = ForeignKey(references=Dwelling, null=True, default=None, on_delete=OnDelete.restrict)
    location = Varchar(length=255, default="")
    description = Text(null=False)
    status = Varchar(length=20, null=False, default=ReportStatus.pending.value)
    decline_reason = Text(default="")
    decided_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.restrict)
    decided_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())

    status_known = Check(one_of("status", ReportStatus))
    declined_has_reason = Check("status <> 'declined' OR length(trim(decline_reason)) > 0")


class Notice(Table):
    """A numbered rectification notice (监理通知单 A.0.3, or a quality station's series).

    Immutable once issued: only its status moves (issued → closed, or voided with a reason and
    superseded by a new number).
    """

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    series = Varchar(length=40, null=False)
    year = Integer(null=False)
    number = Integer(null=False)
    number_text = Varchar(length=80, null=False)
    addressed_org = ForeignKey(references=Organisation, null=False, index=True, on_delete=OnDelete.restrict)
    issuing_org = ForeignKey(references=Organisation, null=False, on_delete=OnDelete.restrict)
    subject = Varchar(length=255, null=False)  # 事由
    content = Text(null=False)  # 内容
    requirements = Text(default="")  # 整改要求
    deadline = Date(null=False)  # 整改期限
    status = Varchar(length=20, null=False, default=NoticeStatus.issued.value)
    void_reason = Text(default="")
    superseded_by = ForeignKey(references="self", null=True, default=None, on_delete=OnDelete.restrict)
    document = ForeignKey(references=IssuedDocument, null=False, on_delete=OnDelete.restrict)
    issued_by = ForeignKey(references=User, null=False, on_delete=OnDelete.restrict)
    issued_at = Timestamptz(default=TimestamptzNow())
    closed_at = Timestamptz(null=True, default=None)

    notice_number_unique = Unique([project, series, year, number])
    series_known = Check(one_of("series", NoticeSeries))
    status_known = Check(one_of("status", NoticeStatus))
    number_positive = Check("number > 0")
    voided_has_reason = Check("status <> 'voided' OR length(trim(void_reason)) > 0")


class Issue(Table):
    """A problem (问题) found on site and followed until it is verified and closed (销号)."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    building = ForeignKey(references=Building, null=True, default=None, on_delete=OnDelete.restrict)
    dwelling = ForeignKey(references=Dwelling, null=True, default=None, on_delete=OnDelete.restrict)
    part = Varchar(length=120, default="")  # 部位
    location = Varchar(length=255, default="")  # the rest, free text
    kind = Varchar(length=20, null=False)
    category = ForeignKey(references=DefectCategory, null=False, on_delete=OnDelete.restrict)
    severity = Varchar(length=20, null=False, index=True)
    description = Text(null=False)
    responsible_org = ForeignKey(references=Organisation, null=False, index=True, on_delete=OnDelete.restrict)
    inspecting_org = ForeignKey(references=Organisation, null=False, on_delete=OnDelete.restrict)
    deadline = Date(null=False, index=True)
    status = Varchar(length=20, null=False, default=IssueStatus.open.value, index=True)
    round = Integer(null=False, default=0)  # rectification rounds so far
    rejections = Integer(null=False, default=0)
    overdue = Boolean(default=False, index=True)
    escalated_at = Timestamptz(null=True, default=None)
    notice = ForeignKey(references=Notice, null=True, default=None, index=True, on_delete=OnDelete.restrict)
    report = ForeignKey(references=DefectReport, null=True, default=None, on_delete=OnDelete.restrict)
    filed_by = ForeignKey(references=User, null=False, on_delete=OnDelete.restrict)
    created_at = Timestamptz(default=TimestamptzNow(), index=True)
    updated_at = Timestamptz(default=TimestamptzNow())
    closed_at = Timestamptz(null=True, default=None)

    kind_known = Check(one_of("kind", IssueKind))
    severity_known = Check(one_of("severity", Severity))
    status_known = Check(one_of("status", IssueStatus))
    description_present = Check("length(trim(description)) > 0")
    counts_not_negative = Check('"round" >= 0 AND rejections >= 0')


class NoticeIssue(Table):
    """Which issues a notice covers (an issue may appear on a voided notice and its successor)."""

    id = Serial(primary_key=True)
    notice = ForeignKey(references=Notice, null=False, index=True, on_delete=OnDelete.restrict)
    issue = ForeignKey(references=Issue, null=False, index=True, on_delete=OnDelete.restrict)

    notice_issue_unique = Unique([notice, issue])


class IssueEvent(Table):
    """One transition of an issue: the timeline, timestamped and attributed."""

    id = Serial(primary_key=True)
    issue = ForeignKey(references=Issue, null=False, index=True, on_delete=OnDelete.restrict)
    action = Varchar(length=20, null=False)
    from_status = Varchar(length=20, null=True, default=None)
    to_status = Varchar(length=20, null=False)
    actor = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.restrict)
    at = Timestamptz(default=TimestamptzNow())
    note = Text(default="")
    deadline = Date(null=True, default=None)
    round = Integer(null=False, default=0)


class Photo(Table):
    """A site photo (finding), an evidence photo (rectified) or a resident's photo; files under var/uploads."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    issue = ForeignKey(references=Issue, null=True, default=None, index=True, on_delete=OnDelete.restrict)
    report = ForeignKey(references=DefectReport, null=True, default=None, on_delete=OnDelete.restrict)
    purpose = Varchar(length=20, null=False)
    round = Integer(null=False, default=0)
    content_type = Varchar(length=40, null=False)
    size = Integer(null=False)
    sha256 = Varchar(length=64, null=False)
    path = Varchar(length=255, null=False)
    thumb_path = Varchar(length=255, null=False)
    uploaded_by = ForeignKey(references=User, null=False, on_delete=OnDelete.restrict)
    created_at = Timestamptz(default=TimestamptzNow())

    # before: the contractor's 整改前 photo on the reply; evidence: its 整改后 photo.
    purpose_known = Check(one_of("purpose", ["finding", "evidence", "report", "before"]))
    content_type_known = Check(one_of("content_type", ["image/jpeg", "image/png"]))


class Reply(Table):
    """The contractor's reply to a notice (监理通知回复单 B.0.9) with per-issue evidence."""

    id = Serial(primary_key=True)
    notice = ForeignKey(references=Notice, null=False, index=True, on_delete=OnDelete.restrict)
    project = ForeignKey(references=Project, null=False, on_delete=OnDelete.restrict)
    statement = Text(default="")  # 需要说明的情况
    submitted_by = ForeignKey(references=User, null=False, on_delete=OnDelete.restrict)
    submitted_at = Timestamptz(default=TimestamptzNow())


class ReplyItem(Table):
    """One issue of a reply: the contractor's explanation, then the inspector's 复查意见."""

    id = Serial(primary_key=True)
    reply = ForeignKey(references=Reply, null=False, index=True, on_delete=OnDelete.restrict)
    issue = ForeignKey(references=Issue, null=False, index=True, on_delete=OnDelete.restrict)
    round = Integer(null=False)
    explanation = Text(default="")
    result = Varchar(length=20, null=True, default=None)
    opinion = Text(default="")
    rechecked_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.restrict)
    rechecked_at = Timestamptz(null=True, default=None)

    reply_item_unique = Unique([reply, issue])
    result_known = Check("result IS NULL OR " + one_of("result", RecheckResult))


class StopWorkOrder(Table):
    """工程暂停令 (A.0.5), issued only by the chief inspector."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    year = Integer(null=False)
    number = Integer(null=False)
    number_text = Varchar(length=80, null=False)
    addressed_org = ForeignKey(references=Organisation, null=False, on_delete=OnDelete.restrict)
    issuing_org = ForeignKey(references=Organisation, null=False, on_delete=OnDelete.restrict)
    scope = Varchar(length=20, null=False)
    building = ForeignKey(references=Building, null=True, default=None, on_delete=OnDelete.restrict)
    part = Varchar(length=255, default="")  # 部位（工序）
    cause = Varchar(length=40, null=False)
    cause_details = Text(default="")
    effective_at = Timestamptz(null=False)
    requirements = Text(default="")
    owner_consent_by = Varchar(length=120, default="")
    owner_consent_at = Timestamptz(null=True, default=None)
    emergency = Boolean(default=False)
    report_due_at = Timestamptz(null=True, default=None)  # written report to the owner (§6.2.3)
    report_submitted_at = Timestamptz(null=True, default=None)
    status = Varchar(length=20, null=False, default=StopStatus.in_force.value)
    void_reason = Text(default="")
    document = ForeignKey(references=IssuedDocument, null=False, on_delete=OnDelete.restrict)
    issued_by = ForeignKey(references=User, null=False, on_delete=OnDelete.restrict)
    issued_at = Timestamptz(default=TimestamptzNow())
    resumed_at = Timestamptz(null=True, default=None)

    stop_work_number_unique = Unique([project, year, number])
    scope_known = Check(one_of("scope", StopScope))
    cause_known = Check(one_of("cause", StopCause))
    status_known = Check(one_of("status", StopStatus))
    building_scope_names_building = Check("scope <> 'building' OR building IS NOT NULL")
    consent_or_emergency = Check(
        "(owner_consent_at IS NOT NULL AND length(trim(owner_consent_by)) > 0)"
        " OR (emergency AND report_due_at IS NOT NULL)"
    )


class StopWorkIssue(Table):
    id = Serial(primary_key=True)
    stop_order = ForeignKey(references=StopWorkOrder, null=False, index=True, on_delete=OnDelete.restrict)
    issue = ForeignKey(references=Issue, null=False, index=True, on_delete=OnDelete.restrict)

    stop_work_issue_unique = Unique([stop_order, issue])


class ResumptionApplication(Table):
    """工程复工报审表 (B.0.3): the contractor applies, the chief reviews, the owner approves."""

    id = Serial(primary_key=True)
    stop_order = ForeignKey(references=StopWorkOrder, null=False, index=True, on_delete=OnDelete.restrict)
    project = ForeignKey(references=Project, null=False, on_delete=OnDelete.restrict)
    statement = Text(null=False)
    proposed_date = Date(null=False)
    status = Varchar(length=20, null=False, default=ResumptionStatus.applied.value)
    applied_by = ForeignKey(references=User, null=False, on_delete=OnDelete.restrict)
    applied_at = Timestamptz(default=TimestamptzNow())
    review_opinion = Text(default="")  # 审核意见 (chief inspector)
    reviewed_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.restrict)
    reviewed_at = Timestamptz(null=True, default=None)
    approval_opinion = Text(default="")  # 审批意见 (owner)
    approved_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.restrict)
    approved_at = Timestamptz(null=True, default=None)

    status_known = Check(one_of("status", ResumptionStatus))


class ResumptionOrder(Table):
    """工程复工令 (A.0.7), quoting the stop-work order's number."""

    id = Serial(primary_key=True)
    stop_order = ForeignKey(references=StopWorkOrder, null=False, unique=True, on_delete=OnDelete.restrict)
    application = ForeignKey(references=ResumptionApplication, null=False, on_delete=OnDelete.restrict)
    project = ForeignKey(references=Project, null=False, on_delete=OnDelete.restrict)
    year = Integer(null=False)
    number = Integer(null=False)
    number_text = Varchar(length=80, null=False)
    resume_at = Timestamptz(null=False)
    document = ForeignKey(references=IssuedDocument, null=False, on_delete=OnDelete.restrict)
    issued_by = ForeignKey(references=User, null=False, on_delete=OnDelete.restrict)
    issued_at = Timestamptz(default=TimestamptzNow())

    resumption_number_unique = Unique([project, year, number])


class InboxMessage(Table):
    """In-app messages: at most one digest (and one escalation) per user per day."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=User, null=False, index=True, on_delete=OnDelete.restrict)
    day = Date(null=False)
    kind = Varchar(length=20, null=False)
    subject = Varchar(length=255, null=False)
    body = Text(null=False)
    issue_ids = Text(default="")  # comma-separated, for links
    created_at = Timestamptz(default=TimestamptzNow())
    read_at = Timestamptz(null=True, default=None)
    emailed = Boolean(default=False)

    inbox_message_unique = Unique([user, day, kind])
    kind_known = Check(one_of("kind", InboxKind))


class MailStatus(StrEnum):
    sending = "sending"  # claimed by a run; left so if the process died mid-send, never sent twice
    sent = "sent"
    failed = "failed"  # retried by the next run


class InboxMail(Table):
    """The e-mail carrying a user's inbox of one day: unique per user and day, so at most one is sent."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=User, null=False, on_delete=OnDelete.restrict)
    day = Date(null=False)
    recipient = Varchar(length=254, null=False)
    status = Varchar(length=20, null=False)
    attempts = Integer(default=1)
    last_attempt_at = Timestamptz(default=TimestamptzNow())
    sent_at = Timestamptz(null=True, default=None)
    error = Text(default="")
    message_id = Varchar(length=255, default="")

    inbox_mail_unique = Unique([user, day])
    mail_status_known = Check(one_of("status", MailStatus))
    sent_has_time = Check("status <> 'sent' OR sent_at IS NOT NULL")
    attempts_positive = Check("attempts >= 1")
