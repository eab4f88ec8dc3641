"""Pages of multi-page inputs: PDF pages rendered with pypdfium2, and multi-page TIFF frames.

Both are bounded before any pixel is produced: the page count against ``MAX_PDF_PAGES`` and each
page's rendered size (from the page box and the render resolution) against the same pixel and side
limits that :func:`docscreen.imaging.load.load_image` enforces, so a PDF declaring a 5 m x 5 m page
is refused instead of allocating gigabytes.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from PIL import Image

from docscreen import settings
from docscreen.errors import (
    CorruptImageError,
    ImageTooLargeError,
    UnreadableFileError,
    UnsupportedFormatError,
)
from docscreen.imaging.load import (
    LoadedImage,
    _check_dimensions,
    _read_bytes,
    load_image,
    sniff_format,
)

_POINTS_PER_INCH = 72.0


def _too_many_pages(label: str, count: int) -> ImageTooLargeError:
    limit = settings.MAX_PDF_PAGES.get()
    return ImageTooLargeError(f"{label}: has {count} pages, the limit is {limit}")


def pdf_page_count(data: bytes, *, name: str = "<pdf>") -> int:
    """Number of pages of a PDF (opens the document but renders nothing)."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise CorruptImageError(f"{name}: PDF cannot be opened ({exc})") from exc
    try:
        return len(doc)
    finally:
        doc.close()


def iter_pdf_pages(
    source: str | Path | bytes, *, name: str | None = None, dpi: float | None = None
) -> Iterator[LoadedImage]:
    """Render each page of a PDF (lazily, one at a time) as a BGR :class:`LoadedImage`.

    ``page`` is the 0-based page index; ``sha256`` is the digest of the whole PDF file, so every
    page of one file carries the same content hash.
    """
    import hashlib

    import pypdfium2 as pdfium

    data, label = _read_bytes(source, name)
    if not data:
        raise UnreadableFileError(f"{label}: file is empty (0 bytes)")
    if sniff_format(data) != "pdf":
        raise UnsupportedFormatError(f"{label}: is not a PDF (judged by content)")
    render_dpi = dpi if dpi is not None else settings.PDF_RENDER_DPI.get()
    scale = render_dpi / _POINTS_PER_INCH
    digest = hashlib.sha256(data).hexdigest()
    try:
        doc = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise CorruptImageError(f"{label}: PDF cannot be opened ({exc})") from exc
    try:
        count = len(doc)
        if count == 0:
            raise CorruptImageError(f"{label}: PDF has no pages")
        if count > settings.MAX_PDF_PAGES.get():
            raise _too_many_pages(label, count)
        for index in range(count):
            page = doc[index]
            try:
                width_pt, height_pt = page.get_size()
                width = round(width_pt * scale)
                height = round(height_pt * scale)
                _check_dimensions(width, height, f"{label} page {index + 1}")
                bitmap = page.render(scale=scale)
                try:
                    rgb = np.asarray(bitmap.to_pil().convert("RGB"), dtype=np.uint8)
                finally:
                    bitmap.close()
            except pdfium.PdfiumError as exc:
                raise CorruptImageError(
                    f"{label}: page {index + 1} cannot be rendered ({exc})"
                ) from exc
            finally:
                page.close()
            yield LoadedImage(
                pixels=np.ascontiguousarray(rgb[:, :, ::-1]),
                format="pdf",
                sha256=digest,
                exif_rotated=False,
                name=label,
                page=index,
            )
    finally:
        doc.close()


def load_pdf_pages(
    source: str | Path | bytes, *, name: str | None = None, dpi: float | None = None
) -> list[LoadedImage]:
    """All pages of a PDF (see :func:`iter_pdf_pages`)."""
    return list(iter_pdf_pages(source, name=name, dpi=dpi))


def tiff_frame_count(data: bytes, *, name: str = "<tiff>") -> int:
    """Number of frames (pages) of a TIFF, read from its IFD chain without decoding pixels."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as img:
                return int(getattr(img, "n_frames", 1))
        except (OSError, ValueError, SyntaxError, EOFError) as exc:
            raise CorruptImageError(f"{name}: TIFF data is corrupt or truncated ({exc})") from exc


def iter_pages(source: str | Path | bytes, *, name: str | None = None) -> Iterator[LoadedImage]:
    """Every page of one input file: the pages of a PDF or multi-page TIFF, else the one image.

    File-level problems (empty, not an image, corrupt, too large, too many pages) raise an
    :class:`~docscreen.errors.InputError` subclass naming the file.
    """
    data, label = _read_bytes(source, name)
    if not data:
        raise UnreadableFileError(f"{label}: file is empty (0 bytes)")
    fmt = sniff_format(data)
    if fmt == "pdf":
        yield from iter_pdf_pages(data, name=label)
        return
    if fmt == "tiff":
        count = tiff_frame_count(data, name=label)
        if count > settings.MAX_PDF_PAGES.get():
            raise _too_many_pages(label, count)
        for index in range(count):
            yield load_image(data, name=label, page=index)
        return
    yield load_image(data, name=label)
