"""Notices (监理通知单 A.0.3 and the quality station's series): issuing, reading, voiding or superseding."""

from __future__ import annotations

from collections import defaultdict

from inspections import access
from inspections.kinds import NOTICE_TITLES, IssueAction, NoticeSeries, NoticeStatus, Severity
from inspections.schemas import NoticeIn, NoticeOut, NoticeVoidIn, ReplyItemOut, ReplyOut
from inspections.services.common import (
    RESOLVED,
    notice_scope,
    document_number,
    org_name,
    photo_out,
    printed_date,
    project_row,
    require_org,
)
from inspections.services.issues import issue_print, issue_select, move
from inspections.tables import Issue, Notice, NoticeIssue, Photo, Reply, ReplyItem
from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import INSPECTING, Role
from tracker.db import transaction
from tracker.documents import numbering
from tracker.documents import services as documents
from tracker.errors import Conflict, Forbidden, Invalid, NotFound
from tracker.rows import to_schema


async def issue_notice(actor: Actor, project_id: int, data: NoticeIn) -> NoticeOut:
    """Issue a numbered notice putting open issues to their contractor (监理通知单 A.0.3 or a station series)."""
    access.check_project(actor, project_id)
    issuing_org = require_org(actor)
    if data.deadline < clock.today():
        raise Invalid("The deadline is in the past.", field="deadline")
    if len(set(data.issue_ids)) != len(data.issue_ids):
        raise Invalid("An issue is listed twice.", field="issue_ids")
    async with transaction():
        project = await project_row(project_id)
        rows = await issue_select().where(Issue.id.is_in(data.issue_ids)).order_by(Issue.id)
        missing = sorted(set(data.issue_ids) - {r["id"] for r in rows})
        if missing:
            raise NotFound("No issue {id}.", field="issue_ids", id=missing[0])
        for row in rows:
            if row["project"] != project_id:
                raise Invalid("Issue {id} belongs to another project.", field="issue_ids", id=row["id"])
        orgs = {r["responsible_org"] for r in rows}
        if len(orgs) != 1:
            raise Invalid("A notice is addressed to one contractor; these issues belong to several.",
                          field="issue_ids", rule="one_addressee")
        if any(r["severity"] == Severity.major for r in rows) and actor.role is not Role.chief_inspector:
            raise Forbidden("A notice on a major (重大) issue needs the chief inspector.", rule="major_needs_chief",
                            field="issue_ids")
        addressed_org = orgs.pop()
        year = clock.today().year
        number = await numbering.next_number(project_id, data.series.value, year)
        number_text = document_number(project["code"], data.series.value, year, number)
        for row in rows:
            await move(actor, row, IssueAction.notify, deadline=data.deadline, round=max(row["round"], 1),
                        overdue=False)
        title = NOTICE_TITLES[data.series]
        context = {
            "project_name": project["name"],
            "series": data.series.value,
            "addressee": await org_name(addressed_org),
            "issuer": await org_name(issuing_org),
            "subject": data.subject,
            "content": data.content,
            "requirements": data.requirements,
            "deadline": printed_date(data.deadline),
            "date": printed_date(clock.today()),
            "chief_required": any(r["severity"] == Severity.major for r in rows),
            "issues": [await issue_print(r) for r in rows],
        }
        document = await documents.issue_document(
            actor, project_id=project_id, kind=f"notice.{data.series.value}", series=data.series.value,
            number_text=number_text, title=title, template="inspections/print/notice.html", context=context,
        )
        notice_id = (
            await Notice.insert(
                Notice(project=project_id, series=data.series.value, year=year, number=number,
                       number_text=number_text, addressed_org=addressed_org, issuing_org=issuing_org,
                       subject=data.subject, content=data.content, requirements=data.requirements,
                       deadline=data.deadline, document=document["id"], issued_by=actor.id)
            ).returning(Notice.id)
        )[0]["id"]
        for row in rows:
            await NoticeIssue.insert(NoticeIssue(notice=notice_id, issue=row["id"]))
        await Issue.update({Issue.notice: notice_id}).where(Issue.id.is_in(data.issue_ids))
        await audit.record(
            actor, "notice.issue", "notice", notice_id,
            {"number": number_text, "series": data.series.value, "issue_ids": data.issue_ids,
             "deadline": data.deadline, "document_id": document["id"]},
        )
    return await get_notice(actor, notice_id)


async def notice_row(notice_id: int) -> dict:
    rows = await Notice.select(*Notice.all_columns(), Notice.addressed_org.name.as_alias("addressed_org_name")).where(
        Notice.id == notice_id
    )
    if not rows:
        raise NotFound("No notice {id}.", field="notice_id", id=notice_id)
    return rows[0]


