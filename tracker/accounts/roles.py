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


# Role sets, each defined once and named for what it allows. Guards (`requires_role(...)`), services
# and the role-matrix test read them from here; a domain adds its own sets below, never elsewhere.

# Work on projects (everyone but residents, whose own pages start at /my): project lists and pages, my to-do.
PROJECT_WORKERS = frozenset(Role) - {Role.resident}
# Administer a project: memberships, approvals, decisions, settling disputes.
PROJECT_ADMINS = frozenset({Role.admin, Role.project_manager})
# The office that faces residents: keeps the roll, runs consultations (prepares, paper ballots, signing),
# entitles households and staffs the selection and handover desks.
RESIDENT_OFFICE = frozenset({Role.admin, Role.project_manager, Role.community_staff})
# Write the per-household file (一户一档).
HOUSEHOLD_FILE_WRITERS = frozenset({Role.admin, Role.community_staff})
# Read the register of households: residents see only their own household through their own pages,
# contractors never see the roll.
REGISTER_READERS = frozenset(
    {Role.admin, Role.project_manager, Role.community_staff, Role.inspector, Role.chief_inspector, Role.finance}
)

# Inspect: file issues, recheck, issue notices (the inspecting organisation, 监理 / 质监站).
INSPECTING = frozenset({Role.inspector, Role.chief_inspector})
# Answer for the works: submit rectification, reply to notices (施工单位).
CONTRACTING = frozenset({Role.contractor})
# Read every inspection record of their projects.
INSPECTION_STAFF = frozenset(
    {Role.admin, Role.project_manager, Role.inspector, Role.chief_inspector, Role.community_staff}
)
# Read inspection records at all (contractors only what is addressed to their organisation).
INSPECTION_READERS = INSPECTION_STAFF | {Role.contractor}
# Whether work is stopped (not the orders themselves): finance too, since payments depend on it.
STOP_STATUS_READERS = INSPECTION_READERS | {Role.finance}
# Residents' defect reports: staff, and the resident who reported (contractors get the accepted issue).
REPORT_READERS = INSPECTION_STAFF | {Role.resident}

# Read a project's funding: sources, schedules, allocations, spending, reports, monitors.
FUNDING_READERS = frozenset({Role.admin, Role.project_manager, Role.finance})
# Record funding: sources, arrivals, allocations, spending, the monthly report; pay certificates.
FUNDING_WRITERS = frozenset({Role.admin, Role.finance})
# Resident contributions: finance and the community office record what each household paid and read the plan.
CONTRIBUTION_KEEPERS = FUNDING_WRITERS | {Role.community_staff}
CONTRIBUTION_READERS = FUNDING_READERS | {Role.community_staff}

# Read handover: the schedule, acceptance, units, selections, handover records, warranty.
HANDOVER_READERS = INSPECTION_STAFF | {Role.finance}
# See a project's buildings and dwellings: the register's readers, and contractors (they build them).
BUILDING_READERS = REGISTER_READERS | {Role.contractor}
# Open a household's page: the register's readers, and a resident (their own only: register.guards.own_household).
HOUSEHOLD_READERS = REGISTER_READERS | {Role.resident}
# Void an issued document (作废) with a reason.
DOCUMENT_VOIDERS = frozenset({Role.admin, Role.chief_inspector, Role.project_manager})

# Contract payments (funding/payments): contractors apply, engineers review, the chief certifies, finance pays;
# contractors read only their own organisation's contracts (funding/payments/access.py).
PAYMENT_READERS = frozenset(
    {Role.admin, Role.project_manager, Role.inspector, Role.chief_inspector, Role.finance, Role.contractor}
)
# Enter contracts, their changes (变更 / 签证), completion dates and the final account (结算); check releases.
CONTRACT_WRITERS = frozenset({Role.admin, Role.project_manager})
PAYMENT_APPLICANTS = CONTRACTING
PAYMENT_REVIEWERS = INSPECTING
PAYMENT_CERTIFIERS = frozenset({Role.chief_inspector})
PAYERS = FUNDING_WRITERS
