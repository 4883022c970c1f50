"""The tally of a consultation by SQL aggregation: per item, grouped by roll labels, with subtotals.

Titles, areas and choices add up across groups, so they are aggregated once, at the finest grouping,
and summed up level by level. Persons do not add up: an owner of several titles counts once in every
group holding any of them (SPC 2020, as `counting.count` defines it: they take part if any of their
titles has a ballot and agree only if every ballot on their titles agrees). Only owners holding
several titles on the roll ("shared heads", flagged on the roll entry) need that per-person
evaluation (`fold_heads`); every other title is its own person.

So a 50,000-title tally does not read 550,000 ballots, the posting layout (`STORED`: kind × office ×
subdistrict) is kept pre-aggregated, in step with every write that changes `counted_ballot`:

- `consultation_roll_group`: titles and area per label combination, made when the roll is built;
- `tally_cell`: counted titles and area per item, group and choice;
- `person_cell`: the shared heads' figures per item and per group at every level of the layout.

Any subset of the stored labels reads groups and cells; a prefix of the layout also reads person
cells. Other groupings (building, stairwell, another order) aggregate the ballots themselves, as
every grouping did before. `rebuild` recomputes all three from the roll and `counted_ballot`;
`cells_drift` compares them. Areas are integer hundredths of a m², exact on every engine. A group's
figures equal `counting.count` over the titles in that group (the property tests check it); the
total row is the whole roll.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from tracker.consultations.counting import Counts
from tracker.consultations.tables import ConsultationRollEntry

# The roll labels a tally may be grouped by (columns of consultation_roll_entry).
DIMENSIONS = ("kind", "office", "subdistrict", "building", "stairwell")
# The layout resettlement offices post: kind (work units apart), office (征收事务所), subdistrict (街道).
DEFAULT_LAYOUT = ("kind", "office", "subdistrict")
# The labels kept pre-aggregated (roll groups, tally cells, person cells per prefix).
STORED = DEFAULT_LAYOUT
# A shared head's counters in a person cell, in column order.
PERSON_FIGURES = ("heads", "titles", "counted", "agree", "participating_heads", "agree_heads")

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


# ------------------------------------------------------------------ persons


def fold_heads(rows: Iterable[dict], dims: tuple[str, ...], nva: bool) -> dict[tuple, dict[str, int]]:
    """Shared heads' figures per (item, group key) at every level of `dims`.

    `rows`: one per title and item, with the title's labels, `head`, `item` and `choice` (None = not
    voted). A person counts once per group holding any of their titles: they take part if any of
    those titles has a ballot and agree if at least one has and all that have agree. Non-voters
    agree only when the consultation says so (`nva`).
    """
    persons: dict[tuple, list[int]] = {}
    for row in rows:
        choice = row["choice"]
        if choice is None and nva:
            choice = "agree"
        leaf = tuple(str(row[d]) for d in dims)
        counted = 0 if choice is None else 1
        agree = 1 if choice == "agree" else 0
        for depth in range(len(dims) + 1):
            key = (int(row["item"]), leaf[:depth], row["head"])
            p = persons.get(key)
            if p is None:
                persons[key] = [1, counted, agree]
            else:
                p[0] += 1
                p[1] += counted
                p[2] += agree
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


def _head_condition(kind: str, owner_key: str) -> str:
    """SQL selecting one person's titles (by the indexed owner key; all unsold developer parts together)."""
    if kind == "developer_unsold":
        return "r.kind = 'developer_unsold'"
    return "r.owner_key = '" + owner_key.replace("'", "''") + "' AND r.kind <> 'developer_unsold'"


