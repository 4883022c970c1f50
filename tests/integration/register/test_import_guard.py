"""A roll import waits while a consultation of the project is open: its roll is frozen, and adding
titles to the register then would make the two diverge."""

from __future__ import annotations

import re

from tests.integration.consultations.helpers import draft, open_consultation

HEADER = "权证号,权利人,身份证号/统一社会信用代码,楼号,房号,登记面积"
ROLL = f"{HEADER}\nH-1,张三,310104196001010011,5号楼,101,80.5\n".encode()


def upload() -> dict:
    return {"file": ("roll.csv", ROLL, "text/csv")}


async def households(client, project_id: int) -> int:
    return (await client.get(f"/api/v1/projects/{project_id}")).json()["households"]


async def test_import_is_refused_with_409_while_a_consultation_is_open(world, client_for):
    manager = await client_for("manager")
    c = await open_consultation(manager, world.project, draft())
    staff = await client_for("staff")

    refused = await staff.post(f"/api/v1/projects/{world.project}/households/import", files=upload())
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    body = refused.json()
    assert body["rule"] == "frozen_when_open" and body["field"] == "project_id"
    assert "加装电梯表决" in body["detail"] and "frozen_when_open" in body["detail"]
    assert await households(staff, world.project) == 3

    # Another project's import is not concerned.
    other = await (await client_for("admin")).post(
        f"/api/v1/projects/{world.other_project}/households/import", files=upload())
    assert other.status_code == 201, other.text

    await manager.post(f"/api/v1/consultations/{c['id']}/close")
    imported = await staff.post(f"/api/v1/projects/{world.project}/households/import", files=upload())
    assert imported.status_code == 201, imported.text
    assert await households(staff, world.project) == 4


async def test_import_page_tells_staff_the_frozen_roll_would_diverge(world, client_for):
    manager = await client_for("manager")
    await open_consultation(manager, world.project, draft())
    staff = await client_for("staff")
    page = await staff.get(f"/projects/{world.project}/import")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    del staff.headers["x-csrftoken"]

    refused = await staff.post(f"/projects/{world.project}/import", files=upload(), data={"_csrf_token": token})
    assert refused.status_code == 409
    assert 'role="alert"' in refused.text
    assert "本项目的表决“加装电梯表决”正在进行，其名册已冻结（规则 frozen_when_open）" in refused.text
    assert await households(staff, world.project) == 3
