"""Test support: database preparation and a small world of organisations, users and projects."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import httpx

from tracker import db
from tracker.accounts.actor import SYSTEM
from tracker.accounts.passwords import hash_password_sync
from tracker.accounts.roles import OrganisationKind, Role
from tracker.accounts.services import create_organisation, create_user
from tracker.register import services as register
from tracker.register.kinds import ProjectKind
from tracker.register.schemas import BuildingIn, DwellingIn, HouseholdIn, ProjectIn
from tracker.settings import get_settings

ENGINE = get_settings().engine
PASSWORD = "correct-horse-42"
_HASH = hash_password_sync(PASSWORD)


async def prepare_database() -> None:
    """Start from an empty schema and apply every migration, as a fresh install would."""
    engine = db.engine()
    if ENGINE == "postgres":
        await engine.run_ddl("DROP SCHEMA public CASCADE")
        await engine.run_ddl("CREATE SCHEMA public")
    else:
        path = get_settings().sqlite_path
        for suffix in ("", "-wal", "-shm"):
            p = path.with_name(path.name + suffix)
            if p.exists():
                p.unlink()
    await db.migrate()


def _data_tables() -> list[str]:
    """Every table of every app, children before the tables they reference."""
    from piccolo.conf.apps import Finder
    from piccolo.table import sort_table_classes

    classes = [t for app in Finder().get_app_registry().app_configs.values() for t in app.table_classes]
    return [t._meta.tablename for t in reversed(sort_table_classes(classes))]


def _self_references(tablename: str) -> list[str]:
    from piccolo.conf.apps import Finder

    for app in Finder().get_app_registry().app_configs.values():
        for t in app.table_classes:
            if t._meta.tablename == tablename:
                return [c._meta.db_column_name for c in t._meta.foreign_key_columns
                        if c._foreign_key_meta.resolved_references is t]
    return []


async def empty_database() -> None:
    engine = db.engine()
    tables = _data_tables()
    if ENGINE == "postgres":
        await engine.run_ddl(f"TRUNCATE {', '.join(chr(34) + t + chr(34) for t in tables)} RESTART IDENTITY CASCADE")
    else:
        async with engine.transaction():
            for table in tables:
                # SQLite checks ON DELETE RESTRICT row by row: a row pointing at another of its table
                # (an onward payment at its transfer) is let go of first.
                for column in _self_references(table):
                    await engine.run_ddl(f'UPDATE "{table}" SET "{column}" = NULL')
                await engine.run_ddl(f'DELETE FROM "{table}"')
    await engine.run_ddl(f"INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '{'0' * 64}')")


@dataclass
class World:
    orgs: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    project: int = 0
    other_project: int = 0
    building: int = 0
    dwellings: list[int] = field(default_factory=list)
    households: list[int] = field(default_factory=list)


ROLE_USERS = {
    "admin": Role.admin,
    "manager": Role.project_manager,
    "inspector": Role.inspector,
    "chief": Role.chief_inspector,
    "contractor": Role.contractor,
    "staff": Role.community_staff,
    "finance": Role.finance,
    "resident": Role.resident,
    "outsider": Role.community_staff,  # staff of another project only
}


async def build_world() -> World:
    w = World()
    for name, kind in [
        ("Owner HQ", OrganisationKind.owner),
        ("Supervision Co", OrganisationKind.supervision),
        ("Builder Co", OrganisationKind.contractor),
        ("Street Office", OrganisationKind.subdistrict),
    ]:
        w.orgs[name] = await create_organisation(SYSTEM, name=name, kind=kind)
    p1 = await register.create_project(
        SYSTEM, ProjectIn(code="P1", name="梅园新村综合改造", kind=ProjectKind.retrofit, district="静安区")
    )
    p2 = await register.create_project(
        SYSTEM, ProjectIn(code="P2", name="其他项目", kind=ProjectKind.expropriation_parcel)
    )
    w.project, w.other_project = p1.id, p2.id
    b = await register.add_building(SYSTEM, p1.id, BuildingIn(name="1号楼", floors=6, built_year=1998))
    w.building = b.id
    for i, area in enumerate([Decimal("80.50"), Decimal("90.00"), Decimal("65.25")], start=1):
        d = await register.add_dwelling(
            SYSTEM, b.id, DwellingIn(number=f"1-{i}01", stairwell="1", floor=i, registered_area=area)
        )
        w.dwellings.append(d.id)
    for i, dwelling in enumerate(w.dwellings, start=1):
        h = await register.create_household(
            SYSTEM,
            p1.id,
            HouseholdIn(
                certificate_no=f"沪房地静字(1998)第00{i}号",
                holder_names=["张三", "李四", "王五"][i - 1],
                owner_id=f"31010419600101{i:04d}",
                office="第一征收事务所",
                subdistrict="静安寺街道",
                phone=f"1380000000{i}",
                dwelling_ids=[dwelling],
            ),
        )
        w.households.append(h.id)
    org_of = {Role.contractor: w.orgs["Builder Co"], Role.inspector: w.orgs["Supervision Co"],
              Role.chief_inspector: w.orgs["Supervision Co"], Role.project_manager: w.orgs["Owner HQ"]}
    for username, role in ROLE_USERS.items():
        projects = [] if role is Role.admin else ([p2.id] if username == "outsider" else [p1.id])
        w.users[username] = await create_user(
            SYSTEM,
            username=username,
            display_name=username.title(),
            password=PASSWORD,
            password_hash=_HASH,
            role=role,
            organisation_id=org_of.get(role),
            household_id=w.households[0] if role is Role.resident else None,
            project_ids=projects,
        )
    return w


async def logged_in_client(app, username: str | None) -> httpx.AsyncClient:
    """A client with a session for `username` (anonymous for None) and the CSRF header set.

    Requests run on the test's own event loop, without the app's lifespan: the suite prepares the
    database itself, and a lifespan on another loop would own connections this loop cannot use.
    """
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver.local")
    await client.__aenter__()
    await client.get("/health")
    token = client.cookies.get("csrftoken")
    if token:
        client.headers["x-csrftoken"] = token
    if username is not None:
        response = await client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
        assert response.status_code == 200, response.text
        client.headers["x-csrftoken"] = client.cookies["csrftoken"]  # login renews the token with the session
    return client
