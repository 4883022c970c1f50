"""Error pages speak the reader's language (Chinese by default, English when chosen), name the roles that
may act by their titles, and lead back; the API keeps answering problem details."""

from __future__ import annotations

from tests.integration.inspections.helpers import API, file_issue

HTML = {"accept": "text/html,application/xhtml+xml"}


def _way_back(text: str) -> bool:
    return 'href="/"' in text and "history.back()" in text


async def test_404_and_405_pages_are_chinese_by_default_and_english_when_chosen(world, client_for):
    staff = await client_for("staff")
    missing = await staff.get("/no-such-page", headers=HTML)
    assert missing.status_code == 404
    assert "没有这个页面或记录。" in missing.text and "Not Found" not in missing.text and _way_back(missing.text)
    assert missing.headers["cache-control"] == "no-store"
    wrong = await staff.get(f"/households/{world.households[0]}/file", headers=HTML)
    assert wrong.status_code == 405
    assert "此地址不支持该操作" in wrong.text and "Method Not Allowed" not in wrong.text and _way_back(wrong.text)

    staff.cookies.set("lang", "en")
    missing = await staff.get("/no-such-page", headers=HTML)
    assert missing.status_code == 404 and "There is no such page or record." in missing.text


async def test_403_page_names_the_roles_that_may_by_their_titles(world, client_for):
    resident = await client_for("resident")
    refused = await resident.get(f"/projects/{world.project}/inspections/issues/new", headers=HTML)
    assert refused.status_code == 403
    assert "您无权进行此操作。" in refused.text
    assert "监理工程师" in refused.text and "总监理工程师" in refused.text
    assert "chief_inspector" not in refused.text and _way_back(refused.text)
    resident.cookies.set("lang", "en")
    refused = await resident.get(f"/projects/{world.project}/inspections/issues/new", headers=HTML)
    assert "Chief inspector" in refused.text and "chief_inspector" not in refused.text


async def test_413_page_is_in_the_readers_language(world, client_for):
    visitor = await client_for(None)
    big = b"x" * (11 * 1024 * 1024)  # beyond the default request body limit
    response = await visitor.post("/login", content=big, headers={
        **HTML, "content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413
    assert "提交的内容过大。" in response.text and _way_back(response.text)


async def test_the_api_keeps_problem_details(world, client_for):
    resident = await client_for("resident")
    response = await resident.post(f"{API}/projects/{world.project}/issues", json={})
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 403
    missing = await resident.get("/api/v1/no-such-thing")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/problem+json")


async def test_enumerations_show_their_labels_never_raw_keys(world, client_for):
    inspector = await client_for("inspector")
    issue = await file_issue(inspector, world)
    page = await inspector.get(f"/inspections/issues/{issue['id']}")
    assert page.status_code == 200
    assert ">quality<" not in page.text and ">general<" not in page.text
    inspector.cookies.set("lang", "en")
    page = await inspector.get(f"/inspections/issues/{issue['id']}")
    assert ">quality<" not in page.text and ">general<" not in page.text


def test_label_reads_the_catalog_and_never_shows_a_raw_key():
    from tracker.accounts.roles import Role
    from tracker.i18n import current_locale
    from tracker.web.templating import _label

    token = current_locale.set("zh_CN")
    try:
        assert _label(Role.chief_inspector) == "总监理工程师"
    finally:
        current_locale.reset(token)
    token = current_locale.set("en")
    try:
        assert _label(Role.chief_inspector) == "Chief inspector"
        assert _label("quality") == "Quality"
        assert _label(None) == ""
    finally:
        current_locale.reset(token)


def test_every_enumeration_a_form_or_page_offers_has_a_chinese_label():
    import enum

    import inspections.kinds as inspection_kinds
    from tracker.accounts import roles
    from tracker.handover.kinds import ItemResult
    from tracker.i18n import translations

    catalog = translations("zh_CN")
    kinds = [roles.Role, roles.OrganisationKind, ItemResult]
    kinds += [k for k in vars(inspection_kinds).values() if isinstance(k, type) and issubclass(k, enum.Enum)
              and k.__module__ == inspection_kinds.__name__ and k.__name__ != "NoticeSeries"]
    missing = [f"{k.__name__}.{v.value}" for k in kinds for v in k
               if catalog.gettext(f"enum:{v.value}") == f"enum:{v.value}"]
    assert not missing, f"enumeration values without a label in the catalogs: {missing}"
