"""Safe decoding of untrusted image bytes.

The format is judged by content (magic bytes), never by file name.  Dimensions are read from the
header before any pixel is decoded, so a decompression bomb is refused without allocating it.
EXIF orientation is applied so every later stage sees the document the way a person would.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageOps, UnidentifiedImageError

from docscreen import settings
from docscreen.errors import (
    CorruptImageError,
    ImageTooLargeError,
    UnreadableFileError,
    UnsupportedFormatError,
)

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"BM", "bmp"),
    (b"%PDF-", "pdf"),
)


def sniff_format(data: bytes) -> str | None:
    """Return ``jpeg|png|tiff|bmp|webp|pdf`` from the leading bytes, or None."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None


@dataclass(frozen=True)
class LoadedImage:
    """A decoded image (BGR uint8, EXIF orientation applied) with its provenance."""

    pixels: NDArray[np.uint8]
    format: str
    sha256: str
    exif_rotated: bool
    name: str
    page: int | None = None

    @property
    def size(self) -> tuple[int, int]:
        return int(self.pixels.shape[1]), int(self.pixels.shape[0])


def _read_bytes(source: str | Path | bytes, name: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, name or "<bytes>"
    path = Path(source)
    label = name or str(path)
    limit = settings.MAX_FILE_BYTES.get()
    try:
        size = path.stat().st_size
        if size > limit:
            raise ImageTooLargeError(f"{label}: file is {size} bytes, the limit is {limit}")
        with path.open("rb") as fh:
            return fh.read(), label
    except IsADirectoryError as exc:
        raise UnreadableFileError(f"{label}: is a directory, not a file") from exc
    except FileNotFoundError as exc:
        raise UnreadableFileError(f"{label}: no such file") from exc
    except PermissionError as exc:
        raise UnreadableFileError(f"{label}: permission denied") from exc
    except OSError as exc:
        raise UnreadableFileError(f"{label}: cannot read ({exc.strerror or exc})") from exc


def _check_dimensions(width: int, height: int, label: str) -> None:
    max_side = settings.MAX_IMAGE_SIDE.get()
    max_pixels = settings.MAX_IMAGE_PIXELS.get()
    if width <= 0 or height <= 0:
        raise CorruptImageError(f"{label}: image has no pixels ({width}x{height})")
    if width > max_side or height > max_side:
        raise ImageTooLargeError(
            f"{label}: image is {width}x{height} pixels, the largest side allowed is {max_side}"
        )
    if width * height > max_pixels:
        raise ImageTooLargeError(
            f"{label}: image is {width}x{height} = {width * height} pixels, "
            f"the limit is {max_pixels}"
        )


def load_image(
    source: str | Path | bytes, *, name: str | None = None, page: int = 0
) -> LoadedImage:
    """Decode one image (or one page of a multi-page TIFF) safely.

    Raises an :class:`~docscreen.errors.InputError` subclass naming the file and the problem.
    PDF pages are rendered by :func:`docscreen.imaging.pdf.load_pdf_pages` instead.
    """
    data, label = _read_bytes(source, name)
    if not data:
        raise UnreadableFileError(f"{label}: file is empty (0 bytes)")
    fmt = sniff_format(data)
    if fmt is None:
        raise UnsupportedFormatError(
            f"{label}: not a supported image (JPEG, PNG, TIFF, BMP, WebP or PDF by content)"
        )
    if fmt == "pdf":
        raise UnsupportedFormatError(f"{label}: is a PDF; use load_pdf_pages for PDF input")
    digest = hashlib.sha256(data).hexdigest()
    with warnings.catch_warnings():
        # Pillow's own bomb warning becomes our error below; never let it print.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data))
            _check_dimensions(img.width, img.height, label)
            if page:
                img.seek(page)
                _check_dimensions(img.width, img.height, label)
            img.load()
        except (ImageTooLargeError, CorruptImageError):
            raise
        except Image.DecompressionBombError as exc:
            raise ImageTooLargeError(f"{label}: image is too large to decode safely") from exc
        except EOFError as exc:
            raise CorruptImageError(f"{label}: has no page {page}") from exc
        except UnidentifiedImageError as exc:
            # Pillow's message names the in-memory buffer (with its address): not useful, not stable.
            raise CorruptImageError(f"{label}: {fmt.upper()} data cannot be decoded") from exc
        except (OSError, ValueError, SyntaxError) as exc:
            raise CorruptImageError(
                f"{label}: {fmt.upper()} data is corrupt or truncated ({exc})"
            ) from exc
        try:
            oriented = ImageOps.exif_transpose(img)
        except (OSError, ValueError, KeyError, TypeError):
            oriented = img  # a broken EXIF block is not a reason to refuse the picture
    exif_rotated = (oriented is not img and oriented.size != img.size) or _has_rotation(img)
    rgb = oriented.convert("RGB")
    arr = np.asarray(rgb, dtype=np.uint8)[:, :, ::-1]
    return LoadedImage(
        pixels=np.ascontiguousarray(arr),
        format=fmt,
        sha256=digest,
        exif_rotated=exif_rotated,
        name=label,
        page=page if page else None,
    )


def _has_rotation(img: Image.Image) -> bool:
    try:
        return int(img.getexif().get(0x0112, 1)) not in (0, 1)
    except (OSError, ValueError, TypeError):
        return False
