"""Copy-move inside the document: a glyph pasted from elsewhere on the same page.

A forger who changes a digit by copying the same digit from another field carries the background
of the source along with it.  Printed glyphs of the same font repeat on a genuine document too, but
each sits on its own piece of security print.  So every glyph of the fields that hold numbers is
matched (normalised cross-correlation of the band-passed page) against the lines of the other
fields; for the best match, the background pixels around the two glyphs (ink excluded) are
correlated.  A high background correlation means the two glyphs share their paper: one was copied.
Repeated-glyph zones the page is made of (the MRZ) are never searched, since the field boxes only
cover the visual zone.  On plain paper (photocopies, white cards) there is no background to share and
the signal abstains per glyph.
"""

from __future__ import annotations

from collections.abc import Collection

import cv2
import numpy as np
from numpy.typing import NDArray

from docscreen.forensics.page import FieldLine, Float, Page, clip
from docscreen.forensics.types import Region, SignalResult, judged, not_performed

NAME = "copy_move"
# Least standard deviation (grey levels) of the band-passed background for the background
# correlation to mean anything: below it the patch is plain paper plus noise.
_MIN_TEXTURE = 1.2
_MIN_BG_PIXELS = 25


def bandpass(grey: Float) -> Float:
    return np.asarray(grey - cv2.GaussianBlur(grey, (0, 0), 3.0), dtype=np.float32)


def _glyph_boxes(page: Page, line: FieldLine) -> list[tuple[int, int, int, int]]:
    x0, y0, x1, y1 = clip(line.box, page.grey.shape, 1)
    ink = page.ink((x0, y0, x1 - x0, y1 - y0)).astype(np.uint8)
    n, _, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    out = []
    h = line.box[3]
    for i in range(1, n):
        x, y, w, hh, area = (int(v) for v in stats[i])
        if hh >= 0.55 * h and area >= 8 and w <= 1.5 * h:
            out.append((x0 + x, y0 + y, w, hh))
    return out


def _bg_corr(
    bp: Float,
    ink: NDArray[np.bool_],
    a: tuple[int, int],
    b: tuple[int, int],
    size: tuple[int, int],
) -> float | None:
    (ax, ay), (bx, by), (w, h) = a, b, size
    pa, pb = bp[ay : ay + h, ax : ax + w], bp[by : by + h, bx : bx + w]
    ia, ib = ink[ay : ay + h, ax : ax + w], ink[by : by + h, bx : bx + w]
    if pa.shape != (h, w) or pb.shape != (h, w):
        return None
    bg = ~(ia | ib)
    if bg.sum() < _MIN_BG_PIXELS:
        return None
    va, vb = pa[bg].astype(np.float64), pb[bg].astype(np.float64)
    if va.std() < _MIN_TEXTURE or vb.std() < _MIN_TEXTURE:
        return None
    return float(np.corrcoef(va, vb)[0, 1])


def copy_move(page: Page, threshold: float, targets: Collection[str] | None = None) -> SignalResult:
    """``targets``: fields whose glyphs are checked (default: every field line)."""
    lines = [ln for ln in page.fields if targets is None or ln.name in targets]
    if not lines:
        return not_performed(NAME, "no field with digits was located")
    bp = bandpass(page.grey)
    depth = np.asarray(page.paper - page.grey, dtype=np.float32)
    # Background is judged on the paper-relative grey (no filter halo around the ink), with the
    # ink and its anti-aliased rim left out.
    strong = float(np.percentile(depth, 99.5))
    ink_all = cv2.dilate((depth > 0.35 * strong).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    best = -1.0
    scored = 0
    hits: list[Region] = []
    per_field: dict[str, float] = {}
    for line in lines:
        # Sources are glyphs of the same kind: the other fields holding digits.
        others = [o for o in lines if o is not line]
        crops = []
        for o in others:
            ox0, oy0, ox1, oy1 = clip(o.box, page.grey.shape, max(3, o.box[3] // 3))
            crops.append((ox0, oy0, bp[oy0:oy1, ox0:ox1]))
        for gx, gy, gw, gh in _glyph_boxes(page, line):
            m = 3
            px0, py0, px1, py1 = clip((gx, gy, gw, gh), page.grey.shape, m)
            tpl = bp[py0:py1, px0:px1]
            th, tw = tpl.shape
            if th < 6 or tw < 4:
                continue
            top: tuple[float, int, int] | None = None
            for ox, oy, crop in crops:
                if crop.shape[0] < th or crop.shape[1] < tw:
                    continue
                res = cv2.matchTemplate(crop, tpl, cv2.TM_CCOEFF_NORMED)
                # Field boxes can overlap (a place and a date on one line): never match the
                # glyph with itself.
                sx, sy = px0 - ox, py0 - oy
                res[max(0, sy - th) : max(0, sy + th), max(0, sx - tw) : max(0, sx + tw)] = -1.0
                _, mv, _, ml = cv2.minMaxLoc(res)
                if top is None or mv > top[0]:
                    top = (float(mv), ox + ml[0], oy + ml[1])
            if top is None or top[0] < 0.5:
                continue
            c = _bg_corr(depth, ink_all, (px0, py0), (top[1], top[2]), (tw, th))
            if c is None:
                continue
            scored += 1
            per_field[line.name] = max(per_field.get(line.name, -1.0), c)
            best = max(best, c)
            if c > threshold:
                hits.append(Region(page.to_source((px0, py0, tw, th)), line.name, c))
                hits.append(Region(page.to_source((top[1], top[2], tw, th)), "source", c))
    if scored == 0:
        return not_performed(NAME, "no glyph sits on enough textured background to compare")
    details = {"glyphs": scored, "per_field": {k: round(v, 3) for k, v in per_field.items()}}
    return judged(NAME, best, threshold, tuple(hits), details)
