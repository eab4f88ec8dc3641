"""OCR behind a small protocol, so extraction logic is testable without tesseract.

``OcrEngine.words`` returns word boxes (like tesseract's ``image_to_data``).  The real engine runs
tesseract single-threaded with a per-call timeout; :class:`FakeEngine` returns scripted words.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import NDArray
from PIL import Image

from docscreen import settings
from docscreen.errors import OcrCrashError, OcrError, OcrTimeoutError
from docscreen.models import Box

DEFAULT_LANG = "eng+ind"


@dataclass(frozen=True)
class Word:
    """One recognised word: text, confidence 0..1, box, and the line it belongs to."""

    text: str
    confidence: float
    box: Box
    line: tuple[int, int, int] = (0, 0, 0)  # (block, paragraph, line) as tesseract numbers them

    @property
    def x2(self) -> int:
        return self.box[0] + self.box[2]

    @property
    def y2(self) -> int:
        return self.box[1] + self.box[3]

    @property
    def cy(self) -> float:
        return self.box[1] + self.box[3] / 2.0


@dataclass(frozen=True)
class OcrOptions:
    """Tesseract options for one call (language, page segmentation mode, extra config)."""

    lang: str = DEFAULT_LANG
    psm: int = 11
    config: str = ""


class OcrEngine(Protocol):
    """Anything that can turn an image into word boxes."""

    def words(self, image: NDArray[np.uint8], options: OcrOptions = ...) -> list[Word]: ...


@dataclass
class OcrStats:
    """Calls and seconds spent, and timeouts hit, so a caller can report them per document."""

    calls: int = 0
    seconds: float = 0.0
    timeouts: int = 0
    crashes: int = 0  # tesseract runs killed by a signal


class TesseractEngine:
    """Tesseract through pytesseract, single-threaded, each call bounded by ``OCR_TIMEOUT_S``."""

    def __init__(self, timeout_s: float | None = None) -> None:
        self.timeout_s = timeout_s if timeout_s is not None else settings.OCR_TIMEOUT_S.get()
        self.stats = OcrStats()

    def words(self, image: NDArray[np.uint8], options: OcrOptions = OcrOptions()) -> list[Word]:
        import time

        import pytesseract

        # Tesseract's OpenMP threading is slower than one process per document on small machines,
        # and the child inherits this environment.
        os.environ["OMP_THREAD_LIMIT"] = "1"
        config = f"--oem 1 --psm {options.psm} {options.config}".strip()
        start = time.perf_counter()
        self.stats.calls += 1
        try:
            data = self._image_to_data(image, options, config)
        except pytesseract.TesseractError as exc:  # a RuntimeError: this branch goes first
            if isinstance(exc.status, int) and exc.status < 0:
                # Killed by a signal: tesseract 5's LSTM dies with SIGFPE on some crops (a clean
                # passport name line, every time, padded or not). Named so a caller can skip it.
                self.stats.crashes += 1
                raise OcrCrashError(f"tesseract crashed (signal {-exc.status})") from exc
            raise OcrError(f"tesseract failed: {exc}") from exc
        except RuntimeError as exc:
            if "timeout" in str(exc).lower():
                self.stats.timeouts += 1
                raise OcrTimeoutError(
                    f"tesseract took longer than {self.timeout_s:g} s (DOCSCREEN_OCR_TIMEOUT)"
                ) from exc
            raise OcrError(f"tesseract failed: {exc}") from exc
        except (pytesseract.TesseractNotFoundError, OSError) as exc:
            raise OcrError(f"tesseract failed: {exc}") from exc
        finally:
            self.stats.seconds += time.perf_counter() - start
        return parse_image_to_data(data)

    def _image_to_data(
        self, image: NDArray[np.uint8], options: OcrOptions, config: str
    ) -> dict[str, list[object]]:
        import pytesseract

        data: dict[str, list[object]] = pytesseract.image_to_data(
            _uncompressed(image),
            lang=options.lang,
            config=config,
            output_type=pytesseract.Output.DICT,
            timeout=self.timeout_s,
        )
        return data


def _uncompressed(image: NDArray[np.uint8]) -> Image.Image:
    """The image as PIL hands it to pytesseract, marked PPM/PGM: pytesseract writes every image to
    a temporary file, as PNG unless told otherwise, and zlib took ~50 times longer than the raw
    write (about 0.15 s of CPU per page-sized call). Tesseract reads the same pixels either way."""
    pil = Image.fromarray(_to_rgb(image))
    pil.format = "PPM"  # type: ignore[misc]  # pytesseract reads this to pick the file type
    return pil


def _to_rgb(image: NDArray[np.uint8]) -> NDArray[np.uint8]:
    if image.ndim == 3 and image.shape[2] == 3:
        return np.ascontiguousarray(image[:, :, ::-1])
    return image


def parse_image_to_data(data: dict[str, list[object]]) -> list[Word]:
    """Turn pytesseract's ``image_to_data`` dict into :class:`Word` objects (empty words dropped)."""
    out: list[Word] = []
    texts = data.get("text", [])
    for i, raw in enumerate(texts):
        text = str(raw).strip()
        if not text:
            continue
        try:
            conf = float(str(data["conf"][i]))
        except (KeyError, ValueError):
            conf = -1.0
        if conf < 0:
            continue
        box = (
            int(str(data["left"][i])),
            int(str(data["top"][i])),
            int(str(data["width"][i])),
            int(str(data["height"][i])),
        )
        line = (
            int(str(data["block_num"][i])),
            int(str(data["par_num"][i])),
            int(str(data["line_num"][i])),
        )
        out.append(Word(text=text, confidence=conf / 100.0, box=box, line=line))
    return out


@dataclass
class FakeEngine:
    """A scripted engine for tests: returns ``words`` (or ``script(image, options)``) and counts calls."""

    words_out: Sequence[Word] = ()
    script: Callable[[NDArray[np.uint8], OcrOptions], list[Word]] | None = None
    calls: list[tuple[tuple[int, ...], OcrOptions]] = field(default_factory=list)
    stats: OcrStats = field(default_factory=OcrStats)

    def words(self, image: NDArray[np.uint8], options: OcrOptions = OcrOptions()) -> list[Word]:
        self.calls.append((tuple(image.shape), options))
        self.stats.calls += 1
        if self.script is not None:
            return self.script(image, options)
        return list(self.words_out)


def words_from_lines(
    lines: Sequence[str],
    *,
    x0: int = 10,
    y0: int = 10,
    char_w: int = 12,
    line_h: int = 30,
    confidence: float = 0.95,
) -> list[Word]:
    """Lay out text lines as word boxes (monospaced), for FakeEngine scripts in tests."""
    out: list[Word] = []
    for li, line in enumerate(lines):
        x = x0
        y = y0 + li * line_h
        for token in line.split(" "):
            if token:
                w = char_w * len(token)
                out.append(Word(token, confidence, (x, y, w, line_h - 8), (1, 1, li + 1)))
                x += w
            x += char_w
    return out
