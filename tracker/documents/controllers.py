"""Download and void issued documents; the public page that tells whether a document is current."""

from __future__ import annotations

from typing import Annotated

from urllib.parse import quote

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.response import Template

from tracker.accounts.roles import Role
from tracker.documents import services
from tracker.errors import NotFound
from tracker.types import Id
from tracker.web.guards import actor_of, allow_public, project_member, requires_login, requires_role


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """A header that carries a Chinese file name safely (RFC 6266 / 5987) with an ASCII fallback."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "")
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


class VoidIn(msgspec.Struct, forbid_unknown_fields=True):
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
    superseded_by: Id | None = None


class Verification(msgspec.Struct):
    number: str
    title: str
    kind: str
    project: str
    issued_at: str
    status: str
    void_reason: str
    superseded_by: str | None
    snapshot_sha256: str


def _verification(document: dict) -> Verification:
    return Verification(
        number=document["number_text"],
        title=document["title"],
        kind=document["kind"],
        project=document["project_name"],
        issued_at=document["issued_at"].isoformat(),
        status=document["status"],
        void_reason=document["void_reason"],
        superseded_by=document["successor_number"],
        snapshot_sha256=document["snapshot_sha256"],
    )


class DocumentController(Controller):
    tags = ["documents"]

    @get("/api/v1/documents/{document_id:int}/pdf", guards=[requires_login, project_member])
    async def pdf(self, document_id: int) -> Response[bytes]:
        """The issued PDF, byte for byte the same on every download."""
        document = await services.get_document(document_id)
        pdf = await services.document_pdf(document_id)
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"content-disposition": content_disposition(f'{document["number_text"]}.pdf', inline=True)},
        )

    @post(
        "/api/v1/documents/{document_id:int}/void",
        guards=[requires_role(Role.admin, Role.chief_inspector, Role.project_manager), project_member],
        status_code=200,
    )
    async def void(self, request: Request, document_id: int, data: VoidIn) -> dict:
        document = await services.void_document(actor_of(request), document_id, data.reason, data.superseded_by)
        return {"id": document["id"], "status": document["status"], "void_reason": document["void_reason"]}

    @get("/api/v1/verify/{token:str}", guards=[allow_public])
    async def verify_json(self, token: str) -> Verification:
        """Public: whether the document behind a printed QR code is current or void."""
        document = await services.find_by_token(token)
        if document is None:
            raise NotFound("No document has this verification code.", field="token")
        return _verification(document)

    @get("/verify/{token:str}", guards=[allow_public], include_in_schema=False)
    async def verify_page(self, token: str) -> Template:
        document = await services.find_by_token(token)
        return Template(
            "documents/verify.html",
            context={"document": _verification(document) if document else None},
            status_code=200 if document else 404,
        )
