"""Money: parsing yuan to fen, printing fen, the one half-up rounding, shares, ratios, rates; no float."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from funding import money
from tracker.errors import Invalid

properties = settings(database=None, deadline=None, max_examples=300)


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("1,234.56", 123456),
        ("1234.56", 123456),
        ("  1,234,567.89 ", 123456789),
        ("0.5", 50),
        ("12.", 1200),
        (".07", 7),
        ("100000000", 10000000000),
        ("1.230", 123),  # a trailing zero is no extra precision
        ("-20.05", -2005),  # the sign is kept; services refuse negatives where a rule says so
        (Decimal("1234.56"), 123456),
        (Decimal("1E+2"), 10000),
        (7, 700),  # an int is whole yuan
    ],
)
def test_yuan_reads_amounts_exactly(text, fen):
    assert money.yuan(text) == fen


@pytest.mark.parametrize("text", ["1.005", "0.001", Decimal("2.345"), Decimal("0.0001")])
def test_yuan_refuses_more_than_two_decimals_instead_of_rounding(text):
    with pytest.raises(Invalid) as refused:
        money.yuan(text, field="committed")
    assert refused.value.field == "committed"
    assert refused.value.rule == "money.precision"


@pytest.mark.parametrize("text", ["", "abc", "12,34", "1,2345.00", "1.2.3", "1e5", "１２", "¥12", "NaN", "12 34"])
def test_yuan_refuses_what_is_not_an_amount(text):
    with pytest.raises(Invalid) as refused:
        money.yuan(text)
    assert refused.value.field == "amount"
    assert refused.value.rule == "money.format"


def test_yuan_refuses_amounts_beyond_ten_trillion_yuan():
    assert money.yuan("10,000,000,000,000.00") == money.MAX_FEN
    with pytest.raises(Invalid) as refused:
        money.yuan("10,000,000,000,000.01", field="committed")
    assert (refused.value.field, refused.value.rule) == ("committed", "money.range")
    with pytest.raises(Invalid):
        money.yuan("-99999999999999999999")


def test_yuan_refuses_infinite_and_nan_decimals():
    for value in (Decimal("Infinity"), Decimal("NaN")):
        with pytest.raises(Invalid):
            money.yuan(value)


@pytest.mark.parametrize(
    "call",
    [
        lambda: money.yuan(1.5),
        lambda: money.round_fen(0.5),
        lambda: money.share(100, 0.5),
        lambda: money.share(100.0, Decimal("0.5")),
        lambda: money.ratio(1.1, 1),
        lambda: money.ratio(1, 1.0),
        lambda: money.fen_to_text(1.0),
        lambda: money.fen_to_yuan(12.5),
        lambda: money.rate_from_bp(3.5),
        lambda: money.bp_from_rate(0.0035),
        lambda: money.rate_from_percent(2.33),
        lambda: money.percent_text(0.0233),
        lambda: money.require_fen(True),
    ],
)
def test_a_float_anywhere_is_a_type_error(call):
    with pytest.raises(TypeError):
        call()


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "0.00"),
        (5, "0.05"),
        (100, "1.00"),
        (123456, "1,234.56"),
        (123456789, "1,234,567.89"),
        (10000000000, "100,000,000.00"),
        (-5, "-0.05"),
        (-123456789, "-1,234,567.89"),
    ],
)
def test_fen_to_text_groups_thousands(fen, text):
    assert money.fen_to_text(fen) == text


def test_fen_to_yuan_has_two_places():
    assert str(money.fen_to_yuan(123456)) == "1234.56"
    assert str(money.fen_to_yuan(100)) == "1.00"
    assert str(money.fen_to_yuan(-7)) == "-0.07"


@pytest.mark.parametrize(
    ("exact", "fen"),
    [
        ("0.5", 1),  # half a fen rounds up
        ("0.4999", 0),  # just under half rounds down
        ("0.5001", 1),
        ("2.5", 3),  # half-up, not banker's rounding (which would give 2)
        ("3.5", 4),
        ("1165000.5", 1165001),
        ("-0.5", -1),  # negatives: half away from zero
        ("-0.4999", 0),
        ("-2.5", -3),
        ("-2.4999999999", -2),
        ("7", 7),
    ],
)
def test_round_fen_is_half_up_away_from_zero(exact, fen):
    assert money.round_fen(Decimal(exact)) == fen


def test_share_rounds_once_half_up():
    # 1 fen × 0.5 = 0.5 fen → 1; 3 fen × 0.5 = 1.5 → 2; 1,000.01 yuan × 1/4 = 25,000.25 fen → 25,000
    assert money.share(1, Decimal("0.5")) == 1
    assert money.share(3, Decimal("0.5")) == 2
    assert money.share(100001, Decimal("0.25")) == 25000
    assert money.share(100003, Decimal("0.25")) == 25001  # 25,000.75 → 25,001
    assert money.share(10000000000, Decimal("0.0233")) == 233000000


def test_ratio_has_four_places_half_up():
    assert money.ratio(11, 10) == Decimal("1.1000")
    assert money.ratio(2, 3) == Decimal("0.6667")
    assert money.ratio(1, 3) == Decimal("0.3333")
    assert money.ratio(100005, 1000000000) == Decimal("0.0001")  # 0.000100005
    assert money.ratio(5, 100000) == Decimal("0.0001")  # 0.00005 exactly: half-up
    with pytest.raises(ZeroDivisionError):
        money.ratio(1, 0)


def test_rates_and_basis_points():
    assert money.rate_from_bp(35) == Decimal("0.0035")
    assert money.rate_from_bp(-20) == Decimal("-0.002")
    assert money.bp_from_rate(Decimal("0.0035")) == 35
    with pytest.raises(Invalid) as refused:
        money.bp_from_rate(Decimal("0.00355"))
    assert refused.value.rule == "money.bp"
    assert money.rate_from_percent("2.33") == Decimal("0.0233")
    assert money.rate_from_percent("3.45 %") == Decimal("0.0345")
    assert money.rate_from_percent(Decimal("2.33")) == Decimal("0.0233")
    assert money.percent_text(Decimal("0.0233")) == "2.33%"
    assert money.percent_text(Decimal("0.04")) == "4%"
    for bad in ("", "two", "1e2", "2.3.3"):
        with pytest.raises(Invalid):
            money.rate_from_percent(bad)


@properties
@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_text_and_yuan_round_trip(fen):
    assert money.yuan(money.fen_to_text(fen)) == fen
    assert money.yuan(money.fen_to_yuan(fen)) == fen


@properties
@given(st.decimals(min_value=-(10**12), max_value=10**12, places=6, allow_nan=False, allow_infinity=False))
def test_round_fen_is_within_half_a_fen_and_halves_go_away_from_zero(exact):
    rounded = money.round_fen(exact)
    assert abs(rounded - exact) <= Decimal("0.5")
    if abs(rounded - exact) == Decimal("0.5"):
        assert abs(rounded) > abs(exact)


def test_every_refusal_and_row_note_is_translated_to_chinese():
    import ast
    from pathlib import Path

    from funding.schedules import NOTES
    from tracker.i18n import translations

    zh = translations("zh_CN")
    msgids = set(NOTES)
    for module in ("money.py", "schedules.py"):
        tree = ast.parse((Path(money.__file__).parent / module).read_text())
        msgids |= {node.args[0].value for node in ast.walk(tree)
                   if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Invalid"}
    missing = sorted(msgid for msgid in msgids if zh.gettext(msgid) == msgid)
    assert not missing, missing
