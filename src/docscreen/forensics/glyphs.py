"""Glyph consistency: is one field printed in a different size, weight or ink from its siblings?

Retyped fields rarely match the original print exactly: the font size is a point off, the line
sits a pixel or two higher, the ink is a shade darker or bluer.  Each field's line is measured
(cap height from the ink row profile, stroke width from ink area over skeleton length, ink
darkness against the local paper, ink colour) and compared with the fields printed at about the
same size on the same document: a robust z-score (median and spread of the siblings) per feature,
the field's score is the largest of them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from numpy.typing import NDArray

from docscreen.forensics.page import FieldLine, Page, clip
from docscreen.forensics.reference import Registered, anchor_of, best_registration
from docscreen.forensics.rerender import size_deviations
from docscreen.forensics.types import Region, SignalResult, judged, not_performed

NAME = "glyphs"
# Least spread assumed for each feature (relative height, darkness in grey levels, colour in Lab
# units, relative stroke width): measurement noise of a good capture, so that three identical
# siblings do not make every small difference look enormous.
_MIN_SPREAD = {"height": 0.025, "darkness": 6.0, "colour": 3.0, "stroke": 0.06}


@dataclass(frozen=True)
class LineFeatures:
    name: str
    width: float  # length of the line of print (px)
    height: float
    darkness: float
    a: float
    b: float
    stroke: float


def measure(page: Page, line: FieldLine) -> LineFeatures | None:
    x0, y0, x1, y1 = clip(line.box, page.grey.shape, 2)
    ink = page.ink((x0, y0, x1 - x0, y1 - y0))
    if ink.sum() < 20:
        return None
    rows = ink.sum(axis=1).astype(np.float64)
    peak = rows.max()
    # Cap height: rows with at least a quarter of the peak ink, with sub-pixel ends.
    on = np.flatnonzero(rows >= 0.25 * peak)
    a, b = int(on[0]), int(on[-1])
    height = float(b - a + 1)
    if a > 0:
        height += min(1.0, (rows[a - 1]) / (0.25 * peak)) - 0.5
    if b < len(rows) - 1:
        height += min(1.0, (rows[b + 1]) / (0.25 * peak)) - 0.5
    grey = page.grey[y0:y1, x0:x1]
    paper = page.paper[y0:y1, x0:x1]
    core = ink & (cv2.erode(ink.astype(np.uint8), np.ones((2, 2), np.uint8)) > 0)
    use = core if core.sum() >= 10 else ink
    darkness = float(np.median(paper[use] - grey[use]))
    lab = cv2.cvtColor(page.image[y0:y1, x0:x1], cv2.COLOR_BGR2LAB).astype(np.float32)
    skel_len = max(1.0, float(_skeleton(ink).sum()))
    stroke = float(ink.sum()) / skel_len
    return LineFeatures(
        line.name,
        float(line.box[2]),
        height,
        darkness,
        float(np.median(lab[:, :, 1][use])),
        float(np.median(lab[:, :, 2][use])),
        stroke / max(height, 1.0),
    )


def _skeleton(mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Morphological skeleton (thin enough for a length estimate)."""
    img: NDArray[np.uint8] = mask.astype(np.uint8)
    skel = np.zeros(img.shape, dtype=bool)
    k = cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))
    for _ in range(20):
        eroded = np.asarray(cv2.erode(img, k), dtype=np.uint8)
        opened = np.asarray(cv2.dilate(eroded, k), dtype=np.uint8)
        skel |= (img > 0) & (opened == 0)
        img = eroded
        if not img.any():
            break
    return skel


def _z(value: float, others: list[float], floor: float) -> float:
    med = float(np.median(others))
    spread = max(floor, 1.4826 * float(np.median(np.abs(np.array(others) - med))))
    return abs(value - med) / spread


