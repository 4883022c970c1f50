"""Grouped results with subtotals, exports, the scheduler's closing and snapshots, next rounds."""

import csv
import datetime as dt
import io

from openpyxl import load_workbook

from tests.integration.consultations.helpers import draft, make_roll, open_consultation, paper_vote
from tracker.consultations import jobs as consultation_jobs
from tracker.consultations import services
from tracker.consultations.tables import Consultation, ConsultationSnapshot
from tracker.jobs import run_job

# An intent round laid out as offices post it: residents by office and subdistrict, work units apart.
ROLL = [
    {"cert": "A1", "area": "40", "owner": "a1", "office": "一所", "subdistrict": "甲"},
    {"cert": "A2", "area": "40", "owner": "a2", "office": "一所", "subdistrict": "甲"},
    {"cert": "A3", "area": "40", "owner": "a3", "office": "一所", "subdistrict": "乙"},
    {"cert": "B1", "area": "40", "owner": "b1", "office": "二所", "subdistrict": "乙"},
    {"cert": "B2", "area": "40", "owner": "b2", "office": "二所", "subdistrict": "乙"},
    {"cert": "U1", "area": "500", "owner": "unit", "kind": "work_unit", "office": "一所", "subdistrict": "甲"},
]


async def _intent(world, client_for, **extra):
    manager = await client_for("manager")
    staff = await client_for("staff")
    _, building_id = await make_roll(world.project, ROLL)
    c = await open_consultation(manager, world.project, draft(
        "roll_share", kind="intent", rule_params={"p": "9/10"}, scope="building", building_id=building_id, **extra))
    item = str(c["items"][0]["id"])
    for cert, choice in {"A1": "agree", "A2": "agree", "A3": "oppose", "B1": "agree", "U1": "agree"}.items():
        await paper_vote(staff, manager, c["id"], cert, {item: choice})
    return manager, c


async def test_grouped_results_with_subtotals_work_units_apart_and_total(world, client_for):
    manager, c = await _intent(world, client_for)
    res = (await manager.get(f"/api/v1/consultations/{c['id']}/results?group_by=default")).json()
    rows = [(r["level"], tuple(r["labels"].values()), r["roll_titles"], r["agree_titles"])
            for r in res["items"][0]["rows"]]
    assert rows == [
        ("group", ("resident", "一所", "乙"), 1, 0),
        ("group", ("resident", "一所", "甲"), 2, 2),
        ("subtotal", ("resident", "一所"), 3, 2),
        ("group", ("resident", "二所", "乙"), 2, 1),
        ("subtotal", ("resident", "二所"), 2, 1),
        ("subtotal", ("resident",), 5, 3),
        ("group", ("work_unit", "一所", "甲"), 1, 1),
        ("subtotal", ("work_unit", "一所"), 1, 1),
        ("subtotal", ("work_unit",), 1, 1),
        ("total", (), 6, 4),
    ]
    total = res["items"][0]["totals"]
    assert total["agree_rate_roll"] == "66.67%" and total["not_voted_titles"] == 1
    # 4 of 6 titles is under 9/10 of the WHOLE roll, whatever the share of ballots returned.
    assert res["items"][0]["passed"] is False
    assert res["items"][0]["reasons"][0]["code"] == "agree_titles"

    body = (await manager.get(f"/api/v1/consultations/{c['id']}/results.csv")).content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(body)))
    assert lines[0][:3] == ["事项", "结果", "行"] and lines[-1][2] == "合计"
    xlsx = await manager.get(f"/api/v1/consultations/{c['id']}/results.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == len(lines)


async def test_public_results_wait_for_close_unless_live(world, client_for):
    manager, c = await _intent(world, client_for)
    anon = await client_for(None)
    assert (await anon.get(f"/api/v1/public/consultations/{c['id']}/results")).status_code == 404
    await manager.post(f"/api/v1/consultations/{c['id']}/close")
    public = await anon.get(f"/api/v1/public/consultations/{c['id']}/results")
    assert public.status_code == 200 and public.json()["items"][0]["totals"]["agree_titles"] == 4


async def test_non_voters_counted_as_agree_is_said_on_the_result(world, client_for):
    manager, c = await _intent(world, client_for, non_voters_agree=True)
    res = (await manager.get(f"/api/v1/consultations/{c['id']}/results")).json()
    assert res["non_voters_agree"] is True and "未表决" in res["non_voters_notice"]
    assert res["items"][0]["totals"]["agree_titles"] == 5
    assert res["items"][0]["totals"]["non_voters_counted_as_agree"] is True


async def test_scheduler_closes_decides_and_snapshots_once(world, client_for):
    manager, c = await _intent(world, client_for)
    close_job, snapshot_job = consultation_jobs.jobs()
    now = dt.datetime.now(dt.timezone.utc)
    first = await run_job(snapshot_job, now)
    assert first["snapshots"] == [c["id"]]
    assert await run_job(snapshot_job, now) is None  # once per day
    assert await services.snapshot_open(now) == {"day": first["day"], "snapshots": []}
    assert await ConsultationSnapshot.count() == 1
    progress = (await manager.get(f"/api/v1/consultations/{c['id']}/progress")).json()
    assert progress[0]["tally"][str(c["items"][0]["id"])]["agree_titles"] == 4

    assert (await run_job(close_job, now))["closed"] == []  # not yet due
    later = now + dt.timedelta(days=8)
    assert (await run_job(close_job, later))["closed"] == [c["id"]]
    assert await services.close_due(later) == {"closed": [], "decided": []}
    row = (await Consultation.select().where(Consultation.id == c["id"]))[0]
    assert row["status"] == "decided"
    res = (await manager.get(f"/api/v1/consultations/{c['id']}/results")).json()
    assert res["items"][0]["final"] is True and res["items"][0]["passed"] is False


async def test_next_round_asks_the_failed_items_again(world, client_for):
    manager = await client_for("manager")
    staff = await client_for("staff")
    _, building_id = await make_roll(world.project, ROLL[:5])
    c = await open_consultation(manager, world.project, draft(
        "art278_ordinary", items=2, scope="building", building_id=building_id))
    first, second = (str(i["id"]) for i in c["items"])
    for cert in ("A1", "A2", "A3", "B1"):
        await paper_vote(staff, manager, c["id"], cert, {first: "agree", second: "oppose"})
    await manager.post(f"/api/v1/consultations/{c['id']}/close")
    await manager.post(f"/api/v1/consultations/{c['id']}/decide")
    now = dt.datetime.now(dt.timezone.utc)
    nxt = await manager.post(f"/api/v1/consultations/{c['id']}/next-round",
                             json={"opens_at": now.isoformat(), "closes_at": (now + dt.timedelta(days=3)).isoformat()})
    assert nxt.status_code == 201, nxt.text
    body = nxt.json()
    assert body["round_no"] == 2 and body["previous_id"] == c["id"] and body["status"] == "draft"
    assert [i["asks_again_id"] for i in body["items"]] == [int(second)]
    again = await manager.post(f"/api/v1/consultations/{c['id']}/decide")
    assert again.status_code == 409 and "allowed from decided" in again.json()["detail"]
