"""Request and response shapes of contract payments (msgspec Structs; money in integer fen)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

from msgspec import Meta, Struct

from funding.payments.kinds import ApplicationStatus, CertificateStatus, ChangeKind, ReleaseStatus, RetentionMode
from tracker.types import INT32_MAX

Id = Annotated[int, Meta(ge=1, le=INT32_MAX)]
Fen = Annotated[int, Meta(ge=0, le=10**15)]
PositiveFen = Annotated[int, Meta(gt=0, le=10**15)]
# Decimals are bounded by the services (msgspec bounds only ints and floats): quantities 0 to 10¹¹ with
# three decimals at most (`certificates.check_quantity`), ratios within the statutory limits.
Quantity = Decimal
Ratio = Decimal
Text = Annotated[str, Meta(max_length=2000)]
Short = Annotated[str, Meta(min_length=1, max_length=200)]


class ContractItemIn(Struct, forbid_unknown_fields=True):
    code: Annotated[str, Meta(min_length=1, max_length=40)]
    name: Short
    unit: Annotated[str, Meta(min_length=1, max_length=20)]
    quantity: Decimal
    unit_price_fen: Fen


class ContractIn(Struct, forbid_unknown_fields=True):
    contractor_org_id: Id
    code: Annotated[str, Meta(min_length=1, max_length=60)]
    name: Short
    value_fen: PositiveFen
    budget_line_id: Id
    building_ids: Annotated[list[Id], Meta(min_length=1, max_length=500)]
    payment_ratio: Ratio = Decimal("0.8")
    retention_ratio: Ratio = Decimal("0.03")
    retention_mode: RetentionMode = RetentionMode.final_account
    payment_days: Annotated[int, Meta(ge=1, le=365)] = 30
    liability_months: Annotated[int, Meta(ge=0, le=120)] = 24
    items: Annotated[list[ContractItemIn], Meta(max_length=5000)] = []


class ContractItemOut(Struct):
    id: int
    position: int
    code: str
    name: str
    unit: str
    quantity: Decimal
    unit_price_fen: int
    value_fen: int
    certified_quantity: Decimal  # approved on certified applications, to date


class ChangeIn(Struct, forbid_unknown_fields=True):
    kind: ChangeKind
    reference: Annotated[str, Meta(min_length=1, max_length=80)]
    amount_fen: Annotated[int, Meta(ge=-(10**15), le=10**15)]
    approved_on: dt.date
    reason: Annotated[str, Meta(min_length=1, max_length=2000)]


class ChangeOut(Struct):
    id: int
    kind: ChangeKind
    reference: str
    amount_fen: int
    approved_on: dt.date
    reason: str


class CompletionIn(Struct, forbid_unknown_fields=True):
    completion_reported_on: dt.date | None = None  # 竣工验收报告提交
    accepted_on: dt.date | None = None  # 竣工验收合格


class ContractOut(Struct):
    id: int
    project_id: int
    contractor_org_id: int
    contractor_name: str
    code: str
    name: str
    value_fen: int
    changes_fen: int
    total_fen: int
    payment_ratio: Decimal
    retention_ratio: Decimal
    retention_mode: RetentionMode
    payment_days: int
    budget_line_id: int
    budget_line_name: str
    liability_months: int
    completion_reported_on: dt.date | None
    accepted_on: dt.date | None
    settled_fen: int | None
    settled_on: dt.date | None
    building_ids: list[int]
    building_names: list[str]
    items: list[ContractItemOut]
    changes: list[ChangeOut]
    work_certified_fen: int  # value of work certified to date
    certified_fen: int  # Σ current certificates
    paid_fen: int  # Σ payments (certificates and retention)
    retention_held_fen: int
    release_due_on: dt.date | None


class ApplicationItemIn(Struct, forbid_unknown_fields=True):
    item_id: Id
    quantity: Quantity  # completed this period


class ApplicationIn(Struct, forbid_unknown_fields=True):
    period_start: dt.date
    period_end: dt.date
    items: Annotated[list[ApplicationItemIn], Meta(max_length=5000)] = []
    claimed_fen: Fen | None = None  # the period's work, for a contract without a schedule of values
    applied_fen: Fen | None = None  # the amount applied for; by default what the terms make payable
    statement: Text = ""
    attachments: Annotated[list[Annotated[str, Meta(min_length=1, max_length=200)]], Meta(max_length=50)] = []


class ApplicationItemOut(Struct):
    item_id: int
    code: str
    name: str
    unit: str
    unit_price_fen: int
    contract_quantity: Decimal
    previous_quantity: Decimal  # certified before this application
    claimed_quantity: Decimal
    approved_quantity: Decimal | None
    cut_reason: str
    claimed_fen: int
    approved_fen: int | None


class ApplicationOut(Struct):
    id: int
    project_id: int
    contract_id: int
    contract_code: str
    contractor_name: str
    period_start: dt.date
    period_end: dt.date
    status: ApplicationStatus
    claimed_fen: int
    approved_fen: int | None
    applied_fen: int
    statement: str
    attachments: list[str]
    review_note: str
    return_reason: str
    submitted_at: dt.datetime
    reviewed_at: dt.datetime | None
    items: list[ApplicationItemOut]
    certificate_id: int | None
    certificate_number: str | None


class ReviewItemIn(Struct, forbid_unknown_fields=True):
    item_id: Id
    # Negative: a re-measurement taking back quantities certified earlier (复核核减), with its reason.
    approved_quantity: Decimal
    cut_reason: Text = ""


class ReviewIn(Struct, forbid_unknown_fields=True):
    items: Annotated[list[ReviewItemIn], Meta(max_length=5000)] = []
    # For a contract without a schedule of values; negative takes back work certified earlier.
    approved_fen: Annotated[int, Meta(ge=-(10**15), le=10**15)] | None = None
    cut_reason: Text = ""  # the reason of a lump-sum cut
    note: Text = ""


class ReturnIn(Struct, forbid_unknown_fields=True):
    reason: Annotated[str, Meta(min_length=1, max_length=2000)]


class GateOut(Struct):
    """What the quality gate finds on the contract's scope for its contractor."""

    stop_orders: list[str]
    major_issues: list[int]
    rejected_twice: list[int]
    blocking: bool


