"""Photos: the inspector's of a finding, the contractor's evidence, and reading one back."""

from __future__ import annotations

from inspections import access, workflow
from inspections import photos as photo_store
from inspections.kinds import IssueStatus
from inspections.schemas import PhotoOut
from inspections.services.common import insert_photo, photo_out
from inspections.services.issues import issue_row
from inspections.services.reports import report_visible
from inspections.tables import Photo
from tracker import audit
from tracker.accounts.actor import Actor
from tracker.accounts.roles import INSPECTING, Role
from tracker.db import transaction
from tracker.errors import Conflict, Forbidden, NotFound


async def add_photo(actor: Actor, issue_id: int, data: bytes) -> PhotoOut:
    """An inspector's photo of the finding, or the contractor's evidence photo while rectifying."""
    row = await issue_row(issue_id)
    access.check_issue(actor, row)
    if actor.role is Role.contractor:
        if row["status"] != IssueStatus.rectifying:
            raise Conflict("Evidence photos are added while the issue is being rectified (it is {status}).",
                           field="status", rule="evidence_while_rectifying", status=row["status"])
        purpose = "evidence"
    elif actor.role in INSPECTING:
        if row["status"] in workflow.FINAL:
            raise Conflict("The issue is {status}; no more photos.", field="status", rule="issue_final",
                           status=row["status"])
        purpose = "finding"
    else:
        raise Forbidden("Only inspectors and the responsible contractor add photos.", rule="photo_role")
    stored = await photo_store.store(data)
    async with transaction():
        photo_id = await insert_photo(actor, row["project"], stored, purpose, issue=issue_id, round=row["round"])
        await audit.record(actor, "issue.photo", "issue", issue_id,
                           {"photo_id": photo_id, "purpose": purpose, "sha256": stored.sha256})
    return photo_out((await Photo.select().where(Photo.id == photo_id))[0])


async def photo_file(actor: Actor, photo_id: int, thumb: bool) -> tuple[bytes, str]:
    rows = await Photo.select().where(Photo.id == photo_id)
    if not rows:
        raise NotFound("No photo {id}.", field="photo_id", id=photo_id)
    photo = rows[0]
    if photo["issue"] is not None:
        access.check_issue(actor, await issue_row(photo["issue"]))
    else:
        await report_visible(actor, photo["report"])
    path = photo["thumb_path"] if thumb else photo["path"]
    return photo_store.read(path), ("image/jpeg" if thumb else photo["content_type"])
