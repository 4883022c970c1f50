"""Property tests: `count` and every rule against a naive reference, monotonicity, non-voters."""

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.consultations.counting import Choice, RollEntry, count
from tracker.consultations.rules import make_rule

# No example database: failures are reproduced from the printed example, not a local cache.
properties = settings(database=None, deadline=None, max_examples=200)

OWNER_POOL = ["ma", "li", "wang", "zhang", "zhao"]


@st.composite
def rolls(draw) -> list[RollEntry]:
    size = draw(st.integers(min_value=1, max_value=40))
    roll = []
    for title_id in range(1, size + 1):
        area = draw(st.decimals(min_value=1, max_value=500, places=2, allow_nan=False, allow_infinity=False))
        kind = draw(st.sampled_from(["resident", "resident", "resident", "work_unit", "developer_unsold"]))
        # Mostly a shared pool, so owners of several titles are common.
        owner = draw(st.sampled_from([*OWNER_POOL, f"solo-{title_id}"]))
        roll.append(RollEntry(title_id, area, owner, kind))
    return roll


@st.composite
def polls(draw) -> tuple[list[RollEntry], dict[int, Choice]]:
    roll = draw(rolls())
    ballots = {}
    for entry in roll:
        choice = draw(st.sampled_from([None, *Choice]))
        if choice is not None:
            ballots[entry.title_id] = choice
    return roll, ballots


shares = st.builds(
    lambda den, num: Fraction(min(num, den), den),
    st.integers(min_value=1, max_value=20),
    st.integers(min_value=1, max_value=20),
)


@dataclass
class Reference:
    """Totals computed the slow, obvious way, without the module under test."""

    roll_titles: int
    roll_heads: int
    roll_area: Fraction
    agree_titles: int
    participating_heads: int
    participating_area: Fraction
    agree_heads: int
    agree_area: Fraction


def reference(roll: list[RollEntry], ballots: dict[int, Choice], non_voters_agree: bool = False) -> Reference:
    def choice_of(entry):
        if entry.title_id in ballots:
            return ballots[entry.title_id]
        return Choice.AGREE if non_voters_agree else None

    persons = []  # one list of titles per person
    for entry in roll:
        if entry.kind == "developer_unsold":
            person = "the developer's unsold parts"
        else:
            person = "owner " + entry.owner_key
        for group in persons:
            if group[0] == person:
                group[1].append(entry)
                break
        else:
            persons.append((person, [entry]))

    participating_heads = 0
    agree_heads = 0
    for _, titles in persons:
        voted = [choice_of(t) for t in titles if choice_of(t) is not None]
        if len(voted) > 0:
            participating_heads += 1
            if voted.count(Choice.AGREE) == len(voted):
                agree_heads += 1

    roll_area = Fraction(0)
    participating_area = Fraction(0)
    agree_area = Fraction(0)
    agree_titles = 0
    for entry in roll:
        roll_area += Fraction(str(entry.area))
        if choice_of(entry) is not None:
            participating_area += Fraction(str(entry.area))
        if choice_of(entry) == Choice.AGREE:
            agree_area += Fraction(str(entry.area))
            agree_titles += 1

    return Reference(
        roll_titles=len(roll),
        roll_heads=len(persons),
        roll_area=roll_area,
        agree_titles=agree_titles,
        participating_heads=participating_heads,
        participating_area=participating_area,
        agree_heads=agree_heads,
        agree_area=agree_area,
    )


def share_at_least(part, whole, threshold: Fraction) -> bool:
    return whole != 0 and Fraction(part) / Fraction(whole) >= threshold


def share_above(part, whole, threshold: Fraction) -> bool:
    return whole != 0 and Fraction(part) / Fraction(whole) > threshold


def reference_outcomes(ref: Reference, p: Fraction) -> dict[str, list[bool]]:
    participation = [
        share_at_least(ref.participating_heads, ref.roll_heads, Fraction(2, 3)),
        share_at_least(ref.participating_area, ref.roll_area, Fraction(2, 3)),
    ]
    return {
        "art278_major": participation + [
            share_at_least(ref.agree_heads, ref.participating_heads, Fraction(3, 4)),
            share_at_least(ref.agree_area, ref.participating_area, Fraction(3, 4)),
        ],
        "art278_ordinary": participation + [
            share_above(ref.agree_heads, ref.participating_heads, Fraction(1, 2)),
            share_above(ref.agree_area, ref.participating_area, Fraction(1, 2)),
        ],
        "roll_share": [share_at_least(ref.agree_titles, ref.roll_titles, p)],
    }


def all_rules(p: Fraction):
    return {
        "art278_major": make_rule("art278_major"),
        "art278_ordinary": make_rule("art278_ordinary"),
        "roll_share": make_rule("roll_share", p=p),
    }


