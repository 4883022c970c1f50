"""Counting a frozen roll (表决名册) and its ballots (选票) into exact totals, with no database.

This is the plain reference computation every tally is built on; the rules in `rules.py` decide from
its `Counts`.

Titles and area: every title certificate (权证) on the roll is one exclusive part (专有部分); its area
counts by that title's own ballot, whoever the owner is.

Headcount (人数), per the SPC 2020 interpretation on building ownership: one per exclusive part, but
one owner (same `owner_key`) of several parts counts once, and all unsold developer parts
(`developer_unsold`) count once together, whatever owner key they carry. For such a person with several
titles:

- they take part in the headcount if any of their titles has a ballot;
- they agree in the headcount only if at least one ballot was cast on their titles and every ballot
  cast on them is AGREE. An owner whose titles voted differently (a split owner) participates but does
  not agree: a person cannot be counted as agreeing to something they also opposed.

Abstentions (弃权) and invalid ballots (废票) participate and never agree. A title without a ballot has
not voted and never agrees, unless the consultation is explicitly configured with `non_voters_agree`;
then it counts as an AGREE ballot for participation and agreement, and `Counts` says so.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from tracker.register.kinds import HouseholdKind


class Choice(StrEnum):
    """A ballot's choice (表决意见)."""

    AGREE = "agree"  # 同意
    OPPOSE = "oppose"  # 反对
    ABSTAIN = "abstain"  # 弃权
    INVALID = "invalid"  # 废票


@dataclass(frozen=True, slots=True)
class RollEntry:
    """One title certificate (权证), i.e. one exclusive part (专有部分), on a frozen roll.

    `area` is the area that counts (see `effective_area`); `owner_key` recognises one owner across
    titles; `kind` is a `HouseholdKind` value: resident (居民), work_unit (单位) or developer_unsold
    (开发建设单位未售出部分).
    """

    title_id: int
    area: Decimal
    owner_key: str
    kind: str

    def __post_init__(self) -> None:
        # Validated here so a bad roll fails when it is frozen, not as a wrong tally later.
        try:
            kind = HouseholdKind(self.kind)
        except ValueError:
            known = ", ".join(k.value for k in HouseholdKind)
            raise ValueError(f"title {self.title_id}: unknown kind {self.kind!r} (known: {known})") from None
        object.__setattr__(self, "kind", kind)
        if not isinstance(self.area, Decimal) or not self.area.is_finite() or self.area <= 0:
            raise ValueError(f"title {self.title_id}: area must be a positive Decimal, got {self.area!r}")
        if not self.owner_key:
            raise ValueError(f"title {self.title_id}: owner_key is empty")


def effective_area(
    registered: Decimal | None, surveyed: Decimal | None, contract: Decimal | None
) -> Decimal:
    """The area that counts: registered (不动产登记面积), else surveyed (测绘面积), else contract (合同面积)."""
    for area in (registered, surveyed, contract):
        if area is not None:
            return area
    raise ValueError("no registered, surveyed or contract area: the title cannot go on the roll")


@dataclass(frozen=True, slots=True)
class Counts:
    """Exact totals of one consultation: ints and Decimals, never floats.

    Titles: `returned_titles` are ballots actually cast, invalid ones included; `not_voted_titles` are
    titles without a ballot. The four choice counts add up to `returned_titles`, plus
    `not_voted_titles` when `non_voters_counted_as_agree` (those are then inside `agree_titles`).
    """

    roll_titles: int
    roll_area: Decimal
    roll_heads: int  # 总人数
    returned_titles: int
    agree_titles: int
    oppose_titles: int
    abstain_titles: int
    invalid_titles: int  # 废票
    not_voted_titles: int  # 未表决
    participating_heads: int  # 参与表决人数
    participating_area: Decimal  # 参与表决专有部分面积
    agree_heads: int  # 同意人数
    agree_area: Decimal  # 同意专有部分面积
    non_voters_counted_as_agree: bool


def _head_key(entry: RollEntry) -> tuple[str, str]:
    # Tagged so that an owner key can never collide with the developer's shared head.
    if entry.kind is HouseholdKind.developer_unsold:
        return ("developer_unsold", "")
    return ("owner", entry.owner_key)


def count(
    entries: Iterable[RollEntry], ballots: Mapping[int, Choice], non_voters_agree: bool = False
) -> Counts:
    """Count `ballots` (title_id → choice) against the frozen roll `entries`."""
    entries = tuple(entries)
    title_ids = Counter(entry.title_id for entry in entries)
    duplicates = sorted(title_id for title_id, n in title_ids.items() if n > 1)
    if duplicates:
        raise ValueError(f"titles on the roll more than once: {duplicates}")
    off_roll = sorted(set(ballots) - set(title_ids))
    if off_roll:
        raise ValueError(f"ballots for titles not on the roll: {off_roll}")

    by_choice: Counter[Choice] = Counter()
    participating_area = agree_area = Decimal(0)
    # Per person: the choices that count on their titles (None = not voted).
    heads: dict[tuple[str, str], list[Choice | None]] = {}
    for entry in entries:
        if entry.title_id in ballots:
            choice: Choice | None = Choice(ballots[entry.title_id])
        elif non_voters_agree:
            choice = Choice.AGREE
        else:
            choice = None
        heads.setdefault(_head_key(entry), []).append(choice)
        if choice is None:
            continue
        by_choice[choice] += 1
        participating_area += entry.area
        if choice is Choice.AGREE:
            agree_area += entry.area

    participating_heads = agree_heads = 0
    for choices in heads.values():
        counted = [c for c in choices if c is not None]
        if counted:
            participating_heads += 1
            if all(c is Choice.AGREE for c in counted):
                agree_heads += 1

    return Counts(
        roll_titles=len(entries),
        roll_area=sum((entry.area for entry in entries), Decimal(0)),
        roll_heads=len(heads),
        returned_titles=len(ballots),
        agree_titles=by_choice[Choice.AGREE],
        oppose_titles=by_choice[Choice.OPPOSE],
        abstain_titles=by_choice[Choice.ABSTAIN],
        invalid_titles=by_choice[Choice.INVALID],
        not_voted_titles=len(entries) - len(ballots),
        participating_heads=participating_heads,
        participating_area=participating_area,
        agree_heads=agree_heads,
        agree_area=agree_area,
        non_voters_counted_as_agree=bool(non_voters_agree),
    )
