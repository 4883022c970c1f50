"""Pages of quality supervision for people: the inspector's phone flow, the contractor's inbox,
the ledger, the project dashboard, and stop-work and resumption orders. They call the same services
as the JSON API; a refused form is shown again with the message beside its field (`refused`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from inspections import photos as photo_store
from inspections import services
from inspections.deps import UPLOAD_LIMIT
from inspections.kinds import (
    IssueKind,
    IssueStatus,
    NoticeSeries,
    RecheckResult,
    ResumptionStatus,
    Severity,
    StopCause,
    StopScope,
)
from inspections.schemas import (
    DeclineIn,
    IssueIn,
    NoticeIn,
    NoticeVoidIn,
    OpinionIn,
    RecheckIn,
    ReplyIn,
    ReportIn,
    ResumptionApplyIn,
    ResumptionOrderIn,
    StopWorkIn,
    SubmitIn,
    VoidIn,
)
from tracker import clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import INSPECTING, INSPECTION_READERS, Role
from tracker.errors import Forbidden, Invalid
from tracker.i18n import gettext
from tracker.register import services as register
from tracker.web.forms import DONE, Refusal, parse_form, refused
from tracker.web.guards import project_member, requires_login, requires_role

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]
T = TypeVar("T")
OPEN_ITEMS = [IssueStatus.open, IssueStatus.rectifying, IssueStatus.submitted]
# The reply form's photo fields per issue (`before_<id>`, `after_<id>`) and the purpose each is kept as.
REPLY_PHOTOS = (("before", "before"), ("evidence", "after"))


def _files(form: dict[str, Any], name: str) -> list[UploadFile]:
    value = form.get(name)
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, UploadFile) and v.filename]


def _text(form: dict[str, Any], name: str) -> str:
    value = form.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip()


def _ids(form: dict[str, Any], name: str) -> list[int]:
    raw = form.get(name, [])
    # Digits only, and few enough for int(): a longer "id" is no id, and the schema bounds the rest.
    return [int(v) for v in (raw if isinstance(raw, list) else [raw]) if str(v).isdecimal() and len(str(v)) <= 18]


def _local_input(moment: dt.datetime) -> str:
    return clock.local(moment).strftime("%Y-%m-%dT%H:%M")


def _in_days(days: int) -> str:
    return (clock.today() + dt.timedelta(days=days)).isoformat()


def _see(path: str) -> Callable[[Any], Redirect]:
    """After a page POST that went through: the record's page (303, so a reload does not post again)."""
    return lambda _: Redirect(path=path, status_code=303)


def _status(refusal: Refusal | None) -> int:
    return refusal.status if refusal else 200


async def _form(act: Callable[[], Awaitable[T]], *, form: dict[str, Any], done: Callable[[T], Redirect],
                again: Callable[[Refusal], Awaitable[Template]], notice: str = DONE) -> Template | Redirect:
    """`refused` for these pages: a value the form could not turn into anything is refused like the rest."""

    async def checked() -> T:
        try:
            return await act()
        except ValueError:
            raise Invalid("Check the form: a value is missing.") from None

    return await refused(checked, form=form, done=done, again=again, notice=notice)


async def _page_context(actor: Actor, project_id: int) -> dict:
    return {"project": await register.get_project(project_id),
            "stop": await services.visible_stop_status(actor, project_id)}


def _check_photos(contents: list[bytes], field: str = "file") -> None:
    """Every photo checked before anything is written; `field` names the form field refused."""
    for content in contents:
        if len(content) > photo_store.max_photo_bytes():
            raise photo_store.PhotoTooLarge("The photo is {size} bytes; the limit is {limit} bytes.",
                                            field=field, size=len(content), limit=photo_store.max_photo_bytes())
        if photo_store.sniff(content) is None:
            raise photo_store.NotAnImage("Only JPEG and PNG photos are accepted.", field=field)


