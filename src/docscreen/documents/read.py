"""``read_document``: from an image to a Document (kind, printed fields, MRZ, quality).

Order matters for speed: find and rectify the document first (cheap, on a small copy), then run
one tesseract pass over the flat document at about 300 dpi with the MRZ band blanked (the MRZ has
its own reader), never over a whole 12-megapixel photo.  When the keywords say nothing, the page
is tried once more turned half round, since an outline alone cannot tell up from down.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import numpy as np
from numpy.typing import NDArray

from docscreen.documents.classify import Classification, classify
from docscreen.documents.extract import Page, extract_fields, is_mrz_word
from docscreen.documents.templates import TEMPLATES, Template
from docscreen.errors import OcrError, OcrTimeoutError
from docscreen.imaging.load import LoadedImage, load_image
from docscreen.imaging.quad import Rectified, find_document, rectify, rotate_rectified
from docscreen.imaging.quality import QualityInput, assess_quality
from docscreen.models import Box, Document, DocumentKind, Field, MrzResult, Quality
from docscreen.ocr.engine import OcrEngine, OcrOptions, TesseractEngine, Word

ImageInput = LoadedImage | NDArray[np.uint8] | str | Path | bytes

# Rectify to this resolution before OCR: about 254 dpi, enough for 2 mm print, and a TD3 page
# stays near 1.3 megapixels.
OCR_PX_PER_MM = 10.0
OCR_OPTIONS = OcrOptions(lang="eng+ind", psm=11)


@dataclass(frozen=True)
class _Pass:
    rect: Rectified
    words: list[Word]
    cls: Classification


def _load(image: ImageInput) -> LoadedImage:
    if isinstance(image, LoadedImage):
        return image
    if isinstance(image, np.ndarray):
        pixels = image if image.ndim == 3 else np.repeat(image[:, :, None], 3, axis=2)
        return LoadedImage(
            pixels=np.ascontiguousarray(pixels, dtype=np.uint8),
            format="array",
            sha256="",
            exif_rotated=False,
            name="<array>",
        )
    return load_image(image)


def _mrz_reader() -> Callable[[LoadedImage], MrzResult] | None:
    """The MRZ reader from ``docscreen.mrz.read`` when it is installed (it is optional here)."""
    try:
        module = importlib.import_module("docscreen.mrz.read")
    except ImportError:
        return None
    fn = getattr(module, "read_mrz", None)
    return cast("Callable[[LoadedImage], MrzResult] | None", fn)


def _orient(rect: Rectified) -> Rectified:
    """Coarse orientation from ``docscreen.imaging.orient`` when available (else unchanged)."""
    try:
        module = importlib.import_module("docscreen.imaging.orient")
    except ImportError:
        return rect
    fn = getattr(module, "quarter_turns", None)
    if fn is None:
        return rect
    try:
        turns = int(fn(rect.image))
    except Exception:  # an orientation guess must never stop the read
        return rect
    return rotate_rectified(rect, turns)


def _blank_mrz(img: NDArray[np.uint8], rect: Rectified, mrz: MrzResult | None) -> NDArray[np.uint8]:
    """White out the MRZ band (read separately) so tesseract does not spend time on it."""
    if mrz is None or not mrz.found or mrz.box is None:
        return img
    x, y, w, h = mrz.box
    pts = np.array([[x, y], [x + w, y], [x + w, y + h], [x, y + h]], dtype=np.float64)
    ones = np.ones((4, 1))
    proj = (rect.forward @ np.hstack([pts, ones]).T).T
    proj = proj[:, :2] / proj[:, 2:3]
    x0, y0 = np.floor(proj.min(axis=0)).astype(int)
    x1, y1 = np.ceil(proj.max(axis=0)).astype(int)
    out = img.copy()
    hh, ww = out.shape[:2]
    out[max(0, y0 - 4) : min(hh, y1 + 4), max(0, x0 - 4) : min(ww, x1 + 4)] = 255
    return out


def _ocr_pass(engine: OcrEngine, rect: Rectified, mrz: MrzResult | None) -> _Pass:
    words = engine.words(_blank_mrz(rect.image, rect, mrz), OCR_OPTIONS)
    tokens = [w.text for w in words if not is_mrz_word(w) and w.confidence >= 0.3]
    return _Pass(rect, words, classify(tokens, mrz, layout=rect.layout))


def _to_image(fields: dict[str, Field], rect: Rectified) -> dict[str, Field]:
    out: dict[str, Field] = {}
    for name, f in fields.items():
        box: Box | None = rect.to_image_box(f.box) if f.box is not None else None
        out[name] = Field(f.name, f.value, f.raw, f.confidence, box, f.source)
    return out


def _quality(rect: Rectified, template: Template | None, fields: dict[str, Field]) -> Quality:
    boxes: dict[str, Box] = {}
    critical: tuple[str, ...] = ()
    if template is not None:
        h, w = rect.image.shape[:2]
        critical = tuple(s.name for s in template.fields if s.critical)
        for spec in template.fields:
            if not spec.critical:
                continue
            f = fields.get(spec.name)
            if f is not None and f.box is not None:
                boxes[spec.name] = f.box
            elif spec.nominal is not None:
                # The field was not read: judge glare where the layout prints it.
                nx, ny, nw, nh = spec.nominal
                boxes[spec.name] = (round(nx * w), round(ny * h), round(nw * w), round(nh * h))
    return assess_quality(QualityInput(rect, boxes, critical))


def read_document(
    image: ImageInput, *, ocr: OcrEngine | None = None, name: str | None = None
) -> Document:
    """Classify the document, read its MRZ and printed fields, and measure capture quality.

    Raises :class:`~docscreen.errors.InputError` only for files that cannot be decoded; a photo
    with no document in it gives kind ``unknown``, no fields and a reason.
    """
    start = time.perf_counter()
    loaded = _load(image)
    engine = ocr if ocr is not None else TesseractEngine()
    label = name or loaded.name
    pixels = loaded.pixels
    quad = find_document(pixels)
    rect = _orient(rectify(pixels, quad, target_px_per_mm=OCR_PX_PER_MM))

    mrz: MrzResult | None = None
    reader = _mrz_reader()
    if reader is not None:
        try:
            mrz = reader(loaded)
        except OcrError:
            mrz = None

    try:
        best = _ocr_pass(engine, rect, mrz)
        if best.cls.kind is DocumentKind.UNKNOWN:
            turned = _ocr_pass(engine, rotate_rectified(rect, 2), mrz)
            if len(turned.words) > len(best.words) or turned.cls.kind is not DocumentKind.UNKNOWN:
                best = turned
    except OcrTimeoutError as exc:
        q = assess_quality(QualityInput(rect))
        return Document(
            file=label,
            kind=DocumentKind.UNKNOWN,
            mrz=mrz,
            quality=_with_timing(q, start, engine),
            image_size=loaded.size,
            sha256=loaded.sha256 or None,
            reason=f"OCR timed out: {exc}",
        )

    rect = best.rect
    kind = best.cls.kind
    template = TEMPLATES.get(kind)
    fields: dict[str, Field] = {}
    if template is not None:
        h, w = rect.image.shape[:2]
        fields = extract_fields(Page(tuple(best.words), w, h), template)
    quality = _quality(rect, template, fields)
    reason = None
    if kind is DocumentKind.UNKNOWN:
        reason = (
            "no document recognised: " + best.cls.reason
            if quad.found
            else "no document outline found and " + best.cls.reason
        )
    return Document(
        file=label,
        kind=kind,
        fields=_to_image(fields, rect),
        mrz=mrz,
        quality=_with_timing(quality, start, engine),
        image_size=loaded.size,
        sha256=loaded.sha256 or None,
        page=loaded.page,
        reason=reason,
    )


def _with_timing(q: Quality, start: float, engine: OcrEngine) -> Quality:
    metrics = dict(q.metrics)
    metrics["seconds"] = time.perf_counter() - start
    stats = getattr(engine, "stats", None)
    if stats is not None:
        metrics["ocr_seconds"] = float(stats.seconds)
        metrics["ocr_timeouts"] = float(stats.timeouts)
    return Quality(q.usable, q.reasons, metrics, q.checks, q.notes)