def deviations(feats: list[LineFeatures]) -> dict[str, tuple[float, str]]:
    """Per field: the largest sibling z-score and which feature gave it."""
    out: dict[str, tuple[float, str]] = {}
    for f in feats:
        sib = [g for g in feats if g is not f and abs(np.log(g.height / f.height)) < 0.2]
        if len(sib) < 2:
            continue
        zs = {
            "height": _z(np.log(f.height), [np.log(g.height) for g in sib], _MIN_SPREAD["height"]),
            "darkness": _z(f.darkness, [g.darkness for g in sib], _MIN_SPREAD["darkness"]),
            "colour": max(
                _z(f.a, [g.a for g in sib], _MIN_SPREAD["colour"]),
                _z(f.b, [g.b for g in sib], _MIN_SPREAD["colour"]),
            ),
            "stroke": _z(f.stroke, [g.stroke for g in sib], _MIN_SPREAD["stroke"]),
        }
        key = max(zs, key=lambda k: zs[k])
        out[f.name] = (zs[key], key)
    return out


def layout_key(kind: str, page: Page) -> str:
    """Template key: the document kind and the page's aspect (two visa layouts share a kind)."""
    h, w = page.grey.shape
    return f"{kind}@{w / h:.1f}"


def residuals(feats: list[LineFeatures]) -> dict[str, tuple[float, float]]:
    """Per field (log height, log darkness) minus the document's median of each (capture-free)."""
    if not feats:
        return {}
    lh = {f.name: float(np.log(f.height)) for f in feats}
    ld = {f.name: float(np.log(max(f.darkness, 1.0))) for f in feats}
    mh, md = float(np.median(list(lh.values()))), float(np.median(list(ld.values())))
    return {n: (lh[n] - mh, ld[n] - md) for n in lh}


def template_deviations(
    feats: list[LineFeatures], template: Mapping[str, Sequence[float]]
) -> dict[str, tuple[float, str]]:
    """Per field: z-scores of height and darkness against the layout's template.

    ``template[field] = [height mean, height sd, darkness mean, darkness sd]`` of the residuals
    on genuine captures.  The residuals are re-centred on the fields the template knows, so one
    altered field cannot shift the others much (median).
    """
    # Lines of one or two characters (sex, type codes) measure too noisily to judge.
    long_enough = {f.name for f in feats if f.width >= 3.0 * f.height}
    res = {n: r for n, r in residuals(feats).items() if n in template and n in long_enough}
    if len(res) < 3:
        return {}
    off_h = float(np.median([r[0] - template[n][0] for n, r in res.items()]))
    off_d = float(np.median([r[1] - template[n][2] for n, r in res.items()]))
    out: dict[str, tuple[float, str]] = {}
    for n, (rh, rd) in res.items():
        t = template[n]
        zh = abs(rh - off_h - t[0]) / max(t[1], 0.02)
        zd = abs(rd - off_d - t[2]) / max(t[3], 0.04)
        out[n] = (zh, "height") if zh >= zd else (zd, "darkness")
    return out


# Least spread assumed for the layout anchors (px on the blank frame at flat-page resolution):
# top and baseline of a line.
_MIN_ANCHOR_SD = (0.3, 0.3)
# A line further than this from its layout anchor was not measured on the line the layout
# prints there (a box that caught a neighbouring line); it is left out, not judged.
_MAX_OFFSET = 6.0
# Registrations below this correlation with the blank are not trusted (glare, a page the
# quad finder did not isolate); the signal then falls back to sibling/template comparison.
MIN_CORRELATION = 0.4


def layout_deviations(page: Page, reg: Registered) -> dict[str, tuple[float, str]]:
    """Per field: the larger z-score of its top and baseline against the layout's anchors."""
    boxes = [reg.from_page(ln.box) for ln in page.fields]
    out: dict[str, tuple[float, str]] = {}
    for line, box in zip(page.fields, boxes, strict=True):
        a = reg.ref.anchors.get(line.name)
        if a is None or line.box[2] < 3 * line.box[3]:
            continue  # a line of one or two characters measures too noisily
        g = anchor_of(reg, box, boxes)
        if g is None:
            continue
        d_top, d_base = g[0] - a[0], g[1] - a[2]
        if max(abs(d_top), abs(d_base)) > _MAX_OFFSET:
            continue
        zs = {
            "top": abs(d_top) / max(a[1], _MIN_ANCHOR_SD[0]),
            "baseline": abs(d_base) / max(a[3], _MIN_ANCHOR_SD[1]),
        }
        # The glyph pitch (g[3], a[6:8]) is measured and kept in the anchors but not judged: on
        # 150-dpi captures neighbouring glyphs merge often enough that its genuine tail is heavy
        # (calibration AUC fell from 0.88 to 0.78 with it).
        key = max(zs, key=lambda k: zs[k])
        out[line.name] = (zs[key], key)
    return out


