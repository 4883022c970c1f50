"""On a phone: an inspector files an issue with a photo and issues a notice, the contractor replies with
evidence, the inspector verifies and the notice shows as closed; a stop-work order the chief issues on the
issue blocks resumption until the issue is verified, then the resumption runs through the order page to
the 复工令."""

import datetime as dt
import io
import re
from urllib.parse import urlsplit

from PIL import Image

from tests.support import PASSWORD


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


async def test_issue_notice_reply_verify_and_stop_work_on_a_phone(world, browser_page):
    page = browser_page
    await login(page, "inspector")
    await page.goto(f"/projects/{world.project}/inspections/issues/new")
    camera = page.locator("input[name=photos]")
    assert await camera.get_attribute("capture") == "environment"
    await camera.set_input_files(photo((180, 40, 40)))
    await page.select_option("select[name=building_id]", str(world.building))
    await page.fill("input[name=part]", "东立面")
    # Every required choice starts empty: the inspector chooses each one.
    await page.select_option("select[name=kind]", "quality")
    await page.select_option("select[name=severity]", "general")
    await page.select_option("select[name=responsible_org_id]", str(world.orgs["Builder Co"]))
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
    await page.wait_for_selector("#before-after img.after")  # evidence shows as 整改后, beside 整改前
    await page.goto(notice_path)
    await page.fill(f"textarea[name=explanation_{issue_id}]", "已重做防水层，淋水试验无渗漏")
    await page.click("#send-reply")
    await page.wait_for_load_state("networkidle")
    assert "待复查" in await page.inner_text("#notice-issues")

    # The chief stops work on the building through the form, linked to this issue; resumption is refused
    # on the order page, naming the issue, while it is open.
    await login(page, "chief")
    await page.goto(f"/projects/{world.project}/inspections/stop-work")
    await page.click("#new-stop-work")
    await page.select_option("select[name=addressed_org_id]", str(world.orgs["Builder Co"]))
    await page.select_option("select[name=scope]", "building")
    await page.select_option("#stop-work-form select[name=building_id]", str(world.building))
    await page.select_option("select[name=cause]", "major_hazard")
    await page.check(f"#stop-issues input[value='{issue_id}']")
    now = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).strftime("%Y-%m-%dT%H:%M")
    await page.fill("input[name=owner_consent_by]", "王经理")
    await page.fill("input[name=owner_consent_at]", now)
    await page.click("#issue-stop-work")
    await page.wait_for_url(re.compile(r".*/inspections/stop-work/\d+$"))
    order_path = urlsplit(page.url).path
    assert "停工中" in await page.inner_text("#order-status")

    await login(page, "contractor")
    await page.goto(f"/projects/{world.project}/inspections")
    assert "已停工" in await page.inner_text(".stop-banner")
    await page.goto(order_path)
    await page.fill("#apply-form textarea[name=statement]", "已整改")
    await page.click("#apply")
    await page.wait_for_load_state("networkidle")
    assert f"#{issue_id}" in await page.inner_text("#order-error")

    await login(page, "inspector")
    await page.goto(f"/inspections/issues/{issue_id}")
    await page.fill("#recheck form:first-of-type textarea[name=opinion]", "复查合格")
    await page.click("#verify")
    await page.wait_for_load_state("networkidle")
    assert "已销号" in await page.inner_text("#issue-status")
    await page.goto(notice_path)
    assert "已关闭" in await page.inner_text("#notice-status")

    # Application → chief's review → owner's approval → resumption order, each on the order page.
    await login(page, "contractor")
    await page.goto(order_path)
    await page.fill("#apply-form textarea[name=statement]", "连墙件已补齐，经自检合格")
    await page.click("#apply")
    await page.wait_for_load_state("networkidle")
    assert "已申请" in await page.inner_text("#applications")
    for username, button in (("chief", "#review-pass"), ("manager", "#approve"), ("chief", "#resume")):
        await login(page, username)
        await page.goto(order_path)
        await page.click(button)
        await page.wait_for_load_state("networkidle")
    assert "已复工" in await page.inner_text("#order-status")
    assert "-GCFG-" in await page.inner_text("#resumption-number")
