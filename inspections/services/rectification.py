"""The loop on a notice's issues: the contractor's replies (回复单 B.0.9), the inspector's rechecks
(复查意见), voiding an issue; the notice closes when every issue on it is resolved, its reply form frozen."""

from __future__ import annotations

from inspections import access, workflow
from inspections import photos as photo_store
from inspections.kinds import IssueAction, IssueStatus, NoticeStatus, RecheckResult
from inspections.schemas import IssueOut, RecheckIn, ReplyIn, ReplyItemIn, ReplyOut
from inspections.services.common import RESOLVED, insert_photo, org_name, printed_moment, project_row
from inspections.services.issues import get_issue, issue_print, issue_row, issue_select, move
from inspections.services.notices import get_notice, notice_row
from inspections.tables import Issue, Notice, NoticeIssue, Reply, ReplyItem
from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.documents import services as documents
from tracker.errors import Conflict, Invalid


async def submit_reply(actor: Actor, notice_id: int, data: ReplyIn,
                       photos: list[tuple[int, str, photo_store.Stored]] = ()) -> ReplyOut:
    """The contractor's reply (监理通知回复单 B.0.9): the listed issues are reported fixed, with evidence.
    `photos` are (issue id, purpose "before" | "evidence", stored file) taken on the reply form: they
    are written in the reply's transaction, so a refused reply leaves no photo behind."""
    async with transaction():
        notice = await notice_row(notice_id)
        access.check_notice(actor, notice)
        if notice["status"] != NoticeStatus.issued:
            raise Conflict("Notice {number} is {status}; it takes no replies.", field="status",
                           rule="notice_not_issued", number=notice["number_text"], status=notice["status"])
        ids = [i.issue_id for i in data.items]
        if len(set(ids)) != len(ids):
            raise Invalid("An issue is listed twice.", field="items")
        rows = {r["id"]: r for r in await issue_select().where(Issue.id.is_in(ids))}
        for item in data.items:
            row = rows.get(item.issue_id)
            if row is None or row["notice"] != notice_id:
                raise Invalid("Issue {id} is not on notice {number}.", field="items", id=item.issue_id,
                              number=notice["number_text"])
            await move(actor, row, IssueAction.submit, note=item.explanation)
        reply_id = (await Reply.insert(
            Reply(notice=notice_id, project=notice["project"], statement=data.statement, submitted_by=actor.id)
        ).returning(Reply.id))[0]["id"]
        for item in data.items:
            await ReplyItem.insert(ReplyItem(reply=reply_id, issue=item.issue_id, round=rows[item.issue_id]["round"],
                                             explanation=item.explanation))
        photo_ids = []
        for issue_id, purpose, stored in photos:
            if issue_id not in rows or purpose not in ("before", "evidence"):
                raise Invalid("Issue {id} is not on notice {number}.", field="items", id=issue_id,
                              number=notice["number_text"])
            photo_ids.append(await insert_photo(actor, notice["project"], stored, purpose, issue=issue_id,
                                                round=rows[issue_id]["round"]))
        await audit.record(actor, "notice.reply", "notice", notice_id,
                           {"reply_id": reply_id, "issue_ids": ids, "statement": data.statement,
                            **({"photo_ids": photo_ids} if photo_ids else {})})
    return next(r for r in (await get_notice(actor, notice_id)).replies if r.id == reply_id)


async def submit_issue(actor: Actor, issue_id: int, explanation: str) -> IssueOut:
    """Report one issue fixed: a reply to its notice covering that issue alone."""
    row = await issue_row(issue_id)
    access.check_issue(actor, row)
    if row["notice"] is None:
        workflow.transition(row["status"], IssueAction.submit, actor.role)
        raise Conflict("Issue {id} is on no notice.", field="notice", id=issue_id)
    await submit_reply(actor, row["notice"], ReplyIn(items=[ReplyItemIn(issue_id=issue_id, explanation=explanation)]))
    return await get_issue(actor, issue_id)


