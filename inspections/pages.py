"""Pages of quality supervision for people: the inspector's phone flow, the contractor's inbox,
the ledger and the project dashboard. They call the same services as the JSON API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.datastructures import UploadFile
from litestar.enums import RequestEncodingType
from litestar.params import Body
from litestar.response import Redirect, Template

from inspections import jobs, ledger, services
from inspections import photos as photo_store
from inspections.controllers import INSPECTORS, READERS, UPLOAD_LIMIT, inspection_member
from inspections.kinds import IssueKind, IssueStatus, RecheckResult, Severity
from inspections.schemas import IssueIn, NoticeIn, RecheckIn, ReplyIn, ReplyItemIn, ReportIn
from tracker.accounts.roles import Role
from tracker.accounts.tables import Organisation
from tracker.errors import DomainError, Invalid
from tracker.i18n import gettext
from tracker.register import services as register
from tracker.web.guards import actor_of, requires_login, requires_role

Form = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.URL_ENCODED)]
Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def _files(form: dict[str, Any], name: str) -> list[UploadFile]:
    value = form.get(name)
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, UploadFile) and v.filename]


def _text(form: dict[str, Any], name: str) -> str:
    value = form.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value).strip()


def _int_or_none(form: dict[str, Any], name: str) -> int | None:
    value = _text(form, name)
    if not value:
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise Invalid("Invalid value for {name}.", field=name, name=name) from exc


async def _page_context(project_id: int) -> dict:
    return {"project": await register.get_project(project_id), "stop": await services.stop_status(project_id)}


async def _contractors() -> list[dict]:
    return await Organisation.select(Organisation.id, Organisation.name).where(
        Organisation.kind == "contractor").order_by(Organisation.name)


class InspectionPages(Controller):
    include_in_schema = False
    guards = [requires_login, inspection_member]

    @get("/projects/{project_id:int}/inspections", guards=[requires_role(READERS)])
    async def dashboard(self, request: Request, project_id: int) -> Template:
        """The project dashboard: open / overdue / closed by contractor and severity, stop-work status."""
        actor = actor_of(request)
        context = await _page_context(project_id)
        context["dashboard"] = await ledger.dashboard(actor, project_id)
        context["inbox"] = await jobs.list_inbox(actor, unread=True)
        return Template("inspections/dashboard.html", context=context)

    @get("/projects/{project_id:int}/inspections/issues", guards=[requires_role(READERS)])
    async def issues(self, request: Request, project_id: int, mine: bool = True) -> Template:
        """Open items: the inspector's (ball with the inspecting side) or the contractor's to rectify."""
        actor = actor_of(request)
        statuses = [IssueStatus.open, IssueStatus.rectifying, IssueStatus.submitted]
        f = services.IssueFilter(status=statuses, limit=200)
        items, total = await services.list_issues(actor, project_id, f)
        context = await _page_context(project_id)
        context.update(items=items, total=total, can_notify=actor.role in INSPECTORS, today=services.today(),
                       default_deadline=(services.today() + dt.timedelta(days=7)).isoformat())
        return Template("inspections/issues.html", context=context)

    @get("/projects/{project_id:int}/inspections/issues/new", guards=[requires_role(INSPECTORS)])
    async def new_issue(self, project_id: int) -> Template:
        return await self._new_issue_page(project_id)

    async def _new_issue_page(self, project_id: int, *, error: str | None = None, form: dict | None = None,
                              status: int = 200) -> Template:
        context = await _page_context(project_id)
        context.update(
            categories=await services.list_categories(), contractors=await _contractors(),
            buildings=await register.list_buildings(project_id), kinds=list(IssueKind), severities=list(Severity),
            default_deadline=(services.today() + dt.timedelta(days=7)).isoformat(), error=error, form=form or {},
        )
        return Template("inspections/new_issue.html", context=context, status_code=status)

    @post("/projects/{project_id:int}/inspections/issues/new", guards=[requires_role(INSPECTORS)],
          request_max_body_size=UPLOAD_LIMIT * 4)
    async def file_issue(self, request: Request, project_id: int, data: Multipart) -> Template | Redirect:
        actor = actor_of(request)
        plain = {k: _text(data, k) for k in data if k not in ("photos", "_csrf_token")}
        try:
            issue_in = IssueIn(
                kind=IssueKind(_text(data, "kind") or "quality"), category=_text(data, "category"),
                severity=Severity(_text(data, "severity") or "general"), description=_text(data, "description"),
                responsible_org_id=_int_or_none(data, "responsible_org_id") or 0,
                deadline=dt.date.fromisoformat(_text(data, "deadline")),
                building_id=_int_or_none(data, "building_id"), part=_text(data, "part"),
                location=_text(data, "location"),
            )
            if not issue_in.description:
                raise Invalid("Describe the problem.", field="description")
            contents = [await upload.read() for upload in _files(data, "photos")]
            for content in contents:  # check every photo before anything is written
                if len(content) > photo_store.max_photo_bytes():
                    raise photo_store.PhotoTooLarge("The photo is {size} bytes; the limit is {limit} bytes.",
                                                    field="file", size=len(content), limit=photo_store.max_photo_bytes())
                if photo_store.sniff(content) is None:
                    raise photo_store.NotAnImage("Only JPEG and PNG photos are accepted.", field="file")
            issue = await services.file_issue(actor, project_id, issue_in)
            for content in contents:
                await services.add_photo(actor, issue.id, content)
        except DomainError as exc:
            return await self._new_issue_page(project_id, error=exc.translated(gettext), form=plain,
                                              status=exc.status_code)
        except ValueError:
            return await self._new_issue_page(project_id, error=gettext("Check the form: a value is missing."),
                                              form=plain, status=422)
        return Redirect(path=f"/inspections/issues/{issue.id}", status_code=303)

    @get("/inspections/issues/{issue_id:int}", guards=[requires_role(READERS)])
    async def issue(self, request: Request, issue_id: int) -> Template:
        return await self._issue_page(request, issue_id)

    async def _issue_page(self, request: Request, issue_id: int, *, error: str | None = None,
                          status: int = 200) -> Template:
        actor = actor_of(request)
        issue = await services.get_issue(actor, issue_id)
        context = await _page_context(issue.project_id)
        context.update(issue=issue, role=actor.role.value, error=error,
                       default_deadline=(services.today() + dt.timedelta(days=7)).isoformat())
        return Template("inspections/issue.html", context=context, status_code=status)

    @post("/inspections/issues/{issue_id:int}/photos", guards=[requires_role(READERS)],
          request_max_body_size=UPLOAD_LIMIT * 4)
    async def add_photos(self, request: Request, issue_id: int, data: Multipart) -> Template | Redirect:
        try:
            files = _files(data, "photos")
            if not files:
                raise Invalid("Choose a photo to upload.", field="file")
            for upload in files:
                await services.add_photo(actor_of(request), issue_id, await upload.read())
        except DomainError as exc:
            return await self._issue_page(request, issue_id, error=exc.translated(gettext), status=exc.status_code)
        return Redirect(path=f"/inspections/issues/{issue_id}", status_code=303)

    @post("/inspections/issues/{issue_id:int}/{action:str}", guards=[requires_role(READERS)])
    async def act(self, request: Request, issue_id: int, action: str, data: Form) -> Template | Redirect:
        """submit (contractor), verify / reject (inspecting organisation) from the issue page."""
        actor = actor_of(request)
        try:
            if action == "submit":
                await services.submit_issue(actor, issue_id, _text(data, "explanation"))
            elif action in ("verify", "reject"):
                deadline = _text(data, "deadline")
                recheck = RecheckIn(opinion=_text(data, "opinion"),
                                    deadline=dt.date.fromisoformat(deadline) if deadline and action == "reject" else None)
                result = RecheckResult.verified if action == "verify" else RecheckResult.rejected
                await services.record_recheck(actor, issue_id, result, recheck)
            elif action == "void":
                await services.void_issue(actor, issue_id, _text(data, "reason"))
            else:
                raise Invalid("Unknown action {action}.", field="action", action=action)
        except DomainError as exc:
            return await self._issue_page(request, issue_id, error=exc.translated(gettext), status=exc.status_code)
        return Redirect(path=f"/inspections/issues/{issue_id}", status_code=303)

    @post("/projects/{project_id:int}/inspections/notices", guards=[requires_role(INSPECTORS)])
    async def issue_notice(self, request: Request, project_id: int, data: Form) -> Template | Redirect:
        actor = actor_of(request)
        raw = data.get("issue_ids", [])
        ids = [int(v) for v in (raw if isinstance(raw, list) else [raw]) if str(v).isdigit()]
        try:
            if not ids:
                raise Invalid("Choose the issues the notice covers.", field="issue_ids")
            notice = await services.issue_notice(actor, project_id, NoticeIn(
                issue_ids=ids, subject=_text(data, "subject") or gettext("Rectification"),
                content=_text(data, "content") or gettext("See the issues listed."),
                requirements=_text(data, "requirements"), deadline=dt.date.fromisoformat(_text(data, "deadline")),
            ))
        except (DomainError, ValueError) as exc:
            context = await _page_context(project_id)
            items, total = await services.list_issues(actor, project_id, services.IssueFilter(
                status=[IssueStatus.open, IssueStatus.rectifying, IssueStatus.submitted], limit=200))
            message = exc.translated(gettext) if isinstance(exc, DomainError) else gettext(
                "Check the form: a value is missing.")
            context.update(items=items, total=total, can_notify=True, error=message, today=services.today(),
                           default_deadline=(services.today() + dt.timedelta(days=7)).isoformat())
            return Template("inspections/issues.html", context=context,
                            status_code=exc.status_code if isinstance(exc, DomainError) else 422)
        return Redirect(path=f"/inspections/notices/{notice.id}", status_code=303)

    @get("/inspections/notices/{notice_id:int}", guards=[requires_role(READERS)])
    async def notice(self, request: Request, notice_id: int) -> Template:
        return await self._notice_page(request, notice_id)

    async def _notice_page(self, request: Request, notice_id: int, *, error: str | None = None,
                           status: int = 200) -> Template:
        actor = actor_of(request)
        notice = await services.get_notice(actor, notice_id)
        issues = [await services.get_issue(actor, i) for i in notice.issue_ids]
        context = await _page_context(notice.project_id)
        context.update(notice=notice, issues=issues, role=actor.role.value, error=error)
        return Template("inspections/notice_page.html", context=context, status_code=status)

    @post("/inspections/notices/{notice_id:int}/reply", guards=[requires_role(Role.contractor)])
    async def reply(self, request: Request, notice_id: int, data: Form) -> Template | Redirect:
        """The contractor replies for the issues ticked, each with its explanation."""
        raw = data.get("issue_ids", [])
        ids = [int(v) for v in (raw if isinstance(raw, list) else [raw]) if str(v).isdigit()]
        try:
            if not ids:
                raise Invalid("Choose the issues the reply covers.", field="issue_ids")
            items = [ReplyItemIn(issue_id=i, explanation=_text(data, f"explanation_{i}")) for i in ids]
            await services.submit_reply(actor_of(request), notice_id,
                                        ReplyIn(items=items, statement=_text(data, "statement")))
        except DomainError as exc:
            return await self._notice_page(request, notice_id, error=exc.translated(gettext), status=exc.status_code)
        return Redirect(path=f"/inspections/notices/{notice_id}", status_code=303)

    @get("/projects/{project_id:int}/inspections/inbox", guards=[requires_role(READERS)])
    async def inbox(self, request: Request, project_id: int) -> Template:
        """The contractor's inbox: notices to reply to with their deadlines, and the daily digests."""
        actor = actor_of(request)
        context = await _page_context(project_id)
        context.update(notices=await services.list_notices(actor, project_id), messages=await jobs.list_inbox(actor),
                       today=services.today())
        return Template("inspections/inbox.html", context=context)

    @get("/projects/{project_id:int}/inspections/ledger", guards=[requires_role(READERS)])
    async def ledger_page(self, request: Request, project_id: int, status: str = "", severity: str = "",
                          overdue: str = "", offset: int = 0) -> Template:
        actor = actor_of(request)
        f = services.IssueFilter(
            status=[IssueStatus(status)] if status in IssueStatus._value2member_map_ else [],
            severity=Severity(severity) if severity in Severity._value2member_map_ else None,
            overdue=True if overdue == "1" else None, offset=max(0, offset), limit=50,
        )
        context = await _page_context(project_id)
        context.update(ledger=await ledger.ledger(actor, project_id, f), statuses=list(IssueStatus),
                       severities=list(Severity), filters={"status": status, "severity": severity, "overdue": overdue},
                       query=request.url.query or "")
        return Template("inspections/ledger_page.html", context=context)

    # ------------------------------------------------------------ residents' defect reports

    @get("/projects/{project_id:int}/inspections/reports", guards=[requires_role(INSPECTORS, Role.resident)])
    async def reports(self, request: Request, project_id: int) -> Template:
        return await self._reports_page(request, project_id)

    async def _reports_page(self, request: Request, project_id: int, *, error: str | None = None,
                            status: int = 200) -> Template:
        """A resident reports a defect and sees the answer; inspectors accept or decline with a reason."""
        actor = actor_of(request)
        context = {"project": await register.get_project(project_id), "stop": await services.stop_status(project_id)}
        context.update(
            reports=await services.list_reports(actor, project_id), role=actor.role.value, error=error,
            categories=await services.list_categories() if actor.role in INSPECTORS else [],
            contractors=await _contractors() if actor.role in INSPECTORS else [], severities=list(Severity),
            kinds=list(IssueKind), default_deadline=(services.today() + dt.timedelta(days=7)).isoformat(),
        )
        return Template("inspections/reports.html", context=context, status_code=status)

    @post("/projects/{project_id:int}/inspections/reports", guards=[requires_role(Role.resident)],
          request_max_body_size=UPLOAD_LIMIT * 4)
    async def report_defect(self, request: Request, project_id: int, data: Multipart) -> Template | Redirect:
        actor = actor_of(request)
        try:
            description = _text(data, "description")
            if not description:
                raise Invalid("Describe the problem.", field="description")
            contents = [await upload.read() for upload in _files(data, "photos")]
            for content in contents:
                if photo_store.sniff(content) is None:
                    raise photo_store.NotAnImage("Only JPEG and PNG photos are accepted.", field="file")
            report = await services.report_defect(actor, project_id, ReportIn(
                description=description, location=_text(data, "location")))
            for content in contents:
                await services.add_report_photo(actor, report.id, content)
        except DomainError as exc:
            return await self._reports_page(request, project_id, error=exc.translated(gettext), status=exc.status_code)
        return Redirect(path=f"/projects/{project_id}/inspections/reports", status_code=303)

    @post("/inspections/reports/{report_id:int}/{decision:str}", guards=[requires_role(INSPECTORS)])
    async def decide_report(self, request: Request, report_id: int, decision: str, data: Form) -> Template | Redirect:
        actor = actor_of(request)
        report = await services.get_report(actor, report_id)
        try:
            if decision == "accept":
                issue = await services.accept_report(actor, report_id, IssueIn(
                    kind=IssueKind(_text(data, "kind") or "quality"), category=_text(data, "category"),
                    severity=Severity(_text(data, "severity") or "general"), description=report.description,
                    responsible_org_id=_int_or_none(data, "responsible_org_id") or 0,
                    deadline=dt.date.fromisoformat(_text(data, "deadline")), building_id=report.building_id,
                    dwelling_id=report.dwelling_id, location=report.location,
                ))
                return Redirect(path=f"/inspections/issues/{issue.id}", status_code=303)
            if decision == "decline":
                reason = _text(data, "reason")
                if not reason:
                    raise Invalid("A reason is required to decline a report.", field="reason")
                await services.decline_report(actor, report_id, reason)
            else:
                raise Invalid("Unknown action {action}.", field="action", action=decision)
        except DomainError as exc:
            return await self._reports_page(request, report.project_id, error=exc.translated(gettext),
                                            status=exc.status_code)
        except ValueError:
            return await self._reports_page(request, report.project_id,
                                            error=gettext("Check the form: a value is missing."), status=422)
        return Redirect(path=f"/projects/{report.project_id}/inspections/reports", status_code=303)
