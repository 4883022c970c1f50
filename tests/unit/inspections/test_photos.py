"""Photos are judged by their bytes, not their names; thumbnails are small JPEGs."""

import io

import pytest
from PIL import Image

from inspections import photos


def image(fmt: str, size=(1200, 900)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 20, 30)).save(out, format=fmt)
    return out.getvalue()


def test_sniff_by_content():
    assert photos.sniff(image("JPEG")) == "image/jpeg"
    assert photos.sniff(image("PNG")) == "image/png"
    assert photos.sniff(image("GIF")) is None
    assert photos.sniff(b"<svg xmlns='http://www.w3.org/2000/svg'/>") is None


async def test_store_makes_a_thumbnail_and_refuses_what_is_not_an_image():
    stored = await photos.store(image("PNG"))
    thumb = Image.open(io.BytesIO(photos.read(stored.thumb_path)))
    assert thumb.format == "JPEG" and max(thumb.size) <= max(photos.THUMB_SIZE)
    assert stored.content_type == "image/png" and len(stored.sha256) == 64
    with pytest.raises(photos.NotAnImage):
        await photos.store(b"\x89PNG\r\n\x1a\n" + b"\0" * 50)
    with pytest.raises(photos.NotAnImage):
        await photos.store(image("GIF"))


async def test_too_large_is_413(monkeypatch):
    monkeypatch.setattr(photos, "max_photo_bytes", lambda: 10)
    with pytest.raises(photos.PhotoTooLarge) as refused:
        await photos.store(image("JPEG"))
    assert refused.value.status_code == 413
