"""Find the card or page in a photo or scan and rectify it with a homography.

A card photographed on a table is found as the convex four-sided outline with the best support
on a small copy (640 px).  Candidates come from several sources, since each alone fails on some
backgrounds: a watershed grown from the picture's centre against its border (it crosses wood
grain, stripes and uneven light before a sharp page edge), edges (Canny), brightness (Otsu) and
colour distance to the border's colours; when none of them gives a clean outline, outlines made
of Hough lines and rough outlines with their sides snapped onto nearby straight edges are tried
too.  Each candidate is scored by how much of each side shows a sharp, straight colour step with
one direction (textures and text have sharp steps too, but scattered), its area and how well its
aspect ratio fits a known document size (ID-1 card 85.60 x 53.98 mm, TD3 passport page 125 x 88
mm).  Outlines with document colour beyond a side (a block inside a larger document) or on a page
that fills the picture are rejected.  The winner is refined at full size.  When nothing plausible
is found the whole image is taken as the document (a flat scan), and the result says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from docscreen.models import Box

Point = tuple[float, float]

ID1_MM = (85.60, 53.98)
TD3_MM = (125.0, 88.0)
ID1_ASPECT = ID1_MM[0] / ID1_MM[1]  # 1.586
TD3_ASPECT = TD3_MM[0] / TD3_MM[1]  # 1.420

# Work on a copy this size: contours are stable and it costs a few milliseconds.
_WORK_SIDE = 640
# A quad must cover this share of the image to be taken as the document.
_MIN_AREA_FRACTION = 0.12
# Corners closer than this share of the side to the image edge count as touching it.
_BORDER_FRACTION = 0.01
# An image whose own aspect ratio is this close to a document's (1.0 = exact) is taken as a scan
# cropped to the document when no larger outline is found inside it.
_FULL_FRAME_FIT = 0.94
# A candidate outline needs a sharp colour step along this share of its measurable sides (mean),
# and along at least the second share on every one of them.
_MIN_SUPPORT = 0.6
_MIN_SIDE_SUPPORT = 0.3
# Outlines assembled from Hough lines (text rows are lines too) need this on every side.
_MIN_LINE_SIDE_SUPPORT = 0.5
# Below this mean side support the best outline is taken as rough and the sides of the largest
# few candidates are snapped onto nearby straight edges (costs ~10 ms a candidate).
_SNAP_BELOW = 0.9
_SNAP_MAX = 4
# Most an outline's side ratio may differ from ID-1's or TD3's (log ratio; 0.3 = 35 %).
_MAX_ASPECT_OFF = 0.3


@dataclass(frozen=True)
class Quad:
    """The document outline: corners top-left, top-right, bottom-right, bottom-left (image px)."""

    points: tuple[Point, Point, Point, Point]
    found: bool  # False: no outline found, the whole image is assumed to be the document
    score: float = 0.0
    touches_border: tuple[str, ...] = ()  # image sides the outline runs along: top/right/...

    @property
    def width_px(self) -> float:
        (tl, tr, br, bl) = self.points
        return (_dist(tl, tr) + _dist(bl, br)) / 2.0

    @property
    def height_px(self) -> float:
        (tl, tr, br, bl) = self.points
        return (_dist(tl, bl) + _dist(tr, br)) / 2.0

    @property
    def aspect(self) -> float:
        h = self.height_px
        return self.width_px / h if h > 0 else 0.0

    def to_list(self) -> list[list[float]]:
        return [[round(x, 1), round(y, 1)] for x, y in self.points]


@dataclass(frozen=True)
class Rectified:
    """A document warped flat, with the homographies both ways and its resolution."""

    image: NDArray[np.uint8]
    quad: Quad
    forward: NDArray[np.float64]  # image -> rectified
    inverse: NDArray[np.float64]  # rectified -> image
    size_mm: tuple[float, float]
    px_per_mm: float  # resolution of the document in the ORIGINAL image
    layout: str  # "ID1" | "TD3" | "unknown"

    def to_image_box(self, box: Box) -> Box:
        """Map a box in rectified coordinates back to the original image."""
        return map_box(box, self.inverse)


def _dist(a: Point, b: Point) -> float:
    return float(np.hypot(a[0] - b[0], a[1] - b[1]))


def order_corners(pts: NDArray[np.float64]) -> tuple[Point, Point, Point, Point]:
    """Order four points as top-left, top-right, bottom-right, bottom-left (image orientation)."""
    c = pts.mean(axis=0)
    ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
    ordered = pts[np.argsort(ang)]  # clockwise in image coordinates, starting near the left
    # Start from the point with the smallest x + y (top-left).
    start = int(np.argmin(ordered.sum(axis=1)))
    ordered = np.roll(ordered, -start, axis=0)
    p = [(float(x), float(y)) for x, y in ordered]
    return (p[0], p[1], p[2], p[3])


def _aspect_fit(aspect: float) -> float:
    """1.0 when the long/short ratio matches ID-1 or TD3, falling towards 0 as it moves away."""
    a = aspect if aspect >= 1 else 1 / max(aspect, 1e-6)
    best = min(abs(np.log(a / ID1_ASPECT)), abs(np.log(a / TD3_ASPECT)))
    return float(max(0.0, 1.0 - best / 0.35))


def _quad_from_contour(cnt: NDArray[Any]) -> NDArray[np.float64] | None:
    hull = cv2.convexHull(cnt)
    peri = cv2.arcLength(hull, True)
    for eps in (0.01, 0.02, 0.03, 0.05, 0.08):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            return approx.reshape(4, 2).astype(np.float64)
    # Rounded card corners and clutter: the minimum-area rectangle is a fair outline.
    rect = cv2.minAreaRect(hull)
    return cv2.boxPoints(rect).astype(np.float64)


def background_distance(small: NDArray[np.uint8]) -> NDArray[np.uint8]:
    """How far each pixel's colour is from the colours along the image border (0..255).

    A document photographed on a table sits inside the picture, so the border shows the table;
    its colours (a few clusters, for wood grain or cloth) model the background even when the
    card's brightness is close to the table's.
    """
    full_h, full_w = small.shape[:2]
    # Colour is smooth: half resolution is plenty and four times cheaper.
    half = cv2.resize(
        small, (max(1, full_w // 2), max(1, full_h // 2)), interpolation=cv2.INTER_AREA
    )
    lab = cv2.cvtColor(half, cv2.COLOR_BGR2LAB).astype(np.float32)
    h, w = lab.shape[:2]
    m = max(2, round(0.03 * min(h, w)))
    border = np.concatenate(
        [
            lab[:m].reshape(-1, 3),
            lab[-m:].reshape(-1, 3),
            lab[:, :m].reshape(-1, 3),
            lab[:, -m:].reshape(-1, 3),
        ]
    )
    step = max(1, len(border) // 2000)
    samples = np.ascontiguousarray(border[::step])
    k = min(6, len(samples))
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 1.0)
    labels0 = np.zeros((len(samples), 1), dtype=np.int32)
    # k-means++ draws its seeds from OpenCV's per-thread RNG: reset it so that an image's outline
    # (and so its reading) never depends on what the same process read before it.
    cv2.setRNGSeed(0)
    _, _, centers = cv2.kmeans(samples, k, labels0, criteria, 2, cv2.KMEANS_PP_CENTERS)
    flat = lab.reshape(-1, 3)
    dist: NDArray[Any] = np.full(len(flat), np.inf, dtype=np.float32)
    for c in centers:
        dist = np.minimum(dist, np.linalg.norm(flat - c[None, :], axis=1))
    out = np.asarray(np.clip(dist.reshape(h, w) * 4.0, 0, 255), dtype=np.uint8)
    return np.asarray(
        cv2.resize(out, (full_w, full_h), interpolation=cv2.INTER_LINEAR), dtype=np.uint8
    )


def _contours(mask: NDArray[Any]) -> list[NDArray[Any]]:
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((15, 15), np.uint8))
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, np.ones((9, 9), np.uint8))
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    return list(contours)


def _candidates(
    gray: NDArray[np.uint8], dist: NDArray[np.uint8] | None = None
) -> list[NDArray[Any]]:
    out: list[NDArray[Any]] = []
    if dist is not None:
        otsu, _ = cv2.threshold(dist, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
        # Uneven light darkens part of the page: lower cuts keep it whole; scoring picks the best.
        for cut in (otsu, 0.6 * otsu, 0.35 * otsu):
            out.extend(_contours(np.asarray(dist > cut, dtype=np.uint8) * 255))
    blur = cv2.GaussianBlur(gray, (5, 5), 0)
    med = float(np.median(blur))
    edges = cv2.Canny(blur, int(max(10, 0.66 * med)), int(min(255, 1.33 * med + 20)))
    edges = cv2.dilate(edges, np.ones((3, 3), np.uint8), iterations=2)
    # RETR_LIST: when table texture touches the page edge the outer contour is the whole frame,
    # but the page is still the hole inside its own edge ring.
    contours, _ = cv2.findContours(edges, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    out.extend(contours)
    # Brightness segmentation: the document is usually lighter than the surface under it.
    strong = cv2.GaussianBlur(gray, (0, 0), 3)
    _, bright = cv2.threshold(strong, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    out.extend(_contours(bright))
    out.extend(_contours(255 - bright))
    return out


def _touching(pts: NDArray[np.float64], w: int, h: int) -> tuple[str, ...]:
    mx = _BORDER_FRACTION * w + 1
    my = _BORDER_FRACTION * h + 1
    sides: list[str] = []
    xs, ys = pts[:, 0], pts[:, 1]
    if int((ys <= my).sum()) >= 2:
        sides.append("top")
    if int((xs >= w - 1 - mx).sum()) >= 2:
        sides.append("right")
    if int((ys >= h - 1 - my).sum()) >= 2:
        sides.append("bottom")
    if int((xs <= mx).sum()) >= 2:
        sides.append("left")
    return tuple(sides)


def _line_intersection(
    l1: tuple[NDArray[np.float64], NDArray[np.float64]],
    l2: tuple[NDArray[np.float64], NDArray[np.float64]],
) -> NDArray[np.float64] | None:
    (p1, d1), (p2, d2) = l1, l2
    den = d1[0] * d2[1] - d1[1] * d2[0]
    if abs(den) < 1e-6:
        return None
    t = ((p2[0] - p1[0]) * d2[1] - (p2[1] - p1[1]) * d2[0]) / den
    return np.asarray(p1 + t * d1, dtype=np.float64)


def refine_quad(gray: NDArray[np.uint8], pts: NDArray[np.float64]) -> NDArray[np.float64]:
    """Sharpen an outline found on a small copy: fit a line to each side's edge at full size.

    The small copy puts corners a few pixels off, which under perspective and blur shifts every
    field by a few percent.  Along each side the strongest brightness step within a few percent
    of the side's length (searched along the normal) is the edge; a robust line through those
    points per side, intersected with its neighbours, gives sub-pixel corners.  Sides with too
    few consistent edge points (on the image border, cut off) keep their original line.
    """
    h, w = gray.shape[:2]
    q = np.array(order_corners(pts), dtype=np.float64)
    c = q.mean(axis=0)
    g = cv2.GaussianBlur(gray, (0, 0), 1.2).astype(np.float32)
    lines: list[tuple[NDArray[np.float64], NDArray[np.float64]]] = []
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        d = b - a
        length = float(np.hypot(d[0], d[1]))
        if length < 20:
            return pts
        u = d / length
        normal = np.array([-u[1], u[0]])
        if np.dot(c - (a + b) / 2, normal) < 0:
            normal = -normal  # inwards
        r = max(4, round(0.025 * length))
        offs = np.arange(-r, r + 1, dtype=np.float64)
        ts = np.linspace(0.08, 0.92, 48)
        base = a[None, :] + ts[:, None] * d[None, :]
        xy = base[:, None, :] + offs[None, :, None] * normal[None, None, :]
        mx = xy[..., 0].astype(np.float32)
        my = xy[..., 1].astype(np.float32)
        prof = cv2.remap(
            g, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=-1
        )
        valid = (
            (xy[..., 0] >= 1) & (xy[..., 0] <= w - 2) & (xy[..., 1] >= 1) & (xy[..., 1] <= h - 2)
        ).all(axis=1)
        grad = np.diff(prof, axis=1)  # outside -> inside
        # The page's step has one sign all along the side: take the dominant one.
        sign = (
            1.0
            if float(np.median(grad[valid].max(axis=1) if valid.any() else [0]))
            >= float(np.median(-grad[valid].min(axis=1) if valid.any() else [0]))
            else -1.0
        )
        sg = grad * sign
        k = sg.argmax(axis=1)
        strength = sg[np.arange(len(ts)), k]
        good = valid & (strength >= 6.0) & (k > 0) & (k < len(offs) - 2)
        if int(good.sum()) < 12:
            lines.append((a, u))
            continue
        # Sub-pixel peak by a parabola through the neighbours.
        idx = np.arange(len(ts))[good]
        kk = k[good]
        y0, y1, y2 = sg[idx, kk - 1], sg[idx, kk], sg[idx, kk + 1]
        den = y0 - 2 * y1 + y2
        frac = np.where(np.abs(den) > 1e-6, 0.5 * (y0 - y2) / np.where(den == 0, 1, den), 0.0)
        off = offs[kk] + 0.5 + np.clip(frac, -0.5, 0.5)
        edge = base[good] + off[:, None] * normal[None, :]
        fit = cv2.fitLine(edge.astype(np.float32), cv2.DIST_HUBER, 0, 0.01, 0.01).reshape(-1)
        lines.append(
            (np.array([fit[2], fit[3]], np.float64), np.array([fit[0], fit[1]], np.float64))
        )
    out = np.zeros((4, 2), dtype=np.float64)
    for i in range(4):
        p = _line_intersection(lines[(i - 1) % 4], lines[i])
        if p is None:
            return pts
        out[i] = p
    # A refinement moves corners by a few pixels; a large jump means a wrong edge was followed.
    limit = 0.015 * max(float(np.hypot(*(q[1] - q[0]))), float(np.hypot(*(q[3] - q[0]))))
    if float(np.abs(out - q).max()) > limit:
        return pts
    return out


def _features(small: NDArray[np.uint8]) -> NDArray[np.float32]:
    """Smoothed Lab colour (three channels, float) of the small copy, for edge measurements."""
    img = small if small.ndim == 3 else cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
    blur = cv2.GaussianBlur(img, (0, 0), 1.0)
    return np.asarray(cv2.cvtColor(blur, cv2.COLOR_BGR2LAB), dtype=np.float32)


# Along each side, points every few pixels are checked for a sharp colour step: the step from
# 2 px outside to 2 px inside, less the change over the next 4 px on either side (a smooth
# gradient -- uneven light, wood grain -- scores about zero, a page edge scores its full step).
_STEP_SAMPLES = 40
_STEP_SEARCH = 4  # px either side of the candidate line
_STEP_MIN = 9.0  # Lab units


def _side_support(
    feat: NDArray[np.float32], pts: NDArray[np.float64]
) -> tuple[list[float], list[bool]]:
    """Per side (TL-TR, TR-BR, BR-BL, BL-TL): share of points with a sharp step; on-border flags.

    A side lying along the image border (a cut-off document) cannot be measured: its support is
    reported as -1 and its flag is True.
    """
    h, w = feat.shape[:2]
    q = np.array(order_corners(pts), dtype=np.float64)
    c = q.mean(axis=0)
    margin = max(2.0, 0.01 * max(h, w))
    supports: list[float] = []
    border: list[bool] = []
    offs = np.arange(-_STEP_SEARCH - 6, _STEP_SEARCH + 7, dtype=np.float64)
    ts = np.linspace(0.06, 0.94, _STEP_SAMPLES)
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        d = b - a
        length = float(np.hypot(d[0], d[1]))
        mid = (a + b) / 2
        on_border = bool(
            (min(a[0], b[0]) <= margin and max(a[0], b[0]) <= margin + 0.02 * w)
            or (max(a[0], b[0]) >= w - 1 - margin and min(a[0], b[0]) >= w - 1 - margin - 0.02 * w)
            or (min(a[1], b[1]) <= margin and max(a[1], b[1]) <= margin + 0.02 * h)
            or (max(a[1], b[1]) >= h - 1 - margin and min(a[1], b[1]) >= h - 1 - margin - 0.02 * h)
        )
        if length < 8 or on_border:
            supports.append(-1.0)
            border.append(True)
            continue
        u = d / length
        normal = np.array([-u[1], u[0]])
        if np.dot(c - mid, normal) < 0:
            normal = -normal  # inwards
        base = a[None, :] + ts[:, None] * d[None, :]
        xy = base[:, None, :] + offs[None, :, None] * normal[None, None, :]
        inside = (
            (xy[..., 0] >= 0) & (xy[..., 0] <= w - 1) & (xy[..., 1] >= 0) & (xy[..., 1] <= h - 1)
        ).all(axis=1)
        if int(inside.sum()) < _STEP_SAMPLES // 3:
            supports.append(-1.0)
            border.append(True)
            continue
        prof = cv2.remap(
            feat,
            xy[..., 0].astype(np.float32),
            xy[..., 1].astype(np.float32),
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_REPLICATE,
        )  # (samples, offsets, 3)
        k0 = 6
        n = 2 * _STEP_SEARCH + 1
        centre = np.arange(k0, k0 + n)
        step = np.linalg.norm(prof[:, centre + 2] - prof[:, centre - 2], axis=2)
        drift = 0.5 * (
            np.linalg.norm(prof[:, centre + 6] - prof[:, centre + 2], axis=2)
            + np.linalg.norm(prof[:, centre - 2] - prof[:, centre - 6], axis=2)
        )
        score = step - drift
        at = score.argmax(axis=1)
        sharp = score[np.arange(len(ts)), at]
        strong = inside & (sharp >= _STEP_MIN)
        if int(strong.sum()) < 4:
            supports.append(0.0)
            border.append(False)
            continue
        # A real edge is one straight line (the step's position follows a line along the side)
        # with one colour inside and another outside (the step's direction is the same all
        # along); a texture has sharp steps everywhere, at random places and in random directions.
        fit = np.polyfit(ts[strong], at[strong].astype(np.float64), 1)
        on_line = np.abs(at - np.polyval(fit, ts)) <= 1.5
        rows = np.arange(len(ts))
        vec = prof[rows, centre[at] + 2] - prof[rows, centre[at] - 2]
        keep = strong & on_line
        if int(keep.sum()) < 4:
            supports.append(0.0)
            border.append(False)
            continue
        v = vec[keep]
        coherence = float(
            np.linalg.norm(v.mean(axis=0)) / (np.linalg.norm(v, axis=1).mean() + 1e-6)
        )
        share = float(keep.sum() / max(1, int(inside.sum())))
        supports.append(share * min(1.0, coherence / 0.6))
        border.append(False)
    return supports, border


def _step_profile(
    feat: NDArray[np.float32],
    a: NDArray[np.float64],
    d: NDArray[np.float64],
    normal: NDArray[np.float64],
    ts: NDArray[np.float64],
    reach: int,
) -> tuple[NDArray[np.float32], NDArray[np.float32], NDArray[np.bool_]]:
    """Sharp-step strength at offsets -reach..reach along the normal of points a + t d.

    Returns (strength (samples, 2 reach + 1), step vectors (samples, 2 reach + 1, 3), inside).
    """
    h, w = feat.shape[:2]
    offs = np.arange(-reach - 6, reach + 7, dtype=np.float64)
    base = a[None, :] + ts[:, None] * d[None, :]
    xy = base[:, None, :] + offs[None, :, None] * normal[None, None, :]
    inside = (
        (xy[..., 0] >= 0) & (xy[..., 0] <= w - 1) & (xy[..., 1] >= 0) & (xy[..., 1] <= h - 1)
    )[:, 6:-6].all(axis=1)
    prof = cv2.remap(
        feat,
        xy[..., 0].astype(np.float32),
        xy[..., 1].astype(np.float32),
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    centre = np.arange(6, 6 + 2 * reach + 1)
    vec = prof[:, centre + 2] - prof[:, centre - 2]
    step = np.linalg.norm(vec, axis=2)
    drift = 0.5 * (
        np.linalg.norm(prof[:, centre + 6] - prof[:, centre + 2], axis=2)
        + np.linalg.norm(prof[:, centre - 2] - prof[:, centre - 6], axis=2)
    )
    return (
        np.asarray(step - drift, dtype=np.float32),
        np.asarray(vec, dtype=np.float32),
        np.asarray(inside, dtype=np.bool_),
    )


def _snap(feat: NDArray[np.float32], pts: NDArray[np.float64]) -> NDArray[np.float64] | None:
    """Move each side of a rough outline onto the straight edge near it (small copy).

    A region that leaked into the table or stopped short of the page edge along one side still
    has that edge within a few percent of the document's size: along each side, the strongest
    sharp steps within that reach are collected and the straight line through most of them
    (a small RANSAC) replaces the side.  Sides with no such line are kept.
    """
    q = np.array(order_corners(pts), dtype=np.float64)
    c = q.mean(axis=0)
    ts = np.linspace(0.05, 0.95, 48)
    sides = [float(np.hypot(*(q[(i + 1) % 4] - q[i]))) for i in range(4)]
    rng = np.random.default_rng(0)
    lines: list[tuple[NDArray[np.float64], NDArray[np.float64]]] = []
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        d = b - a
        length = sides[i]
        if length < 20:
            return None
        u = d / length
        normal = np.array([-u[1], u[0]])
        if np.dot(c - (a + b) / 2, normal) < 0:
            normal = -normal
        across = min(sides[(i + 1) % 4], sides[(i + 3) % 4])
        reach = max(4, round(0.1 * across))
        strength, _, inside = _step_profile(feat, a, d, normal, ts, reach)
        # Up to three local peaks per sample point.
        pk_t: list[float] = []
        pk_o: list[float] = []
        pk_w: list[float] = []
        for j in np.flatnonzero(inside):
            row = strength[j]
            order = np.argsort(row)[::-1][:6]
            taken: list[int] = []
            for k in order:
                if row[k] < _STEP_MIN or len(taken) >= 3:
                    break
                if all(abs(int(k) - t) > 2 for t in taken):
                    taken.append(int(k))
                    pk_t.append(float(ts[j]))
                    pk_o.append(float(k - reach))
                    pk_w.append(float(row[k]))
        if len(pk_t) < 8:
            lines.append((a, u))
            continue
        tt, oo = np.array(pk_t), np.array(pk_o)
        best_n, best_fit = 0, None
        for _ in range(60):
            i1, i2 = rng.choice(len(tt), 2, replace=False)
            if abs(tt[i1] - tt[i2]) < 0.25:
                continue
            slope = (oo[i2] - oo[i1]) / (tt[i2] - tt[i1])
            inl = np.abs(oo - (oo[i1] + slope * (tt - tt[i1]))) <= 1.5
            n = len(np.unique(tt[inl]))
            if n > best_n:
                best_n, best_fit = n, inl
        if best_fit is None or best_n < 0.4 * len(ts):
            lines.append((a, u))
            continue
        fit = np.polyfit(tt[best_fit], oo[best_fit], 1)
        p0 = a + float(np.polyval(fit, 0.0)) * normal
        p1 = a + d + float(np.polyval(fit, 1.0)) * normal
        dd = p1 - p0
        lines.append((p0, dd / (np.hypot(dd[0], dd[1]) + 1e-9)))
    out = np.zeros((4, 2), dtype=np.float64)
    for i in range(4):
        p = _line_intersection(lines[(i - 1) % 4], lines[i])
        if p is None:
            return None
        out[i] = p
    if not _convex(out):
        return None
    return out


def _continues_outside(feat: NDArray[np.float32], pts: NDArray[np.float64]) -> bool:
    """True when, beyond one side, the picture looks like the document rather than the table.

    An outline inside a larger document (the page without its MRZ band, a card cut off by the
    picture's edge, with only its text block found) has page colour beyond one side, while a
    real outline has the same table beyond every side.  Sides along the image border are skipped.
    """
    h, w = feat.shape[:2]
    q = np.array(order_corners(pts), dtype=np.float64)
    c = q.mean(axis=0)
    ts = np.linspace(0.1, 0.9, 24)
    outs: list[NDArray[np.float64]] = []
    ins: list[NDArray[np.float64]] = []
    for i in range(4):
        a, b = q[i], q[(i + 1) % 4]
        d = b - a
        length = float(np.hypot(d[0], d[1]))
        if length < 8:
            return False
        u = d / length
        normal = np.array([-u[1], u[0]])
        if np.dot(c - (a + b) / 2, normal) < 0:
            normal = -normal
        base = a[None, :] + ts[:, None] * d[None, :]
        band = np.arange(5.0, 13.0)
        o = base[:, None, :] - band[None, :, None] * normal[None, None, :]
        n = base[:, None, :] + band[None, :, None] * normal[None, None, :]
        ok = (o[..., 0] >= 0) & (o[..., 0] <= w - 1) & (o[..., 1] >= 0) & (o[..., 1] <= h - 1)
        if ok.mean() < 0.8:
            outs.append(np.full(3, np.nan))
        else:
            vals = feat[np.rint(o[ok][:, 1]).astype(int), np.rint(o[ok][:, 0]).astype(int)]
            outs.append(np.median(vals, axis=0).astype(np.float64))
        n = n.reshape(-1, 2)
        nok = (n[:, 0] >= 0) & (n[:, 0] <= w - 1) & (n[:, 1] >= 0) & (n[:, 1] <= h - 1)
        ins.append(feat[np.rint(n[nok, 1]).astype(int), np.rint(n[nok, 0]).astype(int)])
    inside = np.median(np.concatenate(ins), axis=0).astype(np.float64)
    measured = [i for i in range(4) if not np.isnan(outs[i]).any()]
    if len(measured) < 3:
        return False
    if sum(float(np.linalg.norm(outs[i] - inside)) < 6.0 for i in measured) >= 3:
        return True  # the same paper inside and out: a block of print, not a document's edge
    for i in measured:
        others = np.median(np.array([outs[j] for j in measured if j != i]), axis=0)
        to_inside = float(np.linalg.norm(outs[i] - inside))
        to_table = float(np.linalg.norm(outs[i] - others))
        if to_inside < 0.5 * to_table:
            return True
    return False


def _line_quads(
    gray: NDArray[np.uint8], feat: NDArray[np.float32], limit: int = 8
) -> list[NDArray[np.float64]]:
    """Outlines made of four straight edge lines (Hough), for pages whose edge has gaps.

    A light page on a light table (a photocopy's blown-out stripes) loses parts of its edge, so
    no region is closed, but the remaining pieces still lie on four straight lines.  The strongest
    lines are paired into two roughly parallel pairs at roughly right angles; the combinations
    with the most edge pixels along their sides are returned (scored in full by the caller).
    """
    h, w = gray.shape[:2]
    blur = cv2.GaussianBlur(gray, (0, 0), 1.5)
    # Low fixed thresholds: a weak page edge counts, clutter is sorted out by the scoring.
    edges = cv2.Canny(blur, 20, 50)
    found = cv2.HoughLines(edges, 1, np.pi / 180, max(30, round(0.12 * min(h, w))))
    if found is None:
        return []

    def gap(a: float, b: float) -> float:
        return abs((a - b + np.pi / 2) % np.pi - np.pi / 2)

    # Hough votes count any edge pixels (text rows, table stripes); a page edge is a sharp
    # step.  Distinct lines are re-ranked by how many points along them show a sharp step, and
    # the best few of each of the two directions a quad needs are kept.
    raw = found.reshape(-1, 2)[:1500]
    main = float(raw[0][1]) % np.pi
    pool: list[tuple[float, float, int, int]] = []  # rho, theta, group, sharp points
    ts = np.linspace(0.0, 1.0, 64)
    span = float(np.hypot(h, w))
    for rho, theta in raw:
        r, t = float(rho), float(theta)
        if r < 0:
            r, t = -r, t - np.pi
        off = gap(t % np.pi, main)
        if np.radians(25) < off < np.radians(65):
            continue  # neither direction (a diagonal pattern)
        group = 0 if off <= np.radians(25) else 1
        if sum(1 for p in pool if p[2] == group) >= 30:
            continue
        if any(
            gap(t % np.pi, t2 % np.pi) < np.radians(1.5) and abs(r - r2) < 0.015 * min(h, w)
            for r2, t2, _, _ in pool
        ):
            continue
        normal = np.array([np.cos(t), np.sin(t)])
        along = np.array([-np.sin(t), np.cos(t)])
        start = r * normal - span * along
        strength, _, inside = _step_profile(feat, start, 2 * span * along, normal, ts, 2)
        # Points outside the picture give no sharp step: no need to clip the line.
        sharp = int(((strength.max(axis=1) >= _STEP_MIN) & inside).sum())
        pool.append((r, t, group, sharp))
        if len(pool) >= 60:
            break
    kept: list[tuple[float, float]] = []
    for group in (0, 1):
        best_lines = sorted((p for p in pool if p[2] == group), key=lambda p: -p[3])[:7]
        kept.extend((p[0], p[1]) for p in best_lines if p[3] >= 4)
    lines = [
        (np.array([r * np.cos(t), r * np.sin(t)]), np.array([-np.sin(t), np.cos(t)]))
        for r, t in kept
    ]
    angles = [t % np.pi for _, t in kept]
    pairs = [
        (i, j)
        for i in range(len(kept))
        for j in range(i + 1, len(kept))
        if gap(angles[i], angles[j]) < np.radians(20)
        and abs(
            float(np.dot(lines[i][0] - lines[j][0], np.array([-lines[i][1][1], lines[i][1][0]])))
        )
        > 0.2 * min(h, w)
    ]
    near = cv2.dilate(cv2.Canny(blur, 8, 20), np.ones((3, 3), np.uint8))
    ts = np.linspace(0.05, 0.95, 24)
    scored: list[tuple[float, NDArray[np.float64]]] = []
    for a, (i, j) in enumerate(pairs):
        for k, m in pairs[a + 1 :]:
            if len({i, j, k, m}) < 4:
                continue
            if abs(gap(angles[i], angles[k]) - np.pi / 2) > np.radians(30):
                continue
            corners = [
                _line_intersection(lines[i], lines[k]),
                _line_intersection(lines[k], lines[j]),
                _line_intersection(lines[j], lines[m]),
                _line_intersection(lines[m], lines[i]),
            ]
            if any(p is None for p in corners):
                continue
            pts = np.array(order_corners(np.array(corners, dtype=np.float64)))
            if (
                (pts[:, 0] < -0.02 * w).any()
                or (pts[:, 0] > 1.02 * w).any()
                or (pts[:, 1] < -0.02 * h).any()
                or (pts[:, 1] > 1.02 * h).any()
                or not _convex(pts)
            ):
                continue
            area = float(cv2.contourArea(pts.astype(np.float32)))
            if not _MIN_AREA_FRACTION * h * w <= area <= 0.98 * h * w:
                continue
            nxt = np.roll(pts, -1, axis=0)
            xy = pts[:, None, :] + ts[None, :, None] * (nxt - pts)[:, None, :]
            xi = np.clip(np.rint(xy[..., 0]).astype(int), 0, w - 1)
            yi = np.clip(np.rint(xy[..., 1]).astype(int), 0, h - 1)
            share = (near[yi, xi] > 0).mean(axis=1)
            if share.min() < 0.15:
                continue
            scored.append((float(share.mean()) * area / (h * w), pts))
    scored.sort(key=lambda r: -r[0])
    return [p for _, p in scored[:limit]]


def _plain_border(feat: NDArray[np.float32]) -> NDArray[np.float64] | None:
    """The colour of the picture's border when it is one plain colour (a page filling the
    picture, a blank wall), else None (a table with grain, stripes or shading)."""
    h, w = feat.shape[:2]
    m = max(2, round(0.02 * min(h, w)))
    strip = np.concatenate(
        [
            feat[:m].reshape(-1, 3),
            feat[-m:].reshape(-1, 3),
            feat[:, :m].reshape(-1, 3),
            feat[:, -m:].reshape(-1, 3),
        ]
    )
    lo, hi = np.percentile(strip, [10, 90], axis=0)
    if float(np.max(hi - lo)) > 12.0:
        return None
    return np.asarray(np.median(strip, axis=0), dtype=np.float64)


def _inside_like(
    feat: NDArray[np.float32], pts: NDArray[np.float64], plain: NDArray[np.float64] | None
) -> bool:
    """True when the outline's inside is the same plain colour as the picture's border: a block
    of print on a page that fills the picture, not a document lying on something."""
    if plain is None:
        return False
    h, w = feat.shape[:2]
    mask = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(mask, np.rint(pts).astype(np.int32), 1)
    inside = feat[mask > 0]
    if len(inside) < 16:
        return False
    # The paper, not the print: the lighter quarter of the inside (print is dark on paper).
    paper = np.percentile(inside, 75, axis=0)
    return bool(float(np.linalg.norm(paper - plain)) < 10.0)


def _watershed_contours(small: NDArray[np.uint8]) -> list[NDArray[Any]]:
    """The region grown from the picture's centre until it meets the region grown from its border.

    Flooding crosses smooth changes (wood grain, stripes, uneven light) before sharp ones, so the
    two floods meet on the strongest closed boundary between the centre and the border: the
    document's edge when the document covers the centre, even when its brightness is close to
    the table's.
    """
    img = small if small.ndim == 3 else cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
    h, w = img.shape[:2]
    blur = np.ascontiguousarray(cv2.GaussianBlur(img, (0, 0), 1.5), dtype=np.uint8)
    out: list[NDArray[Any]] = []
    for frac in (0.1, 0.25):
        markers = np.zeros((h, w), dtype=np.int32)
        # (watershed claims the outermost pixel row for itself: the seed is the next two)
        markers[:3, :] = markers[-3:, :] = 1
        markers[:, :3] = markers[:, -3:] = 1
        ry, rx = max(1, round(frac * h)), max(1, round(frac * w))
        markers[h // 2 - ry : h // 2 + ry, w // 2 - rx : w // 2 + rx] = 2
        cv2.watershed(blur, markers)
        seg = np.asarray(markers == 2, dtype=np.uint8) * 255
        opened = cv2.morphologyEx(seg, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
        contours, _ = cv2.findContours(opened, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
        out.extend(contours)
    return out


def _convex(pts: NDArray[np.float64]) -> bool:
    return bool(cv2.isContourConvex(np.rint(pts).astype(np.int32).reshape(-1, 1, 2)))


def _score(
    feat: NDArray[np.float32],
    pts: NDArray[np.float64],
    area: float,
    total: float,
    *,
    min_side: float = 0.0,
) -> tuple[float, float]:
    """(score, mean side support) of a candidate outline on the small copy; score 0 = rejected."""
    qarea = float(cv2.contourArea(pts.astype(np.float32)))
    if qarea <= 0 or qarea > 0.995 * total or qarea < _MIN_AREA_FRACTION * total:
        return 0.0, 0.0
    supports, border = _side_support(feat, pts)
    measured = [x for x in supports if x >= 0]
    if len(measured) < 2:
        return 0.0, 0.0
    mean = float(np.mean(measured))
    if mean < _MIN_SUPPORT or min(measured) < max(min_side, _MIN_SIDE_SUPPORT):
        return 0.0, mean
    support = float(np.prod([(0.05 + x) / 1.05 for x in measured]) ** (1 / len(measured)))
    fill = min(area / qarea, qarea / area) if area > 0 else 1.0
    quad = Quad(order_corners(pts), True)
    a = quad.aspect if quad.aspect >= 1 else 1 / max(quad.aspect, 1e-6)
    off = min(abs(np.log(a / ID1_ASPECT)), abs(np.log(a / TD3_ASPECT)))
    if off > _MAX_ASPECT_OFF:
        return 0.0, mean  # no document has this shape, even seen at an angle
    aspect = 0.3 + 0.7 * float(np.exp(-((off / 0.15) ** 2)))
    score = (qarea / total) ** 0.5 * support * aspect * fill**0.5 * 0.7 ** sum(border)
    return score, mean


def find_document(image: NDArray[np.uint8]) -> Quad:
    """Locate the document outline; ``found`` is False when the whole image is assumed."""
    h, w = image.shape[:2]
    scale = min(1.0, _WORK_SIDE / max(h, w))
    small = (
        cv2.resize(
            image,
            (max(1, round(w * scale)), max(1, round(h * scale))),
            interpolation=cv2.INTER_AREA,
        )
        if scale < 1
        else image
    )
    gray = np.asarray(
        cv2.cvtColor(small, cv2.COLOR_BGR2GRAY) if small.ndim == 3 else small, dtype=np.uint8
    )
    sh, sw = gray.shape[:2]
    total = float(sh * sw)
    feat = _features(np.asarray(small, dtype=np.uint8))
    scored: list[tuple[float, NDArray[np.float64], float]] = []
    dist = None
    if small.ndim == 3:
        colour = np.asarray(small, dtype=np.uint8)
        dist = np.asarray(cv2.GaussianBlur(background_distance(colour), (0, 0), 2), dtype=np.uint8)
    candidates = _watershed_contours(np.asarray(small, dtype=np.uint8)) + _candidates(gray, dist)
    rough: list[tuple[float, NDArray[np.float64]]] = []
    for cnt in candidates:
        area = float(cv2.contourArea(cnt))
        if area < _MIN_AREA_FRACTION * total:
            continue
        pts = _quad_from_contour(cnt)
        if pts is None or not _convex(pts):
            continue
        if len(_touching(pts, sw, sh)) >= 3:
            continue  # the image frame itself (noise or a full-bleed scan), not an outline
        score, mean = _score(feat, pts, area, total)
        if score > 0:
            scored.append((score, pts, mean))
        if mean >= 0.4:
            rough.append((area, pts))
    if not scored or max(scored, key=lambda r: r[0])[2] < _SNAP_BELOW:
        # No clean outline: try outlines made of straight edge lines, and move the sides of the
        # larger rough ones onto the edges near them.
        for pts in _line_quads(gray, feat):
            qa = float(cv2.contourArea(pts.astype(np.float32)))
            score, mean = _score(feat, pts, qa, total, min_side=_MIN_LINE_SIDE_SUPPORT)
            if score > 0:
                scored.append((score, pts, mean))
            rough.append((qa, pts))
        for _area, pts in sorted(rough, key=lambda r: -r[0])[:_SNAP_MAX]:
            snapped = _snap(feat, pts)
            if snapped is None:
                continue
            sarea = float(cv2.contourArea(snapped.astype(np.float32)))
            score, mean = _score(feat, snapped, sarea, total)
            if score > 0:
                scored.append((score, snapped, mean))
    frame = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float64)
    # The best-scoring outline with table beyond every side: one with document colour beyond a
    # side is an inner block (a photo, the text without the MRZ band), not the outline.
    plain = _plain_border(feat)
    best = next(
        (
            r
            for r in sorted(scored, key=lambda r: -r[0])[:6]
            if not _continues_outside(feat, r[1]) and not _inside_like(feat, r[1], plain)
        ),
        None,
    )
    if _aspect_fit(w / h) >= _FULL_FRAME_FIT and (
        best is None or cv2.contourArea(best[1].astype(np.float32)) < 0.25 * total
    ):
        # A flat scan cropped to the document: the frame is the outline (anything found inside
        # it is a photo or a print block, not the document).
        return Quad(order_corners(frame), found=True, score=1.0, touches_border=())
    if best is None:
        return Quad(order_corners(frame), found=False, score=0.0, touches_border=())
    pts = best[1] / scale
    if scale < 1:
        full_gray = np.asarray(
            cv2.cvtColor(image, cv2.COLOR_BGR2GRAY) if image.ndim == 3 else image, dtype=np.uint8
        )
        pts = refine_quad(full_gray, pts)
    pts[:, 0] = np.clip(pts[:, 0], 0, w - 1)
    pts[:, 1] = np.clip(pts[:, 1], 0, h - 1)
    return Quad(order_corners(pts), True, best[0], _touching(pts, w, h))


def layout_for_aspect(aspect: float) -> tuple[str, tuple[float, float]]:
    """Which known document size an outline's aspect ratio (long/short) is closest to."""
    a = aspect if aspect >= 1 else 1 / max(aspect, 1e-6)
    if abs(np.log(a / ID1_ASPECT)) <= abs(np.log(a / TD3_ASPECT)):
        return "ID1", ID1_MM
    return "TD3", TD3_MM


def rectify(
    image: NDArray[np.uint8],
    quad: Quad,
    *,
    size_mm: tuple[float, float] | None = None,
    target_px_per_mm: float = 11.8,
) -> Rectified:
    """Warp the quad to a flat landscape document at ``target_px_per_mm`` (11.8 = 300 dpi).

    A portrait outline is turned to landscape (rotating by 90 degrees clockwise); telling 90 from
    270 and 0 from 180 is left to the orientation step.
    """
    tl, tr, br, bl = quad.points
    src = np.array([tl, tr, br, bl], dtype=np.float64)
    if quad.height_px > quad.width_px:
        # Portrait: start from bottom-left so the long side becomes the top edge.
        src = np.array([bl, tl, tr, br], dtype=np.float64)
    long_px = max(quad.width_px, quad.height_px)
    if size_mm is None:
        layout, size_mm = layout_for_aspect(quad.aspect)
    else:
        layout = "ID1" if size_mm == ID1_MM else "TD3" if size_mm == TD3_MM else "unknown"
    if not quad.found:
        layout = "unknown" if _aspect_fit(quad.aspect) < 0.5 else layout
    out_w = max(8, round(size_mm[0] * target_px_per_mm))
    out_h = max(8, round(size_mm[1] * target_px_per_mm))
    dst = np.array(
        [[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], dtype=np.float64
    )
    forward = cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32))
    inverse = np.linalg.inv(forward)
    warped = cv2.warpPerspective(
        image, forward, (out_w, out_h), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE
    )
    return Rectified(
        image=np.asarray(warped, dtype=np.uint8),
        quad=quad,
        forward=forward.astype(np.float64),
        inverse=inverse.astype(np.float64),
        size_mm=size_mm,
        px_per_mm=long_px / size_mm[0],
        layout=layout,
    )


