"""A picture made safe to keep: decoded with Pillow (what is not an image is refused), bounded in
pixels, turned upright, and re-encoded as a fresh JPEG that carries no EXIF or other metadata (the
GPS position of whoever took it), with a thumbnail for the issue page."""

from __future__ import annotations

import io
import warnings
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

LARGEST_SIDE = 2048  # enough to read a meter or a sign; more is only bytes
THUMB_SIDE = 240
QUALITY = 85


class NotAPicture(ValueError):
    """The bytes are not an image louwu will keep; the message says why, in Chinese for the timeline."""


def cleaned(data: bytes, max_pixels: int) -> tuple[bytes, bytes]:
    """The picture as a metadata-free JPEG, and its thumbnail."""
    # Pillow only once a picture comes: a serving process that never sees one need not hold it.
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                size = probe.size
                if size[0] * size[1] > max_pixels:
                    raise NotAPicture(f"图片太大（{size[0]}×{size[1]} 像素）")
                probe.verify()  # a truncated or forged file stops here, before decoding
            with Image.open(io.BytesIO(data)) as img:
                img.load()
                upright = ImageOps.exif_transpose(img).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning) as exc:
        if isinstance(exc, NotAPicture):
            raise
        raise NotAPicture("不是能打开的图片") from None
    # Pixels only, into a new image: no info, EXIF, XMP or ICC profile comes along.
    clean = Image.frombytes("RGB", upright.size, upright.tobytes())
    clean.thumbnail((LARGEST_SIDE, LARGEST_SIDE))
    thumb = clean.copy()
    thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
    return _jpeg(clean), _jpeg(thumb)


def _jpeg(img: Image.Image) -> bytes:
    out = io.BytesIO()
    img.save(out, "JPEG", quality=QUALITY, optimize=True)
    return out.getvalue()