async def _shared_rows(c: int, head: tuple[str, str] | None = None) -> list[dict]:
    """The shared heads' titles × items with their counted choice (all heads, or one: (kind, owner_key))."""
    only = "" if head is None else " AND " + _head_condition(*head)
    return await ConsultationRollEntry.raw(
        f"SELECT r.id AS id, {_select(DIMENSIONS)} {_HEAD} AS head, i.id AS item, b.choice AS choice"
        " FROM consultation_roll_entry r"
        " JOIN consultation_item i ON i.consultation = r.consultation"
        " LEFT JOIN counted_ballot b ON b.consultation = r.consultation AND b.roll_entry = r.id AND b.item = i.id"
        f" WHERE r.consultation = {int(c)} AND r.shared_head{only}"
    )


def _person_rows(c: int, folded: dict[tuple, dict[str, int]], sign: int = 1) -> list[str]:
    rows = []
    for (item, key), f in sorted(folded.items()):
        labels = [*key, *([""] * (len(STORED) - len(key)))]
        quoted = ", ".join("'" + str(v).replace("'", "''") + "'" for v in labels)
        numbers = ", ".join(str(sign * int(f[name])) for name in PERSON_FIGURES)
        rows.append(f"({int(c)}, {int(item)}, {len(key)}, {quoted}, {numbers})")
    return rows


async def _upsert_person_cells(rows: list[str]) -> None:
    labels = ", ".join(STORED)
    figures = ", ".join(PERSON_FIGURES)
    add = ", ".join(f"{n} = person_cell.{n} + excluded.{n}" for n in PERSON_FIGURES)
    for start in range(0, len(rows), 500):
        await ConsultationRollEntry.raw(
            f"INSERT INTO person_cell (consultation, item, depth, {labels}, {figures}) "
            f"VALUES {', '.join(rows[start : start + 500])} "
            f"ON CONFLICT (consultation, item, depth, {labels}) DO UPDATE SET {add}"
        )


# ------------------------------------------------------------------ keeping the stored figures


def rebuild_statements(consultation_id: int) -> list[str]:
    """SQL (both engines) recomputing a roll's groups, shared-head flags and tally cells from scratch.

    Person cells need the per-person fold and are rebuilt by `rebuild`.
    """
    c = int(consultation_id)
    labels = ", ".join(STORED)
    same_labels = " AND ".join(f"g.{d} = consultation_roll_entry.{d}" for d in STORED)
    return [
        f"UPDATE consultation_roll_entry SET roll_group = NULL, shared_head = FALSE WHERE consultation = {c}",
        f"DELETE FROM person_cell WHERE consultation = {c}",
        f"DELETE FROM tally_cell WHERE consultation = {c}",
        f"DELETE FROM consultation_roll_group WHERE consultation = {c}",
        f"INSERT INTO consultation_roll_group (consultation, {labels}, titles, area_centi) "
        f"SELECT consultation, {labels}, COUNT(*), SUM(area_centi) FROM consultation_roll_entry "
        f"WHERE consultation = {c} GROUP BY consultation, {labels}",
        "UPDATE consultation_roll_entry SET roll_group = (SELECT g.id FROM consultation_roll_group g "
        f"WHERE g.consultation = consultation_roll_entry.consultation AND {same_labels}) WHERE consultation = {c}",
        # Titles whose person holds other titles on the same roll: an owner key on several titles, or
        # one of several unsold developer parts (which count as one head together).
        f"UPDATE consultation_roll_entry SET shared_head = TRUE WHERE consultation = {c} AND ("
        "(kind <> 'developer_unsold' AND owner_key IN (SELECT owner_key FROM consultation_roll_entry "
        f"WHERE consultation = {c} AND kind <> 'developer_unsold' GROUP BY owner_key HAVING COUNT(*) > 1)) OR "
        "(kind = 'developer_unsold' AND (SELECT COUNT(*) FROM consultation_roll_entry "
        f"WHERE consultation = {c} AND kind = 'developer_unsold') > 1))",
        "INSERT INTO tally_cell (consultation, item, roll_group, choice, titles, area_centi) "
        "SELECT b.consultation, b.item, r.roll_group, b.choice, COUNT(*), SUM(r.area_centi) "
        f"FROM counted_ballot b JOIN consultation_roll_entry r ON r.id = b.roll_entry WHERE b.consultation = {c} "
        "GROUP BY b.consultation, b.item, r.roll_group, b.choice",
    ]


