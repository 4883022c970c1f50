"""Reading and verifying the audit log (admins)."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.params import Parameter

from tracker.accounts.roles import Role
from tracker.audit.services import verify
from tracker.audit.tables import AuditRecord
from tracker.web.guards import requires_role


class VerificationOut(msgspec.Struct):
    ok: bool
    checked: int
    head_hash: str
    first_bad_seq: int | None
    reason: str


class AuditApiController(Controller):
    path = "/api/v1/audit"
    tags = ["audit"]
    guards = [requires_role(Role.admin)]

    @get("/verify")
    async def verify_chain(self) -> VerificationOut:
        """Recompute the hash chain and name the first record that does not match."""
        result = await verify()
        return VerificationOut(**{f: getattr(result, f) for f in VerificationOut.__struct_fields__})

    @get("/records")
    async def records(
        self,
        entity: str | None = None,
        entity_id: str | None = None,
        after_seq: int = Parameter(default=0, ge=0, le=2**63 - 1),
        limit: int = Parameter(default=100, ge=1, le=1000),
    ) -> list[dict]:
        query = AuditRecord.select().where(AuditRecord.seq > after_seq).order_by(AuditRecord.seq).limit(limit)
        if entity:
            query = query.where(AuditRecord.entity == entity)
        if entity_id:
            query = query.where(AuditRecord.entity_id == entity_id)
        return await query
