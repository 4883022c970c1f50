"""Rows to schemas: the one idiom from a select to a response Struct.

A select names its columns with the Struct's field names (`Issue.project.as_alias("project_id")`,
joined columns aliased the same way), and the rows convert as they are: msgspec checks every field
and its type, so a renamed column fails loudly instead of drifting into a hand-written mapper.
`strict=False` lets SQLite's loose types through (an integer 0/1 for a boolean, text for a date).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import msgspec

S = TypeVar("S", bound=msgspec.Struct)


def to_schema(row: Mapping[str, Any], schema: type[S], **extra: Any) -> S:
    """One row as `schema`; `extra` supplies fields the row does not carry (computed ones)."""
    return msgspec.convert({**row, **extra} if extra else row, schema, strict=False)


def to_schemas(rows: Iterable[Mapping[str, Any]], schema: type[S]) -> list[S]:
    return msgspec.convert(list(rows), list[schema], strict=False)  # type: ignore[valid-type]
