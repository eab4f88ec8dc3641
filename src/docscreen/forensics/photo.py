"""Photo box integrity: the border of the portrait and where it sits.

A replaced photo is rarely cut and placed exactly where the original was: a strip of the old
photo or of its background stays visible along one side (two edges where the layout has one), or
the new photo's border lies off the template position.  For each side of the portrait box the
signal takes the across-border gradient profile and scores the second-strongest edge against the
strongest (a double edge), plus how far the strongest edge lies from the expected border.
Published CPU-only detectors of photo substitution reach an AUC near 0.6; this one is no better.
"""

from __future__ import annotations

import numpy as np

from docscreen.forensics.page import Float, Page
from docscreen.forensics.types import Region, SignalResult, judged, not_performed
from docscreen.models import Box

NAME = "photo"
_BAND = 10  # px on each side of the expected border


def _profile(grad: Float, box: Box, side: str) -> Float | None:
    x, y, w, h = box
    hh, ww = grad.shape
    if side in ("left", "right"):
        cx = x if side == "left" else x + w
        a, b = cx - _BAND, cx + _BAND + 1
        y0, y1 = y + h // 6, y + h - h // 6
        if a < 0 or b > ww or y1 <= y0:
            return None
        strip = grad[max(0, y0) : min(hh, y1), a:b]
        return np.asarray(strip.mean(axis=0)) if strip.size else None
    cy = y if side == "top" else y + h
    a, b = cy - _BAND, cy + _BAND + 1
    x0, x1 = x + w // 6, x + w - w // 6
    if a < 0 or b > hh or x1 <= x0:
        return None
    strip = grad[a:b, max(0, x0) : min(ww, x1)]
    return np.asarray(strip.mean(axis=1)) if strip.size else None


def side_score(profile: Float) -> float:
    """Second edge / first edge (peaks at least 3 px apart), plus the first edge's offset."""
    p = profile.astype(np.float64)
    i = int(np.argmax(p))
    if p[i] <= 0:
        return 0.0
    rest = p.copy()
    rest[max(0, i - 2) : i + 3] = 0
    second = float(rest.max()) / float(p[i])
    offset = abs(i - _BAND) / _BAND
    return second + 0.5 * offset


def photo(page: Page, box: Box | None, threshold: float) -> SignalResult:
    if box is None:
        return not_performed(NAME, "the portrait position is not known for this document kind")
    gy, gx = np.gradient(page.grey)
    grad = np.hypot(gx, gy)
    scores: dict[str, float] = {}
    for side in ("left", "right", "top", "bottom"):
        prof = _profile(grad, box, side)
        if prof is not None:
            scores[side] = side_score(prof)
    if len(scores) < 2:
        return not_performed(NAME, "the portrait box runs off the page")
    best = max(scores.values())
    region = Region(page.to_source(box), "portrait", best)
    return judged(
        NAME, best, threshold, (region,), {"sides": {k: round(v, 3) for k, v in scores.items()}}
    )
