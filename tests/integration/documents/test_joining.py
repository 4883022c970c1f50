"""Joining a long document's parts (tracker/documents/joining.py): the stamped parts pypdf wrote are
copied as bytes; the result reads as pypdf's own join does (pages, text, bookmarks and where they
point), and a part not written by pypdf is joined by pypdf instead. Real PDFs from the worker pool."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tracker.documents import joining, render

CONTEXT = {"title": "拼接测试", "number": "T-2", "project_name": "测试项目"}


def _read(pdf: bytes) -> tuple[list[str], list[tuple[str, int]]]:
    reader = PdfReader(io.BytesIO(pdf), strict=True)
    texts = [page.extract_text() for page in reader.pages]
    marks = [(item["/Title"], reader.get_destination_page_number(item)) for item in reader.outline]
    return texts, marks


async def test_stamped_parts_join_as_bytes_into_what_pypdf_would_make():
    parts = [await render.render_pdf("documents/qr_stamped.html", {**CONTEXT, "links": [
        f"http://127.0.0.1:8000/verify/{part}-{n}" for n in range(part + 1)]}) for part in range(3)]
    assert joining.join(parts) is not None  # the fast path, not the fallback
    joined = await render.join_pdfs(parts)
    texts, marks = _read(joined)
    assert (texts, marks) == _read(render.pypdf_join(parts))
    assert len(marks) == 6 and [m[0] for m in marks] == ["核验 1", "核验 1", "核验 2", "核验 1", "核验 2", "核验 3"]
    assert [m[1] for m in marks] == [0, 1, 1, 2, 2, 2]  # each part's bookmarks point into its own page
    # Each page kept its own content streams: the part's QR codes, one vector path each.
    reader = PdfReader(io.BytesIO(joined))
    assert [page.get_contents().get_data().count(b"q 0 g\n") for page in reader.pages] == [1, 2, 3]


async def test_a_part_pypdf_did_not_write_is_joined_by_pypdf():
    plain = await render.html_to_pdf("<html><body><h1>甲</h1></body></html>")  # WeasyPrint's own output
    assert joining.join([plain, plain]) is None
    texts, marks = _read(await render.join_pdfs([plain, plain]))
    assert len(texts) == 2 and [m[0] for m in marks] == ["甲", "甲"]
