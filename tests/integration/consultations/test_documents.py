"""Printed documents: the publicity sheet carries the audit-chain head hash; voting letters carry codes."""

from unittest import mock

from tests.integration.consultations.helpers import draft, make_roll, open_consultation
from tracker.audit.services import head_hash
from tracker.consultations import exports, services

ROLL = [{"cert": f"L{n}", "area": "70", "owner": f"l{n}", "office": "一所", "subdistrict": "甲"} for n in range(1, 4)]


async def test_publicity_pdf_carries_the_audit_head_hash(world, client_for):
    manager = await client_for("manager")
    _, building_id = await make_roll(world.project, ROLL)
    c = await open_consultation(manager, world.project, draft(scope="building", building_id=building_id))
    seen = {}

    async def fake_render(template, context):
        from tracker.documents.render import render_html

        seen["html"] = render_html(template, context)
        return b"%PDF-fake"

    with mock.patch("tracker.documents.render.render_pdf", fake_render):
        await exports.publicity_pdf(c["id"], ("kind", "office"))
    assert await head_hash() in seen["html"] and "合计" in seen["html"]

    pdf = await manager.get(f"/api/v1/consultations/{c['id']}/publicity.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


async def test_voting_letters_pdf_has_one_letter_per_title_with_its_code(world, client_for):
    manager = await client_for("manager")
    _, building_id = await make_roll(world.project, ROLL)
    c = await open_consultation(manager, world.project, draft(scope="building", building_id=building_id))
    codes = [l["code"] for l in await services.voting_letters(c["id"])]
    seen = {}

    async def fake_render(template, context):
        from tracker.documents.render import render_html

        seen["html"] = render_html(template, context)
        return b"%PDF-fake"

    with mock.patch("tracker.documents.render.render_pdf", fake_render):
        await exports.letters_pdf(c["id"])
    assert all(code in seen["html"] for code in codes)
    assert seen["html"].count('class="letter"') == 3
    staff = await client_for("staff")
    pdf = await staff.get(f"/api/v1/consultations/{c['id']}/voting-letters.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    inspector = await client_for("inspector")
    assert (await inspector.get(f"/api/v1/consultations/{c['id']}/voting-letters.pdf")).status_code == 403
