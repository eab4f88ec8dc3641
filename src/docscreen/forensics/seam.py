"""Edit seam: does the background texture stop at a field's line of print?

A forger who removes printed text and retypes it (inpainting, clone brush, a pasted white patch)
leaves the paper under the new text smoother than the security print around it: the guilloche and
fine background pattern stop at the edited area.  The signal compares the band-pass texture energy
of the background (ink excluded) inside each field's line with a ring around it.  On plain paper
(no texture to break) it says nothing, which is why the glyph signal exists.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from docscreen.forensics.page import FieldLine, Float, Page, clip
from docscreen.forensics.types import Region, SignalResult, judged, not_performed

NAME = "seam"
# Energy added to both sides: the texture floor of clean paper after capture noise and JPEG, so
# that plain backgrounds give ratios near 1 instead of noise / noise.
_FLOOR = 2.0


def texture_energy(bgr: NDArray[np.uint8]) -> Float:
    """Local energy of the 1-3 px band of luminance and colour (noise below, shading above)."""
    lab = cv2.cvtColor(bgr, cv2.COLOR_BGR2LAB).astype(np.float32)
    total = np.zeros(lab.shape[:2], np.float32)
    for c in range(3):
        ch = lab[:, :, c]
        # A narrow band so the energy of a glyph's edge stays within a few px of it.
        band = cv2.GaussianBlur(ch, (0, 0), 0.8) - cv2.GaussianBlur(ch, (0, 0), 2.0)
        total += band * band
    return np.asarray(cv2.GaussianBlur(total, (0, 0), 1.0), dtype=np.float32)


def field_score(page: Page, line: FieldLine) -> float | None:
    """log(ring texture / inner texture) for one field; None when there is too little background."""
    x, y, w, h = line.box
    pad = max(4, round(0.8 * h))
    x0, y0, x1, y1 = clip(line.box, page.grey.shape, pad)
    # Energy of this field's neighbourhood only (the filters' support is a few px; the crop is
    # padded so its border does not leak into the ring).
    e0, f0, e1, f1 = clip((x0, y0, x1 - x0, y1 - y0), page.grey.shape, 8)
    full = texture_energy(page.image[f0:f1, e0:e1])
    e = full[y0 - f0 : y1 - f0, x0 - e0 : x1 - e0]
    ink = page.ink((x0, y0, x1 - x0, y1 - y0)).astype(np.uint8)
    near_ink = cv2.dilate(ink, np.ones((9, 9), np.uint8)) > 0
    inner = np.zeros(e.shape, bool)
    inner[max(0, y - y0) : y - y0 + h, max(0, x - x0) : x - x0 + w] = True
    grown = np.zeros(e.shape, bool)
    g = 3
    grown[max(0, y - y0 - g) : y - y0 + h + g, max(0, x - x0 - g) : x - x0 + w + g] = True
    inside = e[inner & ~near_ink]
    ring = e[~grown & ~near_ink]
    if inside.size < 30 or ring.size < 100:
        return None
    return float(np.log((np.median(ring) + _FLOOR) / (np.median(inside) + _FLOOR)))


def seam(page: Page, threshold: float) -> SignalResult:
    scored: list[tuple[float, FieldLine]] = []
    for line in page.fields:
        s = field_score(page, line)
        if s is not None:
            scored.append((s, line))
    if len(scored) < 3:
        return not_performed(NAME, "fewer than three fields with background around them")
    # Relative to the document's other fields: how textured the security print is, and how much
    # the capture blurred it, is shared by every field of one image.
    med = float(np.median([s for s, _ in scored]))
    scored = [(s - med, line) for s, line in scored]
    best = max(s for s, _ in scored)
    regions = tuple(
        Region(page.to_source(line.box), line.name, s) for s, line in scored if s > threshold
    )
    details = {"fields": len(scored), "per_field": {ln.name: round(s, 3) for s, ln in scored}}
    return judged(NAME, best, threshold, regions, details)
