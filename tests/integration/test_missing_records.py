"""An id that names nothing is a 404 (or a refusal), never a 500: every GET route, as the admin.

The admin passes every role and membership guard, so what answers is the handler itself with ids no
row has. The fuzzer found this once (the handover lists read `rows[0]` of a missing project); this test
walks the whole route table so the next route with the same slip fails here, not in CI's fuzzing.
"""

from __future__ import annotations

import re

from litestar.routes import HTTPRoute

from tracker.app import create_app

MISSING = 2147483646
PARAM = re.compile(r"\{(\w+):(\w+)\}")
SKIP = {"/static"}


def _get_paths() -> list[str]:
    paths = []
    for route in create_app().routes:
        if not isinstance(route, HTTPRoute) or route.path in SKIP or "GET" not in route.methods:
            continue
        kinds = [kind for _, kind in PARAM.findall(route.path)]
        if not kinds or any(kind not in {"int", "str"} for kind in kinds):
            continue
        paths.append(PARAM.sub(lambda m: str(MISSING) if m.group(2) == "int" else "no-such-thing", route.path))
    return sorted(set(paths))


async def test_every_get_route_answers_a_missing_id_without_a_server_error(world, client_for):
    admin = await client_for("admin")
    paths = _get_paths()
    assert len(paths) > 100  # the route table was read, not an empty list
    failures = []
    for path in paths:
        response = await admin.get(path)
        if response.status_code >= 500:
            failures.append((path, response.status_code))
    assert not failures, failures
