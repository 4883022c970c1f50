"""The arithmetic of a payment certificate (工程款支付证书 A.0.8), the final account (结算) and the
retention dates: pure functions of numbers and dates, every step kept so the certificate prints it.

Amounts are integer fen; a product of fen with a quantity or a ratio is rounded half up to the fen
once, at the step that makes it, so the printed steps add up exactly.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from funding.payments.kinds import RetentionMode

CHECK_DAYS = 14  # the owner checks a retention release request within 14 days
PAY_DAYS = 14  # and pays within 14 days of the check
ACCEPTANCE_GRACE_DAYS = 90  # the liability period runs from here if the owner delays acceptance
RETURN_DAYS = 30  # an overpayment found at settlement is returned within 30 days


def fen(amount: Decimal) -> int:
    """Half up to the fen."""
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


MAX_QUANTITY = Decimal("99999999999.999")  # Numeric(14, 3)


def quantity_problem(quantity: Decimal, *, negative: bool = False) -> str | None:
    """Why a quantity cannot be stored (None when it can): finite, three decimals, within Numeric(14, 3)."""
    if not quantity.is_finite():
        return "not_a_number"
    if quantity.as_tuple().exponent < -3 and quantity != quantity.quantize(Decimal("0.001")):
        return "three_decimals"
    if abs(quantity) > MAX_QUANTITY:
        return "quantity_too_large"
    if quantity < 0 and not negative:
        return "quantity_not_negative"
    return None


def line_value(quantity: Decimal, unit_price_fen: int) -> int:
    return fen(Decimal(quantity) * unit_price_fen)


@dataclass(frozen=True)
class Step:
    """One printed line: what it is, the formula in words, the amount."""

    key: str
    label: str
    formula: str
    amount_fen: int


@dataclass(frozen=True)
class Certificate:
    contract_total_fen: int
    work_to_date_fen: int
    payable_to_date_fen: int
    retention_to_date_fen: int
    previously_certified_fen: int
    certified_fen: int
    overpaid_fen: int
    steps: list[Step] = field(default_factory=list)


def contract_total(value_fen: int, changes_fen: int) -> int:
    """合同价 + 经批准的变更 / 签证."""
    return value_fen + changes_fen


def certify(*, value_fen: int, changes_fen: int, work_to_date_fen: int, payment_ratio: Decimal,
            retention_ratio: Decimal, retention_mode: RetentionMode, previously_certified_fen: int) -> Certificate:
    """This certificate's amount: value certified to date × payment ratio − retention to date (where the
    contract withholds it per certificate) − previously certified.

    Earlier certificates that together exceed what is due now (a cut after an overpayment, a change
    reducing the value) leave this certificate at zero and the excess as `overpaid_fen`, recovered
    from the next ones: the next certificate's "previously certified" still holds it.
    """
    total = contract_total(value_fen, changes_fen)
    if work_to_date_fen > total:
        raise ValueError("work certified to date exceeds the contract value plus approved changes")
    payable = fen(work_to_date_fen * Decimal(payment_ratio))
    retention = fen(work_to_date_fen * Decimal(retention_ratio)) if retention_mode is RetentionMode.per_certificate else 0
    due = payable - retention - previously_certified_fen
    certified, overpaid = (due, 0) if due >= 0 else (0, -due)
    ratio_pct = f"{Decimal(payment_ratio) * 100:.2f}%"
    retention_pct = f"{Decimal(retention_ratio) * 100:.2f}%"
    steps = [
        Step("contract_total", "Contract value with approved changes", f"{value_fen} + {changes_fen}", total),
        Step("work_to_date", "Value of work certified to date", "Σ approved quantity to date × unit price",
             work_to_date_fen),
        Step("payable_to_date", "Payable to date", f"{work_to_date_fen} × {ratio_pct}", payable),
        Step("retention_to_date", "Retention withheld to date",
             f"{work_to_date_fen} × {retention_pct}" if retention_mode is RetentionMode.per_certificate
             else "withheld at the final account", retention),
        Step("previously_certified", "Previously certified", "Σ earlier certificates", previously_certified_fen),
        Step("certified", "Due on this certificate",
             f"{payable} − {retention} − {previously_certified_fen}" + (" (< 0: nil)" if overpaid else ""), certified),
    ]
    if overpaid:
        steps.append(Step("overpaid", "Certified earlier beyond what is due, recovered from later certificates",
                          f"{previously_certified_fen} − ({payable} − {retention})", overpaid))
    return Certificate(total, work_to_date_fen, payable, retention, previously_certified_fen, certified, overpaid,
                       steps)


@dataclass(frozen=True)
class FinalAccount:
    """结算: settled − retention − paid = balance; a negative balance is an overpayment to return."""

    settled_fen: int
    retention_fen: int
    paid_fen: int
    balance_fen: int
    overpaid_fen: int
    return_due_on: dt.date | None


def final_account(*, settled_fen: int, retention_ratio: Decimal, paid_fen: int, settled_on: dt.date) -> FinalAccount:
    retention = fen(settled_fen * Decimal(retention_ratio))
    balance = settled_fen - retention - paid_fen
    overpaid = -balance if balance < 0 else 0
    return FinalAccount(settled_fen, retention, paid_fen, max(balance, 0), overpaid,
                        settled_on + dt.timedelta(days=RETURN_DAYS) if overpaid else None)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def liability_starts(*, accepted_on: dt.date | None, completion_reported_on: dt.date | None) -> dt.date | None:
    """The defect-liability period runs from completion acceptance, or from 90 days after the contractor's
    completion report when the owner delays acceptance beyond that (or has not accepted yet)."""
    grace = completion_reported_on + dt.timedelta(days=ACCEPTANCE_GRACE_DAYS) if completion_reported_on else None
    if accepted_on is not None and (grace is None or accepted_on <= grace):
        return accepted_on
    return grace


def release_due_on(*, accepted_on: dt.date | None, completion_reported_on: dt.date | None,
                   liability_months: int) -> dt.date | None:
    start = liability_starts(accepted_on=accepted_on, completion_reported_on=completion_reported_on)
    return add_months(start, liability_months) if start else None


def payment_due_on(certified_on: dt.date, payment_days: int) -> dt.date:
    return certified_on + dt.timedelta(days=payment_days)


_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ["", "拾", "佰", "仟"]
_GROUPS = ["", "万", "亿", "万亿"]


def _four(n: int) -> str:
    """0 < n < 10000 in capitals, inner zeros read once (1005 → 壹仟零伍)."""
    out, zero = "", False
    for power in (3, 2, 1, 0):
        digit = n // 10**power % 10
        if digit == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[digit] + _UNITS[power]
    return out


def rmb_upper(amount_fen: int) -> str:
    """人民币大写, as a payment certificate prints the amount: 1234567 fen → 壹万贰仟叁佰肆拾伍元陆角柒分."""
    if amount_fen < 0:
        return "负" + rmb_upper(-amount_fen)
    yuan_part, fen_part = divmod(amount_fen, 100)
    jiao, cents = divmod(fen_part, 10)
    groups = []
    while yuan_part:
        yuan_part, group = divmod(yuan_part, 10000)
        groups.append(group)
    text, gap = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            gap = bool(text)
            continue
        if text and (gap or group < 1000):
            text += "零"
        gap = False
        text += _four(group) + _GROUPS[index]
    if text:
        text += "元"
    if not jiao and not cents:
        return (text or "零元") + "整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if cents:
        text += _DIGITS[cents] + "分"
    return text
