"""The monthly funding report's figures, computed from plain numbers (no database, no Litestar).

Definitions, stated once (docs/architecture.md repeats them):
- Money arrived THIS YEAR (本年实际到位资金) is the sum of arrivals dated from 1 January of the report
  month's year to the month's last day, by the indicator of their source's kind (`funding.kinds.INDICATOR`);
  the tree is 104 = 105 + 115 + 120; 105 = 106 + 111 + 112 + 113 + 114; 106 = 107 + 108 + 109 + 110;
  115 = 116 + 117 + 118. Policy credit (policy-bank loans and development instruments) is shown apart,
  as "credit", and is not in 104.
- Total investment is the sum of the project's budget lines (概算).
- Arrived to date is every arrival up to the month's last day, all sources including policy credit.
- Funding gap (资金缺口) = total investment − arrived to date − gap arranged (已落实缺口), never below 0;
  gap arranged is prefilled with what the sources committed and has not arrived yet, and finance may
  correct it.
- Arrival rate (资金到位率) = arrived to date ÷ total investment (not ÷ committed: a committed amount
  may itself fall short of the investment, which is what the gap is about).
- Year progress rate (年度进度) = the works' cumulative progress recorded as of the month's last day:
  the percentage, or the value certified ÷ the construction budget when only a value is recorded.
- Deviation (偏离状态) compares the two rates: |arrival rate − progress rate| below `deviate` is 正常,
  below `serious` 偏离, otherwise 严重偏离 (defaults 10 and 20 percentage points).
Rates are Decimal fractions (0.2500 = 25 %), rounded half-up to 4 places; money is integer fen.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from funding.kinds import INDICATOR

# The indicator tree, parents before children; leaves are what `INDICATOR` maps source kinds to.
TREE: dict[str, tuple[str, ...]] = {
    "104": ("105", "115", "120"),
    "105": ("106", "111", "112", "113", "114"),
    "106": ("107", "108", "109", "110"),
    "115": ("116", "117", "118"),
}
# Every code in the order the report prints them, and policy credit apart at the end.
CODES = ("104", "105", "106", "107", "108", "109", "110", "111", "112", "113", "114", "115", "116", "117",
         "118", "120")
CREDIT = "credit"
LEAVES = tuple(c for c in CODES if c not in TREE)
LABELS = {
    "104": "本年实际到位资金",
    "105": "国家预算资金",
    "106": "中央预算资金",
    "107": "中央预算内投资",
    "108": "中央财政资金",
    "109": "国债",
    "110": "超长期特别国债",
    "111": "省级预算资金",
    "112": "市县预算资金",
    "113": "一般债券",
    "114": "专项债券",
    "115": "社会资本",
    "116": "产权单位出资",
    "117": "运营商出资",
    "118": "居民出资",
    "120": "其他",
    CREDIT: "金融机构政策性资金（单列）",
}
DEPTH = {"104": 0, "105": 1, "115": 1, "120": 1, "106": 2, "111": 2, "112": 2, "113": 2, "114": 2, "116": 2,
         "117": 2, "118": 2, "107": 3, "108": 3, "109": 3, "110": 3, CREDIT: 0}
RATE_PLACES = Decimal("0.0001")


class Deviation(StrEnum):
    normal = "normal"  # 正常
    deviating = "deviating"  # 偏离
    serious = "serious"  # 严重偏离


DEVIATION_TEXT = {Deviation.normal: "正常", Deviation.deviating: "偏离", Deviation.serious: "严重偏离"}


class ReportStatus(StrEnum):
    pending = "pending"  # 待填报: nothing saved for the month yet
    draft = "draft"  # 待提交
    submitted = "submitted"  # 已提交: locked


STATUS_TEXT = {ReportStatus.pending: "待填报", ReportStatus.draft: "待提交", ReportStatus.submitted: "已提交"}


@dataclass(frozen=True, slots=True)
class ReportSettings:
    """Configured thresholds of the report (environment variables override the defaults)."""

    deviate: Decimal = Decimal("0.10")  # FUNDING_DEVIATION_WARN: |arrival − progress| from here is 偏离
    serious: Decimal = Decimal("0.20")  # FUNDING_DEVIATION_SERIOUS: from here 严重偏离
    deadline_day: int = 3  # FUNDING_REPORT_DEADLINE_DAY: the report is due that day of the next month

    @classmethod
    def from_env(cls) -> ReportSettings:
        return cls(
            deviate=Decimal(os.environ.get("FUNDING_DEVIATION_WARN", "0.10")),
            serious=Decimal(os.environ.get("FUNDING_DEVIATION_SERIOUS", "0.20")),
            deadline_day=int(os.environ.get("FUNDING_REPORT_DEADLINE_DAY", "3")),
        )


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def month_end(month: dt.date) -> dt.date:
    return next_month(month) - dt.timedelta(days=1)


def next_month(month: dt.date) -> dt.date:
    return dt.date(month.year + month.month // 12, month.month % 12 + 1, 1)


def deadline(month: dt.date, settings: ReportSettings) -> dt.date:
    """The report of `month` is due on `deadline_day` of the next month (clamped to that month's end)."""
    following = next_month(month)
    return min(following.replace(day=1) + dt.timedelta(days=settings.deadline_day - 1), month_end(following))


def by_indicator(amounts_by_kind: Mapping[str, int]) -> dict[str, int]:
    """Every code of the tree (and `credit`) from amounts by source kind; unknown kinds are refused."""
    leaves = {code: 0 for code in (*LEAVES, CREDIT)}
    for kind, amount in amounts_by_kind.items():
        leaves[INDICATOR[kind]] += int(amount)
    return roll_up(leaves)


def roll_up(leaves: Mapping[str, int]) -> dict[str, int]:
    """The parents' sums from the leaves (and `credit` carried apart)."""
    figures = {code: int(leaves.get(code, 0)) for code in (*LEAVES, CREDIT)}

    def total(code: str) -> int:
        if code not in TREE:
            return figures[code]
        figures[code] = sum(total(child) for child in TREE[code])
        return figures[code]

    total("104")
    return {code: figures[code] for code in (*CODES, CREDIT)}


def rate(part: int, whole: int) -> Decimal | None:
    """part ÷ whole as a Decimal fraction to 4 places, half-up; None when the whole is 0."""
    if whole <= 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(RATE_PLACES, ROUND_HALF_UP)


def progress_rate(percent: Decimal | None, certified_fen: int | None, construction_budget_fen: int) -> Decimal | None:
    """The works' progress as a fraction: the recorded percentage, else the certified value ÷ the
    construction budget; None when nothing is recorded."""
    if percent is not None:
        return (Decimal(percent) / 100).quantize(RATE_PLACES, ROUND_HALF_UP)
    if certified_fen is not None:
        return rate(certified_fen, construction_budget_fen)
    return None


def deviation(arrival: Decimal | None, progress: Decimal | None, settings: ReportSettings) -> Deviation | None:
    """正常 / 偏离 / 严重偏离 by the distance between the two rates; None when either is unknown."""
    if arrival is None or progress is None:
        return None
    distance = abs(arrival - progress)
    if distance >= settings.serious:
        return Deviation.serious
    if distance >= settings.deviate:
        return Deviation.deviating
    return Deviation.normal


@dataclass(frozen=True, slots=True)
class Inputs:
    """What the records say about one project for one month (all money in fen)."""

    this_year_by_kind: Mapping[str, int]  # arrivals 1 Jan … month end, by source kind
    arrived_to_date_fen: int  # every arrival up to the month's end
    committed_fen: int  # every source's commitment
    total_investment_fen: int  # the sum of the budget lines
    construction_budget_fen: int  # the budget lines of construction uses
    progress_percent: Decimal | None = None
    certified_fen: int | None = None


@dataclass(frozen=True, slots=True)
class Figures:
    indicators: dict[str, int]
    total_investment_fen: int
    arrived_to_date_fen: int
    gap_arranged_fen: int
    gap_fen: int
    arrival_rate: Decimal | None
    year_progress_rate: Decimal | None
    deviation: Deviation | None


def prefill_arranged(inputs: Inputs) -> int:
    """Gap arranged as the records suggest it: committed and not yet arrived."""
    return max(0, inputs.committed_fen - inputs.arrived_to_date_fen)


def gap(total_investment_fen: int, arrived_to_date_fen: int, arranged_fen: int) -> int:
    return max(0, total_investment_fen - arrived_to_date_fen - arranged_fen)


def figures(inputs: Inputs, settings: ReportSettings, arranged_fen: int | None = None) -> Figures:
    """The report's figures; `arranged_fen` is finance's own figure when they gave one."""
    arranged = prefill_arranged(inputs) if arranged_fen is None else arranged_fen
    arrival = rate(inputs.arrived_to_date_fen, inputs.total_investment_fen)
    progress = progress_rate(inputs.progress_percent, inputs.certified_fen, inputs.construction_budget_fen)
    return Figures(
        indicators=by_indicator(inputs.this_year_by_kind),
        total_investment_fen=inputs.total_investment_fen,
        arrived_to_date_fen=inputs.arrived_to_date_fen,
        gap_arranged_fen=arranged,
        gap_fen=gap(inputs.total_investment_fen, inputs.arrived_to_date_fen, arranged),
        arrival_rate=arrival,
        year_progress_rate=progress,
        deviation=deviation(arrival, progress, settings),
    )


def rows(indicators: Mapping[str, int]) -> Iterable[tuple[str, str, int, int]]:
    """(code, label, depth, fen) in print order, for exports and pages."""
    for code in (*CODES, CREDIT):
        yield code, LABELS[code], DEPTH[code], int(indicators.get(code, 0))
