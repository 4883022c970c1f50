"""The consultation rules: the worked Art. 278 example, exact boundaries, roll shares, rule lookup."""

from decimal import Decimal
from fractions import Fraction

import pytest

from tracker.consultations.counting import Choice, RollEntry, count
from tracker.consultations.rules import RULES, Art278Major, Art278Ordinary, Reason, RollShare, make_rule

A, O, S, X = Choice.AGREE, Choice.OPPOSE, Choice.ABSTAIN, Choice.INVALID

major = make_rule("art278_major")
ordinary = make_rule("art278_ordinary")


def equal_roll(n: int) -> list[RollEntry]:
    """n titles of 100 m², each its own owner."""
    return [RollEntry(i, Decimal("100.00"), f"owner-{i}", "resident") for i in range(1, n + 1)]


def ballots_of(*choices: Choice | None) -> dict[int, Choice]:
    """Ballots for titles 1..n in order; None leaves a title without a ballot."""
    return {i: c for i, c in enumerate(choices, start=1) if c is not None}


def reason(decision, code: str) -> Reason:
    (found,) = [r for r in decision.reasons if r.code == code]
    return found


# The worked example: ten dwellings, 1,000 m²; owner Z holds #9 and #10, so the headcount is 9.
WORKED_ROLL = [
    RollEntry(1, Decimal("80.00"), "owner-1", "resident"),
    RollEntry(2, Decimal("90.00"), "owner-2", "resident"),
    RollEntry(3, Decimal("110.00"), "owner-3", "resident"),
    RollEntry(4, Decimal("100.00"), "owner-4", "resident"),
    RollEntry(5, Decimal("120.00"), "owner-5", "resident"),
    RollEntry(6, Decimal("100.00"), "owner-6", "resident"),
    RollEntry(7, Decimal("100.00"), "owner-7", "resident"),
    RollEntry(8, Decimal("100.00"), "owner-8", "resident"),
    RollEntry(9, Decimal("100.00"), "Z", "resident"),
    RollEntry(10, Decimal("100.00"), "Z", "resident"),
]
WORKED_BALLOTS = {1: A, 2: A, 3: A, 4: A, 9: A, 10: A, 5: O, 6: S}


def test_worked_example_counts():
    counts = count(WORKED_ROLL, WORKED_BALLOTS)
    assert (counts.roll_titles, counts.roll_heads, counts.roll_area) == (10, 9, Decimal("1000.00"))
    assert (counts.returned_titles, counts.not_voted_titles) == (8, 2)
    by_choice = (counts.agree_titles, counts.oppose_titles, counts.abstain_titles, counts.invalid_titles)
    assert by_choice == (6, 1, 1, 0)
    assert (counts.participating_heads, counts.participating_area) == (7, Decimal("800.00"))
    assert (counts.agree_heads, counts.agree_area) == (5, Decimal("580.00"))


def test_worked_example_fails_as_a_major_matter():
    decision = major(count(WORKED_ROLL, WORKED_BALLOTS))
    assert decision.passed is False
    assert decision.rule == "art278_major"
    assert decision.non_voters_counted_as_agree is False
    assert decision.reasons == (
        Reason(
            "participation_heads", 7, 9, Fraction(2, 3), "≥", True,
            "参与表决人数 7/9 ≥ 2/3：满足",
            "participating owners 7 of 9 ≥ 2/3: met",
        ),
        Reason(
            "participation_area", Decimal("800.00"), Decimal("1000.00"), Fraction(2, 3), "≥", True,
            "参与表决面积 800.00/1000.00 ㎡ ≥ 2/3：满足",
            "participating area 800.00 of 1000.00 m² ≥ 2/3: met",
        ),
        Reason(
            "agree_heads", 5, 7, Fraction(3, 4), "≥", False,
            "同意人数 5/7 ≥ 3/4：不满足",
            "agreeing owners 5 of 7 ≥ 3/4: not met",
        ),
        Reason(
            "agree_area", Decimal("580.00"), Decimal("800.00"), Fraction(3, 4), "≥", False,
            "同意面积 580.00/800.00 ㎡ ≥ 3/4：不满足",
            "agreeing area 580.00 of 800.00 m² ≥ 3/4: not met",
        ),
    )


