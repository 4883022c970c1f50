"""The `tracker` command: Litestar's CLI plus the project's own groups (db, demo, users, audit, jobs, serve)."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import click

os.environ.setdefault("PICCOLO_CONF", "piccolo_conf")


def _run(make: Callable[[], Awaitable[Any]]) -> Any:
    """Run one async command with the database started and stopped around it."""
    from tracker import db

    async def main():
        await db.start()
        try:
            return await make()
        finally:
            await db.stop()

    return asyncio.run(main())


def _print_logins() -> None:
    from tracker.demo import DEMO_USERS

    click.echo("Demo logins (user name / password — role):")
    for username, password, role, description in DEMO_USERS:
        click.echo(f"  {username:<12} {password:<16} {role.value:<16} {description}")


async def _load_demo_if_empty() -> bool:
    from tracker.demo import load_demo
    from tracker.register.tables import Project

    if await Project.count() > 0:
        return False
    summary = await load_demo()
    for note in summary.notes:  # what the demo holds, and the resident's voting code to try /vote with
        click.echo(f"Demo: {note}")
    return True


def register_commands(cli: click.Group) -> None:
    @cli.group(name="db")
    def db_group() -> None:
        """Database: migrate, generate migrations, back up and restore."""

    @db_group.command(name="migrate")
    def migrate() -> None:
        """Apply every pending migration."""
        from tracker import db

        _run(db.migrate)
        click.echo("Migrated.")

    @db_group.command(name="new-migration")
    @click.argument("app_name")
    @click.argument("description")
    @click.argument("tables", nargs=-1, required=True)
    def new_migration(app_name: str, description: str, tables: tuple[str, ...]) -> None:
        """Write a migration creating TABLES (module:Class, in dependency order) for both engines."""
        from tracker.schema import write_migration

        click.echo(write_migration(app_name, description, list(tables)))

    @db_group.command(name="backup")
    @click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
    def backup(target: Path) -> None:
        """Copy the database to TARGET (SQLite: online backup; PostgreSQL: pg_dump custom format)."""
        from tracker.settings import get_settings

        settings = get_settings()
        target.parent.mkdir(parents=True, exist_ok=True)
        if settings.engine == "sqlite":
            import sqlite3

            with sqlite3.connect(settings.sqlite_path) as source, sqlite3.connect(target) as dest:
                source.backup(dest)
        else:
            _require("pg_dump")
            subprocess.run(["pg_dump", "--format=custom", f"--file={target}", settings.database_url], check=True)
        click.echo(f"Backed up to {target}")

    @db_group.command(name="restore")
    @click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--yes", is_flag=True, help="Replace the current database without asking.")
    def restore(source: Path, yes: bool) -> None:
        """Replace the database with a backup made by `tracker db backup`."""
        from tracker.settings import get_settings

        settings = get_settings()
        if not yes:
            click.confirm("This replaces the current database. Continue?", abort=True)
        if settings.engine == "sqlite":
            import sqlite3

            with sqlite3.connect(source) as src, sqlite3.connect(settings.sqlite_path) as dest:
                src.backup(dest)
        else:
            _require("pg_restore")
            subprocess.run(
                ["pg_restore", "--clean", "--if-exists", "--no-owner", f"--dbname={settings.database_url}", str(source)],
                check=True,
            )
        click.echo(f"Restored from {source}")

    @cli.group(name="demo")
    def demo_group() -> None:
        """Demo data."""

    @demo_group.command(name="load")
    def demo_load() -> None:
        """Load the demo projects, households and users into an empty database."""
        from tracker.demo import load_demo

        summary = _run(load_demo)
        click.echo(f"Loaded: {summary}")
        _print_logins()

    @cli.group(name="users")
    def users_group() -> None:
        """Accounts."""

    @users_group.command(name="create")
    @click.argument("username")
    @click.option("--role", required=True, type=click.Choice([r.value for r in _roles()]))
    @click.option("--name", "display_name", default="")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    @click.option("--organisation-id", type=int, default=None)
    @click.option("--household-id", type=int, default=None)
    @click.option("--project-id", "project_ids", type=int, multiple=True)
    @click.option("--email", default=None, help="Where the daily digest is mailed when SMTP_URL is set.")
    def create_user(username, role, display_name, password, organisation_id, household_id, project_ids, email) -> None:
        """Create a user (recorded in the audit log as done by the system)."""
        from tracker.accounts.actor import SYSTEM
        from tracker.accounts.roles import Role
        from tracker.accounts.services import create_user as create
        from tracker.errors import DomainError

        try:
            user_id = _run(lambda: create(
                SYSTEM, username=username, display_name=display_name or username, password=password,
                role=Role(role), organisation_id=organisation_id, household_id=household_id,
                project_ids=list(project_ids), email=email,
            ))
        except DomainError as exc:
            raise click.ClickException(exc.detail) from exc
        click.echo(f"Created user {username} (id {user_id}).")

    @cli.group(name="audit")
    def audit_group() -> None:
        """The audit log."""

    @audit_group.command(name="verify")
    def audit_verify() -> None:
        """Recompute the hash chain; exit 1 naming the first record that does not match."""
        from tracker.audit.services import verify

        result = _run(verify)
        if result.ok:
            click.echo(f"Audit log intact: {result.checked} records, head {result.head_hash}")
            return
        click.echo(
            f"Audit log BROKEN at record seq={result.first_bad_seq}: {result.reason} "
            f"({result.checked} records before it are intact)",
            err=True,
        )
        sys.exit(1)

    @cli.group(name="jobs")
    def jobs_group() -> None:
        """Scheduled jobs."""

    @jobs_group.command(name="run")
    @click.argument("name")
    def jobs_run(name: str) -> None:
        """Run the scheduled job NAME now (once per its period, as the scheduler would)."""
        from tracker.jobs import run_job
        from tracker.plugin import scheduled_jobs

        jobs = {job.name: job for job in scheduled_jobs()}
        if name not in jobs:
            raise click.ClickException(f"No job {name!r}; known: {', '.join(sorted(jobs))}")
        summary = _run(lambda: run_job(jobs[name]))
        click.echo("Already ran for this period." if summary is None else f"Done: {summary}")

    @cli.group(name="fonts")
    def fonts_group() -> None:
        """The documents' fonts."""

    @fonts_group.command(name="build")
    @click.option("--force", is_flag=True, help="Rebuild even if the subset exists.")
    def fonts_build(force: bool) -> None:
        """Cut the CJK document face down to GB 2312 (once; PDFs then embed it much faster)."""
        from tracker.documents import fonts

        if fonts.SUBSET.exists() and not force:
            click.echo(f"Present: {fonts.SUBSET}")
            return
        click.echo(f"Wrote {fonts.build()}")

    @cli.command(name="serve")
    @click.option("--host", default=None)
    @click.option("--port", type=int, default=None)
    @click.option("--no-demo", is_flag=True, help="Do not load demo data into an empty database.")
    def serve(host: str | None, port: int | None, no_demo: bool) -> None:
        """Migrate, load the demo data on first start, print the demo logins and serve."""
        import uvicorn

        from tracker import db
        from tracker.settings import get_settings

        settings = get_settings()

        async def prepare() -> bool:
            await db.migrate()
            return False if no_demo else await _load_demo_if_empty()

        loaded = _run(prepare)
        if loaded:
            click.echo("Demo data loaded.")
        if not no_demo:
            _print_logins()
        host, port = host or settings.host, port or settings.port
        click.echo(f"Serving http://{host}:{port}  (database: {settings.engine})")
        # The app reads X-Forwarded-For itself, from TRUSTED_PROXIES only (tracker.web.auth.client_address);
        # uvicorn's own handling would replace the peer address before the app could judge it.
        uvicorn.run("tracker.app:create_app", factory=True, host=host, port=port, log_level="info",
                    proxy_headers=False)


def _roles():
    from tracker.accounts.roles import Role

    return list(Role)


def _require(tool: str) -> None:
    if shutil.which(tool) is None:
        raise click.ClickException(f"{tool} is not installed (Debian package postgresql-client).")


def main() -> None:
    """Entry point: Litestar's CLI with this app, so `tracker run`, `tracker routes` … work too."""
    os.environ.setdefault("LITESTAR_APP", "tracker.app:create_app")
    from litestar.cli.main import litestar_group

    litestar_group()


if __name__ == "__main__":
    main()
