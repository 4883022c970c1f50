"""Voting letters as residents receive them, read back from the real PDFs: the flat, money with
thousands separators, the organiser and phone, and a QR code per letter that opens the ballot with its
own code filled in; and the 公示 as offices post it."""

import io
import re

import msgspec
import segno
from PIL import Image
from pypdf import PdfReader

from tests.integration.consultations.helpers import draft, make_roll, open_consultation
from tracker.accounts.actor import SYSTEM
from tracker.consultations import exports, services
from tracker.consultations.schemas import ConsultationIn
from tracker.settings import get_settings

ROLL = [{"cert": f"L{n}", "area": "70", "owner": f"l{n}", "office": "一所", "subdistrict": "甲"} for n in range(1, 4)]


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def _qr_pixels(text: str) -> bytes:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="png", scale=4, border=1)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L").tobytes()


async def test_a_letter_shows_flat_money_organiser_phone_and_a_qr_code_carrying_its_code(world, client_for):
    manager = await client_for("manager")
    _, building_id = await make_roll(world.project, ROLL, building="7号楼")
    body = draft(scope="building", building_id=building_id, organiser="梅园新村居委会",
                 contact_phone="021-6321 4567")
    body["items"][0]["estimated_cost"] = "1234567.80"
    c = await open_consultation(manager, world.project, body)
    assert (c["organiser"], c["contact_phone"]) == ("梅园新村居委会", "021-6321 4567")
    letters = await services.voting_letters(c["id"])
    staff = await client_for("staff")
    response = await staff.get(f"/api/v1/consultations/{c['id']}/voting-letters.pdf")
    assert response.status_code == 200, response.text
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == len(letters) == 3
    for page, letter in zip(reader.pages, letters):
        text = page.extract_text()
        compact = re.sub(r"\s+", "", text)
        assert letter["code"] in compact
        assert f"7号楼{letter['flat'].split(' ')[1]}" in compact and letter["flat"].startswith("7号楼 ")
        assert "1,234,567.80" in text and "3,000.00" in text
        assert "梅园新村居委会" in text and "021-6321 4567" in text
        # The page's QR code is exactly the one of <base>/vote?code=<this letter's code>.
        expected = f"{get_settings().public_base_url}/vote?code={letter['code']}"
        assert any(image.image.convert("L").tobytes() == _qr_pixels(expected) for image in page.images)


async def test_contact_phone_must_look_like_a_phone_number(world, client_for):
    manager = await client_for("manager")
    response = await manager.post(f"/api/v1/projects/{world.project}/consultations",
                                  json=draft(contact_phone="call me"))
    assert response.status_code in (400, 422)
    assert "contact_phone" in response.text
    response = await manager.post(f"/api/v1/projects/{world.project}/consultations",
                                  json=draft(organiser="x" * 121))
    assert response.status_code in (400, 422) and "organiser" in response.text


async def test_large_rolls_are_refused_in_the_request_and_sent_to_the_background(world, client_for, monkeypatch):
    manager = await client_for("manager")
    _, building_id = await make_roll(world.project, ROLL)
    c = await open_consultation(manager, world.project, draft(scope="building", building_id=building_id))
    monkeypatch.setattr(exports, "SYNC_LETTERS_LIMIT", 2)
    response = await (await client_for("staff")).get(f"/api/v1/consultations/{c['id']}/voting-letters.pdf")
    assert response.status_code == 409
    assert response.json()["rule"] == "export_in_background"
    assert f"/api/v1/consultations/{c['id']}/voting-letters" in response.json()["detail"]


SUBDISTRICTS = [("一所", "甲"), ("一所", "乙"), ("二所", "丙"), ("二所", "丙")]


async def _publicity(project_id: int, title: str) -> str:
    rows = [{"cert": f"G{project_id}-{n}", "area": "60", "owner": f"g{project_id}-{n}", "office": office,
             "subdistrict": sub} for n, (office, sub) in enumerate(SUBDISTRICTS)]
    _, building_id = await make_roll(project_id, rows, building="公示楼")
    body = draft(title=title, scope="building", building_id=building_id)
    c = await services.create_consultation(SYSTEM, project_id, msgspec.convert(body, ConsultationIn))
    await services.open_consultation(SYSTEM, c.id)
    return "\n".join(_pages(await exports.publicity_pdf(c.id, ("kind", "office", "subdistrict"))))


async def test_publicity_posts_subtotals_only_over_several_rows_and_names_columns_for_the_project(world):
    text = await _publicity(world.project, "加装电梯表决（第二轮）")
    lines = text.splitlines()
    # 一所 holds two subdistricts (a subtotal), 二所 one (no subtotal), residents two offices (a subtotal).
    assert sum("小计" in line for line in lines) == 2
    assert "合计" in text
    # Retrofit estate: residents' committees; headers whole on their lines; the bracket never split.
    assert "居委" in text and "征收事务所" not in text
    for header in ("权证数", "同意", "反对", "弃权", "废票", "未表决", "同意率"):
        assert header in text
    assert any("（第二轮）" in re.sub(r"\s+", "", line) for line in lines)

    expropriation = await _publicity(world.other_project, "一轮意愿征询")
    assert "征收事务所" in expropriation and "居委" not in expropriation
