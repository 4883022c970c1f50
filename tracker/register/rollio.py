"""Import and export of a project's household roll (the register of title certificates, 权证) as CSV or XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import zipfile
import zlib
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

import anyio.to_thread
import msgspec
import openpyxl
from openpyxl.packaging.manifest import Manifest
from openpyxl.xml.functions import fromstring
from piccolo.columns import Column as TableColumn
from piccolo.table import Table

from tracker import audit
from tracker import clock
from tracker.accounts.actor import Actor
from tracker.consultations.kinds import Status as ConsultationStatus
from tracker.consultations.tables import Consultation
from tracker.db import engine, transaction
from tracker.errors import Conflict, Invalid, NotFound, TooLarge
from tracker.register.kinds import ContactStatus, HouseholdKind
from tracker.register.services import lock_project, owner_key
from tracker.register.tables import Building, Dwelling, Holding, Household, Project
from tracker.settings import get_settings
from tracker.spreadsheets import CSV_TYPE, XLSX_TYPE, write_csv, write_xlsx
from tracker.spreadsheets import Sheet as ExportSheet

MAX_COLUMNS = 100  # read from a file; a roll has 15, and other columns (序号, 备注, …) are ignored anyway
OWNER_ID_LENGTH = 64  # as HouseholdIn accepts it
AREA_LIMIT = Decimal(100000)  # as the Area schema accepts it
FLOOR_RANGE = (-10, 200)  # as DwellingIn accepts it
CENT = Decimal("0.01")

@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str  # written on export, accepted on import beside the key and the aliases
    required: bool = False
    aliases: tuple[str, ...] = ()
    text_limit: int | None = None  # the database column's length, for text columns


COLUMNS: tuple[Column, ...] = (
    Column(
        "certificate_no", "权证号", True, ("产证号", "房地产权证号", "不动产权证号"), Household.certificate_no.length
    ),
    Column("holder_names", "权利人", True, ("产权人",), Household.holder_names.length),
    Column(
        "owner_id", "身份证号/统一社会信用代码", True, ("身份证号", "统一社会信用代码", "证件号码"), OWNER_ID_LENGTH
    ),
    Column("kind", "类型"),
    Column("office", "征收事务所", text_limit=Household.office.length),
    Column("subdistrict", "街道", text_limit=Household.subdistrict.length),
    Column("phone", "电话", aliases=("联系电话",), text_limit=Household.phone.length),
    Column("contact_status", "联系状态"),
    Column("building", "楼号", True, text_limit=Building.name.length),
    Column("dwelling", "房号", True, ("室号",), Dwelling.number.length),
    Column("stairwell", "单元", text_limit=Dwelling.stairwell.length),
    Column("floor", "楼层"),
    Column("registered_area", "登记面积"),
    Column("surveyed_area", "测绘面积"),
    Column("contract_area", "合同面积"),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
AREAS = ("registered_area", "surveyed_area", "contract_area")
TEXT_COLUMNS = tuple(c.key for c in COLUMNS if c.text_limit is not None)
# The owner's identity number is never stored (only its keyed hash), so it cannot be exported.
EXPORT_COLUMNS = tuple(c for c in COLUMNS if c.key != "owner_id")

KIND_LABELS = {
    HouseholdKind.resident: "居民",
    HouseholdKind.work_unit: "单位",
    HouseholdKind.developer_unsold: "开发商未售",
}
KIND_WORDS = {
    **{k.value: k for k in HouseholdKind},
    **{label: k for k, label in KIND_LABELS.items()},
    "开发建设单位未售出部分": HouseholdKind.developer_unsold,
}
CONTACT_LABELS = {ContactStatus.reachable: "正常", ContactStatus.lost: "失联"}
CONTACT_WORDS = {**{s.value: s for s in ContactStatus}, **{label: s for s, label in CONTACT_LABELS.items()}}


def _header_word(text: str) -> str:
    """Headers as offices type them: any case, stray spaces, full-width slash, a unit such as (m²)."""
    word = re.sub(r"\s+", "", text.replace("\ufeff", "")).replace("／", "/").casefold()
    return re.sub(r"[(（][^)）]*[)）]$", "", word)


HEADER_WORDS = {_header_word(word): c.key for c in COLUMNS for word in (c.key, c.header, *c.aliases)}


class RowError(msgspec.Struct, frozen=True):
    """One bad cell: the row as a person sees it in the file (the header is row 1) and the column key."""

    row: int
    column: str
    reason: str


class ImportReport(msgspec.Struct):
    imported: int
    buildings_created: int
    dwellings_created: int


@dataclass(frozen=True, slots=True)
class Problem:
    """A row error before it is worded: the English template (the msgid pages translate) and its values."""

    row: int
    column: str
    template: str
    params: dict[str, object] = field(default_factory=dict)

    def worded(self, gettext: Callable[[str], str] | None = None) -> RowError:
        template = gettext(self.template) if gettext else self.template
        return RowError(row=self.row, column=self.column, reason=template.format(**self.params))


class RollRejected(Invalid):
    """A roll with bad rows or an unusable header: nothing was imported, and every bad cell is named."""

    def __init__(self, problems: list[Problem], detail: str | None = None, **params: object):
        order = {key: i for i, key in enumerate(COLUMN_BY_KEY)}
        self.problems = sorted(problems, key=lambda p: (p.row, order.get(p.column, len(order))))
        if detail is None:
            detail = "Rows with errors: {count}. Nothing was imported."
            params = {"count": len({p.row for p in problems})}
        super().__init__(detail, field="file", rule="roll_rows", **params)
        self.errors = [p.worded() for p in self.problems]
        self.body = {"errors": [msgspec.structs.asdict(e) for e in self.errors]}

    def translated_errors(self, gettext: Callable[[str], str]) -> list[RowError]:
        return [p.worded(gettext) for p in self.problems]


class RollRow(msgspec.Struct, frozen=True):
    """A checked row of a roll; the identity number is already reduced to its owner key."""

    row: int
    certificate_no: str
    holder_names: str
    owner_key: str
    kind: HouseholdKind
    office: str
    subdistrict: str
    phone: str
    contact_status: ContactStatus
    building: str
    dwelling: str
    stairwell: str
    floor: int | None
    registered_area: Decimal | None
    surveyed_area: Decimal | None
    contract_area: Decimal | None


@dataclass(slots=True)
class Sheet:
    """A file's cells as text: the header row and the non-blank data rows with their row numbers."""

    format: str
    header: list[str]
    rows: list[tuple[int, list[str]]]


