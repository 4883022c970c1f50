"""Reading and verifying the audit log (admins)."""

from __future__ import annotations

import msgspec
from litestar import Controller, get
from litestar.params import Parameter

from tracker.accounts.roles import Role
from tracker.audit.schemas import VerificationOut
from tracker.audit.services import list_records, verify
from tracker.web.guards import requires_role


class AuditApiController(Controller):
    path = "/api/v1/audit"
    tags = ["audit"]
    guards = [requires_role(Role.admin)]

    @get("/verify")
    async def verify_chain(self) -> VerificationOut:
        """Recompute the hash chain and name the first record that does not match."""
        return msgspec.convert(await verify(), VerificationOut, from_attributes=True)

    @get("/records")
    async def records(
        self,
        entity: str | None = None,
        entity_id: str | None = None,
        after_seq: int = Parameter(default=0, ge=0, le=2**63 - 1),
        limit: int = Parameter(default=100, ge=1, le=1000),
    ) -> list[dict]:
        return await list_records(entity=entity, entity_id=entity_id, after_seq=after_seq, limit=limit)
