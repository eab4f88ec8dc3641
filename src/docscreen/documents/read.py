"""``read_document``: from an image to a Document (kind, printed fields, MRZ, quality).

Order matters for speed: find and rectify the document first (cheap, on a small copy), then run
one tesseract pass over the flat document at about 300 dpi with the MRZ band blanked (the MRZ has
its own reader), never over a whole 12-megapixel photo.  When the keywords say nothing, the page
is tried once more turned half round, since an outline alone cannot tell up from down.
"""

from __future__ import annotations

import dataclasses
import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import cv2
import numpy as np
from numpy.typing import NDArray

from docscreen.documents.classify import Classification, classify, sound_mrz
from docscreen.documents.extract import (
    LabelPlace,
    Page,
    extract_fields,
    is_mrz_word,
)
from docscreen.documents.second_look import second_looks
from docscreen.documents.templates import TEMPLATES, Template
from docscreen.errors import DocscreenError, OcrTimeoutError
from docscreen.imaging.load import LoadedImage, load_image
from docscreen.imaging.orient import glyph_components, text_angles
from docscreen.imaging.quad import (
    TD3_MM,
    Quad,
    Rectified,
    deskew_rectified,
    find_document,
    is_frame,
    page_quad,
    rectify,
    rotate_rectified,
)
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
    flat: bool = False  # read from the page with its lighting divided out


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


def _mrz_to_image(mrz: MrzResult, rect: Rectified) -> MrzResult:
    """The MRZ was read on the rectified document: give its box in the original image."""
    if mrz.box is None:
        return mrz
    return dataclasses.replace(mrz, box=rect.to_image_box(mrz.box))


Corners = tuple[tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]]
MrzReader = Callable[[NDArray[np.uint8]], tuple[MrzResult, Corners | None]]


def _mrz_reader() -> MrzReader | None:
    """The MRZ reader from ``docscreen.mrz.read`` when it is installed (it is optional here):
    the MRZ, and the TD3 page its band implies."""
    try:
        module = importlib.import_module("docscreen.mrz.read")
    except ImportError:
        return None
    fn = getattr(module, "read_mrz_page", None)
    return cast("MrzReader | None", fn)


def _page_to_image(page: Corners | None, rect: Rectified) -> Corners | None:
    """Corners found on the rectified page, in the original image's pixels."""
    if page is None:
        return None
    pts = cv2.perspectiveTransform(np.array([page], dtype=np.float64), rect.inverse)[0]
    p = [(float(x), float(y)) for x, y in pts]
    return (p[0], p[1], p[2], p[3])


# The outline found is the page the MRZ gives when its corners are this close to the MRZ's
# (share of the page's width): the two beside the MRZ, and the far two (a slanted photo shrinks
# the far side, which the page drawn square around the MRZ does not).
_NEAR_CORNERS, _FAR_CORNERS = 0.03, 0.10


def _outline_as_page(outline: Quad, page: Corners) -> Corners:
    """The outline's corners in the page's order when the outline is that page (an outline
    follows a slanted page better than a page drawn around its MRZ), else the page."""
    pts = np.array(outline.points, dtype=np.float64)
    want = np.array(page, dtype=np.float64)
    width = float(np.linalg.norm(want[1] - want[0]))
    dist = np.linalg.norm(want[:, None, :] - pts[None, :, :], axis=2)
    nearest = dist.argmin(axis=1)
    gaps = dist.min(axis=1) / max(width, 1.0)
    if len(set(nearest.tolist())) < 4 or gaps[2:].max() > _NEAR_CORNERS:
        return page
    if gaps[:2].max() > _FAR_CORNERS:
        return page
    p = [(float(pts[i][0]), float(pts[i][1])) for i in nearest]
    return (p[0], p[1], p[2], p[3])


def _keywords(p: _Pass) -> int:
    return sum(len(v) for v in p.cls.keywords.values())


