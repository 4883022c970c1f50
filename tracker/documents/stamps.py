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

A figure that changes from copy to copy (the settlement's amounts) is a slot, `stamp_slot(name, value)`
in the block's template: the shared layout holds an invisible probe where the figure's text starts, and
the figure is set there as PDF text of its own, in the probe's face, size and colour, with the glyphs
and kerning WeasyPrint itself used for the same characters in that face (`Face`): no box is laid out for
it. Only `FIGURES` can be set so; a value with another character, or too wide for the room its probe
has, raises `SlotMisfit`, and the document is then laid out whole, without stamps.

Only `render._template_to_pdf` composes: a template using these must be printed through `render_pdf`.
"""

from __future__ import annotations

import io
import re
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
# What a slot's value may hold: amounts and areas as `yuan` and `area` print them. Figures alone on a
# line are shaped as common-script characters, one glyph each (mixed with letters, HarfBuzz would pick
# proportional digits: another reason the set is closed).
FIGURES = "0123456789,.-"
# Every ordered pair of FIGURES, a line of 40 characters at most (each pair kept on one line), set on the
# stamp's second page: the block's font subset then holds every figure's glyph, and the kerning between
# any two is read from how WeasyPrint set them.
_PAIRS = [a + b for a in FIGURES for b in FIGURES]
RESERVE_LINES = ["".join(_PAIRS[i:i + 20]) for i in range(0, len(_PAIRS), 20)]


class SlotMisfit(ValueError):
    """A slot's value cannot be set over its shared block (a character outside FIGURES, or wider than
    the room its probe has): the document must be laid out whole."""


@dataclass(frozen=True)
class Slot:
    """Where a slot's text goes, from the block's top left corner (CSS px): the start of its baseline,
    the room to the right of it, and the probe's font size and fill colour (a PDF operator)."""

    x: float
    baseline: float
    room: float
    size: float
    fill: str


@dataclass(frozen=True)
class Face:
    """The slots' face as the block's PDF embeds it: its resource name on the stamp's second page, and
    per figure its glyph id and advance (1/1000 em), per pair of figures the kerning WeasyPrint set
    (a TJ adjustment, 1/1000 em)."""

    resource: str
    glyphs: dict[str, int]
    advances: dict[str, float]
    kerning: dict[tuple[str, str], float]

    def run(self, value: str, slot: Slot) -> str:
        """`value` as a TJ operand, or SlotMisfit."""
        if any(c not in self.glyphs for c in value):
            raise SlotMisfit(f"{value!r} holds a character a stamped slot cannot set")
        parts, width = [], 0.0
        for n, c in enumerate(value):
            kern = self.kerning.get((value[n - 1], c), 0.0) if n else 0.0
            if kern:
                parts.append(f"{kern:g}")
            parts.append(f"<{self.glyphs[c]:04x}>")
            width += self.advances[c] - kern
        if width * slot.size / 1000 > slot.room + 0.01:
            raise SlotMisfit(f"{value!r} is wider than its slot")
        return "[" + "".join(parts) + "]"


@dataclass(frozen=True)
class Block:
    """A block laid out alone: its PDF (the block on page 1, the figures' reserve on page 2), where on
    page 1 the block's box is (CSS px), its slots and their face."""

    pdf: bytes
    x: float
    y: float
    height: float
    slots: dict[str, Slot]
    face: Face


_blocks: OrderedDict[str, Block] = OrderedDict()  # per worker process, most recently used last


