"""The page the signals look at: one pixel representation, the flat document, the field lines.

Every input is first brought to the same representation (8-bit, three-channel BGR, EXIF already
applied by the loader): whether the file was a CMYK JPEG, a greyscale PNG or an RGB JPEG at some
quality must never matter to a signal, only the pixels do.  The document is found and warped flat
at a fixed width, so text heights and textures are comparable between captures, and each field box
(given in original-image pixels by the visual-zone reader or the generator truth) is carried into
the flat page and tightened to its line of ink.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from docscreen.imaging.quad import Quad, find_document, map_box
from docscreen.models import Box

Image8 = NDArray[np.uint8]
Float = NDArray[np.float32]

# Width of the flat page (px).  About 10-13 px/mm for the ICAO sizes: enough for 2 mm print while
# a page stays near one megapixel, so every signal fits the one-second budget on one core.
PAGE_WIDTH = 1150


@dataclass(frozen=True)
class FieldLine:
    """A field's line of print on the flat page (``box``) and in the original image (``source``)."""

    name: str
    box: Box
    source: Box


@dataclass(frozen=True)
class Page:
    image: Image8  # flat BGR page
    grey: Float  # luminance 0..255
    paper: Float  # local paper brightness (ink removed)
    forward: NDArray[np.float64]  # original -> flat
    inverse: NDArray[np.float64]  # flat -> original
    quad: Quad
    fields: tuple[FieldLine, ...]
    source_size: tuple[int, int]  # original (width, height)

    def to_source(self, box: Box) -> Box:
        """A flat-page box in original-image pixels (clipped to the image)."""
        x, y, w, h = map_box(box, self.inverse)
        sw, sh = self.source_size
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(sw, x + w), min(sh, y + h)
        return (x0, y0, max(0, x1 - x0), max(0, y1 - y0))

    def ink(self, box: Box, pad: int = 0) -> NDArray[np.bool_]:
        """Ink pixels inside ``box`` (+pad): clearly darker than the local paper."""
        x0, y0, x1, y1 = clip(box, self.grey.shape, pad)
        g = self.grey[y0:y1, x0:x1]
        p = self.paper[y0:y1, x0:x1]
        depth = p - g
        if depth.size == 0:
            return np.zeros((0, 0), dtype=bool)
        top = float(np.percentile(depth, 99.5))
        return np.asarray(depth > max(25.0, 0.45 * top))


def clip(box: Box, shape: tuple[int, ...], pad: int = 0) -> tuple[int, int, int, int]:
    h, w = shape[:2]
    x, y, bw, bh = box
    return max(0, x - pad), max(0, y - pad), min(w, x + bw + pad), min(h, y + bh + pad)


def to_bgr8(image: NDArray[np.generic]) -> Image8:
    """Any decoded image as 8-bit BGR (grey is repeated; alpha dropped)."""
    arr = np.asarray(image)
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    if arr.ndim == 2:
        arr = np.repeat(arr[:, :, None], 3, axis=2)
    elif arr.shape[2] == 4:
        arr = arr[:, :, :3]
    elif arr.shape[2] == 1:
        arr = np.repeat(arr, 3, axis=2)
    return np.ascontiguousarray(arr, dtype=np.uint8)


def _flat_box(box: Box, forward: NDArray[np.float64]) -> Box:
    """The flat-page rectangle whose image under the capture is the axis-aligned ``box``.

    Field boxes arrive as axis-aligned bounds of a turned rectangle; mapping their corners back
    would grow them again.  A rectangle w x h turned by the local linear map J has bounds
    (|J00| w + |J01| h) x (|J10| w + |J11| h), which is solved for w, h (falls back to the
    plain mapped bounds near 45 degrees where that system is ill-conditioned).
    """
    x, y, bw, bh = box
    cx, cy = x + bw / 2.0, y + bh / 2.0
    inv = np.linalg.inv(forward)
    pt = forward @ np.array([cx, cy, 1.0])
    fx, fy = pt[0] / pt[2], pt[1] / pt[2]

    # Jacobian of flat -> original at the centre, by finite differences.
    def proj(u: float, v: float) -> tuple[float, float]:
        q = inv @ np.array([u, v, 1.0])
        return float(q[0] / q[2]), float(q[1] / q[2])

    p0 = proj(fx, fy)
    px = proj(fx + 1, fy)
    py = proj(fx, fy + 1)
    j = np.abs(np.array([[px[0] - p0[0], py[0] - p0[0]], [px[1] - p0[1], py[1] - p0[1]]]))
    det = j[0, 0] * j[1, 1] - j[0, 1] * j[1, 0]
    if abs(det) > 0.25 * (j[0, 0] * j[1, 1] + j[0, 1] * j[1, 0]):
        w, h = np.linalg.solve(j, np.array([bw, bh], dtype=np.float64))
        if w > 2 and h > 2:
            return (round(fx - w / 2), round(fy - h / 2), round(w), round(h))
    return map_box(box, forward)


