"""Request and response shapes of accounts."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from tracker.accounts.roles import OrganisationKind, Role
from tracker.types import Id

# Where the daily digest is mailed; services and a CHECK constraint hold the same rule.
Email = Annotated[str, msgspec.Meta(max_length=254, pattern=r"^[^@\s]+@[^@\s]+$")]


class LoginIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=80)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


class Me(msgspec.Struct):
    id: int | None
    username: str
    name: str
    role: Role
    organisation_id: int | None
    household_id: int | None
    project_ids: list[int]


class OrganisationIn(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    kind: OrganisationKind


class OrganisationOut(msgspec.Struct):
    id: int
    name: str
    kind: OrganisationKind


class UserIn(msgspec.Struct, forbid_unknown_fields=True):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9._@-]+$")]
    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    password: Annotated[str, msgspec.Meta(min_length=8, max_length=200)]
    role: Role
    organisation_id: Id | None = None
    household_id: Id | None = None
    project_ids: list[Id] = []
    email: Email | None = None


class UserPatch(msgspec.Struct, forbid_unknown_fields=True):
    """Changes to an account; only the e-mail address so far (null removes it)."""

    email: Email | None


class UserEditIn(msgspec.Struct, forbid_unknown_fields=True):
    """An admin's changes to an account (the user-edit page)."""

    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=120)]
    role: Role
    organisation_id: Id | None = None
    email: Email | None = None


class UserOut(msgspec.Struct):
    id: int
    username: str
    display_name: str
    role: Role
    organisation_id: int | None
    household_id: int | None
    active: bool
    email: str | None = None


class MembershipIn(msgspec.Struct, forbid_unknown_fields=True):
    user_id: Id


class ConfirmIn(msgspec.Struct):
    """The confirmation a page's button sends with an action that takes no other field (deactivate, reset a
    password, archive), so that an empty POST changes nothing."""

    confirm: Literal["yes"]
