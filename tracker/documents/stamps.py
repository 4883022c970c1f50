"""Blocks a long document repeats, laid out once and drawn by reference; QR codes drawn as vector paths.

A batch of handover packs repeats the same warranty table on every pack of a building and the same
acknowledgement and signature lines on every pack, and WeasyPrint's cost is per box: laying out 3,000
copies of the same table was most of the batch's time. A template asks for such a block with
`stamp(template, style=..., body_class=..., **context)`: the block is rendered alone, from that context
only (a template of its own, the document's stylesheet and the caller's style, on an A4 page with no
running header), laid out once per worker process for each distinct context, and the call answers an
empty placeholder of the block's exact height. After the document is laid out, each placeholder's
position is read from WeasyPrint's anchors and the block's page is drawn there as a PDF form XObject
(stored once per document), so the printed page is the block as it would have been laid out in place:
same markup, same style, same width. `qr_stamp(text)` leaves a square placeholder and draws the QR code
there as one filled vector path (no image to decode and re-encode, and sharper than a bitmap).

Only `render._template_to_pdf` composes: a template using these must be printed through `render_pdf`.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

import segno
from markupsafe import Markup, escape

PT_PER_PX = 0.75  # WeasyPrint lays out in CSS px (1/96 in); PDF user space is in points (1/72 in)
QR_MM = 22  # as `.qr svg` in print.css
# segno scores all eight masks to pick the most readable; that was most of a QR code's cost (5 of 7 ms, on
# 3,000 packs). Any mask makes a valid code; 2 is the one it picks most often for our verification links.
QR_MASK = 2
_CACHE_SIZE = 64


@dataclass(frozen=True)
class Block:
    """A block laid out alone: its one-page PDF, where on that page the block's box is, and where its
    slots' text starts (x, y, width, the height of one line), all in CSS px."""

    pdf: bytes
    x: float
    y: float
    height: float
    slots: dict[str, tuple[float, float, float, float]]


_blocks: OrderedDict[str, Block] = OrderedDict()  # per worker process, most recently used last


class Stamps:
    """The stamps one document's template asked for, by placeholder id (the template's globals)."""

    def __init__(self, render_html: Any, html_to_document: Any) -> None:
        self._render_html = render_html
        self._html_to_document = html_to_document
        self.placed: dict[str, tuple[str, Any]] = {}
        self.texts: dict[str, float] = {}  # a slot's text by id: the height of the line it must keep to

    def _id(self) -> str:
        return f"tracker-stamp-{len(self.placed)}"

    def block(self, template: str, style: str = "", body_class: str = "", values_class: str = "",
              **context: Any) -> Markup:
        """The placeholder of `template` rendered with `context`. The block's own HTML is its cache key,
        so two packs share a layout only when they would have laid out the same markup. A value the
        template prints through `stamp_slot(name, value)` is left out of that markup (an invisible probe
        marks where its text starts) and set in the placeholder at that spot as text of its own, in
        `values_class` (which must give it the font size the slot's cell has): a table whose figures
        change from pack to pack keeps its borders, labels and row heights in the shared block."""
        values: dict[str, Markup] = {}

        def slot(name: str, value: Any) -> Markup:
            if name in values:
                raise ValueError(f"stamp {template} has two slots named {name}")
            values[name] = escape("" if value is None else value)  # Markup (a template's block) stays as it is
            return Markup(f'<div id="tracker-slot-{escape(name)}" class="tracker-slot">0</div>')

        html = self._render_html("documents/stamp.html", {
            **context, "stamp_template": template, "stamp_style": style, "stamp_class": body_class,
            "stamp_slot": slot})
        block = _blocks.get(html)
        if block is None:
            block = self._lay_out(template, html, list(values))
            _blocks[html] = block
            if len(_blocks) > _CACHE_SIZE:
                _blocks.popitem(last=False)
        else:
            _blocks.move_to_end(html)
        anchor = self._id()
        self.placed[anchor] = ("block", (html, block))
        texts = []
        for name, value in values.items():
            if value:
                x, y, width, height = block.slots[name]
                text_id = f"tracker-text-{len(self.texts)}"
                self.texts[text_id] = height
                texts.append(f'<div id="{text_id}" style="position: absolute; left: {x:.4f}px; top: {y:.4f}px; '
                             f'width: {width:.4f}px">{value}</div>')
        texts = "".join(texts)
        # Never split: the block is drawn whole where the placeholder starts.
        return Markup(f'<div id="{anchor}" class="{escape(values_class)}" style="height: {block.height:.4f}px; '
                      f'position: relative; break-inside: avoid">{texts}</div>')

    def _lay_out(self, template: str, html: str, slots: list[str]) -> Block:
        document = self._html_to_document(html)
        if len(document.pages) != 1:
            raise ValueError(f"stamp {template} does not fit on one page")
        anchors = document.pages[0].anchors
        x1, y1, _, _ = anchors["tracker-stamp"]
        _, end, _, _ = anchors["tracker-stamp-end"]
        found = {}
        for name in slots:
            sx1, sy1, sx2, sy2 = anchors[f"tracker-slot-{name}"]
            found[name] = (sx1 - x1, sy1 - y1, sx2 - sx1, sy2 - sy1)
        return Block(pdf=document.write_pdf(), x=x1, y=y1, height=end - y1, slots=found)

    def fit(self, page_anchors: list[dict[str, tuple]]) -> bool:
        """Whether every slot's text kept to one line as its probe did: a figure too long for its cell
        would wrap, and the shared table's row would not grow with it (the caller then lays the document
        out whole)."""
        for anchors in page_anchors:
            for anchor, (_, y1, _, y2) in anchors.items():
                height = self.texts.get(anchor)
                if height is not None and y2 - y1 > height + 0.5:
                    return False
        return True

    def qr(self, text: str) -> Markup:
        anchor = self._id()
        self.placed[anchor] = ("qr", text)
        return Markup(f'<div id="{anchor}" class="qr-code" title="{escape(text)}" '
                      f'style="width: {QR_MM}mm; height: {QR_MM}mm; margin: 0 auto"></div>')


