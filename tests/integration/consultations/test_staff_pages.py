"""Staff pages: a supervisor settles a mismatched paper sheet, signing dates, the order lottery and the
progress chart, each through its form as a browser posts it."""

import datetime as dt
import re

from tests.integration.consultations.helpers import draft, make_roll, open_consultation, paper_vote
from tracker.accounts.actor import SYSTEM
from tracker.consultations import services
from tracker.consultations.counting import Choice
from tracker.consultations.kinds import SheetStatus
from tracker.consultations.lottery import draw_order, result_hash
from tracker.consultations.tables import CountedBallot

MENU = [{"cert": f"P{n}", "area": "60", "owner": f"p{n}"} for n in range(1, 4)]
SIGNING = [{"cert": f"S{n}", "area": "30", "owner": f"s{n}", "name": f"户主{n}"} for n in range(1, 5)]
SEED = "2026-11-23 福彩3D 第2026318期 开奖号 472"


def _form(client, **fields):
    return {"_csrf_token": client.cookies.get("csrftoken"), **fields}


async def _menu(world, client_for):
    manager = await client_for("manager")
    _, building_id = await make_roll(world.project, MENU)
    c = await open_consultation(manager, world.project, draft(items=2, scope="building", building_id=building_id))
    return manager, c, [i["id"] for i in c["items"]]


async def _signing(world, client_for):
    manager = await client_for("manager")
    _, building_id = await make_roll(world.project, SIGNING)
    c = await open_consultation(manager, world.project, draft(
        "roll_share", kind="signing", rule_params={"p": "3/4"}, scope="building", building_id=building_id))
    roll = {e["certificate_no"]: e["id"] for e in (await manager.get(f"/api/v1/consultations/{c['id']}/roll")).json()}
    return manager, c, roll


async def _mismatch(world, client_for):
    """Staff enter P1 as agree/agree; the manager's second entry reads agree/oppose."""
    manager, c, ids = await _menu(world, client_for)
    staff = await client_for("staff")
    first = {f"item_{ids[0]}": "agree", f"item_{ids[1]}": "agree"}
    second = {f"item_{ids[0]}": "agree", f"item_{ids[1]}": "oppose"}
    entered = await staff.post(f"/consultations/{c['id']}/paper", data=_form(staff, certificate_no="P1", **first))
    assert entered.status_code == 200, entered.text
    sheet = (await services.list_sheets(c["id"]))[0]
    flagged = await manager.post(f"/ballot-sheets/{sheet.id}/confirm",
                                 data=_form(manager, consultation_id=c["id"], **second))
    assert flagged.status_code == 200
    assert f'data-sheet="{sheet.id}"' in flagged.text and "复核不一致" in flagged.text
    return manager, staff, c, ids, sheet, second


async def test_a_mismatch_is_flagged_then_a_supervisor_settles_it_on_the_page(world, client_for):
    manager, staff, c, ids, sheet, second = await _mismatch(world, client_for)
    resolve = f"/ballot-sheets/{sheet.id}/resolve"

    # Staff see the mismatch with both entries, but settling it is a supervisor's.
    seen = await staff.get(f"/consultations/{c['id']}")
    assert f'data-sheet="{sheet.id}"' in seen.text and f'action="{resolve}"' not in seen.text
    refused = await staff.post(resolve, data=_form(staff, consultation_id=c["id"], decision="count", **second))
    assert refused.status_code == 403
    assert f'action="{resolve}"' in (await manager.get(f"/consultations/{c['id']}")).text

    # A missing choice and a consultation of nobody's are refused on the page, never a 500.
    partial = await manager.post(resolve, data=_form(manager, consultation_id=c["id"], decision="count",
                                                     **{f"item_{ids[0]}": "agree"}))
    assert partial.status_code == 422 and 'role="alert"' in partial.text
    elsewhere = await manager.post(resolve, data=_form(manager, consultation_id=999999, decision="count", **second))
    assert elsewhere.status_code == 404
    assert await CountedBallot.count() == 0

    settled = await manager.post(resolve, data=_form(manager, consultation_id=c["id"], decision="count", **second))
    assert settled.status_code == 200 and 'role="status"' in settled.text and sheet.receipt_no in settled.text
    assert f'data-sheet="{sheet.id}"' not in settled.text
    counted = await services.list_sheets(c["id"], SheetStatus.counted)
    assert [s.id for s in counted] == [sheet.id]
    assert counted[0].choices == {ids[0]: Choice.AGREE, ids[1]: Choice.OPPOSE}
    assert await CountedBallot.count() == 2

    again = await manager.post(resolve, data=_form(manager, consultation_id=c["id"], decision="count", **second))
    assert again.status_code == 409 and 'role="alert"' in again.text