# ---------------------------------------------------------------- reading files


def file_format(data: bytes, filename: str) -> str:
    """`csv` or `xlsx`, when the file's name and its content agree."""
    suffix = PurePath(filename or "").suffix.lower()
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        raise Invalid("The file is empty.", field="file", rule="empty_file")
    is_zip = data.startswith(b"PK\x03\x04")
    if suffix == ".xls" or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise Invalid(
            "Excel 97-2003 workbooks (.xls) cannot be read; save the file as .xlsx or CSV.",
            field="file",
            rule="file_type",
        )
    if suffix == ".xlsx":
        if not is_zip:
            raise Invalid("The file is named .xlsx but is not an Excel workbook.", field="file", rule="file_type")
        return "xlsx"
    if suffix == ".csv":
        if is_zip or b"\x00" in data:
            raise Invalid("The file is named .csv but is not text.", field="file", rule="file_type")
        return "csv"
    raise Invalid(
        "Unknown file type {suffix}; upload a .csv or .xlsx file.",
        field="file",
        rule="file_type",
        suffix=suffix or "(none)",
    )


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030, which Excel writes on Chinese Windows."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise Invalid("The CSV file is neither UTF-8 nor GB18030 text.", field="file", rule="encoding") from None


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person sees in it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return str(value).upper()
    if isinstance(value, float):
        # Whole numbers show without ".0"; beyond 15 digits Excel has already lost precision and the
        # exponent form is kept so the owner_id check can say so.
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else str(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value)


def _too_many_rows(limit: int) -> Invalid:
    return Invalid(
        "The file has more than {limit} rows (blank rows included); split it into smaller files.",
        field="file",
        rule="too_many_rows",
        limit=f"{limit:,}",
    )


