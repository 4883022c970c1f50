"""My to-do's sources outside inspections: paper ballot sheets waiting for a second staff member, and
finance's monthly funding report of the month just ended, each with its due date, overdue first, linked
to the page where it is done and counted in the header."""

from __future__ import annotations

import datetime as dt
import re

from tests.integration.consultations.helpers import draft, make_roll, open_consultation
from tracker import clock

ROW = re.compile(r"<tr( class=\"overdue\")?>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*>(.*?)</td>\s*<td[^>]*><a href=\"([^\"]+)\"",
                 re.S)


def _rows(html: str) -> list[tuple[bool, str, str, str]]:
    return [(bool(flag), due, kind, href) for flag, due, kind, href in ROW.findall(html)]


def _count(html: str) -> int:
    found = re.search(r'id="todo-count">(\d+)<', html)
    return int(found.group(1)) if found else 0


async def test_a_paper_sheet_waits_on_the_other_staff_members_until_confirmed(world, client_for):
    staff, manager = await client_for("staff"), await client_for("manager")
    _, building = await make_roll(world.project, [{"cert": f"T{n}", "area": "60", "owner": f"t{n}"} for n in (1, 2)])
    vote = await open_consultation(manager, world.project, draft(items=1, scope="building", building_id=building))
    item = vote["items"][0]["id"]
    entered = await staff.post(f"/consultations/{vote['id']}/paper", data={
        "_csrf_token": staff.cookies.get("csrftoken"), "certificate_no": "T1", f"item_{item}": "agree"},
        follow_redirects=False)
    assert entered.status_code < 400, entered.text[:300]
    href = f"/consultations/{vote['id']}#pending"
    page = await manager.get("/my/todo")
    mine = [r for r in _rows(page.text) if r[3] == href]
    assert len(mine) == 1 and "纸质表决票待第二人核对" in mine[0][2], page.text[:2000]
    assert _count(page.text) == len(_rows(page.text))
    assert 'id="pending"' in (await manager.get(href.split("#")[0])).text  # the link lands on the sheets
    assert href not in (await staff.get("/my/todo")).text, "the one who entered it cannot confirm it"
    sheet = re.search(r'action="/ballot-sheets/(\d+)/confirm"', (await manager.get(f"/consultations/{vote['id']}")).text)
    confirmed = await manager.post(f"/ballot-sheets/{sheet.group(1)}/confirm", data={
        "_csrf_token": manager.cookies.get("csrftoken"), "consultation_id": str(vote["id"]), f"item_{item}": "agree"},
        follow_redirects=False)
    assert confirmed.status_code < 400, confirmed.text[:300]
    assert href not in (await manager.get("/my/todo")).text


async def test_the_monthly_report_waits_on_finance_until_submitted_and_is_overdue_after_its_deadline(world, client_for):
    href = f"/projects/{world.project}/funding/report?month=2026-11"
    # Each moment logs in afresh inside it: a session made at another time would have expired there.
    with clock.frozen(dt.datetime(2026, 12, 2, 9, tzinfo=dt.timezone.utc)):
        page = await (await client_for("finance")).get("/my/todo")
    due = [r for r in _rows(page.text) if r[3] == href]
    assert len(due) == 1 and not due[0][0] and "2026-12-03" in due[0][1] and "资金月报待填报" in due[0][2], page.text[:2000]
    assert _count(page.text) == len(_rows(page.text))
    with clock.frozen(dt.datetime(2026, 12, 10, 9, tzinfo=dt.timezone.utc)):
        finance, manager = await client_for("finance"), await client_for("manager")
        page = await finance.get("/my/todo")
        rows = _rows(page.text)
        assert [r for r in rows if r[3] == href][0][0], "past the 3rd it is overdue"
        assert [r[0] for r in rows] == sorted((r[0] for r in rows), reverse=True), "overdue rows come first"
        assert href not in (await manager.get("/my/todo")).text, "the report is finance's to file"
        submitted = await finance.post(href, data={
            "_csrf_token": finance.cookies.get("csrftoken"), "gap_arranged": "0", "gap_arrangement": "",
            "remarks": "", "action": "submit"}, follow_redirects=False)
        assert submitted.status_code == 303, submitted.text[:500]
        assert href not in (await finance.get("/my/todo")).text
