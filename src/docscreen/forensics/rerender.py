"""Printed font size of each field line, measured by re-rendering its text in the layout's font.

Every genuine document of one layout prints a field in the same font at the same size (unless a
long value was shrunk to fit its line).  A forger who erases a field and types a new value rarely
hits the printer's size exactly: a point more or less is 3-5% at 20-36 px.  Top and baseline
anchors see only a pixel of that; the whole line sees it everywhere (advances, glyph heights).

Per field, the text as read is rendered in the layout's font (a large master rendering scaled
continuously, blurred like the capture) and matched (normalised cross-correlation) against the
field's ink on the page registered onto its layout (``forensics.reference``); the scale with the
best match, refined between grid steps, gives the printed em size in blank-frame pixels.  The
layout model (``reference_data/sizes.json``, learned from genuine captures only) holds per field
the font, the median log em size and the spread of its residual after the page's own scale (the
median over the page's fields) is divided out.  A field whose text does not match its ink well
(a misreading, a smudge) is left out, not judged.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from docscreen.forensics.page import Float
from docscreen.forensics.reference import DATA_DIR, Registered

# Candidate print fonts (Debian packages fonts-liberation2 and fonts-ocr-b; DejaVu as fallback).
# A deployment on real documents adds the issuer's fonts here and re-learns the model.
FONT_FILES: dict[str, tuple[str, ...]] = {
    "sans": (
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    ),
    "sans_bold": (
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    "serif_bold": (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
    ),
    "mono": (
        "/usr/share/fonts/truetype/liberation2/LiberationMono-Regular.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    ),
    "ocrb": (
        "/usr/share/fonts/opentype/ocr-b/OCRB.otf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    ),
}
MASTER = 64  # em size (px) of the master rendering
_PAD = 8
MIN_NCC = 0.9  # a fit below this does not describe the ink (misread text, smudge): not judged
MIN_CHARS = 3  # fewer printed characters measure too noisily
_BLURS = (0.6, 1.0, 1.5, 2.0, 2.6)  # capture blur (px, Gaussian sigma) tried at the best scale
MIN_SPREAD = 0.004  # least residual spread assumed (log units: 0.4%)
_FITTED = 0.97  # a line at least this close to the longest seen may have been shrunk to fit
SIZES_FILE = DATA_DIR / "sizes.json"


def font_file(family: str) -> str | None:
    for candidate in FONT_FILES.get(family, ()):
        if Path(candidate).is_file():
            return candidate
    return None


@cache
def _font(family: str) -> ImageFont.FreeTypeFont | None:
    path = font_file(family)
    return ImageFont.truetype(path, MASTER) if path else None


@lru_cache(maxsize=2048)
def master(text: str, family: str) -> Float | None:
    """``text`` rendered white on black at ``MASTER`` px em, cropped to its ink plus a margin."""
    f = _font(family)
    if f is None:
        return None
    x0, y0, x1, y1 = f.getbbox(text, anchor="ls")
    w, h = int(x1 - x0) + 2 * _PAD, int(y1 - y0) + 2 * _PAD
    if w <= 2 * _PAD or h <= 2 * _PAD:
        return None
    img = Image.new("L", (w, h), 0)
    ImageDraw.Draw(img).text((_PAD - x0, _PAD - y0), text, font=f, fill=255, anchor="ls")
    return np.asarray(img, np.float32)


def advance_em(text: str, family: str) -> float:
    """Advance width of ``text`` in ems."""
    f = _font(family)
    return float(f.getlength(text)) / MASTER if f is not None else 0.0


def _match(depth: Float, tmpl: Float, c: float, blur: float) -> float:
    """Best NCC of ``tmpl`` scaled by ``c`` (anti-aliased, then blurred) anywhere in ``depth``."""
    h, w = tmpl.shape
    nw, nh = int(np.ceil(w * c)), int(np.ceil(h * c))
    if nh + 2 > depth.shape[0] or nw + 2 > depth.shape[1] or nh < 4 or nw < 4:
        return -2.0
    soft = cv2.GaussianBlur(tmpl, (0, 0), max(0.01, 0.4 / c))
    m = np.array([[c, 0, 0], [0, c, 0]], np.float32)
    scaled = cv2.warpAffine(soft, m, (nw, nh), flags=cv2.INTER_LINEAR)
    scaled = cv2.GaussianBlur(scaled, (0, 0), blur)
    if float(scaled.std()) <= 0:
        return -2.0
    res = cv2.matchTemplate(depth, np.asarray(scaled, np.float32), cv2.TM_CCOEFF_NORMED)
    return float(np.nan_to_num(res, nan=-2.0).max())


def _scan(
    depth: Float, tmpl: Float, c0: float, span: float, steps: int, blur: float
) -> tuple[float, float]:
    """(scale, NCC) of the best match over ``steps`` log-spaced scales in c0 * exp(+-span)."""
    lc = np.log(c0) + (np.linspace(-span, span, steps) if steps > 1 else np.zeros(1))
    v = np.array([_match(depth, tmpl, float(np.exp(x)), blur) for x in lc])
    i = int(np.argmax(v))
    best = float(lc[i])
    if 0 < i < len(v) - 1:
        den = v[i - 1] - 2 * v[i] + v[i + 1]
        if den < 0:
            best += float(np.clip(0.5 * (v[i - 1] - v[i + 1]) / den, -0.5, 0.5)) * (lc[1] - lc[0])
    return float(np.exp(best)), float(v[i])


def fit_em(
    depth: Float, text: str, family: str, flip: bool, guess: float | None = None
) -> tuple[float, float] | None:
    """(em size in px, NCC) of ``text`` printed in ``family`` in the ink image ``depth``.

    ``guess``: expected em size (px); without it the scale is first guessed from the ink width.
    ``flip``: the line is seen upside down (the layout's blank frame is turned).
    """
    tmpl = master(text, family)
    if tmpl is None:
        return None
    if flip:
        tmpl = np.ascontiguousarray(tmpl[::-1, ::-1])
    if guess is None:
        cols = np.flatnonzero(depth.max(axis=0) > 0.5 * float(depth.max()))
        if len(cols) < 2:
            return None
        c0, span, steps = (cols[-1] - cols[0] + 1) / max(1.0, tmpl.shape[1] - 2 * _PAD), 0.2, 21
    else:
        c0, span, steps = guess / MASTER, 0.12, 13
    c1, _ = _scan(depth, tmpl, c0, span, steps, 1.2)
    blur = max(_BLURS, key=lambda b: _match(depth, tmpl, c1, b))
    c, ncc = _scan(depth, tmpl, c1, 0.04, 17, blur)
    return c * MASTER, ncc


def line_depth(reg: Registered, box: tuple[int, int, int, int]) -> Float:
    """Ink depth (local paper minus grey, >= 0) around a field box in the blank frame."""
    x, y, w, h = box
    H, W = reg.grey.shape
    px, py = 10 + h // 2, 6 + h // 2
    x0, y0, x1, y1 = max(0, x - px), max(0, y - py), min(W, x + w + px), min(H, y + h + py)
    d = reg.paper[y0:y1, x0:x1] - reg.grey[y0:y1, x0:x1]
    return np.ascontiguousarray(np.clip(d, 0, None), dtype=np.float32)


@dataclass(frozen=True)
class FieldSize:
    family: str
    log_em: float  # median log em size (blank-frame px) over genuine captures
    res_med: float  # residual after the page's scale: median and spread
    res_sd: float
    width_seen: float  # longest line (px) printed at the nominal size among genuine captures


@dataclass(frozen=True)
class LayoutSizes:
    flip: bool
    fields: Mapping[str, FieldSize]


@cache
def load_sizes() -> dict[str, LayoutSizes]:
    if not SIZES_FILE.exists():
        return {}
    raw: dict[str, dict[str, object]] = json.loads(SIZES_FILE.read_text())
    out: dict[str, LayoutSizes] = {}
    for key, v in raw.items():
        fields = v["fields"]
        assert isinstance(fields, dict)
        out[key] = LayoutSizes(
            bool(v["flip"]), {n: FieldSize(**f) for n, f in fields.items() if isinstance(f, dict)}
        )
    return out


def _usable(text: str) -> bool:
    return len(text.replace(" ", "")) >= MIN_CHARS


def measure_sizes(
    reg: Registered,
    boxes: Mapping[str, tuple[int, int, int, int]],
    texts: Mapping[str, str],
    model: LayoutSizes,
) -> dict[str, tuple[float, float]]:
    """Per field of the model with text: (log em size, NCC) of a good fit (blank frame)."""
    out: dict[str, tuple[float, float]] = {}
    for name, box in boxes.items():
        fm = model.fields.get(name)
        text = texts.get(name, "")
        if fm is None or not _usable(text) or box[2] < 2 * box[3]:
            continue
        got = fit_em(line_depth(reg, box), text, fm.family, model.flip, float(np.exp(fm.log_em)))
        if got is not None and got[1] >= MIN_NCC:
            out[name] = (float(np.log(got[0])), got[1])
    return out


def _residuals(sizes: Mapping[str, tuple[float, float]], model: LayoutSizes) -> dict[str, float]:
    """log em size minus the field's median, minus the page's own offset (median over fields)."""
    d = {n: v[0] - model.fields[n].log_em for n, v in sizes.items() if n in model.fields}
    if len(d) < 3:
        return {}
    off = float(np.median(list(d.values())))
    return {n: v - off for n, v in d.items()}


def size_deviations(
    reg: Registered,
    boxes: Mapping[str, tuple[int, int, int, int]],
    texts: Mapping[str, str],
) -> dict[str, tuple[float, str]]:
    """Per field: robust z-score of its printed size against the layout's (needs >= 3 fields)."""
    model = load_sizes().get(reg.ref.key)
    if model is None:
        return {}
    sizes = measure_sizes(reg, boxes, texts, model)
    out: dict[str, tuple[float, str]] = {}
    for name, r in _residuals(sizes, model).items():
        fm = model.fields[name]
        dev = r - fm.res_med
        # A value too long for its line is printed smaller to fit: not judged downwards.
        width = float(np.exp(sizes[name][0])) * advance_em(texts[name], fm.family)
        if dev < 0 and width >= _FITTED * fm.width_seen:
            out[name] = (0.0, "size")
            continue
        out[name] = (abs(dev) / max(fm.res_sd, MIN_SPREAD), "size")
    return out


def learn_sizes(
    samples: Sequence[
        tuple[Registered, Mapping[str, tuple[int, int, int, int]], Mapping[str, str]]
    ],
) -> dict[str, dict[str, object]]:
    """Per layout from GENUINE captures (page registered onto its layout, field boxes in the blank
    frame, texts as printed): the font of each field (best median NCC among ``FONT_FILES``), the
    frame orientation, the median log em size and the residual spread."""
    by_key: dict[str, list[int]] = {}
    for i, (reg, _, _) in enumerate(samples):
        by_key.setdefault(reg.ref.key, []).append(i)
    out: dict[str, dict[str, object]] = {}
    families = [f for f in FONT_FILES if font_file(f)]
    for key, idx in by_key.items():
        # Every family in both orientations on every field: (sample, field) -> fam -> fits.
        fits: dict[tuple[int, str], dict[tuple[str, bool], tuple[float, float]]] = {}
        for i in idx:
            reg, boxes, texts = samples[i]
            for name, box in boxes.items():
                text = texts.get(name, "")
                if not _usable(text) or box[2] < 2 * box[3]:
                    continue
                depth = line_depth(reg, box)
                for fam in families:
                    for flip in (False, True):
                        got = fit_em(depth, text, fam, flip)
                        if got is not None:
                            fits.setdefault((i, name), {})[(fam, flip)] = got
        flips = [max(v, key=lambda k: v[k][1])[1] for v in fits.values() if v]
        if not flips:
            continue
        flip = bool(np.mean(flips) > 0.5)
        names = sorted({n for _, n in fits})
        fields: dict[str, FieldSize] = {}
        logs: dict[str, dict[int, float]] = {}
        for name in names:
            per = [(i, v) for (i, n), v in fits.items() if n == name]
            if len(per) < 5:
                continue
            fam = max(
                families,
                key=lambda f: float(np.median([v.get((f, flip), (0.0, -2.0))[1] for _, v in per])),
            )
            good = {
                i: float(np.log(v[(fam, flip)][0]))
                for i, v in per
                if (fam, flip) in v and v[(fam, flip)][1] >= MIN_NCC
            }
            if len(good) < 5:
                continue
            med = float(np.median(list(good.values())))
            nominal = [
                np.exp(le) * advance_em(samples[i][2][name], fam)
                for i, le in good.items()
                if le >= med - 0.015
            ]
            fields[name] = FieldSize(fam, med, 0.0, 0.0, float(max(nominal)))
            logs[name] = good
        model = LayoutSizes(flip, fields)
        res: dict[str, list[float]] = {}
        for i in idx:
            sizes = {n: (v[i], 1.0) for n, v in logs.items() if i in v}
            for n, r in _residuals(sizes, model).items():
                res.setdefault(n, []).append(r)
        out_fields: dict[str, object] = {}
        for n, fs in fields.items():
            a = np.array(res.get(n, []))
            if len(a) < 5:
                continue
            m = float(np.median(a))
            p10, p90 = np.percentile(a, [10, 90])
            sd = max(1.4826 * float(np.median(np.abs(a - m))), float(p90 - p10) / 2.563)
            out_fields[n] = {
                "family": fs.family,
                "log_em": round(fs.log_em, 5),
                "res_med": round(m, 5),
                "res_sd": round(sd, 5),
                "width_seen": round(fs.width_seen, 2),
            }
        out[key] = {"flip": flip, "fields": out_fields}
    return out


def save_sizes(model: Mapping[str, Mapping[str, object]]) -> Path:
    SIZES_FILE.parent.mkdir(parents=True, exist_ok=True)
    SIZES_FILE.write_text(json.dumps(dict(model), indent=1, sort_keys=True) + "\n")
    load_sizes.cache_clear()
    return SIZES_FILE


__all__ = [
    "FONT_FILES",
    "FieldSize",
    "LayoutSizes",
    "fit_em",
    "learn_sizes",
    "line_depth",
    "load_sizes",
    "measure_sizes",
    "save_sizes",
    "size_deviations",
]