@properties
@given(polls(), shares, st.booleans())
def test_count_and_rules_match_the_naive_reference(poll, p, non_voters_agree):
    roll, ballots = poll
    counts = count(roll, ballots, non_voters_agree=non_voters_agree)
    ref = reference(roll, ballots, non_voters_agree)

    assert (counts.roll_titles, counts.roll_heads, Fraction(counts.roll_area)) == (
        ref.roll_titles, ref.roll_heads, ref.roll_area,
    )
    assert counts.agree_titles == ref.agree_titles
    assert (counts.participating_heads, Fraction(counts.participating_area)) == (
        ref.participating_heads, ref.participating_area,
    )
    assert (counts.agree_heads, Fraction(counts.agree_area)) == (ref.agree_heads, ref.agree_area)
    assert counts.returned_titles == len(ballots)
    assert counts.not_voted_titles == len(roll) - len(ballots)
    for choice, field in [(Choice.OPPOSE, "oppose_titles"), (Choice.ABSTAIN, "abstain_titles"),
                          (Choice.INVALID, "invalid_titles")]:
        assert getattr(counts, field) == list(ballots.values()).count(choice)

    expected = reference_outcomes(ref, p)
    for key, rule in all_rules(p).items():
        decision = rule(counts)
        assert [r.met for r in decision.reasons] == expected[key], key
        assert decision.passed is all(expected[key])
        assert decision.non_voters_counted_as_agree is non_voters_agree


@properties
@given(polls(), shares, st.booleans(), st.data())
def test_turning_a_ballot_into_agree_never_turns_a_pass_into_a_fail(poll, p, non_voters_agree, data):
    roll, ballots = poll
    not_agreeing = [e.title_id for e in roll if ballots.get(e.title_id) is not Choice.AGREE]
    if not not_agreeing:
        return
    # Not-voted titles included: casting an AGREE ballot must not hurt either.
    title_id = data.draw(st.sampled_from(not_agreeing))
    before = count(roll, ballots, non_voters_agree=non_voters_agree)
    after = count(roll, ballots | {title_id: Choice.AGREE}, non_voters_agree=non_voters_agree)
    assert after.agree_titles >= before.agree_titles
    assert after.agree_heads >= before.agree_heads
    assert after.agree_area >= before.agree_area
    for key, rule in all_rules(p).items():
        if rule(before).passed:
            assert rule(after).passed, key


@properties
@given(polls(), st.booleans(), st.data())
def test_abstain_and_invalid_participate_like_oppose_and_never_add_agreement(poll, non_voters_agree, data):
    roll, ballots = poll
    title_id = data.draw(st.sampled_from([e.title_id for e in roll]))
    before = count(roll, ballots, non_voters_agree=non_voters_agree)
    variants = {
        choice: count(roll, ballots | {title_id: choice}, non_voters_agree=non_voters_agree)
        for choice in (Choice.OPPOSE, Choice.ABSTAIN, Choice.INVALID)
    }
    for counts in variants.values():
        assert counts.agree_titles <= before.agree_titles
        assert counts.agree_heads <= before.agree_heads
        assert counts.agree_area <= before.agree_area
        assert counts.participating_heads >= before.participating_heads
        assert counts.participating_area >= before.participating_area

    def decisive(counts):
        return (counts.participating_heads, counts.participating_area, counts.agree_titles,
                counts.agree_heads, counts.agree_area)

    assert decisive(variants[Choice.ABSTAIN]) == decisive(variants[Choice.OPPOSE])
    assert decisive(variants[Choice.INVALID]) == decisive(variants[Choice.OPPOSE])


@properties
@given(polls())
def test_without_the_setting_a_non_voter_never_agrees(poll):
    roll, ballots = poll
    counts = count(roll, ballots)
    assert counts.non_voters_counted_as_agree is False
    agreeing = [e for e in roll if ballots.get(e.title_id) is Choice.AGREE]
    assert counts.agree_titles == len(agreeing)
    assert counts.agree_area == sum((e.area for e in agreeing), Decimal(0))
    # Every person counted as agreeing holds at least one AGREE ballot.
    persons_with_an_agree_ballot = {
        "developer" if e.kind == "developer_unsold" else "owner " + e.owner_key for e in agreeing
    }
    assert counts.agree_heads <= len(persons_with_an_agree_ballot)
    assert counts.participating_area == sum((e.area for e in roll if e.title_id in ballots), Decimal(0))


@properties
@given(polls())
def test_with_the_setting_every_title_participates_and_non_voters_agree(poll):
    roll, ballots = poll
    counts = count(roll, ballots, non_voters_agree=True)
    assert counts.non_voters_counted_as_agree is True
    assert (counts.participating_heads, counts.participating_area) == (counts.roll_heads, counts.roll_area)
    assert counts.agree_titles == len(roll) - sum(1 for c in ballots.values() if c is not Choice.AGREE)
