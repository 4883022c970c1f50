"""The documents' CJK face, cut down once to the characters Chinese documents use, for fast PDFs.

WeasyPrint embeds each PDF's own subset of its fonts, and HarfBuzz cutting the glyphs a notice uses
out of the whole Noto Serif CJK collection (26 MB, four languages, 65,000 glyphs) took about 40 ms
of every PDF. `build` makes, once (at `make setup`), the Simplified Chinese face of that collection
limited to GB 2312 (6,763 hanzi, symbols, full-width forms) plus ASCII: about 5 MB. Documents name it
first (`@font-face`, family "Noto Serif CJK SC GB"), then the full Noto faces, so a rarer character (a
name outside GB 2312, say 堃) is drawn by the full font with the same design. Without the file,
documents use the full font: slower, the same text. Noto CJK is under the SIL Open Font License,
which allows such a subset.
"""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

from tracker.settings import ROOT

FAMILY = "Noto Serif CJK SC GB"
SUBSET = ROOT / "build" / "fonts" / "NotoSerifCJKsc-GB2312.otf"
SOURCE_FAMILY = "Noto Serif CJK SC:style=Regular"


def _characters() -> set[int]:
    chars = set(range(0x20, 0x7F))  # ASCII
    for high in range(0xA1, 0xF8):  # GB 2312: symbols (A1–A9), hanzi (B0–F7)
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    chars |= set(range(0x3000, 0x3040))  # CJK punctuation
    chars |= set(range(0xFF00, 0xFFF0))  # full-width forms
    chars |= set(range(0x2000, 0x2070))  # general punctuation (dashes, ‰, ※ …)
    chars |= {0x00B2, 0x00B3, 0x00B7, 0x00D7, 0x00F7, 0x33A1}  # ² ³ · × ÷ ㎡
    return chars


def _source() -> tuple[Path, str]:
    """The installed collection file holding the Simplified Chinese serif face, per fontconfig."""
    found = subprocess.run(["fc-match", "-f", "%{file}", SOURCE_FAMILY], capture_output=True, text=True, check=True)
    return Path(found.stdout.strip()), "Noto Serif CJK SC"


def build(target: Path = SUBSET) -> Path:
    """Write the subset face (a few seconds to tens of seconds; run once by `make setup`)."""
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    logging.getLogger("fontTools").setLevel(logging.WARNING)  # it reports every table it prunes

    path, family = _source()
    index = 0
    if path.suffix.lower() == ".ttc":
        names = [font["name"].getDebugName(1) for font in TTCollection(str(path)).fonts]
        if family not in names:
            raise RuntimeError(f"{path} holds no {family!r} face (it holds {names})")
        index = names.index(family)
    options = subset.Options()
    options.font_number = index
    options.layout_features = ["*"]  # vertical forms, proportional punctuation …
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=_characters())
    subsetter.subset(font)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    subset.save_font(font, str(partial), options)
    partial.replace(target)  # never a half-written font where documents look for it
    return target


def font_face_css() -> str:
    """The @font-face rule for documents, or nothing while the subset has not been built."""
    if not SUBSET.exists():
        return ""
    return f'@font-face {{ font-family: "{FAMILY}"; src: url("{SUBSET.as_uri()}"); }}'