async def test_a_supervisor_may_reject_a_mismatched_sheet_on_the_page(world, client_for):
    _, _, c, _, sheet, _ = await _mismatch(world, client_for)
    admin = await client_for("admin")
    rejected = await admin.post(f"/ballot-sheets/{sheet.id}/resolve",
                                data=_form(admin, consultation_id=c["id"], decision="reject"))
    assert rejected.status_code == 200 and "已由主管作废" in rejected.text
    assert [s.status for s in await services.list_sheets(c["id"])] == [SheetStatus.rejected]
    assert await CountedBallot.count() == 0


async def test_signing_dates_entered_on_the_page_show_on_the_signing_board(world, client_for):
    manager, c, roll = await _signing(world, client_for)
    staff = await client_for("staff")
    url = f"/consultations/{c['id']}/signing"
    page = await staff.get(url)
    assert page.status_code == 200 and page.text.count('type="date"') == 3 * len(SIGNING)

    today = dt.date.today().isoformat()
    signed = await staff.post(f"{url}/{roll['S1']}", data=_form(staff, signed_on=today, sealed_on="", moved_on=""))
    assert signed.status_code == 200
    assert "权证 S1 的日期已保存。" in signed.text and "该签约计入签约比例。" in signed.text
    # An empty field keeps the recorded date: sealing and moving out later leave the signature as it is.
    later = await staff.post(f"{url}/{roll['S1']}", data=_form(staff, signed_on="", sealed_on=today, moved_on=today))
    assert later.status_code == 200 and "该签约计入签约比例。" not in later.text

    unsigned = await staff.post(f"{url}/{roll['S2']}", data=_form(staff, sealed_on=today))
    assert unsigned.status_code == 422 and "签约后方可封房或搬迁。" in unsigned.text
    assert (await staff.post(f"{url}/{roll['S2']}", data=_form(staff, signed_on="2026-13-01"))).status_code == 422
    assert (await staff.post(f"{url}/{roll['S2']}", data=_form(staff))).status_code == 422

    board = await manager.get("/signing-board")
    assert board.status_code == 200 and board.text.count("25.00% (1)") == 3
    api = (await manager.get("/api/v1/signing-board")).json()[0]
    assert (api["signed"], api["sealed"], api["moved"]) == (1, 1, 1)

    found = await manager.get(url, params={"q": "S1"})
    assert found.text.count('data-entry="') == 1 and found.text.count(f'value="{today}"') == 3

    # Readers see the dates; only consultation staff write them.
    inspector = await client_for("inspector")
    read = await inspector.get(url)
    assert read.status_code == 200 and 'type="date"' not in read.text and today in read.text
    assert (await inspector.post(f"{url}/{roll['S3']}", data=_form(inspector, signed_on=today))).status_code == 403

    # The progress chart of a signing round draws the required share of the whole roll.
    await services.take_snapshot(SYSTEM, c["id"], dt.date.today())
    chart = await manager.get(f"/consultations/{c['id']}/progress")
    assert 'class="threshold"' in chart.text and "75.00%" in chart.text


async def test_signing_page_of_another_kind_of_consultation_says_so(world, client_for):
    manager, c, _ = await _menu(world, client_for)
    page = await manager.get(f"/consultations/{c['id']}/signing")
    assert page.status_code == 409 and "签约进度只属于签约轮。" in page.text and 'role="alert"' in page.text


