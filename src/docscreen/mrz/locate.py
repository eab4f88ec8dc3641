"""Find the MRZ band: 2 or 3 long, parallel, evenly pitched lines of same-sized glyphs.

Works on photos (document on a table, any angle) as well as scans: the text direction comes from
the links between neighbouring glyphs (:func:`docscreen.imaging.orient.text_angles`), the image is
turned so text runs horizontally, and glyph components are chained into lines.  An MRZ is a set of
2-3 chains of at least ~24 glyphs with the same cap height, the same pitch, the same left edge and
a regular line spacing.  Upside down is left to the reader (it reads both ways).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from docscreen.imaging.orient import (
    Rotation,
    glyph_components,
    neighbour_pairs,
    rotate,
    text_angles,
)

Gray = NDArray[np.uint8]

WORK_MAX_SIDE = 1400  # locate on at most this many pixels (speed), never fewer than WORK_MIN_SIDE
WORK_MIN_SIDE = 900
MIN_LINE_GLYPHS = 18  # a TD1 line has 30 characters; leave room for merged '<' runs
MAX_LINE_SLOPE = 0.15  # a steeper fit over a chain of linked glyphs is noise
LEVEL_SLOPE = 0.012  # a band whose lines slope more than this is found again at their angle
MIN_FRAGMENT_GLYPHS = 6  # pieces of a line (glare over part of it) can complete a band


@dataclass(frozen=True)
class MrzLine:
    """One text line in the rotated working frame."""

    y: float  # centre
    x1: float
    x2: float
    cap: float
    pitch: float
    glyphs: int
    slope: float = 0.0  # dy/dx left after the rotation (perspective, curled pages)

    def y_at(self, x: float) -> float:
        """Centre height of the line at ``x``."""
        return self.y + self.slope * (x - (self.x1 + self.x2) / 2)

    @property
    def chars(self) -> float:
        """Estimated number of characters (from the extent and the pitch)."""
        return (self.x2 - self.x1) / self.pitch + 0.3


@dataclass(frozen=True)
class MrzCandidate:
    """A possible MRZ band: lines in the rotated working frame and how to get back to the source."""

    angle: float  # degrees: the source was rotated by this to make the lines horizontal
    work_scale: float  # working image = source scaled by this, then rotated
    rotation: Rotation  # working image -> rotated working frame
    lines: tuple[MrzLine, ...]
    score: float

    @property
    def cap(self) -> float:
        return float(np.median([ln.cap for ln in self.lines]))

    @property
    def pitch(self) -> float:
        return float(np.median([ln.pitch for ln in self.lines]))

    def corners(self) -> NDArray[np.float64]:
        """The band's four corners in source-image pixels (clockwise from top-left as read)."""
        x1 = min(ln.x1 for ln in self.lines) - 0.5 * self.pitch
        x2 = max(ln.x2 for ln in self.lines) + 0.5 * self.pitch
        y1 = self.lines[0].y - 0.8 * self.cap
        y2 = self.lines[-1].y + 0.8 * self.cap
        pts = np.array([[x1, y1], [x2, y1], [x2, y2], [x1, y2]], dtype=np.float64)
        return self.rotation.to_source(pts) / self.work_scale

    def box(self) -> tuple[int, int, int, int]:
        pts = self.corners()
        x, y = pts.min(axis=0)
        x2, y2 = pts.max(axis=0)
        return round(float(x)), round(float(y)), round(float(x2 - x)), round(float(y2 - y))


def to_gray(image: NDArray[np.uint8]) -> Gray:
    if image.ndim == 2:
        return image
    code = cv2.COLOR_BGRA2GRAY if image.shape[2] == 4 else cv2.COLOR_BGR2GRAY
    return np.asarray(cv2.cvtColor(image, code), dtype=np.uint8)


def working_image(gray: Gray) -> tuple[Gray, float]:
    h, w = gray.shape
    side = max(h, w)
    if side > WORK_MAX_SIDE:
        scale = WORK_MAX_SIDE / side
    elif side < WORK_MIN_SIDE:
        scale = WORK_MIN_SIDE / side
    else:
        return gray, 1.0
    interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_CUBIC
    out = cv2.resize(
        gray, (max(1, round(w * scale)), max(1, round(h * scale))), interpolation=interp
    )
    return np.asarray(out, dtype=np.uint8), scale


