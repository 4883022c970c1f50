"""Photo storage: JPEG/PNG checked by content, kept under var/uploads, thumbnails made off the event loop."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from tracker.errors import DomainError
from tracker.settings import get_settings

THUMB_SIZE = (480, 480)
SIGNATURES = {b"\xff\xd8\xff": "image/jpeg", b"\x89PNG\r\n\x1a\n": "image/png"}
SUFFIX = {"image/jpeg": ".jpg", "image/png": ".png"}


class PhotoTooLarge(DomainError):
    status_code = 413
    title = "Payload too large"


class NotAnImage(DomainError):
    status_code = 415
    title = "Unsupported media type"


@dataclass(frozen=True)
class Stored:
    content_type: str
    size: int
    sha256: str
    path: str  # relative to the uploads folder
    thumb_path: str


def uploads_dir() -> Path:
    return get_settings().var_dir / "uploads" / "inspections"


def max_photo_bytes() -> int:
    return get_settings().max_upload_bytes


def sniff(data: bytes) -> str | None:
    """The content type judged from the bytes themselves, never from a file name."""
    for signature, content_type in SIGNATURES.items():
        if data.startswith(signature):
            return content_type
    return None


def _decode_and_thumb(data: bytes, content_type: str) -> bytes:
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image = ImageOps.exif_transpose(image)
            image.thumbnail(THUMB_SIZE)
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=80)
            return out.getvalue()
    except Exception as exc:  # Pillow raises many kinds for a broken file
        raise NotAnImage("The file is not a readable JPEG or PNG image.", field="file") from exc


def _write(relative: str, data: bytes) -> None:
    path = uploads_dir() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)


async def store(data: bytes) -> Stored:
    """Check and keep one uploaded photo and its thumbnail; content-addressed, so re-uploads cost nothing."""
    limit = max_photo_bytes()
    if len(data) > limit:
        raise PhotoTooLarge(
            "The photo is {size} bytes; the limit is {limit} bytes.", field="file", size=len(data), limit=limit
        )
    content_type = sniff(data)
    if content_type is None:
        raise NotAnImage("Only JPEG and PNG photos are accepted.", field="file")
    thumb = await asyncio.to_thread(_decode_and_thumb, data, content_type)
    digest = hashlib.sha256(data).hexdigest()
    relative = f"{digest[:2]}/{digest}{SUFFIX[content_type]}"
    thumb_relative = f"{digest[:2]}/{digest}.thumb.jpg"
    await asyncio.to_thread(_write, relative, data)
    await asyncio.to_thread(_write, thumb_relative, thumb)
    return Stored(content_type, len(data), digest, relative, thumb_relative)


def read(relative: str) -> bytes:
    return (uploads_dir() / relative).read_bytes()


async def thumb_data_uri(relative: str) -> str:
    """A thumbnail inlined for a frozen document snapshot, so the printed notice never loses its photos."""
    try:
        data = await asyncio.to_thread(read, relative)
    except FileNotFoundError:
        return ""
    return "data:image/jpeg;base64," + base64.b64encode(data).decode()