class Stamps:
    """The stamps one document's template asked for, by placeholder id (the template's globals)."""

    def __init__(self, render_html: Any, html_to_document: Any) -> None:
        self._render_html = render_html
        self._html_to_document = html_to_document
        self.placed: dict[str, tuple[str, Any]] = {}

    def _id(self) -> str:
        return f"tracker-stamp-{len(self.placed)}"

    def block(self, template: str, style: str = "", body_class: str = "", **context: Any) -> Markup:
        """The placeholder of `template` rendered with `context`. The block's own HTML is its cache key,
        so two packs share a layout only when they would have laid out the same markup; a value printed
        through `stamp_slot(name, value)` is not part of that markup (module docstring)."""
        values: dict[str, str] = {}

        def slot(name: str, value: Any) -> Markup:
            if name in values:
                raise ValueError(f"stamp {template} has two slots named {name}")
            values[name] = "" if value is None else str(value)
            return Markup(f'<div id="tracker-slot-{escape(name)}" class="tracker-slot">0</div>')

        html = self._render_html("documents/stamp.html", {
            **context, "stamp_template": template, "stamp_style": style, "stamp_class": body_class,
            "stamp_slot": slot, "stamp_reserve": RESERVE_LINES})
        block = _blocks.get(html)
        if block is None:
            block = _lay_out(template, self._html_to_document(html), list(values))
            _blocks[html] = block
            if len(_blocks) > _CACHE_SIZE:
                _blocks.popitem(last=False)
        else:
            _blocks.move_to_end(html)
        figures = [(block.slots[name], block.face.run(value, block.slots[name]))
                   for name, value in values.items() if value]
        anchor = self._id()
        self.placed[anchor] = ("block", (html, block, figures))
        # Never split: the block is drawn whole where the placeholder starts.
        return Markup(f'<div id="{anchor}" style="height: {block.height:.4f}px; break-inside: avoid"></div>')

    def qr(self, text: str) -> Markup:
        anchor = self._id()
        self.placed[anchor] = ("qr", text)
        return Markup(f'<div id="{anchor}" class="qr-code" title="{escape(text)}" '
                      f'style="display: inline-block; width: {QR_MM}mm; height: {QR_MM}mm"></div>')


def _boxes(box: Any):
    yield box
    for child in getattr(box, "children", None) or ():
        yield from _boxes(child)


def _text_box(box: Any) -> Any:
    return next(b for b in _boxes(box) if type(b).__name__ == "TextBox")


def _by_id(page: Any) -> dict[str, Any]:
    """Each element with an id on the page, as its first (outermost) box."""
    found: dict[str, Any] = {}
    for box in _boxes(page._page_box):
        element = getattr(box, "element", None)
        if element is not None and element.get("id"):
            found.setdefault(element.get("id"), box)
    return found


def _lay_out(template: str, document: Any, slots: list[str]) -> Block:
    """The block's layout: its box and its slots from page 1's boxes (WeasyPrint's `Page._page_box`:
    the probe's text box knows its baseline, which anchors do not), the figures' face from page 2."""
    page = document.pages[0]
    if "tracker-stamp-end" not in page.anchors:
        raise ValueError(f"stamp {template} does not fit on one page")
    x1, y1, _, _ = page.anchors["tracker-stamp"]
    _, end, _, _ = page.anchors["tracker-stamp-end"]
    by_id = _by_id(page)
    reserve = _text_box(_by_id(document.pages[1])["tracker-reserve"])
    found = {}
    for name in slots:
        probe = by_id[f"tracker-slot-{name}"]
        text = _text_box(probe)
        for key in ("font_family", "font_weight", "font_style", "font_stretch"):
            if text.style[key] != reserve.style[key]:
                raise ValueError(f"stamp {template}: slot {name} is not in the documents' face ({key})")
        if text.style["letter_spacing"] != "normal" or text.style["text_align_all"] not in ("start", "left"):
            raise ValueError(f"stamp {template}: slot {name} must be set left-aligned with normal spacing")
        red, green, blue = text.style["color"].to("srgb").coordinates
        found[name] = Slot(x=text.position_x - x1, baseline=text.position_y + text.baseline - y1,
                           room=probe.content_box_x() + probe.width - text.position_x,
                           size=text.style["font_size"], fill=f"{red:g} {green:g} {blue:g} rg")
    pdf = document.write_pdf()
    return Block(pdf=pdf, x=x1, y=y1, height=end - y1, slots=found, face=_face(template, pdf))


