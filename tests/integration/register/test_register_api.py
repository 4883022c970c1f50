"""The register through the JSON API: projects, buildings, dwellings, households, file, strategy, bad input."""

from tracker.register.tables import Household


async def test_project_building_dwelling_household_flow(world, client_for):
    manager = await client_for("manager")
    project = await manager.post("/api/v1/projects", json={
        "code": "AZF-01", "name": "桃浦安置房一期", "kind": "resettlement_housing", "district": "普陀区",
        "planned_start": "2026-01-01", "planned_end": "2027-06-30"})
    assert project.status_code == 201, project.text
    pid = project.json()["id"]
    building = await manager.post(f"/api/v1/projects/{pid}/buildings", json={"name": "1号楼", "floors": 18})
    bid = building.json()["id"]
    dwelling = await manager.post(f"/api/v1/buildings/{bid}/dwellings",
                                  json={"number": "1-1801", "floor": 18, "registered_area": "89.37"})
    assert dwelling.status_code == 201, dwelling.text
    assert dwelling.json()["registered_area"] == "89.37"
    household = await manager.post(f"/api/v1/projects/{pid}/households", json={
        "certificate_no": "普2026-001", "holder_names": "钱七", "owner_id": "310107197001011234",
        "dwelling_ids": [dwelling.json()["id"]]})
    assert household.status_code == 201, household.text
    body = household.json()
    assert body["area"] == "89.37" and body["dwellings"] == ["1号楼 1-1801"]
    assert "owner_id" not in body and "owner_key" not in body
    detail = (await manager.get(f"/api/v1/projects/{pid}")).json()
    assert (detail["buildings"], detail["dwellings"], detail["households"]) == (1, 1, 1)


async def test_duplicate_certificate_is_409_naming_the_field_and_nothing_is_written(world, client_for):
    staff = await client_for("staff")
    before = await Household.count()
    response = await staff.post(f"/api/v1/projects/{world.project}/households", json={
        "certificate_no": "沪房地静字(1998)第001号", "holder_names": "重复", "owner_id": "1"})
    assert response.status_code == 409
    problem = response.json()
    assert response.headers["content-type"].startswith("application/problem+json")
    assert problem["field"] == "certificate_no" and "沪房地静字(1998)第001号" in problem["detail"]
    assert await Household.count() == before


async def test_dwelling_already_on_a_title_is_refused_atomically(world, client_for):
    staff = await client_for("staff")
    before = await Household.count()
    response = await staff.post(f"/api/v1/projects/{world.project}/households", json={
        "certificate_no": "NEW-1", "holder_names": "新户", "owner_id": "2", "dwelling_ids": [world.dwellings[0]]})
    assert response.status_code == 409 and response.json()["field"] == "dwelling_ids"
    assert await Household.count() == before


async def test_bad_input_is_4xx_naming_the_field(world, client_for):
    staff = await client_for("staff")
    base = f"/api/v1/projects/{world.project}/households"
    cases = [
        (base, {"holder_names": "缺权证号", "owner_id": "3"}, 400, "certificate_no"),
        (base, {"certificate_no": 5, "holder_names": "类型错", "owner_id": "3"}, 400, "certificate_no"),
        (base, {"certificate_no": "A", "holder_names": "x", "owner_id": "3", "kind": "alien"}, 400, "kind"),
        (base, {"certificate_no": "A", "holder_names": "x", "owner_id": "3", "surprise": 1}, 400, "surprise"),
        (base, {"certificate_no": "A", "holder_names": "x", "owner_id": "3", "dwelling_ids": [999999]}, 404, "dwelling_ids"),
        (f"/api/v1/households/{world.households[0]}/file",
         {"kind": "visit", "occurred_on": "2026-13-45", "summary": "日期错"}, 400, "occurred_on"),
        (f"/api/v1/buildings/{world.building}/dwellings", {"number": "9-9", "registered_area": "-5"}, 422,
         "registered_area"),
    ]
    for path, body, status, field in cases:
        response = await staff.post(path, json=body)
        assert response.status_code == status, (body, response.text)
        assert field in response.text, (body, response.text)
    unknown = await staff.get("/api/v1/households/999999")
    assert unknown.status_code == 404
    not_json = await staff.post(base, content=b"{not json", headers={"content-type": "application/json"})
    assert not_json.status_code == 400


