"""Train the OCR-B glyph classifier shipped in ``src/docscreen/data/ocrb/`` from synthetic renders.

Every sample is a line of random MRZ characters rendered with Debian's ``fonts-ocr-b`` (Pillow),
degraded like a capture (stroke weight, stretch, small rotation, blur, low resolution, paper
texture, uneven light, noise, JPEG), and cut into cells by the SAME code the reader uses
(:func:`docscreen.mrz.recognise.fit_grid` and :func:`~docscreen.mrz.recognise.cut_cells`), so the
classifier learns the cells it will see, grid errors included.  No real document is used.

Deterministic for a given ``--seed`` (single-threaded BLAS and OpenCV); a few minutes on one core::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 .venv/bin/python scripts/train_ocrb.py
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import cv2
import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from docscreen.mrz.ocrb_model import CHARSET, MODEL_FILE, N_FEATURES, OcrbModel
from docscreen.mrz.recognise import Grid, cut_cells, fit_grid, ink_map

FONT_DIR = Path("/usr/share/fonts/opentype/ocr-b")
FONTS = (("OCRB.otf", 0.7), ("OCRBS.otf", 0.3))
SUPER = 3  # render at 3x and shrink, like a camera or scanner would
REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "src" / "docscreen" / "data" / "ocrb" / MODEL_FILE
ALNUM = CHARSET[:-1]


def random_text(rng: np.random.Generator, n: int) -> str:
    out: list[str] = []
    filler = rng.uniform(0.15, 0.45)
    while len(out) < n:
        if rng.random() < filler:
            out.extend("<" * int(rng.integers(1, 9)))
        elif rng.random() < 0.5:
            out.extend(ALNUM[int(k)] for k in rng.integers(0, 10, int(rng.integers(1, 8))))
        else:
            out.extend(ALNUM[int(k)] for k in rng.integers(10, 36, int(rng.integers(1, 8))))
    return "".join(out[:n])


class Renderer:
    def __init__(self) -> None:
        self._fonts: dict[tuple[str, int], ImageFont.FreeTypeFont] = {}

    def font(self, name: str, size: int) -> ImageFont.FreeTypeFont:
        key = (name, size)
        if key not in self._fonts:
            self._fonts[key] = ImageFont.truetype(str(FONT_DIR / name), size)
        return self._fonts[key]

    def line(
        self, rng: np.random.Generator, text: str, cap: float, pitch_caps: float
    ) -> tuple[NDArray[np.uint8], list[float], float]:
        """Render ``text`` (hi-res, coverage 0..255) and return centres of its cells and baseline."""
        names = [f for f, _ in FONTS]
        weights = np.array([w for _, w in FONTS])
        name = names[int(rng.choice(len(names), p=weights / weights.sum()))]
        size = max(6, round(cap * SUPER / 0.73))
        font = self.font(name, size)
        pitch = pitch_caps * cap * SUPER
        margin_x = int(rng.uniform(0.4, 3.0) * cap * SUPER)
        width = int(margin_x * 2 + pitch * len(text) + size)
        height = int(size * 1.1)
        img = Image.new("L", (width, height), 0)
        draw = ImageDraw.Draw(img)
        baseline = size * 0.96
        centres = []
        for i, ch in enumerate(text):
            adv = font.getlength(ch)
            x = margin_x + i * pitch + (pitch - adv) / 2 + rng.normal(0, 0.015) * pitch
            draw.text((x, baseline), ch, font=font, fill=255, anchor="ls")
            centres.append((margin_x + i * pitch + pitch / 2) / SUPER)
        return np.asarray(img, dtype=np.uint8), centres, baseline / SUPER


def degrade(
    rng: np.random.Generator, cover: NDArray[np.uint8], cap: float
) -> tuple[NDArray[np.uint8], float, float, float]:
    """Capture effects; returns (gray image, x stretch, rotation degrees, cap after stretch)."""
    hi = cover
    # Stroke weight relative to the cap height (printers, fonts and scans differ most in this):
    # from hairline to bold, the same at every size.
    if rng.random() < 0.75:
        delta = rng.uniform(-0.035, 0.06) * cap * SUPER
        radius = round(abs(delta))
        if radius >= 1:
            kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * radius + 1, 2 * radius + 1))
            hi = cv2.dilate(hi, kernel) if delta > 0 else cv2.erode(hi, kernel)
    stretch = float(rng.uniform(0.88, 1.12))
    angle = float(rng.normal(0, 0.5))
    h, w = hi.shape
    new_w = max(1, round(w * stretch / SUPER))
    new_h = max(1, round(h / SUPER))
    small = cv2.resize(hi, (new_w, new_h), interpolation=cv2.INTER_AREA).astype(np.float32) / 255
    if abs(angle) > 0.05:
        m = cv2.getRotationMatrix2D((new_w / 2, new_h / 2), angle, 1.0)
        small = cv2.warpAffine(small, m, (new_w, new_h), flags=cv2.INTER_LINEAR)
    paper = rng.uniform(140, 255)
    ink_level = rng.uniform(0, max(5.0, paper - 80))
    img = paper - (paper - ink_level) * small
    yy, xx = np.mgrid[0:new_h, 0:new_w].astype(np.float32)
    if rng.random() < 0.6:  # uneven light
        gx, gy = rng.normal(0, 40, 2)
        img += gx * (xx / max(new_w, 1) - 0.5) + gy * (yy / max(new_h, 1) - 0.5)
    if rng.random() < 0.4:  # security print: fine wavy lines behind the text
        period = rng.uniform(2.5, 9.0)
        amp = rng.uniform(5, 35)
        theta = rng.uniform(0, np.pi)
        phase = np.sin(yy / rng.uniform(8, 30)) * rng.uniform(0, 4)
        img -= amp * (
            0.5 + 0.5 * np.sin((xx * np.cos(theta) + yy * np.sin(theta)) / period + phase)
        )
    sigma = rng.uniform(0, 0.75) * max(1.0, cap / 20) if rng.random() < 0.8 else 0.0
    if sigma > 0.15:
        img = cv2.GaussianBlur(img, (0, 0), sigma)
    f = rng.uniform(1.4, 2.6)
    if rng.random() < 0.25 and cap / f >= 7:  # low resolution, upsampled again
        lw, lh = max(1, round(new_w / f)), max(1, round(new_h / f))
        img = cv2.resize(cv2.resize(img, (lw, lh), interpolation=cv2.INTER_AREA), (new_w, new_h))
    img += rng.normal(0, rng.uniform(0, 10), img.shape).astype(np.float32)
    out = np.clip(img, 0, 255).astype(np.uint8)
    if rng.random() < 0.12:  # bilevel scan
        thr = rng.uniform(0.35, 0.65) * (paper + ink_level)
        out = np.where(out > thr, 255, 0).astype(np.uint8)
    if rng.random() < 0.5:
        ok, enc = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, int(rng.integers(25, 96))])
        if ok:
            out = cv2.imdecode(enc, cv2.IMREAD_GRAYSCALE)
    return out, stretch, angle, cap


def sample_line(
    rng: np.random.Generator, renderer: Renderer
) -> tuple[NDArray[np.uint8], str, list[float], float]:
    n = int(rng.choice([30, 36, 44, int(rng.integers(8, 45))]))
    cap = float(np.exp(rng.uniform(np.log(7), np.log(42))))
    pitch_caps = rng.uniform(0.74, 1.3) if rng.random() < 0.88 else rng.uniform(1.3, 1.9)
    text = random_text(rng, n)
    cover, centres, baseline = renderer.line(rng, text, cap, pitch_caps)
    # Neighbouring MRZ lines above/below, partly inside the strip, as the locator cuts it.
    line_gap = rng.uniform(1.45, 2.3) * cap * SUPER
    pad = int(line_gap) + 2
    canvas = np.zeros((cover.shape[0] + 2 * pad, cover.shape[1]), np.uint8)
    canvas[pad : pad + cover.shape[0]] = cover
    for sign in (-1, 1):
        if rng.random() < 0.5:
            other, _, _ = renderer.line(rng, random_text(rng, n), cap, pitch_caps)
            off = pad + sign * int(line_gap)
            ow = min(other.shape[1], canvas.shape[1])
            canvas[off : off + other.shape[0], :ow] = np.maximum(
                canvas[off : off + other.shape[0], :ow], other[:, :ow]
            )
    gray, stretch, _, _ = degrade(rng, canvas, cap)
    centres = [c * stretch for c in centres]
    cy = (pad / SUPER) + baseline - 0.5 * cap
    half = rng.uniform(0.75, 1.15) * cap
    y1, y2 = max(0, int(cy - half)), min(gray.shape[0], int(cy + half) + 1)
    return gray[y1:y2], text, centres, cap


def build_dataset(
    rng: np.random.Generator, n_lines: int
) -> tuple[NDArray[np.uint8], NDArray[np.int64], int]:
    renderer = Renderer()
    xs: list[NDArray[np.uint8]] = []
    ys: list[NDArray[np.int64]] = []
    skipped = 0
    for _ in range(n_lines):
        gray, text, centres, _ = sample_line(rng, renderer)
        ink = ink_map(gray)
        grid = fit_grid(ink, len(text), refine=False)
        if grid is None or abs(grid.x0 - centres[0]) > 0.3 * grid.pitch:
            skipped += 1
            continue
        last = float(grid.centres()[-1])
        if abs(last - centres[-1]) > 0.3 * grid.pitch:
            skipped += 1
            continue
        grids = [grid]
        for _ in range(1):  # jittered copy: tolerate small grid errors
            grids.append(
                Grid(
                    x0=grid.x0 + rng.normal(0, 0.06) * grid.pitch,
                    pitch=grid.pitch * (1 + rng.normal(0, 0.004)),
                    count=grid.count,
                    cap=grid.cap * (1 + rng.normal(0, 0.06)),
                    slope=grid.slope,
                    y0=grid.y0 + rng.normal(0, 0.06) * grid.cap,
                    curve=grid.curve,
                )
            )
        labels = np.array([CHARSET.index(c) for c in text], dtype=np.int64)
        for g in grids:
            cells = cut_cells(ink, g)
            xs.append(np.clip(cells * 255, 0, 255).astype(np.uint8).reshape(len(cells), -1))
            ys.append(labels)
    return np.concatenate(xs), np.concatenate(ys), skipped


def train(
    rng: np.random.Generator,
    x: NDArray[np.uint8],
    y: NDArray[np.int64],
    hidden: int,
    epochs: int,
) -> OcrbModel:
    n_classes = len(CHARSET)
    mean = (x.mean(axis=0, dtype=np.float64) / 255).astype(np.float32)
    w1 = (rng.normal(0, 1, (N_FEATURES, hidden)) * np.sqrt(2 / N_FEATURES)).astype(np.float32)
    b1 = np.zeros(hidden, np.float32)
    w2 = (rng.normal(0, 1, (hidden, n_classes)) * np.sqrt(1 / hidden)).astype(np.float32)
    b2 = np.zeros(n_classes, np.float32)
    params = [w1, b1, w2, b2]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    beta1, beta2, eps, decay = 0.9, 0.999, 1e-8, 1e-5
    batch = 128
    step = 0
    steps_total = epochs * (len(x) // batch)
    for epoch in range(epochs):
        order = rng.permutation(len(x))
        loss_sum = 0.0
        for start in range(0, len(order) - batch + 1, batch):
            sel = order[start : start + batch]
            xb = x[sel].astype(np.float32) / 255 - mean
            yb = y[sel]
            h_pre = xb @ w1 + b1
            h = np.maximum(h_pre, 0)
            logits = h @ w2 + b2
            logits -= logits.max(axis=1, keepdims=True)
            p = np.exp(logits)
            p /= p.sum(axis=1, keepdims=True)
            loss_sum += float(-np.log(p[np.arange(batch), yb] + 1e-9).mean())
            g_logits = p
            g_logits[np.arange(batch), yb] -= 1
            g_logits /= batch
            g_w2 = h.T @ g_logits + decay * w2
            g_b2 = g_logits.sum(axis=0)
            g_h = g_logits @ w2.T
            g_h[h_pre <= 0] = 0
            g_w1 = xb.T @ g_h + decay * w1
            g_b1 = g_h.sum(axis=0)
            grads = [g_w1, g_b1, g_w2, g_b2]
            step += 1
            lr = 6e-4 * 0.5 * (1 + np.cos(np.pi * step / steps_total)) + 2e-5
            for i, (p_, g_) in enumerate(zip(params, grads, strict=True)):
                m[i] = beta1 * m[i] + (1 - beta1) * g_
                v[i] = beta2 * v[i] + (1 - beta2) * g_ * g_
                mh = m[i] / (1 - beta1**step)
                vh = v[i] / (1 - beta2**step)
                p_ -= (lr * mh / (np.sqrt(vh) + eps)).astype(np.float32)
        print(
            f"epoch {epoch + 1}/{epochs}: loss {loss_sum / (len(order) // batch):.4f}", flush=True
        )
    return OcrbModel(mean=mean, w1=w1, b1=b1, w2=w2, b2=b2)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--lines", type=int, default=5000, help="synthetic training lines")
    parser.add_argument("--hidden", type=int, default=256)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    cv2.setNumThreads(1)
    rng = np.random.default_rng(args.seed)
    t0 = time.perf_counter()
    x, y, skipped = build_dataset(rng, args.lines)
    val_rng = np.random.default_rng(args.seed + 1)
    xv, yv, _ = build_dataset(val_rng, max(200, args.lines // 10))
    print(
        f"{len(x)} training cells ({skipped} lines skipped: grid did not match), "
        f"{len(xv)} validation cells, {time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    model = train(rng, x, y, args.hidden, args.epochs)
    pred = model.probabilities(xv.astype(np.float32) / 255).argmax(axis=1)
    err = float((pred != yv).mean())
    print(f"validation character error {err:.4%}; total {time.perf_counter() - t0:.1f} s")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    model.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
