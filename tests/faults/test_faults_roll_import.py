"""kill -9 of the app process in the middle of a large roll import through the API: nothing is written."""

from __future__ import annotations

import asyncio
import time

import asyncpg
import httpx
import pytest

from tests.faults.conftest import login
from tracker.register import rollfile

pytestmark = pytest.mark.engines_only("postgres")

ROWS = 20_000
WRITING_TIMEOUT_S = 90
SETTLE_TIMEOUT_S = 30


def _roll(count: int) -> bytes:
    return rollfile.roll_csv(
        {
            "certificate_no": f"沪房地浦字(2020)第{i:07d}号", "holder_names": f"权利人{i}",
            "owner_id": f"3101151960{i:08d}", "kind": "居民", "office": "第一征收事务所",
            "subdistrict": "塘桥街道", "phone": f"139{i:08d}", "contact_status": "正常",
            "building": f"{i // 120 + 1}号楼", "dwelling": f"{i % 120 // 20 + 1}-{i % 20 + 1:02d}",
            "stairwell": str(i % 120 // 20 + 1), "floor": i % 20 // 2 + 1, "registered_area": "72.50",
        }
        for i in range(count)
    )


async def test_kill_9_during_a_roll_import_writes_nothing(fault_env):
    world = fault_env.driver("prepare")
    data = _roll(ROWS)
    server = fault_env.server()
    watcher = None
    try:
        server.wait_ready(60)
        async with httpx.AsyncClient(base_url=server.base, timeout=WRITING_TIMEOUT_S + 30) as http:
            await login(http, "staff")
            before = fault_env.driver("counts")
            watcher = await asyncpg.connect(fault_env.url)
            upload = asyncio.create_task(http.post(
                f"/api/v1/projects/{world['project']}/households/import",
                files={"file": ("roll.csv", data, "text/csv")},
            ))
            # Wait until the import's transaction is inserting the households, its buildings and dwellings
            # already written (uncommitted), then kill the process holding it.
            deadline = time.monotonic() + WRITING_TIMEOUT_S
            writing = None
            while writing is None and time.monotonic() < deadline and not upload.done():
                writing = await watcher.fetchrow(
                    "SELECT pid, left(query, 60) AS query FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL "
                    "AND query LIKE 'INSERT INTO \"household\"%'")
                if writing is None:
                    await asyncio.sleep(0.01)
            assert writing is not None, (f"the import never started writing: "
                                         f"{upload.result().text[:300] if upload.done() else 'timed out'}")
            server.kill9()
            with pytest.raises(httpx.TransportError):
                await upload
            # The server's backend notices its client is gone and rolls back.
            deadline = time.monotonic() + SETTLE_TIMEOUT_S
            while time.monotonic() < deadline and await watcher.fetchval(
                    "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"):
                await asyncio.sleep(0.05)
    finally:
        server.stop()
        if watcher is not None:
            await watcher.close()

    after = fault_env.driver("counts")
    assert after == before, {t: (before["tables"][t], n) for t, n in after["tables"].items() if before["tables"][t] != n}
    assert after["tables"]["household"] == len(world["households"])
    print(f"import killed while running {writing['query']!r}")
