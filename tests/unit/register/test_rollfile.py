"""Roll import and export rules, without HTTP: reading files, every row error, all-or-nothing, export."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest

from tests.zipbombs import import_limits  # noqa: F401  (a fixture)
from tracker.accounts.actor import SYSTEM
from tracker.audit.tables import AuditRecord
from tracker.errors import Invalid, NotFound
from tracker.register import rollfile, services
from tracker.register.kinds import ContactStatus, HouseholdKind
from tracker.register.schemas import DwellingIn, HouseholdIn, ImportReport
from tracker.register.tables import Building, Dwelling, Holding, Household

HEADER = "权证号,权利人,身份证号/统一社会信用代码,类型,征收事务所,街道,电话,联系状态,楼号,房号,单元,楼层,登记面积,测绘面积,合同面积"
GOOD = [
    "沪A-1,张三,310104196001010011,居民,第一征收事务所,江宁路街道,13800000001,正常,2号楼,1-101,1,1,80.50,,",
    "沪A-2,上海五金厂,91310106MA1FL0XX1Y,单位,第一征收事务所,江宁路街道,021-62000000,失联,2号楼,1-102,1,1,,120,",
    "沪A-3,梅园开发公司,91310106MA1FL0DEV1,开发商未售,第二征收事务所,石门二路街道,,,3号楼,2-301,2,3,,,66.6",
]


def csv_bytes(*lines: str, header: str = HEADER, encoding: str = "utf-8-sig") -> bytes:
    return ("\r\n".join([header, *lines]) + "\r\n").encode(encoding)


def zipped(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, "<x/>")
    return buffer.getvalue()


def rejected(data: bytes, filename: str = "roll.csv") -> rollfile.RollRejected:
    with pytest.raises(rollfile.RollRejected) as caught:
        rollfile.parse_roll(data, filename)
    return caught.value


def cells(exc: rollfile.RollRejected) -> set[tuple[int, str]]:
    return {(e.row, e.column) for e in exc.errors}


async def counts() -> tuple[int, ...]:
    return (
        await Household.count(),
        await Building.count(),
        await Dwelling.count(),
        await Holding.count(),
        await AuditRecord.count(),
    )


# ---------------------------------------------------------------- reading


def test_parses_chinese_headers_with_bom_into_typed_rows():
    rows = rollfile.parse_roll(csv_bytes(*GOOD), "roll.csv")
    assert [r.row for r in rows] == [2, 3, 4]
    first, unit, unsold = rows
    assert first.certificate_no == "沪A-1" and first.building == "2号楼" and first.dwelling == "1-101"
    assert first.floor == 1 and first.registered_area == Decimal("80.50") and first.surveyed_area is None
    assert first.owner_key == services.owner_key("310104196001010011")
    assert not hasattr(first, "owner_id")
    assert (unit.kind, unit.contact_status, unit.surveyed_area) == (
        HouseholdKind.work_unit,
        ContactStatus.lost,
        Decimal("120.00"),
    )
    assert (unsold.kind, unsold.contact_status, unsold.contract_area) == (
        HouseholdKind.developer_unsold,
        ContactStatus.reachable,
        Decimal("66.60"),
    )


def test_english_keys_without_bom_and_defaults():
    data = "certificate_no,holder_names,owner_id,building,dwelling,contract_area,remark\nX1,李四,ID-1,1号楼,101,55,whatever\n"
    (row,) = rollfile.parse_roll(data.encode(), "roll.CSV")
    assert (row.kind, row.contact_status, row.office, row.floor) == (
        HouseholdKind.resident,
        ContactStatus.reachable,
        "",
        None,
    )
    assert row.contract_area == Decimal("55.00")


def test_gb18030_csv_from_chinese_excel():
    rows = rollfile.parse_roll(csv_bytes(*GOOD, encoding="gb18030"), "roll.csv")
    assert [r.holder_names for r in rows] == ["张三", "上海五金厂", "梅园开发公司"]


def test_xlsx_numbers_become_the_text_people_see():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(","))
    sheet.append(["X1", "王五", "310104196001010011", None, None, None, 13800000001, None, "1号楼", 101, 1, 3.0, 65.25])
    buffer = io.BytesIO()
    book.save(buffer)
    (row,) = rollfile.parse_roll(buffer.getvalue(), "roll.xlsx")
    assert (row.phone, row.dwelling, row.floor, row.registered_area) == ("13800000001", "101", 3, Decimal("65.25"))


@pytest.mark.parametrize(
    ("data", "filename", "rule"),
    [
        (b"", "roll.csv", "empty_file"),
        ("\ufeff \r\n".encode(), "roll.csv", "empty_file"),
        (csv_bytes(), "roll.csv", "empty_file"),
        (csv_bytes(*GOOD), "roll.txt", "file_type"),
        (csv_bytes(*GOOD), "roll", "file_type"),
        (csv_bytes(*GOOD), "roll.xlsx", "file_type"),
        (b"PK\x03\x04 not really a zip", "roll.csv", "file_type"),
        (b"PK\x03\x04 not really a zip", "roll.xlsx", "file_type"),
        (b"\xd0\xcf\x11\xe0 legacy workbook", "roll.xls", "file_type"),
        (b"a,b\x00c\n", "roll.csv", "file_type"),
        (b"\xff\xfe\xfa\xfb\xfc", "roll.csv", "encoding"),
        (csv_bytes('A1,"' + "x" * 200_000 + '"'), "roll.csv", "file_type"),
        (zipped("word/document.xml"), "roll.xlsx", "file_type"),
    ],
)
def test_refuses_files_that_are_not_a_roll(data, filename, rule):
    with pytest.raises(Invalid) as caught:
        rollfile.parse_roll(data, filename)
    assert caught.value.rule == rule and caught.value.field == "file"


def test_refuses_more_rows_than_the_limit(import_limits):
    import_limits(IMPORT_MAX_ROWS=2)
    with pytest.raises(Invalid) as caught:
        rollfile.parse_roll(csv_bytes(*GOOD), "roll.csv")
    assert caught.value.rule == "too_many_rows"
    assert "2" in caught.value.detail


def test_missing_required_header_is_named():
    exc = rejected(csv_bytes(GOOD[0].split(",", 1)[1], header=HEADER.split(",", 1)[1]))
    assert cells(exc) == {(1, "certificate_no")}
    assert "certificate_no (权证号)" in exc.detail
    assert exc.body == {"errors": [{"row": 1, "column": "certificate_no", "reason": exc.errors[0].reason}]}


def test_a_column_given_twice_is_refused():
    exc = rejected(csv_bytes(GOOD[0] + ",X", header=HEADER + ",权利人"))
    assert cells(exc) == {(1, "holder_names")}


# ---------------------------------------------------------------- row errors


def test_every_bad_row_is_named_with_its_row_and_column():
    good = "A{n},张三,ID{n},,,,,,1号楼,{n},,,50,,"
    lines = [
        good.format(n=1),  # row 2: fine
        ",张三,ID2,,,,,,1号楼,2,,,50,,",  # row 3: no certificate
        good.format(n=3).replace(",50,", ",5o,"),  # row 4: not a number
        good.format(n=4).replace(",,,,,,", ",其他,,,,,"),  # row 5: unknown kind
        good.format(n=5).replace(",50,", ",50.123,"),  # row 6: three decimals
        good.format(n=6).replace(",50,", ",0,"),  # row 7: not positive
        "A7,张三,ID7,,,,,,1号楼,7,,,,,",  # row 8: no area at all
        good.format(n=8).replace(",,,,,,", ",,,,,搬走,"),  # row 9: unknown contact status
        good.format(n=9).replace(",,,50", ",,2.5,50"),  # row 10: floor not whole
        "A10,张三,3.10104E+17,,,,,,1号楼,10,,,50,,",  # row 11: identity number mangled by Excel
        good.format(n=11).replace("1号楼", "楼" * 81),  # row 12: building name too long
        "",  # row 13: blank, skipped but counted
        "A12,,ID12,,,,,,,,,,NaN,,",  # row 14: holders, building, dwelling missing; NaN area
        good.format(n=13).replace(",50,", ",1e30,"),  # row 15: far too large
    ]
    exc = rejected(csv_bytes(*lines))
    assert cells(exc) == {
        (3, "certificate_no"),
        (4, "registered_area"),
        (5, "kind"),
        (6, "registered_area"),
        (7, "registered_area"),
        (8, "registered_area"),
        (9, "contact_status"),
        (10, "floor"),
        (11, "owner_id"),
        (12, "building"),
        (14, "holder_names"),
        (14, "building"),
        (14, "dwelling"),
        (14, "registered_area"),
        (15, "registered_area"),
    }
    assert exc.status_code == 422
    assert exc.detail == "Rows with errors: 12. Nothing was imported."
    reasons = {(e.row, e.column): e.reason for e in exc.errors}
    assert reasons[(3, "certificate_no")] == "A value is required."
    assert "2 decimal places" in reasons[(6, "registered_area")]
    assert "其他" in reasons[(5, "kind")]
    assert "Longer than 80 characters." == reasons[(12, "building")]


def test_duplicate_certificate_and_dwelling_in_the_file_name_both_rows():
    lines = [GOOD[0], GOOD[1].replace("沪A-2", "沪A-1"), GOOD[2].replace("3号楼,2-301", "2号楼,1-101")]
    exc = rejected(csv_bytes(*lines))
    reasons = {(e.row, e.column): e.reason for e in exc.errors}
    assert reasons == {
        (2, "certificate_no"): "The certificate is also on row 3 of the file.",
        (3, "certificate_no"): "The certificate is also on row 2 of the file.",
        (2, "dwelling"): "The dwelling is also on row 4 of the file.",
        (4, "dwelling"): "The dwelling is also on row 2 of the file.",
    }


def test_reasons_translate_through_their_templates():
    exc = rejected(csv_bytes(GOOD[0], GOOD[0]))
    translated = exc.translated_errors(lambda msgid: msgid.replace("The certificate is also on row", "同见第"))
    assert [e.reason for e in translated if e.column == "certificate_no"] == [
        "同见第 3 of the file.",
        "同见第 2 of the file.",
    ]


# ---------------------------------------------------------------- importing


async def test_import_writes_the_roll_in_one_go(world):
    before = await AuditRecord.count()
    spare = await services.add_dwelling(
        SYSTEM, world.building, DwellingIn(number="9-901", registered_area=Decimal("70"))
    )
    lines = [*GOOD, "沪A-4,赵六,310104196001010044,,,,,,1号楼,9-901,,,70.00,,"]
    report = await services.import_roll(SYSTEM, world.project, csv_bytes(*lines), "梅园.csv")
    assert report == ImportReport(imported=4, buildings_created=2, dwellings_created=3)

    rows = await Household.select().where(Household.project == world.project, Household.certificate_no.like("沪A-%"))
    assert len(rows) == 4
    by_cert = {r["certificate_no"]: r for r in rows}
    assert by_cert["沪A-1"]["owner_key"] == services.owner_key("310104196001010011")
    assert by_cert["沪A-2"]["kind"] == "work_unit" and by_cert["沪A-2"]["contact_status"] == "lost"
    unit = await services.get_household(by_cert["沪A-2"]["id"])
    assert unit.dwellings == ["2号楼 1-102"] and unit.area == Decimal("120.00")
    reused = await services.get_household(by_cert["沪A-4"]["id"])
    assert reused.dwellings == ["1号楼 9-901"]
    assert await Dwelling.count().where(Dwelling.id == spare.id) == 1

    (audit,) = await AuditRecord.select().where(AuditRecord.action == "roll.import")
    assert await AuditRecord.count() == before + 2  # the spare dwelling, then the import
    assert audit["entity"] == "project" and audit["entity_id"] == str(world.project)
    assert '"imported":4' in audit["payload"] and '"sha256":"' in audit["payload"] and "梅园.csv" in audit["payload"]
    assert "310104196001010011" not in audit["payload"]


async def test_one_bad_row_writes_nothing(world):
    before = await counts()
    lines = [*GOOD, "沪A-9,钱七,ID9,,,,,,4号楼,1,,,-3,,"]
    with pytest.raises(rollfile.RollRejected) as caught:
        await services.import_roll(SYSTEM, world.project, csv_bytes(*lines), "roll.csv")
    assert cells(caught.value) == {(5, "registered_area")}
    assert await counts() == before


async def test_conflicts_with_the_recorded_roll_are_row_errors(world):
    before = await counts()
    taken_cert = "沪房地静字(1998)第001号"  # on the roll already, holding 1号楼 1-101
    spare = await services.add_dwelling(SYSTEM, world.building, DwellingIn(number="9-902", surveyed_area=Decimal("70")))
    lines = [
        f"{taken_cert},张三,ID1,,,,,,2号楼,5,,,50,,",  # row 2: certificate already on the roll
        "N-2,李四,ID2,,,,,,1号楼,1-101,,,80.50,,",  # row 3: dwelling held by another title
        "N-3,王五,ID3,,,,,,1号楼,9-902,,,70,71,",  # row 4: areas disagree with the recorded dwelling
        GOOD[0],  # row 5: fine
    ]
    with pytest.raises(rollfile.RollRejected) as caught:
        await services.import_roll(SYSTEM, world.project, csv_bytes(*lines), "roll.csv")
    reasons = {(e.row, e.column): e.reason for e in caught.value.errors}
    assert reasons == {
        (2, "certificate_no"): "The certificate is already on this project's roll.",
        (3, "dwelling"): f"The dwelling is already held by title {taken_cert}.",
        (4, "registered_area"): "Differs from the area recorded for this dwelling (—).",
        (4, "surveyed_area"): "Differs from the area recorded for this dwelling (70.00).",
    }
    assert caught.value.detail == "Rows with errors: 3. Nothing was imported."
    assert await counts() == (before[0], before[1], before[2] + 1, before[3], before[4] + 1)
    assert await Holding.count().where(Holding.dwelling == spare.id) == 0


async def test_the_same_file_on_another_project_is_fine(world):
    await services.import_roll(SYSTEM, world.project, csv_bytes(*GOOD), "roll.csv")
    report = await services.import_roll(SYSTEM, world.other_project, csv_bytes(*GOOD), "roll.csv")
    assert report.imported == 3 and report.buildings_created == 2


async def test_import_into_a_missing_project_is_not_found(world):
    with pytest.raises(NotFound):
        await services.import_roll(SYSTEM, 999_999, csv_bytes(*GOOD), "roll.csv")


# ---------------------------------------------------------------- exporting


async def exported_rows(project_id: int) -> tuple[list[str], list[list[str]]]:
    data = await services.export_roll(project_id, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return header, rows


async def test_csv_export_has_one_row_per_holding_and_no_identity_numbers(world):
    await services.import_roll(SYSTEM, world.project, csv_bytes(*GOOD), "roll.csv")
    bare = await services.create_household(
        SYSTEM, world.project, HouseholdIn(certificate_no="=HYPERLINK(1)", holder_names="无房户", owner_id="ID-X")
    )
    header, rows = await exported_rows(world.project)
    assert header == [c.header for c in rollfile.EXPORT_COLUMNS]
    assert "身份证号/统一社会信用代码" not in header
    assert len(rows) == 3 + 3 + 1
    by_cert = {r[0]: r for r in rows}
    assert by_cert["沪A-2"] == [
        "沪A-2",
        "上海五金厂",
        "单位",
        "第一征收事务所",
        "江宁路街道",
        "021-62000000",
        "失联",
        "2号楼",
        "1-102",
        "1",
        "1",
        "",
        "120.00",
        "",
    ]
    assert by_cert["'=HYPERLINK(1)"][7:] == ["", "", "", "", "", "", ""]  # kept inert for Excel
    assert bare.id
    assert not any("310104196001010011" in cell for row in rows for cell in row)


async def test_xlsx_export_reads_back_into_the_same_columns(world):
    await services.import_roll(SYSTEM, world.project, csv_bytes(*GOOD), "roll.csv")
    data = await services.export_roll(world.project, "xlsx")
    sheet = rollfile.read_sheet(data, "export.xlsx")
    keys = [rollfile.HEADER_WORDS[rollfile._header_word(h)] for h in sheet.header]
    assert keys == [c.key for c in rollfile.EXPORT_COLUMNS]
    _, csv_rows = await exported_rows(world.project)
    areas = [keys.index(a) for a in rollfile.AREAS]

    def same_areas(row: list[str]) -> list[object]:
        row = row + [""] * (len(keys) - len(row))
        return [Decimal(v) if i in areas and v else v for i, v in enumerate(row)]

    assert [same_areas(cells) for _, cells in sheet.rows] == [same_areas(r) for r in csv_rows]
    assert [n for n, _ in sheet.rows] == list(range(2, 2 + len(csv_rows)))


async def test_export_refuses_unknown_formats_and_projects(world):
    with pytest.raises(Invalid):
        await services.export_roll(world.project, "ods")
    with pytest.raises(NotFound):
        await services.export_roll(999_999, "csv")


def test_text_limits_are_the_register_columns_lengths():
    """The pure roll module keeps the text columns' lengths itself (it imports no tables): they must stay
    those of the columns the import writes, or a long value would pass the check and fail the insert."""
    columns = {
        "certificate_no": Household.certificate_no, "holder_names": Household.holder_names,
        "office": Household.office, "subdistrict": Household.subdistrict, "phone": Household.phone,
        "building": Building.name, "dwelling": Dwelling.number, "stairwell": Dwelling.stairwell,
    }
    assert rollfile.TEXT_LIMITS == {key: column.length for key, column in columns.items()}
    assert set(rollfile.TEXT_COLUMNS) == {*columns, "owner_id"}  # owner_id is stored only as its key
