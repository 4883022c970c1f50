"""Stop-work orders (工程暂停令 A.0.5), resumption applications (复工报审表 B.0.3) and resumption
orders (工程复工令 A.0.7), and whether work is stopped."""

from __future__ import annotations

import datetime as dt

from inspections import access
from inspections.kinds import STOP_CAUSE_TEXT, ResumptionStatus, StopScope, StopStatus
from inspections.schemas import (
    OpinionIn,
    ResumptionApplyIn,
    ResumptionOrderIn,
    ResumptionOut,
    StopStatusOut,
    StopWorkIn,
    StopWorkOut,
)
from inspections.services.common import (
    RESOLVED,
    check_contractor,
    check_location,
    document_number,
    org_name,
    printed_date,
    printed_moment,
    project_row,
    require_org,
    stop_work_scope,
)
from inspections.services.issues import issue_print, issue_select
from inspections.tables import Issue, ResumptionApplication, ResumptionOrder, StopWorkIssue, StopWorkOrder
from tracker import audit, clock
from tracker.accounts.actor import Actor
from tracker.accounts.roles import STOP_STATUS_READERS, Role
from tracker.db import transaction
from tracker.documents import numbering
from tracker.documents import services as documents
from tracker.errors import Conflict, Forbidden, Invalid, NotFound
from tracker.register.tables import Building
from tracker.rows import to_schema, to_schemas


# An order's columns, those StopWorkOut names otherwise aliased to its field names (the building is its
# name, `building_id` its id); the rules read `project` and `addressed_org` as stored.
STOP_COLUMNS = (
    *StopWorkOrder.all_columns(exclude=[StopWorkOrder.number, StopWorkOrder.building]),
    StopWorkOrder.project.as_alias("project_id"), StopWorkOrder.number_text.as_alias("number"),
    StopWorkOrder.addressed_org.as_alias("addressed_org_id"), StopWorkOrder.building.as_alias("building_id"),
    StopWorkOrder.building.name.as_alias("building"), StopWorkOrder.document.as_alias("document_id"),
)
RESUMPTION_OUT = (
    *ResumptionApplication.all_columns(), ResumptionApplication.stop_order.as_alias("stop_order_id"),
)


async def stop_row(order_id: int) -> dict:
    rows = await StopWorkOrder.select(*STOP_COLUMNS).where(StopWorkOrder.id == order_id)
    if not rows:
        raise NotFound("No stop-work order {id}.", field="order_id", id=order_id)
    return rows[0]


async def _linked_open_issues(order_id: int) -> list[int]:
    links = await StopWorkIssue.select(StopWorkIssue.issue).where(StopWorkIssue.stop_order == order_id)
    if not links:
        return []
    rows = await Issue.select(Issue.id).where(
        Issue.id.is_in([r["issue"] for r in links]), Issue.status.not_in(list(RESOLVED))
    ).order_by(Issue.id)
    return [r["id"] for r in rows]


async def _refuse_while_open(order: dict) -> None:
    open_ids = await _linked_open_issues(order["id"])
    if open_ids:
        error = Conflict(
            "Work cannot resume under {number}: issues {ids} are not verified yet.", field="issue_ids",
            rule="open_issues", number=order["number_text"], ids=", ".join(f"#{i}" for i in open_ids),
        )
        error.body = {"open_issue_ids": open_ids}
        raise error


