"""``read_mrz``: image in, :class:`~docscreen.models.MrzResult` out.

locate the band (any angle) -> cut each line at a fixed cap height -> read it both ways up with the
OCR-B classifier -> keep the orientation and line length that read most confidently -> repair OCR
errors with the check digits (each change listed in ``repairs``) -> parse.  ``lines`` is the best
reading of what is printed: an MRZ printed with wrong check digits stays invalid.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import cv2
import numpy as np
from numpy.typing import NDArray

from docscreen.imaging.load import LoadedImage, load_image
from docscreen.models import MrzResult, Repair
from docscreen.mrz.locate import MrzCandidate, locate_mrz, to_gray
from docscreen.mrz.ocrb_model import OcrbModel, load_model, single_thread
from docscreen.mrz.parse import parse_mrz
from docscreen.mrz.recognise import Candidates, LineReading, ink_map, read_strip
from docscreen.mrz.repair import repair_lines

ImageInput = LoadedImage | NDArray[np.uint8] | str | Path | bytes

READ_CAP_PX = 32.0  # lines are cut so their cap height is this many pixels
MIN_CONFIDENCE = 0.35  # below this the band is text, but not an MRZ we can read
SURE_CONFIDENCE = 0.6  # between the two, an MRZ only if some check digit agrees
GOOD_CONFIDENCE = 0.8  # stop trying other candidates / lengths above this

LENGTHS_BY_LINES = {3: (30,), 2: (44, 36)}


@dataclass(frozen=True)
class BandReading:
    lines: tuple[LineReading, ...]
    candidate: MrzCandidate
    upside_down: bool = False  # the band read the right way up only turned half round

    @property
    def confidence(self) -> float:
        return float(np.mean([ln.confidence for ln in self.lines]))

    @property
    def texts(self) -> list[str]:
        return [ln.text for ln in self.lines]

    @property
    def candidates(self) -> list[list[Candidates]]:
        return [list(ln.candidates) for ln in self.lines]


def read_mrz(image: ImageInput, *, model: OcrbModel | None = None) -> MrzResult:
    """Find and read the MRZ of one image (EXIF orientation applied for files and bytes)."""
    with single_thread():
        return _read_mrz(image, model)[0]


Point = tuple[float, float]
PageCorners = tuple[Point, Point, Point, Point]

# Where a TD3 page lies around its MRZ (ICAO 9303-4: 125 x 88 mm page; the first character about
# 6 mm from the left edge and the lower line's centre about 6 mm above the bottom edge; the
# generator prints them at 5.1 and 6.7 mm).  Characters are 2.54 mm apart (10 per inch).
TD3_PAGE_MM = (125.0, 88.0)
TD3_LEFT_MM = 5.5  # page's left edge to the first character's left end
TD3_BOTTOM_MM = 6.5  # lower line's centre to the page's bottom edge
MRZ_PITCH_MM = 2.54


def read_mrz_page(
    image: ImageInput, *, model: OcrbModel | None = None
) -> tuple[MrzResult, PageCorners | None]:
    """:func:`read_mrz`, and for a TD3 MRZ the page's corners it implies (image pixels; top-left,
    top-right, bottom-right, bottom-left of the page as read), whatever outline the photo shows.

    A page photographed on a light table, or taken for an ID-1 card, has no outline to trust;
    its MRZ is printed at a known place, pitch and direction, so it gives the page by itself.
    """
    with single_thread():
        result, band = _read_mrz(image, model)
    if not result.found or result.format != "TD3" or band is None:
        return result, None
    return result, td3_page(band)


def td3_page(band: BandReading) -> PageCorners:
    """The TD3 page around a band read as its MRZ (see :func:`read_mrz_page`)."""
    cand = band.candidate
    k = cand.pitch / MRZ_PITCH_MM  # working-frame pixels per mm
    if band.upside_down:
        # Read turned half round: the first character is at the right end of the rotated frame
        # and the page's bottom is above the band.
        origin = np.array([max(ln.x2 for ln in cand.lines), cand.lines[0].y])
        along, down = np.array([-1.0, 0.0]), np.array([0.0, -1.0])
    else:
        origin = np.array([min(ln.x1 for ln in cand.lines), cand.lines[-1].y])
        along, down = np.array([1.0, 0.0]), np.array([0.0, 1.0])
    width, height = TD3_PAGE_MM
    left = origin - TD3_LEFT_MM * k * along
    bottom_left = left + TD3_BOTTOM_MM * k * down
    top_left = bottom_left - height * k * down
    pts = np.array(
        [top_left, top_left + width * k * along, bottom_left + width * k * along, bottom_left],
        dtype=np.float64,
    )
    src = cand.rotation.to_source(pts) / cand.work_scale
    p = [(float(x), float(y)) for x, y in src]
    return (p[0], p[1], p[2], p[3])


def _read_mrz(image: ImageInput, model: OcrbModel | None) -> tuple[MrzResult, BandReading | None]:
    """The reading and the band it came from (None when nothing was found)."""
    band, result = _read(image, model)
    return result, band


def _read(image: ImageInput, model: OcrbModel | None) -> tuple[BandReading | None, MrzResult]:
    start = time.perf_counter()
    pixels = image.pixels if isinstance(image, LoadedImage) else _pixels(image)
    gray = to_gray(pixels)
    model = model or load_model()
    candidates = locate_mrz(gray)
    best = _best_band(gray, candidates, model)
    glare_searched = best is None or best.confidence < MIN_CONFIDENCE
    if glare_searched:
        # Glare can wash part of the band out of the plain search: look again on the flattened
        # page (slower, so only when the first search read nothing).
        candidates = locate_mrz(gray, glare=True)
        retry = _best_band(gray, candidates, model)
        if retry is not None and (best is None or retry.confidence > best.confidence):
            best = retry
    if best is None and not candidates:
        return None, MrzResult(
            found=False,
            reason="no machine-readable zone found (no 2-3 long evenly spaced text lines)",
            seconds=time.perf_counter() - start,
        )
    if best is None or best.confidence < MIN_CONFIDENCE:
        return None, MrzResult(
            found=False,
            reason="text lines found, but they do not read as OCR-B MRZ characters",
            confidence=0.0 if best is None else best.confidence,
            seconds=time.perf_counter() - start,
        )
    lines, repairs = _repair(best.texts, best.candidates)
    parsed = parse_mrz(lines)
    if not parsed.valid and not glare_searched:
        # Check digits disagree: a washed-out line may be missing or misread.  Read the band the
        # glare search finds and keep whichever reading more check digits agree with (an MRZ
        # printed with wrong digits stays invalid either way).
        retries = [_best_band(gray, locate_mrz(gray, glare=True), model)]
        # Two lines of TD1 length: the third (often all '<' after the number) may be too faint
        # to chain; read a line one spacing above and one below as well.
        retries += [read_band(gray, cand, model) for cand in _td1_extensions(best.candidate)]
        for retry in retries:
            if retry is None or retry.confidence < MIN_CONFIDENCE:
                continue
            retry_lines, retry_repairs = _repair(retry.texts, retry.candidates)
            retry_parsed = parse_mrz(retry_lines)
            if _agreeing(retry_parsed.checks) > _agreeing(parsed.checks):
                best, lines, repairs, parsed = retry, retry_lines, retry_repairs, retry_parsed
    if not parsed.found and "valid" not in parsed.checks.values():
        # Clear OCR-B-like print whose lines fit no MRZ layout (e.g. an e-KTP's bold headings).
        return None, MrzResult(
            found=False,
            reason=f"text lines found, but they fit no MRZ layout ({parsed.reason})",
            confidence=best.confidence,
            seconds=time.perf_counter() - start,
        )
    if best.confidence < SURE_CONFIDENCE and "valid" not in parsed.checks.values():
        return None, MrzResult(
            found=False,
            reason="text lines found, but neither the glyphs nor any check digit look like an MRZ",
            confidence=best.confidence,
            seconds=time.perf_counter() - start,
        )
    return best, MrzResult(
        found=True,
        format=parsed.format,
        lines=tuple(lines),
        valid=parsed.valid,
        fields=parsed.fields,
        checks=parsed.checks,
        repairs=repairs,
        box=best.candidate.box(),
        confidence=best.confidence,
        seconds=time.perf_counter() - start,
        notes=parsed.notes,
    )


def _td1_extensions(cand: MrzCandidate) -> list[MrzCandidate]:
    """``cand`` with a third line added above or below, when it is two lines of TD1 length."""
    if len(cand.lines) != 2 or not all(26 <= ln.chars <= 34 for ln in cand.lines):
        return []
    top, bottom = cand.lines
    step = bottom.y - top.y
    out = []
    for ref, dy in ((top, -step), (bottom, step)):
        extra = dataclasses.replace(ref, y=ref.y + dy, glyphs=0)
        lines = (extra, top, bottom) if dy < 0 else (top, bottom, extra)
        out.append(dataclasses.replace(cand, lines=lines))
    return out


def _agreeing(checks: dict[str, str]) -> int:
    return sum(1 for status in checks.values() if status == "valid")


def _best_band(
    gray: NDArray[np.uint8], candidates: Sequence[MrzCandidate], model: OcrbModel
) -> BandReading | None:
    best: BandReading | None = None
    for cand in candidates:
        reading = read_band(gray, cand, model)
        if reading is not None and (best is None or reading.confidence > best.confidence):
            best = reading
        if best is not None and best.confidence >= GOOD_CONFIDENCE:
            break
    return best


def _pixels(image: NDArray[np.uint8] | str | Path | bytes) -> NDArray[np.uint8]:
    if isinstance(image, np.ndarray):
        return image
    return load_image(image).pixels


def _repair(
    texts: Sequence[str], candidates: Sequence[Sequence[Candidates]]
) -> tuple[list[str], tuple[Repair, ...]]:
    result = repair_lines(list(texts), [list(c) for c in candidates])
    return list(result.lines), tuple(result.repairs)


def band_image(gray: NDArray[np.uint8], cand: MrzCandidate) -> tuple[NDArray[np.uint8], float]:
    """The band cut from the source image, turned so lines run left to right (perhaps upside
    down), scaled so the cap height is :data:`READ_CAP_PX`.  Returns (image, line-0 row)."""
    r = READ_CAP_PX / cand.cap
    pitch = cand.pitch
    u0 = min(ln.x1 for ln in cand.lines) - 1.6 * pitch
    u1 = max(ln.x2 for ln in cand.lines) + 1.6 * pitch
    v0 = cand.lines[0].y - 1.6 * cand.cap
    v1 = cand.lines[-1].y + 1.6 * cand.cap
    m = cand.rotation.matrix
    total = r * cand.work_scale
    src: NDArray[np.uint8] = gray
    pre = 1.0
    if total < 0.6:  # shrink first with area averaging: warpAffine would alias
        pre = total * 1.25
        src = np.asarray(
            cv2.resize(gray, None, fx=pre, fy=pre, interpolation=cv2.INTER_AREA), dtype=np.uint8
        )
    a = r * m[:, :2] * (cand.work_scale / pre)
    b = r * (m[:, 2] - np.array([u0, v0]))
    affine = np.column_stack([a, b])
    size = (max(1, round((u1 - u0) * r)), max(1, round((v1 - v0) * r)))
    flags = cv2.INTER_CUBIC if total / pre > 1.2 else cv2.INTER_LINEAR
    out = cv2.warpAffine(src, affine, size, flags=flags, borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(out, dtype=np.uint8), (cand.lines[0].y - v0) * r


Image = TypeVar("Image", NDArray[np.uint8], NDArray[np.float32])


def _strip(band: Image, y: float, slope: float, xc: float, half: float) -> Image:
    """Rows ``y +- half`` of ``band`` along a line of the given slope through ``(xc, y)``."""
    if abs(slope) < 1e-4:
        y1, y2 = max(0, round(y - half)), min(band.shape[0], round(y + half) + 1)
        return band[y1:y2]
    shear = np.array([[1.0, 0.0, 0.0], [-slope, 1.0, slope * xc - y + half]])
    size = (band.shape[1], round(2 * half) + 1)
    out = cv2.warpAffine(band, shear, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return np.asarray(out, dtype=band.dtype)


SHEARS = np.linspace(-0.5, 0.5, 11)  # horizontal shears tried first (x shift per row)
FINE_STEPS = (-0.75, -0.5, -0.25, 0.25, 0.5, 0.75)  # then these fractions of a step around the best
MIN_SHEAR = 0.06  # below this the band is read as cut (the classifier tolerates a little)


def band_shear(
    band: NDArray[np.uint8], rows: Sequence[tuple[float, float, float]] | Sequence[float]
) -> float:
    """The horizontal shear (x shift per pixel of y) that makes the glyphs' vertical strokes
    vertical: a document photographed at a slant is a parallelogram, its MRZ an italic.

    ``rows`` are the lines' ``(y, slope, x centre)`` (or just ``y`` for level lines).  The shear
    that concentrates each line's ink into the sharpest column profile wins (the usual slant
    estimate of handwriting recognition), measured on each line cut level along its slope.
    Rows are shifted by whole pixels, so no shear is favoured by interpolation blurring others.
    """
    ink = ink_map(band)
    half = 0.5 * READ_CAP_PX
    strips = []
    for row in rows:
        y, slope, xc = row if isinstance(row, tuple) else (float(row), 0.0, band.shape[1] / 2.0)
        strips.append(_strip(ink, y, slope, xc, half))
    w = band.shape[1]
    pad = int(np.ceil((float(np.max(np.abs(SHEARS))) + 0.1) * (half + 1))) + 2
    spans = [(strip, strip.shape[0] / 2.0) for strip in strips if strip.shape[0] > 0]

    def sharpness(s: float) -> float:
        score = 0.0
        for strip, yc in spans:
            shifts = np.round(s * (np.arange(strip.shape[0]) - yc)).astype(np.int64) + pad
            cols = np.arange(w)[None, :] + shifts[:, None]
            profile = np.bincount(cols.ravel(), weights=strip.ravel(), minlength=w + 2 * pad)
            score += float(np.square(profile).sum())
        return score

    # Coarse steps over the whole range, then the neighbourhood of the best one (0 wins ties).
    best, best_score = 0.0, sharpness(0.0)
    step = float(SHEARS[1] - SHEARS[0])
    for fine in (False, True):
        tries = best + step * np.array(FINE_STEPS) if fine else SHEARS
        for s in tries:
            score = sharpness(float(s))
            if score > best_score * (1 + 1e-9):
                best, best_score = float(s), score
    return best


def _deshear(
    band: NDArray[np.uint8], rows: list[tuple[float, float, float]]
) -> tuple[NDArray[np.uint8], list[tuple[float, float, float]]]:
    """``band`` with its italic shear removed (``rows`` moved to match), if it has one."""
    s = band_shear(band, rows)
    if abs(s) < MIN_SHEAR:
        return band, rows
    h, w = band.shape
    yc = h / 2.0
    pad = int(np.ceil(abs(s) * yc)) + 1
    m = np.array([[1.0, s, pad - s * yc], [0.0, 1.0, 0.0]], dtype=np.float64)
    out = cv2.warpAffine(
        band, m, (w + 2 * pad, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    moved = [(y, slope, xc + pad + s * (y - yc)) for y, slope, xc in rows]
    return np.asarray(out, dtype=np.uint8), moved


MIN_TAPER = 1.12  # rectify the band when its scale changes more than this from end to end


def _unperspective(
    band: NDArray[np.uint8], rows: list[tuple[float, float, float]]
) -> tuple[NDArray[np.uint8], list[tuple[float, float, float]]]:
    """``band`` with the scale change of a steep perspective taken out (``rows`` moved to match).

    A document photographed at a slant is larger at its near end: glyphs, pitch and line
    spacing grow along the line together.  The spacing of the outer lines (their fitted centre
    lines diverge) gives the local scale ``k(x)``; the band is resampled so it is constant, the
    lines level and their pitch even.  Bands whose scale changes little are left as cut.
    """
    if len(rows) < 2:
        return band, rows
    h, w = band.shape

    def centre(
        row: tuple[float, float, float], x: NDArray[np.float64] | float
    ) -> NDArray[np.float64]:
        y, slope, xc = row
        return np.asarray(y + slope * (np.asarray(x, dtype=np.float64) - xc), dtype=np.float64)

    first, last = rows[0], rows[-1]
    x_ref = w / 2.0
    d_ref = float(centre(last, x_ref) - centre(first, x_ref))
    growth = (last[1] - first[1]) / d_ref if d_ref > 0 else 0.0  # d k / d x
    k_left, k_right = 1.0 - growth * x_ref, 1.0 + growth * (w - x_ref)
    if min(k_left, k_right) < 0.4 or max(k_left, k_right) / min(k_left, k_right) < MIN_TAPER:
        return band, rows

    # Across the line (y) the scale is k(x); along it, the direction the depth changes in, it
    # is k(x)^2 (a plane seen in perspective): u(x) = x_ref + (x - x_ref) / k(x).
    def u_of(x: NDArray[np.float64] | float) -> NDArray[np.float64]:
        t = np.asarray(x, dtype=np.float64) - x_ref
        return np.asarray(x_ref + t / (1.0 + growth * t))

    u0, u1 = float(u_of(0.0)), float(u_of(float(w)))
    us = u0 + np.arange(max(1, int(np.ceil(u1 - u0))), dtype=np.float64)
    xs = x_ref + (us - x_ref) / (1.0 - growth * (us - x_ref))
    k = 1.0 + growth * (xs - x_ref)
    mid = np.mean([centre(row, xs) for row in rows], axis=0)
    mid_ref = float(np.mean([centre(row, x_ref) for row in rows]))
    vs = np.arange(h, dtype=np.float64)
    map_x = np.broadcast_to(xs[None, :], (h, len(xs))).astype(np.float32)
    map_y = (mid[None, :] + (vs[:, None] - mid_ref) * k[None, :]).astype(np.float32)
    out = cv2.remap(
        band,
        np.ascontiguousarray(map_x),
        np.ascontiguousarray(map_y),
        interpolation=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    moved = [(float(centre(row, x_ref)), 0.0, float(u_of(row[2])) - u0) for row in rows]
    return np.asarray(out, dtype=np.uint8), moved


def read_band(gray: NDArray[np.uint8], cand: MrzCandidate, model: OcrbModel) -> BandReading | None:
    band, _ = band_image(gray, cand)
    r = READ_CAP_PX / cand.cap
    v0 = cand.lines[0].y - 1.6 * cand.cap
    u0 = min(ln.x1 for ln in cand.lines) - 1.6 * cand.pitch
    rows = [((ln.y - v0) * r, ln.slope, ((ln.x1 + ln.x2) / 2 - u0) * r) for ln in cand.lines]
    band, rows = _unperspective(band, rows)
    band, rows = _deshear(band, rows)
    gaps = np.diff([row[0] for row in rows])
    spacing = float(np.median(gaps)) if len(gaps) else 2.0 * READ_CAP_PX
    half = float(np.clip(0.5 * spacing, 0.75 * READ_CAP_PX, 1.1 * READ_CAP_PX))
    n = len(cand.lines)
    lengths = list(LENGTHS_BY_LINES.get(n, (44, 36, 30)))
    est = float(np.median([ln.chars for ln in cand.lines]))
    lengths.sort(key=lambda k: abs(k - est))
    best: BandReading | None = None
    flipped = np.asarray(cv2.rotate(band, cv2.ROTATE_180), dtype=np.uint8)
    height, width = band.shape
    for length in lengths:
        for upside_down in (False, True):
            img = flipped if upside_down else band
            centres = (
                [(height - 1 - y, s, width - 1 - x) for y, s, x in reversed(rows)]
                if upside_down
                else rows
            )
            readings = []
            for y, slope, xc in centres:
                reading = read_strip(_strip(img, y, slope, xc, half), length, model)
                if reading is None:
                    break
                readings.append(reading)
            else:
                current = BandReading(tuple(readings), cand, upside_down)
                if best is None or current.confidence > best.confidence:
                    best = current
        if best is not None and best.confidence >= GOOD_CONFIDENCE:
            break
    return best
