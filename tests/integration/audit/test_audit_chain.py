"""The audit log is hash-chained: verification passes on an untouched log and names the first bad row."""

import asyncio
import datetime as dt
import os
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tracker import audit
from tracker.accounts.actor import SYSTEM
from tracker.audit.services import head_hash
from tracker.audit.tables import AuditHead, AuditRecord
from tracker.db import engine, transaction


async def _write(n: int) -> None:
    for i in range(n):
        async with transaction():
            await audit.record(SYSTEM, "test.event", "thing", i, {"i": i, "text": "整改"})


async def test_untouched_log_verifies(world):
    await _write(3)
    result = await audit.verify()
    assert result.ok, result
    assert result.checked == await AuditRecord.count()


async def test_changed_payload_is_named_by_its_sequence(world):
    await _write(3)
    target = (await AuditRecord.select(AuditRecord.seq).order_by(AuditRecord.seq).offset(4).limit(1))[0]["seq"]
    await AuditRecord.update({AuditRecord.payload: '{"i":999}'}).where(AuditRecord.seq == target)
    result = await audit.verify()
    assert not result.ok
    assert result.first_bad_seq == target
    assert "hash" in result.reason


async def test_deleted_row_and_truncated_tail_are_detected(world):
    await _write(3)
    last = await AuditRecord.count()
    await AuditRecord.delete().where(AuditRecord.seq == 2)
    assert (await audit.verify()).first_bad_seq == 3
    await engine().run_ddl("DELETE FROM audit_record WHERE seq > 1")
    result = await audit.verify()
    assert not result.ok and "head" in result.reason
    assert (await AuditHead.select(AuditHead.seq))[0]["seq"] == last


async def test_concurrent_writers_never_fork_the_chain(world):
    await asyncio.gather(*(_write(1) for _ in range(20)))
    result = await audit.verify()
    assert result.ok, result
    seqs = [r["seq"] for r in await AuditRecord.select(AuditRecord.seq).order_by(AuditRecord.seq)]
    assert seqs == list(range(1, len(seqs) + 1))


ENTRIES = [("test.bulk", "thing", i, {"i": i, "text": "交房确认书", "area": Decimal("160.50"), "on": dt.date(2026, 12, 10)})
           for i in range(7)]


class Undone(Exception):
    """Raised to roll a transaction back after reading what it wrote."""


async def _appended_after(seq: int) -> tuple[list[dict], dict]:
    records = await AuditRecord.select().where(AuditRecord.seq > seq).order_by(AuditRecord.seq)
    head = (await AuditHead.select().where(AuditHead.id == 1))[0]
    return [{k: v for k, v in r.items() if k != "id"} for r in records], head


async def test_record_many_appends_what_as_many_records_would(world, monkeypatch):
    """`record_many` gives the records, links, hashes and head that one `record` per entry would (at the
    same moment), in three statements however many entries, and in chunks when one INSERT cannot
    carry them all; the chain verifies."""
    from tracker import clock, db

    before = (await AuditHead.select(AuditHead.seq))[0]["seq"]
    with clock.frozen(dt.datetime(2026, 12, 10, 2, 0, tzinfo=dt.timezone.utc)):
        with pytest.raises(Undone):
            async with transaction():
                seqs = [await audit.record(SYSTEM, *entry) for entry in ENTRIES]
                one_by_one = await _appended_after(before)
                raise Undone
        assert (await AuditHead.select(AuditHead.seq))[0]["seq"] == before  # rolled back
        async with transaction():
            with db.recording() as sent:
                appended = await audit.record_many(SYSTEM, ENTRIES)
        assert list(appended) == seqs == list(range(before + 1, before + 8))
        assert len([s for s in sent if s.lstrip().upper().startswith(("SELECT", "INSERT", "UPDATE"))]) == 3, sent
        assert await _appended_after(before) == one_by_one
        assert one_by_one[0][0]["prev_hash"] == (await AuditRecord.select(AuditRecord.hash).where(
            AuditRecord.seq == before))[0]["hash"]

        monkeypatch.setattr(db, "MAX_PARAMETERS", 3 * len(AuditRecord._meta.columns))  # three records a statement
        async with transaction():
            with db.recording() as sent:
                await audit.record_many(SYSTEM, ENTRIES)
        assert len([s for s in sent if s.lstrip().upper().startswith("INSERT")]) == 3  # 3 + 3 + 1
    result = await audit.verify()
    assert result.ok and result.checked == before + 14, result


async def test_record_many_and_record_writers_never_fork_the_chain(world):
    async def many(n: int) -> None:
        async with transaction():
            await audit.record_many(SYSTEM, ENTRIES[:n])

    await asyncio.gather(*(many(1 + i % 4) for i in range(8)), *(_write(1) for _ in range(8)))
    result = await audit.verify()
    assert result.ok, result
    seqs = [r["seq"] for r in await AuditRecord.select(AuditRecord.seq).order_by(AuditRecord.seq)]
    assert seqs == list(range(1, len(seqs) + 1))


async def test_record_outside_a_transaction_is_refused(world):
    try:
        await audit.record(SYSTEM, "test.event", "thing", 1, {})
    except RuntimeError:
        return
    raise AssertionError("an audit record without its business transaction was accepted")


async def test_cli_verify_detects_a_row_changed_behind_its_back(world):
    """`tracker audit verify` run as a person would: intact first, then exit 1 naming the row."""

    async def verify_cli() -> tuple[int, str]:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tracker.cli", "audit", "verify",
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, env=os.environ.copy(),
            cwd=Path(__file__).resolve().parents[3],
        )
        out, _ = await process.communicate()
        return process.returncode, out.decode()

    code, output = await verify_cli()
    assert code == 0 and "intact" in output, output
    await AuditRecord.update({AuditRecord.actor_name: "mallory"}).where(AuditRecord.seq == 2)
    code, output = await verify_cli()
    assert code == 1
    assert "seq=2" in output


async def test_every_register_write_is_audited_in_its_transaction(world, client_for):
    staff = await client_for("staff")
    before = await AuditRecord.count()
    response = await staff.post(
        f"/api/v1/households/{world.households[0]}/file",
        json={"kind": "visit", "occurred_on": "2026-11-20", "summary": "上门走访，户主同意参加协商"},
    )
    assert response.status_code == 201, response.text
    rows = await AuditRecord.select().where(AuditRecord.seq > before)
    assert [r["action"] for r in rows] == ["household.file_entry"]
    assert rows[0]["actor_name"] == "staff"


async def test_the_api_verifies_and_reads_the_chain(world, client_for):
    """The admin API answers the service's verification and reads one entity's records in chain order."""
    await _write(3)
    admin = await client_for("admin")
    verified = (await admin.get("/api/v1/audit/verify")).json()
    assert verified == {"ok": True, "checked": await AuditRecord.count(), "head_hash": await head_hash(),
                        "first_bad_seq": None, "reason": ""}
    records = (await admin.get("/api/v1/audit/records", params={"entity": "thing", "entity_id": "1"})).json()
    assert [(r["action"], r["payload"]) for r in records] == [("test.event", '{"i":1,"text":"整改"}')]
    target = (await AuditRecord.select(AuditRecord.seq).where(AuditRecord.entity == "thing").limit(1))[0]["seq"]
    await AuditRecord.update({AuditRecord.payload: '{"i":999}'}).where(AuditRecord.seq == target)
    broken = (await admin.get("/api/v1/audit/verify")).json()
    assert broken["ok"] is False and broken["first_bad_seq"] == target
