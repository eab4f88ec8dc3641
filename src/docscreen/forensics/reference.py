"""Layout reference: what a genuine page of one layout looks like, learned from genuine captures.

Every genuine document of one layout is printed on the same blank (security print, labels,
rules) and its variable text starts at fixed anchors in a fixed size.  A reference holds, per
layout, the blank as seen through a camera (the median of registered genuine flat pages with the
variable ink left out, at half the flat-page resolution) and, per field, where its line of print
sits on that blank (top, baseline and left edge of the ink: mean and spread over the genuine
captures).  A document is registered onto its layout's blank (orientation, then an affine ECC
fit), after which

* a retyped field shows as a line whose top, baseline or start is off the layout's anchors by a
  fraction of a millimetre (the forger's font size and placement are never exactly the printer's),
* a glyph pasted from elsewhere on the page shows as background that does not match the blank
  under it (the copy brings the security print of its source).

The reference is learned from pixels of genuine captures only (``learn_reference``); nothing
here looks at the file format or how the image was compressed.  Layouts without a reference
make these measurements abstain.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from docscreen.forensics.page import Float, Page

# Blank images and field anchors shipped with the package (learned on the generator's layouts).
DATA_DIR = Path(__file__).parent / "reference_data"
SCALE = 0.5  # blank resolution relative to the flat page
_ECC_ITER = 40


@dataclass(frozen=True)
class Reference:
    key: str
    blank: Float  # grey, half flat-page resolution
    variable: Float  # 0..1: how often genuine pages carry variable ink there (half resolution)
    anchors: Mapping[str, Sequence[float]]  # field -> [top, sd, base, sd, left, sd, pitch, sd]


@dataclass(frozen=True)
class Registered:
    """A page brought onto its layout's blank: ``grey`` (full flat resolution, blank frame x2)."""

    ref: Reference
    grey: Float  # page grey warped into the blank frame at full resolution
    paper: Float
    warp: NDArray[np.float32]  # 2x3, blank-frame (full res) -> flat-page pixels
    correlation: float

    def to_page(self, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        x, y, w, h = box
        pts = np.array([[x, y, 1.0], [x + w, y, 1.0], [x + w, y + h, 1.0], [x, y + h, 1.0]])
        m = pts @ self.warp.astype(np.float64).T
        x0, y0 = m.min(axis=0)
        x1, y1 = m.max(axis=0)
        return (int(x0), int(y0), int(x1 - x0), int(y1 - y0))

    def from_page(self, box: tuple[int, int, int, int]) -> tuple[int, int, int, int]:
        inv = cv2.invertAffineTransform(self.warp).astype(np.float64)
        x, y, w, h = box
        pts = np.array([[x, y, 1.0], [x + w, y, 1.0], [x + w, y + h, 1.0], [x, y + h, 1.0]])
        m = pts @ inv.T
        x0, y0 = m.min(axis=0)
        x1, y1 = m.max(axis=0)
        return (round(x0), round(y0), round(x1 - x0), round(y1 - y0))


@cache
def _load_all() -> dict[str, Reference]:
    index = DATA_DIR / "anchors.json"
    if not index.exists():
        return {}
    meta: dict[str, dict[str, list[float]]] = json.loads(index.read_text())
    out: dict[str, Reference] = {}
    for key, anchors in meta.items():
        img = cv2.imread(str(DATA_DIR / f"{key}.png"), cv2.IMREAD_GRAYSCALE)
        var = cv2.imread(str(DATA_DIR / f"{key}.var.png"), cv2.IMREAD_GRAYSCALE)
        if img is None or var is None:
            continue
        out[key] = Reference(
            key, np.asarray(img, np.float32), np.asarray(var, np.float32) / 255.0, anchors
        )
    return out


def references_for(kind: str) -> list[Reference]:
    """Every layout of this document kind (keys "<kind>.<layout>"; one kind can have several)."""
    return [r for k, r in _load_all().items() if k.split(".")[0] == kind]


def best_registration(page: Page, kind: str) -> Registered | None:
    """``page`` registered onto the layout of ``kind`` it matches best (None: no layout known)."""
    regs = [register(page, ref) for ref in references_for(kind)]
    return max(regs, key=lambda r: r.correlation) if regs else None


def _small(grey: Float, size: tuple[int, int]) -> Float:
    return np.asarray(cv2.resize(grey, size, interpolation=cv2.INTER_AREA), dtype=np.float32)


def _ncc(a: Float, b: Float) -> float:
    a = a - a.mean()
    b = b - b.mean()
    d = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / d) if d > 0 else 0.0


