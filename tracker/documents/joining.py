"""Join PDFs that pypdf wrote (the stamped parts of a long document) by copying their objects as bytes.

A batch print's 50 parts were joined by pypdf's `PdfWriter.append`, which parses every object of every
part into Python objects, copies them and writes them again: 7 s of one worker at the end of a
3,000-pack print, while the other waits. Here each part's objects are renumbered and copied as they
are: references (`n 0 R`) are rewritten in the objects' dictionaries and arrays, never inside a stream's
data; each part's page tree hangs under one new root, and the parts' bookmarks are chained under one
outline root. A part not written the way this expects (pypdf's classic cross-reference table, one
revision, not encrypted, a flat page tree) answers None, and the caller joins with pypdf instead.
"""

from __future__ import annotations

import bisect
import re

_REF = re.compile(rb"(?<![\w.])(\d+) 0 R(?![\w])")
_XREF_ROW = re.compile(rb"(\d{10}) (\d{5}) ([nf])")
_STREAM = b"\nstream\n"


class _Part:
    """One part's objects (bodies between `n 0 obj` and `endobj`) and its catalog's entries."""

    def __init__(self, data: bytes) -> None:
        start = data.rindex(b"startxref")
        xref = int(data[start + 9:].split()[0])
        if data[xref:xref + 4] != b"xref":
            raise ValueError("no classic cross-reference table")
        trailer_at = data.index(b"trailer", xref)
        trailer = data[trailer_at:start]
        if b"/Encrypt" in trailer or b"/Prev" in trailer:
            raise ValueError("encrypted or incrementally updated")
        self.objects: dict[int, bytes] = {}
        lines = data[xref:trailer_at].split(b"\n")[1:]
        offsets: dict[int, int] = {}
        number = 0
        for line in lines:
            line = line.strip()
            if not line:
                continue
            row = _XREF_ROW.fullmatch(line)
            if row is None:  # a subsection's header: first number and count
                number = int(line.split()[0])
                continue
            if row.group(3) == b"n":
                offsets[number] = int(row.group(1))
            number += 1
        # An object ends where the next one (or the table) starts: a stream's data is never searched.
        ends = sorted([*offsets.values(), xref])
        for number, offset in offsets.items():
            head = b"%d 0 obj" % number
            body = data[offset:ends[bisect.bisect_right(ends, offset)]]
            if not body.startswith(head) or not body.rstrip().endswith(b"endobj"):
                raise ValueError(f"object {number} is not where the table says")
            self.objects[number] = body[len(head):body.rstrip().rindex(b"endobj")].strip(b"\r\n")
        self.root = self._ref(trailer, b"/Root")
        self.info = self._ref(trailer, b"/Info")
        catalog = self.objects[self.root]
        self.pages = self._ref(catalog, b"/Pages")
        self.outlines = self._ref(catalog, b"/Outlines")
        lang = re.search(rb"/Lang (\([^)]*\))", catalog)
        self.lang = lang.group(1) if lang else None
        pages = self.objects[self.pages]
        kids = re.search(rb"/Kids \[([^\]]*)\]", pages)
        self.kids = [int(n) for n in _REF.findall(kids.group(1))] if kids else []
        if any(b"/Type /Page\n" not in self.objects[k] + b"\n" for k in self.kids):
            raise ValueError("a nested page tree")
        self.items: list[int] = []  # the outline's top-level items, in order
        if self.outlines is not None:
            item = self._ref(self.objects[self.outlines], b"/First")
            while item is not None:
                self.items.append(item)
                item = self._ref(self.objects[item], b"/Next")

    @staticmethod
    def _ref(text: bytes, key: bytes) -> int | None:
        found = re.search(re.escape(key) + rb"\s+(\d+) 0 R", text)
        return int(found.group(1)) if found else None


def _renumber(body: bytes, offset: int) -> bytes:
    """The object with every reference moved by `offset`; a stream's data is left as it is."""
    shift = lambda m: b"%d 0 R" % (int(m.group(1)) + offset)  # noqa: E731
    if body.startswith(b"<<") and _STREAM in body:
        head, data = body.split(_STREAM, 1)
        return _REF.sub(shift, head) + _STREAM + data
    return _REF.sub(shift, body)


def _set(body: bytes, key: bytes, value: bytes) -> bytes:
    """A dictionary object with `key` set to `value` (replaced where present, else added first)."""
    pattern = re.compile(re.escape(key) + rb"\s+\d+ 0 R")
    if pattern.search(body):
        return pattern.sub(lambda _: key + b" " + value, body, count=1)
    return b"<<\n" + key + b" " + value + body[2:]


def join(parts: list[bytes]) -> bytes | None:
    """One PDF of `parts`, pages and bookmarks in order; None when a part is not as expected."""
    try:
        read = [_Part(p) for p in parts]
    except (ValueError, KeyError, IndexError):
        return None
    if not read:
        return None
    objects: dict[int, bytes] = {}
    root_pages, root_outlines, catalog, info = 1, 2, 3, 4  # the new document's own objects
    next_free = 5
    kids: list[int] = []
    items: list[int] = []
    count = 0
    for part in read:
        offset = next_free - 1  # part object n becomes n + offset (its numbers start at 1)
        skipped = {part.root, part.info, part.outlines}
        for number, body in part.objects.items():
            if number in skipped:
                continue
            objects[number + offset] = _renumber(body, offset)
        pages = part.pages + offset
        objects[pages] = _set(objects[pages], b"/Parent", b"%d 0 R" % root_pages)
        kids.append(pages)
        count += len(part.kids)
        for item in part.items:
            objects[item + offset] = _set(objects[item + offset], b"/Parent", b"%d 0 R" % root_outlines)
        items.extend(item + offset for item in part.items)
        next_free = max(part.objects) + offset + 1
    # The parts' bookmarks, one chain: each top-level item's neighbours across the parts' seams.
    for before, after in zip(items, items[1:]):
        objects[before] = _set(objects[before], b"/Next", b"%d 0 R" % after)
        objects[after] = _set(objects[after], b"/Prev", b"%d 0 R" % before)
    objects[root_pages] = b"<<\n/Type /Pages\n/Kids [ %s ]\n/Count %d\n>>" % (
        b" ".join(b"%d 0 R" % k for k in kids), count)
    outline = b"/Outlines %d 0 R\n" % root_outlines if items else b""
    if items:
        objects[root_outlines] = b"<<\n/Type /Outlines\n/Count %d\n/First %d 0 R\n/Last %d 0 R\n>>" % (
            len(items), items[0], items[-1])
    lang = b"/Lang %s\n" % read[0].lang if read[0].lang else b""
    objects[catalog] = b"<<\n/Type /Catalog\n/Pages %d 0 R\n%s%s>>" % (root_pages, outline, lang)
    info_body = read[0].objects.get(read[0].info) if read[0].info is not None else None
    if info_body is not None and b" 0 R" not in info_body:
        objects[info] = info_body
    size = max(objects) + 1
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    rows = [b"0000000000 65535 f \n"]
    rows += [b"%010d 00000 n \n" % offsets[n] if n in offsets else b"0000000000 65535 f \n" for n in range(1, size)]
    out += b"xref\n0 %d\n" % size + b"".join(rows)
    trailer_info = b"/Info %d 0 R\n" % info if info in objects else b""
    out += b"trailer\n<<\n/Size %d\n/Root %d 0 R\n%s>>\nstartxref\n%d\n%%%%EOF\n" % (size, catalog, trailer_info, xref)
    return bytes(out)
