"""Append to and verify the hash-chained audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from tracker import clock
from tracker.accounts.actor import Actor
from tracker.audit.tables import AuditHead, AuditRecord
from tracker.db import engine, insert_rows, is_postgres

GENESIS_HASH = "0" * 64


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"cannot record {type(value).__name__} in the audit log")


def canonical_json(payload: Any) -> str:
    return json.dumps(payload, default=_default, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _utc_text(at: dt.datetime) -> str:
    return at.astimezone(dt.timezone.utc).isoformat(timespec="microseconds")


def chain_hash(
    *,
    seq: int,
    at: dt.datetime,
    actor_id: int | None,
    actor_name: str,
    action: str,
    entity: str,
    entity_id: str,
    payload: str,
    prev_hash: str,
) -> str:
    material = canonical_json([seq, _utc_text(at), actor_id, actor_name, action, entity, entity_id, payload, prev_hash])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


async def record(actor: Actor, action: str, entity: str, entity_id: object, payload: dict[str, Any]) -> int:
    """Append one record inside the caller's transaction and return its sequence number.

    The head row is locked (FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transaction already holds
    the write lock), so concurrent writers queue here and the chain never forks. Call it as the last
    step of a business action so the lock is held briefly.
    """
    return (await record_many(actor, [(action, entity, entity_id, payload)]))[0]


async def record_many(actor: Actor, entries: Sequence[tuple[str, str, object, dict[str, Any]]]) -> range:
    """Append one record per `(action, entity, entity_id, payload)` in order, inside the caller's
    transaction, as that many `record` calls would (same sequence numbers, links and hashes; one
    moment for all), but with the head read and locked once, the hashes chained here, one multi-row
    INSERT and one head UPDATE: a business action that issues many documents at once (a batch
    print's part) audits each of them. Answers the records' sequence numbers.
    """
    db = engine()
    if db.current_transaction.get() is None:
        raise RuntimeError("audit.record must run inside the business action's transaction")
    if not entries:
        raise ValueError("at least one record must be appended")
    query = AuditHead.select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)
    if is_postgres():
        query = query.lock_rows("UPDATE")
    head = (await query)[0]
    first = int(head["seq"]) + 1
    at = clock.now()
    rows: list[AuditRecord] = []
    prev_hash = before = head["hash"]
    for seq, (action, entity, entity_id, payload) in enumerate(entries, start=first):
        fields = dict(
            seq=seq,
            at=at,
            actor_id=actor.id,
            actor_name=actor.username,
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            payload=canonical_json(payload),
            prev_hash=prev_hash,
        )
        before, prev_hash = prev_hash, chain_hash(**fields)
        rows.append(AuditRecord(**fields, hash=prev_hash))
    await insert_rows(AuditRecord, rows)
    last = first + len(rows) - 1
    await AuditHead.update({AuditHead.seq: last, AuditHead.hash: prev_hash, AuditHead.prev_hash: before}).where(
        AuditHead.id == 1
    )
    return range(first, last + 1)


def _pg_text(value: str) -> str:
    """A PostgreSQL string literal (standard_conforming_strings, on since 9.1: only quotes double)."""
    if "\x00" in value:
        raise ValueError("NUL cannot be stored in a PostgreSQL text value")
    return "'" + value.replace("'", "''") + "'"


def pg_append_sql(actor: Actor, action: str, entity: str, entity_id: object, payload: dict[str, Any]) -> str:
    """One PostgreSQL statement appending a record, for a caller that must hold the head briefly.

    The head row is locked, advanced and hashed by a single UPDATE (its SET sees the old row, so
    `prev_hash = hash` keeps the link), and the record inserted from what it returns: the lock is
    taken and released inside the server, with no client round trip in between. The hash is the
    same `chain_hash` as `record` computes (PostgreSQL's sha256 over the same canonical JSON);
    `verify` checks every record whichever way it was written, and the tests do that for this path.
    Literals are inlined so the caller may send the statement and COMMIT in one simple query.
    """
    head, insert = _pg_append_parts(actor, action, entity, entity_id, payload, "")
    return f"WITH head AS ({head}) {insert}"


def pg_append_ctes(actor: Actor, action: str, entity: str, entity_id: object, payload: dict[str, Any],
                   *, when: str) -> tuple[str, list[Any]]:
    """`pg_append_sql` as two CTEs (`head`, then `appended` returning the new `seq`) for a caller's own
    data-modifying WITH: the head moves, and the record is written, only when the SQL condition `when`
    holds (e.g. `EXISTS (SELECT 1 FROM done)`), so one statement both acts and audits, or does neither.

    The values are parameters (Piccolo's `{}` placeholders, returned in order after the text), not
    literals: the text is the same for every record, so the driver and PostgreSQL prepare and plan it
    once per connection instead of once per record (a busy path: the selection desk)."""
    at = clock.now()
    text = canonical_json(payload)
    middle = canonical_json([_utc_text(at), actor.id, actor.username, action, entity, str(entity_id), text])[1:-1]
    head = (
        "UPDATE audit_head SET seq = seq + 1, prev_hash = hash, "
        "hash = encode(sha256(convert_to('[' || (seq + 1)::text || {}::text || hash || '\"]', 'UTF8')), 'hex') "
        f"WHERE id = 1 AND {when} RETURNING seq, prev_hash, hash"
    )
    insert = (
        "INSERT INTO audit_record (seq, at, actor_id, actor_name, action, entity, entity_id, payload, prev_hash, hash) "
        "SELECT seq, {}::timestamptz, {}::int, {}::text, {}::text, {}::text, {}::text, {}::text, prev_hash, hash "
        "FROM head RETURNING seq"
    )
    args = ["," + middle + ',"', at, actor.id, actor.username, action, entity, str(entity_id), text]
    return f"head AS ({head}), appended AS ({insert})", args


def _pg_append_parts(actor: Actor, action: str, entity: str, entity_id: object, payload: dict[str, Any],
                     when: str) -> tuple[str, str]:
    at = clock.now()
    text = canonical_json(payload)
    # canonical_json([seq, *middle, prev_hash]) == "[" + seq + "," + middle + ',"' + prev_hash + '"]'
    middle = canonical_json([_utc_text(at), actor.id, actor.username, action, entity, str(entity_id), text])[1:-1]
    actor_id = "NULL" if actor.id is None else str(int(actor.id))
    before_prev = _pg_text("," + middle + ',"')
    material = f"'[' || (seq + 1)::text || {before_prev} || hash || '\"]'"
    condition = f" AND {when}" if when else ""
    return (
        "UPDATE audit_head SET seq = seq + 1, prev_hash = hash, "
        f"hash = encode(sha256(convert_to({material}, 'UTF8')), 'hex') WHERE id = 1{condition} "
        "RETURNING seq, prev_hash, hash",
        "INSERT INTO audit_record (seq, at, actor_id, actor_name, action, entity, entity_id, payload, prev_hash, hash) "
        f"SELECT seq, {_pg_text(_utc_text(at))}::timestamptz, {actor_id}, {_pg_text(actor.username)}, "
        f"{_pg_text(action)}, {_pg_text(entity)}, {_pg_text(str(entity_id))}, {_pg_text(text)}, prev_hash, hash FROM head",
    )


@dataclass(frozen=True, slots=True)
class Verification:
    ok: bool
    checked: int
    head_hash: str
    first_bad_seq: int | None = None
    reason: str = ""


async def verify(batch_size: int = 5000) -> Verification:
    """Recompute the whole chain; name the first record that does not match."""
    prev_hash = GENESIS_HASH
    expected_seq = 1
    checked = 0
    last_id = 0
    while True:
        rows = await (
            AuditRecord.select()
            .where(AuditRecord.id > last_id)
            .order_by(AuditRecord.id)
            .limit(batch_size)
        )
        if not rows:
            break
        for row in rows:
            last_id = row["id"]
            seq = int(row["seq"])
            if seq != expected_seq:
                return Verification(False, checked, prev_hash, seq, f"expected sequence {expected_seq}, found {seq}")
            if row["prev_hash"] != prev_hash:
                return Verification(False, checked, prev_hash, seq, "previous hash does not match the record before")
            digest = chain_hash(
                seq=seq,
                at=row["at"],
                actor_id=row["actor_id"],
                actor_name=row["actor_name"],
                action=row["action"],
                entity=row["entity"],
                entity_id=row["entity_id"],
                payload=row["payload"],
                prev_hash=row["prev_hash"],
            )
            if digest != row["hash"]:
                return Verification(False, checked, prev_hash, seq, "content does not match its hash")
            prev_hash = digest
            expected_seq += 1
            checked += 1
    head = (await AuditHead.select().where(AuditHead.id == 1))[0]
    if int(head["seq"]) != checked or head["hash"] != prev_hash:
        return Verification(False, checked, prev_hash, int(head["seq"]), "chain head does not match the last record")
    return Verification(True, checked, prev_hash)


async def head_hash() -> str:
    """The current chain head, printed on publicity documents so a later edit is detectable."""
    return (await AuditHead.select(AuditHead.hash).where(AuditHead.id == 1))[0]["hash"]


async def list_records(*, entity: str | None, entity_id: str | None, after_seq: int, limit: int) -> list[dict]:
    """Records after `after_seq` in chain order, of one entity (and id) if named."""
    query = AuditRecord.select().where(AuditRecord.seq > after_seq).order_by(AuditRecord.seq).limit(limit)
    if entity:
        query = query.where(AuditRecord.entity == entity)
    if entity_id:
        query = query.where(AuditRecord.entity_id == entity_id)
    return await query