def _qr_path(text: str, x: float, top: float, size: float) -> str:
    """The code's dark modules as rectangles (runs along each row) filled at once, with one light module
    of quiet zone as `qr_svg` draws it; `x`, `top` and `size` in points, `top` in PDF's upward y."""
    matrix = segno.make(text, error="m", mask=QR_MASK).matrix
    module = size / (len(matrix) + 2)
    rects = []
    for r, row in enumerate(matrix):
        y = top - (r + 2) * module
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                rects.append(f"{x + (start + 1) * module:.3f} {y:.3f} {(c - start) * module:.3f} {module:.3f} re")
            else:
                c += 1
    return "q 0 g\n" + "\n".join(rects) + "\nf Q"


def compose(pdf: bytes, page_anchors: list[dict[str, tuple]], placed: dict[str, tuple[str, Any]]) -> bytes:
    """Draw the placed stamps into the laid-out document `pdf` (its pages' anchors as WeasyPrint gave
    them), each block's page once as a form XObject; the placeholders' named destinations are dropped."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    forms: dict[str, tuple[str, Block]] = {}
    for number, anchors in enumerate(page_anchors):
        ops: list[str] = []
        page = writer.pages[number]
        height = float(page.mediabox.height)
        for anchor, (x1, y1, x2, _) in anchors.items():
            what = placed.get(anchor)
            if what is None:
                continue
            kind, value = what
            if kind == "qr":
                ops.append(_qr_path(value, x1 * PT_PER_PX, height - y1 * PT_PER_PX, (x2 - x1) * PT_PER_PX))
                continue
            key, block = value
            if key not in forms:
                source = PdfReader(io.BytesIO(block.pdf)).pages[0]
                form = DecodedStreamObject()
                form.set_data(source.get_contents().get_data())
                form.update({
                    NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                    NameObject("/BBox"): ArrayObject(FloatObject(v) for v in source.mediabox),
                    NameObject("/Resources"): source["/Resources"].get_object().clone(writer),
                })
                forms[key] = (f"/TrackerStamp{len(forms)}", writer._add_object(form.flate_encode()))
            name, ref = forms[key]
            resources = page["/Resources"].get_object()
            if "/XObject" not in resources:
                resources[NameObject("/XObject")] = DictionaryObject()
            resources["/XObject"].get_object()[NameObject(name)] = ref
            dx, dy = (x1 - block.x) * PT_PER_PX, -(y1 - block.y) * PT_PER_PX
            ops.append(f"q 1 0 0 1 {dx:.3f} {dy:.3f} cm {name} Do Q")
        if ops:
            stream = DecodedStreamObject()
            stream.set_data(("\n".join(ops) + "\n").encode())
            contents = page.raw_get("/Contents")  # the reference: an array holds streams by reference
            existing = list(contents.get_object()) if isinstance(contents.get_object(), ArrayObject) else [contents]
            page[NameObject("/Contents")] = ArrayObject([writer._add_object(stream.flate_encode()), *existing])
    names = writer._root_object.get("/Names")
    if names is not None and "/Dests" in names.get_object():
        del names.get_object()["/Dests"]
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
