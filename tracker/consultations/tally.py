"""The tally of a consultation by SQL aggregation: per item, grouped by roll labels, with subtotals.

Each grouping level is one GROUP BY query over the frozen roll × items, left-joined to the counted
ballots. The inner query folds titles into persons (the head key of `counting`: the owner key, or one
shared head for all unsold developer parts) so headcount follows the SPC rule exactly as
`counting.count` does: a person takes part if any of their titles has a (counted) ballot and agrees
only if every ballot on their titles agrees. Areas are summed as integer hundredths of a m², so the
totals are exact on every engine. A group's figures are those of `counting.count` over the titles in
that group; the total row is the whole roll.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from tracker.consultations.counting import Counts
from tracker.consultations.tables import ConsultationRollEntry

# The roll labels a tally may be grouped by (column of consultation_roll_entry).
DIMENSIONS = ("kind", "office", "subdistrict", "building", "stairwell")
# The layout resettlement offices post: kind (work units apart), office (征收事务所), subdistrict (街道).
DEFAULT_LAYOUT = ("kind", "office", "subdistrict")


@dataclass(frozen=True, slots=True)
class TallyRow:
    """One row of a grouped tally: `labels` name the group (fewer labels = a subtotal; none = total)."""

    item_id: int
    labels: tuple[tuple[str, str], ...]
    level: str  # "group", "subtotal" or "total"
    counts: Counts


_SQL = """
SELECT {outer_dims} item_id,
  SUM(titles) AS roll_titles, SUM(area_centi) AS roll_area_centi, COUNT(*) AS roll_heads,
  SUM(returned) AS returned_titles, SUM(agree) AS agree_titles, SUM(oppose) AS oppose_titles,
  SUM(abstain) AS abstain_titles, SUM(invalid) AS invalid_titles,
  SUM(CASE WHEN counted > 0 THEN 1 ELSE 0 END) AS participating_heads,
  SUM(CASE WHEN counted > 0 AND agree = counted THEN 1 ELSE 0 END) AS agree_heads,
  SUM(counted_area_centi) AS participating_area_centi, SUM(agree_area_centi) AS agree_area_centi
