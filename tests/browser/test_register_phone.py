"""Community staff on a phone: log in, find a household, add a file entry, see it listed."""

from tests.support import PASSWORD


async def test_staff_finds_a_household_and_files_a_visit(world, browser_page):
    page = browser_page
    await page.goto("/projects")
    assert "/login" in page.url  # anonymous visitors are sent to the login page
    await page.fill("input[name=username]", "staff")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/projects")
    await page.click("text=梅园新村综合改造")
    await page.click("a.button[href$='/households']")
    await page.fill("input[name=q]", "李四")
    # HTMX swaps the results in while typing; only 李四 stays.
    await page.wait_for_function("document.querySelectorAll('#results tbody tr').length === 1")
    assert "张三" not in await page.inner_text("#results")
    await page.click("#results >> text=沪房地静字(1998)第002号")
    await page.wait_for_selector("h1:has-text('李四')")
    await page.select_option("select[name=kind]", "visit")
    await page.fill("textarea[name=summary]", "上门走访：户主同意下周来办公室签约")
    await page.click("form[action$='/file'] button[type=submit]")
    await page.wait_for_selector("#entries >> text=上门走访：户主同意下周来办公室签约")
    entries = await page.inner_text("#entries")
    assert "Staff" in entries
    # The interface is Chinese by default.
    assert "一户一档" in await page.content()
