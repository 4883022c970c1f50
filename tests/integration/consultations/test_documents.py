"""Printed documents, read back from the real PDFs: the publicity sheet carries the audit-chain head
hash; voting letters carry one letter and one code per title."""

import io
import re

from pypdf import PdfReader

from tests.integration.consultations.helpers import draft, make_roll, open_consultation
from tracker.audit.services import head_hash
from tracker.consultations import services

ROLL = [{"cert": f"L{n}", "area": "70", "owner": f"l{n}", "office": "一所", "subdistrict": "甲"} for n in range(1, 4)]


def _text(pdf: bytes) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    return "".join(page.extract_text() for page in reader.pages), len(reader.pages)


async def test_publicity_pdf_carries_the_audit_head_hash(world, client_for):
    manager = await client_for("manager")
    _, building_id = await make_roll(world.project, ROLL)
    c = await open_consultation(manager, world.project, draft(scope="building", building_id=building_id))
    expected_hash = await head_hash()
    response = await manager.get(f"/api/v1/consultations/{c['id']}/publicity.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text, _ = _text(response.content)
    # A 64-character hash may wrap across lines in the extracted text.
    assert expected_hash in re.sub(r"\s+", "", text)
    assert "合计" in text


async def test_voting_letters_pdf_has_one_letter_per_title_with_its_code(world, client_for):
    manager = await client_for("manager")
    _, building_id = await make_roll(world.project, ROLL)
    c = await open_consultation(manager, world.project, draft(scope="building", building_id=building_id))
    codes = [letter["code"] for letter in await services.voting_letters(c["id"])]
    staff = await client_for("staff")
    response = await staff.get(f"/api/v1/consultations/{c['id']}/voting-letters.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text, pages = _text(response.content)
    compact = re.sub(r"\s+", "", text)
    assert all(code.replace(" ", "") in compact for code in codes)
    assert pages >= len(codes)
    inspector = await client_for("inspector")
    assert (await inspector.get(f"/api/v1/consultations/{c['id']}/voting-letters.pdf")).status_code == 403
