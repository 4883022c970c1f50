"""Import bounds through HTTP: a bomb is a 413 problem naming its rule in the API, the same message on
the import page, and nothing is written; blank rows past the row limit are a 422."""

from __future__ import annotations

import re

from tests import zipbombs
from tests.zipbombs import import_limits  # noqa: F401  (a fixture)

MB = 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


async def households(client, project_id: int) -> int:
    response = await client.get(f"/api/v1/projects/{project_id}")
    assert response.status_code == 200
    return response.json()["households"]


async def test_a_shared_strings_bomb_is_a_413_naming_the_rule(world, client_for, import_limits):
    import_limits(IMPORT_MAX_PART_BYTES=MB)
    client = await client_for("staff")
    before = await households(client, world.project)
    bomb = zipbombs.shared_strings_bomb(4 * MB)
    response = await client.post(
        f"/api/v1/projects/{world.project}/households/import", files={"file": ("roll.xlsx", bomb, XLSX)}
    )
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert (body["status"], body["rule"], body["field"]) == (413, "part_size", "file")
    assert body["detail"] == (
        "Part xl/sharedStrings.xml of the workbook unpacks to more than 1 MB (rule part_size); nothing was imported."
    )
    assert await households(client, world.project) == before


async def test_blank_rows_past_the_limit_are_a_422(world, client_for, import_limits):
    import_limits(IMPORT_MAX_ROWS=10)
    client = await client_for("staff")
    roll = ",".join(zipbombs.HEADER) + "\nB-1,张三,310104196001010011,5号楼,101,80.5\n" + "\n" * 20
    response = await client.post(
        f"/api/v1/projects/{world.project}/households/import",
        files={"file": ("roll.csv", roll.encode(), "text/csv")},
    )
    assert response.status_code == 422 and response.json()["rule"] == "too_many_rows"


async def test_the_import_page_shows_the_same_refusal(world, client_for, import_limits):
    import_limits(IMPORT_MAX_COMPRESSION_RATIO=50)
    client = await client_for("staff")
    page = await client.get(f"/projects/{world.project}/import")
    token = re.search(r'name="_csrf_token" value="([^"]+)"', page.text).group(1)
    del client.headers["x-csrftoken"]
    before = await households(client, world.project)
    bomb = zipbombs.zero_filled("xl/worksheets/sheet1.xml", 8 * MB)
    refused = await client.post(
        f"/projects/{world.project}/import", files={"file": ("roll.xlsx", bomb, XLSX)}, data={"_csrf_token": token}
    )
    assert refused.status_code == 413
    message = re.search(r'<p class="error" role="alert">([^<]+)</p>', refused.text).group(1)
    # The import's own refusal, then what the page adds to any refused form with a file (it is not kept).
    assert message == (
        "工作簿中的部件 xl/worksheets/sheet1.xml 压缩比超过 50 倍（规则 compression_ratio），疑为压缩炸弹，未导入任何数据。"
        " 请重新选择文件：表单被退回时不保留已选的文件。"
    )
    assert await households(client, world.project) == before