def _collect(rows: Iterable[Sequence[object]], fmt: str) -> Sheet:
    max_rows = get_settings().import_max_rows
    header: list[str] | None = None
    width = MAX_COLUMNS  # then the header's: a cell under no column name is never read
    kept: list[tuple[int, list[str]]] = []
    for number, cells in enumerate(rows, start=1):
        # Blank rows count too: skipping them uncounted would let millions of them be read for nothing.
        if number > max_rows + 1:
            raise _too_many_rows(max_rows)
        cells = cells[:width]
        if header is not None and cells.count(None) + cells.count("") == len(cells):
            continue  # blank, told cheaply: openpyxl hands over the rows of a gap as tuples of None
        texts = [_cell_text(c) for c in cells] if fmt == "xlsx" else [c.strip() for c in cells]
        if header is None:
            while texts and not texts[-1]:
                texts.pop()  # openpyxl pads a row to the columns asked for
            header, width = texts, len(texts)
            continue
        if not any(texts):
            continue  # blank lines, typically trailing ones in a spreadsheet
        kept.append((number, texts))
    if header is None or not any(header):
        raise Invalid("The file is empty.", field="file", rule="empty_file")
    if not kept:
        raise Invalid("The file has a header row but no data rows.", field="file", rule="empty_file")
    return Sheet(format=fmt, header=header, rows=kept)


_WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_RATIO_FLOOR = 1024 * 1024  # smaller parts cannot cost much whatever their ratio
_CHUNK = 1024 * 1024


