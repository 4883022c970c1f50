"""The tally of a consultation by SQL aggregation: per item, grouped by roll labels, with subtotals.

Titles, areas and choices add up across groups, so they are aggregated once, at the finest grouping,
by two GROUP BY queries (the roll; the counted ballots joined to the roll), and summed up level by
level. Persons do not add up: an owner of several titles counts once in every group holding any of
them (SPC 2020, as `counting.count` defines it: they take part if any of their titles has a ballot
and agree only if every ballot on their titles agrees). Only owners holding several titles on the roll
("shared heads", a small minority) need that per-person evaluation: one more GROUP BY gives their
choices per finest group, item and person, folded into persons level by level; every other title is
its own person. Areas are summed as
integer hundredths of a m², exact on every engine. A group's figures equal `counting.count` over the
titles in that group (the property tests check it); the total row is the whole roll.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from tracker.consultations.counting import Counts
from tracker.consultations.tables import ConsultationRollEntry

# The roll labels a tally may be grouped by (columns of consultation_roll_entry).
DIMENSIONS = ("kind", "office", "subdistrict", "building", "stairwell")
# The layout resettlement offices post: kind (work units apart), office (征收事务所), subdistrict (街道).
DEFAULT_LAYOUT = ("kind", "office", "subdistrict")

_HEAD = "CASE WHEN r.kind = 'developer_unsold' THEN 'D' ELSE 'O' || r.owner_key END"


@dataclass(frozen=True, slots=True)
class TallyRow:
    """One row of a grouped tally: `labels` name the group (fewer labels = a subtotal; none = total)."""

    item_id: int
    labels: tuple[tuple[str, str], ...]
    level: str  # "group", "subtotal" or "total"
    counts: Counts


def _check(dims: tuple[str, ...]) -> None:
    for dim in dims:
        if dim not in DIMENSIONS:
            raise ValueError(f"unknown tally dimension {dim!r} (known: {', '.join(DIMENSIONS)})")


def _cols(dims: tuple[str, ...]) -> str:
    return "".join(f"r.{d}, " for d in dims)


def _select(dims: tuple[str, ...]) -> str:
    return "".join(f"r.{d} AS {d}, " for d in dims)


async def _roll(c: int, dims: tuple[str, ...]) -> list[dict]:
    return await ConsultationRollEntry.raw(
        f"SELECT {_select(dims)} COUNT(*) AS titles, SUM(r.area_centi) AS area FROM consultation_roll_entry r "
        f"WHERE r.consultation = {c}" + (f" GROUP BY {', '.join('r.' + d for d in dims)}" if dims else "")
    )


async def _ballots(c: int, dims: tuple[str, ...]) -> list[dict]:
    return await ConsultationRollEntry.raw(
        f"SELECT {_select(dims)} b.item AS item, b.choice AS choice, COUNT(*) AS n, SUM(r.area_centi) AS area "
        "FROM counted_ballot b JOIN consultation_roll_entry r ON r.id = b.roll_entry "
        f"WHERE b.consultation = {c} GROUP BY {_cols(dims)} b.item, b.choice"
    )


async def _shared_heads(c: int, dims: tuple[str, ...], nva: bool) -> list[dict]:
    """Per finest group, item and multi-title owner: their titles and the choices on them."""
    # Non-voters counted as agreeing (only when the consultation is configured so) vote AGREE.
    choice = "COALESCE(b.choice, 'agree')" if nva else "b.choice"
    labels = ", ".join(f"r.{d}" for d in DIMENSIONS)
    # The titles of owners holding several titles on the roll, found with a window count per person.
    shared = (
        f"SELECT * FROM (SELECT r.id, r.consultation, {labels}, {_HEAD} AS head, "
        f"COUNT(*) OVER (PARTITION BY {_HEAD}) AS held FROM consultation_roll_entry r WHERE r.consultation = {c}) x "
        "WHERE held > 1"
    )
    return await ConsultationRollEntry.raw(
        f"SELECT {_select(dims)} i.id AS item, r.head AS head, COUNT(*) AS titles,"
        f"  SUM(CASE WHEN {choice} IS NOT NULL THEN 1 ELSE 0 END) AS counted,"
        f"  SUM(CASE WHEN {choice} = 'agree' THEN 1 ELSE 0 END) AS agree"
        f" FROM ({shared}) r"
        " JOIN consultation_item i ON i.consultation = r.consultation"
        " LEFT JOIN counted_ballot b ON b.consultation = r.consultation AND b.roll_entry = r.id AND b.item = i.id"
        f" GROUP BY {_cols(dims)} i.id, r.head"
    )


def _fold_heads(rows: list[dict], dims: tuple[str, ...]) -> dict[tuple, dict[str, int]]:
    """Fold the multi-title owners' rows into persons at every level (a person counts once per group)."""
    persons: dict[tuple, list[int]] = {}
    for row in rows:
        leaf = tuple(str(row[d]) for d in dims)
        for depth in range(len(dims) + 1):
            key = (int(row["item"]), leaf[:depth], row["head"])
            p = persons.get(key)
            if p is None:
                persons[key] = [int(row["titles"]), int(row["counted"]), int(row["agree"])]
            else:
                p[0] += int(row["titles"])
                p[1] += int(row["counted"])
                p[2] += int(row["agree"])
    out: dict[tuple, dict[str, int]] = defaultdict(_zero)
    for (item, key, _), (titles, counted, agree) in persons.items():
        s = out[(item, key)]
        s["heads"] += 1
        s["titles"] += titles
        s["counted"] += counted
        s["agree"] += agree
        if counted > 0:
            s["participating_heads"] += 1
            if agree == counted:
                s["agree_heads"] += 1
    return out


