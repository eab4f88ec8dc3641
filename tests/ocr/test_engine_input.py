"""What the engine hands pytesseract: the same pixels, in a file type written without compression."""

from __future__ import annotations

import numpy as np

from docscreen.ocr.engine import _uncompressed


def test_colour_page_goes_as_rgb_ppm_with_the_same_pixels() -> None:
    bgr = np.zeros((20, 30, 3), dtype=np.uint8)
    bgr[..., 0] = 10  # blue
    bgr[..., 2] = 200  # red
    pil = _uncompressed(bgr)
    assert pil.format == "PPM"
    assert pil.mode == "RGB"
    assert np.array_equal(np.asarray(pil), bgr[:, :, ::-1])


def test_grey_crop_stays_grey() -> None:
    grey = np.arange(600, dtype=np.uint8).reshape(20, 30)
    pil = _uncompressed(grey)
    assert pil.format == "PPM" and pil.mode == "L"
    assert np.array_equal(np.asarray(pil), grey)