def _declared_entries(data: bytes) -> int | None:
    """The entry count the zip's end record declares, read before zipfile parses the whole directory."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end < 0 or end + 12 > len(data):
        return None
    return int.from_bytes(data[end + 10 : end + 12], "little")


def _streamed_parts(archive: zipfile.ZipFile, limit: int) -> set[str]:
    """The worksheets, which openpyxl reads row by row; every other part (shared strings, styles, the
    workbook, [Content_Types].xml itself) it holds in memory whole. Taken from the content types as
    openpyxl takes them, and only under xl/worksheets/, so a relabelled part gains nothing."""
    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return set()
    if info.file_size > limit:
        return set()  # refused below as a part too large
    manifest = Manifest.from_tree(fromstring(archive.read(info)))
    return {
        o.PartName.lstrip("/")
        for o in manifest.Override
        if o.ContentType == _WORKSHEET_TYPE and o.PartName.startswith("/xl/worksheets/")
    }


def check_workbook(data: bytes) -> None:
    """Refuse an XLSX that would make openpyxl do unbounded work, before openpyxl opens it.

    The zip's directory is checked first: entry count, total unpacked size, each part's size (a part
    openpyxl holds whole, such as sharedStrings.xml, has a lower limit than a worksheet) and the
    compression ratio. The sizes there are only claims, so every part is then inflated in chunks and
    counted against the same limits; zipfile stops at the claimed size and a longer stream fails its
    CRC, so no more is ever inflated than was checked. Limits come from the settings (IMPORT_MAX_*).
    """
    settings = get_settings()
    declared = _declared_entries(data)
    if declared is not None and declared > settings.import_max_zip_entries:
        raise _zip_entries(declared, settings.import_max_zip_entries)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > settings.import_max_zip_entries:
                raise _zip_entries(len(members), settings.import_max_zip_entries)
            streamed = _streamed_parts(archive, settings.import_max_part_bytes)
            total = 0
            for member in members:
                total += member.file_size
                _check_part(member, member.file_size, total, member.filename in streamed)
            total = 0
            for member in members:
                inflated = 0
                with archive.open(member) as stream:
                    while chunk := stream.read(_CHUNK):
                        inflated += len(chunk)
                        total += len(chunk)
                        _check_part(member, inflated, total, member.filename in streamed)
    except (zipfile.BadZipFile, zlib.error, KeyError, OSError, ValueError, SyntaxError, NotImplementedError,
            RuntimeError, EOFError, TypeError):
        # A damaged zip, a CRC that does not match, an encrypted or unsupported part, a broken manifest.
        raise _unreadable_workbook() from None


def _check_part(member: zipfile.ZipInfo, size: int, total: int, streamed: bool) -> None:
    settings = get_settings()
    if not streamed and size > settings.import_max_part_bytes:
        raise TooLarge(
            "Part {part} of the workbook unpacks to more than {limit} MB (rule part_size); nothing was imported.",
            field="file",
            rule="part_size",
            part=member.filename,
            limit=settings.import_max_part_bytes // (1024 * 1024),
        )
    if size > _RATIO_FLOOR and size > settings.import_max_compression_ratio * max(member.compress_size, 1):
        raise TooLarge(
            "Part {part} of the workbook is compressed more than {limit} times (rule compression_ratio), as in a "
            "zip bomb; nothing was imported.",
            field="file",
            rule="compression_ratio",
            part=member.filename,
            limit=settings.import_max_compression_ratio,
        )
    if total > settings.import_max_uncompressed_bytes:
        raise TooLarge(
            "The workbook unpacks to more than {limit} MB (rule uncompressed_size); nothing was imported.",
            field="file",
            rule="uncompressed_size",
            limit=settings.import_max_uncompressed_bytes // (1024 * 1024),
        )


def _zip_entries(count: int, limit: int) -> TooLarge:
    return TooLarge(
        "The workbook holds {count} files, more than {limit} (rule zip_entries); nothing was imported.",
        field="file",
        rule="zip_entries",
        count=count,
        limit=limit,
    )


def _unreadable_workbook() -> Invalid:
    return Invalid("The file is named .xlsx but cannot be read as an Excel workbook.", field="file", rule="file_type")


def read_sheet(data: bytes, filename: str) -> Sheet:
    """The cells of a CSV file or of an XLSX workbook's first sheet, as text."""
    fmt = file_format(data, filename)
    if fmt == "csv":
        reader = csv.reader(io.StringIO(_decode(data), newline=""))
        try:
            return _collect(reader, fmt)
        except csv.Error:
            raise Invalid(
                "The CSV file cannot be read near line {line} (an unclosed quote or a very long cell).",
                field="file",
                rule="file_type",
                line=reader.line_num,
            ) from None
    check_workbook(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheet = workbook.worksheets[0]
            # Some programs write a wrong used range; without it openpyxl reads every row there is.
            sheet.reset_dimensions()
            # Columns capped: a cell far right (XFD1) would otherwise widen every row to 16,384 cells.
            return _collect(sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS), fmt)
        finally:
            workbook.close()
    except (zipfile.BadZipFile, KeyError, IndexError, OSError, ValueError, SyntaxError):
        # Not a workbook inside (another zip, a damaged file); SyntaxError covers broken XML.
        raise _unreadable_workbook() from None


# ---------------------------------------------------------------- checking rows


