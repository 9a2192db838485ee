"""Small real phone photos, made by Pillow and pillow-heif while the test runs (no file kept in the repository)."""

from __future__ import annotations

import io

import pillow_heif
from PIL import Image

pillow_heif.register_heif_opener()


def photo(image_format: str, size: tuple[int, int] = (48, 32)) -> bytes:
    """A photo of ``size`` pixels in ``image_format`` ("HEIF" writes HEVC-coded HEIC, as phones do; "WEBP"...)."""
    drawn = io.BytesIO()
    picture = Image.new("RGB", size, (200, 40, 30))
    picture.paste((20, 90, 200), (0, 0, size[0] // 2, size[1]))  # two halves: not a blank
    picture.save(drawn, format=image_format)
    return drawn.getvalue()
