"""Sources of money (资金来源): create, edit, read; a bond kind's tranche and a loan kind's terms and
rate resets are written in the source's own transaction."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import msgspec

from funding import rules, schedules
from funding.kinds import BOND_KINDS, LOAN_KINDS, RepaymentMethod, SourceKind, Use
from funding.schemas import LoanIn, LoanOut, RateResetOut, SourceIn, SourceOut, TrancheIn, TrancheOut
from funding.services import repayments
from funding.services.common import refuse, require_project, row_of
from funding.tables import Allocation, Arrival, BondTranche, FundingSource, Loan, RateReset
from tracker import audit
from tracker.accounts.actor import Actor
from tracker.db import transaction
from tracker.errors import Conflict, Invalid, NotFound
from tracker.rows import to_schema
from tracker.settings import get_settings

_NO_SOURCE = "Funding source {id} does not exist."


def capital_cap() -> Fraction:
    return get_settings().funding_bond_capital_cap


def _uses(data: SourceIn) -> list[Use]:
    return sorted(set(data.allowed_uses)) if data.allowed_uses is not None else rules.default_uses(data.kind)


def check_source(data: SourceIn) -> list[Use]:
    """What the kind asks of a source: its terms, its mode, its uses. Answers the allowed uses."""
    kind = data.kind
    if kind in BOND_KINDS and data.tranche is None:
        raise Invalid("A bond source needs its tranche (bond code, issue date, coupon, tenor).", field="tranche",
                      rule="tranche_required")
    if kind not in BOND_KINDS and data.tranche is not None:
        raise Invalid("Only general and special bonds have a tranche.", field="tranche", rule="tranche_not_for_kind")
    if kind in LOAN_KINDS and data.loan is None:
        raise Invalid("A loan source needs its terms (lender, term, method, base rate).", field="loan",
                      rule="loan_required")
    if kind not in LOAN_KINDS and data.loan is not None:
        raise Invalid("Only policy loans and instruments have loan terms.", field="loan", rule="loan_not_for_kind")
    if kind is SourceKind.central_budget and data.central_mode is None:
        raise Invalid("Central budget investment needs its mode.", field="central_mode", rule="central_mode_required")
    if kind is not SourceKind.central_budget and data.central_mode is not None:
        raise Invalid("Only central budget investment has a mode.", field="central_mode", rule="central_mode_not_for_kind")
    if data.available_until is not None and data.available_until < data.approved_on:
        raise Invalid("The source cannot end before it is approved.", field="available_until", rule="dates_ordered")
    uses = _uses(data)
    breach = rules.source_uses_breach(kind, uses)
    if breach:
        raise refuse(breach, "allowed_uses")
    if data.tranche is not None:
        _check_tranche(data.tranche, data.committed_fen)
        repayments.bond_terms(data.committed_fen, _tranche_values(data.tranche, data.committed_fen))
    if data.loan is not None:
        _check_loan(data.loan, data.committed_fen)
        # The terms must make a schedule: drawn as if the whole facility were drawn at the start.
        resets = [schedules.RateReset(r.effective_on, r.base_rate) for r in data.loan.rate_resets]
        repayments.loan_terms(_loan_values(data.loan, data.committed_fen), resets,
                              [repayments.planned_drawdown(data.approved_on, resets, data.committed_fen)])
    return uses


def _check_tranche(tranche: TrancheIn, amount_fen: int) -> None:
    if amount_fen <= 0:
        raise Invalid("A bond tranche's amount must be more than zero.", field="committed_fen", rule="amount_positive")
    if tranche.capital_share > 1:
        raise Invalid("A share is at most 1.", field="capital_share", rule="share_range")
    breach = rules.capital_share_breach(Fraction(tranche.capital_share), capital_cap())
    if breach:
        raise refuse(breach, "capital_share")
    for part in tranche.principal_parts or []:
        by_year = part.year is not None and part.share is not None and part.date is None and part.amount_fen is None
        by_date = part.date is not None and part.amount_fen is not None and part.year is None and part.share is None
        if not (by_year or by_date):
            raise Invalid("A principal part is either a year and a share, or a date and an amount.",
                          field="principal_parts", rule="principal_part_shape")
        if part.year is not None and part.year > tranche.tenor_years:
            raise Invalid("A principal part falls after the bond's maturity.", field="principal_parts",
                          rule="principal_part_in_tenor")


def _check_loan(loan: LoanIn, facility_fen: int) -> None:
    if facility_fen <= 0:
        raise Invalid("A loan's facility must be more than zero.", field="committed_fen", rule="amount_positive")
    if loan.grace_months >= loan.term_months:
        raise Invalid("The grace period must end before the loan's term.", field="grace_months",
                      rule="grace_within_term")
    days = [r.effective_on for r in loan.rate_resets]
    if len(set(days)) != len(days):
        raise Invalid("Two base rates take effect on the same day.", field="rate_resets", rule="rate_reset_one_a_day")
    if loan.method is RepaymentMethod.custom:
        if not loan.custom_schedule:
            raise Invalid("A custom repayment method needs its table of repayments.", field="custom_schedule",
                          rule="custom_schedule_required")
        if sum(p.principal_fen for p in loan.custom_schedule) != facility_fen:
            raise Invalid("The custom repayments must add up to the facility.", field="custom_schedule",
                          rule="custom_schedule_total")
    elif loan.custom_schedule:
        raise Invalid("A repayment table is only for the custom method.", field="custom_schedule",
                      rule="custom_schedule_not_for_method")


def _source_values(data: SourceIn, uses: list[Use]) -> dict:
    return {
        FundingSource.name: data.name, FundingSource.reference: data.reference,
        FundingSource.central_mode: data.central_mode.value if data.central_mode else None,
        FundingSource.committed_fen: data.committed_fen, FundingSource.allowed_uses: [u.value for u in uses],
        FundingSource.approved_on: data.approved_on, FundingSource.available_until: data.available_until,
        FundingSource.note: data.note,
    }


def _tranche_values(tranche: TrancheIn, amount_fen: int) -> dict:
    return {
        "bond_code": tranche.bond_code, "issue_date": tranche.issue_date, "amount_fen": amount_fen,
        "coupon_rate": tranche.coupon_rate, "tenor_years": tranche.tenor_years,
        "frequency": tranche.frequency.value, "capital_share": tranche.capital_share,
        "principal_parts": msgspec.to_builtins(tranche.principal_parts) if tranche.principal_parts else None,
    }


def _loan_values(loan: LoanIn, facility_fen: int) -> dict:
    return {
        "lender": loan.lender, "facility_fen": facility_fen, "spread_bp": loan.spread_bp,
        "term_months": loan.term_months, "grace_months": loan.grace_months,
        "payment_months": loan.payment_months, "method": loan.method.value,
        "first_payment_on": loan.first_payment_on,
        "custom_schedule": msgspec.to_builtins(loan.custom_schedule) if loan.custom_schedule else None,
    }


async def _write_terms(source_id: int, data: SourceIn, *, replace: bool) -> None:
    if data.tranche is not None:
        values = _tranche_values(data.tranche, data.committed_fen)
        if replace:
            await BondTranche.update(values).where(BondTranche.source == source_id)
        else:
            await BondTranche.insert(BondTranche(source=source_id, **values))
    if data.loan is not None:
        values = _loan_values(data.loan, data.committed_fen)
        if replace:
            await Loan.update(values).where(Loan.source == source_id)
            loan_id = (await Loan.select(Loan.id).where(Loan.source == source_id))[0]["id"]
            await RateReset.delete().where(RateReset.loan == loan_id)
        else:
            loan_id = (await Loan.insert(Loan(source=source_id, **values)).returning(Loan.id))[0]["id"]
        await RateReset.insert(*(RateReset(loan=loan_id, effective_on=r.effective_on, base_rate=r.base_rate)
                                 for r in sorted(data.loan.rate_resets, key=lambda r: r.effective_on)))


async def _refuse_duplicate(project_id: int, data: SourceIn, source_id: int | None = None) -> None:
    query = FundingSource.exists().where(FundingSource.project == project_id, FundingSource.kind == data.kind.value,
                                         FundingSource.reference == data.reference)
    if source_id is not None:
        query = query.where(FundingSource.id != source_id)
    if await query:
        raise Conflict("A {kind} source with reference {reference} already exists in this project.",
                       field="reference", rule="funding_source_reference_unique", kind=data.kind.value,
                       reference=data.reference)


def _audit_payload(data: SourceIn, uses: list[Use]) -> dict:
    return {**msgspec.to_builtins(data), "allowed_uses": [u.value for u in uses]}


async def insert_source(project_id: int, data: SourceIn, uses: list[Use]) -> int:
    """Write a checked source and its terms inside the caller's transaction (which audits it)."""
    source_id = (await FundingSource.insert(FundingSource(
        project=project_id, kind=data.kind.value, **{c._meta.name: v for c, v in _source_values(data, uses).items()},
    )).returning(FundingSource.id))[0]["id"]
    await _write_terms(source_id, data, replace=False)
    return source_id


