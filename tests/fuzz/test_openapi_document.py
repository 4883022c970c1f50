"""The OpenAPI document the fuzzer reads: every operation's refusals as problem details, the real shapes
of results, progress and lotteries, and the content types of the downloads."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.asyncio

PROBLEM = "application/problem+json"


async def _document(client_for) -> dict:
    anonymous = await client_for(None)
    response = await anonymous.get("/schema/openapi.json")
    assert response.status_code == 200
    return response.json()


def _resolve(document: dict, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


async def test_every_operation_lists_its_refusals_as_problem_details(client_for):
    document = await _document(client_for)
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail"} <= set(problem["required"])
    operations = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            operations += 1
            errors = {code: r for code, r in operation["responses"].items() if code.startswith(("4", "5"))}
            assert errors or path == "/health", f"{method.upper()} {path} lists no error response"
            for code, response in errors.items():
                assert list(response["content"]) == [PROBLEM], (method, path, code)
                assert response["content"][PROBLEM]["schema"] == {"$ref": "#/components/schemas/Problem"}
            public = path.startswith(("/api/v1/vote", "/api/v1/public", "/api/v1/verify", "/health")) or path in (
                "/api/v1/auth/login",)
            assert ("401" in errors) is not public, (method, path)
            if "{" in path:
                assert "404" in errors and "422" in errors, (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert "409" in errors, (method, path)
    assert operations > 90
    login = document["paths"]["/api/v1/auth/login"]["post"]["responses"]
    assert "429" in login and "401" not in login


async def test_downloads_declare_their_content_types(client_for):
    document = await _document(client_for)
    expected = {
        "/api/v1/documents/{document_id}/pdf": "application/pdf",
        "/api/v1/inspections/notices/{notice_id}/reply.pdf": "application/pdf",
        "/api/v1/consultations/{consultation_id}/results.csv": "text/csv; charset=utf-8",
        "/api/v1/consultations/{consultation_id}/results.xlsx":
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "/api/v1/inspections/projects/{project_id}/ledger.xlsx":
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "/api/v1/projects/{project_id}/households/export.csv": "text/csv; charset=utf-8",
        "/api/v1/inspections/photos/{photo_id}": "image/*",
    }
    for path, media in expected.items():
        assert list(document["paths"][path]["get"]["responses"]["200"]["content"]) == [media], path


async def test_results_progress_and_lottery_have_their_real_shapes(client_for):
    document = await _document(client_for)

    def success(path: str, method: str = "get") -> dict:
        responses = document["paths"][path][method]["responses"]
        ok = responses.get("200") or responses.get("201")
        return ok["content"]["application/json"]["schema"]

    results = _resolve(document, success("/api/v1/consultations/{consultation_id}/results"))
    assert {"consultation_id", "status", "rule_key", "items", "non_voters_notice"} <= set(results["properties"])
    item = _resolve(document, results["properties"]["items"]["items"])
    totals = _resolve(document, item["properties"]["totals"])
    assert {"agree_titles", "roll_area", "agree_rate_roll"} <= set(totals["properties"])
    assert _resolve(document, success("/api/v1/public/consultations/{consultation_id}/results")) == results
    progress = success("/api/v1/consultations/{consultation_id}/progress")
    assert progress["type"] == "array"
    assert {"day", "tally"} <= set(_resolve(document, progress["items"])["properties"])
    for path, method in [("/api/v1/consultations/{consultation_id}/lottery", "post"),
                         ("/api/v1/consultations/{consultation_id}/lottery/{purpose}", "get")]:
        lottery = _resolve(document, success(path, method))
        assert {"seed", "order", "result_hash", "algorithm"} <= set(lottery["properties"]), path