def _bp(img: Float) -> Float:
    """Shading removed (uneven light, glare) so registration follows print, not illumination."""
    return np.asarray(img - cv2.GaussianBlur(img, (0, 0), 12), dtype=np.float32)


def register_grey(grey: Float, blank: Float) -> tuple[NDArray[np.float32], float]:
    """Affine map (blank pixels -> ``grey`` pixels, both at their own resolution) and its NCC."""
    bh, bw = blank.shape
    gh, gw = grey.shape
    sx, sy = gw / bw, gh / bh
    small = _small(grey, (bw, bh))
    tb = _bp(blank)
    best: tuple[float, NDArray[np.float32]] | None = None
    for turned in (False, True):
        img = small[::-1, ::-1].copy() if turned else small
        ib = _bp(img)
        c0 = _ncc(ib, tb)
        if best is not None and c0 < best[0] - 0.05:
            continue
        warp = np.eye(2, 3, dtype=np.float32)
        crit = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, _ECC_ITER, 1e-4)
        try:
            c, found = cv2.findTransformECC(tb, ib, warp, cv2.MOTION_AFFINE, crit, None)
            warp = np.asarray(found, dtype=np.float32)
        except cv2.error:
            c = c0
        if turned:
            # (u, v) in the turned small image = (bw-1-x, bh-1-y) in the small image.
            flip = np.array([[-1, 0, bw - 1], [0, -1, bh - 1], [0, 0, 1]], dtype=np.float64)
            full = flip @ np.vstack([warp.astype(np.float64), [0, 0, 1]])
            warp = full[:2].astype(np.float32)
        if best is None or c > best[0]:
            best = (float(c), warp)
    assert best is not None
    c, warp = best
    # small pixels -> grey pixels
    scale = np.array([[sx, 0, 0], [0, sy, 0], [0, 0, 1]], dtype=np.float64)
    full = scale @ np.vstack([warp.astype(np.float64), [0, 0, 1]])
    return full[:2].astype(np.float32), c


def register(page: Page, ref: Reference) -> Registered:
    """Bring ``page`` onto ``ref``'s blank; the result is at full flat resolution (blank x 2)."""
    half = _small(page.grey, (round(page.grey.shape[1] * SCALE), round(page.grey.shape[0] * SCALE)))
    w_half, c = register_grey(half, ref.blank)
    # blank(full) -> blank(half) -> page(half) -> page(full)
    up = np.array([[1 / SCALE, 0, 0], [0, 1 / SCALE, 0], [0, 0, 1]], dtype=np.float64)
    down = np.array([[SCALE, 0, 0], [0, SCALE, 0], [0, 0, 1]], dtype=np.float64)
    m = up @ np.vstack([w_half.astype(np.float64), [0, 0, 1]]) @ down
    warp = m[:2].astype(np.float32)
    bh, bw = ref.blank.shape
    size = (round(bw / SCALE), round(bh / SCALE))
    flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
    grey = cv2.warpAffine(page.grey, warp, size, flags=flags, borderMode=cv2.BORDER_REPLICATE)
    paper = cv2.warpAffine(page.paper, warp, size, flags=flags, borderMode=cv2.BORDER_REPLICATE)
    return Registered(ref, np.asarray(grey, np.float32), np.asarray(paper, np.float32), warp, c)


# --- field anchors ----------------------------------------------------------------------------