FROM (
  SELECT {inner_dims} i.id AS item_id,
    CASE WHEN r.kind = 'developer_unsold' THEN 'D' ELSE 'O' || r.owner_key END AS head,
    COUNT(*) AS titles,
    SUM(r.area_centi) AS area_centi,
    COUNT(b.id) AS returned,
    SUM(CASE WHEN {choice} IS NOT NULL THEN 1 ELSE 0 END) AS counted,
    SUM(CASE WHEN {choice} = 'agree' THEN 1 ELSE 0 END) AS agree,
    SUM(CASE WHEN {choice} = 'oppose' THEN 1 ELSE 0 END) AS oppose,
    SUM(CASE WHEN {choice} = 'abstain' THEN 1 ELSE 0 END) AS abstain,
    SUM(CASE WHEN {choice} = 'invalid' THEN 1 ELSE 0 END) AS invalid,
    SUM(CASE WHEN {choice} IS NOT NULL THEN r.area_centi ELSE 0 END) AS counted_area_centi,
    SUM(CASE WHEN {choice} = 'agree' THEN r.area_centi ELSE 0 END) AS agree_area_centi
  FROM consultation_roll_entry r
  JOIN consultation_item i ON i.consultation = r.consultation
  LEFT JOIN counted_ballot b ON b.roll_entry = r.id AND b.item = i.id
  WHERE r.consultation = {consultation_id}
  GROUP BY {inner_group} i.id, CASE WHEN r.kind = 'developer_unsold' THEN 'D' ELSE 'O' || r.owner_key END
) heads
GROUP BY {outer_dims} item_id
"""


def _centi(value: object) -> Decimal:
    return Decimal(int(value or 0)).scaleb(-2)


def _counts(row: dict, non_voters_agree: bool) -> Counts:
    returned = int(row["returned_titles"] or 0)
    titles = int(row["roll_titles"] or 0)
    return Counts(
        roll_titles=titles,
        roll_area=_centi(row["roll_area_centi"]),
        roll_heads=int(row["roll_heads"] or 0),
        returned_titles=returned,
        agree_titles=int(row["agree_titles"] or 0),
        oppose_titles=int(row["oppose_titles"] or 0),
        abstain_titles=int(row["abstain_titles"] or 0),
        invalid_titles=int(row["invalid_titles"] or 0),
        not_voted_titles=titles - returned,
        participating_heads=int(row["participating_heads"] or 0),
        participating_area=_centi(row["participating_area_centi"]),
        agree_heads=int(row["agree_heads"] or 0),
        agree_area=_centi(row["agree_area_centi"]),
        non_voters_counted_as_agree=non_voters_agree,
    )


async def _query(consultation_id: int, dims: tuple[str, ...], non_voters_agree: bool) -> list[dict]:
    for dim in dims:
        if dim not in DIMENSIONS:
            raise ValueError(f"unknown tally dimension {dim!r} (known: {', '.join(DIMENSIONS)})")
    # Non-voters counted as agreeing (only when the consultation is configured so) vote AGREE.
    choice = "COALESCE(b.choice, 'agree')" if non_voters_agree else "b.choice"
    sql = _SQL.format(
        outer_dims="".join(f"{d}, " for d in dims),
        inner_dims="".join(f"r.{d} AS {d}, " for d in dims),
        inner_group="".join(f"r.{d}, " for d in dims),
        choice=choice,
        consultation_id=int(consultation_id),
    )
    return await ConsultationRollEntry.raw(sql)


async def item_totals(consultation_id: int, non_voters_agree: bool) -> dict[int, Counts]:
    """The whole roll's counts per item id (one query)."""
    rows = await _query(consultation_id, (), non_voters_agree)
    return {int(row["item_id"]): _counts(row, non_voters_agree) for row in rows}


async def grouped(
    consultation_id: int, dims: tuple[str, ...], non_voters_agree: bool
) -> list[TallyRow]:
    """Rows per item in posting order: each group, then its subtotals level by level, then the total.

    One query per level (len(dims) + 1 queries), whatever the size of the roll.
    """
    levels: dict[int, list[dict]] = {}
    for depth in range(len(dims), -1, -1):
        levels[depth] = await _query(consultation_id, dims[:depth], non_voters_agree)
    by_key: dict[tuple, dict] = {}
    for depth, rows in levels.items():
        for row in rows:
            key = (int(row["item_id"]), depth, tuple(str(row[d]) for d in dims[:depth]))
            by_key[key] = row
    out: list[TallyRow] = []
    items = sorted({key[0] for key in by_key})
    for item_id in items:
        leaves = sorted(k[2] for k in by_key if k[0] == item_id and k[1] == len(dims))
        emitted: set[tuple] = set()
        for index, leaf in enumerate(leaves):
            if len(dims) > 0:
                out.append(_row(item_id, dims, leaf, "group", by_key[(item_id, len(dims), leaf)], non_voters_agree))
            nxt = leaves[index + 1] if index + 1 < len(leaves) else None
            # After the last leaf of a prefix, close that prefix's subtotal (deepest first).
            for depth in range(len(dims) - 1, 0, -1):
                prefix = leaf[:depth]
                if (nxt is None or nxt[:depth] != prefix) and (depth, prefix) not in emitted:
                    emitted.add((depth, prefix))
                    out.append(
                        _row(item_id, dims, prefix, "subtotal", by_key[(item_id, depth, prefix)], non_voters_agree)
                    )
        out.append(_row(item_id, (), (), "total", by_key[(item_id, 0, ())], non_voters_agree))
    return out


def _row(item_id: int, dims: tuple[str, ...], values: tuple, level: str, row: dict, nva: bool) -> TallyRow:
    return TallyRow(item_id=item_id, labels=tuple(zip(dims, values)), level=level, counts=_counts(row, nva))