def _header_index(header: list[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    problems: list[Problem] = []
    for position, text in enumerate(header):
        key = HEADER_WORDS.get(_header_word(text))
        if key is None:
            continue  # extra columns (序号, 备注, …) are common and harmless
        if key in index:
            problems.append(Problem(1, key, "The column appears more than once in the header."))
        index.setdefault(key, position)
    missing = [c.key for c in COLUMNS if c.required and c.key not in index]
    problems += [Problem(1, key, "This required column is missing from the header.") for key in missing]
    if missing:
        raise RollRejected(
            problems,
            "The file lacks required columns: {columns}. Nothing was imported.",
            columns=", ".join(f"{key} ({COLUMN_BY_KEY[key].header})" for key in missing),
        )
    if problems:
        raise RollRejected(problems)
    return index


_EXPONENT = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")
_INTEGER = re.compile(r"^[+-]?\d+$")


def _area(text: str, row: int, column: str, problems: list[Problem]) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        problems.append(Problem(row, column, "Not a number: {value}.", {"value": text}))
        return None
    if value <= 0:
        problems.append(Problem(row, column, "An area must be greater than 0."))
        return None
    if value >= AREA_LIMIT:
        problems.append(Problem(row, column, "An area must be less than {limit} m².", {"limit": AREA_LIMIT}))
        return None
    if value != value.quantize(CENT):
        problems.append(Problem(row, column, "An area has at most 2 decimal places: {value}.", {"value": text}))
        return None
    return value.quantize(CENT)


def _floor(text: str, row: int, problems: list[Problem]) -> int | None:
    if not text:
        return None
    if not _INTEGER.match(text):
        problems.append(Problem(row, "floor", "A floor is a whole number: {value}.", {"value": text}))
        return None
    value = int(text)
    low, high = FLOOR_RANGE
    if not low <= value <= high:
        problems.append(Problem(row, "floor", "A floor is between {low} and {high}.", {"low": low, "high": high}))
        return None
    return value


def _check_row(row: int, cells: list[str], index: dict[str, int], problems: list[Problem]) -> RollRow | None:
    before = len(problems)
    size = len(cells)
    value = {key: (cells[i] if i < size else "") for key, i in index.items()}
    for key in TEXT_COLUMNS:
        column = COLUMN_BY_KEY[key]
        text = value.get(key, "")
        if not text and column.required:
            problems.append(Problem(row, key, "A value is required."))
        elif len(text) > column.text_limit:
            problems.append(Problem(row, key, "Longer than {limit} characters.", {"limit": column.text_limit}))
    owner_id = value.get("owner_id", "")
    if _EXPONENT.match(owner_id):
        problems.append(
            Problem(
                row,
                "owner_id",
                "The identity number was turned into a number ({value}) and lost digits; "
                "format the column as text and enter it again.",
                {"value": owner_id},
            )
        )
    kind = KIND_WORDS.get(value.get("kind", "").casefold() or HouseholdKind.resident.value)
    if kind is None:
        problems.append(
            Problem(row, "kind", "Unknown kind {value}; use 居民, 单位 or 开发商未售.", {"value": value["kind"]})
        )
    status = CONTACT_WORDS.get(value.get("contact_status", "").casefold() or ContactStatus.reachable.value)
    if status is None:
        problems.append(
            Problem(
                row,
                "contact_status",
                "Unknown contact status {value}; use 正常 or 失联.",
                {"value": value["contact_status"]},
            )
        )
    floor = _floor(value.get("floor", ""), row, problems)
    areas = [_area(value.get(key, ""), row, key, problems) for key in AREAS]
    if not any(value.get(key) for key in AREAS):
        problems.append(Problem(row, AREAS[0], "At least one of the areas (登记面积, 测绘面积, 合同面积) is required."))
    if len(problems) > before:
        return None
    return RollRow(
        row=row,
        certificate_no=value["certificate_no"],
        holder_names=value["holder_names"],
        owner_key=owner_key(owner_id),
        kind=kind,
        office=value.get("office", ""),
        subdistrict=value.get("subdistrict", ""),
        phone=value.get("phone", ""),
        contact_status=status,
        building=value["building"],
        dwelling=value["dwelling"],
        stairwell=value.get("stairwell", ""),
        floor=floor,
        registered_area=areas[0],
        surveyed_area=areas[1],
        contract_area=areas[2],
    )


def _rows_list(rows: list[int]) -> str:
    shown = ", ".join(str(r) for r in rows[:5])
    return shown + (", …" if len(rows) > 5 else "")


def _repeated(sheet: Sheet, index: dict[str, int], keys: tuple[str, ...], column: str, template: str) -> list[Problem]:
    """Rows that repeat the same value(s) in the file, each naming the other rows."""
    positions = [index[k] for k in keys]
    first: dict[tuple[str, ...], int] = {}
    repeats: dict[tuple[str, ...], list[int]] = {}
    for row, cells in sheet.rows:
        size = len(cells)
        found = tuple([cells[p] if p < size else "" for p in positions])
        if not all(found):
            continue  # a missing value is reported as missing, not as repeated
        earlier = first.setdefault(found, row)
        if earlier != row:
            repeats.setdefault(found, [earlier]).append(row)
    return [
        Problem(row, column, template, {"rows": _rows_list([r for r in rows if r != row])})
        for rows in repeats.values()
        for row in rows
    ]


def check_sheet(sheet: Sheet) -> tuple[list[RollRow], list[Problem]]:
    """Every row checked on its own and against the other rows of the file (not yet the database)."""
    index = _header_index(sheet.header)
    problems: list[Problem] = []
    rows = [r for number, cells in sheet.rows if (r := _check_row(number, cells, index, problems)) is not None]
    problems += _repeated(
        sheet, index, ("certificate_no",), "certificate_no", "The certificate is also on row {rows} of the file."
    )
    problems += _repeated(
        sheet, index, ("building", "dwelling"), "dwelling", "The dwelling is also on row {rows} of the file."
    )
    return rows, problems


def parse_roll(data: bytes, filename: str) -> list[RollRow]:
    """The checked rows of a roll file, or RollRejected naming every bad row (the database is not asked)."""
    rows, problems = check_sheet(read_sheet(data, filename))
    if problems:
        raise RollRejected(problems)
    return rows


# ---------------------------------------------------------------- importing


@dataclass(slots=True)
class _Recorded:
    """What the project's register already holds, read once per import."""

    certificates: set[str]
    buildings: dict[str, int]
    dwellings: dict[tuple[int, str], dict]
    holders: dict[int, str]  # dwelling id -> certificate of the title holding it

    @classmethod
    async def load(cls, project_id: int) -> _Recorded:
        households = await Household.select(Household.certificate_no).where(Household.project == project_id)
        buildings = await Building.select(Building.id, Building.name).where(Building.project == project_id)
        dwellings = await Dwelling.select(
            Dwelling.id, Dwelling.building, Dwelling.number, *(getattr(Dwelling, a) for a in AREAS)
        ).where(Dwelling.project == project_id)
        holdings = await Holding.select(
            Holding.dwelling, Holding.household.certificate_no.as_alias("certificate_no")
        ).where(Holding.dwelling.project == project_id)
        return cls(
            certificates={h["certificate_no"] for h in households},
            buildings={b["name"]: b["id"] for b in buildings},
            dwellings={(d["building"], d["number"]): d for d in dwellings},
            holders={h["dwelling"]: h["certificate_no"] for h in holdings},
        )

    def problems(self, rows: list[RollRow]) -> list[Problem]:
        problems = []
        for r in rows:
            if r.certificate_no in self.certificates:
                problems.append(Problem(r.row, "certificate_no", "The certificate is already on this project's roll."))
            building_id = self.buildings.get(r.building)
            dwelling = self.dwellings.get((building_id, r.dwelling)) if building_id else None
            if dwelling is None:
                continue
            if dwelling["id"] in self.holders:
                problems.append(
                    Problem(
                        r.row,
                        "dwelling",
                        "The dwelling is already held by title {certificate}.",
                        {"certificate": self.holders[dwelling["id"]]},
                    )
                )
            for area in AREAS:
                given, recorded = getattr(r, area), dwelling[area]
                # An import never changes a recorded dwelling, so its areas must agree with the file.
                if given is not None and (recorded is None or Decimal(recorded) != given):
                    problems.append(
                        Problem(
                            r.row,
                            area,
                            "Differs from the area recorded for this dwelling ({recorded}).",
                            {"recorded": "—" if recorded is None else Decimal(recorded).quantize(CENT)},
                        )
                    )
        return problems


async def _insert_many(table: type[Table], columns: Sequence[TableColumn], rows: list[tuple]) -> None:
    """Insert rows with one prepared statement on the current transaction's connection.

    Piccolo's `insert` builds an object per row, about 15 times slower on a 50,000-row roll. The SQL is
    the same on both engines but for the placeholders.
    """
    if not rows:
        return
    db = engine()
    names = ", ".join(f'"{c._meta.db_column_name}"' for c in columns)
    if db.engine_type == "sqlite":
        marks = ", ".join("?" for _ in columns)
    else:
        marks = ", ".join(f"${i}" for i in range(1, len(columns) + 1))
    connection = db.current_transaction.get().connection
    await connection.executemany(f'INSERT INTO "{table._meta.tablename}" ({names}) VALUES ({marks})', rows)


async def _refuse_during_consultation(project_id: int) -> None:
    """An open consultation votes on a roll frozen from this register; adding titles now would make the
    two diverge, so an import waits until it closes (the next round takes the roll as it is then)."""
    rows = await Consultation.select(Consultation.title).where(
        Consultation.project == project_id, Consultation.status == ConsultationStatus.open.value
    ).limit(1)
    if rows:
        raise Conflict(
            "Consultation {title} of this project is open and its roll is frozen (rule frozen_when_open): "
            "an import now would make the register diverge from the roll being voted on. Import after it closes.",
            field="project_id", rule="frozen_when_open", title=rows[0]["title"],
        )


async def import_roll(actor: Actor, project_id: int, data: bytes, filename: str) -> ImportReport:
    """Add a roll file to a project's register: all of it in one transaction, or nothing.

    Buildings and dwellings are matched by building name and dwelling number within the project and
    created when missing; a dwelling already recorded is used as it is, so the areas the file gives
    for it must agree with the recorded ones. Any bad row refuses the whole file with every bad row
    named (RollRejected). One audit record names the file by its SHA-256. While a consultation of the
    project is open the import is refused (409, rule frozen_when_open).
    """
    if not await Project.exists().where(Project.id == project_id):
        raise NotFound("No project {id}.", field="project_id", id=project_id)
    # Checked before reading the file so staff hear it at once, and again in the transaction with the
    # project row locked, which opening a consultation locks too: one waits for the other.
    await _refuse_during_consultation(project_id)
    # Reading and checking is plain CPU work; a thread keeps the event loop serving meanwhile.
    sheet = await anyio.to_thread.run_sync(read_sheet, data, filename)
    rows, problems = await anyio.to_thread.run_sync(check_sheet, sheet)
    async with transaction():
        await lock_project(project_id)
        await _refuse_during_consultation(project_id)
        recorded = await _Recorded.load(project_id)
        problems += recorded.problems(rows)
        if problems:
            raise RollRejected(problems)

        new_buildings = list(dict.fromkeys(r.building for r in rows if r.building not in recorded.buildings))
        await _insert_many(Building, (Building.project, Building.name), [(project_id, n) for n in new_buildings])
        building_ids = {
            b["name"]: b["id"]
            for b in await Building.select(Building.id, Building.name).where(Building.project == project_id)
        }

        new_dwellings = [r for r in rows if (building_ids[r.building], r.dwelling) not in recorded.dwellings]
        await _insert_many(
            Dwelling,
            (
                Dwelling.project,
                Dwelling.building,
                Dwelling.number,
                Dwelling.stairwell,
                Dwelling.floor,
                Dwelling.registered_area,
                Dwelling.surveyed_area,
                Dwelling.contract_area,
            ),
            [
                (
                    project_id,
                    building_ids[r.building],
                    r.dwelling,
                    r.stairwell,
                    r.floor,
                    r.registered_area,
                    r.surveyed_area,
                    r.contract_area,
                )
                for r in new_dwellings
            ],
        )
        dwelling_ids = {
            (d["building"], d["number"]): d["id"]
            for d in await Dwelling.select(Dwelling.id, Dwelling.building, Dwelling.number).where(
                Dwelling.project == project_id
            )
        }

        now = clock.now()
        await _insert_many(
            Household,
            (
                Household.project,
                Household.certificate_no,
                Household.holder_names,
                Household.owner_key,
                Household.kind,
                Household.office,
                Household.subdistrict,
                Household.phone,
                Household.contact_status,
                Household.strategy,
                Household.created_at,
            ),
            [
                (
                    project_id,
                    r.certificate_no,
                    r.holder_names,
                    r.owner_key,
                    r.kind.value,
                    r.office,
                    r.subdistrict,
                    r.phone,
                    r.contact_status.value,
                    "",
                    now,
                )
                for r in rows
            ],
        )
        household_ids = {
            h["certificate_no"]: h["id"]
            for h in await Household.select(Household.id, Household.certificate_no).where(
                Household.project == project_id
            )
        }
        await _insert_many(
            Holding,
            (Holding.household, Holding.dwelling),
            [(household_ids[r.certificate_no], dwelling_ids[(building_ids[r.building], r.dwelling)]) for r in rows],
        )

        report = ImportReport(
            imported=len(rows), buildings_created=len(new_buildings), dwellings_created=len(new_dwellings)
        )
        await audit.record(
            actor,
            "roll.import",
            "project",
            project_id,
            {
                "file": filename,
                "sha256": hashlib.sha256(data).hexdigest(),
                "format": sheet.format,
                **msgspec.structs.asdict(report),
            },
        )
    return report


# ---------------------------------------------------------------- exporting and writing


def _plain(value: object) -> object:
    if isinstance(value, HouseholdKind):
        return KIND_LABELS[value]
    if isinstance(value, ContactStatus):
        return CONTACT_LABELS[value]
    return value


def roll_csv(records: Iterable[Mapping[str, object]]) -> bytes:
    """Records (keyed by column key, owner_id included) as an importable CSV roll with Chinese headers.

    Input for an import (the demo, the bench), not an export: the text is written as it is, unquoted.
    """
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in COLUMNS])
    for record in records:
        writer.writerow(["" if (v := record.get(c.key)) is None else _plain(v) for c in COLUMNS])
    return out.getvalue().encode("utf-8-sig")


