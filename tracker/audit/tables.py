"""Tables of the audit log and its chain head."""

from __future__ import annotations

from piccolo.columns import BigInt, Integer, Serial, Text, Timestamptz, Varchar
from piccolo.constraints import Check
from piccolo.table import Table


class AuditRecord(Table):
    """One state change. Rows are only ever inserted; `hash` chains each to the one before."""

    id = Serial(primary_key=True)
    seq = BigInt(unique=True, null=False)
    at = Timestamptz(null=False)
    actor_id = Integer(null=True)  # not a foreign key: the record outlives the account
    actor_name = Varchar(length=120, default="")
    action = Varchar(length=80, null=False, index=True)
    entity = Varchar(length=80, null=False)
    entity_id = Varchar(length=80, null=False)
    payload = Text(null=False)  # canonical JSON: the exact text that was hashed
    prev_hash = Varchar(length=64, null=False)
    hash = Varchar(length=64, unique=True, null=False)

    seq_positive = Check("seq > 0")


class AuditHead(Table):
    """A single row holding the chain's head; writers lock it so the chain never forks."""

    id = Serial(primary_key=True)
    seq = BigInt(null=False, default=0)
    hash = Varchar(length=64, null=False)
    # The hash before the last append, so one UPDATE … RETURNING hands a writer both ends of its link.
    prev_hash = Varchar(length=64, null=False, default="")

    single_row = Check("id = 1")