def _tighten(grey: Float, paper: Float, box: Box) -> Box | None:
    """Shrink a box to its main line of ink (the reader's boxes can be loose or inflated)."""
    x0, y0, x1, y1 = clip(box, grey.shape, 3)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    depth = paper[y0:y1, x0:x1] - grey[y0:y1, x0:x1]
    top = float(np.percentile(depth, 99.5))
    ink = depth > max(25.0, 0.45 * top)
    if ink.sum() < 12:
        return None
    rows = ink.sum(axis=1).astype(np.float64)
    # The line is the longest run of rows with ink around the row of most ink.
    on = rows >= 0.12 * rows.max()
    peak = int(np.argmax(rows))
    a = peak
    while a > 0 and on[a - 1]:
        a -= 1
    b = peak
    while b < len(on) - 1 and on[b + 1]:
        b += 1
    cols = np.flatnonzero(ink[a : b + 1].any(axis=0))
    if len(cols) == 0:
        return None
    return (x0 + int(cols[0]), y0 + a, int(cols[-1] - cols[0] + 1), b - a + 1)


def paper_estimate(grey: Float) -> Float:
    """Local paper brightness: a grey closing (removes print up to ~4 mm) then a light blur."""
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (41, 41))
    closed = cv2.morphologyEx(grey, cv2.MORPH_CLOSE, k)
    return np.asarray(cv2.GaussianBlur(closed, (0, 0), 6), dtype=np.float32)


def prepare(image: NDArray[np.generic], boxes: Mapping[str, Box]) -> Page:
    """Find, flatten and describe the document in ``image`` (boxes in original pixels)."""
    bgr = to_bgr8(image)
    quad = find_document(bgr)
    tl, tr, br, bl = quad.points
    src = np.array([tl, tr, br, bl], dtype=np.float64)
    if quad.height_px > quad.width_px:
        src = np.array([bl, tl, tr, br], dtype=np.float64)
    aspect = max(quad.aspect, 1.0 / max(quad.aspect, 1e-6))
    out_w, out_h = PAGE_WIDTH, max(8, round(PAGE_WIDTH / aspect))
    dst = np.array([[0, 0], [out_w - 1, 0], [out_w - 1, out_h - 1], [0, out_h - 1]], np.float32)
    forward = cv2.getPerspectiveTransform(src.astype(np.float32), dst).astype(np.float64)
    flat = cv2.warpPerspective(
        bgr, forward, (out_w, out_h), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE
    )
    flat8 = np.asarray(flat, dtype=np.uint8)
    grey = np.asarray(cv2.cvtColor(flat8, cv2.COLOR_BGR2GRAY), dtype=np.float32)
    paper = paper_estimate(grey)
    lines: list[FieldLine] = []
    for name, box in boxes.items():
        fb = _flat_box(box, forward)
        tight = _tighten(grey, paper, fb)
        if tight is not None and tight[3] >= 5:
            lines.append(FieldLine(name, tight, box))
    return Page(
        image=flat8,
        grey=grey,
        paper=paper,
        forward=forward,
        inverse=np.asarray(np.linalg.inv(forward), dtype=np.float64),
        quad=quad,
        fields=tuple(lines),
        source_size=(bgr.shape[1], bgr.shape[0]),
    )
