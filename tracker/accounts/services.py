"""Account rules: logging in (rate-limited), loading the actor, creating users and memberships."""

from __future__ import annotations

import re
import secrets

import msgspec

from tracker import audit
from tracker.accounts import ratelimit
from tracker.accounts.actor import SYSTEM, Actor
from tracker.accounts.passwords import hash_password, verify_password
from tracker.accounts.roles import OrganisationKind, Role
from tracker.accounts.schemas import OrganisationOut, UserOut
from tracker.accounts.tables import Membership, Organisation, User, WebSession
from tracker.db import transaction
from tracker.errors import Conflict, Forbidden, Invalid, NotFound, TooMany
from tracker.rows import to_schema, to_schemas
from tracker.settings import get_settings

MIN_PASSWORD_LENGTH = 8
# One "@" with something on both sides, no spaces: enough to catch slips; the mail server judges the rest.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
# A user's columns named as UserOut names them.
USER_OUT = (
    User.id, User.username, User.display_name, User.role, User.organisation.as_alias("organisation_id"),
    User.household.as_alias("household_id"), User.active, User.email,
)


def _clean_email(email: str | None) -> str | None:
    email = (email or "").strip()
    if not email:
        return None
    if len(email) > 254 or not EMAIL.match(email):
        raise Invalid("{email} is not an e-mail address.", field="email", email=email)
    return email


async def load_actor(user_id: int) -> Actor | None:
    """The active user behind a session, with the projects they belong to."""
    rows = await User.select(
        User.id, User.username, User.display_name, User.role, User.organisation, User.household, User.active
    ).where(User.id == user_id)
    if not rows or not rows[0]["active"]:
        return None
    row = rows[0]
    memberships = await Membership.select(Membership.project).where(Membership.user == user_id)
    return actor_of_row({**row, "user_id": row["id"], "projects": [m["project"] for m in memberships]})


def actor_of_row(row: dict) -> Actor | None:
    """The actor from a user row read with its session (`tracker.accounts.sessions`): None unless active.
    `projects` is the user's project ids, as a list (PostgreSQL) or comma-separated text (SQLite)."""
    if not row["active"]:
        return None
    projects = row["projects"]
    if isinstance(projects, str):
        projects = [int(p) for p in projects.split(",")]
    return Actor(
        id=row["user_id"],
        username=row["username"],
        name=row["display_name"],
        role=Role(row["role"]),
        organisation_id=row["organisation"],
        household_id=row["household"],
        project_ids=frozenset(projects or ()),
    )


def _login_limits() -> tuple[ratelimit.Limit, ratelimit.Limit]:
    settings = get_settings()
    return (
        ratelimit.Limit("login", settings.login_max_failures, settings.login_window_seconds, "login_rate_limit"),
        ratelimit.Limit("login-client", settings.login_client_max_attempts, settings.login_window_seconds,
                        "login_client_limit"),
    )


async def log_in(username: str, password: str, client: str) -> Actor:
    """Check a user name and password; refuse after too many attempts.

    The attempt is counted before the password hash is checked, in the database (so the limit holds
    across app processes and under concurrency), against the user name from this client (the lockout,
    cleared by a success) and against the client alone (a ceiling over every name it tries). No counter
    is per user name alone: a lockout never stops the right password from a client that has not failed.
    """
    username = username.strip()
    lockout, ceiling = _login_limits()
    subject = ratelimit.client_subject(client)
    own = f"{subject}|{ratelimit.name_subject(username)}"
    for found in await ratelimit.hit((lockout, own), (ceiling, subject)):
        if found.over and found.limit is lockout:
            raise TooMany("Too many failed logins; wait a few minutes before trying again.", rule=lockout.rule)
        if found.over:
            raise TooMany("Too many login attempts from your network; wait a few minutes before trying again.",
                          rule=ceiling.rule)
    # A name no account can have is not looked up (a NUL would not even reach PostgreSQL), but costs
    # the same hash as any wrong name.
    rows = []
    if 0 < len(username) <= User.username.length and "\x00" not in username:
        rows = await User.select(User.id, User.password_hash, User.active).where(User.username == username)
    stored = rows[0]["password_hash"] if rows and rows[0]["active"] else None
    if not await verify_password(stored, password):
        raise Forbidden("Wrong user name or password.", rule="login")
    actor = await load_actor(rows[0]["id"])
    assert actor is not None
    async with transaction():
        await ratelimit.clear(lockout, own)
        await audit.record(actor, "user.login", "user", actor.id, {"client": client})
    return actor


async def log_out(actor: Actor) -> None:
    async with transaction():
        await audit.record(actor, "user.logout", "user", actor.id, {})


