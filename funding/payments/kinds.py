"""Enumerations of contract payments, declared once for tables, schemas, forms and tests."""

from __future__ import annotations

from enum import StrEnum


class RetentionMode(StrEnum):
    """When retention (质保金) is withheld: a setting of the contract."""

    per_certificate = "per_certificate"  # 每期进度款中按比例预留
    final_account = "final_account"  # 结算时一次预留


class ChangeKind(StrEnum):
    variation = "variation"  # 设计变更 / 工程变更
    site_instruction = "site_instruction"  # 现场签证


class ApplicationStatus(StrEnum):
    """A progress payment application (工程款支付报审表 B.0.11) from submission to its certificate."""

    submitted = "submitted"  # 施工单位已报审
    reviewed = "reviewed"  # 专业监理工程师已审核
    certified = "certified"  # 总监已签发支付证书
    returned = "returned"  # 退回 (the period is free again)


# The open statuses hold their period: a returned application frees it.
PERIOD_HOLDING = (ApplicationStatus.submitted, ApplicationStatus.reviewed, ApplicationStatus.certified)


class CertificateStatus(StrEnum):
    issued = "issued"  # 已签发
    voided = "voided"  # 已作废 (with a reason; its application may be certified again)


class ReleaseStatus(StrEnum):
    """Retention release (质保金返还): the contractor requests, the owner checks, finance pays."""

    requested = "requested"  # 施工单位已申请
    checked = "checked"  # 建设单位已核查 (amount fixed, deductions recorded)
    paid = "paid"  # 已支付


SERIES = "payment_certificate"  # document series of the certificates, numbered per project and year
SERIES_PREFIX = "ZFZS"  # 支付证书; ASCII as the other series (numbers travel in file names)
DOCUMENT_KIND = "payment_certificate"