async def test_oversize_body_is_413(world, client_for):
    staff = await client_for("staff")
    huge = b'{"strategy": "' + b"x" * (11 * 1024 * 1024) + b'"}'
    response = await staff.put(f"/api/v1/households/{world.households[0]}/strategy", content=huge,
                               headers={"content-type": "application/json"})
    assert response.status_code == 413


async def test_search_and_filters(world, client_for):
    finance = await client_for("finance")
    base = f"/api/v1/projects/{world.project}/households"
    assert (await finance.get(base, params={"q": "李四"})).json()["total"] == 1
    assert (await finance.get(base, params={"q": "13800000003"})).json()["items"][0]["holder_names"] == "王五"
    assert (await finance.get(base, params={"office": "第一征收事务所"})).json()["total"] == 3
    assert (await finance.get(base, params={"contact_status": "lost"})).json()["total"] == 0
    page = (await finance.get(base, params={"limit": 2, "offset": 2})).json()
    assert (page["total"], len(page["items"])) == (3, 1)
    assert (await finance.get(base, params={"limit": 0})).status_code == 400


async def test_file_entries_and_strategy_history(world, client_for):
    staff = await client_for("staff")
    hid = world.households[1]
    for day, text in [("2026-11-01", "第一次走访"), ("2026-11-05", "约谈户主")]:
        assert (await staff.post(f"/api/v1/households/{hid}/file",
                                 json={"kind": "visit", "occurred_on": day, "summary": text})).status_code == 201
    entries = (await staff.get(f"/api/v1/households/{hid}/file")).json()
    assert [e["summary"] for e in entries] == ["约谈户主", "第一次走访"]
    assert entries[0]["author"] == "Staff"
    future = await staff.post(f"/api/v1/households/{hid}/file",
                              json={"kind": "note", "occurred_on": "2099-01-01", "summary": "未来"})
    assert future.status_code == 422 and future.json()["field"] == "occurred_on"
    for text in ["先做子女工作", "由街道牵头协调"]:
        assert (await staff.put(f"/api/v1/households/{hid}/strategy", json={"strategy": text})).status_code == 200
    assert (await staff.get(f"/api/v1/households/{hid}")).json()["strategy"] == "由街道牵头协调"
    admin = await client_for("admin")
    history = (await admin.get("/api/v1/audit/records", params={"entity": "household", "entity_id": str(hid)})).json()
    assert [r["action"] for r in history if r["action"] == "household.strategy"] == ["household.strategy"] * 2


async def test_mark_lost_contact_and_filter(world, client_for):
    staff = await client_for("staff")
    response = await staff.patch(f"/api/v1/households/{world.households[2]}", json={"contact_status": "lost"})
    assert response.status_code == 200
    lost = (await staff.get(f"/api/v1/projects/{world.project}/households", params={"contact_status": "lost"})).json()
    assert [h["holder_names"] for h in lost["items"]] == ["王五"]
    assert (await staff.patch(f"/api/v1/households/{world.households[2]}", json={})).status_code == 422


async def test_login_is_rate_limited(world, client_for):
    client = await client_for(None)
    for _ in range(5):
        assert (await client.post("/api/v1/auth/login", json={"username": "staff", "password": "bad"})).status_code == 403
    blocked = await client.post("/api/v1/auth/login", json={"username": "staff", "password": "correct-horse-42"})
    assert blocked.status_code == 429
    assert blocked.json()["rule"] == "login_rate_limit"


async def test_health_reports_the_database(world, client_for):
    client = await client_for(None)
    body = (await client.get("/health")).json()
    assert body["database"] == "reachable"
    schema = await client.get("/schema/openapi.json")
    assert schema.status_code == 200 and "/api/v1/projects" in schema.json()["paths"]
