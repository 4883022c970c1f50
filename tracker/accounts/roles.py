"""Roles and organisation kinds, declared once for tables, guards, forms and tests."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    admin = "admin"
    project_manager = "project_manager"  # 建设单位 / 指挥部
    inspector = "inspector"  # 监理工程师 / 质监站监督员
    chief_inspector = "chief_inspector"  # 总监理工程师
    contractor = "contractor"  # 施工单位项目经理部
    community_staff = "community_staff"  # 街道 / 居委 / 征收事务所
    finance = "finance"  # 财务
    resident = "resident"  # 居民 / 产权人


class OrganisationKind(StrEnum):
    owner = "owner"  # 建设单位 / 指挥部
    supervision = "supervision"  # 监理单位
    contractor = "contractor"  # 施工单位
    designer = "designer"  # 设计单位
    quality_station = "quality_station"  # 质监站
    subdistrict = "subdistrict"  # 街道
    community = "community"  # 居委会
    expropriation_office = "expropriation_office"  # 征收事务所
    property_manager = "property_manager"  # 物业
    finance_bureau = "finance_bureau"  # 财政局


# Who may see the register of households: residents see only their own household through
# their own pages, contractors never see the roll.
REGISTER_READERS = frozenset(
    {Role.admin, Role.project_manager, Role.community_staff, Role.inspector, Role.chief_inspector, Role.finance}
)
REGISTER_WRITERS = frozenset({Role.admin, Role.project_manager, Role.community_staff})
HOUSEHOLD_FILE_WRITERS = frozenset({Role.admin, Role.community_staff})
PROJECT_ADMINS = frozenset({Role.admin, Role.project_manager})
