"""Every handover page a role may use is reached from its home by links: the contractor, whom the
schedule does not let in, reaches the acceptance checklist through the project's 分户验收 module
(`/projects/{id}/handover/acceptance`), and no link on the way answers 403 or 404."""

from __future__ import annotations

from urllib.parse import urldefrag, urlsplit

import pytest

from tests.integration.test_navigation import _links

MAX_PAGES = 80


async def _walk(client, project_id: int) -> tuple[set[str], list[str]]:
    """Paths reached from `/` through the project's and handover pages, and the links that failed."""
    seen, queue, failures = set(), ["/"], []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        answer = await client.get(url, follow_redirects=True)
        if answer.status_code in (403, 404) or answer.status_code >= 500:
            failures.append(f"{url} answers {answer.status_code}")
            continue
        for href in (urldefrag(link)[0] for link in _links(answer.text)):
            path = urlsplit(href).path
            if href not in seen and (path == f"/projects/{project_id}" or path.startswith(
                    (f"/projects/{project_id}/handover", "/handover/"))):
                queue.append(href)
            elif path == "/projects" and href not in seen:
                queue.append(href)
    return seen, failures


@pytest.mark.parametrize("role", ["contractor", "inspector", "manager"])
async def test_the_acceptance_checklist_is_reached_by_links_from_home(site, client_for, role):
    seen, failures = await _walk(await client_for(role), site.project)
    assert not failures, failures
    assert f"/projects/{site.project}/handover/acceptance" in seen, sorted(seen)
    assert f"/handover/units/{site.units[0]}/acceptance" in seen, sorted(seen)
    assert f"/handover/units/{site.units[1]}/acceptance" in seen  # the next unit, from the checklist
    assert (f"/projects/{site.project}/handover" in seen) is (role != "contractor")


async def test_the_acceptance_index_counts_units_per_building_and_a_missing_project_is_404(site, client_for):
    contractor = await client_for("contractor")
    page = await contractor.get(f"/projects/{site.project}/handover/acceptance")
    assert page.status_code == 200, page.text[:300]
    assert "A1栋" in page.text and "第一批" in page.text
    assert f'href="/handover/units/{site.units[0]}/acceptance"' in page.text
    assert f'href="/projects/{site.project}/handover"' not in page.text  # the schedule is not the contractor's
    checklist = await contractor.get(f"/handover/units/{site.units[0]}/acceptance")
    assert f'href="/projects/{site.project}/handover/acceptance"' in checklist.text
    assert f'href="/projects/{site.project}/handover"' not in checklist.text
    admin = await client_for("admin")
    assert (await admin.get("/projects/999999/handover/acceptance")).status_code == 404
    resident = await client_for("resident")
    assert (await resident.get(f"/projects/{site.project}/handover/acceptance")).status_code == 403
