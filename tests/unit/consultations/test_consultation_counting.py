"""Counting a roll and its ballots: headcount by owner, area by title, non-voters, bad input."""

from decimal import Decimal

import pytest

from tracker.consultations.counting import Choice, Counts, RollEntry, count, effective_area

A, O, S, X = Choice.AGREE, Choice.OPPOSE, Choice.ABSTAIN, Choice.INVALID


def entry(title_id: int, area: str = "100.00", owner: str | None = None, kind: str = "resident") -> RollEntry:
    return RollEntry(title_id, Decimal(area), owner or f"owner-{title_id}", kind)


def test_effective_area_prefers_registered_then_surveyed_then_contract():
    assert effective_area(Decimal("80.10"), Decimal("81"), Decimal("82")) == Decimal("80.10")
    assert effective_area(None, Decimal("81"), Decimal("82")) == Decimal("81")
    assert effective_area(None, None, Decimal("82")) == Decimal("82")


def test_effective_area_without_any_area_is_an_error():
    with pytest.raises(ValueError, match="no registered, surveyed or contract area"):
        effective_area(None, None, None)


def test_every_title_counts_its_own_area_and_choice():
    roll = [entry(1, "50.50"), entry(2, "60.25"), entry(3, "70.00"), entry(4, "80.00"), entry(5, "90.00")]
    counts = count(roll, {1: A, 2: O, 3: S, 4: X})
    assert counts == Counts(
        roll_titles=5,
        roll_area=Decimal("350.75"),
        roll_heads=5,
        returned_titles=4,
        agree_titles=1,
        oppose_titles=1,
        abstain_titles=1,
        invalid_titles=1,
        not_voted_titles=1,
        participating_heads=4,
        participating_area=Decimal("260.75"),
        agree_heads=1,
        agree_area=Decimal("50.50"),
        non_voters_counted_as_agree=False,
    )


def test_one_owner_of_several_parts_counts_once():
    roll = [entry(1, owner="z"), entry(2, owner="z"), entry(3, owner="z"), entry(4)]
    counts = count(roll, {1: A, 2: A})
    assert (counts.roll_heads, counts.participating_heads, counts.agree_heads) == (2, 1, 1)
    assert (counts.participating_area, counts.agree_area) == (Decimal("200.00"), Decimal("200.00"))


def test_split_owner_participates_but_does_not_agree():
    roll = [entry(1, owner="z"), entry(2, owner="z")]
    for other in (O, S, X):
        counts = count(roll, {1: A, 2: other})
        assert (counts.participating_heads, counts.agree_heads) == (1, 0)
        # Area still follows each title's own ballot.
        assert counts.agree_area == Decimal("100.00")


def test_unsold_developer_parts_count_once_together_whatever_their_owner_key():
    roll = [
        entry(1, kind="developer_unsold", owner="developer-a"),
        entry(2, kind="developer_unsold", owner="developer-b"),
        entry(3, kind="developer_unsold", owner="developer-a"),
        entry(4, kind="work_unit", owner="factory"),
        entry(5, kind="work_unit", owner="school"),
        entry(6, kind="resident", owner="developer-a"),
    ]
    counts = count(roll, {1: A, 2: A})
    # developer block, factory, school, and the resident whose key happens to match a developer's.
    assert counts.roll_heads == 4
    assert (counts.participating_heads, counts.agree_heads) == (1, 1)


def test_non_voters_never_agree_unless_configured():
    roll = [entry(1), entry(2, owner="z"), entry(3, owner="z")]
    counts = count(roll, {2: A})
    assert counts.non_voters_counted_as_agree is False
    assert (counts.agree_titles, counts.agree_heads, counts.agree_area) == (1, 1, Decimal("100.00"))
    assert (counts.participating_heads, counts.participating_area) == (1, Decimal("100.00"))


def test_non_voters_counted_as_agree_when_configured_and_the_counts_say_so():
    roll = [entry(1), entry(2, owner="z"), entry(3, owner="z"), entry(4)]
    counts = count(roll, {3: O}, non_voters_agree=True)
    assert counts.non_voters_counted_as_agree is True
    assert (counts.returned_titles, counts.not_voted_titles) == (1, 3)
    assert (counts.agree_titles, counts.oppose_titles) == (3, 1)
    assert (counts.participating_heads, counts.participating_area) == (3, Decimal("400.00"))
    # z's silent #2 is taken as agreeing, but z opposed on #3: a split owner, not an agreeing one.
    assert (counts.agree_heads, counts.agree_area) == (2, Decimal("300.00"))


def test_ballot_values_may_be_stored_strings():
    counts = count([entry(1), entry(2)], {1: "agree", 2: "invalid"})
    assert (counts.agree_titles, counts.invalid_titles) == (1, 1)


def test_empty_roll_counts_zero():
    counts = count([], {})
    assert (counts.roll_titles, counts.roll_heads, counts.roll_area) == (0, 0, Decimal(0))


@pytest.mark.parametrize(
    ("roll", "ballots", "message"),
    [
        ([entry(1), entry(1)], {}, r"more than once: \[1\]"),
        ([entry(1)], {2: A}, r"not on the roll: \[2\]"),
        ([entry(1)], {1: "yes"}, "not a valid Choice"),
        ([entry(1)], {1: None}, "not a valid Choice"),
    ],
)
def test_bad_ballots_or_roll_are_refused(roll, ballots, message):
    with pytest.raises(ValueError, match=message):
        count(roll, ballots)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"area": Decimal("0")}, "positive Decimal"),
        ({"area": Decimal("-5")}, "positive Decimal"),
        ({"area": Decimal("NaN")}, "positive Decimal"),
        ({"area": 100.0}, "positive Decimal"),
        ({"owner_key": ""}, "owner_key is empty"),
        ({"kind": "tenant"}, "unknown kind 'tenant'"),
    ],
)
def test_bad_roll_entries_are_refused(kwargs, message):
    fields = {"title_id": 1, "area": Decimal("100"), "owner_key": "o", "kind": "resident"} | kwargs
    with pytest.raises(ValueError, match=message):
        RollEntry(**fields)
