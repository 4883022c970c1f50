"""Issuing, voiding, printing and verifying numbered documents."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tracker import audit
from tracker import clock
from tracker.accounts.actor import Actor
from tracker.audit.services import canonical_json
from tracker.db import engine, insert_rows, transaction
from tracker.documents.kinds import DocumentStatus
from tracker.documents.render import render_pdf
from tracker.documents.tables import IssuedDocument
from tracker.errors import Conflict, Forbidden, Invalid, NotFound
from tracker.settings import get_settings


def verify_url(token: str) -> str:
    return f"{get_settings().public_base_url}/verify/{token}"


@dataclass(frozen=True, slots=True)
class NewDocument:
    """A document to issue: its number already taken (`numbering`), its context to be frozen."""

    project_id: int
    kind: str
    series: str
    number_text: str
    title: str
    template: str
    context: dict[str, Any]


async def issue_document(
    actor: Actor,
    *,
    project_id: int,
    kind: str,
    series: str,
    number_text: str,
    title: str,
    template: str,
    context: dict[str, Any],
) -> dict:
    """Freeze a document's content at issue, inside the caller's (audited) business transaction.

    The context is stored as canonical JSON with its hash; the PDF is rendered from exactly that
    snapshot later, so what was issued is what prints, however the live records change afterwards.
    """
    document = NewDocument(project_id=project_id, kind=kind, series=series, number_text=number_text,
                           title=title, template=template, context=context)
    return (await issue_documents(actor, [document]))[0]


async def issue_documents(actor: Actor, documents: Sequence[NewDocument]) -> list[dict]:
    """Freeze many documents at issue as `issue_document` does, in multi-row INSERTs (one for a batch
    print's part), inside the caller's transaction; their rows are answered in the order given.

    Each row is matched back by its verify token, drawn here and unique in the table, not by the
    order the engine returns rows in."""
    if engine().current_transaction.get() is None:
        raise RuntimeError("issue_document must run inside the issuing transaction")
    rows = [_frozen(actor, document) for document in documents]
    inserted = await insert_rows(IssuedDocument, rows, *IssuedDocument.all_columns(exclude=[IssuedDocument.pdf]))
    by_token = {row["verify_token"]: row for row in inserted}
    return [by_token[row.verify_token] for row in rows]


def _frozen(actor: Actor, document: NewDocument) -> IssuedDocument:
    snapshot = canonical_json(document.context)
    return IssuedDocument(
        project=document.project_id,
        kind=document.kind,
        series=document.series,
        number_text=document.number_text,
        title=document.title,
        template=document.template,
        snapshot=snapshot,
        snapshot_sha256=hashlib.sha256(snapshot.encode()).hexdigest(),
        verify_token=secrets.token_urlsafe(16),
        issued_by=actor.id,
    )


async def get_document(document_id: int) -> dict:
    rows = await IssuedDocument.select(*IssuedDocument.all_columns(exclude=[IssuedDocument.pdf])).where(
        IssuedDocument.id == document_id
    )
    if not rows:
        raise NotFound("No document {id}.", field="document_id", id=document_id)
    return rows[0]


async def check_document(actor: Actor, document: dict, *, void: bool = False) -> None:
    """May the actor read this issued document (its PDF, its verification details), or with `void` void it
    through the generic route? The record that issued it decides, by the document's kind
    (`tracker.registry.document_readers`); a kind no domain claims is for admins only."""
    from tracker.registry import document_readers

    check = document_readers().get(document["kind"].split(".")[0])
    if actor.is_admin and (check is None or not void):
        return
    if not actor.can_see_project(document["project"]):
        raise Forbidden("You are not a member of this project.", rule="project_member")
    if check is None:
        raise Forbidden("Document {number} has no record you may read.", rule="document_owner",
                        number=document["number_text"])
    await check(actor, document, void=void)


async def can_read_document(actor: Actor | None, document: dict) -> bool:
    if actor is None:
        return False
    try:
        await check_document(actor, document)
    except Forbidden:
        return False
    return True


async def void_document(actor: Actor, document_id: int, reason: str, superseded_by: int | None = None) -> dict:
    """Void an issued document with a reason (作废), optionally naming the document replacing it."""
    reason = reason.strip()
    if not reason:
        raise Invalid("A reason is required to void a document.", field="reason")
    async with transaction():
        document = await get_document(document_id)
        if document["status"] == DocumentStatus.voided:
            raise Conflict("Document {number} is already void.", rule="document_voided", number=document["number_text"])
        if superseded_by is not None:
            successor = await get_document(superseded_by)
            if successor["project"] != document["project"] or successor["id"] == document_id:
                raise Invalid("The successor must be another document of the same project.", field="superseded_by")
        await IssuedDocument.update(
            {
                IssuedDocument.status: DocumentStatus.voided.value,
                IssuedDocument.void_reason: reason,
                IssuedDocument.voided_at: clock.now(),
                IssuedDocument.superseded_by: superseded_by,
            }
        ).where(IssuedDocument.id == document_id)
        await audit.record(
            actor,
            "document.void",
            "document",
            document_id,
            {"number": document["number_text"], "reason": reason, "superseded_by": superseded_by},
        )
    return await get_document(document_id)


def snapshot_context(document: dict) -> dict[str, Any]:
    context = json.loads(document["snapshot"])
    context.update(
        number=document["number_text"],
        title=document["title"],
        verify_url=verify_url(document["verify_token"]),
        issued_at=document["issued_at"],
    )
    return context


async def document_pdf(document_id: int) -> bytes:
    """The document's PDF: rendered once from the frozen snapshot, then always the same bytes."""
    rows = await IssuedDocument.select(IssuedDocument.pdf).where(IssuedDocument.id == document_id)
    if not rows:
        raise NotFound("No document {id}.", field="document_id", id=document_id)
    if rows[0]["pdf"] is not None:
        return bytes(rows[0]["pdf"])
    document = await get_document(document_id)
    if hashlib.sha256(document["snapshot"].encode()).hexdigest() != document["snapshot_sha256"]:
        raise Conflict("Document {number} does not match its recorded hash.", rule="document_hash",
                       number=document["number_text"])
    pdf = await render_pdf(document["template"], snapshot_context(document))
    # First writer wins: a concurrent render of the same document keeps the stored bytes.
    await IssuedDocument.update(
        {IssuedDocument.pdf: pdf, IssuedDocument.pdf_sha256: hashlib.sha256(pdf).hexdigest()}
    ).where(IssuedDocument.id == document_id, IssuedDocument.pdf.is_null())
    stored = await IssuedDocument.select(IssuedDocument.pdf).where(IssuedDocument.id == document_id)
    return bytes(stored[0]["pdf"])


async def find_by_token(token: str) -> dict | None:
    rows = await IssuedDocument.select(
        *IssuedDocument.all_columns(exclude=[IssuedDocument.pdf, IssuedDocument.snapshot]),
        IssuedDocument.project.name.as_alias("project_name"),
        IssuedDocument.superseded_by.number_text.as_alias("successor_number"),
    ).where(IssuedDocument.verify_token == token)
    return rows[0] if rows else None
