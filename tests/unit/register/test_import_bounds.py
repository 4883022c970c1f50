"""A roll import is bounded in work, not only in upload size: blank rows count toward the row limit, far
cells do not widen rows, and an XLSX that unpacks to far more than it weighs is refused from its zip
directory (and its counted inflation) before openpyxl opens it, with nothing written."""

from __future__ import annotations

import io
import random

import openpyxl
import pytest

from tests import zipbombs
from tests.zipbombs import import_limits  # noqa: F401  (a fixture)
from tracker.accounts.actor import SYSTEM
from tracker.audit.tables import AuditRecord
from tracker.errors import Invalid, TooLarge
from tracker.register import rollfile, services
from tracker.register.tables import Building, Dwelling, Holding, Household

MB = 1024 * 1024
GOOD_ROW = "B-1,张三,310104196001010011,5号楼,101,80.5"


def roll_csv(*lines: str) -> bytes:
    return ("\r\n".join([",".join(zipbombs.HEADER), *lines]) + "\r\n").encode("utf-8-sig")


@pytest.fixture
def openpyxl_untouched(monkeypatch):
    """Fails the test if the workbook reaches openpyxl: the refusal must come from the zip checks."""

    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl.load_workbook was reached")

    monkeypatch.setattr(rollfile.openpyxl, "load_workbook", refuse)


def refused(data: bytes, rule: str, status: int = 413) -> TooLarge | Invalid:
    with pytest.raises((TooLarge, Invalid)) as caught:
        rollfile.read_sheet(data, "roll.xlsx")
    assert (caught.value.rule, caught.value.status_code, caught.value.field) == (rule, status, "file")
    return caught.value


# ---------------------------------------------------------------- rows


def test_blank_csv_lines_count_toward_the_row_limit(import_limits):
    import_limits(IMPORT_MAX_ROWS=5)
    assert len(rollfile.read_sheet(roll_csv(GOOD_ROW, "", ",,,", ""), "roll.csv").rows) == 1
    with pytest.raises(Invalid) as caught:
        rollfile.read_sheet(roll_csv(GOOD_ROW, *[""] * 5), "roll.csv")
    assert caught.value.rule == "too_many_rows" and "blank rows included" in caught.value.detail


def test_a_far_row_in_a_workbook_is_refused_by_the_row_limit(import_limits):
    # openpyxl hands over every row of the gap before row 1,048,576; they count, so reading stops.
    import_limits(IMPORT_MAX_ROWS=1000)
    refused(zipbombs.far_row(), "too_many_rows", 422)


def test_cells_beyond_the_header_are_not_read():
    book = openpyxl.Workbook()
    book.active.append(zipbombs.HEADER)
    for r in range(2, 12):
        book.active.append([f"B-{r}", "张三", "310104196001010011", "5号楼", str(r), 80.5])
        book.active.cell(row=r, column=16_384, value="XFD")
    out = io.BytesIO()
    book.save(out)
    sheet = rollfile.read_sheet(out.getvalue(), "roll.xlsx")
    assert sheet.header == zipbombs.HEADER and len(sheet.rows) == 10
    assert {len(cells) for _, cells in sheet.rows} == {len(zipbombs.HEADER)}


# ---------------------------------------------------------------- zip bombs, refused before openpyxl


def test_a_shared_strings_bomb_is_refused_at_default_limits(openpyxl_untouched):
    data = zipbombs.shared_strings_bomb(80 * MB)
    assert len(data) < MB
    exc = refused(data, "part_size")
    assert "xl/sharedStrings.xml" in exc.detail and "64 MB" in exc.detail


def test_shared_strings_under_another_name_are_still_a_part_held_whole(import_limits, openpyxl_untouched):
    import_limits(IMPORT_MAX_PART_BYTES=MB)
    source = zipbombs.repeated(b"<si><t></t></si>", 2 * MB, b"<sst>", b"</sst>")
    data = zipbombs.with_part(zipbombs.workbook(), "xl/worksheets/strings.xml", source, zipbombs.SHARED_STRINGS_TYPE)
    assert "xl/worksheets/strings.xml" in refused(data, "part_size").detail


def test_a_zero_filled_worksheet_is_refused_by_its_compression_ratio(openpyxl_untouched):
    data = zipbombs.zero_filled("xl/worksheets/sheet1.xml", 20 * MB)
    exc = refused(data, "compression_ratio")
    assert "xl/worksheets/sheet1.xml" in exc.detail and "100" in exc.detail


def test_the_whole_workbook_is_bounded_in_what_it_unpacks_to(import_limits, openpyxl_untouched):
    import_limits(IMPORT_MAX_UNCOMPRESSED_BYTES=2 * MB)
    noise = random.Random(8).randbytes(3 * MB)  # incompressible, as a photo is
    data = zipbombs.with_part(zipbombs.workbook(), "xl/media/image1.bin", iter([noise]))
    assert "2 MB" in refused(data, "uncompressed_size").detail


def test_too_many_entries_are_refused_from_the_end_record(openpyxl_untouched):
    exc = refused(zipbombs.many_entries(1000), "zip_entries")
    assert "1009" in exc.detail and "1000" in exc.detail


def test_a_directory_that_understates_a_part_is_caught_while_inflating(openpyxl_untouched):
    rows = [[f"B-{i}", "张三", "310104196001010011", "5号楼", str(i), 80.5] for i in range(300)]
    data = zipbombs.understated(zipbombs.workbook(rows), "xl/worksheets/sheet1.xml", 100)
    # zipfile stops at the claimed 100 bytes, so no more is inflated than was checked, and the CRC fails.
    refused(data, "file_type", 422)


def test_a_plain_workbook_passes_the_checks():
    rollfile.check_workbook(zipbombs.workbook())
    assert len(rollfile.read_sheet(zipbombs.workbook(), "roll.xlsx").rows) == 1


async def test_nothing_is_written_when_a_bomb_is_refused(world, import_limits):
    import_limits(IMPORT_MAX_PART_BYTES=MB)
    before = [await t.count() for t in (Household, Building, Dwelling, Holding, AuditRecord)]
    with pytest.raises(TooLarge):
        await services.import_roll(SYSTEM, world.project, zipbombs.shared_strings_bomb(2 * MB), "roll.xlsx")
    assert [await t.count() for t in (Household, Building, Dwelling, Holding, AuditRecord)] == before
