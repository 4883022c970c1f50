"""Stamps (tracker/documents/stamps.py): a repeated block is laid out once and drawn by reference, its
slots' figures set where the block's own layout put them, and a figure too long for its slot makes the
document lay out whole. Real WeasyPrint in the worker pool, real PDFs read back with pypdf."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from tracker.documents import render

CONTEXT = {"title": "印章测试", "number": "T-1", "project_name": "测试项目"}


def _lines(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]


def _stamp_forms(pdf: bytes) -> int:
    reader = PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        for name, ref in (page["/Resources"].get("/XObject") or {}).items():
            if name.startswith("/TrackerStamp"):
                names.add(ref.idnum)
    return len(names)


async def test_a_repeated_block_is_stored_once_and_prints_its_figures_in_place():
    rows = [{"label": "合计", "amount": f"{n},000.00"} for n in range(1, 6)]
    pdf = await render.render_pdf("documents/stamped.html", {**CONTEXT, "rows": rows})
    text = _lines(pdf)[0]
    for n in range(1, 6):
        assert f"{n},000.00" in text and f"行{n}" in text, text
    assert text.count("合计") == 5
    assert _stamp_forms(pdf) == 1  # five tables, one layout: the same markup once the figure is a slot

    # Laid out whole or stamped, the table and the line after it are where they were, and the figure is on
    # the table's row (in the whole layout the row's label and figure are one text run).
    whole = render._html_to_pdf(render.render_html("documents/stamped.html", {**CONTEXT, "rows": rows[:1]}),
                                str(render.ROOT / "templates"))
    stamped = await render.render_pdf("documents/stamped.html", {**CONTEXT, "rows": rows[:1]})
    assert _stamp_forms(whole) == 0 and _stamp_forms(stamped) == 1
    runs, stamped_runs = _runs(whole), _runs(stamped)
    assert runs["合计"] == stamped_runs["合计"] and runs["行1"] == stamped_runs["行1"]
    assert stamped_runs["1,"][1] == runs["合计"][1] and stamped_runs["1,"][0] > runs["合计"][0] + 20


def _runs(pdf: bytes) -> dict[str, tuple[float, float]]:
    """Where on the page each text run starts (points, rounded), by its first two characters: the text
    matrix's origin through the current transformation (WeasyPrint draws in flipped CSS px, the stamps'
    figures in points)."""
    found: dict[str, tuple[float, float]] = {}

    def visit(run, cm, tm, font, size):
        if run.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.setdefault(run.replace(" ", "")[:2], (round(x, 1), round(y, 1)))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return found


async def test_a_figure_too_long_for_its_slot_lays_the_document_out_whole():
    long = " ".join(["9,999.99"] * 12)  # wraps in its cell: the row grows in a table laid out whole
    rows = [{"label": "合计", "amount": "1,000.00"}, {"label": "合计", "amount": long}]
    pdf = await render.render_pdf("documents/stamped.html", {**CONTEXT, "rows": rows})
    assert _stamp_forms(pdf) == 0  # laid out whole: the long figure wraps inside its own row
    assert "".join(_lines(pdf)).count("9,999.99") == 12 and "1,000.00" in _lines(pdf)[0]


async def test_a_figure_with_another_character_lays_the_document_out_whole():
    """Only FIGURES are set over a stamped block (their glyphs are in its font subset): anything else in
    a slot, here a hanzi, prints through the whole layout, where WeasyPrint shapes it."""
    rows = [{"label": "合计", "amount": "1,000.00"}, {"label": "合计", "amount": "约2,000.00"}]
    pdf = await render.render_pdf("documents/stamped.html", {**CONTEXT, "rows": rows})
    assert _stamp_forms(pdf) == 0
    assert "约2,000.00" in _lines(pdf)[0] and "1,000.00" in _lines(pdf)[0]


def _pixels(pdf: bytes) -> list:
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    return [document[n].render(scale=2).to_pil().convert("L") for n in range(len(document))]


async def test_a_stamped_page_looks_as_the_page_laid_out_whole():
    """The figures written as PDF text land where WeasyPrint would have set them, in the same glyphs:
    rasterised, the stamped page and the page laid out whole differ by anti-aliasing at most (a figure
    half a point off, or in another glyph, changes hundreds of pixels)."""
    from PIL import ImageChops

    rows = [{"label": "合计", "amount": f"{n * 1234567 % 9_999_999:,}.{n:02d}"} for n in range(1, 9)]
    rows.append({"label": "合计", "amount": "-1,982,400.00"})
    context = {**CONTEXT, "rows": rows}
    stamped = await render.render_pdf("documents/stamped.html", context)
    whole = render._html_to_pdf(render.render_html("documents/stamped.html", context), str(render.ROOT / "templates"))
    assert _stamp_forms(stamped) == 1 and _stamp_forms(whole) == 0
    pages = list(zip(_pixels(stamped), _pixels(whole), strict=True))
    for ours, theirs in pages:
        differing = ImageChops.difference(ours, theirs).point(lambda v: 255 if v > 96 else 0).histogram()[255]
        assert differing <= 40, differing


def _qr_images(pdf: bytes, scale: int = 8):
    """Each QR path of the PDF's first page (`q 0 g … re … f Q`, as stamps draw them) filled into an
    image of its own, white around it, as a camera would see the printed page."""
    from PIL import Image, ImageDraw

    content = PdfReader(io.BytesIO(pdf)).pages[0].get_contents().get_data().decode("latin-1")
    images = []
    for path in re.findall(r"q 0 g\n(.*?)\nf Q", content, re.S):
        rects = [tuple(float(v) for v in m) for m in re.findall(r"(\S+) (\S+) (\S+) (\S+) re", path)]
        left, bottom = min(r[0] for r in rects), min(r[1] for r in rects)
        right, top = max(r[0] + r[2] for r in rects), max(r[1] + r[3] for r in rects)
        margin = 4 * rects[0][3]
        size = (int((right - left + 2 * margin) * scale), int((top - bottom + 2 * margin) * scale))
        image = Image.new("L", size, 255)
        draw = ImageDraw.Draw(image)
        for x, y, w, h in rects:
            x0, y0 = (x - left + margin) * scale, (top + margin - y - h) * scale
            draw.rectangle([round(x0), round(y0), round(x0 + w * scale) - 1, round(y0 + h * scale) - 1], fill=0)
        images.append(image)
    return images


async def test_a_stamped_qr_code_reads_back_as_its_link():
    """The codes are drawn with a fixed mask (not scored for each code): every one still decodes, read
    from the PDF's own path by a real decoder."""
    import zxingcpp

    links = [f"http://127.0.0.1:8000/verify/{n:04d}Zx9-token_{n * 7919}" for n in range(6)]
    pdf = await render.render_pdf("documents/qr_stamped.html", {**CONTEXT, "links": links})
    images = _qr_images(pdf)
    assert len(images) == len(links)
    decoded = [[b.text for b in zxingcpp.read_barcodes(image)] for image in images]
    assert decoded == [[link] for link in links], decoded