def test_worked_example_passes_as_an_ordinary_matter():
    decision = ordinary(count(WORKED_ROLL, WORKED_BALLOTS))
    assert decision.passed is True
    assert decision.rule == "art278_ordinary"
    figures = [(r.code, r.numerator, r.denominator, r.threshold, r.comparison, r.met) for r in decision.reasons]
    assert figures == [
        ("participation_heads", 7, 9, Fraction(2, 3), "≥", True),
        ("participation_area", Decimal("800.00"), Decimal("1000.00"), Fraction(2, 3), "≥", True),
        ("agree_heads", 5, 7, Fraction(1, 2), ">", True),
        ("agree_area", Decimal("580.00"), Decimal("800.00"), Fraction(1, 2), ">", True),
    ]
    assert reason(decision, "agree_heads").text_zh == "同意人数 5/7 > 1/2：满足"
    assert reason(decision, "agree_area").text_en == "agreeing area 580.00 of 800.00 m² > 1/2: met"


def test_worked_example_passes_as_major_had_seven_also_agreed():
    decision = major(count(WORKED_ROLL, WORKED_BALLOTS | {7: A}))
    assert decision.passed is True
    assert [(r.code, r.numerator, r.denominator, r.met) for r in decision.reasons] == [
        ("participation_heads", 8, 9, True),
        ("participation_area", Decimal("900.00"), Decimal("1000.00"), True),
        ("agree_heads", 6, 8, True),  # exactly 3/4
        ("agree_area", Decimal("680.00"), Decimal("900.00"), True),
    ]
    assert reason(decision, "agree_heads").text_zh == "同意人数 6/8 ≥ 3/4：满足"
    assert reason(decision, "agree_heads").text_en == "agreeing owners 6 of 8 ≥ 3/4: met"


@pytest.mark.parametrize("rule", [major, ordinary])
def test_participation_exactly_two_thirds_is_met(rule):
    decision = rule(count(equal_roll(3), ballots_of(A, A, None)))
    assert reason(decision, "participation_heads").met is True
    assert reason(decision, "participation_area").met is True
    assert decision.passed is True


@pytest.mark.parametrize("rule", [major, ordinary])
def test_participation_one_short_of_two_thirds_is_not_met(rule):
    decision = rule(count(equal_roll(9), ballots_of(A, A, A, A, A, None, None, None, None)))
    heads = reason(decision, "participation_heads")
    assert (heads.numerator, heads.denominator, heads.met) == (5, 9, False)
    assert reason(decision, "participation_area").met is False
    assert reason(decision, "agree_heads").met is True
    assert decision.passed is False


def test_participation_needs_both_heads_and_area():
    # Two small flats vote, the big one does not: 2/3 of heads but only 200 of 800 m².
    roll = equal_roll(2) + [RollEntry(3, Decimal("600.00"), "owner-3", "resident")]
    decision = ordinary(count(roll, ballots_of(A, A)))
    assert reason(decision, "participation_heads").met is True
    area = reason(decision, "participation_area")
    assert area.text_en == "participating area 200.00 of 800.00 m² ≥ 2/3: not met"
    assert decision.passed is False


def test_agree_exactly_three_quarters_passes_major_one_short_fails():
    assert major(count(equal_roll(4), ballots_of(A, A, A, O))).passed is True
    decision = major(count(equal_roll(4), ballots_of(A, A, O, O)))
    assert [r.met for r in decision.reasons] == [True, True, False, False]


def test_agree_exactly_half_is_not_a_majority():
    decision = ordinary(count(equal_roll(4), ballots_of(A, A, O, S)))
    assert [r.met for r in decision.reasons] == [True, True, False, False]
    assert reason(decision, "agree_heads").text_zh == "同意人数 2/4 > 1/2：不满足"
    assert ordinary(count(equal_roll(4), ballots_of(A, A, A, X))).passed is True


def test_abstentions_and_invalid_ballots_participate_without_agreeing():
    decision = ordinary(count(equal_roll(3), ballots_of(A, S, X)))
    assert [(r.numerator, r.denominator, r.met) for r in decision.reasons[2:]] == [
        (1, 3, False),
        (Decimal("100.00"), Decimal("300.00"), False),
    ]


@pytest.mark.parametrize("rule", [major, ordinary])
def test_nobody_participating_fails_and_says_why(rule):
    decision = rule(count(equal_roll(3), {}))
    assert decision.passed is False
    assert reason(decision, "agree_heads").met is False
    assert reason(decision, "agree_heads").text_zh.endswith("：不满足（无人参与表决）")
    assert reason(decision, "agree_area").text_en.endswith(": not met (nobody took part)")


