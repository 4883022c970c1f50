"""Benchmark: generate a 30-year monthly loan schedule with two LPR resets (pure Python, no database).

Run from the checkout: `.venv/bin/python bench/funding_schedule.py [runs]`. Prints
`loan_schedule_30y_monthly_ms_median=<n>`; the target is ≤ 5 ms. The loan: 500,000,000.00 yuan drawn in
three parts over its first year, LPR 3.95 % − 10 bp with resets in years 3 and 8, a 2-year grace,
equal instalments paid monthly (360 payment rows), so a reset also recomputes the instalment. Each
run builds the terms (their validation included) and the whole schedule.
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from funding.schedules import Drawdown, LoanTerms, RateReset, RepaymentMethod, loan_schedule  # noqa: E402


def build() -> LoanTerms:
    return LoanTerms(
        drawdowns=[
            Drawdown(dt.date(2025, 1, 20), 200_000_000_00),
            Drawdown(dt.date(2025, 6, 5), 200_000_000_00),
            Drawdown(dt.date(2025, 11, 12), 100_000_000_00),
        ],
        base_rates=[
            RateReset(dt.date(2024, 10, 21), Decimal("0.0395")),
            RateReset(dt.date(2027, 5, 20), Decimal("0.0365")),
            RateReset(dt.date(2032, 8, 20), Decimal("0.0410")),
        ],
        spread_bp=-10,
        method=RepaymentMethod.equal_instalment,
        payment_months=1,
        grace_months=24,
        term_months=360,
    )


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 301
    rows = loan_schedule(build())
    assert rows[-1].balance_fen == 0 and sum(row.principal_fen for row in rows) == 500_000_000_00
    timings, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        loan_schedule(build())
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    # The CPU time beside the wall time: on a shared machine the wall time also counts waiting for a core.
    print(f"rows={len(rows)} runs={runs} cpu_ms_median={statistics.median(cpu):.3f}")
    print(f"loan_schedule_30y_monthly_ms_median={statistics.median(timings):.3f}")


if __name__ == "__main__":
    main()
