"""Results: per item the totals with the posted rates, the rule's decision and its reasons, grouped as
the office posts them; and when the public may see them (公示)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict
from decimal import Decimal
from fractions import Fraction

import msgspec

from tracker.consultations import tally
from tracker.consultations.counting import Counts
from tracker.consultations.kinds import Status, Visibility
from tracker.consultations.rules import Decision
from tracker.consultations.schemas import ItemOut
from tracker.consultations.services.records import consultation_row, item_rows, parse_rule
from tracker.consultations.tables import ConsultationDecision
from tracker.rows import to_schema


def results_visible(row: dict) -> bool:
    return row["visibility"] == Visibility.live.value or row["status"] in (Status.closed.value, Status.decided.value)


def percent(numerator: int | Decimal, denominator: int | Decimal) -> str:
    """A displayed rate, rounded half-up to two decimals of a percent; decisions never use it."""
    if not denominator:
        return "—"
    value = Fraction(numerator) / Fraction(denominator) * 100
    return f"{Decimal(value.numerator) / Decimal(value.denominator):.2f}%"


def decision_json(decision: Decision) -> list[dict]:
    return [
        {"code": r.code, "numerator": str(r.numerator), "denominator": str(r.denominator),
         "threshold": str(r.threshold), "comparison": r.comparison, "met": r.met,
         "text_zh": r.text_zh, "text_en": r.text_en}
        for r in decision.reasons
    ]


def counts_json(counts: Counts) -> dict:
    return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in asdict(counts).items()}


def figures(counts: Counts) -> dict:
    """The posted figures of one row: counts plus rates by headcount and by area (display only)."""
    out = counts_json(counts)
    out["participation_rate_heads"] = percent(counts.participating_heads, counts.roll_heads)
    out["participation_rate_area"] = percent(counts.participating_area, counts.roll_area)
    out["agree_rate_heads"] = percent(counts.agree_heads, counts.participating_heads)
    out["agree_rate_area"] = percent(counts.agree_area, counts.participating_area)
    out["agree_rate_roll"] = percent(counts.agree_titles, counts.roll_titles)  # 同意率 of the whole roll
    return out


async def results_for(consultation_id: int, dims: tuple[str, ...] = (), public: bool = False) -> dict | None:
    """Per item: the totals, the rule's decision with its reasons (recorded once decided, else
    provisional), and the grouped rows. None for the public while results are not yet visible."""
    row = await consultation_row(consultation_id)
    if public and not results_visible(row):
        return None
    nva = row["non_voters_agree"]
    rule = parse_rule(row["rule_key"], json.loads(row["rule_params"]))
    rows_by_item: dict[int, list[dict]] = defaultdict(list)
    if dims:
        grouped_rows = await tally.grouped(consultation_id, dims, nva)
        totals = {r.item_id: r.counts for r in grouped_rows if r.level == "total"}
        for r in grouped_rows:
            rows_by_item[r.item_id].append({"level": r.level, "labels": dict(r.labels), **figures(r.counts)})
    else:
        totals = await tally.item_totals(consultation_id, nva)
    recorded = {
        d["item"]: d for d in await ConsultationDecision.select().where(ConsultationDecision.consultation == consultation_id)
    }
    items = []
    for item in await item_rows(consultation_id):
        counts = totals.get(item["id"])
        decision = rule(counts)
        if item["id"] in recorded:
            passed, reasons, final = recorded[item["id"]]["passed"], json.loads(recorded[item["id"]]["reasons"]), True
        else:
            passed, reasons, final = decision.passed, decision_json(decision), False
        items.append({
            "item": msgspec.to_builtins(to_schema(item, ItemOut)),
            "totals": figures(counts),
            "passed": passed,
            "final": final,
            "reasons": reasons,
            "rows": rows_by_item.get(item["id"], []),
        })
    return {
        "consultation_id": consultation_id,
        "status": row["status"],
        "rule_key": row["rule_key"],
        "rule_params": json.loads(row["rule_params"]),
        "non_voters_agree": nva,
        # Said on every result when non-voters are counted as agreeing (never silently).
        "non_voters_notice": (
            "未表决的权证按本次征询的规定计为同意 (non-voters are counted as agreeing by this consultation's rule)"
            if nva else ""
        ),
        "dimensions": list(dims),
        "items": items,
    }
