"""Suspect regions drawn on a downscaled copy of an upload, in memory only (never written)."""

from __future__ import annotations

import base64
import io
import warnings
from collections.abc import Sequence

from PIL import Image, ImageDraw, ImageOps

from docscreen.models import Box

_COLOURS = {"CRITICAL": (200, 0, 0), "HIGH": (220, 60, 0), "MEDIUM": (230, 150, 0)}
_DEFAULT_COLOUR = (0, 90, 200)


def outlined_png(data: bytes, boxes: Sequence[tuple[Box, str]], max_side: int = 900) -> bytes:
    """PNG of the image (EXIF-oriented, longest side <= ``max_side``) with ``boxes`` outlined.

    Boxes are in the full-size, EXIF-oriented image's pixels, as findings report them.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        with Image.open(io.BytesIO(data)) as src:
            img = ImageOps.exif_transpose(src).convert("RGB")
    scale = min(1.0, max_side / max(img.size))
    if scale < 1.0:
        img = img.resize((max(1, round(img.width * scale)), max(1, round(img.height * scale))))
    draw = ImageDraw.Draw(img)
    width = max(2, round(max(img.size) / 250))
    for (x, y, w, h), severity in boxes:
        colour = _COLOURS.get(severity, _DEFAULT_COLOUR)
        x0, y0 = x * scale, y * scale
        draw.rectangle((x0, y0, x0 + w * scale, y0 + h * scale), outline=colour, width=width)
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=False)
    return out.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()
