"""Run every tamper signal on one document image, with the quality gate deciding what may run."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache

import cv2
import numpy as np
from numpy.typing import NDArray

from docscreen.forensics.capture import photocopy, recapture
from docscreen.forensics.copymove import copy_move
from docscreen.forensics.glyphs import glyphs, layout_key, load_templates
from docscreen.forensics.page import Page, _flat_box, prepare, to_bgr8
from docscreen.forensics.photo import photo
from docscreen.forensics.seam import seam
from docscreen.forensics.types import SignalResult, not_performed
from docscreen.imaging.quad import rectify
from docscreen.imaging.quality import QualityInput, assess_quality
from docscreen.models import Box, Document, DocumentKind, Quality, Status

FIELD_SIGNALS = ("seam", "glyphs", "copy_move", "photo")


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds, set on the calibration split of benchmarks/tamper_detection.py.

    Each is the score above which a signal reports ``fail``; the figures in RESULTS.md say what
    detection rate and false-positive rate they give on the separate test split.
    """

    seam: float = 1.337
    glyphs: float = 4.876  # size mode (layout registered, print-size model, texts known)
    # Layout-anchor mode of the glyph signal (no texts or no print-size model): the value
    # calibrated for it in session 4.
    glyphs_anchors: float = 7.540
    # Template/sibling fallback of the glyph signal (another scale): the template-mode threshold
    # of the previous calibration; no sibling-mode threshold has been calibrated.
    glyphs_fallback: float = 40.68
    copy_move: float = 0.874
    photo: float = 1.191
    photocopy: float = 0.773
    recapture: float = 2.935


# Where the portrait sits on each layout (fractions of the flat page: x, y, w, h), measured on
# the generator's layouts; other layouts need their own entry (the photo signal abstains).
PORTRAIT_TEMPLATE: dict[DocumentKind, tuple[float, float, float, float]] = {
    DocumentKind.IDN_PASSPORT: (0.034, 0.168, 0.264, 0.481),
    DocumentKind.IDN_KTP: (0.764, 0.188, 0.203, 0.415),
    DocumentKind.TD1_CARD: (0.04, 0.172, 0.188, 0.382),
    DocumentKind.TD2_CARD: (0.032, 0.126, 0.239, 0.435),
    DocumentKind.VISA: (0.028, 0.116, 0.239, 0.46),
}


@dataclass(frozen=True)
class Hints:
    """Optional extra knowledge: a known portrait box (original pixels), fields holding digits."""

    portrait_box: Box | None = None
    digit_fields: frozenset[str] | None = None


@dataclass(frozen=True)
class Analysis:
    signals: tuple[SignalResult, ...]
    seconds: float = 0.0
    quality: Quality = field(default_factory=Quality)

    def signal(self, name: str) -> SignalResult:
        return next(s for s in self.signals if s.name == name)

    @property
    def flagged(self) -> tuple[SignalResult, ...]:
        return tuple(s for s in self.signals if s.status is Status.FAIL)


@cache
def _templates() -> dict[str, dict[str, list[float]]]:
    return load_templates()


def _template_for(kind: str, page: Page) -> dict[str, list[float]] | None:
    """The glyph template of this kind whose page aspect is closest to the flat page's."""
    key = layout_key(kind, page)
    aspect = float(key.split("@")[1])
    options = [k for k in _templates() if k.split("@")[0] == kind]
    if not options:
        return None
    best = min(options, key=lambda k: abs(float(k.split("@")[1]) - aspect))
    return _templates()[best]


def _boxes(document: Document | None) -> dict[str, Box]:
    if document is None:
        return {}
    return {n: f.box for n, f in document.fields.items() if f.box is not None and f.box[2] > 0}


def _texts(document: Document | None) -> dict[str, str]:
    """Each field's text as printed (the reader's raw reading, else its value)."""
    if document is None:
        return {}
    return {n: (f.raw or f.value or "") for n, f in document.fields.items()}


def _digit_fields(document: Document | None) -> frozenset[str] | None:
    if document is None:
        return None
    names = {
        n for n, f in document.fields.items() if any(c.isdigit() for c in (f.raw or f.value or ""))
    }
    return frozenset(names) if names else None