async def create_organisation(actor: Actor, *, name: str, kind: OrganisationKind) -> int:
    name = name.strip()
    if not name:
        raise Invalid("Name is required.", field="name")
    async with transaction():
        if await Organisation.exists().where(Organisation.name == name):
            raise Conflict("An organisation named {name} already exists.", field="name", name=name)
        row = (await Organisation.insert(Organisation(name=name, kind=kind.value)).returning(Organisation.id))[0]
        await audit.record(actor, "organisation.create", "organisation", row["id"], {"name": name, "kind": kind})
    return row["id"]


async def create_user(
    actor: Actor,
    *,
    username: str,
    display_name: str,
    password: str,
    role: Role,
    organisation_id: int | None = None,
    household_id: int | None = None,
    project_ids: list[int] | None = None,
    password_hash: str | None = None,
    email: str | None = None,
) -> int:
    """Create an account; a contractor needs its organisation, a resident its household."""
    username = username.strip()
    if not username:
        raise Invalid("User name is required.", field="username")
    email = _clean_email(email)
    if password_hash is None and len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid("The password needs at least {n} characters.", field="password", n=MIN_PASSWORD_LENGTH)
    if role is Role.contractor and organisation_id is None:
        raise Invalid("A contractor account belongs to its contractor organisation.", field="organisation_id")
    if role is Role.resident and household_id is None:
        raise Invalid("A resident account belongs to a household.", field="household_id")
    hashed = password_hash or await hash_password(password)
    async with transaction():
        if await User.exists().where(User.username == username):
            raise Conflict("The user name {username} is taken.", field="username", username=username)
        if organisation_id is not None and not await Organisation.exists().where(Organisation.id == organisation_id):
            raise NotFound("No organisation {id}.", field="organisation_id", id=organisation_id)
        await _check_projects_exist(list(project_ids or []))
        user = User(
            username=username,
            display_name=display_name.strip() or username,
            password_hash=hashed,
            role=role.value,
            organisation=organisation_id,
            household=household_id,
            email=email,
        )
        user_id = (await User.insert(user).returning(User.id))[0]["id"]
        for project_id in project_ids or []:
            await Membership.insert(Membership(user=user_id, project=project_id))
        await audit.record(
            actor,
            "user.create",
            "user",
            user_id,
            {"username": username, "role": role, "organisation_id": organisation_id, "projects": project_ids or [],
             "has_email": email is not None},
        )
    return user_id


async def set_email(actor: Actor, *, user_id: int, email: str | None) -> str | None:
    """Set or remove (None) the address a user's daily digest is mailed to."""
    email = _clean_email(email)
    async with transaction():
        if not await User.exists().where(User.id == user_id):
            raise NotFound("No user {id}.", field="user_id", id=user_id)
        await User.update({User.email: email}).where(User.id == user_id)
        # The log is append-only and never forgets: it says that the address changed, not what it is.
        await audit.record(actor, "user.set_email", "user", user_id, {"has_email": email is not None})
    return email


async def _check_projects_exist(project_ids: list[int]) -> None:
    from tracker.register.tables import Project

    found = {r["id"] for r in await Project.select(Project.id).where(Project.id.is_in(project_ids))} if project_ids else set()
    missing = sorted(set(project_ids) - found)
    if missing:
        raise NotFound("No project {id}.", field="project_ids", id=missing[0])


async def add_membership(actor: Actor, *, user_id: int, project_id: int) -> None:
    async with transaction():
        if not await User.exists().where(User.id == user_id):
            raise NotFound("No user {id}.", field="user_id", id=user_id)
        await _check_projects_exist([project_id])
        if await Membership.exists().where(Membership.user == user_id, Membership.project == project_id):
            raise Conflict("The user is already a member of this project.", field="user_id")
        await Membership.insert(Membership(user=user_id, project=project_id))
        await audit.record(actor, "membership.add", "project", project_id, {"user_id": user_id})


async def remove_membership(actor: Actor, *, user_id: int, project_id: int) -> None:
    async with transaction():
        if not await Membership.exists().where(Membership.user == user_id, Membership.project == project_id):
            raise NotFound("The user is not a member of this project.", field="user_id")
        await Membership.delete().where(Membership.user == user_id, Membership.project == project_id)
        await audit.record(actor, "membership.remove", "project", project_id, {"user_id": user_id})


async def _user_row(user_id: int) -> dict:
    rows = await User.select(User.id, User.role, User.active, User.organisation, User.household).where(
        User.id == user_id)
    if not rows:
        raise NotFound("No user {id}.", field="user_id", id=user_id)
    return rows[0]