def test_empty_roll_fails_and_says_why():
    decision = make_rule("roll_share", p=Fraction(9, 10))(count([], {}))
    assert decision.passed is False
    (only,) = decision.reasons
    assert only.text_en == "agreeing title certificates 0 of 0 ≥ 9/10: not met (the roll is empty)"
    assert major(count([], {})).reasons[0].text_zh == "参与表决人数 0/0 ≥ 2/3：不满足（名册为空）"


def test_roll_share_counts_against_the_whole_roll_not_ballots_returned():
    rule = make_rule("roll_share", p=Fraction(9, 10))
    # Nine agree out of nine returned, but the roll has twenty certificates.
    decision = rule(count(equal_roll(20), ballots_of(*[A] * 9)))
    assert decision.passed is False
    assert decision.reasons[0].text_zh == "同意权证数 9/20 ≥ 9/10：不满足"


@pytest.mark.parametrize(
    ("p", "roll_size", "agreeing", "passed"),
    [
        (Fraction(9, 10), 10, 9, True),
        (Fraction(9, 10), 10, 8, False),
        (Fraction(17, 20), 20, 17, True),
        (Fraction(17, 20), 20, 16, False),
        (Fraction(17, 20), 40, 34, True),
        (Fraction(17, 20), 40, 33, False),
        (Fraction(1), 3, 3, True),
        (Fraction(1), 3, 2, False),
    ],
)
def test_roll_share_exactly_p_is_met_and_one_short_is_not(p, roll_size, agreeing, passed):
    choices = [A] * agreeing + [O] * (roll_size - agreeing)
    decision = make_rule("roll_share", p=p)(count(equal_roll(roll_size), ballots_of(*choices)))
    assert decision.passed is passed
    assert decision.rule == "roll_share"
    (only,) = decision.reasons
    assert (only.code, only.numerator, only.denominator, only.threshold, only.comparison, only.met) == (
        "agree_titles", agreeing, roll_size, p, "≥", passed,
    )
    assert only.text_en == (
        f"agreeing title certificates {agreeing} of {roll_size} ≥ {p}: {'met' if passed else 'not met'}"
    )


def test_decisions_say_when_non_voters_were_counted_as_agreeing():
    counts = count(equal_roll(10), ballots_of(O), non_voters_agree=True)
    for rule in (major, ordinary, make_rule("roll_share", p="9/10")):
        decision = rule(counts)
        assert decision.non_voters_counted_as_agree is True
        assert decision.passed is True
    assert make_rule("roll_share", p="9/10")(count(equal_roll(10), ballots_of(O))).passed is False


def test_rules_are_registered_by_key():
    assert RULES == {"roll_share": RollShare, "art278_major": Art278Major, "art278_ordinary": Art278Ordinary}
    assert make_rule("roll_share", p="17/20") == RollShare(Fraction(17, 20))
    assert make_rule("roll_share", p=Decimal("0.9")).p == Fraction(9, 10)
    assert make_rule("art278_major") == Art278Major()


@pytest.mark.parametrize(
    ("key", "params", "message"),
    [
        ("art278", {}, "unknown rule 'art278' \\(known: roll_share, art278_major, art278_ordinary\\)"),
        ("roll_share", {}, "rule 'roll_share': missing a required argument: 'p'"),
        ("roll_share", {"p": Fraction(9, 10), "q": 1}, "rule 'roll_share': got an unexpected keyword"),
        ("art278_major", {"p": Fraction(3, 4)}, "rule 'art278_major': got an unexpected keyword"),
        ("roll_share", {"p": Fraction(0)}, "0 < p <= 1, got 0"),
        ("roll_share", {"p": Fraction(-1, 2)}, "0 < p <= 1, got -1/2"),
        ("roll_share", {"p": Fraction(11, 10)}, "0 < p <= 1, got 11/10"),
        ("roll_share", {"p": 0.9}, "p must be a Fraction"),
        ("roll_share", {"p": True}, "p must be a Fraction"),
        ("roll_share", {"p": None}, "p must be a Fraction"),
        ("roll_share", {"p": "ninety"}, "not a number"),
        ("roll_share", {"p": "1/0"}, "not a number"),
        ("roll_share", {"p": Decimal("Infinity")}, "not a number"),
    ],
)
def test_make_rule_refuses_unknown_keys_and_bad_parameters(key, params, message):
    with pytest.raises(ValueError, match=message):
        make_rule(key, **params)