async def test_lottery_drawn_on_the_page_equals_the_recomputation_from_the_seed(world, client_for):
    _, c, roll = await _signing(world, client_for)
    staff = await client_for("staff")
    url = f"/consultations/{c['id']}/lottery"
    page = await staff.get(url)
    assert page.status_code == 200 and page.text.count(f'action="{url}"') == 2

    short = await staff.post(url, data=_form(staff, purpose="signing", seed="short"))
    assert short.status_code == 422 and 'role="alert"' in short.text
    unknown = await staff.post(url, data=_form(staff, purpose="parking", seed=SEED))
    assert unknown.status_code == 422

    drawn = await staff.post(url, data=_form(staff, purpose="signing", seed=SEED), follow_redirects=False)
    assert drawn.status_code == 303
    shown = await staff.get(drawn.headers["location"])
    expected = draw_order(SEED, sorted(roll))
    assert re.findall(r'<td class="cert">([^<]+)</td>', shown.text) == expected
    assert result_hash(expected) in shown.text and SEED in shown.text
    assert "已根据种子和名册重新计算：顺序和哈希一致。" in shown.text
    assert (await staff.get(f"/api/v1/consultations/{c['id']}/lottery/signing")).json()["order"] == expected
    assert shown.text.count(f'action="{url}"') == 1  # the unit-selection lottery is still to draw

    again = await staff.post(url, data=_form(staff, purpose="signing", seed="another published seed"))
    assert again.status_code == 409 and 'role="alert"' in again.text

    inspector = await client_for("inspector")
    read = await inspector.get(url)
    assert read.status_code == 200 and re.findall(r'<td class="cert">([^<]+)</td>', read.text) == expected
    assert (await inspector.post(url, data=_form(inspector, purpose="unit_selection", seed=SEED))).status_code == 403


def _points(html: str) -> list[tuple[str, str, str, str]]:
    return re.findall(r'<circle class="point" cx="([\d.]+)" cy="([\d.]+)"[^>]*data-day="([\d-]+)" data-value="([^"]+)"', html)


async def test_progress_page_draws_the_daily_snapshots_as_an_svg_line_chart(world, client_for):
    manager, c, ids = await _menu(world, client_for)
    staff = await client_for("staff")
    day = dt.date(2026, 11, 2)
    await services.take_snapshot(SYSTEM, c["id"], day)
    await paper_vote(staff, manager, c["id"], "P1", {ids[0]: "agree", ids[1]: "oppose"})
    await services.take_snapshot(SYSTEM, c["id"], day + dt.timedelta(days=1))
    await paper_vote(staff, manager, c["id"], "P2", {ids[0]: "agree", ids[1]: "agree"})
    await services.take_snapshot(SYSTEM, c["id"], day + dt.timedelta(days=3))  # no snapshot on the 4th

    page = await manager.get(f"/consultations/{c['id']}/progress")
    assert page.status_code == 200
    assert re.search(r'<svg [^>]*role="img"', page.text) and "<polyline" in page.text
    days = ["2026-11-02", "2026-11-03", "2026-11-05"]
    # All items pooled: 2 items × 3 titles; participation first, then the agree rate.
    assert [(d, v) for _, _, d, v in _points(page.text)] == list(zip(days * 2, [
        "0.00%", "33.33%", "66.67%",  # returned 0, 2, 4 of 6
        "0.00%", "16.67%", "50.00%",  # agree 0, 1, 3 of 6
    ]))
    # The x axis is time: the missing day leaves its gap (1 day of 3 is a third of 572 px from 52);
    # 0% sits on the x axis.
    assert [x for x, _, _, _ in _points(page.text)[:3]] == ["52.0", "242.7", "624.0"]
    assert {y for _, y, _, v in _points(page.text) if v == "0.00%"} == {"256.0"}
    # The same figures as a table, for screen readers and printing.
    assert re.findall(r'<tr data-day="([\d-]+)">', page.text) == days
    assert 'aria-labelledby="progress-chart-title progress-chart-desc"' in page.text

    second = await manager.get(f"/consultations/{c['id']}/progress", params={"item": ids[1]})
    assert [v for _, _, _, v in _points(second.text)][3:] == ["0.00%", "0.00%", "33.33%"]
    missing = await manager.get(f"/consultations/{c['id']}/progress", params={"item": 999999})
    assert missing.status_code == 404 and 'role="alert"' in missing.text

    detail = await manager.get(f"/consultations/{c['id']}")
    assert len(_points(detail.text)) == 6 and 'class="bar"' not in detail.text
