"""The figures' face of a stamped block (tracker/documents/stamps.py): how a slot's value becomes a TJ
operand, with the kerning WeasyPrint applied, and when it does not fit its slot."""

from __future__ import annotations

import pytest

from tracker.documents.stamps import Face, Slot, SlotMisfit, _widths

FACE = Face(resource="/F", glyphs={"1": 0x11, ",": 0x0D, ".": 0x0F, "-": 0x0E},
            advances={"1": 500.0, ",": 250.0, ".": 250.0, "-": 300.0}, kerning={(",", "."): 43.0})
SLOT = Slot(x=0, baseline=10, room=100, size=10, fill="0 0 0 rg")


def test_a_value_is_its_glyph_ids_with_the_kerning_between_them():
    assert FACE.run("1,.1", SLOT) == "[<0011><000d>43<000f><0011>]"


def test_a_value_wider_than_its_room_or_with_another_character_does_not_fit():
    # 1.5 em and 0.043 em of kerning back: 10 px wide at 10 px
    assert FACE.run("1,.", Slot(x=0, baseline=0, room=9.57, size=10, fill="")) == "[<0011><000d>43<000f>]"
    with pytest.raises(SlotMisfit):
        FACE.run("1,.", Slot(x=0, baseline=0, room=9.5, size=10, fill=""))
    with pytest.raises(SlotMisfit):
        FACE.run("1 1", SLOT)


def test_a_cid_fonts_widths_in_both_forms():
    width = _widths([1, [256], 12, [580, 327], 20, 22, 549], 1000.0)
    assert [width(g) for g in (1, 12, 13, 20, 21, 22, 23)] == [256, 580, 327, 549, 549, 549, 1000]
