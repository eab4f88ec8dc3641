"""OCR engines: the :class:`OcrEngine` protocol, tesseract, and a scripted fake for tests."""

from docscreen.ocr.engine import (
    FakeEngine,
    OcrEngine,
    OcrOptions,
    OcrStats,
    TesseractEngine,
    Word,
    words_from_lines,
)

__all__ = [
    "FakeEngine",
    "OcrEngine",
    "OcrOptions",
    "OcrStats",
    "TesseractEngine",
    "Word",
    "words_from_lines",
]
