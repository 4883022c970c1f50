"""What the funding domain leaves waiting: finance's monthly report (资金月报) of the month just ended,
pending (待填报) or a draft (待提交) until a version is submitted (已提交), due on the configured day of
the next month (`funding.indicators.deadline`)."""

from __future__ import annotations

import datetime as dt

from funding.indicators import ReportSettings, ReportStatus, deadline, month_start
from funding.report_tables import FundingReport
from tracker.accounts.actor import Actor
from tracker.accounts.roles import FUNDING_WRITERS, Role
from tracker.register.tables import Project
from tracker.todo.kinds import TodoKind
from tracker.todo.schemas import TodoOut


async def monthly_reports(actor: Actor, today: dt.date, count_only: bool):
    if Role(actor.role) not in FUNDING_WRITERS or not actor.project_ids:
        return 0 if count_only else []
    month = month_start(month_start(today) - dt.timedelta(days=1))
    submitted = FundingReport.select(FundingReport.project).where(
        FundingReport.month == month, FundingReport.status == ReportStatus.submitted.value)
    where = [Project.id.is_in(list(actor.project_ids)), Project.archived_at.is_null(), Project.id.not_in(submitted)]
    if count_only:
        return await Project.count().where(*where)
    due = deadline(month, ReportSettings.from_env())
    rows = await Project.select(Project.id, Project.name).where(*where)
    return [TodoOut(kind=TodoKind.monthly_report.value, title=f"{month:%Y-%m}",
                    href=f"/projects/{r['id']}/funding/report?month={month:%Y-%m}", project_id=r["id"],
                    project_name=r["name"], due=due, overdue=due < today)
            for r in rows]


SOURCES = [monthly_reports]
