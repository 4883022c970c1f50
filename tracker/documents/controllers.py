"""Download and void issued documents; the public page that tells whether a document is current."""

from __future__ import annotations

from typing import Annotated

from urllib.parse import quote

import msgspec
from litestar import Controller, Response, get, post
from litestar.response import Template

from tracker.accounts.actor import Actor
from tracker.accounts.roles import DOCUMENT_VOIDERS
from tracker.documents import services
from tracker.errors import NotFound
from tracker.registry import document_reader_roles
from tracker.web.guards import allow_public, project_member, requires_role
from tracker.types import Id


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """A header that carries a Chinese file name safely (RFC 6266 / 5987) with an ASCII fallback."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


class VoidIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
    superseded_by: Id | None = None


class Verification(msgspec.Struct):
    """What the QR code of a posted document tells anyone (number, status, issue date, snapshot hash), and
    the details (`details: true`) only a logged-in user who may read the document sees."""

    number: str
    issued_at: str
    status: str
    snapshot_sha256: str
    details: bool
    title: str | None = None
    kind: str | None = None
    project: str | None = None
    void_reason: str | None = None
    superseded_by: str | None = None


async def _verification(actor: Actor | None, document: dict) -> Verification:
    public = Verification(
        number=document["number_text"],
        issued_at=document["issued_at"].isoformat(),
        status=document["status"],
        snapshot_sha256=document["snapshot_sha256"],
        details=False,
    )
    if not await services.can_read_document(actor, document):
        return public
    successor = None
    if document["superseded_by"] is not None:
        # The successor's number only to someone who may read the successor too.
        following = await services.get_document(document["superseded_by"])
        successor = following["number_text"] if await services.can_read_document(actor, following) else None
    return msgspec.structs.replace(
        public, details=True, title=document["title"], kind=document["kind"], project=document["project_name"],
        void_reason=document["void_reason"], superseded_by=successor,
    )


class DocumentController(Controller):
    tags = ["documents"]

    @get("/api/v1/documents/{document_id:int}/pdf", guards=[requires_role(document_reader_roles()), project_member])
    async def pdf(self, actor: Actor, document_id: int) -> Response[bytes]:
        """The issued PDF, byte for byte the same on every download, to whoever may read the record that
        issued it (the notice, stop-work or resumption order): 403 otherwise."""
        document = await services.get_document(document_id)
        await services.check_document(actor, document)
        pdf = await services.document_pdf(document_id)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"content-disposition": content_disposition(f'{document["number_text"]}.pdf', inline=True)},
        )

    @post(
        "/api/v1/documents/{document_id:int}/void",
        guards=[requires_role(DOCUMENT_VOIDERS), project_member],
        status_code=200,
    )
    async def void(self, actor: Actor, document_id: int, data: VoidIn) -> dict:
        """Void a document with a reason (作废); a notice is voided on the notice instead (409), since that
        also returns its issues."""
        await services.check_document(actor, await services.get_document(document_id), void=True)
        document = await services.void_document(actor, document_id, data.reason, data.superseded_by)
        return {"id": document["id"], "status": document["status"], "void_reason": document["void_reason"]}

    @get("/api/v1/verify/{token:str}", guards=[allow_public])
    async def verify_json(self, viewer: Actor | None, token: str) -> Verification:
        """Public: whether the document behind a printed QR code is current or void; title, project, void
        reason and successor only for a logged-in user who may read the document."""
        document = await services.find_by_token(token)
        if document is None:
            raise NotFound("No document has this verification code.", field="token")
        return await _verification(viewer, document)

    @get("/verify/{token:str}", guards=[allow_public], include_in_schema=False)
    async def verify_page(self, viewer: Actor | None, token: str) -> Template:
        document = await services.find_by_token(token)
        return Template(
            "documents/verify.html",
            context={"document": await _verification(viewer, document) if document else None},
            status_code=200 if document else 404,
        )
