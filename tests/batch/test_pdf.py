from __future__ import annotations

import io

import pytest
from PIL import Image

from docscreen.errors import CorruptImageError, ImageTooLargeError, UnsupportedFormatError
from docscreen.imaging.pdf import iter_pages, load_pdf_pages, pdf_page_count, tiff_frame_count

from .helpers import multipage, png_bytes


def test_pdf_pages_are_rendered_at_the_configured_dpi() -> None:
    data = multipage(1, 3, "PDF")
    assert pdf_page_count(data) == 3
    pages = load_pdf_pages(data, name="scan.pdf", dpi=144)
    assert [p.page for p in pages] == [0, 1, 2]
    assert {p.sha256 for p in pages} == {pages[0].sha256}
    # Pillow writes 20 px at 72 dpi (20 pt); at 144 dpi that is 40 px.
    assert pages[0].size == (40, 40)
    assert pages[0].pixels.dtype.name == "uint8" and pages[0].pixels.shape[2] == 3


def test_pdf_page_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCSCREEN_MAX_PDF_PAGES", "2")
    with pytest.raises(ImageTooLargeError, match="3 pages"):
        load_pdf_pages(multipage(1, 3, "PDF"), name="long.pdf")


def test_pdf_pixel_limit_is_checked_before_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    big = Image.new("RGB", (4000, 4000), (255, 255, 255))
    buf = io.BytesIO()
    big.save(buf, format="PDF", resolution=10)  # a 400-inch page
    monkeypatch.setenv("DOCSCREEN_MAX_IMAGE_PIXELS", "1000000")
    with pytest.raises(ImageTooLargeError, match="page 1"):
        load_pdf_pages(buf.getvalue(), name="huge.pdf", dpi=72)


def test_corrupt_pdf() -> None:
    with pytest.raises(CorruptImageError):
        load_pdf_pages(b"%PDF-1.4\nnot really a pdf", name="bad.pdf")


def test_multipage_tiff_and_single_images() -> None:
    tiff = multipage(2, 4, "TIFF")
    assert tiff_frame_count(tiff) == 4
    pages = list(iter_pages(tiff, name="scan.tif"))
    assert len(pages) == 4
    assert pages[1].pixels.tolist() != pages[2].pixels.tolist()
    assert len(list(iter_pages(png_bytes(3), name="a.png"))) == 1
    with pytest.raises(UnsupportedFormatError):
        list(iter_pages(b"hello", name="notes.txt"))


def test_tiff_page_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCSCREEN_MAX_PDF_PAGES", "3")
    with pytest.raises(ImageTooLargeError):
        list(iter_pages(multipage(2, 4, "TIFF"), name="scan.tif"))