class CertifyIn(Struct, forbid_unknown_fields=True):
    override_reason: Text = ""  # the chief inspector's written reason to certify despite the gate


class StepOut(Struct):
    key: str
    label: str
    formula: str
    amount_fen: int


class CertificateOut(Struct):
    id: int
    project_id: int
    contract_id: int
    application_id: int
    number: str
    status: CertificateStatus
    contract_total_fen: int
    work_to_date_fen: int
    payable_to_date_fen: int
    retention_to_date_fen: int
    previously_certified_fen: int
    certified_fen: int
    overpaid_fen: int
    steps: list[StepOut]
    gate_findings: GateOut
    override_reason: str
    due_on: dt.date
    paid_fen: int
    void_reason: str
    document_id: int
    certified_at: dt.datetime


class VoidIn(Struct, forbid_unknown_fields=True):
    reason: Annotated[str, Meta(min_length=1, max_length=2000)]


class PaymentIn(Struct, forbid_unknown_fields=True):
    allocation_id: Id
    amount_fen: PositiveFen
    paid_on: dt.date
    voucher_no: Annotated[str, Meta(min_length=1, max_length=60)]


class PaymentOut(Struct):
    id: int
    project_id: int
    contract_id: int
    contract_code: str
    contractor_name: str
    certificate_id: int | None
    certificate_number: str | None
    release_id: int | None
    allocation_id: int
    spending_id: int
    amount_fen: int
    paid_on: dt.date
    voucher_no: str


class ReleaseCheckIn(Struct, forbid_unknown_fields=True):
    deducted_fen: Fen = 0  # kept for the open warranty defects
    deduction_reason: Text = ""


class ReleaseOut(Struct):
    id: int
    project_id: int
    contract_id: int
    status: ReleaseStatus
    held_fen: int
    deducted_fen: int
    deduction_reason: str
    open_defects: list[int]
    requested_on: dt.date
    check_due_on: dt.date
    checked_on: dt.date | None
    pay_due_on: dt.date | None
    paid_fen: int
    paid_on: dt.date | None


class SettleIn(Struct, forbid_unknown_fields=True):
    settled_fen: Fen
    settled_on: dt.date


class FinalAccountOut(Struct):
    contract_id: int
    settled_fen: int
    retention_fen: int
    paid_fen: int
    balance_fen: int  # payable still: settled − retention − paid, when positive
    overpaid_fen: int  # to be returned by the contractor
    return_due_on: dt.date | None
    settled_on: dt.date


class CurvePoint(Struct):
    on: dt.date
    work_fen: int  # value of work certified to date
    certified_fen: int  # certified to date
    paid_fen: int  # paid to date


class MonitorRow(Struct):
    kind: str  # certificate | retention_check | retention_payment | retention_due | overpayment_return
    id: int
    contract_id: int
    contract_code: str
    contractor_name: str
    number: str
    due_on: dt.date
    outstanding_fen: int
    overdue_days: int


class MonitorOut(Struct):
    due_soon: list[MonitorRow]
    overdue: list[MonitorRow]