async def _export_rows(project_id: int) -> list[list[object]]:
    """One row per holding, and one with empty dwelling columns for a household without dwellings."""
    households = await (
        Household.select(
            Household.id,
            Household.certificate_no,
            Household.holder_names,
            Household.kind,
            Household.office,
            Household.subdistrict,
            Household.phone,
            Household.contact_status,
        )
        .where(Household.project == project_id)
        .order_by(Household.id)
    )
    holdings = await Holding.select(
        Holding.household,
        Holding.dwelling.building.name.as_alias("building"),
        Holding.dwelling.number.as_alias("dwelling"),
        Holding.dwelling.stairwell.as_alias("stairwell"),
        Holding.dwelling.floor.as_alias("floor"),
        *(getattr(Holding.dwelling, a).as_alias(a) for a in AREAS),
    ).where(Holding.household.project == project_id)
    by_household: dict[int, list[dict]] = defaultdict(list)
    for h in holdings:
        by_household[h["household"]].append(h)
    rows = []
    for h in households:
        fixed = [
            h["certificate_no"],
            h["holder_names"],
            KIND_LABELS[HouseholdKind(h["kind"])],
            h["office"],
            h["subdistrict"],
            h["phone"],
            CONTACT_LABELS[ContactStatus(h["contact_status"])],
        ]
        held = sorted(by_household[h["id"]], key=lambda d: (d["building"], d["dwelling"]))
        for d in held or [None]:
            if d is None:
                rows.append([*fixed, "", "", "", None, None, None, None])
                continue
            rows.append(
                [
                    *fixed,
                    d["building"],
                    d["dwelling"],
                    d["stairwell"],
                    None if d["floor"] is None else int(d["floor"]),
                    *(None if d[a] is None else Decimal(d[a]).quantize(CENT) for a in AREAS),
                ]
            )
    return rows