class InspectionPages(Controller):
    include_in_schema = False
    guards = [requires_login, project_member]

    @get("/projects/{project_id:int}/inspections", guards=[requires_role(INSPECTION_READERS)])
    async def dashboard(self, actor: Actor, project_id: int) -> Template:
        """The project dashboard: open / overdue / closed by contractor and severity, stop-work status."""
        context = await _page_context(actor, project_id)
        context["dashboard"] = await services.dashboard(actor, project_id)
        context["inbox"] = await services.list_inbox(actor, unread=True)
        return Template("inspections/dashboard.html", context=context)

    @get("/projects/{project_id:int}/inspections/issues", guards=[requires_role(INSPECTION_READERS)])
    async def issues(self, actor: Actor, project_id: int, mine: bool = True) -> Template:
        """Open items: the inspector's (ball with the inspecting side) or the contractor's to rectify."""
        return await self._issues_page(actor, project_id)

    async def _issues_page(self, actor: Actor, project_id: int, refusal: Refusal | None = None) -> Template:
        items, total = await services.list_issues(actor, project_id, services.IssueFilter(status=OPEN_ITEMS, limit=200))
        context = await _page_context(actor, project_id)
        context.update(items=items, total=total, can_notify=actor.role in INSPECTING, today=clock.today(),
                       default_deadline=_in_days(7), refusal=refusal)
        return Template("inspections/issues.html", context=context, status_code=_status(refusal))

    @get("/projects/{project_id:int}/inspections/issues/new", guards=[requires_role(INSPECTING)])
    async def new_issue(self, actor: Actor, project_id: int) -> Template:
        return await self._new_issue_page(actor, project_id)

    async def _new_issue_page(self, actor: Actor, project_id: int, refusal: Refusal | None = None) -> Template:
        context = await _page_context(actor, project_id)
        context.update(
            categories=await services.list_categories(), contractors=await services.list_contractors(),
            buildings=await register.list_buildings(project_id), kinds=list(IssueKind), severities=list(Severity),
            default_deadline=_in_days(7), refusal=refusal,
        )
        return Template("inspections/new_issue.html", context=context, status_code=_status(refusal))

    @post("/projects/{project_id:int}/inspections/issues/new", guards=[requires_role(INSPECTING)],
          request_max_body_size=UPLOAD_LIMIT * 4)
    async def file_issue(self, actor: Actor, project_id: int, data: Multipart) -> Template | Redirect:
        async def act():
            if not _text(data, "description"):
                raise Invalid("Describe the problem.", field="description")
            issue_in = parse_form(data, IssueIn)
            contents = [await upload.read() for upload in _files(data, "photos")]
            _check_photos(contents)
            issue = await services.file_issue(actor, project_id, issue_in)
            for content in contents:
                await services.add_photo(actor, issue.id, content)
            return issue

        return await _form(act, form=data, done=lambda issue: Redirect(
            path=f"/inspections/issues/{issue.id}", status_code=303),
            again=lambda refusal: self._new_issue_page(actor, project_id, refusal),
            notice="Issue filed. The responsible contractor sees it in their to-do and must rectify it by the "
                   "deadline.")

    @get("/inspections/issues/{issue_id:int}", guards=[requires_role(INSPECTION_READERS)])
    async def issue(self, actor: Actor, issue_id: int) -> Template:
        return await self._issue_page(actor, issue_id)

    async def _issue_page(self, actor: Actor, issue_id: int, refusal: Refusal | None = None) -> Template:
        issue = await services.get_issue(actor, issue_id)
        context = await _page_context(actor, issue.project_id)
        context.update(issue=issue, role=actor.role.value, refusal=refusal, default_deadline=_in_days(7))
        return Template("inspections/issue.html", context=context, status_code=_status(refusal))

    @post("/inspections/issues/{issue_id:int}/photos", guards=[requires_role(INSPECTING, Role.contractor)],
          request_max_body_size=UPLOAD_LIMIT * 4)
    async def add_photos(self, actor: Actor, issue_id: int, data: Multipart) -> Template | Redirect:
        async def act():
            files = _files(data, "photos")
            if not files:
                raise Invalid("Choose a photo to upload.", field="file")
            for upload in files:
                await services.add_photo(actor, issue_id, await upload.read())

        return await _form(act, form=data, done=_see(f"/inspections/issues/{issue_id}"),
                           again=lambda refusal: self._issue_page(actor, issue_id, refusal))

    @post("/inspections/issues/{issue_id:int}/{action:str}", guards=[requires_role(INSPECTING, Role.contractor)])
    async def act(self, actor: Actor, issue_id: int, action: str, data: Form) -> Template | Redirect:
        """submit (contractor), verify / reject (inspecting organisation) from the issue page."""
        async def act():
            if action == "submit":
                await services.submit_issue(actor, issue_id, parse_form(data, SubmitIn).explanation)
            elif action in ("verify", "reject"):
                recheck = parse_form(data, RecheckIn, **({} if action == "reject" else {"deadline": None}))
                result = RecheckResult.verified if action == "verify" else RecheckResult.rejected
                await services.record_recheck(actor, issue_id, result, recheck)
            elif action == "void":
                if not _text(data, "reason"):
                    raise Invalid("A reason is required to void an issue.", field="reason")
                await services.void_issue(actor, issue_id, parse_form(data, VoidIn).reason)
            else:
                raise Invalid("Unknown action {action}.", field="action", action=action)

        return await _form(act, form=data, done=_see(f"/inspections/issues/{issue_id}"),
                           again=lambda refusal: self._issue_page(actor, issue_id, refusal))

    @post("/projects/{project_id:int}/inspections/notices", guards=[requires_role(INSPECTING)])
    async def issue_notice(self, actor: Actor, project_id: int, data: Form) -> Template | Redirect:
        async def act():
            if not _ids(data, "issue_ids"):
                raise Invalid("Choose the issues the notice covers.", field="issue_ids")
            return await services.issue_notice(actor, project_id, parse_form(
                data, NoticeIn, subject=_text(data, "subject") or gettext("Rectification"),
                content=_text(data, "content") or gettext("See the issues listed."), series=NoticeSeries.supervision))

        return await _form(act, form=data, done=lambda notice: Redirect(
            path=f"/inspections/notices/{notice.id}", status_code=303),
            again=lambda refusal: self._issues_page(actor, project_id, refusal))

    @get("/inspections/notices/{notice_id:int}", guards=[requires_role(INSPECTION_READERS)])
    async def notice(self, actor: Actor, notice_id: int) -> Template:
        return await self._notice_page(actor, notice_id)

    async def _notice_page(self, actor: Actor, notice_id: int, refusal: Refusal | None = None) -> Template:
        notice = await services.get_notice(actor, notice_id)
        found = await services.get_issues(actor, notice.issue_ids)
        issues = [found[i] for i in notice.issue_ids if found.get(i) is not None]
        successor = None
        if notice.superseded_by:
            try:
                successor = await services.get_notice(actor, notice.superseded_by)
            except Forbidden:  # a successor addressed to another contractor is not shown
                pass
        context = await _page_context(actor, notice.project_id)
        context.update(notice=notice, issues=issues, successor=successor, role=actor.role.value, refusal=refusal,
                       default_deadline=_in_days(7))
        return Template("inspections/notice.html", context=context, status_code=_status(refusal))

    @post("/inspections/notices/{notice_id:int}/reply", guards=[requires_role(Role.contractor)],
          request_max_body_size=UPLOAD_LIMIT * 8)
    async def reply(self, actor: Actor, notice_id: int, data: Multipart) -> Template | Redirect:
        """The contractor replies for the issues ticked, each with its explanation."""
        async def act():
            ids = _ids(data, "issue_ids")
            if not ids:
                raise Invalid("Choose the issues the reply covers.", field="issue_ids")
            items = [{"issue_id": i, "explanation": _text(data, f"explanation_{i}")} for i in ids]
            reply = parse_form(data, ReplyIn, items=items)
            # 整改前 / 整改后 photos per issue: every one checked before any is kept or anything written.
            uploads = [(i, purpose, f"{field}_{i}", await upload.read())
                       for i in ids for purpose, field in REPLY_PHOTOS for upload in _files(data, f"{field}_{i}")]
            for _, _, field, content in uploads:
                _check_photos([content], field)
            stored = [(i, purpose, await photo_store.store(content)) for i, purpose, _, content in uploads]
            await services.submit_reply(actor, notice_id, reply, stored)

        return await _form(act, form=data, done=_see(f"/inspections/notices/{notice_id}"),
                           again=lambda refusal: self._notice_page(actor, notice_id, refusal))

    @post("/inspections/notices/{notice_id:int}/void", guards=[requires_role(INSPECTING)])
    async def void_notice(self, actor: Actor, notice_id: int, data: Form) -> Template | Redirect:
        """Void an issued notice with a reason (作废), optionally superseding it by a new notice on the
        issues ticked; the service decides who may."""
        async def act():
            if not _text(data, "reason"):  # the service's own words, before the schema's generic ones
                raise Invalid("A reason is required to void a notice.", field="reason")
            replacement = None
            if _text(data, "supersede"):
                if not _ids(data, "replacement_issue_ids"):
                    raise Invalid("Choose the issues the notice covers.", field="issue_ids")
                series = (await services.get_notice(actor, notice_id)).series
                replacement = parse_form(
                    data, NoticeIn, issue_ids=data.get("replacement_issue_ids"), series=series,
                    subject=_text(data, "subject") or gettext("Rectification"),
                    content=_text(data, "content") or gettext("See the issues listed."))
            await services.void_notice(actor, notice_id, parse_form(data, NoticeVoidIn, replacement=replacement))

        return await _form(act, form=data, done=_see(f"/inspections/notices/{notice_id}"),
                           again=lambda refusal: self._notice_page(actor, notice_id, refusal))

    @get("/projects/{project_id:int}/inspections/inbox", guards=[requires_role(INSPECTION_READERS)])
    async def inbox(self, actor: Actor, project_id: int) -> Template:
        """The contractor's inbox: notices to reply to with their deadlines, and the daily digests."""
        context = await _page_context(actor, project_id)
        context.update(notices=await services.list_notices(actor, project_id),
                       messages=await services.list_inbox(actor), today=clock.today())
        return Template("inspections/inbox.html", context=context)

    @get("/projects/{project_id:int}/inspections/ledger", guards=[requires_role(INSPECTION_READERS)])
    async def ledger_page(self, request: Request, actor: Actor, project_id: int, status: str = "",
                          severity: str = "", overdue: str = "", offset: int = 0) -> Template:
        f = services.IssueFilter(
            status=[IssueStatus(status)] if status in IssueStatus._value2member_map_ else [],
            severity=Severity(severity) if severity in Severity._value2member_map_ else None,
            overdue=True if overdue == "1" else None, offset=max(0, offset), limit=50,
        )
        context = await _page_context(actor, project_id)
        context.update(ledger=await services.ledger(actor, project_id, f), statuses=list(IssueStatus),
                       severities=list(Severity), filters={"status": status, "severity": severity, "overdue": overdue},
                       query=request.url.query or "")
        return Template("inspections/ledger.html", context=context)

    # ------------------------------------------------------------ stop work (工程暂停令) and resumption

    @get("/projects/{project_id:int}/inspections/stop-work", guards=[requires_role(INSPECTION_READERS)])
    async def stop_work_list(self, actor: Actor, project_id: int) -> Template:
        """The project's stop-work orders, newest first, with their resumption orders."""
        context = await _page_context(actor, project_id)
        context.update(orders=await services.list_stop_work(actor, project_id), role=actor.role.value,
                       org_id=actor.organisation_id)
        return Template("inspections/stop_work_list.html", context=context)

    @get("/projects/{project_id:int}/inspections/stop-work/new", guards=[requires_role(Role.chief_inspector)])
    async def new_stop_work(self, actor: Actor, project_id: int) -> Template:
        return await self._new_stop_work_page(actor, project_id)

    async def _new_stop_work_page(self, actor: Actor, project_id: int, refusal: Refusal | None = None,
                                  checked: list[int] | None = None) -> Template:
        items, _ = await services.list_issues(actor, project_id, services.IssueFilter(status=OPEN_ITEMS, limit=200))
        context = await _page_context(actor, project_id)
        context.update(
            contractors=await services.list_contractors(), buildings=await register.list_buildings(project_id),
            items=items, scopes=list(StopScope), causes=list(StopCause), now=_local_input(clock.now()),
            refusal=refusal, checked=checked or [],
        )
        return Template("inspections/new_stop_work.html", context=context, status_code=_status(refusal))

    @post("/projects/{project_id:int}/inspections/stop-work/new", guards=[requires_role(Role.chief_inspector)])
    async def issue_stop_work(self, actor: Actor, project_id: int, data: Form) -> Template | Redirect:
        """工程暂停令 (A.0.5) from the chief's form: owner consent (who, when) or the emergency flag."""
        async def act():
            # The form keeps a building chosen before the scope: a project-wide stop names none.
            form = {**data, "building_id": ""} if _text(data, "scope") == StopScope.project else data
            return await services.issue_stop_work(actor, project_id, parse_form(form, StopWorkIn, report_due_at=None))

        return await _form(act, form=data, done=lambda order: Redirect(
            path=f"/inspections/stop-work/{order.id}", status_code=303),
            again=lambda refusal: self._new_stop_work_page(actor, project_id, refusal, _ids(data, "issue_ids")),
            notice="Stop-work order issued. Work stops from the effective time until a resumption is approved.")

    @get("/inspections/stop-work/{order_id:int}", guards=[requires_role(INSPECTION_READERS)])
    async def stop_work(self, actor: Actor, order_id: int) -> Template:
        return await self._stop_work_page(actor, order_id)

    async def _stop_work_page(self, actor: Actor, order_id: int, refusal: Refusal | None = None) -> Template:
        """The order with its linked issues; each role sees only the step it may take next."""
        order = await services.get_stop_work(actor, order_id)
        # None for an issue of another contractor: its number and whether it is still open.
        found = await services.get_issues(actor, order.issue_ids)
        issues = [(issue_id, found.get(issue_id)) for issue_id in order.issue_ids]
        under_way = (ResumptionStatus.applied, ResumptionStatus.reviewed, ResumptionStatus.approved)
        pending = next((a for a in reversed(order.applications) if a.status in under_way), None)
        names = {o["id"]: o["name"] for o in await services.list_contractors()}
        context = await _page_context(actor, order.project_id)
        context.update(
            order=order, issues=issues, pending=pending, addressee=names.get(order.addressed_org_id, ""),
            role=actor.role.value, org_id=actor.organisation_id, refusal=refusal,
            now=_local_input(clock.now()), default_date=_in_days(1),
        )
        return Template("inspections/stop_work.html", context=context, status_code=_status(refusal))

    @post("/inspections/stop-work/{order_id:int}/apply", guards=[requires_role(Role.contractor)])
    async def apply_for_resumption(self, actor: Actor, order_id: int, data: Form) -> Template | Redirect:
        """工程复工报审表 (B.0.3) from the contractor; refused with the open issues named while any is open."""
        async def act():
            if not _text(data, "statement"):
                raise Invalid("Describe how the cause of the stop was removed.", field="statement")
            await services.apply_for_resumption(actor, order_id, parse_form(data, ResumptionApplyIn))

        return await _form(act, form=data, done=_see(f"/inspections/stop-work/{order_id}"),
                           again=lambda refusal: self._stop_work_page(actor, order_id, refusal))

    @post("/inspections/resumption/{application_id:int}/review", guards=[requires_role(Role.chief_inspector)])
    async def review_resumption(self, actor: Actor, application_id: int, data: Form) -> Template | Redirect:
        """The chief inspector's 审核意见: pass to the owner or send back."""
        return await self._decide(actor, application_id, data, services.review_resumption)

    @post("/inspections/resumption/{application_id:int}/approve", guards=[requires_role(Role.project_manager)])
    async def approve_resumption(self, actor: Actor, application_id: int, data: Form) -> Template | Redirect:
        """The owner's 审批意见."""
        return await self._decide(actor, application_id, data, services.approve_resumption)

    async def _decide(self, actor: Actor, application_id: int, data: Form, decide) -> Template | Redirect:
        order_id = await services.application_order(application_id)
        return await _form(lambda: decide(actor, application_id, parse_form(data, OpinionIn)), form=data,
                           done=_see(f"/inspections/stop-work/{order_id}"),
                           again=lambda refusal: self._stop_work_page(actor, order_id, refusal))

    @post("/inspections/stop-work/{order_id:int}/written-report", guards=[requires_role(Role.chief_inspector)])
    async def record_written_report(self, actor: Actor, order_id: int) -> Template | Redirect:
        """An emergency stop's written report has reached the owner (§6.2.3)."""
        return await _form(lambda: services.record_written_report(actor, order_id), form={},
                           done=_see(f"/inspections/stop-work/{order_id}"),
                           again=lambda refusal: self._stop_work_page(actor, order_id, refusal))

    @post("/inspections/stop-work/{order_id:int}/resume", guards=[requires_role(Role.chief_inspector)])
    async def issue_resumption_order(self, actor: Actor, order_id: int, data: Form) -> Template | Redirect:
        """工程复工令 (A.0.7): after the owner's approval, or on the owner's consent given here."""
        return await _form(
            lambda: services.issue_resumption_order(actor, order_id, parse_form(data, ResumptionOrderIn)),
            form=data, done=_see(f"/inspections/stop-work/{order_id}"),
            again=lambda refusal: self._stop_work_page(actor, order_id, refusal))

    # ------------------------------------------------------------ residents' defect reports

    @get("/projects/{project_id:int}/inspections/reports", guards=[requires_role(INSPECTING, Role.resident)])
    async def reports(self, actor: Actor, project_id: int) -> Template:
        return await self._reports_page(actor, project_id)

    async def _reports_page(self, actor: Actor, project_id: int, refusal: Refusal | None = None,
                            refused_report: int | None = None) -> Template:
        """A resident reports a defect and sees the answer; inspectors accept or decline with a reason.
        `refused_report` is the report whose decision was refused: its forms show the message."""
        context = await _page_context(actor, project_id)
        inspecting = actor.role in INSPECTING
        context.update(
            reports=await services.list_reports(actor, project_id), role=actor.role.value, refusal=refusal,
            refused_report=refused_report,
            categories=await services.list_categories() if inspecting else [],
            contractors=await services.list_contractors() if inspecting else [], severities=list(Severity),
            kinds=list(IssueKind), default_deadline=_in_days(7),
        )
        return Template("inspections/reports.html", context=context, status_code=_status(refusal))

    @post("/projects/{project_id:int}/inspections/reports", guards=[requires_role(Role.resident)],
          request_max_body_size=UPLOAD_LIMIT * 4)
    async def report_defect(self, actor: Actor, project_id: int, data: Multipart) -> Template | Redirect:
        async def act():
            if not _text(data, "description"):
                raise Invalid("Describe the problem.", field="description")
            contents = [await upload.read() for upload in _files(data, "photos")]
            _check_photos(contents)
            report = await services.report_defect(actor, project_id, parse_form(data, ReportIn))
            for content in contents:
                await services.add_report_photo(actor, report.id, content)

        return await _form(act, form=data, done=_see(f"/projects/{project_id}/inspections/reports"),
                           again=lambda refusal: self._reports_page(actor, project_id, refusal))

    @post("/inspections/reports/{report_id:int}/{decision:str}", guards=[requires_role(INSPECTING)])
    async def decide_report(self, actor: Actor, report_id: int, decision: str, data: Form) -> Template | Redirect:
        report = await services.get_report(actor, report_id)

        async def act() -> str:
            if decision == "accept":
                issue = await services.accept_report(actor, report_id, parse_form(
                    data, IssueIn,
                    description=report.description, building_id=report.building_id, dwelling_id=report.dwelling_id,
                    location=report.location, part=""))
                return f"/inspections/issues/{issue.id}"
            if decision == "decline":
                if not _text(data, "reason"):
                    raise Invalid("A reason is required to decline a report.", field="reason")
                await services.decline_report(actor, report_id, parse_form(data, DeclineIn).reason)
                return f"/projects/{report.project_id}/inspections/reports"
            raise Invalid("Unknown action {action}.", field="action", action=decision)

        return await _form(act, form=data, done=lambda path: Redirect(path=path, status_code=303),
                           again=lambda refusal: self._reports_page(actor, report.project_id, refusal, report_id))
