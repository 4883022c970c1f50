"""Tables for organisations, users, memberships, sessions and attempt counters."""

from __future__ import annotations

from piccolo.columns import (
    Boolean,
    Bytea,
    ForeignKey,
    Integer,
    Serial,
    Timestamptz,
    Varchar,
)
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.base import OnDelete
from piccolo.columns.reference import LazyTableReference
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from tracker.accounts.roles import OrganisationKind, Role
from tracker.schema import one_of

# Deliberately loose and portable: something before and after an "@"; services check the rest.
EMAIL_CHECK = "email IS NULL OR email LIKE '_%@_%'"


class Organisation(Table):
    """An organisation taking part in projects: owner, supervision company, contractor, …"""

    id = Serial(primary_key=True)
    name = Varchar(length=200, unique=True, null=False)
    kind = Varchar(length=40, null=False)
    created_at = Timestamptz(default=TimestamptzNow())

    kind_known = Check(one_of("kind", OrganisationKind))


class User(Table, tablename="app_user"):
    id = Serial(primary_key=True)
    username = Varchar(length=80, unique=True, null=False)
    display_name = Varchar(length=120, null=False)
    password_hash = Varchar(length=255, null=False)
    role = Varchar(length=40, null=False)
    organisation = ForeignKey(references=Organisation, null=True, on_delete=OnDelete.restrict)
    # A resident's account belongs to one household and sees only that household.
    household = ForeignKey(
        references=LazyTableReference("Household", module_path="tracker.register.tables"),
        null=True,
        on_delete=OnDelete.restrict,
    )
    locale = Varchar(length=10, null=True)
    # Where the daily digest is mailed when SMTP is configured; no address, no mail.
    email = Varchar(length=254, null=True, default=None)
    active = Boolean(default=True)
    created_at = Timestamptz(default=TimestamptzNow())

    role_known = Check(one_of("role", Role))
    email_looks_like_address = Check(EMAIL_CHECK)


class Membership(Table):
    """A user's membership of a project: everyone sees only the projects they belong to."""

    id = Serial(primary_key=True)
    user = ForeignKey(references=User, null=False)
    project = ForeignKey(
        references=LazyTableReference("Project", module_path="tracker.register.tables"), null=False
    )
    created_at = Timestamptz(default=TimestamptzNow())

    one_membership = Unique([user, project])


class WebSession(Table):
    """Server-side session data, shared by every app process through the database."""

    id = Serial(primary_key=True)
    key = Varchar(length=100, unique=True, null=False)
    data = Bytea(null=False)
    expires_at = Timestamptz(null=True, default=None, index=True)


class RateCounter(Table):
    """Attempts per key (e.g. user name and client) in a fixed window, counted before anything is checked.

    One row per key and window, raised by a single `INSERT … ON CONFLICT DO UPDATE … RETURNING`, so
    concurrent requests in every app process each see their own count.
    """

    id = Serial(primary_key=True)
    key = Varchar(length=200, null=False)
    window_start = Timestamptz(null=False, index=True)
    hits = Integer(null=False, default=0)

    rate_counter_window = Unique([key, window_start])