def line_geometry(
    reg: Registered, box: tuple[int, int, int, int]
) -> tuple[float, float, float] | None:
    """(top, baseline, left) of the ink line in ``box`` (blank frame, full res), sub-pixel.

    Edges are where the soft ink profile (paper minus grey, summed along the line) crosses half
    its plateau, interpolated between rows/columns; descenders and stray marks are too sparse to
    move a half-plateau crossing.
    """
    x, y, w, h = box
    H, W = reg.grey.shape
    pad = max(3, h // 2)
    x0, y0, x1, y1 = max(0, x - pad), max(0, y - pad), min(W, x + w + pad), min(H, y + h + pad)
    if x1 - x0 < 6 or y1 - y0 < 6:
        return None
    depth = np.clip(reg.paper[y0:y1, x0:x1] - reg.grey[y0:y1, x0:x1] - 8.0, 0, None)
    rows = depth.sum(axis=1).astype(np.float64)
    if rows.max() <= 0:
        return None
    plateau = float(np.percentile(rows[rows > 0.2 * rows.max()], 75))
    half = 0.5 * plateau
    on = np.flatnonzero(rows >= half)
    if len(on) < 2:
        return None
    a, b = int(on[0]), int(on[-1])
    top = a - _frac(rows, a, -1, half)
    base = b + _frac(rows, b, 1, half)
    cols = depth[a : b + 1].sum(axis=0).astype(np.float64)
    cmax = float(cols.max())
    if cmax <= 0:
        return None
    chalf = 0.5 * float(np.percentile(cols[cols > 0.2 * cmax], 75))
    con = np.flatnonzero(cols >= chalf)
    left = int(con[0]) - _frac(cols, int(con[0]), -1, chalf)
    return (y0 + top, y0 + base, x0 + left)


_SEARCH = 5  # px (full flat resolution) of local misregistration a field may show


def local_shift(
    reg: Registered, box: tuple[int, int, int, int], others: Sequence[tuple[int, int, int, int]]
) -> tuple[float, float, float] | None:
    """Residual offset (dx, dy) of the static print around ``box`` (page frame -> blank frame),
    and the match quality: the labels, rules and security print next to a field pin down where
    its anchor really is, whatever the global registration left over."""
    x, y, w, h = box
    H, W = reg.grey.shape
    py, px = max(8, round(1.5 * h)), max(8, h)
    x0, y0 = max(_SEARCH, x - px), max(_SEARCH, y - py)
    x1, y1 = min(W - _SEARCH, x + w + px), min(H - _SEARCH, y + h + py)
    if x1 - x0 < 16 or y1 - y0 < 16:
        return None
    blank = cv2.resize(reg.ref.blank, (W, H), interpolation=cv2.INTER_LINEAR)
    var = cv2.resize(reg.ref.variable, (W, H), interpolation=cv2.INTER_LINEAR)
    big = blank[y0 - _SEARCH : y1 + _SEARCH, x0 - _SEARCH : x1 + _SEARCH]
    win = reg.grey[y0:y1, x0:x1]
    mask = (var[y0:y1, x0:x1] < 0.05).astype(np.float32)
    for bx, by, bw, bh in others:
        mask[
            max(0, by - 3 - y0) : max(0, by + bh + 3 - y0),
            max(0, bx - 3 - x0) : max(0, bx + bw + 3 - x0),
        ] = 0
    if mask.mean() < 0.15:
        return None
    tb = np.asarray(big - cv2.GaussianBlur(big, (0, 0), 4), np.float32)
    ib = np.asarray(win - cv2.GaussianBlur(win, (0, 0), 4), np.float32)
    raw = cv2.matchTemplate(tb, ib, cv2.TM_CCORR_NORMED, mask=mask)
    res: NDArray[np.float64] = np.asarray(
        np.nan_to_num(np.asarray(raw, np.float64), nan=-1.0), dtype=np.float64
    )
    _, mv, _, (mx, my) = cv2.minMaxLoc(res)
    dx = mx + _peak(res[my, max(0, mx - 1) : mx + 2], mx) - _SEARCH
    dy = my + _peak(res[max(0, my - 1) : my + 2, mx], my) - _SEARCH
    return float(dx), float(dy), float(mv)


def _peak(v: NDArray[np.float64], i: int) -> float:
    if len(v) != 3 or i == 0:
        return 0.0
    den = v[0] - 2 * v[1] + v[2]
    return float(np.clip(0.5 * (v[0] - v[2]) / den, -0.5, 0.5)) if den < 0 else 0.0


def glyph_pitch(reg: Registered, box: tuple[int, int, int, int]) -> float:
    """Median advance between neighbouring full-height glyphs of the line (0: fewer than three).

    Digits are printed at one advance whatever the digit, so on the number-bearing fields this
    is the font size itself, to a few hundredths of a pixel: a field retyped a point larger or
    smaller shows it over the whole line even when its top and baseline happen to sit right.
    """
    x, y, w, h = box
    H, W = reg.grey.shape
    x0, y0, x1, y1 = max(0, x - 2), max(0, y - 2), min(W, x + w + 2), min(H, y + h + 2)
    depth = reg.paper[y0:y1, x0:x1] - reg.grey[y0:y1, x0:x1]
    if depth.size < 20:
        return 0.0
    top = float(np.percentile(depth, 99.5))
    ink = (depth > max(25.0, 0.45 * top)).astype(np.uint8)
    n, _, stats, cents = cv2.connectedComponentsWithStats(ink, connectivity=8)
    hh = max(4, h)
    xs = sorted(
        float(cents[i][0])
        for i in range(1, n)
        if stats[i][3] >= 0.6 * hh and stats[i][2] <= 0.95 * hh
    )
    gaps = np.diff(np.array(xs))
    gaps = gaps[(gaps > 0.3 * hh) & (gaps < 1.2 * hh)]
    if len(gaps) < 3:
        return 0.0
    return float(np.median(gaps))


def anchor_of(
    reg: Registered, box: tuple[int, int, int, int], others: Sequence[tuple[int, int, int, int]]
) -> tuple[float, float, float, float] | None:
    """(top, baseline, left, glyph pitch) of the field's ink in blank coordinates, after local
    refinement of the registration."""
    g = line_geometry(reg, box)
    sh = local_shift(reg, box, others)
    if g is None or sh is None or sh[2] < 0.3:
        return None
    return (g[0] + sh[1], g[1] + sh[1], g[2] + sh[0], glyph_pitch(reg, box))


def _frac(profile: NDArray[np.float64], i: int, step: int, level: float) -> float:
    """How far beyond index ``i`` (towards ``step``) the profile falls to ``level`` (0..1)."""
    j = i + step
    if j < 0 or j >= len(profile):
        return 0.0
    hi, lo = profile[i], profile[j]
    if hi <= lo:
        return 0.0
    return float(np.clip((hi - level) / (hi - lo), 0.0, 1.0))


def learn_reference(
    pages: Sequence[tuple[str, Page]],
) -> tuple[
    dict[str, NDArray[np.uint8]], dict[str, NDArray[np.uint8]], dict[str, dict[str, list[float]]]
]:
    """Blanks, variable-ink maps and field anchors per layout from GENUINE flat pages.

    ``pages``: ("<kind>.<layout>", flat page) pairs, e.g. ("visa.mrv_b", page).
    """
    by_key: dict[str, list[Page]] = {}
    for key, page in pages:
        by_key.setdefault(key, []).append(page)
    blanks: dict[str, NDArray[np.uint8]] = {}
    variables: dict[str, NDArray[np.uint8]] = {}
    anchors: dict[str, dict[str, list[float]]] = {}
    for key, group in by_key.items():
        if len(group) < 5:
            continue
        seed = _medoid(group)
        h0, w0 = seed.grey.shape
        size = (round(w0 * SCALE), round(h0 * SCALE))
        blank = _small(seed.grey, size)
        for _ in range(3):
            stack, masks = [], []
            for p in group:
                half = _small(
                    p.grey, (round(p.grey.shape[1] * SCALE), round(p.grey.shape[0] * SCALE))
                )
                w, c = register_grey(half, blank)
                if c < 0.3:
                    continue
                flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
                g = cv2.warpAffine(half, w, size, flags=flags, borderMode=cv2.BORDER_REPLICATE)
                ph = _small(p.paper, (half.shape[1], half.shape[0]))
                pa = cv2.warpAffine(ph, w, size, flags=flags, borderMode=cv2.BORDER_REPLICATE)
                stack.append(np.asarray(g, np.float32))
                masks.append(np.asarray(pa - g > 25.0))
            arr = np.stack(stack)
            ink = np.stack(masks)
            inked = ink.mean(axis=0)
            variable = np.where(ink, np.nan, arr)
            med_bg = np.nanmedian(np.where(ink.sum(axis=0) < len(stack) - 3, variable, arr), axis=0)
            # Static print (ink on nearly every page) keeps its plain median.
            blank = np.where(inked > 0.85, np.median(arr, axis=0), med_bg).astype(np.float32)
        blanks[key] = np.clip(blank, 0, 255).astype(np.uint8)
        variable = np.where(inked > 0.85, 0.0, inked).astype(np.float32)
        variables[key] = np.clip(variable * 255, 0, 255).astype(np.uint8)
        ref = Reference(key, blank, variable, {})
        per: dict[str, list[tuple[float, float, float, float]]] = {}
        for p in group:
            reg = register(p, ref)
            if reg.correlation < 0.3:
                continue
            boxes = [reg.from_page(ln.box) for ln in p.fields]
            for line, box in zip(p.fields, boxes, strict=True):
                g3 = anchor_of(reg, box, boxes)
                if g3 is not None:
                    per.setdefault(line.name, []).append(g3)
        anchors[key] = {}
        for name, vals in per.items():
            if len(vals) < 4:
                continue
            arr3 = np.array(vals)
            med = np.median(arr3, axis=0)
            # The larger of the MAD and the 10-90% range: a field whose print size depends on
            # its text (a heading fitted to the line) must not look tight because most agree.
            mad = 1.4826 * np.median(np.abs(arr3 - med), axis=0)
            p10, p90 = np.percentile(arr3, [10, 90], axis=0)
            sd = np.maximum(mad, (p90 - p10) / 2.563)
            pitch = arr3[:, 3][arr3[:, 3] > 0]
            med[3], sd[3] = 0.0, 0.0  # no glyph pitch on this field
            if len(pitch) >= 5:
                pm = float(np.median(pitch))
                q10, q90 = np.percentile(pitch, [10, 90])
                med[3] = pm
                sd[3] = max(1.4826 * float(np.median(np.abs(pitch - pm))), (q90 - q10) / 2.563)
            anchors[key][name] = [
                round(float(v), 3) for pair in zip(med, sd, strict=True) for v in pair
            ]
    return blanks, variables, anchors


def _medoid(group: Sequence[Page]) -> Page:
    """The page most like the others (a page whose document was not found is least like them)."""
    smalls = [_bp(_small(p.grey, (144, 100))) for p in group]
    n = len(smalls)
    sim = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            c = max(_ncc(smalls[i], smalls[j]), _ncc(smalls[i], smalls[j][::-1, ::-1].copy()))
            sim[i, j] = sim[j, i] = c
    return group[int(np.argmax(np.median(sim, axis=1)))]


def save_reference(
    blanks: Mapping[str, NDArray[np.uint8]],
    variables: Mapping[str, NDArray[np.uint8]],
    anchors: Mapping[str, Mapping[str, list[float]]],
) -> Path:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    for key, img in blanks.items():
        cv2.imwrite(str(DATA_DIR / f"{key}.png"), img)
        cv2.imwrite(str(DATA_DIR / f"{key}.var.png"), variables[key])
    out = DATA_DIR / "anchors.json"
    out.write_text(json.dumps(dict(anchors), indent=1, sort_keys=True) + "\n")
    _load_all.cache_clear()
    return out
