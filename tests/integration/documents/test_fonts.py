"""The documents' CJK face cut down to GB 2312: it covers what notices print, and rarer characters
still print (from the full Noto face, same design)."""

import io

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from tracker.documents import fonts
from tracker.documents.render import render_pdf


@pytest.fixture(scope="module")
def subset_font():
    # `make setup` builds it; a bare `pytest` run builds it here (once, some seconds).
    if not fonts.SUBSET.exists():
        fonts.build()
    return fonts.SUBSET


def test_the_subset_holds_the_characters_documents_print_and_is_much_smaller(subset_font):
    cmap = TTFont(str(subset_font))["cmap"].getBestCmap()
    for text in ("监理通知单整改复查销号停工令复工", "梅园新村第一征收事务所塘桥街道", "0123456789ABCxyz，。：；（）《》—", "㎡×"):
        missing = [ch for ch in text if ord(ch) not in cmap]
        assert not missing, missing
    assert ord("堃") not in cmap  # outside GB 2312: left to the full face
    source, _ = fonts._source()
    assert subset_font.stat().st_size < source.stat().st_size / 3


async def test_pdfs_embed_the_subset_and_fall_back_for_rarer_characters(subset_font):
    pdf = await render_pdf("documents/test_document.html", {"number": "F-1", "body": "业主王堃同意整改"})
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    faces = {str(f.get_object()["/BaseFont"]) for f in page["/Resources"]["/Font"].values()}
    assert any("Noto-Serif-CJK-SC-GB" in f for f in faces), faces  # the subset for 业主王同意整改
    assert any("Noto-Serif-CJK-SC" in f and not f.endswith("-GB") for f in faces), faces  # the full face for 堃
    assert "业主王堃同意整改" in page.extract_text().replace("\n", "")