async def _items(c: int) -> list[int]:
    rows = await ConsultationRollEntry.raw(f"SELECT id FROM consultation_item WHERE consultation = {c} ORDER BY position")
    return [int(r["id"]) for r in rows]


def _centi(value: int) -> Decimal:
    return Decimal(int(value)).scaleb(-2)


def _zero() -> dict[str, int]:
    return defaultdict(int)


async def _levels(c: int, dims: tuple[str, ...], nva: bool) -> dict[tuple[int, tuple], Counts]:
    """Counts for every (item, group key) at every level: keys of length len(dims) down to 0."""
    _check(dims)
    c = int(c)
    items = await _items(c)
    # Additive figures at the finest level, summed into every coarser level.
    roll: dict[tuple, dict[str, int]] = defaultdict(_zero)
    roll[()]  # the total row exists even for an empty roll
    for row in await _roll(c, dims):
        leaf = tuple(str(row[d]) for d in dims)
        for depth in range(len(dims) + 1):
            roll[leaf[:depth]]["titles"] += int(row["titles"])
            roll[leaf[:depth]]["area"] += int(row["area"] or 0)
    votes: dict[tuple, dict[str, int]] = defaultdict(_zero)
    for row in await _ballots(c, dims):
        leaf = tuple(str(row[d]) for d in dims)
        for depth in range(len(dims) + 1):
            v = votes[(int(row["item"]), leaf[:depth])]
            v[row["choice"]] += int(row["n"])
            v["returned"] += int(row["n"])
            v["area"] += int(row["area"] or 0)
            if row["choice"] == "agree":
                v["agree_area"] += int(row["area"] or 0)
    shared = _fold_heads(await _shared_heads(c, dims, nva), dims)

    out: dict[tuple[int, tuple], Counts] = {}
    for key, r in roll.items():
        for item in items:
            v = votes.get((item, key), _zero())
            s = shared.get((item, key))
            titles, area = r["titles"], r["area"]
            returned = v["returned"]
            not_voted = titles - returned
            agree_titles = v["agree"] + (not_voted if nva else 0)
            counted_titles = titles if nva else returned
            agree_area = v["agree_area"] + ((area - v["area"]) if nva else 0)
            participating_area = area if nva else v["area"]
            sh = s if s is not None else _zero()
            out[(item, key)] = Counts(
                roll_titles=titles,
                roll_area=_centi(area),
                roll_heads=titles - sh["titles"] + sh["heads"],
                returned_titles=returned,
                agree_titles=agree_titles,
                oppose_titles=v["oppose"],
                abstain_titles=v["abstain"],
                invalid_titles=v["invalid"],
                not_voted_titles=not_voted,
                participating_heads=counted_titles - sh["counted"] + sh["participating_heads"],
                participating_area=_centi(participating_area),
                agree_heads=agree_titles - sh["agree"] + sh["agree_heads"],
                agree_area=_centi(agree_area),
                non_voters_counted_as_agree=nva,
            )
    return out


async def item_totals(consultation_id: int, non_voters_agree: bool) -> dict[int, Counts]:
    """The whole roll's counts per item id."""
    levels = await _levels(consultation_id, (), non_voters_agree)
    return {item: counts for (item, key), counts in levels.items() if key == ()}


async def grouped(consultation_id: int, dims: tuple[str, ...], non_voters_agree: bool) -> list[TallyRow]:
    """Rows per item in posting order: each group, then its subtotals level by level, then the total."""
    levels = await _levels(consultation_id, dims, non_voters_agree)
    out: list[TallyRow] = []
    for item_id in await _items(int(consultation_id)):
        leaves = sorted(key for (item, key) in levels if item == item_id and len(key) == len(dims))
        for index, leaf in enumerate(leaves):
            if dims:
                out.append(_row(item_id, dims, leaf, "group", levels[(item_id, leaf)]))
            nxt = leaves[index + 1] if index + 1 < len(leaves) else None
            # After the last leaf of a prefix, close that prefix's subtotal (deepest first).
            for depth in range(len(dims) - 1, 0, -1):
                prefix = leaf[:depth]
                if nxt is None or nxt[:depth] != prefix:
                    out.append(_row(item_id, dims, prefix, "subtotal", levels[(item_id, prefix)]))
        if (item_id, ()) in levels:
            out.append(_row(item_id, (), (), "total", levels[(item_id, ())]))
    return out


def _row(item_id: int, dims: tuple[str, ...], values: tuple, level: str, counts: Counts) -> TallyRow:
    return TallyRow(item_id=item_id, labels=tuple(zip(dims, values)), level=level, counts=counts)
