"""A to-do as the list and the home page show it."""

from __future__ import annotations

import datetime as dt

import msgspec


class TodoOut(msgspec.Struct, kw_only=True):
    kind: str  # what to do, a key of `tracker.todo.kinds.TodoKind`
    title: str  # the record, as its number or subject reads
    href: str  # the page where it is done
    project_id: int
    project_name: str
    due: dt.date | None = None
    overdue: bool = False
