"""Guards of contract payments: which path parameters name a record of which project."""

from __future__ import annotations

from funding.payments.tables import Contract, PaymentApplication, PaymentCertificate, RetentionRelease

PROJECT_PATHS = {
    "contract_id": Contract.project,
    "payment_application_id": PaymentApplication.project,
    "certificate_id": PaymentCertificate.project,
    "release_id": RetentionRelease.project,
}