async def create_source(actor: Actor, project_id: int, data: SourceIn) -> SourceOut:
    """Record a source with its tranche or loan terms; the whole of it or nothing."""
    uses = check_source(data)
    async with transaction():
        await require_project(project_id)
        await _refuse_duplicate(project_id, data)
        source_id = await insert_source(project_id, data, uses)
        await audit.record(actor, "funding.source.create", "funding_source", source_id,
                           {"project_id": project_id, **_audit_payload(data, uses)})
    return await get_source(source_id)


async def update_source(actor: Actor, source_id: int, data: SourceIn) -> SourceOut:
    """Change a source: its kind stays; the commitment never below what arrived, the approval date never
    after an arrival, and every use an allocation makes of it stays allowed."""
    uses = check_source(data)
    async with transaction():
        row = await row_of(FundingSource, source_id, "source_id", _NO_SOURCE, lock=True)
        if row["kind"] != data.kind.value:
            raise Conflict("A source's kind cannot change; record a new source.", field="kind", rule="kind_fixed")
        if data.committed_fen < row["arrived_fen"]:
            raise Conflict("The commitment cannot be less than what has arrived ({arrived_fen} fen).",
                           field="committed_fen", rule="arrivals_within_commitment", arrived_fen=row["arrived_fen"])
        first = await Arrival.select(Arrival.arrived_on).where(Arrival.source == source_id) \
            .order_by(Arrival.arrived_on).limit(1)
        if first and first[0]["arrived_on"] < data.approved_on:
            raise Conflict("Money arrived on {day}, before this approval date.", field="approved_on",
                           rule="arrival_before_approval", day=first[0]["arrived_on"].isoformat())
        used = {r["use"] for r in await Allocation.select(Allocation.budget_line.use.as_alias("use"))
                .where(Allocation.source == source_id)}
        dropped = sorted(used - {u.value for u in uses})
        if dropped:
            raise Conflict("Allocations of this source pay for {uses}; they must stay allowed.", field="allowed_uses",
                           rule="use_in_allocation", uses=", ".join(dropped))
        await _refuse_duplicate(row["project"], data, source_id)
        await FundingSource.update(_source_values(data, uses)).where(FundingSource.id == source_id)
        await _write_terms(source_id, data, replace=True)
        await audit.record(actor, "funding.source.update", "funding_source", source_id, _audit_payload(data, uses))
    return await get_source(source_id)