def ink_mask(gray: Gray, offset: int = 12) -> NDArray[np.uint8]:
    """Dark-on-light text mask, local threshold (uneven light, tinted security backgrounds)."""
    side = max(gray.shape)
    block = max(15, (side // 40) | 1)
    mask = cv2.adaptiveThreshold(
        gray, 1, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, offset
    )
    return np.asarray(mask, dtype=np.uint8)


GLARE_OFFSET = 6  # threshold offset on the flattened image of the glare retry


def flatten(gray: Gray) -> Gray:
    """``gray`` divided by its paper (a large morphological closing), stretched 2x.

    Glare lays light over part of the page: the glyphs under it keep only a fraction of their
    contrast, too little for :func:`ink_mask`'s fixed offset.  Dividing by the local paper and
    stretching restores most of it (used only when the plain search finds nothing).
    """
    k = max(15, (max(gray.shape) // 30) | 1)
    paper = cv2.morphologyEx(
        gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k))
    )
    ratio = gray.astype(np.float32) / (paper.astype(np.float32) + 1.0)
    out = np.clip(255.0 - 2.0 * 255.0 * (1.0 - ratio), 0, 255)
    return np.asarray(out, dtype=np.uint8)


def locate_mrz(gray: Gray, *, max_candidates: int = 3, glare: bool = False) -> list[MrzCandidate]:
    """MRZ band candidates in a grayscale image, best first (empty when there is none).

    ``glare`` searches a :func:`flatten`-ed image with a lower threshold offset (the retry for
    pages whose MRZ is partly washed out)."""
    work, scale = working_image(gray)
    offset = 12
    if glare:
        work, offset = flatten(work), GLARE_OFFSET
    comps = glyph_components(ink_mask(work, offset))
    angles = text_angles(comps)
    if not angles:
        angles = [0.0]
    tried: list[float] = []
    found: list[MrzCandidate] = []
    # The page's dominant text direction first; then the other peaks; then a quarter turn of the
    # strongest (an MRZ printed across the page's other text), cheap ones first.
    order = [*angles, *[_wrap(a + 90.0) for a in angles[:1]]]
    for angle in order:
        if any(abs(_wrap(angle - t)) < 3.0 for t in tried):
            continue
        tried.append(angle)
        found.extend(_candidates_at(work, scale, angle, offset))
        if found and max(c.score for c in found) >= 60:
            break
    found.sort(key=lambda c: -c.score)
    found = found[:max_candidates]
    if found:
        # The page's text direction is not the MRZ's when the page is seen in perspective: the
        # lines keep a slope.  Cut at a slope, the band may clip a line's end; look again with
        # the best band levelled.
        best = found[0]
        slope = float(np.median([ln.slope for ln in best.lines]))
        if abs(slope) > LEVEL_SLOPE:
            angle = _wrap(best.angle + float(np.degrees(np.arctan(slope))))
            again = [c for c in _candidates_at(work, scale, angle, offset) if c.score >= best.score]
            if again:
                found = sorted([*again, *found[1:]], key=lambda c: -c.score)[:max_candidates]
    return found


def _wrap(angle: float) -> float:
    return (angle + 90.0) % 180.0 - 90.0


def _candidates_at(work: Gray, scale: float, angle: float, offset: int = 12) -> list[MrzCandidate]:
    rotated, rot = rotate(work, angle)
    chains = find_lines(ink_mask(rotated, offset), MIN_FRAGMENT_GLYPHS)
    lines = [ln for ln in chains if ln.glyphs >= MIN_LINE_GLYPHS]
    bands = group_bands(lines)
    if not bands:
        bands = completed_bands(lines, [ln for ln in chains if ln.glyphs < MIN_LINE_GLYPHS])
    return [
        MrzCandidate(angle=angle, work_scale=scale, rotation=rot, lines=band, score=score)
        for band, score in bands
    ]


def find_lines(mask: NDArray[np.uint8], min_glyphs: int = MIN_LINE_GLYPHS) -> list[MrzLine]:
    """Horizontal chains of same-height glyph components (at least ``min_glyphs`` long)."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if n <= 1:
        return []
    st = stats[1:].astype(np.float64)
    x, y, w, h, area = st[:, 0], st[:, 1], st[:, 2], st[:, 3], st[:, 4]
    limit = max(mask.shape) / 12.0  # the longer side: a tight MRZ crop is only ~4 caps tall
    ok = (h >= 5) & (h <= limit) & (w >= 2) & (w <= 30 * h) & (area >= 0.1 * w * h)
    x, y, w, h = x[ok], y[ok], w[ok], h[ok]
    if len(x) < min_glyphs:
        return []
    # Split long components (touching glyphs, merged '<<<<' runs) into glyph-wide pieces so that a
    # chain does not break at them and the glyph count stays right.
    pieces = np.maximum(1, np.round(w / (0.85 * h)).astype(np.int64))
    idx = np.repeat(np.arange(len(x)), pieces)
    k = np.arange(pieces.sum()) - np.repeat(np.cumsum(pieces) - pieces, pieces)
    pw = w[idx] / pieces[idx]
    px = x[idx] + k * pw
    py, ph = y[idx], h[idx]
    cx, cy = px + pw / 2, py + ph / 2
    pairs_i, pairs_j = neighbour_pairs(np.column_stack([cx, cy]), ph * 1.3)
    if len(pairs_i) == 0:
        return []
    hi, hj = ph[pairs_i], ph[pairs_j]
    hmax = np.maximum(hi, hj)
    ratio = np.minimum(hi, hj) / hmax
    dy = np.abs(cy[pairs_i] - cy[pairs_j])
    # Gap between boxes, not centre distance: glyphs of varying width at one pitch.
    gap = np.abs(cx[pairs_i] - cx[pairs_j]) - (pw[pairs_i] + pw[pairs_j]) / 2
    link = (ratio >= 0.5) & (dy <= 0.3 * hmax) & (gap <= 1.0 * hmax) & (gap >= -0.3 * hmax)
    labels = _union(len(cx), pairs_i[link], pairs_j[link])
    lines: list[MrzLine] = []
    for lab in np.unique(labels):
        members = np.flatnonzero(labels == lab)
        if len(members) < min_glyphs:
            continue
        line = _line_from(cx[members], cy[members], px[members], pw[members], ph[members])
        if line is not None:
            lines.append(line)
    return _merge_collinear(lines)


def _line_from(
    cx: NDArray[np.float64],
    cy: NDArray[np.float64],
    px: NDArray[np.float64],
    pw: NDArray[np.float64],
    ph: NDArray[np.float64],
) -> MrzLine | None:
    cap = float(np.percentile(ph, 80))
    order = np.argsort(cx)
    gaps = np.diff(cx[order])
    gaps = gaps[(gaps > 0.4 * cap) & (gaps < 2.2 * cap)]
    if len(gaps) < 5:
        return None
    pitch = float(np.median(gaps))
    x1, x2 = float(px.min()), float((px + pw).max())
    mid = (x1 + x2) / 2
    keep = np.ones(len(cx), dtype=bool)
    slope, y = 0.0, float(np.median(cy))
    for _ in range(2):
        slope, y = (float(v) for v in np.polyfit(cx[keep] - mid, cy[keep], 1))
        keep = np.abs(cy - (y + slope * (cx - mid))) <= 0.25 * cap
        if keep.sum() < 5:
            slope, y = 0.0, float(np.median(cy))
            break
    if abs(slope) > MAX_LINE_SLOPE:
        slope, y = 0.0, float(np.median(cy))
    return MrzLine(y=y, x1=x1, x2=x2, cap=cap, pitch=pitch, glyphs=len(cx), slope=slope)


def _merge_collinear(lines: list[MrzLine]) -> list[MrzLine]:
    """Join pieces of one line split by a faint or missing glyph."""
    lines = sorted(lines, key=lambda ln: (ln.y, ln.x1))
    merged: list[MrzLine] = []
    for ln in lines:
        for i, m in enumerate(merged):
            same = abs(m.y - ln.y) <= 0.3 * m.cap and 0.75 <= ln.cap / m.cap <= 1.33
            gap = max(ln.x1 - m.x2, m.x1 - ln.x2)
            if same and gap <= 3.5 * max(m.pitch, ln.pitch):
                mid = (min(m.x1, ln.x1) + max(m.x2, ln.x2)) / 2
                merged[i] = MrzLine(
                    y=(m.y_at(mid) * m.glyphs + ln.y_at(mid) * ln.glyphs) / (m.glyphs + ln.glyphs),
                    x1=min(m.x1, ln.x1),
                    x2=max(m.x2, ln.x2),
                    cap=max(m.cap, ln.cap),
                    pitch=(m.pitch * m.glyphs + ln.pitch * ln.glyphs) / (m.glyphs + ln.glyphs),
                    glyphs=m.glyphs + ln.glyphs,
                    slope=(m.slope * m.glyphs + ln.slope * ln.glyphs) / (m.glyphs + ln.glyphs),
                )
                break
        else:
            merged.append(ln)
    return merged


def group_bands(lines: list[MrzLine]) -> list[tuple[tuple[MrzLine, ...], float]]:
    """Sets of 2-3 consecutive lines that look like one MRZ, with a score."""
    lines = sorted((ln for ln in lines if ln.chars >= 20), key=lambda ln: ln.y)
    bands: list[tuple[tuple[MrzLine, ...], float]] = []
    for i, first in enumerate(lines):
        group = [first]
        for other in lines[i + 1 :]:
            last = group[-1]
            if _fits(last, other):
                group.append(other)
                if len(group) == 3:
                    break
            elif other.y - last.y > 3.0 * last.cap:
                break
        if len(group) >= 2:
            bands.append((tuple(group), _score(group)))
    return bands


def completed_bands(
    lines: list[MrzLine], fragments: list[MrzLine]
) -> list[tuple[tuple[MrzLine, ...], float]]:
    """Bands of one full line and a neighbour line seen only in pieces.

    Glare or a photocopier can wipe out a stretch of one MRZ line: what is left are pieces too
    short to count as a line.  Pieces at one line spacing above or below a lone full-length line,
    with its cap height and pitch and within its extent, stand for the other line (as long as the
    full one: every MRZ line of a document has the same length).
    """
    out: list[tuple[tuple[MrzLine, ...], float]] = []
    for line in lines:
        # A clear line of an MRZ length, its glyphs evenly pitched.
        if min(abs(line.chars - n) for n in (30.0, 36.0, 44.0)) > 3.0:
            continue
        if line.glyphs < 0.8 * line.chars:
            continue
        for sign in (-1.0, 1.0):
            near = [
                f
                for f in fragments
                if 1.15 * line.cap
                <= sign * (f.y_at((f.x1 + f.x2) / 2) - line.y_at((f.x1 + f.x2) / 2))
                <= 3.0 * line.cap
                and 0.75 <= f.cap / line.cap <= 1.33
                and 0.8 <= f.pitch / line.pitch <= 1.25
                and f.x1 >= line.x1 - 1.5 * line.pitch
                and f.x2 <= line.x2 + 1.5 * line.pitch
                and f.glyphs >= 0.7 * f.chars
            ]
            if not near:
                continue
            # The pieces of one line: those at the level of the piece nearest the full line.
            nearest = min(near, key=lambda f: abs(f.y - line.y))
            row = [
                f for f in near if abs(f.y_at(line.x1) - nearest.y_at(line.x1)) <= 0.3 * line.cap
            ]
            glyphs = sum(f.glyphs for f in row)
            if glyphs < 0.25 * line.chars:
                continue
            mid = (line.x1 + line.x2) / 2
            y = float(np.average([f.y_at(mid) for f in row], weights=[f.glyphs for f in row]))
            other = MrzLine(
                y=y,
                x1=line.x1,
                x2=line.x2,
                cap=line.cap,
                pitch=line.pitch,
                glyphs=glyphs,
                slope=line.slope,
            )
            group = [other, line] if sign < 0 else [line, other]
            out.append((tuple(group), _score(group) - 10.0))
    return out


def _fits(a: MrzLine, b: MrzLine) -> bool:
    cap = max(a.cap, b.cap)
    pitch = max(a.pitch, b.pitch)
    return (
        0.75 <= b.cap / a.cap <= 1.33
        and 0.8 <= b.pitch / a.pitch <= 1.25
        and 1.15 * cap <= b.y - a.y <= 3.0 * cap
        and abs(a.x1 - b.x1) <= 2.5 * pitch
        and abs(a.x2 - b.x2) <= 4.5 * pitch
    )


def _score(group: list[MrzLine]) -> float:
    chars = [ln.chars for ln in group]
    n = float(np.median(chars))
    target = min((30.0, 36.0, 44.0), key=lambda t: abs(t - n))
    closeness = max(0.0, 1.0 - abs(n - target) / 8.0)
    regular = float(np.mean([min(1.0, ln.glyphs / max(ln.chars, 1.0)) for ln in group]))
    return len(group) * 10.0 + 40.0 * closeness + 20.0 * regular


def _union(n: int, a: NDArray[np.int64], b: NDArray[np.int64]) -> NDArray[np.int64]:
    parent = np.arange(n)

    def find(i: int) -> int:
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return root

    for i, j in zip(a.tolist(), b.tolist(), strict=True):
        ri, rj = find(i), find(j)
        if ri != rj:
            parent[max(ri, rj)] = min(ri, rj)
    return np.array([find(i) for i in range(n)], dtype=np.int64)
