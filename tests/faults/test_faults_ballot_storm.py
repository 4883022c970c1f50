"""kill -9 of one of two app processes during a storm of web ballots (as bench/vote_storm.py casts them):
every acknowledged ballot is counted exactly once, the audit chain verifies, the tally cells agree with
the counted ballots."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

pytestmark = pytest.mark.engines_only("postgres")

TITLES = 600
CLIENTS = 24
KILL_AFTER = 150  # acknowledged ballots before the kill
STORM_LIMIT_S = 90
REQUEST_TIMEOUT_S = 15


async def test_kill_9_of_one_app_process_during_a_ballot_storm(fault_env):
    seed = fault_env.driver("storm-seed", str(TITLES))
    consultation, items, codes = seed["consultation"], seed["items"], seed["codes"]
    assert len(codes) == TITLES
    servers = [fault_env.server(), fault_env.server()]
    victim, survivor = servers
    acknowledged: dict[str, str] = {}  # code -> receipt of its last 201
    served_by = {victim.port: 0, survivor.port: 0}
    cut: list[str] = []  # codes whose request was cut by the kill (answered or not, nobody knows)
    unexpected: list[tuple[int, str]] = []
    try:
        for server in servers:
            server.wait_ready(60)
        queue = list(reversed(codes))
        deadline = time.monotonic() + STORM_LIMIT_S
        killed = asyncio.Event()

        async def client(n: int) -> None:
            choices = {str(item): ("agree", "oppose", "abstain")[(n + item) % 3] for item in items}
            server = servers[n % 2]
            http = httpx.AsyncClient(base_url=server.base, timeout=REQUEST_TIMEOUT_S)
            try:
                while queue and time.monotonic() < deadline:
                    code = queue.pop()
                    for _ in range(3):  # the ballot, and at most two more tries after a cut connection
                        try:
                            answer = await http.post("/api/v1/vote", json={"code": code, "choices": choices})
                        except httpx.TransportError:
                            assert server is victim, "the surviving process dropped a connection"
                            cut.append(code)
                            await killed.wait()
                            # Its voter tries again, on the process that is still there.
                            await http.aclose()
                            server = survivor
                            http = httpx.AsyncClient(base_url=server.base, timeout=REQUEST_TIMEOUT_S)
                            continue
                        if answer.status_code == 201:
                            acknowledged[code] = answer.json()["receipt_no"]
                            served_by[server.port] += 1
                        else:
                            unexpected.append((answer.status_code, answer.text[:300]))
                        break
            finally:
                await http.aclose()

        async def killer() -> None:
            while len(acknowledged) < KILL_AFTER and time.monotonic() < deadline:
                await asyncio.sleep(0.005)
            victim.kill9()
            killed.set()

        await asyncio.wait_for(asyncio.gather(killer(), *(client(n) for n in range(CLIENTS))), STORM_LIMIT_S + 30)
    finally:
        for server in servers:
            server.stop()

    assert victim.process.returncode == -9
    assert not unexpected, unexpected[:5]
    assert served_by[victim.port] > 0 and served_by[survivor.port] > served_by[victim.port], served_by
    assert cut, "the kill cut no request: it did not happen during the storm"
    assert len(acknowledged) == TITLES, f"{TITLES - len(acknowledged)} voters never got an answer"

    check = fault_env.driver("storm-check", str(consultation))
    # Counted exactly once: one counted sheet per title, and it is the one whose receipt the voter holds
    # (a ballot cut by the kill may have been stored: the voter's retry supersedes it).
    assert check["double"] == 0
    assert sorted(acknowledged.values()) == check["counted"]
    assert check["drift"] == []
    assert check["audit_ok"], check
    assert check["ballots_audited"] == check["sheets"] >= TITLES  # every stored sheet has its record
    print(f"storm: acknowledged={len(acknowledged)} by_victim={served_by[victim.port]} "
          f"by_survivor={served_by[survivor.port]} cut={len(cut)} audited={check['ballots_audited']}")