async def issue_stop_work(actor: Actor, project_id: int, data: StopWorkIn) -> StopWorkOut:
    """工程暂停令 (A.0.5): only the chief inspector; the owner consents first, or in an emergency a
    written report to the owner falls due."""
    if actor.role is not Role.chief_inspector:
        raise Forbidden("Only the chief inspector issues a stop-work order.", rule="stop_work_needs_chief")
    access.check_project(actor, project_id)
    issuing_org = require_org(actor)
    if data.scope is StopScope.building and data.building_id is None:
        raise Invalid("A building-wide stop names the building.", field="building_id")
    if data.scope is StopScope.part and not data.part.strip():
        raise Invalid("A partial stop names the part or process.", field="part")
    report_due = data.report_due_at
    if data.emergency:
        report_due = report_due or data.effective_at + dt.timedelta(hours=24)
    elif not (data.owner_consent_by.strip() and data.owner_consent_at):
        raise Invalid("A stop-work order needs the owner's consent (who and when), or the emergency flag.",
                      field="owner_consent_by", rule="owner_consent")
    async with transaction():
        project = await project_row(project_id)
        await check_location(project_id, data.building_id, None)
        await check_contractor(data.addressed_org_id, "addressed_org_id")
        rows = await issue_select().where(Issue.id.is_in(data.issue_ids)) if data.issue_ids else []
        missing = sorted(set(data.issue_ids) - {r["id"] for r in rows})
        if missing:
            raise NotFound("No issue {id}.", field="issue_ids", id=missing[0])
        if any(r["project"] != project_id for r in rows):
            raise Invalid("A linked issue belongs to another project.", field="issue_ids")
        year = clock.today().year
        number = await numbering.next_number(project_id, "stop_work", year)
        number_text = document_number(project["code"], "stop_work", year, number)
        building_name = None
        if data.building_id:
            building_name = (await Building.select(Building.name).where(Building.id == data.building_id))[0]["name"]
        scope_text = {StopScope.project: "全部工程", StopScope.building: building_name or "",
                      StopScope.part: data.part.strip()}[data.scope]
        if data.scope is StopScope.building and data.part.strip():
            scope_text = f"{scope_text} {data.part.strip()}"
        context = {
            "project_name": project["name"],
            "addressee": await org_name(data.addressed_org_id),
            "issuer": await org_name(issuing_org),
            "cause": STOP_CAUSE_TEXT[data.cause],
            "cause_details": data.cause_details,
            "effective": printed_moment(data.effective_at),
            "scope": scope_text,
            "requirements": data.requirements,
            "emergency": data.emergency,
            "report_due": printed_moment(report_due),
            "owner_consent_by": data.owner_consent_by,
            "owner_consent_at": printed_moment(data.owner_consent_at),
            "issues": [await issue_print(r) for r in rows],
            "date": printed_date(clock.today()),
        }
        document = await documents.issue_document(
            actor, project_id=project_id, kind="stop_work", series="stop_work", number_text=number_text,
            title="工程暂停令", template="inspections/print/stop_work.html", context=context,
        )
        values = {
            "project": project_id, "year": year, "number": number, "number_text": number_text,
            "addressed_org": data.addressed_org_id, "issuing_org": issuing_org, "scope": data.scope.value,
            "building": data.building_id, "part": data.part.strip(), "cause": data.cause.value,
            "cause_details": data.cause_details, "effective_at": data.effective_at,
            "requirements": data.requirements, "owner_consent_by": data.owner_consent_by.strip(),
            "owner_consent_at": data.owner_consent_at, "emergency": data.emergency, "report_due_at": report_due,
            "document": document["id"], "issued_by": actor.id,
        }
        order_id = (await StopWorkOrder.insert(StopWorkOrder(**values)).returning(StopWorkOrder.id))[0]["id"]
        for issue_id in data.issue_ids:
            await StopWorkIssue.insert(StopWorkIssue(stop_order=order_id, issue=issue_id))
        await audit.record(actor, "stop_work.issue", "stop_work_order", order_id,
                           {**values, "issue_ids": data.issue_ids})
    return await get_stop_work(actor, order_id)