def _mrz_page_pass(
    engine: OcrEngine, pixels: NDArray[np.uint8], page: Corners, current: _Pass, *, prefer: bool
) -> _Pass:
    """Read the TD3 page that the MRZ's place gives, when it reads better (``prefer``: at least
    as well, for a current page that is no TD3 page).

    The outline found may be a light table's edge, a card-sized block of the page or nothing
    (the photo's frame); the MRZ lies at a known place on the page, at a known pitch, and the
    page rectified around it is upright and at TD3 size.
    """
    quad = page_quad(page, (pixels.shape[1], pixels.shape[0]))
    rect = rectify(pixels, quad, size_mm=TD3_MM, target_px_per_mm=OCR_PX_PER_MM)
    cand = _ocr_pass(engine, rect, None)
    if cand.cls.kind is DocumentKind.UNKNOWN:
        flat = _ocr_pass(engine, rect, None, flat=True)
        if _keywords(flat) > _keywords(cand):
            cand = flat
    gain = _keywords(cand) - _keywords(current)
    return cand if gain > 0 or (prefer and gain == 0) else current


# A page taken whole (no card edge found) is turned level when its text lines slope by more
# than this (degrees) and less than the second: rows that slope are grouped wrongly.
_SKEW_MIN, _SKEW_MAX = 0.8, 20.0


