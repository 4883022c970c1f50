"""Tables of contract payments: contracts with their scope, schedule of values and changes, progress
payment applications (B.0.11) with per-item quantities, payment certificates (A.0.8), payments against
them, and retention releases.

Money is integer fen (`BigInt`), ratios and quantities `Numeric`. The statutory limits are CHECKs
(payment ratio at least 80 %, retention at most 3 %, payment days at most 60), and what is paid on a
certificate is a running total CHECKed against the certificate, raised by one conditional UPDATE.
"""

from __future__ import annotations

from piccolo.columns import JSON, BigInt, Date, ForeignKey, Integer, Numeric, Serial, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.constraints import Check, Unique
from piccolo.table import Table

from funding.payments.kinds import ApplicationStatus, CertificateStatus, ChangeKind, ReleaseStatus, RetentionMode
from funding.tables import Allocation, BudgetLine, Spending
from tracker.accounts.tables import Organisation, User
from tracker.documents.tables import IssuedDocument
from tracker.register.tables import Building, Project
from tracker.schema import one_of

RATIO = (5, 4)  # 0.8000 = 80 %
QUANTITY = (14, 3)


class Contract(Table):
    """施工合同: one contractor's works on a project, the terms its payments follow."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    contractor_org = ForeignKey(references=Organisation, null=False, index=True, on_delete=OnDelete.restrict)
    code = Varchar(length=60, null=False)  # 合同编号
    name = Varchar(length=200, null=False)
    value_fen = BigInt(null=False)  # 合同价
    changes_fen = BigInt(default=0)  # running total of approved changes (may be negative)
    payment_ratio = Numeric(digits=RATIO, null=False)  # 进度款支付比例
    retention_ratio = Numeric(digits=RATIO, null=False)  # 质保金比例
    retention_mode = Varchar(length=20, null=False)
    payment_days = Integer(default=30)  # days from certification to payment
    budget_line = ForeignKey(references=BudgetLine, null=False, index=True, on_delete=OnDelete.restrict)
    liability_months = Integer(default=24)  # 缺陷责任期
    completion_reported_on = Date(null=True, default=None)  # 施工单位提交竣工验收报告
    accepted_on = Date(null=True, default=None)  # 竣工验收合格
    settled_fen = BigInt(null=True, default=None)  # 结算价
    settled_on = Date(null=True, default=None)
    applications_seq = Integer(default=0)  # raised by each application: the row lock orders their periods
    created_by = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)
    created_at = Timestamptz(default=TimestamptzNow())

    contract_code_unique = Unique([project, code])
    value_positive = Check(value_fen > 0)
    total_not_negative = Check("value_fen + changes_fen >= 0")
    payment_ratio_in_range = Check("payment_ratio >= 0.8 AND payment_ratio <= 1")
    retention_ratio_in_range = Check("retention_ratio >= 0 AND retention_ratio <= 0.03")
    payment_days_in_range = Check("payment_days >= 1 AND payment_days <= 60")
    liability_in_range = Check("liability_months >= 0 AND liability_months <= 120")
    retention_mode_known = Check(one_of("retention_mode", RetentionMode))
    settled_not_negative = Check("settled_fen IS NULL OR (settled_fen >= 0 AND settled_on IS NOT NULL)")


class ContractBuilding(Table):
    """The contract's scope: the buildings its works are on (the quality gate looks there)."""

    id = Serial(primary_key=True)
    contract = ForeignKey(references=Contract, null=False, index=True, on_delete=OnDelete.restrict)
    building = ForeignKey(references=Building, null=False, index=True, on_delete=OnDelete.restrict)

    contract_building_unique = Unique([contract, building])


class ContractItem(Table):
    """A line of the schedule of values (工程量清单): quantity × unit price."""

    id = Serial(primary_key=True)
    contract = ForeignKey(references=Contract, null=False, index=True, on_delete=OnDelete.restrict)
    position = Integer(null=False)
    code = Varchar(length=40, null=False)  # 清单编码
    name = Varchar(length=200, null=False)
    unit = Varchar(length=20, null=False)
    quantity = Numeric(digits=QUANTITY, null=False)
    unit_price_fen = BigInt(null=False)

    contract_item_code_unique = Unique([contract, code])
    quantity_positive = Check("quantity > 0")
    unit_price_not_negative = Check(unit_price_fen >= 0)


