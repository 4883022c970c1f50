"""On a phone: an inspector files an issue with a photo and issues a notice, the contractor replies with
evidence, the inspector verifies and the notice shows as closed; a stop-work order on the issue blocks
resumption until the issue is verified."""

import datetime as dt
import io
import re
from urllib.parse import urlsplit

from PIL import Image

from tests.support import PASSWORD

API = "/api/v1/inspections"


def photo(color) -> dict:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), color).save(out, format="JPEG")
    return {"name": "site.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


async def login(page, username: str) -> None:
    await page.context.clear_cookies()
    await page.goto("/login")
    await page.fill("input[name=username]", username)
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_load_state("networkidle")


async def api_post(page, path: str, body: dict):
    cookies = {c["name"]: c["value"] for c in await page.context.cookies()}
    return await page.request.post(path, data=body, headers={"x-csrftoken": cookies.get("csrftoken", "")})


async def test_issue_notice_reply_verify_and_stop_work_on_a_phone(world, browser_page):
    page = browser_page
    await login(page, "inspector")
    await page.goto(f"/projects/{world.project}/inspections/issues/new")
    camera = page.locator("input[name=photos]")
    assert await camera.get_attribute("capture") == "environment"
    await camera.set_input_files(photo((180, 40, 40)))
    await page.select_option("select[name=building_id]", str(world.building))
    await page.fill("input[name=part]", "东立面")
    await page.select_option("select[name=category]", "leak_external_wall")
    await page.fill("textarea[name=description]", "三层窗下外墙渗水")
    await page.click("#new-issue button[type=submit]")
    await page.wait_for_url(re.compile(r".*/inspections/issues/\d+$"))
    issue_id = int(page.url.rsplit("/", 1)[1])
    assert await page.locator(".photos img").count() == 1

    await page.goto(f"/projects/{world.project}/inspections/issues")
    await page.check(f"input[name=issue_ids][value='{issue_id}']")
    await page.fill("input[name=subject]", "外墙渗漏整改")
    await page.click("#issue-notice")
    await page.wait_for_url(re.compile(r".*/inspections/notices/\d+$"))
    notice_path = urlsplit(page.url).path
    assert "已签发" in await page.inner_text("#notice-status")

    await login(page, "contractor")
    await page.goto(f"/projects/{world.project}/inspections/inbox")
    await page.click("#notices a")
    await page.wait_for_url(re.compile(r".*/inspections/notices/\d+$"))
    await page.goto(f"/inspections/issues/{issue_id}")
    await page.locator("#evidence-form input[name=photos]").set_input_files(photo((40, 160, 40)))
    await page.click("#evidence-form button[type=submit]")
    await page.wait_for_selector(".photos img >> nth=1")
    await page.goto(notice_path)
    await page.fill(f"textarea[name=explanation_{issue_id}]", "已重做防水层，淋水试验无渗漏")
    await page.click("#send-reply")
    await page.wait_for_load_state("networkidle")
    assert "待复查" in await page.inner_text("#notice-issues")

    # The chief stops work on the building, linked to this issue; resumption is refused while it is open.
    await login(page, "chief")
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    order = await api_post(page, f"{API}/projects/{world.project}/stop-work", {
        "addressed_org_id": world.orgs["Builder Co"], "scope": "building", "building_id": world.building,
        "cause": "major_hazard", "effective_at": now, "owner_consent_by": "王经理", "owner_consent_at": now,
        "issue_ids": [issue_id]})
    assert order.status == 201, await order.text()
    order_id = (await order.json())["id"]
    await login(page, "contractor")
    await page.goto(f"/projects/{world.project}/inspections")
    assert "已停工" in await page.inner_text(".stop-banner")
    refused = await api_post(page, f"{API}/stop-work/{order_id}/applications",
                             {"statement": "已整改", "proposed_date": dt.date.today().isoformat()})
    assert refused.status == 409 and f"#{issue_id}" in (await refused.json())["detail"]

    await login(page, "inspector")
    await page.goto(f"/inspections/issues/{issue_id}")
    await page.fill("#recheck form:first-of-type textarea[name=opinion]", "复查合格")
    await page.click("#verify")
    await page.wait_for_load_state("networkidle")
    assert "已销号" in await page.inner_text("#issue-status")
    await page.goto(notice_path)
    assert "已关闭" in await page.inner_text("#notice-status")

    await login(page, "contractor")
    applied = await api_post(page, f"{API}/stop-work/{order_id}/applications",
                             {"statement": "已整改", "proposed_date": dt.date.today().isoformat()})
    assert applied.status == 201, await applied.text()