def map_box(box: Box, homography: NDArray[np.float64]) -> Box:
    """The axis-aligned bounding box of ``box`` after a homography."""
    x, y, w, h = box
    pts = np.array([[[x, y], [x + w, y], [x + w, y + h], [x, y + h]]], dtype=np.float64)
    out = cv2.perspectiveTransform(pts, homography)[0]
    x0, y0 = out.min(axis=0)
    x1, y1 = out.max(axis=0)
    return (int(np.rint(x0)), int(np.rint(y0)), int(np.rint(x1 - x0)), int(np.rint(y1 - y0)))


def rotate_rectified(rect: Rectified, quarter_turns: int) -> Rectified:
    """Rotate a rectified document by 90-degree steps clockwise, keeping the homographies right."""
    k = quarter_turns % 4
    if k == 0:
        return rect
    img = rect.image
    h, w = img.shape[:2]
    rotated = np.ascontiguousarray(np.rot90(img, -k))
    # Homography of the rotation in rectified pixel coordinates.
    if k == 1:
        r = np.array([[0, -1, h - 1], [1, 0, 0], [0, 0, 1]], dtype=np.float64)
    elif k == 2:
        r = np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], dtype=np.float64)
    else:
        r = np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1]], dtype=np.float64)
    forward = r @ rect.forward
    return Rectified(
        image=rotated,
        quad=rect.quad,
        forward=forward,
        inverse=np.asarray(np.linalg.inv(forward), dtype=np.float64),
        size_mm=rect.size_mm if k == 2 else (rect.size_mm[1], rect.size_mm[0]),
        px_per_mm=rect.px_per_mm,
        layout=rect.layout,
    )