async def update_user(actor: Actor, *, user_id: int, display_name: str, role: Role, email: str | None,
                      organisation_id: int | None = None) -> None:
    """Change a user's name, role, e-mail and organisation; a contractor keeps one, a resident keeps their
    household (a resident account is made for its household, so no role becomes or stops being resident)."""
    email = _clean_email(email)
    display_name = display_name.strip()
    if not display_name:
        raise Invalid("Name is required.", field="display_name")
    async with transaction():
        row = await _user_row(user_id)
        if (row["role"] == Role.resident) != (role is Role.resident):
            raise Invalid("A resident account stays a resident account; create a new account instead.",
                          field="role", rule="resident_role")
        if role is Role.contractor and organisation_id is None:
            raise Invalid("A contractor account belongs to its contractor organisation.", field="organisation_id")
        if organisation_id is not None and not await Organisation.exists().where(Organisation.id == organisation_id):
            raise NotFound("No organisation {id}.", field="organisation_id", id=organisation_id)
        if actor.id == user_id and role is not Role.admin:
            raise Conflict("You cannot take the administrator role from yourself.", field="role", rule="own_role")
        await User.update({User.display_name: display_name, User.role: role.value,
                           User.email: email, User.organisation: organisation_id}).where(User.id == user_id)
        await audit.record(actor, "user.update", "user", user_id, {
            "role": role, "previous_role": row["role"], "organisation_id": organisation_id,
            "has_email": email is not None})


async def _end_sessions(user_id: int) -> int:
    """Delete every stored session of a user. Session data is JSON naming the user; the table holds only
    live sessions (expired rows are swept), so reading it through is bounded by the logged-in users."""
    ended = []
    for row in await WebSession.select(WebSession.id, WebSession.data):
        try:
            data = msgspec.json.decode(bytes(row["data"]))
        except msgspec.DecodeError:
            continue
        if isinstance(data, dict) and data.get("user_id") == user_id:
            ended.append(row["id"])
    if ended:
        await WebSession.delete().where(WebSession.id.is_in(ended))
    return len(ended)


async def set_active(actor: Actor, *, user_id: int, active: bool) -> None:
    """Deactivate (ending every session of the user at once) or reactivate an account; nothing is deleted."""
    async with transaction():
        row = await _user_row(user_id)
        if actor.id == user_id:
            raise Conflict("You cannot deactivate your own account.", field="user_id", rule="own_account")
        if row["active"] == active:
            return
        await User.update({User.active: active}).where(User.id == user_id)
        ended = 0 if active else await _end_sessions(user_id)
        await audit.record(actor, "user.activate" if active else "user.deactivate", "user", user_id,
                           {"sessions_ended": ended})


async def deactivate_user(actor: Actor, *, user_id: int) -> None:
    await set_active(actor, user_id=user_id, active=False)


async def reset_password(actor: Actor, *, user_id: int) -> str:
    """Give a user a new one-time password (shown once to the admin, never stored in clear) and end their
    sessions, so whoever held the old password is logged out."""
    password = secrets.token_urlsafe(9)  # 12 characters, 72 bits
    hashed = await hash_password(password)
    async with transaction():
        await _user_row(user_id)
        await User.update({User.password_hash: hashed}).where(User.id == user_id)
        ended = await _end_sessions(user_id)
        await audit.record(actor, "user.reset_password", "user", user_id, {"sessions_ended": ended})
    return password


async def members(project_id: int) -> list[UserOut]:
    ids = [r["user"] for r in await Membership.select(Membership.user).where(Membership.project == project_id)]
    if not ids:
        return []
    return to_schemas(await User.select(*USER_OUT).where(User.id.is_in(ids)).order_by(User.id), UserOut)


__all__ = [
    "SYSTEM", "actor_of_row", "add_membership", "create_organisation", "create_user", "deactivate_user", "load_actor", "log_in",
    "log_out", "members", "remove_membership", "reset_password", "set_active", "set_email", "update_user",
]


async def list_organisations() -> list[OrganisationOut]:
    rows = await Organisation.select(Organisation.id, Organisation.name, Organisation.kind).order_by(Organisation.id)
    return to_schemas(rows, OrganisationOut)


async def list_users() -> list[UserOut]:
    return to_schemas(await User.select(*USER_OUT).order_by(User.id), UserOut)


async def get_user(user_id: int) -> UserOut:
    rows = await User.select(*USER_OUT).where(User.id == user_id)
    if not rows:
        raise NotFound("No user {id}.", field="user_id", id=user_id)
    return to_schema(rows[0], UserOut)