async def _nva(c: int) -> bool:
    rows = await ConsultationRollEntry.raw(f"SELECT non_voters_agree FROM consultation WHERE id = {int(c)}")
    return bool(rows and rows[0]["non_voters_agree"])


async def rebuild(consultation_id: int) -> None:
    """Recompute the roll groups, tally cells and person cells of one consultation.

    Run inside the caller's transaction when the roll or its settings change (building, editing,
    opening), and by deciding when `cells_drift` finds the stored figures out of step.
    """
    c = int(consultation_id)
    for statement in rebuild_statements(c):
        await ConsultationRollEntry.raw(statement)
    folded = fold_heads(await _shared_rows(c), STORED, await _nva(c))
    await _upsert_person_cells(_person_rows(c, folded))


async def apply_counted_change(
    consultation_id: int, entry: dict, before: dict[int, str], after: dict[int, str]
) -> None:
    """Move one title's counted choices from `before` to `after` (item id → choice) in the stored figures.

    Runs in the transaction that changes `counted_ballot`, after that change and with the title's
    person locked (all their titles). `entry` is the roll entry (roll_group, area_centi, shared_head,
    kind, owner_key, id). Cells are touched in key order so two writers never lock them crosswise;
    the deltas are signed, hence no CHECK (titles >= 0) on the cells (both engines check an upsert's
    proposed row before resolving its conflict).
    """
    c = int(consultation_id)
    delta: dict[tuple[int, str], int] = defaultdict(int)
    for item, choice in before.items():
        delta[(int(item), str(choice))] -= 1
    for item, choice in after.items():
        delta[(int(item), str(choice))] += 1
    area = int(entry["area_centi"])
    values = ", ".join(
        f"({c}, {item}, {int(entry['roll_group'])}, '{choice}', {d}, {d * area})"
        for (item, choice), d in sorted(delta.items()) if d
    )
    if values:
        await ConsultationRollEntry.raw(
            "INSERT INTO tally_cell (consultation, item, roll_group, choice, titles, area_centi) "
            f"VALUES {values} ON CONFLICT (consultation, item, roll_group, choice) DO UPDATE SET "
            "titles = tally_cell.titles + excluded.titles, area_centi = tally_cell.area_centi + excluded.area_centi"
        )
    if not entry["shared_head"]:
        return
    # The person's figures with this title's choices as they are now, and as they were.
    now_rows = await _shared_rows(c, (entry["kind"], entry["owner_key"]))
    then_rows = [
        {**r, "choice": before.get(int(r["item"]))} if int(r["id"]) == int(entry["id"]) else r for r in now_rows
    ]
    nva = await _nva(c)
    new, old = fold_heads(now_rows, STORED, nva), fold_heads(then_rows, STORED, nva)
    change: dict[tuple, dict[str, int]] = {}
    for key in new.keys() | old.keys():
        d = {n: new.get(key, _zero())[n] - old.get(key, _zero())[n] for n in PERSON_FIGURES}
        if any(d.values()):
            change[key] = d
    if change:
        await _upsert_person_cells(_person_rows(c, change))


