"""Enumerations of issued documents."""

from __future__ import annotations

from enum import StrEnum


class DocumentStatus(StrEnum):
    current = "current"  # 有效
    voided = "voided"  # 已作废
