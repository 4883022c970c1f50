"""The certificate arithmetic against hand-worked examples (every figure worked on paper first)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from funding.payments import certificates, gate
from funding.payments.kinds import RetentionMode


def _certify(work, previous, *, value=100_000_000, changes=0, ratio="0.8", retention="0.03",
             mode=RetentionMode.per_certificate):
    return certificates.certify(value_fen=value, changes_fen=changes, work_to_date_fen=work,
                                payment_ratio=Decimal(ratio), retention_ratio=Decimal(retention),
                                retention_mode=mode, previously_certified_fen=previous)


def test_first_certificate_with_a_cut_and_retention_per_certificate():
    # Items: A 180 m³ × 500.00 (cut from 200) + B 500 m² × 100.00 = 90,000.00 + 50,000.00 = 140,000.00 yuan.
    work = certificates.line_value(Decimal("180"), 50_000) + certificates.line_value(Decimal("500"), 10_000)
    assert work == 14_000_000
    c = _certify(work, 0)
    # 140,000.00 × 80 % = 112,000.00; retention 3 % = 4,200.00; due 107,800.00.
    assert (c.payable_to_date_fen, c.retention_to_date_fen, c.certified_fen, c.overpaid_fen) == (
        11_200_000, 420_000, 10_780_000, 0)
    assert [s.key for s in c.steps] == ["contract_total", "work_to_date", "payable_to_date", "retention_to_date",
                                        "previously_certified", "certified"]
    assert c.steps[-1].amount_fen == 10_780_000


def test_second_certificate_after_an_approved_change():
    # A change of +50,000.00 raises the total to 1,050,000.00; work to date 290,000.00.
    c = _certify(29_000_000, 10_780_000, changes=5_000_000)
    # 290,000.00 × 80 % = 232,000.00 − 8,700.00 − 107,800.00 = 115,500.00
    assert c.contract_total_fen == 105_000_000
    assert (c.payable_to_date_fen, c.retention_to_date_fen, c.certified_fen) == (23_200_000, 870_000, 11_550_000)


def test_retention_at_the_final_account_withholds_nothing_per_certificate():
    c = _certify(14_000_000, 0, mode=RetentionMode.final_account, ratio="0.85")
    assert (c.payable_to_date_fen, c.retention_to_date_fen, c.certified_fen) == (11_900_000, 0, 11_900_000)
    assert c.steps[3].formula == "withheld at the final account"


def test_a_previous_overpayment_leaves_nil_and_is_recovered_later():
    first = _certify(5_000_000, 0, value=10_000_000)
    assert first.certified_fen == 3_850_000  # 50,000.00 × 80 % − 1,500.00
    # Re-measured down to 40,000.00: 32,000.00 − 1,200.00 = 30,800.00 due to date, 38,500.00 certified already.
    second = _certify(4_000_000, 3_850_000, value=10_000_000)
    assert (second.certified_fen, second.overpaid_fen) == (0, 770_000)
    assert second.steps[-1].key == "overpaid"
    # Work reaches 60,000.00: 48,000.00 − 1,800.00 − 38,500.00 = 7,700.00.
    third = _certify(6_000_000, 3_850_000, value=10_000_000)
    assert (third.certified_fen, third.overpaid_fen) == (770_000, 0)


def test_rounding_is_half_up_at_each_step():
    # 33.335 × 1.00 = 33.335 yuan → 3,333.5 fen → 3,334; × 80 % = 2,667.2 → 2,667; × 3 % = 100.02 → 100.
    work = certificates.line_value(Decimal("33.335"), 100)
    assert work == 3_334
    c = _certify(work, 0)
    assert (c.payable_to_date_fen, c.retention_to_date_fen, c.certified_fen) == (2_667, 100, 2_567)


def test_work_beyond_the_contract_total_is_refused():
    with pytest.raises(ValueError):
        _certify(100_000_001, 0)


def test_final_account_balance_and_overpayment():
    ok = certificates.final_account(settled_fen=98_000_000, retention_ratio=Decimal("0.03"), paid_fen=80_000_000,
                                    settled_on=dt.date(2027, 3, 1))
    # 980,000.00 − 29,400.00 − 800,000.00 = 150,600.00
    assert (ok.retention_fen, ok.balance_fen, ok.overpaid_fen, ok.return_due_on) == (2_940_000, 15_060_000, 0, None)
    over = certificates.final_account(settled_fen=50_000_000, retention_ratio=Decimal("0.03"), paid_fen=49_000_000,
                                      settled_on=dt.date(2027, 3, 1))
    # 500,000.00 − 15,000.00 − 490,000.00 = −5,000.00: returned by 31 March.
    assert (over.balance_fen, over.overpaid_fen, over.return_due_on) == (0, 500_000, dt.date(2027, 3, 31))


def test_liability_period_from_acceptance_or_ninety_days_after_the_report():
    report = dt.date(2026, 1, 10)
    assert certificates.release_due_on(accepted_on=dt.date(2026, 2, 1), completion_reported_on=report,
                                       liability_months=24) == dt.date(2028, 2, 1)
    # Acceptance delayed past 90 days (10 April): the period runs from 10 April.
    assert certificates.release_due_on(accepted_on=dt.date(2026, 6, 1), completion_reported_on=report,
                                       liability_months=24) == dt.date(2028, 4, 10)
    assert certificates.release_due_on(accepted_on=None, completion_reported_on=report,
                                       liability_months=12) == dt.date(2027, 4, 10)
    assert certificates.release_due_on(accepted_on=None, completion_reported_on=None, liability_months=12) is None
    assert certificates.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)


@pytest.mark.parametrize("fen, text", [
    (1_234_567, "壹万贰仟叁佰肆拾伍元陆角柒分"), (100, "壹元整"), (100_010_000, "壹佰万零壹佰元整"),
    (1_002_003, "壹万零贰拾元零叁分"), (60, "陆角"), (0, "零元整"), (10_780_000, "壹拾万柒仟捌佰元整"),
])
def test_amount_in_capitals(fen, text):
    assert certificates.rmb_upper(fen) == text


def test_gate_blocks_on_orders_or_major_issues_unless_overridden_with_a_reason():
    clear = gate.Findings(stop_orders=[], major_issues=[], rejected_twice=[7])
    assert gate.decide(clear, "") is None  # rejected twice is a flag, not a block
    held = gate.Findings(stop_orders=["P1-GCZT-2026-001"], major_issues=[12], rejected_twice=[])
    assert gate.decide(held, "") == "quality_gate"
    assert gate.decide(held, "  ok ") == "quality_gate"  # too thin to print as a reason
    assert gate.decide(held, "暂停令范围外的1号楼主体已验收合格") is None
    assert "P1-GCZT-2026-001" in held.summary() and "#12" in held.summary()