async def record_written_report(actor: Actor, order_id: int) -> StopWorkOut:
    """An emergency stop was issued before the owner consented: record that the written report to the
    owner (GB/T 50319 §6.2.3) has been delivered."""
    if actor.role is not Role.chief_inspector:
        raise Forbidden("Only the chief inspector reports a stop-work order to the owner.", rule="stop_work_needs_chief")
    async with transaction():
        order = await stop_row(order_id)
        access.check_stop_work(actor, order)
        if not order["emergency"]:
            raise Conflict("Order {number} had the owner's consent; no written report is due.", rule="not_emergency",
                           number=order["number_text"])
        if order["report_submitted_at"] is not None:
            raise Conflict("The written report for {number} is already recorded.", rule="report_recorded",
                           number=order["number_text"])
        at = clock.now()
        await StopWorkOrder.update({StopWorkOrder.report_submitted_at: at}).where(StopWorkOrder.id == order_id)
        await audit.record(actor, "stop_work.written_report", "stop_work_order", order_id, {"at": at})
    return await get_stop_work(actor, order_id)


async def _stop_out(row: dict) -> StopWorkOut:
    """An order row (STOP_COLUMNS) as the API shows it, with its issues, applications and resumption order."""
    links = await StopWorkIssue.select(StopWorkIssue.issue).where(StopWorkIssue.stop_order == row["id"]).order_by(
        StopWorkIssue.issue
    )
    applications = await ResumptionApplication.select(*RESUMPTION_OUT).where(
        ResumptionApplication.stop_order == row["id"]).order_by(ResumptionApplication.id)
    resumption = await ResumptionOrder.select(
        ResumptionOrder.number_text.as_alias("resumption_number"),
        ResumptionOrder.document.as_alias("resumption_document_id"),
    ).where(ResumptionOrder.stop_order == row["id"])
    return to_schema(
        {**row, **(resumption[0] if resumption else {})}, StopWorkOut,
        issue_ids=[r["issue"] for r in links], open_issue_ids=await _linked_open_issues(row["id"]),
        applications=to_schemas(applications, ResumptionOut),
    )


async def get_stop_work(actor: Actor, order_id: int) -> StopWorkOut:
    row = await stop_row(order_id)
    access.check_stop_work(actor, row)
    return await _stop_out(row)


async def list_stop_work(actor: Actor, project_id: int) -> list[StopWorkOut]:
    access.check_inspections(actor, project_id)
    rows = await StopWorkOrder.select(*STOP_COLUMNS).where(StopWorkOrder.project == project_id, *stop_work_scope(actor)).order_by(
        StopWorkOrder.id, ascending=False)
    return [await _stop_out(r) for r in rows]


async def stop_status(actor: Actor, project_id: int) -> StopStatusOut:
    """Whether the project or any of its buildings is stopped now, with the orders in force the actor may
    read: finance sees that work is stopped, not the orders; a contractor, its own orders only."""
    access.check_stop_status(actor, project_id)
    rows = await StopWorkOrder.select(*STOP_COLUMNS).where(StopWorkOrder.project == project_id, StopWorkOrder.status == StopStatus.in_force.value,
            *stop_work_scope(actor)).order_by(StopWorkOrder.id)
    return StopStatusOut(
        project_id=project_id,
        stopped=bool(rows),
        project_stopped=any(r["scope"] == StopScope.project for r in rows),
        stopped_building_ids=sorted({r["building_id"] for r in rows if r["building_id"] is not None}),
        orders=[await _stop_out(r) for r in rows if access.can(access.check_stop_work, actor, r)],
    )


async def visible_stop_status(actor: Actor, project_id: int) -> StopStatusOut | None:
    """The stop status for a page banner: None for an actor who may not see it (a resident)."""
    try:
        return await stop_status(actor, project_id)
    except Forbidden:
        return None


async def stopped_project_ids(actor: Actor) -> set[int]:
    """Projects with a stop-work order in force (any scope) that the actor may see, for lists that mark
    them in one query."""
    if actor.role not in STOP_STATUS_READERS:
        return set()
    query = StopWorkOrder.select(StopWorkOrder.project).where(
        StopWorkOrder.status == StopStatus.in_force.value, *stop_work_scope(actor)
    )
    if not actor.is_admin:
        query = query.where(StopWorkOrder.project.is_in(sorted(actor.project_ids) or [-1]))
    return {r["project"] for r in await query.distinct()}


