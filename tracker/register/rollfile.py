"""A roll file (the register of title certificates, 权证) as CSV or XLSX: its columns, reading it within
bounds and checking every row, without the database (what the register already holds is checked by
`services.roll_import`)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import PurePath

import msgspec
import openpyxl
from openpyxl.packaging.manifest import Manifest
from openpyxl.xml.functions import fromstring

from tracker.errors import Invalid, TooLarge
from tracker.register.kinds import ContactStatus, HouseholdKind
from tracker.register.rules import owner_key
from tracker.settings import get_settings

MAX_COLUMNS = 100  # read from a file; a roll has 15, and other columns (序号, 备注, …) are ignored anyway
OWNER_ID_LENGTH = 64  # as HouseholdIn accepts it
AREA_LIMIT = Decimal(100000)  # as the Area schema accepts it
FLOOR_RANGE = (-10, 200)  # as DwellingIn accepts it
CENT = Decimal("0.01")
# The lengths of the register's text columns (tracker/register/tables.py; a unit test holds them equal).
TEXT_LIMITS = {
    "certificate_no": 80, "holder_names": 255, "office": 80, "subdistrict": 80, "phone": 40,
    "building": 80, "dwelling": 40, "stairwell": 20,
}


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    header: str  # written on export, accepted on import beside the key and the aliases
    required: bool = False
    aliases: tuple[str, ...] = ()
    text_limit: int | None = None  # the database column's length, for text columns


COLUMNS: tuple[Column, ...] = (
    Column("certificate_no", "权证号", True, ("产证号", "房地产权证号", "不动产权证号"), TEXT_LIMITS["certificate_no"]),
    Column("holder_names", "权利人", True, ("产权人",), TEXT_LIMITS["holder_names"]),
    Column(
        "owner_id", "身份证号/统一社会信用代码", True, ("身份证号", "统一社会信用代码", "证件号码"), OWNER_ID_LENGTH
    ),
    Column("kind", "类型"),
    Column("office", "征收事务所", text_limit=TEXT_LIMITS["office"]),
    Column("subdistrict", "街道", text_limit=TEXT_LIMITS["subdistrict"]),
    Column("phone", "电话", aliases=("联系电话",), text_limit=TEXT_LIMITS["phone"]),
    Column("contact_status", "联系状态"),
    Column("building", "楼号", True, text_limit=TEXT_LIMITS["building"]),
    Column("dwelling", "房号", True, ("室号",), TEXT_LIMITS["dwelling"]),
    Column("stairwell", "单元", text_limit=TEXT_LIMITS["stairwell"]),
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


# ---------------------------------------------------------------- writing a roll to import


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

