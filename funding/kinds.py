"""Enumerations of the funding domain: kinds of source, budget lines, uses of money, spending kinds."""

from __future__ import annotations

from enum import StrEnum


class SourceKind(StrEnum):
    """资金来源. The monthly report's indicator code of each is `INDICATOR` below."""

    central_budget = "central_budget"  # 中央预算内投资 (with a mode)
    central_subsidy = "central_subsidy"  # 中央财政补助 / 中央财政资金
    treasury_bond = "treasury_bond"  # 国债
    ultra_long_bond = "ultra_long_bond"  # 超长期特别国债 (repaid centrally: no schedule of its own)
    provincial_budget = "provincial_budget"  # 省级预算资金
    local_budget = "local_budget"  # 市县预算资金
    general_bond = "general_bond"  # 地方政府一般债券 (tranche)
    special_bond = "special_bond"  # 地方政府专项债券 (tranche)
    policy_loan = "policy_loan"  # 政策性银行贷款 (loan)
    policy_instrument = "policy_instrument"  # 政策性开发性金融工具 (loan-like; up to 50 % of capital)
    owner_unit = "owner_unit"  # 产权单位出资
    operator = "operator"  # 运营商出资
    resident = "resident"  # 居民出资
    maintenance_fund = "maintenance_fund"  # 住宅专项维修资金
    other = "other"  # 其他


# Kinds carried as bond tranches (a `BondTranche` row) and as loans (a `Loan` row).
BOND_KINDS = frozenset({SourceKind.general_bond, SourceKind.special_bond})
LOAN_KINDS = frozenset({SourceKind.policy_loan, SourceKind.policy_instrument})

# The monthly report's indicator of each kind (../shared/reference/funding.md). Policy credit is shown
# apart from 104 ("credit"), as the city's module does.
INDICATOR = {
    SourceKind.central_budget: "107",
    SourceKind.central_subsidy: "108",
    SourceKind.treasury_bond: "109",
    SourceKind.ultra_long_bond: "110",
    SourceKind.provincial_budget: "111",
    SourceKind.local_budget: "112",
    SourceKind.general_bond: "113",
    SourceKind.special_bond: "114",
    SourceKind.owner_unit: "116",
    SourceKind.operator: "117",
    SourceKind.resident: "118",
    SourceKind.maintenance_fund: "120",
    SourceKind.other: "120",
    SourceKind.policy_loan: "credit",
    SourceKind.policy_instrument: "credit",
}


class CentralMode(StrEnum):
    """中央预算内投资的安排方式."""

    direct = "direct"  # 直接投资
    capital_injection = "capital_injection"  # 资本金注入
    investment_subsidy = "investment_subsidy"  # 投资补助
    interest_subsidy = "interest_subsidy"  # 贷款贴息


class Frequency(StrEnum):
    annual = "annual"  # 每年付息
    semi_annual = "semi_annual"  # 每半年付息

    @property
    def per_year(self) -> int:
        return 1 if self is Frequency.annual else 2


class RepaymentMethod(StrEnum):
    equal_principal = "equal_principal"  # 等额本金
    equal_instalment = "equal_instalment"  # 等额本息
    custom = "custom"  # 自定义还本计划


class BudgetCategory(StrEnum):
    """概算 lines of a project's approved budget."""

    construction = "construction"  # 建安工程费
    compensation = "compensation"  # 征收补偿费
    other_costs = "other_costs"  # 工程建设其他费
    contingency = "contingency"  # 预备费
    construction_interest = "construction_interest"  # 建设期利息
    equipment = "equipment"  # 设备购置费
    land = "land"  # 土地费用


class Use(StrEnum):
    """What money pays for. A source allows a set of uses; a budget line has one use; the rules
    (funding/rules.py) refuse an allocation whose use the source does not allow."""

    construction = "construction"  # 工程建设 (建安)
    compensation = "compensation"  # 征收补偿
    land = "land"  # 土地
    equipment = "equipment"  # 设备
    design_supervision = "design_supervision"  # 勘察设计监理等其他费
    contingency = "contingency"  # 预备费
    capital = "capital"  # 项目资本金
    debt_interest = "debt_interest"  # 债务利息 (建设期利息)
    wages = "wages"  # 工资福利
    operating_costs = "operating_costs"  # 运营费用
    office_buildings = "office_buildings"  # 楼堂馆所
    image_projects = "image_projects"  # 形象工程
    commercial = "commercial"  # 商业设施 / 非保障性商业地产


# The use a budget line of each category pays for, unless the line says otherwise.
CATEGORY_USE = {
    BudgetCategory.construction: Use.construction,
    BudgetCategory.compensation: Use.compensation,
    BudgetCategory.other_costs: Use.design_supervision,
    BudgetCategory.contingency: Use.contingency,
    BudgetCategory.construction_interest: Use.debt_interest,
    BudgetCategory.equipment: Use.equipment,
    BudgetCategory.land: Use.land,
}

# Lines whose spending the "spending ahead of progress" monitor compares with the work certified.
CONSTRUCTION_USES = frozenset({Use.construction, Use.equipment})


class SpendingKind(StrEnum):
    payment = "payment"  # 支出 to a final payee
    transfer = "transfer"  # 拨付 to another account or implementing unit: not spending


class ContributionBasis(StrEnum):
    """How a retrofit item's resident share is charged to each household."""

    per_area = "per_area"  # fen per m² of the household's area
    flat = "flat"  # one amount per household


class ContributionStatus(StrEnum):
    due = "due"
    part_paid = "part_paid"
    paid = "paid"
    waived = "waived"
