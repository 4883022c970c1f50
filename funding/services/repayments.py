"""Repayment schedules of a project's bond tranches and loans (drawn by the pure `funding.schedules`
from the recorded terms, a loan's arrivals as its drawdowns), their totals per year, and the coverage
of the special bonds by the revenue forecasts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from funding import schedules
from funding.kinds import BOND_KINDS, LOAN_KINDS, SourceKind
from funding.schemas import CoverageOut, DebtServiceOut, ScheduleOut, ScheduleRowOut, SourceDebtOut, YearOut
from funding.services.common import require_project
from funding.tables import Arrival, BondTranche, FundingSource, Loan, RateReset, RevenueForecast
from tracker.errors import Conflict, NotFound


def _parts(parts: list[dict] | None) -> list[schedules.PrincipalPart] | None:
    if not parts:
        return None
    out = []
    for p in parts:
        if p.get("year") is not None:
            out.append(schedules.PrincipalPart(int(p["year"]), share=Decimal(str(p["share"]))))
        else:
            out.append(schedules.PrincipalPart(dt.date.fromisoformat(str(p["date"])), amount_fen=int(p["amount_fen"])))
    return out


def bond_terms(amount_fen: int, tranche: dict) -> schedules.BondTerms:
    """A tranche's terms as the schedule takes them; building them refuses terms no schedule can follow."""
    return schedules.BondTerms(
        face_fen=amount_fen, issue_date=_day(tranche["issue_date"]), annual_rate=Decimal(tranche["coupon_rate"]),
        tenor_years=tranche["tenor_years"], frequency=schedules.Frequency(tranche["frequency"]),
        principal=_parts(tranche["principal_parts"]))


def loan_terms(loan: dict, resets: list[schedules.RateReset], draws: list[schedules.Drawdown]) -> schedules.LoanTerms:
    custom = [schedules.Repayment(_day(p["date"]), int(p["principal_fen"])) for p in loan["custom_schedule"] or []]
    return schedules.LoanTerms(
        drawdowns=draws, base_rates=resets, spread_bp=loan["spread_bp"],
        method=schedules.RepaymentMethod(loan["method"]), payment_months=loan["payment_months"],
        grace_months=loan["grace_months"], term_months=loan["term_months"],
        first_date=_day(loan["first_payment_on"]) if loan["first_payment_on"] else None, custom=custom or None)


def planned_drawdown(approved_on: dt.date, resets: list[schedules.RateReset], facility_fen: int) -> schedules.Drawdown:
    """A loan not yet drawn is scheduled as if its whole facility were drawn once a base rate is in force."""
    return schedules.Drawdown(max(approved_on, min(r.effective_date for r in resets)), facility_fen)


def _day(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


async def _rows(source: dict) -> tuple[list[schedules.ScheduleRow], bool]:
    """The schedule rows of a bond or loan source, and whether a drawdown was assumed."""
    kind = SourceKind(source["kind"])
    if kind in BOND_KINDS:
        t = (await BondTranche.select().where(BondTranche.source == source["id"]).output(load_json=True))[0]
        return schedules.bond_schedule(bond_terms(t["amount_fen"], t)), False
    loan = (await Loan.select().where(Loan.source == source["id"]).output(load_json=True))[0]
    resets = [schedules.RateReset(_day(r["effective_on"]), Decimal(r["base_rate"])) for r in
              await RateReset.select().where(RateReset.loan == loan["id"]).order_by(RateReset.effective_on)]
    draws = [schedules.Drawdown(_day(a["arrived_on"]), a["amount_fen"]) for a in
             await Arrival.select(Arrival.arrived_on, Arrival.amount_fen).where(Arrival.source == source["id"])
             .order_by(Arrival.arrived_on)]
    assumed = not draws
    if assumed:
        draws = [planned_drawdown(_day(source["approved_on"]), resets, loan["facility_fen"])]
    return schedules.loan_schedule(loan_terms(loan, resets, draws)), assumed


def _years(rows: list[schedules.ScheduleRow]) -> list[YearOut]:
    return [YearOut(year=year, interest_fen=t.interest_fen, principal_fen=t.principal_fen,
                    debt_service_fen=t.debt_service_fen) for year, t in schedules.totals_by_year(rows).items()]


async def source_schedule(source_id: int) -> ScheduleOut:
    """Dates, interest, principal and the balance of a bond tranche or a loan; other kinds have none
    (an ultra-long treasury bond is repaid centrally)."""
    rows = await FundingSource.select().where(FundingSource.id == source_id)
    if not rows:
        raise NotFound("Funding source {id} does not exist.", field="source_id", id=source_id)
    source = rows[0]
    if SourceKind(source["kind"]) not in BOND_KINDS | LOAN_KINDS:
        raise Conflict("Only bond tranches and loans have a repayment schedule.", field="source_id",
                       rule="no_schedule")
    lines, assumed = await _rows(source)
    payments = [r for r in lines if r.note != schedules.NOTE_DRAWDOWN]
    return ScheduleOut(
        source_id=source_id, kind=SourceKind(source["kind"]),
        rows=[ScheduleRowOut(date=r.date, interest_fen=r.interest_fen, principal_fen=r.principal_fen,
                             payment_fen=r.payment_fen, balance_fen=r.balance_fen, rate=r.rate, note=r.note,
                             drawn_fen=r.drawn_fen) for r in lines],
        years=_years(lines), interest_fen=sum(r.interest_fen for r in payments),
        principal_fen=sum(r.principal_fen for r in payments), assumed_drawdown=assumed)


async def debt_service(project_id: int) -> DebtServiceOut:
    """Every bond's and loan's interest and principal per year, per source, and the coverage of the
    special bonds by the project's revenue forecasts (where it has forecasts)."""
    await require_project(project_id)
    sources = await FundingSource.select().where(
        FundingSource.project == project_id,
        FundingSource.kind.is_in([k.value for k in BOND_KINDS | LOAN_KINDS])).order_by(FundingSource.id)
    every, special, per_source = [], [], []
    for source in sources:
        lines, _ = await _rows(source)
        payments = [r for r in lines if r.note != schedules.NOTE_DRAWDOWN]
        every += lines
        if source["kind"] == SourceKind.special_bond.value:
            special += lines
        per_source.append(SourceDebtOut(source_id=source["id"], kind=SourceKind(source["kind"]), name=source["name"],
                                        interest_fen=sum(r.interest_fen for r in payments),
                                        principal_fen=sum(r.principal_fen for r in payments)))
    forecasts = await RevenueForecast.select().where(RevenueForecast.project == project_id)
    cover = None
    if special and forecasts:
        revenue: dict[int, int] = {}
        cost: dict[int, int] = {}
        for f in forecasts:
            revenue[f["year"]] = revenue.get(f["year"], 0) + f["revenue_fen"]
            cost[f["year"]] = cost.get(f["year"], 0) + f["cost_fen"]
        c = schedules.coverage(revenue, special, cost)
        cover = CoverageOut(ratio=c.ratio, passes=c.passes, stress_ratio=c.stress_ratio, stress_passes=c.stress_passes,
                            floor=c.floor, stress_floor=c.stress_floor, revenue_fen=c.revenue_fen, cost_fen=c.cost_fen,
                            debt_service_fen=c.debt_service_fen)
    return DebtServiceOut(project_id=project_id, years=_years(every), sources=per_source, coverage=cover)
