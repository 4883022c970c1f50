"""Shapes of the audit API (msgspec Structs)."""

from __future__ import annotations

import msgspec


class VerificationOut(msgspec.Struct):
    ok: bool
    checked: int
    head_hash: str
    first_bad_seq: int | None
    reason: str
