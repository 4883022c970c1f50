"""The acting user as services see it: who acts, in which role, on which projects."""

from __future__ import annotations

from dataclasses import dataclass, field

from tracker.accounts.roles import Role


@dataclass(frozen=True, slots=True)
class Actor:
    id: int | None
    username: str
    name: str
    role: Role
    organisation_id: int | None = None
    household_id: int | None = None
    project_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_admin(self) -> bool:
        return self.role is Role.admin

    def can_see_project(self, project_id: int) -> bool:
        return self.is_admin or project_id in self.project_ids


# Jobs, migrations and the command line act as the system; the audit log says so.
SYSTEM = Actor(id=None, username="system", name="system", role=Role.admin)