async def record_recheck(actor: Actor, issue_id: int, result: RecheckResult, data: RecheckIn) -> IssueOut:
    """The inspector's recheck (复查意见) of a submitted issue: verified and closed (销号), or rejected
    back to rectification with a new deadline, the round counted."""
    action = IssueAction.verify if result is RecheckResult.verified else IssueAction.reject
    async with transaction():
        row = await issue_row(issue_id)
        access.check_issue(actor, row)
        workflow.transition(row["status"], action, actor.role)  # refuse early, before anything is written
        changes: dict = {}
        if action is IssueAction.reject:
            if data.deadline is None:
                raise Invalid("A rejected issue needs a new deadline.", field="deadline")
            if data.deadline < clock.today():
                raise Invalid("The deadline is in the past.", field="deadline")
            changes = {"deadline": data.deadline, "round": row["round"] + 1, "rejections": row["rejections"] + 1,
                       "overdue": False}
        await move(actor, row, action, note=data.opinion, **changes)
        pending = await ReplyItem.select(ReplyItem.id).where(
            ReplyItem.issue == issue_id, ReplyItem.result.is_null()
        ).order_by(ReplyItem.id, ascending=False).limit(1)
        if pending:
            await ReplyItem.update(
                {ReplyItem.result: result.value, ReplyItem.opinion: data.opinion, ReplyItem.rechecked_by: actor.id,
                 ReplyItem.rechecked_at: clock.now()}
            ).where(ReplyItem.id == pending[0]["id"])
        closed = await close_notice_if_done(actor, row["notice"]) if row["notice"] else False
        await audit.record(actor, f"issue.{action.value}", "issue", issue_id,
                           {"opinion": data.opinion, **changes, "notice_closed": closed})
    return await get_issue(actor, issue_id)


async def void_issue(actor: Actor, issue_id: int, reason: str) -> IssueOut:
    async with transaction():
        row = await issue_row(issue_id)
        access.check_issue(actor, row)
        if not reason.strip():
            raise Invalid("A reason is required to void an issue.", field="reason")
        await move(actor, row, IssueAction.void, note=reason.strip())
        if row["notice"]:
            await close_notice_if_done(actor, row["notice"])
        await audit.record(actor, "issue.void", "issue", issue_id, {"reason": reason.strip()})
    return await get_issue(actor, issue_id)


async def close_notice_if_done(actor: Actor, notice_id: int) -> bool:
    """A notice closes when every issue on it is verified (void ones do not hold it open); the reply
    form with its rechecks is then frozen as an issued document, so its PDF never changes either."""
    notice = await notice_row(notice_id)
    if notice["status"] != NoticeStatus.issued:
        return False
    ids = [r["issue"] for r in await NoticeIssue.select(NoticeIssue.issue).where(NoticeIssue.notice == notice_id)]
    statuses = [r["status"] for r in await Issue.select(Issue.status).where(Issue.id.is_in(ids))]
    if IssueStatus.verified.value not in statuses or any(s not in RESOLVED for s in statuses):
        return False
    await Notice.update({Notice.status: NoticeStatus.closed.value, Notice.closed_at: clock.now()}).where(
        Notice.id == notice_id
    )
    await documents.issue_document(
        actor, project_id=notice["project"], kind="notice_reply", series="reply",
        number_text=reply_number(notice["number_text"]), title="监理通知回复单", template="inspections/print/reply.html",
        context=await reply_print_context(actor, notice_id),
    )
    return True


def reply_number(notice_number: str) -> str:
    return f"{notice_number}-HF"


async def frozen_reply_document(notice_id: int) -> int | None:
    """The issued reply form of a closed notice, if it has been frozen."""
    from tracker.documents.tables import IssuedDocument

    notice = await notice_row(notice_id)
    rows = await IssuedDocument.select(IssuedDocument.id).where(
        IssuedDocument.project == notice["project"], IssuedDocument.series == "reply",
        IssuedDocument.number_text == reply_number(notice["number_text"]),
    )
    return rows[0]["id"] if rows else None


async def reply_print_context(actor: Actor, notice_id: int) -> dict:
    """The reply form (B.0.9) with the 复查意见 per issue, from the live records."""
    notice = await get_notice(actor, notice_id)
    project = await project_row(notice.project_id)
    rows = {r["id"]: r for r in await issue_select().where(Issue.id.is_in(notice.issue_ids or [-1]))}
    replies = []
    for reply in notice.replies:
        items = []
        for item in reply.items:
            row = dict(rows[item.issue_id])
            row["round"] = item.round
            printed = await issue_print(row)
            items.append({**printed, "explanation": item.explanation, "result": item.result or "",
                          "opinion": item.opinion, "rechecked": printed_moment(item.rechecked_at)})
        replies.append({"number": reply.number, "statement": reply.statement, "entries": items,
                        "submitted": printed_moment(reply.submitted_at)})
    return {
        "project_name": project["name"], "number": replies[-1]["number"] if replies else f"{notice.number}-HF",
        "title": "监理通知回复单", "notice_number": notice.number, "addressee": await org_name(
            (await notice_row(notice_id))["issuing_org"]), "contractor": notice.addressed_org,
        "replies": replies, "notice_status": str(notice.status),
    }