# A notice as the API shows it (its issues and replies added by `get_notice`).
NOTICE_OUT = (
    Notice.id, Notice.project.as_alias("project_id"), Notice.series, Notice.number_text.as_alias("number"),
    Notice.addressed_org.as_alias("addressed_org_id"), Notice.addressed_org.name.as_alias("addressed_org"),
    Notice.subject, Notice.content, Notice.requirements, Notice.deadline, Notice.status, Notice.void_reason,
    Notice.superseded_by, Notice.document.as_alias("document_id"), Notice.issued_at, Notice.closed_at,
)
REPLY_ITEM_OUT = (
    ReplyItem.reply, ReplyItem.issue.as_alias("issue_id"), ReplyItem.round, ReplyItem.explanation,
    ReplyItem.result, ReplyItem.opinion, ReplyItem.rechecked_at,
)


async def _replies(notice: dict) -> list[ReplyOut]:
    """The notice's replies (回复单), numbered in order, each issue with the evidence of its round."""
    replies = await Reply.select(Reply.id, Reply.notice.as_alias("notice_id"), Reply.statement,
                                 Reply.submitted_at).where(Reply.notice == notice["id"]).order_by(Reply.id)
    if not replies:
        return []
    items = await ReplyItem.select(*REPLY_ITEM_OUT).where(
        ReplyItem.reply.is_in([r["id"] for r in replies])).order_by(ReplyItem.id)
    evidence = defaultdict(list)
    issue_ids = list({i["issue_id"] for i in items})
    for p in await Photo.select().where(Photo.issue.is_in(issue_ids), Photo.purpose == "evidence").order_by(Photo.id):
        evidence[(p["issue"], p["round"])].append(photo_out(p))
    by_reply = defaultdict(list)
    for i in items:
        by_reply[i["reply"]].append(to_schema(i, ReplyItemOut, photos=evidence[(i["issue_id"], i["round"])]))
    return [to_schema(r, ReplyOut, number=f"{notice['number']}-HF{k}", items=by_reply[r["id"]])
            for k, r in enumerate(replies, start=1)]


async def get_notice(actor: Actor, notice_id: int) -> NoticeOut:
    access.check_notice(actor, await notice_row(notice_id))
    notice = (await Notice.select(*NOTICE_OUT).where(Notice.id == notice_id))[0]
    issue_ids = [r["issue"] for r in await NoticeIssue.select(NoticeIssue.issue).where(
        NoticeIssue.notice == notice_id).order_by(NoticeIssue.issue)]
    return to_schema(notice, NoticeOut, title=NOTICE_TITLES[NoticeSeries(notice["series"])], issue_ids=issue_ids,
                     replies=await _replies(notice))


async def list_notices(actor: Actor, project_id: int, status: NoticeStatus | None = None) -> list[NoticeOut]:
    access.check_inspections(actor, project_id)
    query = Notice.select(Notice.id).where(Notice.project == project_id, *notice_scope(actor)).order_by(
        Notice.id, ascending=False)
    if status:
        query = query.where(Notice.status == status.value)
    return [await get_notice(actor, r["id"]) for r in await query]


async def void_notice(actor: Actor, notice_id: int, data: NoticeVoidIn) -> NoticeOut:
    """Void an issued notice with a reason (作废); its unresolved issues go back to open, or onto the
    replacement notice issued in the same transaction under a new number (superseded)."""
    reason = data.reason.strip()
    if not reason:
        raise Invalid("A reason is required to void a notice.", field="reason")
    async with transaction():
        row = await notice_row(notice_id)
        access.check_notice(actor, row)
        if actor.role not in INSPECTING or row["issuing_org"] != actor.organisation_id:
            raise Forbidden("Only the issuing organisation may void its notice.", rule="issuing_org_only")
        if row["status"] != NoticeStatus.issued:
            raise Conflict("Notice {number} is {status}; only an issued notice can be voided.", field="status",
                           rule="notice_not_issued", number=row["number_text"], status=row["status"])
        for issue in await issue_select().where(Issue.notice == notice_id):
            if issue["status"] not in RESOLVED:
                await move(actor, issue, IssueAction.withdraw, note=reason, notice=None)
        successor = None
        if data.replacement is not None:
            successor = await issue_notice(actor, row["project"], data.replacement)
        await Notice.update(
            {Notice.status: NoticeStatus.voided.value, Notice.void_reason: reason,
             Notice.superseded_by: successor.id if successor else None}
        ).where(Notice.id == notice_id)
        await documents.void_document(actor, row["document"], reason, successor.document_id if successor else None)
        await audit.record(actor, "notice.void", "notice", notice_id,
                           {"number": row["number_text"], "reason": reason,
                            "superseded_by": successor.number if successor else None})
    return await get_notice(actor, notice_id)