def _level(rect: Rectified, image_size: tuple[int, int]) -> Rectified:
    """Level a page rectified from the image's frame by the slope of its text lines.

    A photocopied card on a light table can go without an outline; the whole photo is then
    the page, tilted as the card lies, and a slope of a few degrees puts a value on the row of
    the label below it ("Nama : BETUN, 13-09-1979").  A real outline is level already.
    """
    if not is_frame(rect.quad, image_size):
        return rect
    gray = np.asarray(cv2.cvtColor(rect.image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
    ink = cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY_INV, 31, 15
    )
    angles = text_angles(glyph_components(np.asarray(ink, dtype=np.uint8)), max_angles=1)
    if not angles or not _SKEW_MIN <= abs(angles[0]) <= _SKEW_MAX:
        return rect
    return deskew_rectified(rect, angles[0])


def _mrz_rank(mrz: MrzResult | None) -> tuple[bool, bool, int, int, float]:
    """Order MRZ readings: found, valid, fewest format problems (dates that are no dates, a sex
    of another letter, unknown states), most check digits holding, the recogniser's confidence.

    Garbage lines pass a check digit now and then; they rarely hold dates and codes.
    """
    if mrz is None or not mrz.found:
        return (False, False, 0, 0, 0.0)
    problems = len(mrz.notes) + sum(
        1 for f in mrz.fields.values() if "unknown_country_code" in f.notes
    )
    held = sum(1 for v in mrz.checks.values() if v == "valid")
    return (True, mrz.valid, -problems, held, mrz.confidence)


def _upside_down(mrz: MrzResult, rect: Rectified) -> bool:
    """Was the MRZ found in the top half of the page (boxes in the rectified page's pixels)?"""
    if mrz.box is None:
        return False
    _, y, _, bh = mrz.box
    return bool(y + bh / 2 < 0.5 * rect.image.shape[0])


def flatten_light(image: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """The page in grey with its lighting divided out: print dark on an even white.

    Tesseract binarises a page with one global threshold; glare, a lamp's gradient or a
    photocopier's grey wash put the paper of one part below the ink of another and the page
    reads as almost nothing.  The paper's brightness is estimated by a grey closing (ink is
    thinner than the element) and divided out.
    """
    gray = np.asarray(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), dtype=np.uint8)
    k = max(15, (min(gray.shape[:2]) // 20) | 1)
    element = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
    paper = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, element)
    paper = cv2.GaussianBlur(paper, (0, 0), k / 3.0)
    ratio = gray.astype(np.float32) / np.maximum(paper.astype(np.float32), 1.0)
    flat = np.clip(ratio * 255.0, 0, 255).astype(np.uint8)
    return np.asarray(cv2.cvtColor(flat, cv2.COLOR_GRAY2BGR), dtype=np.uint8)


def _ocr_pass(
    engine: OcrEngine, rect: Rectified, mrz: MrzResult | None, *, flat: bool = False
) -> _Pass:
    words = engine.words(flatten_light(rect.image) if flat else rect.image, OCR_OPTIONS)
    tokens = [w.text for w in words if not is_mrz_word(w) and w.confidence >= 0.3]
    return _Pass(rect, words, classify(tokens, mrz, layout=rect.layout), flat)


def _to_image(fields: dict[str, Field], rect: Rectified) -> dict[str, Field]:
    out: dict[str, Field] = {}
    for name, f in fields.items():
        box: Box | None = rect.to_image_box(f.box) if f.box is not None else None
        out[name] = Field(f.name, f.value, f.raw, f.confidence, box, f.source)
    return out


def _quality(
    rect: Rectified,
    template: Template | None,
    fields: dict[str, Field],
    image: NDArray[np.uint8] | None = None,
) -> Quality:
    boxes: dict[str, Box] = {}
    nominal: dict[str, Box] = {}
    critical: tuple[str, ...] = ()
    if template is not None:
        h, w = rect.image.shape[:2]
        specs = [s for s in template.fields if s.critical]
        # "Tempat/Tgl Lahir" is one printed field read as two; the date is the one that matters.
        names = ["birth_date" if s.kind == "place_date" else s.name for s in specs]
        critical = tuple(names)
        for spec, name in zip(specs, names, strict=True):
            f = fields.get(name)
            if f is not None and f.box is not None:
                boxes[name] = f.box
            if spec.nominal is not None:
                # Also judge glare where the layout prints the field (the label may be gone too).
                nx, ny, nw, nh = spec.nominal
                nominal[name] = (round(nx * w), round(ny * h), round(nw * w), round(nh * h))
    read = frozenset(
        n
        for n in critical
        if (f := fields.get(n)) is not None and f.value is not None and f.confidence >= 0.5
    )
    return assess_quality(
        QualityInput(
            rect, boxes, critical, read, template is not None, nominal_boxes=nominal, image=image
        )
    )


def read_document(
    image: ImageInput,
    *,
    ocr: OcrEngine | None = None,
    name: str | None = None,
    read_mrz: bool = True,
) -> Document:
    """Classify the document, read its MRZ and printed fields, and measure capture quality.

    Raises :class:`~docscreen.errors.InputError` only for files that cannot be decoded; a photo
    with no document in it gives kind ``unknown``, no fields and a reason.  ``read_mrz=False``
    skips the MRZ reader (classification then relies on printed keywords).
    """
    start = time.perf_counter()
    loaded = _load(image)
    engine = ocr if ocr is not None else TesseractEngine()
    label = name or loaded.name
    pixels = loaded.pixels
    quad = find_document(pixels)
    rect = rectify(pixels, quad, target_px_per_mm=OCR_PX_PER_MM)
    rect = _level(rect, (pixels.shape[1], pixels.shape[0]))

    mrz: MrzResult | None = None
    mrz_note: str | None = None
    other: _Pass | None = None  # the page the other way up, when it was read
    try:
        best = _ocr_pass(engine, rect, None)
        if best.cls.kind is DocumentKind.UNKNOWN:
            turned = _ocr_pass(engine, rotate_rectified(rect, 2), None)
            if len(turned.words) > len(best.words) or turned.cls.kind is not DocumentKind.UNKNOWN:
                best, other = turned, best
            else:
                other = turned
        if best.cls.kind is DocumentKind.UNKNOWN and other is not None:
            # Neither way up read as a document: glare or a grey photocopy may have defeated
            # tesseract's global threshold.  Read the page with its lighting divided out, the
            # way up that gave more words first.
            for cand in (best, other):
                flat = _ocr_pass(engine, cand.rect, None, flat=True)
                if flat.cls.kind is not DocumentKind.UNKNOWN:
                    other = best if cand is other else other
                    best = flat
                    break
    except OcrTimeoutError as exc:
        q = assess_quality(QualityInput(rect))
        return Document(
            file=label,
            kind=DocumentKind.UNKNOWN,
            quality=_with_timing(q, start, engine),
            image_size=loaded.size,
            sha256=loaded.sha256 or None,
            reason=f"OCR timed out: {exc}",
        )
    # The MRZ reader runs on the flat document (small, upright) and only where an MRZ can be:
    # a KTP has none, so its reading time is saved.
    reader = _mrz_reader() if read_mrz else None
    if reader is not None and best.cls.kind is not DocumentKind.IDN_KTP:
        page: Corners | None = None  # the TD3 page the MRZ gives, in image pixels
        try:
            mrz, on_rect = reader(best.rect.image)
            page = _page_to_image(on_rect, best.rect)
        except (DocscreenError, OSError, ValueError) as exc:
            # The printed fields are still worth reading when the MRZ reader fails.
            mrz_note = f"mrz: not read ({type(exc).__name__}: {exc})"
        if mrz is not None and mrz.found and _upside_down(mrz, best.rect):
            # The MRZ is printed at the bottom: found in the top half, the page pass read the
            # page upside down (a guilloche read upside down can give more "words").
            try:
                if other is not None and other.flat == best.flat:
                    best = other
                else:
                    best = _ocr_pass(engine, rotate_rectified(best.rect, 2), None, flat=best.flat)
                mrz, on_rect = reader(best.rect.image)
                page = _page_to_image(on_rect, best.rect)
            except OcrTimeoutError as exc:
                mrz_note = f"mrz: page turned, not read again ({exc})"
        in_image = False
        if mrz_note is None and (mrz is None or not (mrz.valid or sound_mrz(mrz))):
            # An outline found wrongly (a light page on a light table, a passport page taken
            # for a card) can cut the MRZ off the rectified page; the reader finds the band at
            # any angle in the whole photo, so try there before settling for a doubtful reading.
            # A well-formed reading whose check digits fail (a forged MRZ) is not doubtful.
            try:
                whole, whole_page = reader(pixels)
            except (DocscreenError, OSError, ValueError):
                whole, whole_page = None, None
            if whole is not None and _mrz_rank(whole) > _mrz_rank(mrz):
                mrz, page, in_image = whole, whole_page, True
        if mrz is not None and mrz.found:
            if not in_image:
                mrz = _mrz_to_image(mrz, best.rect)
            framed = is_frame(best.rect.quad, (pixels.shape[1], pixels.shape[0]))
            if framed and not in_image and page is not None:
                # A photo's frame is stretched to a document's shape: a page's corners drawn
                # square around the MRZ there are not square in the photo.  Find them there.
                try:
                    page = reader(pixels)[1]
                except (DocscreenError, OSError, ValueError):
                    page = None
            not_a_page = framed or best.rect.layout != "TD3"
            if page is not None and (in_image or not_a_page):
                if not framed:
                    page = _outline_as_page(best.rect.quad, page)
                try:
                    best = _mrz_page_pass(engine, pixels, page, best, prefer=not_a_page)
                except OcrTimeoutError as exc:
                    mrz_note = f"mrz: page around the MRZ not read ({exc})"
            tokens = [w.text for w in best.words if not is_mrz_word(w) and w.confidence >= 0.3]
            cls = classify(tokens, mrz, layout=best.rect.layout)
            best = _Pass(best.rect, best.words, cls, best.flat)

    rect = best.rect
    kind = best.cls.kind
    template = TEMPLATES.get(kind)
    fields: dict[str, Field] = {}
    timeout_note: str | None = None
    if template is not None:
        h, w = rect.image.shape[:2]
        labels: dict[str, LabelPlace] = {}
        fields = extract_fields(Page(tuple(best.words), w, h), template, labels)
        try:
            fields = second_looks(engine, rect.image, template, fields, labels)
        except OcrTimeoutError as exc:
            timeout_note = f"ocr: second look at unreadable fields stopped ({exc})"
    quality = _quality(rect, template, fields, pixels)
    if timeout_note is not None:
        quality = dataclasses.replace(quality, notes=(*quality.notes, timeout_note))
    if mrz_note is not None:
        quality = Quality(
            quality.usable,
            quality.reasons,
            quality.metrics,
            quality.checks,
            (*quality.notes, mrz_note),
        )
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
        metrics["ocr_calls"] = float(stats.calls)
        metrics["ocr_timeouts"] = float(stats.timeouts)
    return Quality(q.usable, q.reasons, metrics, q.checks, q.notes)