async def cells_drift(consultation_id: int) -> list[tuple]:
    """Stored figures that differ from the roll and counted ballots folded afresh: (key, stored, actual)."""
    c = int(consultation_id)
    stored = {
        ("cell", int(r["item"]), int(r["roll_group"]), r["choice"]): (int(r["titles"]), int(r["area_centi"]))
        for r in await ConsultationRollEntry.raw(
            f"SELECT item, roll_group, choice, titles, area_centi FROM tally_cell WHERE consultation = {c}"
        )
        if int(r["titles"]) or int(r["area_centi"])
    }
    actual = {
        ("cell", int(r["item"]), int(r["roll_group"]), r["choice"]): (int(r["titles"]), int(r["area_centi"]))
        for r in await ConsultationRollEntry.raw(
            "SELECT b.item AS item, r.roll_group AS roll_group, b.choice AS choice, COUNT(*) AS titles, "
            "SUM(r.area_centi) AS area_centi FROM counted_ballot b JOIN consultation_roll_entry r ON r.id = b.roll_entry "
            f"WHERE b.consultation = {c} GROUP BY b.item, r.roll_group, b.choice"
        )
    }
    for (item, key), figures in (await _person_cells(c, len(STORED))).items():
        if any(figures.values()):
            stored[("person", item, key)] = tuple(figures[n] for n in PERSON_FIGURES)
    for (item, key), figures in fold_heads(await _shared_rows(c), STORED, await _nva(c)).items():
        actual[("person", item, key)] = tuple(figures[n] for n in PERSON_FIGURES)
    return [
        (key, stored.get(key), actual.get(key))
        for key in sorted(stored.keys() | actual.keys(), key=repr)
        if stored.get(key) != actual.get(key)
    ]


# ------------------------------------------------------------------ reading


async def _roll(c: int, dims: tuple[str, ...]) -> list[dict]:
    table = "consultation_roll_group" if set(dims) <= set(STORED) else "consultation_roll_entry"
    titles = "SUM(r.titles)" if table == "consultation_roll_group" else "COUNT(*)"
    return await ConsultationRollEntry.raw(
        f"SELECT {_select(dims)} {titles} AS titles, SUM(r.area_centi) AS area FROM {table} r "
        f"WHERE r.consultation = {c}" + (f" GROUP BY {', '.join('r.' + d for d in dims)}" if dims else "")
    )


async def _ballots(c: int, dims: tuple[str, ...]) -> list[dict]:
    if set(dims) <= set(STORED):
        return await ConsultationRollEntry.raw(
            f"SELECT {_select(dims)} t.item AS item, t.choice AS choice, SUM(t.titles) AS n, "
            "SUM(t.area_centi) AS area FROM tally_cell t JOIN consultation_roll_group r ON r.id = t.roll_group "
            f"WHERE t.consultation = {c} GROUP BY {_cols(dims)} t.item, t.choice"
        )
    return await ConsultationRollEntry.raw(
        f"SELECT {_select(dims)} b.item AS item, b.choice AS choice, COUNT(*) AS n, SUM(r.area_centi) AS area "
        "FROM counted_ballot b JOIN consultation_roll_entry r ON r.id = b.roll_entry "
        f"WHERE b.consultation = {c} GROUP BY {_cols(dims)} b.item, b.choice"
    )


async def _person_cells(c: int, depth: int) -> dict[tuple, dict[str, int]]:
    rows = await ConsultationRollEntry.raw(
        f"SELECT item, depth, {', '.join(STORED)}, {', '.join(PERSON_FIGURES)} FROM person_cell "
        f"WHERE consultation = {int(c)} AND depth <= {int(depth)}"
    )
    out: dict[tuple, dict[str, int]] = {}
    for r in rows:
        key = tuple(str(r[d]) for d in STORED[: int(r["depth"])])
        out[(int(r["item"]), key)] = {n: int(r[n]) for n in PERSON_FIGURES}
    return out


async def _shared(c: int, dims: tuple[str, ...], nva: bool) -> dict[tuple, dict[str, int]]:
    """The shared heads' figures per (item, group key): stored for layout prefixes, else folded now."""
    if dims == STORED[: len(dims)] and nva == await _nva(c):
        return await _person_cells(c, len(dims))
    return fold_heads(await _shared_rows(c), dims, nva)


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
    shared = await _shared(c, dims, nva)

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
