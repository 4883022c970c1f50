"""Workbooks that cost far more to read than to send, built in memory: zip and shared-strings bombs, a
part whose directory entry understates its size, too many entries. Used by the import tests and by
bench/import_bomb.py."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import openpyxl
import pytest

from tracker.settings import get_settings

HEADER = ["权证号", "权利人", "身份证号/统一社会信用代码", "楼号", "房号", "登记面积"]
SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
CHUNK = 1024 * 1024


@pytest.fixture
def import_limits():
    """Set IMPORT_MAX_* limits for one test (import it into a test module to use it); the environment
    is restored and the settings cache emptied before any other fixture is torn down."""
    with pytest.MonkeyPatch.context() as patch:

        def apply(**values: int) -> None:
            for name, value in values.items():
                patch.setenv(name, str(value))
            get_settings.cache_clear()

        yield apply
    get_settings.cache_clear()


def workbook(rows: list[list[object]] | None = None) -> bytes:
    """A real roll workbook, as openpyxl writes it (inline strings, no shared-strings part)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows if rows is not None else [["B-1", "张三", "310104196001010011", "5号楼", "101", 80.5]]:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def far_row(row: int = 1_048_576) -> bytes:
    """A roll workbook with one more cell in the sheet's last row: openpyxl yields every row between."""
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(["B-1", "张三", "310104196001010011", "5号楼", "101", 80.5])
    book.active.cell(row=row, column=1, value="x")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def repeated(pattern: bytes, size: int, head: bytes = b"", tail: bytes = b"") -> Iterator[bytes]:
    """`head`, then `pattern` repeated to about `size` bytes, then `tail`, in chunks of about 1 MB."""
    yield head
    chunk = pattern * max(1, CHUNK // len(pattern))
    written = 0
    while written < size:
        yield chunk
        written += len(chunk)
    yield tail


def with_part(xlsx: bytes, name: str, content: Iterator[bytes], content_type: str | None = None) -> bytes:
    """The workbook with part `name` added (or replaced) from streamed content, declared in
    [Content_Types].xml when a content type is given, as Excel declares it."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename == name:
                continue
            data = source.read(info)
            if info.filename == "[Content_Types].xml" and content_type:
                override = f'<Override PartName="/{name}" ContentType="{content_type}"/></Types>'
                data = data.replace(b"</Types>", override.encode())
            target.writestr(info.filename, data)
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with target.open(info, "w") as stream:
            for chunk in content:
                stream.write(chunk)
    return out.getvalue()


def shared_strings_bomb(size: int) -> bytes:
    """A small workbook whose sharedStrings.xml holds about `size` bytes of empty strings."""
    head = b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    return with_part(
        workbook(), "xl/sharedStrings.xml", repeated(b"<si><t></t></si>", size, head, b"</sst>"), SHARED_STRINGS_TYPE
    )


def zero_filled(name: str, size: int) -> bytes:
    """A workbook with `size` zero bytes in part `name`: deflate packs them about a thousand times."""
    return with_part(workbook(), name, repeated(b"\0", size))


def many_entries(count: int) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        for i in range(count):
            target.writestr(f"xl/media/empty{i}.bin", b"")
    return out.getvalue()


def understated(xlsx: bytes, name: str, claimed: int) -> bytes:
    """The workbook with part `name`'s sizes in the central directory and the local header set to
    `claimed`: the directory lies and the stream inflates to more."""
    data = bytearray(xlsx)
    encoded = name.encode()
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = int.from_bytes(data[central + 28 : central + 30], "little")
        if bytes(data[central + 46 : central + 46 + name_length]) == encoded:
            data[central + 24 : central + 28] = claimed.to_bytes(4, "little")
            local = int.from_bytes(data[central + 42 : central + 46], "little")
            data[local + 22 : local + 26] = claimed.to_bytes(4, "little")
            return bytes(data)
        central = data.find(b"PK\x01\x02", central + 4)
    raise KeyError(name)