_SOURCE_COLUMNS = (
    FundingSource.id, FundingSource.project.as_alias("project_id"), FundingSource.kind, FundingSource.name,
    FundingSource.reference, FundingSource.central_mode, FundingSource.committed_fen, FundingSource.arrived_fen,
    FundingSource.allocated_fen, FundingSource.allowed_uses, FundingSource.approved_on,
    FundingSource.available_until, FundingSource.note,
)


async def _sources_out(rows: list[dict]) -> list[SourceOut]:
    ids = [r["id"] for r in rows]
    if not ids:
        return []
    tranches = {t["source"]: t for t in await BondTranche.select().where(BondTranche.source.is_in(ids))
                .output(load_json=True)}
    loans = {lo["source"]: lo for lo in await Loan.select().where(Loan.source.is_in(ids)).output(load_json=True)}
    resets: dict[int, list[dict]] = {}
    if loans:
        for r in await RateReset.select(RateReset.loan, RateReset.effective_on, RateReset.base_rate) \
                .where(RateReset.loan.is_in([lo["id"] for lo in loans.values()])).order_by(RateReset.effective_on):
            resets.setdefault(r["loan"], []).append(r)
    out = []
    for row in rows:
        extra = {}
        if (t := tranches.get(row["id"])) is not None:
            extra["tranche"] = to_schema(t, TrancheOut)
        if (lo := loans.get(row["id"])) is not None:
            extra["loan"] = to_schema(lo, LoanOut, rate_resets=[
                RateResetOut(effective_on=r["effective_on"], base_rate=Decimal(r["base_rate"]))
                for r in resets.get(lo["id"], [])])
        out.append(to_schema(row, SourceOut, **extra))
    return out


async def get_source(source_id: int) -> SourceOut:
    rows = await FundingSource.select(*_SOURCE_COLUMNS).where(FundingSource.id == source_id).output(load_json=True)
    if not rows:
        raise NotFound(_NO_SOURCE, field="source_id", id=source_id)
    return (await _sources_out(rows))[0]


async def list_sources(project_id: int, kind: SourceKind | None = None) -> list[SourceOut]:
    await require_project(project_id)
    query = FundingSource.select(*_SOURCE_COLUMNS).where(FundingSource.project == project_id)
    if kind is not None:
        query = query.where(FundingSource.kind == kind.value)
    return await _sources_out(await query.order_by(FundingSource.id).output(load_json=True))
