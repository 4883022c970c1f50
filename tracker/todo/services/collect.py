"""A user's to-dos across projects, overdue first, then by due date.

Each source is `async (actor, today, count_only) -> list[TodoOut] | int`; a source that has nothing for
the actor's role answers without a query, so the header's count costs one statement per source that
applies to the role (one for most roles).
"""

from __future__ import annotations

import datetime as dt

from tracker import clock
from tracker.accounts.actor import Actor
from tracker.registry import todo_sources
from tracker.todo.schemas import TodoOut

_FAR = dt.date.max


def _order(item: TodoOut) -> tuple:
    return (not item.overdue, item.due or _FAR, item.project_id, item.title)


async def list_todos(actor: Actor, limit: int | None = None) -> list[TodoOut]:
    today = clock.today()
    items: list[TodoOut] = []
    for source in todo_sources():
        items.extend(await source(actor, today, False))
    items.sort(key=_order)
    return items[:limit] if limit is not None else items


async def count_todos(actor: Actor) -> int:
    today = clock.today()
    total = 0
    for source in todo_sources():
        total += await source(actor, today, True)
    return total