def page_quad(points: tuple[Point, Point, Point, Point], size: tuple[int, int]) -> Quad:
    """A document outline known otherwise (e.g. drawn around a passport's MRZ), corners in the
    page's order, with the image sides it reaches or runs past (``size`` is width, height)."""
    pts = np.array(points, dtype=np.float64)
    return Quad(points=points, found=True, touches_border=_touching(pts, size[0], size[1]))


def is_frame(quad: Quad, size: tuple[int, int]) -> bool:
    """Is the outline the image's own frame (no card edge found, or a scan taken as cropped)?"""
    w, h = size
    frame = ((0.0, 0.0), (w - 1.0, 0.0), (w - 1.0, h - 1.0), (0.0, h - 1.0))
    return all(
        abs(p[0] - f[0]) <= 1.5 and abs(p[1] - f[1]) <= 1.5
        for p, f in zip(quad.points, frame, strict=True)
    )


def deskew_rectified(rect: Rectified, angle: float) -> Rectified:
    """Turn a rectified page by ``angle`` degrees (OpenCV's sense: counter-clockwise) about its
    centre, same size, keeping the homographies right (boxes still map to the image)."""
    if abs(angle) < 1e-6:
        return rect
    h, w = rect.image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, 1.0)
    turned = cv2.warpAffine(
        rect.image, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    r = np.vstack([m, [0.0, 0.0, 1.0]]).astype(np.float64)
    forward = r @ rect.forward
    return Rectified(
        image=np.asarray(turned, dtype=np.uint8),
        quad=rect.quad,
        forward=forward,
        inverse=np.asarray(np.linalg.inv(forward), dtype=np.float64),
        size_mm=rect.size_mm,
        px_per_mm=rect.px_per_mm,
        layout=rect.layout,
    )