async def application_order(application_id: int) -> int:
    """The stop-work order a resumption application belongs to (its page is the order's)."""
    return (await _application_row(application_id))["stop_order"]


async def _application_row(application_id: int) -> dict:
    rows = await ResumptionApplication.select().where(ResumptionApplication.id == application_id)
    if not rows:
        raise NotFound("No resumption application {id}.", field="application_id", id=application_id)
    return rows[0]


async def apply_for_resumption(actor: Actor, order_id: int, data: ResumptionApplyIn) -> StopWorkOut:
    """工程复工报审表 (B.0.3) from the contractor; refused while a linked issue is not verified."""
    async with transaction():
        order = await stop_row(order_id)
        access.check_stop_work(actor, order)
        if actor.role is not Role.contractor or order["addressed_org"] != actor.organisation_id:
            raise Forbidden("Only the contractor the order is addressed to applies for resumption.",
                            rule="contractor_own_org")
        if order["status"] != StopStatus.in_force:
            raise Conflict("Order {number} is {status}.", field="status", rule="stop_not_in_force",
                           number=order["number_text"], status=order["status"])
        if await ResumptionApplication.exists().where(
            ResumptionApplication.stop_order == order_id,
            ResumptionApplication.status.is_in([ResumptionStatus.applied.value, ResumptionStatus.reviewed.value,
                                                ResumptionStatus.approved.value]),
        ):
            raise Conflict("An application for this order is already under way.", rule="application_pending")
        await _refuse_while_open(order)
        application_id = (await ResumptionApplication.insert(ResumptionApplication(
            stop_order=order_id, project=order["project"], statement=data.statement,
            proposed_date=data.proposed_date, applied_by=actor.id,
        )).returning(ResumptionApplication.id))[0]["id"]
        await audit.record(actor, "resumption.apply", "resumption_application", application_id,
                           {"order": order["number_text"], "statement": data.statement,
                            "proposed_date": data.proposed_date})
    return await get_stop_work(actor, order_id)


async def _decide_application(actor: Actor, application_id: int, data: OpinionIn, *, stage: str) -> StopWorkOut:
    expected, role, passed = {
        "review": (ResumptionStatus.applied, Role.chief_inspector, ResumptionStatus.reviewed),
        "approve": (ResumptionStatus.reviewed, Role.project_manager, ResumptionStatus.approved),
    }[stage]
    async with transaction():
        application = await _application_row(application_id)
        order = await stop_row(application["stop_order"])
        access.check_stop_work(actor, order)
        if actor.role is not role:
            raise Forbidden("This step needs the role {role}.", rule=f"resumption_{stage}_role", role=role.value)
        if application["status"] != expected:
            raise Conflict("The application is {status}; this step needs it {expected}.", field="status",
                           rule="resumption_state", status=application["status"], expected=expected.value)
        if data.approve:
            await _refuse_while_open(order)
        status = passed if data.approve else ResumptionStatus.refused
        if stage == "review":
            changes = {ResumptionApplication.review_opinion: data.opinion, ResumptionApplication.reviewed_by: actor.id,
                       ResumptionApplication.reviewed_at: clock.now()}
        else:
            changes = {ResumptionApplication.approval_opinion: data.opinion,
                       ResumptionApplication.approved_by: actor.id, ResumptionApplication.approved_at: clock.now()}
        await ResumptionApplication.update({ResumptionApplication.status: status.value, **changes}).where(
            ResumptionApplication.id == application_id)
        await audit.record(actor, f"resumption.{stage}", "resumption_application", application_id,
                           {"approve": data.approve, "opinion": data.opinion})
    return await get_stop_work(actor, order["id"])


async def review_resumption(actor: Actor, application_id: int, data: OpinionIn) -> StopWorkOut:
    """The chief inspector's 审核意见 on the application."""
    return await _decide_application(actor, application_id, data, stage="review")