def _write_csv(rows: list[list[object]]) -> bytes:
    return write_csv([c.header for c in EXPORT_COLUMNS], rows)


def _write_xlsx(rows: list[list[object]]) -> bytes:
    widths = [24 if c.text_limit and c.text_limit > 40 else 12 for c in EXPORT_COLUMNS]
    return write_xlsx(ExportSheet("权证清单", [c.header for c in EXPORT_COLUMNS], rows, widths))


async def export_roll(project_id: int, fmt: str) -> bytes:
    """The project's roll as CSV (UTF-8 with BOM, so Excel shows Chinese) or XLSX, Chinese headers.

    Not re-importable as it is: the owner's identity number is not stored (only a keyed hash that
    cannot be turned back), so the owner_id column is left out rather than filled with something an
    import would take for an identity number. Households are read in two queries whatever their number.
    """
    writers = {"csv": _write_csv, "xlsx": _write_xlsx}
    if fmt not in writers:
        raise Invalid("Unknown export format {fmt}; use csv or xlsx.", field="fmt", fmt=fmt)
    if not await Project.exists().where(Project.id == project_id):
        raise NotFound("No project {id}.", field="project_id", id=project_id)
    rows = await _export_rows(project_id)
    return await anyio.to_thread.run_sync(writers[fmt], rows)
