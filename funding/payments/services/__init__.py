"""Services of contract payments, by sub-domain; the public verbs are re-exported here."""

from funding.payments.services.applications import (
    get_application,
    list_applications,
    return_application,
    review_application,
    submit_application,
)
from funding.payments.services.certification import (
    certificate_pdf,
    certify,
    check_gate,
    get_certificate,
    list_certificates,
    preview,
    void_certificate,
)
from funding.payments.services.contracts import (
    add_change,
    create_contract,
    final_account,
    get_contract,
    list_contracts,
    record_completion,
    settle,
)
from funding.payments.services.monitor import curve, monitor
from funding.payments.services.paying import allocations_for, list_payments, pay_certificate, pay_release, project_payments
from funding.payments.services.retention import check_release, get_release, request_release

__all__ = [
    "add_change", "allocations_for", "certificate_pdf", "certify", "check_gate", "check_release", "create_contract", "curve",
    "final_account", "get_application", "get_certificate", "get_contract", "get_release", "list_applications",
    "list_certificates", "list_contracts", "list_payments", "monitor", "pay_certificate", "pay_release", "preview",
    "project_payments", "record_completion", "request_release", "return_application", "review_application",
    "settle", "submit_application", "void_certificate",
]
