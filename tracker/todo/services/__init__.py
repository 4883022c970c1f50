"""Collect a user's to-dos from every domain's sources (`tracker.registry.todo_sources`)."""

from tracker.todo.services.collect import count_todos, list_todos

__all__ = ["count_todos", "list_todos"]
