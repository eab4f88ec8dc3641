"""Orientation: the dominant text angle, rotation by any angle, quarter turns.

A document photographed on a table can lie at any angle, and scans come in at 90/180/270 degrees.
Text lines are found by the angle of the links between neighbouring glyph-sized components (their
direction is the same along every line on a page), which gives the fine skew and the coarse
quarter turn at once, up to 180 degrees; which way is up is decided by reading (a line read upside
down gets a poor OCR-B confidence).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

Gray = NDArray[np.uint8]


@dataclass(frozen=True)
class Rotation:
    """An affine map from the source image to the rotated one (and back)."""

    matrix: NDArray[np.float64]  # 2x3, source -> rotated
    size: tuple[int, int]  # rotated (width, height)

    def inverse(self) -> NDArray[np.float64]:
        return np.asarray(cv2.invertAffineTransform(self.matrix), dtype=np.float64)

    def to_source(self, points: NDArray[np.float64]) -> NDArray[np.float64]:
        inv = self.inverse()
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        out: NDArray[np.float64] = pts @ inv[:, :2].T + inv[:, 2]
        return out


def rotation(size: tuple[int, int], angle: float, scale: float = 1.0) -> Rotation:
    """Rotation by ``angle`` degrees (counter-clockwise, as OpenCV) about the centre, with the canvas
    grown so nothing is cut off, then scaled by ``scale``."""
    w, h = size
    m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), angle, scale)
    cos, sin = abs(m[0, 0]), abs(m[0, 1])  # already multiplied by scale
    new_w = round(h * sin + w * cos)
    new_h = round(h * cos + w * sin)
    m[0, 2] += new_w / 2.0 - w / 2.0
    m[1, 2] += new_h / 2.0 - h / 2.0
    return Rotation(matrix=m.astype(np.float64), size=(max(1, new_w), max(1, new_h)))


def rotate(image: Gray, angle: float, scale: float = 1.0) -> tuple[Gray, Rotation]:
    """Rotate a whole image; the border is filled with the edge colour so no dark frame appears."""
    h, w = image.shape[:2]
    rot = rotation((w, h), angle, scale)
    if abs(angle) < 1e-6 and abs(scale - 1.0) < 1e-9:
        return image, rot
    out = cv2.warpAffine(
        image,
        rot.matrix,
        rot.size,
        flags=cv2.INTER_LINEAR if scale <= 1.0 else cv2.INTER_CUBIC,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return np.asarray(out, dtype=np.uint8), rot


def quarter_turn(image: Gray, quarters: int) -> Gray:
    """Rotate by ``quarters`` x 90 degrees counter-clockwise (lossless)."""
    q = quarters % 4
    if q == 0:
        return image
    code = (
        cv2.ROTATE_90_COUNTERCLOCKWISE,
        cv2.ROTATE_180,
        cv2.ROTATE_90_CLOCKWISE,
    )[q - 1]
    return np.asarray(cv2.rotate(image, code), dtype=np.uint8)


def glyph_components(binary: NDArray[np.uint8], min_size: int = 4) -> NDArray[np.float64]:
    """Glyph-sized components of an ink mask: rows ``(cx, cy, w, h, area)``."""
    n, _, stats, centroids = cv2.connectedComponentsWithStats(binary, connectivity=8)
    if n <= 1:
        return np.zeros((0, 5))
    st = stats[1:].astype(np.float64)
    cen = centroids[1:]
    w, h, area = st[:, 2], st[:, 3], st[:, 4]
    big = np.maximum(w, h)
    small = np.minimum(w, h)
    limit = max(binary.shape) / 8.0
    keep = (big >= min_size) & (big <= limit) & (small >= 2) & (area >= 0.12 * w * h)
    keep &= big <= 3.0 * small + 2
    return np.column_stack([cen[keep, 0], cen[keep, 1], w[keep], h[keep], area[keep]])


def text_angles(comps: NDArray[np.float64], max_angles: int = 3) -> list[float]:
    """Directions of text lines (degrees in [-90, 90), strongest first) from neighbour links.

    Links join components of similar size at a glyph pitch; their angles pile up at the line
    direction (mod 180).  Returns up to ``max_angles`` peaks at least 10 degrees apart.
    """
    if len(comps) < 6:
        return []
    size = np.maximum(comps[:, 2], comps[:, 3])
    pairs_i, pairs_j = neighbour_pairs(comps[:, :2], size)
    if len(pairs_i) == 0:
        return []
    d = comps[pairs_j, :2] - comps[pairs_i, :2]
    dist = np.hypot(d[:, 0], d[:, 1])
    s = np.maximum(size[pairs_i], size[pairs_j])
    ratio = np.minimum(size[pairs_i], size[pairs_j]) / s
    ok = (dist >= 0.55 * s) & (dist <= 1.7 * s) & (ratio >= 0.6)
    if not np.any(ok):
        return []
    ang = np.degrees(np.arctan2(d[ok, 1], d[ok, 0]))
    ang = (ang + 90.0) % 180.0 - 90.0
    hist, _ = np.histogram(ang, bins=180, range=(-90.0, 90.0))
    # Circular smoothing (mod 180): a peak at -89 and one at 89 are the same direction.
    padded = np.concatenate([hist[-3:], hist, hist[:3]]).astype(np.float64)
    smooth = np.convolve(padded, np.array([1, 2, 3, 2, 1], np.float64), mode="same")[3:-3]
    peaks: list[float] = []
    order = np.argsort(-smooth)
    floor = max(8.0, 0.15 * float(smooth[order[0]]))
    for k in order:
        if smooth[k] < floor or len(peaks) >= max_angles:
            break
        centre = -89.5 + float(k)
        if all(_angle_gap(centre, p) >= 10.0 for p in peaks):
            near = ang[np.abs(((ang - centre) + 90.0) % 180.0 - 90.0) <= 2.0]
            if len(near):
                # circular mean around the peak for sub-degree precision
                delta = ((near - centre) + 90.0) % 180.0 - 90.0
                centre = float(centre + np.median(delta))
            peaks.append(((centre + 90.0) % 180.0) - 90.0)
    return peaks


def _angle_gap(a: float, b: float) -> float:
    return abs(((a - b) + 90.0) % 180.0 - 90.0)


def neighbour_pairs(
    centres: NDArray[np.float64], size: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Pairs (i < j) closer than 1.7x the larger size, found through a spatial hash."""
    cell = float(np.percentile(size, 90)) * 1.7 + 1.0
    keys = np.floor(centres / cell).astype(np.int64)
    kx, ky = keys[:, 0], keys[:, 1]
    width = int(kx.max()) + 3
    flat = (ky + 1) * width + (kx + 1)
    order = np.argsort(flat, kind="stable")
    sorted_flat = flat[order]
    out_i: list[NDArray[np.int64]] = []
    out_j: list[NDArray[np.int64]] = []
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            target = flat + dy * width + dx
            lo = np.searchsorted(sorted_flat, target, side="left")
            hi = np.searchsorted(sorted_flat, target, side="right")
            counts = hi - lo
            if counts.sum() == 0:
                continue
            src = np.repeat(np.arange(len(flat)), counts)
            offs = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
            dst = order[np.repeat(lo, counts) + offs]
            keep = src < dst
            out_i.append(src[keep])
            out_j.append(dst[keep])
    if not out_i:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    pi, pj = np.concatenate(out_i), np.concatenate(out_j)
    d = centres[pj] - centres[pi]
    near = np.hypot(d[:, 0], d[:, 1]) <= 1.7 * np.maximum(size[pi], size[pj])
    return pi[near], pj[near]
