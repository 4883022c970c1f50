"""Enumerations of the register, declared once for tables, schemas, forms and imports."""

from __future__ import annotations

from enum import StrEnum


class ProjectKind(StrEnum):
    retrofit = "retrofit"  # 老旧小区改造
    resettlement_housing = "resettlement_housing"  # 安置房
    expropriation_parcel = "expropriation_parcel"  # 旧改征收地块


class ProjectStatus(StrEnum):
    planning = "planning"
    active = "active"
    completed = "completed"
    cancelled = "cancelled"


class HouseholdKind(StrEnum):
    resident = "resident"  # 居民
    work_unit = "work_unit"  # 单位
    developer_unsold = "developer_unsold"  # 开发建设单位未售出部分


class ContactStatus(StrEnum):
    reachable = "reachable"
    lost = "lost"  # 失联


class FileEntryKind(StrEnum):
    visit = "visit"  # 走访
    call = "call"  # 电话
    hearing = "hearing"  # 听证 / 约谈
    note = "note"  # 备注
