"""Schemathesis over the whole OpenAPI document, against a real uvicorn process on the test database:
no generated request, valid or not, may get a 5xx.

Each run is bounded and reproducible: deterministic generation (no random seed, no example database)
and a fixed number of examples per operation (`FUZZ_MAX_EXAMPLES`, default 5). As admin: the coverage
phase (every boundary and invalid value the schema defines), fuzzing in both modes (positive and
negative) and the stateful phase (schemathesis chains calls through the ids responses carry). As a
contractor: fuzzing and stateful. Anonymously: every phase over the public operations.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from xml.etree import ElementTree

import httpx
import pytest

from tests.integration.consultations.helpers import draft, open_consultation
from tests.integration.inspections.helpers import file_issue, issue_notice
from tests.support import PASSWORD

pytestmark = pytest.mark.asyncio

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "5"))
# Logging out (or in again) would change the run's own session; the anonymous run fuzzes the login.
NOT_FUZZED = "^/api/v1/auth/(login|logout)$"
PUBLIC = "^/(health|api/v1/(auth/login|vote.*|public/.*|verify/.*))$"


async def _seed(world, client_for) -> None:
    """Rows for the generated ids to find: an open consultation, an issue on a notice."""
    admin = await client_for("admin")
    await open_consultation(admin, world.project, draft(items=2))
    inspector = await client_for("inspector")
    issue = await file_issue(inspector, world)
    await issue_notice(inspector, world, [issue["id"]])
    await file_issue(inspector, world)


async def _session_headers(base: str, username: str | None) -> list[str]:
    async with httpx.AsyncClient(base_url=base) as client:
        await client.get("/health")
        if username is not None:
            response = await client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
            assert response.status_code == 200, response.text
        cookies = "; ".join(f"{name}={value}" for name, value in client.cookies.items())
        token = client.cookies.get("csrftoken", "")
    return ["-H", f"Cookie: {cookies}", "-H", f"x-csrftoken: {token}"]


def _schemathesis(base: str, headers: list[str], workdir, phases: str, *filters: str) -> tuple[int, str, float]:
    config = workdir / "schemathesis.toml"
    # The coverage phase would also send every other HTTP method to every path: Litestar's 405, not ours.
    config.write_text("[phases.coverage]\nunexpected-methods = []\n")
    command = [
        sys.executable, "-m", "schemathesis.cli", "--config-file", str(config), "run", f"{base}/schema/openapi.json",
        "--checks", "not_a_server_error",
        "--mode", "all",
        "--phases", phases,
        "--max-examples", str(MAX_EXAMPLES),
        "--generation-deterministic",
        "--suppress-health-check", "all",
        "--workers", "1",
        "--request-timeout", "60",
        "--no-color",
        "--output-truncate", "true",
        "--report", "junit", "--report-junit-path", str(workdir / "junit.xml"),
        *headers,
        *filters,
    ]
    started = time.monotonic()
    # Run in a scratch directory: schemathesis keeps a cache of its findings under the working directory.
    done = subprocess.run(command, capture_output=True, text=True, timeout=1200, cwd=workdir)
    return done.returncode, done.stdout + done.stderr + _slowest(workdir / "junit.xml"), time.monotonic() - started


def _slowest(junit, count: int = 8) -> str:
    """The operations that took longest, so a slow run says where its time went."""
    if not junit.exists():
        return ""
    cases = ElementTree.parse(junit).getroot().iter("testcase")
    timed = sorted(((float(c.get("time", 0)), c.get("name", "")) for c in cases), reverse=True)[:count]
    return "\nslowest operations:\n" + "".join(f"  {seconds:6.1f} s  {name}\n" for seconds, name in timed)


# The admin reaches every operation, so its run has the coverage phase (every boundary and invalid value
# the schema defines); the contractor's run generates (both modes) and chains calls, mostly meeting the
# guards, which is what differs for that role.
@pytest.mark.parametrize("username, phases", [("admin", "examples,coverage,fuzzing,stateful"),
                                              ("contractor", "fuzzing,stateful")])
async def test_no_operation_answers_a_server_error(world, client_for, api_server, username, phases, tmp_path):
    await _seed(world, client_for)
    headers = await _session_headers(api_server, username)
    code, output, seconds = _schemathesis(api_server, headers, tmp_path, phases, "--exclude-path-regex", NOT_FUZZED)
    print(f"schemathesis as {username}: {seconds:.0f} s\n{output}")
    assert code == 0, output[-20000:]


async def test_no_public_operation_answers_a_server_error_to_anyone(world, api_server, tmp_path):
    headers = await _session_headers(api_server, None)
    code, output, seconds = _schemathesis(api_server, headers, tmp_path, "examples,coverage,fuzzing,stateful",
                                          "--include-path-regex", PUBLIC)
    print(f"schemathesis anonymous: {seconds:.0f} s\n{output}")
    assert code == 0, output[-20000:]
