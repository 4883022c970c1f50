"""Roll import and export through HTTP: multipart upload, problem details naming rows, downloads, pages.

One client per test: two test clients running the app's lifespan at once on one app hang at teardown.
Results are read back through the API, not the tables: on PostgreSQL the app's connection pool
belongs to the test client's event loop, not the test's.
"""

from __future__ import annotations

import re

import pytest

HEADER = "权证号,权利人,身份证号/统一社会信用代码,楼号,房号,登记面积"
ROLL = f"{HEADER}\nH-1,张三,310104196001010011,5号楼,101,80.5\nH-2,李四,310104196001010022,5号楼,102,66\n".encode()
BAD = f"{HEADER}\nH-1,张三,310104196001010011,5号楼,101,80.5\nH-2,李四,,5号楼,102,六十\n".encode()


def upload(data: bytes, name: str = "roll.csv") -> dict:
    return {"file": (name, data, "text/csv")}


async def households(client, project_id: int) -> int:
    response = await client.get(f"/api/v1/projects/{project_id}")
    assert response.status_code == 200
    return response.json()["households"]


async def test_staff_imports_a_roll(world, client_for):
    client = await client_for("staff")
    response = await client.post(f"/api/v1/projects/{world.project}/households/import", files=upload(ROLL))
    assert response.status_code == 201, response.text
    assert response.json() == {"imported": 2, "buildings_created": 1, "dwellings_created": 2}
    assert await households(client, world.project) == 5


async def test_a_bad_file_answers_422_naming_rows_and_columns(world, client_for):
    client = await client_for("manager")
    response = await client.post(f"/api/v1/projects/{world.project}/households/import", files=upload(BAD))
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["detail"] == "Rows with errors: 1. Nothing was imported."
    assert [(e["row"], e["column"]) for e in body["errors"]] == [(3, "owner_id"), (3, "registered_area")]
    assert await households(client, world.project) == 3


async def test_an_unknown_file_type_and_a_missing_file_are_422(world, client_for):
    client = await client_for("staff")
    url = f"/api/v1/projects/{world.project}/households/import"
    wrong = await client.post(url, files=upload(ROLL, "roll.pdf"))
    assert wrong.status_code == 422 and wrong.json()["rule"] == "file_type"
    missing = await client.post(url, files={"other": ("roll.csv", ROLL, "text/csv")})
    assert missing.status_code == 422 and missing.json()["field"] == "file"


@pytest.mark.parametrize("username", ["contractor", "inspector", "resident", "outsider"])
async def test_who_may_not_import(world, client_for, username):
    client = await client_for(username)
    response = await client.post(f"/api/v1/projects/{world.project}/households/import", files=upload(ROLL))
    assert response.status_code == 403


async def test_exports_download_as_attachments(world, client_for):
    client = await client_for("inspector")
    csv_response = await client.get(f"/api/v1/projects/{world.project}/households/export.csv")
    assert csv_response.status_code == 200
    assert csv_response.headers["content-type"].startswith("text/csv")
    assert csv_response.headers["content-disposition"] == 'attachment; filename="roll-P1.csv"'
    assert csv_response.content.startswith(b"\xef\xbb\xbf\xe6\x9d\x83\xe8\xaf\x81\xe5\x8f\xb7")  # BOM, 权证号
    xlsx = await client.get(f"/api/v1/projects/{world.project}/households/export.xlsx")
    assert xlsx.status_code == 200
    assert xlsx.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert xlsx.headers["content-disposition"] == 'attachment; filename="roll-P1.xlsx"'
    assert xlsx.content.startswith(b"PK")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
async def test_contractors_never_download_the_roll(world, client_for, fmt):
    client = await client_for("contractor")
    assert (await client.get(f"/api/v1/projects/{world.project}/households/export.{fmt}")).status_code == 403


async def test_import_page_lists_bad_rows_then_reports_success(world, client_for):
    client = await client_for("staff")
    page = await client.get(f"/projects/{world.project}/import")
    assert page.status_code == 200 and 'type="file"' in page.text
    # Post the form as a browser does: the token from the page's hidden field, not a header.
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    del client.headers["x-csrftoken"]

    refused = await client.post(f"/projects/{world.project}/import", files=upload(BAD), data={"_csrf_token": token})
    assert refused.status_code == 422
    assert re.findall(r'<td class="num" data-label="[^"]+">(\d+)</td>', refused.text) == ["3", "3"]
    assert "owner_id" in refused.text and "registered_area" in refused.text

    done = await client.post(
        f"/projects/{world.project}/import", files=upload(ROLL), data={"_csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303
    result = await client.get(done.headers["location"])
    assert result.status_code == 200 and 'class="notice"' in result.text
    assert await households(client, world.project) == 5


async def test_import_page_is_for_register_writers_only(world, client_for):
    client = await client_for("finance")
    assert (await client.get(f"/projects/{world.project}/import")).status_code == 403
