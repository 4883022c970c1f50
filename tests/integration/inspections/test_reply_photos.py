"""The contractor's reply with 整改前 / 整改后 photos per issue on the form itself: both kept in the
reply's transaction, shown side by side on the issue page, and one bad photo refuses the whole reply."""

import pytest

from inspections.tables import Photo, Reply
from tests.integration.inspections.helpers import API, file_issue, issue_notice, jpeg, png

pytestmark = pytest.mark.asyncio


async def _notice(world, client_for):
    inspector = await client_for("inspector")
    issue = await file_issue(inspector, world)
    notice = await issue_notice(inspector, world, [issue["id"]])
    return inspector, await client_for("contractor"), issue["id"], notice["id"]


def _form(contractor, issue_id) -> dict:
    return {"_csrf_token": contractor.cookies.get("csrftoken"), "issue_ids": [str(issue_id)],
            f"explanation_{issue_id}": "已修复并做淋水试验"}


async def test_reply_keeps_before_and_after_photos_and_shows_them_side_by_side(world, client_for):
    inspector, contractor, issue_id, notice_id = await _notice(world, client_for)
    page = await contractor.get(f"/inspections/notices/{notice_id}")
    assert f'name="before_{issue_id}"' in page.text and f'name="after_{issue_id}"' in page.text
    assert 'enctype="multipart/form-data" id="reply-form"' in page.text
    replied = await contractor.post(
        f"/inspections/notices/{notice_id}/reply", data=_form(contractor, issue_id),
        files=[(f"before_{issue_id}", ("b.png", png((200, 0, 0)), "image/png")),
               (f"after_{issue_id}", ("a1.jpg", jpeg((0, 200, 0)), "image/jpeg")),
               (f"after_{issue_id}", ("a2.png", png((0, 0, 200)), "image/png"))],
        follow_redirects=False)
    assert replied.status_code == 303, replied.text
    kept = await Photo.select(Photo.purpose).where(Photo.issue == issue_id).order_by(Photo.id)
    assert [p["purpose"] for p in kept] == ["before", "evidence", "evidence"]

    sent = (await contractor.get(f"/inspections/notices/{notice_id}")).text
    assert 'class="card notice reply-sent"' in sent  # the reply shows as sent, with its number and time
    issue_page = (await inspector.get(f"/inspections/issues/{issue_id}")).text
    assert 'id="before-after"' in issue_page
    assert issue_page.count('class="before"') == 1 and issue_page.count('class="after"') == 2
    assert issue_page.index('class="before"') < issue_page.index('class="after"')
    issue = (await inspector.get(f"{API}/issues/{issue_id}")).json()
    assert issue["status"] == "submitted"


async def test_a_bad_photo_refuses_the_whole_reply_naming_its_field(world, client_for):
    _, contractor, issue_id, notice_id = await _notice(world, client_for)
    refused = await contractor.post(
        f"/inspections/notices/{notice_id}/reply", data=_form(contractor, issue_id),
        files=[(f"before_{issue_id}", ("b.png", png(), "image/png")),
               (f"after_{issue_id}", ("a.jpg", b"not an image", "image/jpeg"))],
        follow_redirects=False)
    assert refused.status_code == 415, refused.text
    assert f'id="after_{issue_id}-error"' in refused.text and refused.text.count('role="alert"') == 1
    assert await Photo.count() == 0 and await Reply.count() == 0
    issue = (await contractor.get(f"{API}/issues/{issue_id}")).json()
    assert issue["status"] == "rectifying"