async def approve_resumption(actor: Actor, application_id: int, data: OpinionIn) -> StopWorkOut:
    """The owner's 审批意见 (建设单位)."""
    return await _decide_application(actor, application_id, data, stage="approve")


async def _chief_ordered_application(actor: Actor, order: dict, data: ResumptionOrderIn) -> dict:
    """The contractor did not apply although the cause is removed: the chief orders resumption on the
    owner's recorded consent, and the record says so in place of the contractor's form."""
    at = clock.now()
    values = {
        "stop_order": order["id"], "project": order["project"], "proposed_date": data.resume_at.date(),
        "statement": "施工单位未提出复工申请；停工原因已消除，总监理工程师经建设单位同意指令复工。",
        "status": ResumptionStatus.approved.value, "applied_by": actor.id, "reviewed_by": actor.id,
        "reviewed_at": at, "approved_at": data.owner_consent_at,
        "approval_opinion": f"建设单位 {data.owner_consent_by.strip()} 同意",
    }
    inserted = await ResumptionApplication.insert(ResumptionApplication(**values)).returning(
        *ResumptionApplication.all_columns())
    return inserted[0]


async def issue_resumption_order(actor: Actor, order_id: int, data: ResumptionOrderIn) -> StopWorkOut:
    """工程复工令 (A.0.7), quoting the stop-work order's number; only once the cause is removed and the
    owner has approved."""
    if actor.role is not Role.chief_inspector:
        raise Forbidden("Only the chief inspector issues a resumption order.", rule="resumption_needs_chief")
    async with transaction():
        order = await stop_row(order_id)
        access.check_stop_work(actor, order)
        if order["status"] != StopStatus.in_force:
            raise Conflict("Order {number} is {status}.", field="status", rule="stop_not_in_force",
                           number=order["number_text"], status=order["status"])
        await _refuse_while_open(order)
        approved = await ResumptionApplication.select().where(
            ResumptionApplication.stop_order == order_id,
            ResumptionApplication.status == ResumptionStatus.approved.value,
        ).order_by(ResumptionApplication.id, ascending=False).limit(1)
        if not approved and data.owner_consent_by.strip() and data.owner_consent_at:
            approved = [await _chief_ordered_application(actor, order, data)]
        if not approved:
            raise Conflict("Resumption needs an application approved by the owner.", rule="owner_approval")
        application = approved[0]
        project = await project_row(order["project"])
        year = clock.today().year
        number = await numbering.next_number(order["project"], "resumption", year)
        number_text = document_number(project["code"], "resumption", year, number)
        scope_text = {"project": "全部工程", "building": order["building"] or "", "part": order["part"]}[
            order["scope"]]
        context = {
            "project_name": project["name"],
            "addressee": await org_name(order["addressed_org"]),
            "issuer": await org_name(order["issuing_org"]),
            "stop_number": order["number_text"],
            "scope": scope_text,
            "resume_at": printed_moment(data.resume_at),
            "application_statement": application["statement"],
            "date": printed_date(clock.today()),
        }
        document = await documents.issue_document(
            actor, project_id=order["project"], kind="resumption", series="resumption", number_text=number_text,
            title="工程复工令", template="inspections/print/resumption.html", context=context,
        )
        await ResumptionOrder.insert(ResumptionOrder(
            stop_order=order_id, application=application["id"], project=order["project"], year=year, number=number,
            number_text=number_text, resume_at=data.resume_at, document=document["id"], issued_by=actor.id,
        ))
        await ResumptionApplication.update({ResumptionApplication.status: ResumptionStatus.ordered.value}).where(
            ResumptionApplication.id == application["id"])
        await StopWorkOrder.update({StopWorkOrder.status: StopStatus.resumed.value,
                                    StopWorkOrder.resumed_at: data.resume_at}).where(StopWorkOrder.id == order_id)
        await audit.record(actor, "resumption.order", "stop_work_order", order_id,
                           {"number": number_text, "stop_number": order["number_text"], "resume_at": data.resume_at})
    return await get_stop_work(actor, order_id)
