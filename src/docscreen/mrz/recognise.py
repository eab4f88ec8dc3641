"""Read one MRZ line: fixed-pitch grid, glyph cells, OCR-B classifier, ranked candidates.

OCR-B in an MRZ is printed at a fixed pitch, so the line is cut into cells on a regular grid fitted
to the glyphs' connected components rather than trusting every component: touching glyphs (one wide
component) and broken glyphs (two thin ones) still land in the right cells.  Each cell is scaled so
the cap height is :data:`~docscreen.mrz.ocrb_model.CAP_PX` pixels and classified; every column keeps a
ranked list of ``(char, probability)`` for the check-digit-guided repair.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from docscreen.mrz.ocrb_model import (
    CAP_PX,
    CELL_H,
    CELL_HEIGHT_CAPS,
    CELL_W,
    CELL_WIDTH_CAPS,
    CHARSET,
    OcrbModel,
    load_model,
    single_thread,
)

FloatArray = NDArray[np.float32]
Candidates = tuple[tuple[str, float], ...]

TOP_K = 4  # candidates kept per character for the repair search
JITTERS: tuple[tuple[float, float], ...] = ((0.0, 1.0), (0.0, 1.06), (0.0, 0.94))
"""(shift in pitches, cap scale) of the cell cuts averaged per character."""


@dataclass(frozen=True)
class Grid:
    """Where the characters of one line are, in the strip's pixel coordinates.

    Cell ``i`` is centred at ``x = x0 + pitch * i + curve * i * i`` (``curve`` absorbs the pitch
    change of a document photographed at a slant) and ``y = y0 + slope * x``.
    """

    x0: float
    pitch: float
    count: int
    cap: float  # cap height in pixels
    slope: float
    y0: float
    curve: float = 0.0
    snapped: tuple[float, ...] | None = None  # per-cell centres moved onto their glyphs
    bend: float = 0.0  # y = y0 + slope * x + bend * x * x

    def centres(self) -> NDArray[np.float64]:
        if self.snapped is not None:
            return np.array(self.snapped, dtype=np.float64)
        return self.regular()

    def regular(self) -> NDArray[np.float64]:
        """The centres of the fitted grid itself (no snapping)."""
        i = np.arange(self.count, dtype=np.float64)
        out: NDArray[np.float64] = self.x0 + self.pitch * i + self.curve * i * i
        return out


@dataclass(frozen=True)
class LineReading:
    """One line as read: best text, ranked candidates per column, confidence 0..1."""

    text: str
    candidates: tuple[Candidates, ...]
    confidence: float
    grid: Grid

    @property
    def min_probability(self) -> float:
        return min((c[0][1] for c in self.candidates), default=0.0)


@dataclass(frozen=True)
class _Comp:
    x: int
    y: int
    w: int
    h: int
    label: int

    @property
    def cx(self) -> float:
        return self.x + self.w / 2.0

    @property
    def cy(self) -> float:
        return self.y + self.h / 2.0


def ink_map(gray: NDArray[np.uint8], *, local: bool = False) -> FloatArray:
    """Darkness relative to the local paper (0 paper .. ~1 ink), robust to uneven light.

    ``local`` also rescales the ink of each stretch of the line to its own strongest strokes:
    glare adds light over part of a line, so the glyphs under it are paler than the rest and a
    strip-wide scale washes them out.  Training cuts clean renders with the plain map (``False``,
    kept so the shipped model reproduces); on an evenly lit line both give the same cells.
    """
    h = gray.shape[0]
    k = max(3, (h // 2) | 1)
    background = cv2.dilate(gray, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    background = cv2.blur(background, (k, k))
    bg = background.astype(np.float32) + 1.0
    ink = np.clip((bg - gray.astype(np.float32)) / bg, 0.0, 1.0)
    level = float(np.percentile(ink, 99.0)) if ink.size else 0.0
    if level > 1e-3:
        ink = np.clip(ink / level, 0.0, 1.0)
        if local:
            ink = _local_level(ink, h)
    out: FloatArray = ink.astype(np.float32)
    return out


LOCAL_FLOOR = 0.2  # never boost a stretch more than 1/0.2: blank paper must stay blank


def _local_level(ink: FloatArray, h: int) -> FloatArray:
    """``ink`` divided by its local stroke level (a column-wise max smoothed over ~2 caps)."""
    col = ink.max(axis=0).astype(np.float32)
    width = max(3, (h | 1))
    peak = cv2.dilate(col[None, :], cv2.getStructuringElement(cv2.MORPH_RECT, (width, 1)))
    peak = cv2.blur(peak, (width, 1))[0]
    scale = np.maximum(peak, LOCAL_FLOOR)
    out: FloatArray = np.clip(ink / scale[None, :], 0.0, 1.0).astype(np.float32)
    return out


def _components(ink: FloatArray) -> tuple[list[_Comp], NDArray[np.int32]]:
    binary = (ink > 0.45).astype(np.uint8)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
    comps = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if area >= 3:
            comps.append(_Comp(x, y, w, h, i))
    return comps, np.asarray(labels, dtype=np.int32)


def _cap_height(comps: list[_Comp], strip_h: int) -> float | None:
    inner = [c for c in comps if c.y > 0 and c.y + c.h < strip_h and c.h >= 0.25 * strip_h]
    if len(inner) < 3:
        inner = [c for c in comps if c.h >= 0.25 * strip_h]
    if len(inner) < 3:
        return None
    heights = np.array([c.h for c in inner], dtype=np.float64)
    # Letters and digits share the cap height; '<' (often most of a line) and specks are shorter,
    # so take the tall cluster rather than a percentile of everything.
    top = float(np.percentile(heights, 95))
    tall = heights[(heights >= 0.82 * top) & (heights <= 1.05 * top)]
    return float(np.median(tall)) if len(tall) else top


def fit_grid(ink: FloatArray, length: int | None = None, *, refine: bool = True) -> Grid | None:
    """Fit the fixed-pitch grid of one line to the glyph components of ``ink``.

    ``refine`` lets the line's centre bend (curved pages) and snaps cells onto clear single
    glyphs; the classifier is trained on the plain grid (with jitter), ``refine=False``.
    """
    strip_h = ink.shape[0]
    comps, labels = _components(ink)
    cap = _cap_height(comps, strip_h)
    if cap is None or cap < 4:
        return None
    tall = [c for c in comps if 0.8 * cap <= c.h <= 1.25 * cap]
    if len(tall) < 3:
        return None
    # Line centre (allows a little residual skew).
    xs = np.array([c.cx for c in tall])
    ys = np.array([c.cy for c in tall])
    slope, y0, bend = _robust_line(xs, ys, tol=0.2 * cap, allow_bend=refine)
    glyphs = [
        c
        for c in comps
        if 0.3 * cap <= c.h <= 1.3 * cap
        and abs(c.cy - (y0 + slope * c.cx + bend * c.cx * c.cx)) <= 0.35 * cap
        and c.w <= 8 * cap
    ]
    if len(glyphs) < 3:
        return None
    glyphs.sort(key=lambda c: c.cx)
    widths = np.array([c.w for c in glyphs], dtype=np.float64)
    single_w = float(np.median(widths[widths <= 1.2 * cap])) if np.any(widths <= 1.2 * cap) else cap
    singles = [c for c in glyphs if c.w <= max(1.25 * single_w, 0.5 * cap)]
    if len(singles) < 3:
        return None
    centres = np.array([c.cx for c in singles])
    pitch0 = _initial_pitch(centres, cap, glyphs, length)
    if pitch0 is None:
        return None
    left = min(c.x for c in glyphs)
    right = max(c.x + c.w for c in glyphs)
    # A photo at a slant changes the pitch along the line; the reader allows much more of that
    # than the training grids (kept as the shipped model was trained).
    max_change = 0.6 if refine else 0.12
    fitted = _fit_pitch(centres, pitch0, (left, right), max_change)
    if fitted is None:
        return None
    (a, b, q), first, last = fitted
    count = last - first + 1
    if refine and length is not None and count != length and length > 1:
        # The gaps misled the pitch (perspective, many merged glyphs): the known length and the
        # line's extent give another estimate; keep it when it explains the line exactly.
        retry = _fit_pitch(
            centres, (centres[-1] - centres[0]) / (length - 1), (left, right), max_change
        )
        if retry is not None and retry[2] - retry[1] + 1 == length:
            (a, b, q), first, last = retry
            count = length
    if b <= 0.3 * cap:
        return None
    if length is not None and count != length:
        glyph_ids = np.array([c.label for c in glyphs], dtype=np.int32)
        on_glyphs = ink * np.isin(labels, glyph_ids)
        first, count = _fit_length(
            on_glyphs, (a, b, q), first, last, length, cap, (slope, y0, bend)
        )
    if count < 3:
        return None
    # Re-base the grid on the first cell: centre_i = x0 + pitch' * i + q * i^2.
    x0 = a + b * first + q * first * first
    pitch = b + 2 * q * first
    grid = Grid(x0=x0, pitch=pitch, count=count, cap=cap, slope=slope, y0=y0, curve=q, bend=bend)
    return _snap(grid, singles) if refine else grid


def _snap(grid: Grid, singles: list[_Comp]) -> Grid:
    """Move each cell onto the single glyph sitting near it, if any.

    Real MRZ printing is not perfectly regular (and some specimens are not even fixed-pitch);
    glyph components that are clearly one character say exactly where it is.  Cells over merged
    or broken glyphs keep the grid position.
    """
    regular = grid.regular()
    solid = [c for c in singles if c.h >= 0.55 * grid.cap]
    if not solid:
        return grid
    xs = np.array([c.cx for c in solid])
    out = regular.copy()
    for i, g in enumerate(regular):
        k = int(np.argmin(np.abs(xs - g)))
        if abs(xs[k] - g) <= 0.3 * grid.pitch:
            out[i] = xs[k]
    return dataclasses.replace(grid, snapped=tuple(float(v) for v in out))


def _fit_pitch(
    centres: NDArray[np.float64],
    pitch0: float,
    extent: tuple[float, float],
    max_change: float = 0.12,
) -> tuple[tuple[float, float, float], int, int] | None:
    """Grid polynomial and first/last cell index covering ``extent``, from a pitch guess."""
    if pitch0 <= 0:
        return None
    # Index each single glyph by rounding its gap to the previous one: local, so a small pitch
    # error does not accumulate along 44 characters.
    idx = np.zeros(len(centres), dtype=np.int64)
    for i in range(1, len(centres)):
        idx[i] = idx[i - 1] + round((centres[i] - centres[i - 1]) / pitch0)
    a, b, q = _fit_index(idx, centres, pitch0, max_change)
    for _ in range(2):
        idx = _index_of(centres, a, b, q)
        a, b, q = _fit_index(idx, centres, b, max_change)
    if b <= 0:
        return None
    first = int(np.ceil(_fractional_index(extent[0], a, b, q) - 0.5 + 0.25))
    last = int(np.floor(_fractional_index(extent[1], a, b, q) + 0.5 - 0.25))
    return (a, b, q), first, last


def _initial_pitch(
    centres: NDArray[np.float64], cap: float, glyphs: list[_Comp], length: int | None
) -> float | None:
    gaps = np.diff(centres)
    plausible = gaps[(gaps >= 0.55 * cap) & (gaps <= 2.6 * cap)]
    if len(plausible) >= 2:
        # The smallest common gap is one pitch (wider gaps skip a touching pair).
        base = float(np.percentile(plausible, 25))
        near = plausible[plausible <= 1.35 * base]
        pitch = float(np.median(near))
    elif length is not None and length > 1:
        span = max(c.x + c.w for c in glyphs) - min(c.x for c in glyphs)
        pitch = span / length
    else:
        return None
    return pitch


def _fit_index(
    idx: NDArray[np.int64], centres: NDArray[np.float64], pitch: float, max_change: float = 0.12
) -> tuple[float, float, float]:
    """Robust least squares ``centre = a + b * i + q * i^2`` (q only for long, spread lines)."""
    keep = np.ones(len(idx), dtype=bool)
    a, b, q = float(centres[0] - idx[0] * pitch), pitch, 0.0
    for _ in range(3):
        used = idx[keep]
        distinct = len(set(used.tolist()))
        if distinct >= 12 and np.ptp(used) >= 16:
            q, b, a = (float(v) for v in np.polyfit(used, centres[keep], 2))
            span = float(np.ptp(used))
            if abs(2 * q * span) > max_change * abs(b):  # more than a slanted photo can do: noise
                q = 0.0
                b, a = (float(v) for v in np.polyfit(used, centres[keep], 1))
        elif distinct >= 2:
            q = 0.0
            b, a = (float(v) for v in np.polyfit(used, centres[keep], 1))
        resid = np.abs(centres - (a + b * idx + q * idx * idx))
        keep = resid <= max(0.2 * b, 1.0)
    return a, b, q


def _index_of(centres: NDArray[np.float64], a: float, b: float, q: float) -> NDArray[np.int64]:
    return np.array([round(_fractional_index(float(c), a, b, q)) for c in centres], dtype=np.int64)


def _fractional_index(x: float, a: float, b: float, q: float) -> float:
    """Solve ``x = a + b i + q i^2`` for ``i`` (the root near the linear solution)."""
    lin = (x - a) / b
    if abs(q) < 1e-9:
        return lin
    disc = b * b + 4 * q * (x - a)
    if disc < 0:
        return lin
    return (-b + float(np.sqrt(disc))) / (2 * q)


def _robust_line(
    xs: NDArray[np.float64], ys: NDArray[np.float64], tol: float, *, allow_bend: bool = True
) -> tuple[float, float, float]:
    """Robust ``y = y0 + slope x + bend x^2`` through glyph centres (``bend`` for a page that
    curves, as a passport page photographed open does; only with many glyphs)."""
    keep = np.ones(len(xs), dtype=bool)
    slope, y0, bend = 0.0, float(np.median(ys)), 0.0
    if allow_bend and len(xs) >= 3:
        # Start from a Theil-Sen line: a least-squares start lets one stray component at an end
        # of the strip (a page edge, a stamp) pull a bent fit onto itself and keep it.
        keep = _theil_sen_inliers(xs, ys, tol)
        if keep.sum() < 3:
            keep = np.ones(len(xs), dtype=bool)
    for _ in range(3):
        n = int(keep.sum())
        if allow_bend and n >= 12 and np.ptp(xs[keep]) > 0:
            bend, slope, y0 = (float(v) for v in np.polyfit(xs[keep], ys[keep], 2))
        elif n >= 3 and np.ptp(xs[keep]) > 0:
            bend = 0.0
            slope, y0 = (float(v) for v in np.polyfit(xs[keep], ys[keep], 1))
        resid = np.abs(ys - (y0 + slope * xs + bend * xs * xs))
        keep = resid <= tol
    span = float(np.ptp(xs)) if len(xs) else 0.0
    if abs(slope + 2 * bend * float(np.mean(xs))) > 0.2 or abs(bend) * span * span > 2.0 * tol * 5:
        slope, y0, bend = 0.0, float(np.median(ys)), 0.0  # deskewed strip: a steep fit is noise
    return slope, y0, bend


def _theil_sen_inliers(
    xs: NDArray[np.float64], ys: NDArray[np.float64], tol: float
) -> NDArray[np.bool_]:
    """Points within ``tol`` of the median-slope line through ``(xs, ys)``."""
    i, j = np.triu_indices(len(xs), 1)
    dx = xs[j] - xs[i]
    ok = np.abs(dx) > 1e-6
    if not np.any(ok):
        return np.ones(len(xs), dtype=bool)
    slope = float(np.median((ys[j] - ys[i])[ok] / dx[ok]))
    y0 = float(np.median(ys - slope * xs))
    out: NDArray[np.bool_] = np.abs(ys - (y0 + slope * xs)) <= tol
    return out


def _fit_length(
    ink: FloatArray,
    poly: tuple[float, float, float],
    first: int,
    last: int,
    length: int,
    cap: float,
    line: tuple[float, float, float],
) -> tuple[int, int]:
    """Choose the ``length`` consecutive cells that hold glyph ink (every MRZ cell holds a glyph,
    '<' included).  Returns (first index, count)."""
    a, b, q = poly
    slope, y0, bend = line
    lo, hi = first - length, last + length
    mass: dict[int, float] = {}
    h, w = ink.shape
    for i in range(lo, hi + 1):
        cx = a + i * b + q * i * i
        if cx < -0.3 * b or cx > w + 0.3 * b:
            mass[i] = -1.0  # outside the strip: never choose it
            continue
        cy = y0 + slope * cx + bend * cx * cx
        x1, x2 = int(max(0, cx - 0.35 * b)), int(min(w, cx + 0.35 * b))
        y1, y2 = int(max(0, cy - 0.5 * cap)), int(min(h, cy + 0.5 * cap))
        mass[i] = float(ink[y1:y2, x1:x2].sum()) / max(1.0, cap * b) if x2 > x1 else 0.0
    best_start, best = first, -np.inf
    for start in range(lo, hi - length + 2):
        vals = [mass.get(i, -1.0) for i in range(start, start + length)]
        if min(vals) < 0:
            continue
        total = sum(min(v, 0.3) for v in vals)
        if total > best + 1e-9:
            best, best_start = total, start
    if best == -np.inf:
        return first, last - first + 1
    return best_start, length


def _outside_blanked(ink: FloatArray, grid: Grid) -> FloatArray:
    """``ink`` with everything left of the first cell and right of the last one erased.

    An MRZ line has paper around it, and the classifier learnt it that way; a frame edge or a
    stamp just beside the line would otherwise turn a 'P' at the start into a 'D'.
    """
    centres = grid.centres()
    left = int(np.floor(centres[0] - 0.55 * grid.pitch))
    right = int(np.ceil(centres[-1] + 0.55 * grid.pitch))
    if left <= 0 and right >= ink.shape[1] - 1:
        return ink
    out = ink.copy()
    if left > 0:
        out[:, :left] = 0.0
    if right < ink.shape[1] - 1:
        out[:, right + 1 :] = 0.0
    return out


def cut_cells(ink: FloatArray, grid: Grid) -> FloatArray:
    """The normalised cells ``(count, CELL_H, CELL_W)`` of the grid."""
    scale = CAP_PX / grid.cap
    h, w = ink.shape
    new_w, new_h = max(1, round(w * scale)), max(1, round(h * scale))
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    small = cv2.resize(ink, (new_w, new_h), interpolation=interp)
    sx, sy = new_w / w, new_h / h
    cw, ch = CELL_WIDTH_CAPS * CAP_PX, CELL_HEIGHT_CAPS * CAP_PX
    us = (np.arange(CELL_W, dtype=np.float32) + 0.5) * (cw / CELL_W) - cw / 2
    vs = (np.arange(CELL_H, dtype=np.float32) + 0.5) * (ch / CELL_H) - ch / 2
    centres_x = grid.centres().astype(np.float32)
    centres_y = grid.y0 + grid.slope * centres_x + grid.bend * centres_x * centres_x
    map_x = (centres_x[:, None, None] * sx - 0.5 + us[None, None, :]).astype(np.float32)
    map_y = (centres_y[:, None, None] * sy - 0.5 + vs[None, :, None]).astype(np.float32)
    map_x = np.broadcast_to(map_x, (grid.count, CELL_H, CELL_W)).reshape(-1, CELL_W)
    map_y = np.broadcast_to(map_y, (grid.count, CELL_H, CELL_W)).reshape(-1, CELL_W)
    cells = cv2.remap(
        small,
        np.ascontiguousarray(map_x),
        np.ascontiguousarray(map_y),
        interpolation=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0.0,
    )
    out: FloatArray = cells.reshape(grid.count, CELL_H, CELL_W).astype(np.float32)
    return out


def recognise_line(
    gray: NDArray[np.uint8], length: int | None = None, model: OcrbModel | None = None
) -> LineReading | None:
    """Read one roughly horizontal MRZ line (dark on light) from a grayscale strip.

    ``length`` is the number of characters when the format is known (44, 36 or 30).
    Returns None when no line of glyphs can be found in the strip.
    """
    with single_thread():
        return read_strip(gray, length, model)


def read_strip(
    gray: NDArray[np.uint8], length: int | None = None, model: OcrbModel | None = None
) -> LineReading | None:
    """:func:`recognise_line` without the BLAS thread limit (the caller holds it)."""
    ink = ink_map(gray, local=True)
    grid = fit_grid(ink, length)
    if grid is None:
        return None
    return classify(ink, grid, model)


def classify(ink: FloatArray, grid: Grid, model: OcrbModel | None = None) -> LineReading:
    model = model or load_model()
    clean = _outside_blanked(ink, grid)
    probs = np.zeros((grid.count, len(CHARSET)), np.float32)
    # Average over small shifts and scales of the cells: a glyph a little off its cell, or a cap
    # height misjudged by a few percent, should not flip a character.
    for dx, scale in JITTERS:
        g = grid
        if dx or scale != 1.0:
            g = dataclasses.replace(
                grid,
                x0=grid.x0 + dx * grid.pitch,
                cap=grid.cap * scale,
                snapped=None
                if grid.snapped is None
                else tuple(v + dx * grid.pitch for v in grid.snapped),
            )
        cells = cut_cells(clean, g)
        probs += model.probabilities(cells.reshape(len(cells), -1))
    probs /= len(JITTERS)
    order = np.argsort(-probs, axis=1)[:, :TOP_K]
    candidates = tuple(
        tuple((CHARSET[int(k)], float(probs[i, k])) for k in order[i]) for i in range(len(probs))
    )
    text = "".join(c[0][0] for c in candidates)
    top = probs[np.arange(len(probs)), order[:, 0]]
    # Geometric mean: one unreadable cell should show, many sure cells should not hide it.
    confidence = float(np.exp(np.mean(np.log(np.maximum(top, 1e-6))))) if len(top) else 0.0
    return LineReading(text=text, candidates=candidates, confidence=confidence, grid=grid)