class ContractChange(Table):
    """An approved change (变更 / 签证) adjusting the contract value."""

    id = Serial(primary_key=True)
    contract = ForeignKey(references=Contract, null=False, index=True, on_delete=OnDelete.restrict)
    kind = Varchar(length=20, null=False)
    reference = Varchar(length=80, null=False)  # 变更单号 / 签证单号
    amount_fen = BigInt(null=False)
    approved_on = Date(null=False)
    reason = Text(null=False)
    recorded_by = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)
    recorded_at = Timestamptz(default=TimestamptzNow())

    contract_change_reference_unique = Unique([contract, reference])
    kind_known = Check(one_of("kind", ChangeKind))
    amount_not_zero = Check("amount_fen <> 0")


class PaymentApplication(Table):
    """工程款支付报审表 (B.0.11): the work of one period, claimed by the contractor and reviewed."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    contract = ForeignKey(references=Contract, null=False, index=True, on_delete=OnDelete.restrict)
    period_start = Date(null=False)
    period_end = Date(null=False)
    status = Varchar(length=20, null=False, default=ApplicationStatus.submitted.value)
    claimed_fen = BigInt(null=False)  # value of the work claimed this period
    approved_fen = BigInt(null=True, default=None)  # value after the engineer's review
    applied_fen = BigInt(null=False)  # amount the contractor applies to be paid (本期申请付款金额)
    statement = Text(default="")
    attachments = JSON(default=[])  # names of the attached documents (计量单, 签证 …)
    review_note = Text(default="")
    return_reason = Text(default="")
    submitted_by = ForeignKey(references=User, null=False, on_delete=OnDelete.restrict)
    submitted_at = Timestamptz(default=TimestamptzNow())
    reviewed_by = ForeignKey(references=User, null=True, default=None, on_delete=OnDelete.restrict)
    reviewed_at = Timestamptz(null=True, default=None)

    status_known = Check(one_of("status", ApplicationStatus))
    period_ordered = Check("period_start <= period_end")
    # approved_fen may be negative: a re-measurement taking back work certified earlier (复核核减).
    amounts_not_negative = Check("claimed_fen >= 0 AND applied_fen >= 0")
    approved_within_claim = Check("approved_fen IS NULL OR approved_fen <= claimed_fen")
    returned_has_reason = Check("status <> 'returned' OR length(trim(return_reason)) > 0")


class ApplicationItem(Table):
    """One schedule item of an application: quantity claimed this period, and as approved (with the cut's reason)."""

    id = Serial(primary_key=True)
    application = ForeignKey(references=PaymentApplication, null=False, index=True, on_delete=OnDelete.restrict)
    item = ForeignKey(references=ContractItem, null=False, index=True, on_delete=OnDelete.restrict)
    claimed_quantity = Numeric(digits=QUANTITY, null=False)
    approved_quantity = Numeric(digits=QUANTITY, null=True, default=None)
    cut_reason = Text(default="")

    application_item_unique = Unique([application, item])
    claimed_not_negative = Check("claimed_quantity >= 0")
    # Below zero: earlier quantities re-measured down; never below what was certified (the service checks).
    approved_within_claim = Check("approved_quantity IS NULL OR approved_quantity <= claimed_quantity")
    cut_has_reason = Check(
        "approved_quantity IS NULL OR approved_quantity = claimed_quantity OR length(trim(cut_reason)) > 0")


class PaymentCertificate(Table):
    """工程款支付证书 (A.0.8): numbered, frozen as an issued document; every step of its sum is stored."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    contract = ForeignKey(references=Contract, null=False, index=True, on_delete=OnDelete.restrict)
    application = ForeignKey(references=PaymentApplication, null=False, index=True, on_delete=OnDelete.restrict)
    year = Integer(null=False)
    number = Integer(null=False)
    number_text = Varchar(length=80, null=False)
    status = Varchar(length=20, null=False, default=CertificateStatus.issued.value)
    contract_total_fen = BigInt(null=False)  # value + approved changes at certification
    work_to_date_fen = BigInt(null=False)  # 累计完成（审定）工程价款
    payable_to_date_fen = BigInt(null=False)  # × payment ratio
    retention_to_date_fen = BigInt(null=False)  # withheld to date (per-certificate mode)
    previously_certified_fen = BigInt(null=False)
    certified_fen = BigInt(null=False)  # 本期应付款
    overpaid_fen = BigInt(default=0)  # certified earlier beyond what is due now: recovered later
    steps = JSON(null=False)  # the arithmetic as printed
    gate_findings = JSON(default=[])  # orders and issues the quality gate found
    override_reason = Text(default="")  # the chief inspector's written reason to certify despite them
    due_on = Date(null=False)  # payment deadline: certified + payment days
    paid_fen = BigInt(default=0)
    void_reason = Text(default="")
    document = ForeignKey(references=IssuedDocument, null=False, on_delete=OnDelete.restrict)
    certified_by = ForeignKey(references=User, null=False, on_delete=OnDelete.restrict)
    certified_at = Timestamptz(default=TimestamptzNow())

    payment_certificate_number_unique = Unique([project, year, number])
    status_known = Check(one_of("status", CertificateStatus))
    amounts_not_negative = Check("certified_fen >= 0 AND overpaid_fen >= 0 AND work_to_date_fen >= 0")
    paid_within_certificate = Check("paid_fen >= 0 AND paid_fen <= certified_fen")
    voided_has_reason = Check("status <> 'voided' OR length(trim(void_reason)) > 0")
    voided_unpaid = Check("status <> 'voided' OR paid_fen = 0")


class RetentionRelease(Table):
    """质保金返还: requested after the defect-liability period, checked in 14 days, paid in 14 more."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    contract = ForeignKey(references=Contract, null=False, unique=True, on_delete=OnDelete.restrict)
    status = Varchar(length=20, null=False, default=ReleaseStatus.requested.value)
    held_fen = BigInt(null=False)  # retention held at the request
    deducted_fen = BigInt(default=0)  # kept for warranty defects, with a reason
    deduction_reason = Text(default="")
    open_defects = JSON(default=[])  # issue ids open at the check
    requested_on = Date(null=False)
    check_due_on = Date(null=False)
    checked_on = Date(null=True, default=None)
    pay_due_on = Date(null=True, default=None)
    paid_fen = BigInt(default=0)
    paid_on = Date(null=True, default=None)
    requested_by = ForeignKey(references=User, null=False, on_delete=OnDelete.restrict)

    status_known = Check(one_of("status", ReleaseStatus))
    deduction_within_held = Check("deducted_fen >= 0 AND deducted_fen <= held_fen")
    deduction_has_reason = Check("deducted_fen = 0 OR length(trim(deduction_reason)) > 0")
    paid_within_release = Check("paid_fen >= 0 AND paid_fen <= held_fen - deducted_fen")


class ContractPayment(Table):
    """A payment to the contractor: of a certificate, or of the retention release; its spending record
    is the funding domain's (`funding.services.spend`), written in the same transaction."""

    id = Serial(primary_key=True)
    project = ForeignKey(references=Project, null=False, index=True, on_delete=OnDelete.restrict)
    contract = ForeignKey(references=Contract, null=False, index=True, on_delete=OnDelete.restrict)
    certificate = ForeignKey(references=PaymentCertificate, null=True, default=None, index=True,
                             on_delete=OnDelete.restrict)
    release = ForeignKey(references=RetentionRelease, null=True, default=None, index=True,
                         on_delete=OnDelete.restrict)
    allocation = ForeignKey(references=Allocation, null=False, on_delete=OnDelete.restrict)
    spending = ForeignKey(references=Spending, null=False, unique=True, on_delete=OnDelete.restrict)
    amount_fen = BigInt(null=False)
    paid_on = Date(null=False)
    voucher_no = Varchar(length=60, null=False)
    recorded_by = ForeignKey(references=User, null=True, on_delete=OnDelete.restrict)
    recorded_at = Timestamptz(default=TimestamptzNow())

    amount_positive = Check(amount_fen > 0)
    pays_one_thing = Check("(certificate IS NULL) <> (release IS NULL)")
