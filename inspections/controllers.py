"""JSON API of quality supervision under /api/v1/inspections (documented in OpenAPI)."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Response, get, post, put
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body

from inspections import exports, services
from inspections.deps import FILTER_DEPENDENCY, UPLOAD_LIMIT
from inspections.guards import takes
from inspections.kinds import IssueAction, NoticeStatus, RecheckResult
from inspections.schemas import (
    CategoryIn,
    CategoryOut,
    DashboardOut,
    DeclineIn,
    InboxOut,
    IssueIn,
    IssueOut,
    IssuePage,
    LedgerOut,
    NoticeIn,
    NoticeOut,
    NoticeVoidIn,
    OpinionIn,
    PhotoOut,
    RecheckIn,
    ReplyIn,
    ReplyOut,
    ReportIn,
    ReportOut,
    ResumptionApplyIn,
    ResumptionOrderIn,
    StopStatusOut,
    StopWorkIn,
    StopWorkOut,
    SubmitIn,
    VoidIn,
)
from tracker.accounts.actor import Actor
from tracker.accounts.roles import INSPECTING, INSPECTION_READERS, STOP_STATUS_READERS, Role
from tracker.documents import services as documents
from tracker.errors import Invalid
from tracker.web.guards import project_member, requires_login, requires_role

Upload = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


async def _upload(form: dict[str, Any]) -> bytes:
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        raise Invalid("Choose a photo to upload.", field="file")
    return await upload.read()


def _pdf(content: bytes, name: str) -> Response[bytes]:
    return Response(content, media_type="application/pdf",
                    headers={"content-disposition": f'inline; filename="{name}.pdf"'})


class InspectionsApiController(Controller):
    path = "/api/v1/inspections"
    tags = ["inspections"]
    guards = [requires_login, project_member]

    # ------------------------------------------------------------ catalogue

    @get("/catalogue")
    async def list_catalogue(self, include_inactive: bool = False) -> list[CategoryOut]:
        """The defect catalogue (质量通病 / 安全隐患) issues are filed under."""
        return await services.list_categories(include_inactive)

    @put("/catalogue", guards=[requires_role(Role.admin)])
    async def save_category(self, actor: Actor, data: CategoryIn) -> CategoryOut:
        """Add or change a catalogue entry by its code; retire one with `active: false`."""
        return await services.save_category(actor, data)

    # ------------------------------------------------------------ issues

    @get("/projects/{project_id:int}/issues", guards=[requires_role(INSPECTION_READERS)], dependencies=FILTER_DEPENDENCY)
    async def list_issues(self, actor: Actor, project_id: int, f: services.IssueFilter) -> IssuePage:
        """A project's issues, newest first; contractors see only those addressed to their organisation."""
        items, total = await services.list_issues(actor, project_id, f)
        return IssuePage(items=items, total=total, offset=f.offset, limit=f.limit)

    @post("/projects/{project_id:int}/issues", guards=[requires_role(INSPECTING)])
    async def file_issue(self, actor: Actor, project_id: int, data: IssueIn) -> IssueOut:
        """File an issue (问题) found on site; it is `open` until a notice puts it to the contractor."""
        return await services.file_issue(actor, project_id, data)

    @get("/issues/{issue_id:int}", guards=[requires_role(INSPECTION_READERS)])
    async def get_issue(self, actor: Actor, issue_id: int) -> IssueOut:
        """One issue with its photos and timeline, whose move it is (`ball`) and the actions allowed now."""
        return await services.get_issue(actor, issue_id)

    @post("/issues/{issue_id:int}/photos", guards=[requires_role(INSPECTING, Role.contractor)],
          request_max_body_size=UPLOAD_LIMIT)
    async def add_photo(self, actor: Actor, issue_id: int, data: Upload) -> PhotoOut:
        """Upload a JPEG/PNG (multipart field `file`): a finding photo by inspectors, an evidence photo by
        the contractor while rectifying. Too big → 413, not an image → 415."""
        return await services.add_photo(actor, issue_id, await _upload(data))

    @post("/issues/{issue_id:int}/submit", guards=[takes(IssueAction.submit)], status_code=200)
    async def submit_issue(self, actor: Actor, issue_id: int, data: SubmitIn) -> IssueOut:
        """The contractor reports the issue fixed (a one-issue 回复单); only the contractor may."""
        return await services.submit_issue(actor, issue_id, data.explanation)

    @post("/issues/{issue_id:int}/verify", guards=[takes(IssueAction.verify)], status_code=200)
    async def verify_issue(self, actor: Actor, issue_id: int, data: RecheckIn) -> IssueOut:
        """Recheck passed: verified and closed (销号). Only the inspecting organisation."""
        return await services.record_recheck(actor, issue_id, RecheckResult.verified, data)

    @post("/issues/{issue_id:int}/reject", guards=[takes(IssueAction.reject)], status_code=200)
    async def reject_issue(self, actor: Actor, issue_id: int, data: RecheckIn) -> IssueOut:
        """Recheck failed: back to rectification with a new `deadline`, the round counted."""
        return await services.record_recheck(actor, issue_id, RecheckResult.rejected, data)

    @post("/issues/{issue_id:int}/void", guards=[takes(IssueAction.void)], status_code=200)
    async def void_issue(self, actor: Actor, issue_id: int, data: VoidIn) -> IssueOut:
        return await services.void_issue(actor, issue_id, data.reason)

    @get("/photos/{photo_id:int}", guards=[requires_role(INSPECTION_READERS, Role.resident)])
    async def photo(self, actor: Actor, photo_id: int, thumb: bool = False) -> Response[bytes]:
        content, media_type = await services.photo_file(actor, photo_id, thumb)
        return Response(content, media_type=media_type, headers={"cache-control": "private, max-age=86400"})

    # ------------------------------------------------------------ resident reports

    @get("/projects/{project_id:int}/reports", guards=[requires_role(INSPECTING, Role.admin, Role.resident)])
    async def list_reports(self, actor: Actor, project_id: int) -> list[ReportOut]:
        """Residents' defect reports; a resident sees only their own (with the decline reason)."""
        return await services.list_reports(actor, project_id)

    @post("/projects/{project_id:int}/reports", guards=[requires_role(Role.resident, Role.community_staff)])
    async def report_defect(self, actor: Actor, project_id: int, data: ReportIn) -> ReportOut:
        return await services.report_defect(actor, project_id, data)

    @get("/reports/{report_id:int}", guards=[requires_role(INSPECTING, Role.admin, Role.resident)])
    async def get_report(self, actor: Actor, report_id: int) -> ReportOut:
        return await services.get_report(actor, report_id)

    @post("/reports/{report_id:int}/photos", guards=[requires_role(Role.resident, Role.community_staff)],
          request_max_body_size=UPLOAD_LIMIT)
    async def add_report_photo(self, actor: Actor, report_id: int, data: Upload) -> PhotoOut:
        return await services.add_report_photo(actor, report_id, await _upload(data))

    @post("/reports/{report_id:int}/accept", guards=[requires_role(INSPECTING)])
    async def accept_report(self, actor: Actor, report_id: int, data: IssueIn) -> IssueOut:
        """Accept a resident's report into an issue."""
        return await services.accept_report(actor, report_id, data)

    @post("/reports/{report_id:int}/decline", guards=[requires_role(INSPECTING)], status_code=200)
    async def decline_report(self, actor: Actor, report_id: int, data: DeclineIn) -> ReportOut:
        """Decline a report with a reason the resident sees."""
        return await services.decline_report(actor, report_id, data.reason)

    # ------------------------------------------------------------ notices and replies

    @get("/projects/{project_id:int}/notices", guards=[requires_role(INSPECTION_READERS)])
    async def list_notices(self, actor: Actor, project_id: int, status: NoticeStatus | None = None) -> list[NoticeOut]:
        return await services.list_notices(actor, project_id, status)

    @post("/projects/{project_id:int}/notices", guards=[requires_role(INSPECTING)])
    async def issue_notice(self, actor: Actor, project_id: int, data: NoticeIn) -> NoticeOut:
        """Issue a numbered notice (监理通知单 A.0.3, or a quality station's series) on open issues of one
        contractor; a notice on a major (重大) issue needs the chief inspector."""
        return await services.issue_notice(actor, project_id, data)

    @get("/notices/{notice_id:int}", guards=[requires_role(INSPECTION_READERS)])
    async def get_notice(self, actor: Actor, notice_id: int) -> NoticeOut:
        return await services.get_notice(actor, notice_id)

    @post("/notices/{notice_id:int}/void", guards=[requires_role(INSPECTING)], status_code=200)
    async def void_notice(self, actor: Actor, notice_id: int, data: NoticeVoidIn) -> NoticeOut:
        """Void an issued notice with a reason; give `replacement` to supersede it with a new number."""
        return await services.void_notice(actor, notice_id, data)

    @post("/notices/{notice_id:int}/replies", guards=[requires_role(Role.contractor)])
    async def submit_reply(self, actor: Actor, notice_id: int, data: ReplyIn) -> ReplyOut:
        """The contractor's reply (监理通知回复单 B.0.9) with per-issue explanations; upload evidence photos
        to each issue first."""
        return await services.submit_reply(actor, notice_id, data)

    @get("/notices/{notice_id:int}/pdf", guards=[requires_role(INSPECTION_READERS)])
    async def notice_pdf(self, actor: Actor, notice_id: int) -> Response[bytes]:
        """The notice as issued: the same bytes on every download."""
        notice = await services.get_notice(actor, notice_id)
        return _pdf(await documents.document_pdf(notice.document_id), notice.number)

    @get("/notices/{notice_id:int}/reply.pdf", guards=[requires_role(INSPECTION_READERS)])
    async def reply_pdf(self, actor: Actor, notice_id: int) -> Response[bytes]:
        """The reply form (B.0.9) with the recheck opinions: frozen once the notice closes, live before."""
        from tracker.documents.render import render_pdf

        context = await services.reply_print_context(actor, notice_id)
        frozen = await services.frozen_reply_document(notice_id)
        if frozen is not None:
            return _pdf(await documents.document_pdf(frozen), f"reply-{notice_id}")
        return _pdf(await render_pdf("inspections/print/reply.html", context), f"reply-{notice_id}")

    # ------------------------------------------------------------ stop work and resumption

    @get("/projects/{project_id:int}/stop-work", guards=[requires_role(INSPECTION_READERS)])
    async def list_stop_work(self, actor: Actor, project_id: int) -> list[StopWorkOut]:
        return await services.list_stop_work(actor, project_id)

    @post("/projects/{project_id:int}/stop-work", guards=[requires_role(INSPECTING)])
    async def issue_stop_work(self, actor: Actor, project_id: int, data: StopWorkIn) -> StopWorkOut:
        """工程暂停令 (A.0.5): chief inspector only; owner consent (who, when) or `emergency` with a report due."""
        return await services.issue_stop_work(actor, project_id, data)

    @get("/projects/{project_id:int}/stop-status", guards=[requires_role(STOP_STATUS_READERS)])
    async def stop_status(self, actor: Actor, project_id: int) -> StopStatusOut:
        """Whether the project or any of its buildings is stopped now, with the orders in force the caller may
        read (finance: none; a contractor: those addressed to it)."""
        return await services.stop_status(actor, project_id)

    @get("/stop-work/{order_id:int}", guards=[requires_role(INSPECTION_READERS)])
    async def get_stop_work(self, actor: Actor, order_id: int) -> StopWorkOut:
        return await services.get_stop_work(actor, order_id)

    @get("/stop-work/{order_id:int}/pdf", guards=[requires_role(INSPECTION_READERS)])
    async def stop_work_pdf(self, actor: Actor, order_id: int) -> Response[bytes]:
        order = await services.get_stop_work(actor, order_id)
        return _pdf(await documents.document_pdf(order.document_id), order.number)

    @get("/stop-work/{order_id:int}/resumption.pdf", guards=[requires_role(INSPECTION_READERS)])
    async def resumption_pdf(self, actor: Actor, order_id: int) -> Response[bytes]:
        order = await services.get_stop_work(actor, order_id)
        if order.resumption_document_id is None:
            raise Invalid("No resumption order has been issued for {number}.", field="order_id", number=order.number)
        return _pdf(await documents.document_pdf(order.resumption_document_id), order.resumption_number or "")

    @post("/stop-work/{order_id:int}/written-report", guards=[requires_role(Role.chief_inspector)], status_code=200)
    async def record_written_report(self, actor: Actor, order_id: int) -> StopWorkOut:
        """Record that the emergency stop's written report reached the owner (§6.2.3)."""
        return await services.record_written_report(actor, order_id)

    @post("/stop-work/{order_id:int}/applications", guards=[requires_role(Role.contractor)])
    async def apply_for_resumption(self, actor: Actor, order_id: int, data: ResumptionApplyIn) -> StopWorkOut:
        """工程复工报审表 (B.0.3); 409 naming the open issues while any linked issue is not verified."""
        return await services.apply_for_resumption(actor, order_id, data)

    @post("/resumption/{application_id:int}/review", guards=[requires_role(Role.chief_inspector)], status_code=200)
    async def review_resumption(self, actor: Actor, application_id: int, data: OpinionIn) -> StopWorkOut:
        """The chief inspector's 审核意见."""
        return await services.review_resumption(actor, application_id, data)

    @post("/resumption/{application_id:int}/approve", guards=[requires_role(Role.project_manager)], status_code=200)
    async def approve_resumption(self, actor: Actor, application_id: int, data: OpinionIn) -> StopWorkOut:
        """The owner's 审批意见."""
        return await services.approve_resumption(actor, application_id, data)

    @post("/stop-work/{order_id:int}/resume", guards=[requires_role(INSPECTING)])
    async def issue_resumption_order(self, actor: Actor, order_id: int, data: ResumptionOrderIn) -> StopWorkOut:
        """工程复工令 (A.0.7) quoting the stop-work order's number: chief inspector, after owner approval,
        and only when every linked issue is verified (else 409 naming them)."""
        return await services.issue_resumption_order(actor, order_id, data)

    # ------------------------------------------------------------ ledger, dashboard, inbox

    @get("/projects/{project_id:int}/ledger", guards=[requires_role(INSPECTION_READERS)], dependencies=FILTER_DEPENDENCY)
    async def ledger(self, actor: Actor, project_id: int, f: services.IssueFilter) -> LedgerOut:
        """The rectification ledger (整改台账): filtered issues and counts per contractor and status."""
        return await services.ledger(actor, project_id, f)

    @get("/projects/{project_id:int}/ledger.csv", guards=[requires_role(INSPECTION_READERS)], dependencies=FILTER_DEPENDENCY)
    async def ledger_csv(self, actor: Actor, project_id: int, f: services.IssueFilter) -> Response[bytes]:
        content = await exports.export_csv(actor, project_id, f)
        return Response(content, media_type="text/csv; charset=utf-8",
                        headers={"content-disposition": f'attachment; filename="ledger-{project_id}.csv"'})

    @get("/projects/{project_id:int}/ledger.xlsx", guards=[requires_role(INSPECTION_READERS)], dependencies=FILTER_DEPENDENCY)
    async def ledger_xlsx(self, actor: Actor, project_id: int, f: services.IssueFilter) -> Response[bytes]:
        content = await exports.export_xlsx(actor, project_id, f)
        return Response(content, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"content-disposition": f'attachment; filename="ledger-{project_id}.xlsx"'})

    @get("/projects/{project_id:int}/ledger.pdf", guards=[requires_role(INSPECTION_READERS)], dependencies=FILTER_DEPENDENCY)
    async def ledger_pdf(self, actor: Actor, project_id: int, f: services.IssueFilter) -> Response[bytes]:
        return _pdf(await exports.export_pdf(actor, project_id, f), f"ledger-{project_id}")

    @get("/projects/{project_id:int}/dashboard", guards=[requires_role(INSPECTION_READERS)])
    async def dashboard(self, actor: Actor, project_id: int) -> DashboardOut:
        """Open / overdue / closed by contractor and severity, and the stop-work status."""
        return await services.dashboard(actor, project_id)

    @get("/inbox")
    async def inbox(self, actor: Actor, unread: bool = False) -> list[InboxOut]:
        """The caller's in-app messages: daily digests and escalations."""
        return await services.list_inbox(actor, unread)

    @post("/inbox/{message_id:int}/read", status_code=200)
    async def mark_read(self, actor: Actor, message_id: int) -> InboxOut:
        return await services.mark_read(actor, message_id)
