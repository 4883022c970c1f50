"""Register pages: a stop-work order in force shows on the project list, project and building pages."""

from tests.integration.inspections.helpers import API, file_issue
from tests.integration.inspections.test_inspections_stop_work import stop_body


async def test_stopped_building_is_marked_on_register_pages(world, client_for):
    staff = await client_for("staff")
    page = await staff.get(f"/projects/{world.project}")
    assert page.status_code == 200 and "停工" not in page.text

    chief = await client_for("chief")
    issue = await file_issue(chief, world, kind="safety", category="missing_protection", severity="major")
    order = await chief.post(f"{API}/projects/{world.project}/stop-work", json=stop_body(world, [issue["id"]]))
    assert order.status_code == 201, order.text
    number = order.json()["number"]

    for path in ("/projects", f"/projects/{world.project}", f"/buildings/{world.building}"):
        text = (await staff.get(path)).text
        assert "停工" in text, path
    assert number in (await staff.get(f"/buildings/{world.building}")).text
    other = (await staff.get("/projects")).text
    assert other.count("停工") == 1  # only the stopped project carries the badge
