"""Registries the services consult across domains, kept free of Litestar (services import them)."""

from __future__ import annotations


def document_readers() -> dict:
    """Every domain's read checks for the documents it issues, by the kind before any dot: the generic
    document routes (PDF, verification details) ask the record that issued the document."""
    from funding.payments.access import DOCUMENT_READERS as payment_documents
    from inspections.services.documents import DOCUMENT_READERS as inspection_documents
    from tracker.handover.exports import DOCUMENT_READERS as handover_documents

    return {**inspection_documents, **payment_documents, **handover_documents}


def document_reader_roles() -> frozenset:
    """The roles that may read some kind of issued document: the generic document routes' role guard
    (which document each may read is then `document_readers()`'s decision)."""
    from tracker.accounts.roles import INSPECTION_READERS as inspection_readers
    from tracker.accounts.roles import Role

    return frozenset({Role.admin, *inspection_readers})


def digest_sources() -> list:
    """Other domains' lines for the daily digest (the inspections job delivers and mails it): each is
    `async (today) -> {user_id: (subject, [lines])}`."""
    from funding.services import digest as funding_digest

    return [funding_digest]


def todo_sources() -> list:
    """Every domain's to-do sources for `/my/todo` and the header's count: each is
    `async (actor, today, count_only) -> list[TodoOut] | int`, answering without a query for a role it
    has nothing for."""
    from tracker.todo.services.consultations import SOURCES as consultation_todos
    from tracker.todo.services.funding import SOURCES as funding_todos
    from tracker.todo.services.inspections import SOURCES as inspection_todos
    from tracker.todo.services.payments import SOURCES as payment_todos

    return [*inspection_todos, *payment_todos, *consultation_todos, *funding_todos]


def export_kinds() -> dict:
    """Every domain's kinds of background export (`tracker.export_jobs.kinds.ExportKind`) by name: the
    export jobs' routes start, show and serve them."""
    from tracker.consultations.exports import EXPORT_KINDS as consultation_exports
    from tracker.handover.exports import EXPORT_KINDS as handover_exports

    return {**consultation_exports, **handover_exports}
