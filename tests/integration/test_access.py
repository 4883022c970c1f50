"""Access rules: every route names its guards, and each role is refused where it should be."""

import pytest
from litestar.routes import HTTPRoute

from tracker.app import create_app
from tracker.web.guards import allow_public

# Routes open to anyone, on purpose. Anything else with allow_public fails the test.
PUBLIC = {
    "/health", "/login", "/lang/{code:str}", "/api/v1/auth/login", "/verify/{token:str}",
    "/api/v1/verify/{token:str}", "/schema", "/static",
    # Residents vote with the code on their letter, not an account; results are published.
    "/vote", "/vote/cast", "/api/v1/vote", "/api/v1/vote/lookup",
    "/public/consultations/{consultation_id:int}", "/api/v1/public/consultations/{consultation_id:int}/results",
}


def _handlers():
    app = create_app()
    for route in app.routes:
        if isinstance(route, HTTPRoute):
            for handler in route.route_handlers:
                yield route.path, handler


def test_every_route_declares_its_guards():
    # Litestar adds an OPTIONS handler to every path itself; it answers the allowed methods only.
    missing = [f"{path} {sorted(h.http_methods)}" for path, h in _handlers()
               if not h.resolve_guards() and not path.startswith("/schema") and h.http_methods != {"OPTIONS"}]
    assert not missing, "routes without an explicit access rule: " + ", ".join(missing)


def test_public_routes_are_only_the_intended_ones():
    public = {path for path, h in _handlers() if allow_public in h.resolve_guards()}
    # The check must see the guard itself (a sync guard wrapped by Litestar once hid every route).
    assert "/health" in public
    unexpected = {p for p in public if not any(p == q or p.startswith(q + "/") for q in PUBLIC)}
    assert not unexpected, f"unexpectedly public: {sorted(unexpected)}"


# (method, path template, body, roles allowed). Everyone else must get 403 (or 401 when anonymous).
def _matrix(w):
    household = w.households[0]
    return [
        ("GET", f"/api/v1/projects/{w.project}/households", None,
         {"admin", "manager", "inspector", "chief", "staff", "finance"}),
        ("POST", f"/api/v1/projects/{w.project}/households",
         {"certificate_no": "X-1", "holder_names": "赵六", "owner_id": "310104196001019999"},
         {"admin", "manager", "staff"}),
        ("GET", f"/api/v1/households/{household}", None,
         {"admin", "manager", "inspector", "chief", "staff", "finance", "resident"}),
        ("GET", f"/api/v1/households/{w.households[1]}", None,
         {"admin", "manager", "inspector", "chief", "staff", "finance"}),
        ("POST", f"/api/v1/households/{household}/file",
         {"kind": "call", "occurred_on": "2026-11-01", "summary": "电话联系"}, {"admin", "staff"}),
        ("PUT", f"/api/v1/households/{household}/strategy", {"strategy": "先解决老人安置"}, {"admin", "staff"}),
        ("POST", "/api/v1/projects",
         {"code": "NEW-{role}", "name": "新项目", "kind": "retrofit"}, {"admin", "manager"}),
        ("GET", "/api/v1/users", None, {"admin"}),
        ("GET", "/api/v1/audit/verify", None, {"admin"}),
        ("POST", f"/api/v1/projects/{w.project}/buildings", {"name": "B-{role}"}, {"admin", "manager", "staff"}),
        ("GET", f"/api/v1/projects/{w.project}", None,
         {"admin", "manager", "inspector", "chief", "staff", "finance", "contractor", "resident"}),
    ]


ROLES = ["admin", "manager", "inspector", "chief", "contractor", "staff", "finance", "resident", "outsider", None]


@pytest.mark.parametrize("role", ROLES)
async def test_role_matrix(world, client_for, role):
    client = await client_for(role)
    failures = []
    for method, path, body, allowed in _matrix(world):
        if isinstance(body, dict):
            body = {k: (v.replace("{role}", str(role)) if isinstance(v, str) else v) for k, v in body.items()}
        response = await client.request(method, path, json=body)
        if role in allowed:
            if response.status_code in (401, 403):
                failures.append(f"{role} refused {method} {path}: {response.status_code}")
        else:
            expected = 401 if role is None else 403
            if response.status_code != expected:
                failures.append(f"{role} got {response.status_code} (want {expected}) on {method} {path}")
    assert not failures, "\n".join(failures)


async def test_contractor_sees_no_household_roll_and_pages_redirect_anonymous(world, client_for):
    anonymous = await client_for(None)
    page = await anonymous.get("/projects", follow_redirects=False)
    assert page.status_code in (302, 303) and page.headers["location"].startswith("/login")
    contractor = await client_for("contractor")
    listing = await contractor.get(f"/projects/{world.project}/households")
    assert listing.status_code == 403
    assert "张三" not in listing.text


async def test_unsafe_request_without_csrf_token_is_refused(world, client_for):
    staff = await client_for("staff")
    del staff.headers["x-csrftoken"]
    response = await staff.put(f"/api/v1/households/{world.households[0]}/strategy", json={"strategy": "x"})
    assert response.status_code == 403
