"""The OCR layer: tesseract word boxes, the timeout mapping, and the scripted fake."""

from __future__ import annotations

import os

import cv2
import numpy as np
import pytest

from docscreen.errors import OcrCrashError, OcrError, OcrTimeoutError
from docscreen.ocr import engine as engine_mod
from docscreen.ocr.engine import (
    FakeEngine,
    OcrOptions,
    TesseractEngine,
    Word,
    parse_image_to_data,
    words_from_lines,
)


def test_tesseract_reads_words_with_boxes_single_threaded() -> None:
    img = np.full((80, 420, 3), 255, np.uint8)
    cv2.putText(img, "BERLAKU HINGGA", (10, 55), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 2)
    eng = TesseractEngine(timeout_s=20)
    words = eng.words(img, OcrOptions(psm=7))
    texts = [w.text.upper() for w in words]
    assert "BERLAKU" in texts and "HINGGA" in texts
    berlaku = words[texts.index("BERLAKU")]
    assert 0 <= berlaku.box[0] < 60 and berlaku.box[2] > 50
    assert 0 < berlaku.confidence <= 1
    assert os.environ["OMP_THREAD_LIMIT"] == "1"
    assert eng.stats.calls == 1 and eng.stats.seconds > 0


def test_timeout_becomes_ocr_timeout_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    def boom(*args: object, **kwargs: object) -> None:
        assert kwargs["timeout"] == 0.5
        raise RuntimeError("Tesseract process timeout")

    monkeypatch.setattr(pytesseract, "image_to_data", boom)
    eng = TesseractEngine(timeout_s=0.5)
    with pytest.raises(OcrTimeoutError, match="0.5 s"):
        eng.words(np.zeros((10, 10, 3), np.uint8))
    assert eng.stats.timeouts == 1


def test_timeout_default_comes_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DOCSCREEN_OCR_TIMEOUT", "7.5")
    assert TesseractEngine().timeout_s == 7.5


def test_other_failures_become_ocr_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import pytesseract

    def boom(*args: object, **kwargs: object) -> None:
        raise pytesseract.TesseractError(1, "bad lang")

    monkeypatch.setattr(pytesseract, "image_to_data", boom)
    with pytest.raises(OcrError):
        TesseractEngine().words(np.zeros((10, 10, 3), np.uint8))
    assert engine_mod.OcrTimeoutError is OcrTimeoutError


def test_parse_image_to_data_drops_empty_and_negative() -> None:
    data: dict[str, list[object]] = {
        "text": ["", "NIK", " ", "5301"],
        "conf": ["-1", "96.5", "-1", "80"],
        "left": [0, 10, 0, 60],
        "top": [0, 5, 0, 5],
        "width": [0, 40, 0, 90],
        "height": [0, 20, 0, 20],
        "block_num": [1, 1, 1, 1],
        "par_num": [1, 1, 1, 1],
        "line_num": [1, 1, 1, 1],
    }
    words = parse_image_to_data(data)
    assert [w.text for w in words] == ["NIK", "5301"]
    assert words[0].confidence == pytest.approx(0.965)
    assert words[1].box == (60, 5, 90, 20)


def test_fake_engine_records_calls() -> None:
    fake = FakeEngine(words_out=[Word("A", 0.9, (0, 0, 5, 5))])
    assert fake.words(np.zeros((4, 6, 3), np.uint8))[0].text == "A"
    assert fake.calls[0][0] == (4, 6, 3)
    laid = words_from_lines(["NIK : 123"], x0=0, char_w=10)
    assert [w.text for w in laid] == ["NIK", ":", "123"]
    assert laid[2].box[0] == 60


def test_a_tesseract_run_killed_by_a_signal_is_an_ocr_crash(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import pytesseract

    def crash(*args: object, **kwargs: object) -> None:
        raise pytesseract.TesseractError(-8, "")  # SIGFPE inside tesseract

    monkeypatch.setattr(pytesseract, "image_to_data", crash)
    eng = TesseractEngine(timeout_s=5)
    with pytest.raises(OcrCrashError, match="signal 8"):
        eng.words(np.zeros((10, 10, 3), np.uint8))
    assert eng.stats.crashes == 1
    assert issubclass(OcrCrashError, OcrError)  # still a per-image OCR failure for callers