def glyphs(
    page: Page,
    threshold: float,
    template: Mapping[str, Sequence[float]] | None = None,
    kind: str | None = None,
    fallback_threshold: float | None = None,
    texts: Mapping[str, str] | None = None,
    anchor_threshold: float | None = None,
) -> SignalResult:
    """Size mode (a reference of ``kind`` exists, the page registers onto it, the layout has a
    print-size model and the fields' texts are known): every line's printed font size, fitted by
    re-rendering its text, against the layout's (``forensics.rerender``), judged against
    ``threshold``.  Layout mode (no texts or no size model): top and baseline against the
    layout's anchors, judged against ``anchor_threshold`` (default: ``threshold``).  Otherwise
    the per-layout template of heights and darkness, or the sibling fields of the same print
    size, judged against ``fallback_threshold`` (default: ``threshold``)."""
    reg = best_registration(page, kind) if kind else None
    if reg is not None and reg.correlation >= MIN_CORRELATION:
        if texts:
            boxes = {ln.name: reg.from_page(ln.box) for ln in page.fields}
            sizes = size_deviations(reg, boxes, texts)
            if len(sizes) >= 2:
                return _judge(page, sizes, threshold, "size", reg.correlation)
        devs = layout_deviations(page, reg)
        if len(devs) >= 2:
            th = threshold if anchor_threshold is None else anchor_threshold
            return _judge(page, devs, th, "layout", reg.correlation)
    feats = [m for line in page.fields if (m := measure(page, line)) is not None]
    devs = template_deviations(feats, template) if template else {}
    if not devs:
        devs = deviations(feats)
    if not devs:
        return not_performed(NAME, "fewer than three fields of a similar print size were found")
    mode = "template" if template else "siblings"
    fb = threshold if fallback_threshold is None else fallback_threshold
    return _judge(page, devs, fb, mode, None)


def _judge(
    page: Page,
    devs: Mapping[str, tuple[float, str]],
    threshold: float,
    mode: str,
    correlation: float | None,
) -> SignalResult:
    best = max(v[0] for v in devs.values())
    boxes = {ln.name: ln.box for ln in page.fields}
    regions = tuple(
        Region(page.to_source(boxes[n]), n, z) for n, (z, _) in devs.items() if z > threshold
    )
    details: dict[str, object] = {
        "mode": mode,
        "per_field": {n: [round(z, 2), k] for n, (z, k) in devs.items()},
    }
    if correlation is not None:
        details["registration"] = round(correlation, 3)
    return judged(NAME, best, threshold, regions, details)


def load_templates() -> dict[str, dict[str, list[float]]]:
    """Per-layout glyph templates shipped with the package (learned on generated layouts)."""
    path = Path(__file__).parent.parent / "data" / "forensics" / "glyph_templates.json"
    if not path.exists():
        return {}
    data: dict[str, dict[str, list[float]]] = json.loads(path.read_text())
    return data


def learn_templates(
    samples: Sequence[tuple[str, list[LineFeatures]]],
) -> dict[str, dict[str, list[float]]]:
    """Template per layout key from GENUINE captures: mean and sd of each field's residuals."""
    acc: dict[str, dict[str, list[tuple[float, float]]]] = {}
    for key, feats in samples:
        for n, r in residuals(feats).items():
            acc.setdefault(key, {}).setdefault(n, []).append(r)
    out: dict[str, dict[str, list[float]]] = {}
    for key, fields in acc.items():
        for n, rs in fields.items():
            if len(rs) < 4:
                continue
            arr = np.array(rs)
            med = np.median(arr, axis=0)
            sd = 1.4826 * np.median(np.abs(arr - med), axis=0)
            out.setdefault(key, {})[n] = [
                round(float(med[0]), 5),
                round(float(sd[0]), 5),
                round(float(med[1]), 5),
                round(float(sd[1]), 5),
            ]
    return out