def _face(template: str, pdf: bytes) -> Face:
    """Each figure's glyph and advance and each pair's kerning, read back from how the reserve lines
    were set on the stamp's page 2 (one TJ per line, one face, one glyph per character)."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[1]
    content = page.get_contents().get_data()
    # WeasyPrint writes text as `/Font size Tf` and `[<glyph ids>adjustment<glyph ids>…] TJ`.
    fonts = set(re.findall(rb"(/[^\s/]+) [-\d.]+ Tf", content))
    runs = [re.findall(rb"<([0-9a-fA-F]*)>|(-?[\d.]+)", run) for run in re.findall(rb"\[([^\]]*)\] TJ", content)]
    glyphs: dict[str, int] = {}
    kerning: dict[tuple[str, str], float] = {}
    if len(fonts) != 1 or len(runs) != len(RESERVE_LINES):
        raise ValueError(f"stamp {template}: the figures were not set in one face, a line each")
    for line, run in zip(RESERVE_LINES, runs):
        n = -1
        for ids, number in run:
            if number:
                if 0 <= n < len(line) - 1 and float(number):
                    kerning[(line[n], line[n + 1])] = float(number)
                continue
            for i in range(0, len(ids), 4):
                n += 1
                glyph = int(ids[i:i + 4], 16)
                if n >= len(line) or glyphs.setdefault(line[n], glyph) != glyph:
                    raise ValueError(f"stamp {template}: the figures were not set a glyph each")
        if n != len(line) - 1:
            raise ValueError(f"stamp {template}: the figures were not set a glyph each")
    name = fonts.pop().decode()
    font = page["/Resources"]["/Font"][name].get_object()
    descendant = font["/DescendantFonts"][0].get_object()
    widths = _widths(descendant.get("/W", []), float(descendant.get("/DW", 1000)))
    return Face(resource=name, glyphs=glyphs, advances={c: widths(g) for c, g in glyphs.items()},
                kerning=kerning)


def _widths(array: list, default: float):
    """A CID font's /W array (`c [w1 w2 …]` or `c_first c_last w`) as a glyph id → width function."""
    table: dict[int, float] = {}
    i = 0
    while i < len(array):
        first = int(array[i])
        if isinstance(array[i + 1], list):
            for n, width in enumerate(array[i + 1]):
                table[first + n] = float(width)
            i += 2
        else:
            for c in range(first, int(array[i + 1]) + 1):
                table[c] = float(array[i + 2])
            i += 3
    return lambda glyph: table.get(glyph, default)


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
    them): each block's page once as a form XObject, its slots' figures as text in the block's own font
    (the subset that holds them), QR codes as paths; the placeholders' named destinations are dropped."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, FloatObject, NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    forms: dict[str, tuple[str, Any, str, Any]] = {}
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
            key, block, figures = value
            if key not in forms:
                reader = PdfReader(io.BytesIO(block.pdf))
                source = reader.pages[0]
                form = DecodedStreamObject()
                form.set_data(source.get_contents().get_data())
                form.update({
                    NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                    NameObject("/BBox"): ArrayObject(FloatObject(v) for v in source.mediabox),
                    NameObject("/Resources"): source["/Resources"].get_object().clone(writer),
                })
                # The same font object as the form's own text (one subset): cloned once per reader.
                font = reader.pages[1]["/Resources"]["/Font"].get_object().raw_get(block.face.resource)
                forms[key] = (f"/TrackerStamp{len(forms)}", writer._add_object(form.flate_encode()),
                              f"/TrackerFigures{len(forms)}", font.clone(writer))
            name, ref, font_name, font_ref = forms[key]
            resources = page["/Resources"].get_object()
            entries = [("/XObject", name, ref)] + ([("/Font", font_name, font_ref)] if figures else [])
            for group, entry, target in entries:
                if group not in resources:
                    resources[NameObject(group)] = DictionaryObject()
                resources[group].get_object()[NameObject(entry)] = target
            dx, dy = (x1 - block.x) * PT_PER_PX, -(y1 - block.y) * PT_PER_PX
            ops.append(f"q 1 0 0 1 {dx:.3f} {dy:.3f} cm {name} Do Q")
            for slot, run in figures:
                x, y = (x1 + slot.x) * PT_PER_PX, height - (y1 + slot.baseline) * PT_PER_PX
                ops.append(f"q {slot.fill} BT {font_name} {slot.size * PT_PER_PX:.4f} Tf "
                           f"1 0 0 1 {x:.3f} {y:.3f} Tm {run} TJ ET Q")
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