def _portrait(page: Page, kind: DocumentKind | None, hint: Box | None) -> Box | None:
    if hint is not None:
        return _flat_box(hint, page.forward)
    if kind is None or kind not in PORTRAIT_TEMPLATE:
        return None
    h, w = page.grey.shape
    fx, fy, fw, fh = PORTRAIT_TEMPLATE[kind]
    upright = (round(fx * w), round(fy * h), round(fw * w), round(fh * h))
    turned = (round((1 - fx - fw) * w), round((1 - fy - fh) * h), upright[2], upright[3])
    # The flat page may be upside down: keep the candidate whose outline carries more edge.
    gy, gx = np.gradient(page.grey)
    grad = np.hypot(gx, gy)

    def rim(b: Box) -> float:
        x, y, bw, bh = b
        band = grad[max(0, y - 4) : y + bh + 4, max(0, x - 4) : x + bw + 4]
        inner = grad[y + 4 : y + bh - 4, x + 4 : x + bw - 4]
        return float(band.sum() - inner.sum()) / max(1.0, float(band.size - inner.size))

    return upright if rim(upright) >= rim(turned) else turned


def _gate(
    image: NDArray[np.uint8], page: Page, document: Document | None, quality: Quality | None
) -> Quality:
    if quality is not None:
        return quality
    if document is not None and document.quality.checks:
        return document.quality
    return assess_quality(QualityInput(rectify(image, page.quad)))


_SIGNAL_ERRORS = (cv2.error, ValueError, IndexError, ZeroDivisionError, np.linalg.LinAlgError)


def _safe(name: str, fn: Callable[[], SignalResult]) -> SignalResult:
    """A signal that breaks on an odd image abstains with the reason instead of failing a screening."""
    try:
        return fn()
    except _SIGNAL_ERRORS as exc:
        return not_performed(name, f"signal could not run on this image ({type(exc).__name__})")


def analyse(
    image: NDArray[np.generic],
    document: Document | None = None,
    quality: Quality | None = None,
    *,
    thresholds: Thresholds | None = None,
    hints: Hints | None = None,
) -> Analysis:
    """Every signal on ``image`` (decoded pixels as displayed), using ``document``'s field boxes.

    ``quality`` (or ``document.quality``, or the gate run here) decides what may run: an unusable
    capture makes the field-level signals abstain; the photocopy check needs some light and the
    moire check a sharp image.
    """
    start = time.perf_counter()
    th = thresholds or Thresholds()
    hints = hints or Hints()
    bgr = to_bgr8(image)
    try:
        page = prepare(bgr, _boxes(document))
        q = _gate(bgr, page, document, quality)
    except _SIGNAL_ERRORS as exc:
        why = f"the document could not be located in this image ({type(exc).__name__})"
        names = (*FIELD_SIGNALS, "photocopy", "recapture")
        return Analysis(
            tuple(not_performed(n, why) for n in names),
            time.perf_counter() - start,
            quality or Quality(usable=False, reasons=(why,)),
        )
    out: list[SignalResult] = []
    if not q.usable:
        why = "capture not usable: " + "; ".join(q.reasons)
        out.extend(not_performed(n, why) for n in FIELD_SIGNALS)
    else:
        if page.fields:
            out.append(_safe("seam", lambda: seam(page, th.seam)))
            template = _template_for(document.kind.value, page) if document is not None else None
            kind_name = document.kind.value if document is not None else None
            texts = _texts(document)
            out.append(
                _safe(
                    "glyphs",
                    lambda: glyphs(
                        page,
                        th.glyphs,
                        template,
                        kind_name,
                        th.glyphs_fallback,
                        texts,
                        th.glyphs_anchors,
                    ),
                )
            )
            digits = hints.digit_fields or _digit_fields(document)
            out.append(_safe("copy_move", lambda: copy_move(page, th.copy_move, digits)))
        else:
            out.extend(
                not_performed(n, "no field was located on the document")
                for n in ("seam", "glyphs", "copy_move")
            )
        kind = document.kind if document is not None else None
        out.append(
            _safe("photo", lambda: photo(page, _portrait(page, kind, hints.portrait_box), th.photo))
        )
    # A photocopy is often washed out (the gate's exposure check fails on it), so only a page too
    # dark to hold any colour makes this check abstain.
    if q.metrics.get("brightness", 128.0) < 40.0:
        out.append(not_performed("photocopy", "too dark to judge colour"))
    else:
        out.append(_safe("photocopy", lambda: photocopy(page, th.photocopy)))
    if q.checks.get("blur") == "fail":
        out.append(not_performed("recapture", "too blurred to see a screen pattern"))
    else:
        out.append(_safe("recapture", lambda: recapture(bgr, page, th.recapture)))
    return Analysis(tuple(out), time.perf_counter() - start, q)


def boxes_of(document: Document | None) -> Mapping[str, Box]:
    return _boxes(document)
