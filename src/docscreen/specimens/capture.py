"""Capture effects: how a phone photo, scanner or photocopier changes a clean page.

Every geometric step is one homography from page pixels to final pixels, so truth boxes, the
document quad and the forgery mask are carried into the final image exactly (a box becomes the
axis-aligned bounding box of its transformed corners).  Genuine and forged pages go through the
same chain for the same seed, so no detector can key on format or compression.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from docscreen.errors import InputError

Box = tuple[int, int, int, int]
Image8 = NDArray[np.uint8]


def _u8(arr: object) -> Image8:
    """Typed view of an OpenCV result (its stubs return untyped arrays)."""
    return np.asarray(arr, dtype=np.uint8)


EFFECTS: tuple[str, ...] = (
    "rotate",
    "exif_rotation",
    "perspective",
    "blur",
    "noise",
    "jpeg",
    "low_res",
    "glare",
    "uneven_light",
    "photocopy",
    "moire",
    "cut_corner",
    "glare_key",
)
PRESETS: tuple[str, ...] = ("none", "realistic", "unusable")
# Effects that make a capture unfit for screening (a person would ask for a new photo).
UNUSABLE_EFFECTS = frozenset({"cut_corner", "glare_key"})


@dataclass(frozen=True)
class CaptureStep:
    effect: str
    strength: float = 0.5  # 0..1
    value: float | None = None  # explicit parameter (angle, quality, dpi, EXIF orientation)


@dataclass(frozen=True)
class CaptureSpec:
    preset: str | None = None  # "realistic" | "unusable" draw their steps from the seed
    steps: tuple[CaptureStep, ...] = ()


def parse_capture(spec: CaptureSpec | str | Sequence[CaptureStep] | None) -> CaptureSpec:
    """``None``/"none", a preset name, or "effect[:strength|=value],..." (e.g. "rotate=90,jpeg:0.5")."""
    if spec is None:
        return CaptureSpec()
    if isinstance(spec, CaptureSpec):
        return spec
    if not isinstance(spec, str):
        return CaptureSpec(steps=tuple(spec))
    text = spec.strip().lower()
    if text in ("", "none"):
        return CaptureSpec()
    if text in PRESETS:
        return CaptureSpec(preset=text)
    steps = []
    for part in text.split(","):
        part = part.strip()
        name, strength, value = part, 0.5, None
        try:
            if "=" in part:
                name, raw = part.split("=", 1)
                value = float(raw)
            elif ":" in part:
                name, raw = part.split(":", 1)
                strength = float(raw)
        except ValueError as exc:
            raise InputError(f"bad capture effect {part!r}: not a number") from exc
        if name not in EFFECTS:
            raise InputError(
                f"unknown capture effect {name!r}; choose from {', '.join(PRESETS + EFFECTS)}"
            )
        if not 0.0 <= strength <= 1.0:
            raise InputError(f"capture strength must be 0..1, got {part!r}")
        steps.append(CaptureStep(name, strength, value))
    return CaptureSpec(steps=tuple(steps))


def realistic_steps(rng: random.Random) -> list[CaptureStep]:
    """A random mix of mild effects, like an officer's phone photo or a quick scan."""
    steps: list[CaptureStep] = []
    roll = rng.random()
    if roll < 0.55:
        angle = rng.uniform(-6, 6)
    elif roll < 0.9:
        angle = rng.choice((90, 180, 270)) + rng.uniform(-4, 4)
    else:
        angle = rng.uniform(-180, 180)
    steps.append(CaptureStep("rotate", abs(angle) / 180, angle))
    if rng.random() < 0.5:
        steps.append(CaptureStep("perspective", rng.uniform(0.05, 0.35)))
    if rng.random() < 0.4:
        steps.append(CaptureStep("uneven_light", rng.uniform(0.1, 0.5)))
    if rng.random() < 0.15:
        steps.append(CaptureStep("glare", rng.uniform(0.1, 0.4)))
    if rng.random() < 0.1:
        steps.append(CaptureStep("photocopy", rng.uniform(0.1, 0.5)))
    elif rng.random() < 0.08:
        steps.append(CaptureStep("moire", rng.uniform(0.1, 0.4)))
    dpi = rng.uniform(150, 300)
    steps.append(CaptureStep("low_res", (300 - dpi) / 150, dpi))
    if rng.random() < 0.5:
        steps.append(CaptureStep("blur", rng.uniform(0.0, 0.2)))
    if rng.random() < 0.5:
        steps.append(CaptureStep("noise", rng.uniform(0.0, 0.3)))
    if rng.random() < 0.15:
        steps.append(CaptureStep("exif_rotation", 0.5, float(rng.choice((3, 6, 8)))))
    quality = rng.randint(40, 95)
    steps.append(CaptureStep("jpeg", (95 - quality) / 55, float(quality)))
    return steps


def unusable_steps(rng: random.Random) -> list[CaptureStep]:
    """Heavy blur, glare over the key field and/or a cut-off corner (at least one of them)."""
    chosen = [name for name in ("blur", "glare_key", "cut_corner") if rng.random() < 0.5]
    if not chosen:
        chosen = [rng.choice(("blur", "glare_key", "cut_corner"))]
    steps = [CaptureStep("rotate", 0.02, rng.uniform(-4, 4))]
    if "cut_corner" in chosen:
        steps.append(CaptureStep("perspective", rng.uniform(0.05, 0.2)))
        steps.append(CaptureStep("cut_corner", rng.uniform(0.5, 1.0)))
    if "glare_key" in chosen:
        steps.append(CaptureStep("glare_key", rng.uniform(0.7, 1.0)))
    if "blur" in chosen:
        steps.append(CaptureStep("blur", rng.uniform(0.8, 1.0)))
    steps.append(CaptureStep("low_res", 0.3, rng.uniform(180, 260)))
    steps.append(CaptureStep("jpeg", 0.5, float(rng.randint(50, 85))))
    return steps


@dataclass
class CaptureResult:
    image: Image8  # final picture as displayed (EXIF orientation applied)
    stored: Image8  # pixels as stored in the file
    H: NDArray[np.float64]  # page pixels -> final pixels
    effects: list[dict[str, Any]] = field(default_factory=list)
    exif_orientation: int | None = None
    jpeg_quality: int | None = None
    usable: bool = True
    scale: float = 1.0

    def map_points(self, pts: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
        arr = np.array([[x, y, 1.0] for x, y in pts], dtype=np.float64).T
        out = self.H @ arr
        out = out[:2] / out[2]
        return [(float(x), float(y)) for x, y in out.T]

    def map_box(self, box: Box) -> Box:
        """Axis-aligned bounding box of the transformed box, clipped to the image."""
        x, y, w, h = box
        pts = self.map_points([(x, y), (x + w, y), (x + w, y + h), (x, y + h)])
        hgt, wid = self.image.shape[:2]
        # The tolerance keeps exact right-angle turns exact despite cos(90°) = 6e-17.
        x0 = max(0, math.floor(min(p[0] for p in pts) + 1e-6))
        y0 = max(0, math.floor(min(p[1] for p in pts) + 1e-6))
        x1 = min(wid, math.ceil(max(p[0] for p in pts) - 1e-6))
        y1 = min(hgt, math.ceil(max(p[1] for p in pts) - 1e-6))
        return (int(x0), int(y0), int(max(0, x1 - x0)), int(max(0, y1 - y0)))

    def map_mask(self, mask: Image8) -> Image8:
        hgt, wid = self.image.shape[:2]
        return _u8(
            cv2.warpPerspective(
                mask, pixel_warp(self.H), (wid, hgt), flags=cv2.INTER_NEAREST, borderValue=0
            )
        )


def _background(np_rng: np.random.Generator, size: tuple[int, int]) -> Image8:
    """A table top: wood-like streaks or a plain cloth, never white (so the page edge shows)."""
    w, h = size
    palette = ((96, 130, 168), (60, 80, 100), (120, 120, 118), (40, 60, 90), (150, 170, 190))
    base = np.array(palette[int(np_rng.integers(len(palette)))], dtype=np.float32)
    # Drawn at a quarter of the size and enlarged: the grain is smooth anyway.
    sw, sh = max(2, w // 4), max(2, h // 4)
    yy = np.linspace(0, 1, sh, dtype=np.float32)[:, None]
    xx = np.linspace(0, 1, sw, dtype=np.float32)[None, :]
    phase = float(np_rng.uniform(0, 6.28))
    streak = 0.12 * np.sin(40 * yy + 3 * np.sin(5 * xx + phase)) + 0.05 * np.sin(170 * yy + phase)
    small = _u8(np.clip(base[None, None, :] * (1.0 + streak[..., None]), 0, 255))
    return _u8(cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR))


def _geometry(
    steps: list[CaptureStep],
    rng: random.Random,
    page_size: tuple[int, int],
    effects: list[dict[str, Any]],
) -> tuple[NDArray[np.float64], tuple[int, int], float, bool]:
    """Compose rotation, perspective and scaling into one homography and an output size."""
    w, h = page_size
    corners = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64)
    H = np.eye(3)
    has_bg = False
    scale = 1.0
    for st in steps:
        if st.effect == "rotate":
            angle = st.value if st.value is not None else rng.uniform(-180, 180) * st.strength
            rad = math.radians(angle)
            # Positive angles turn the page counter-clockwise as seen on screen.
            rot = np.array(
                [[math.cos(rad), math.sin(rad), 0], [-math.sin(rad), math.cos(rad), 0], [0, 0, 1]]
            )
            H = rot @ H
            effects.append(
                {"effect": "rotate", "strength": round(st.strength, 3), "angle": round(angle, 2)}
            )
            has_bg = has_bg or abs(angle % 90) > 0.01
        elif st.effect == "perspective":
            pts = _apply(H, corners)
            span = max(pts[:, 0].max() - pts[:, 0].min(), pts[:, 1].max() - pts[:, 1].min())
            jitter = (0.02 + 0.13 * st.strength) * span
            dst = pts + np.array(
                [[rng.uniform(-jitter, jitter), rng.uniform(-jitter, jitter)] for _ in range(4)]
            )
            P = cv2.getPerspectiveTransform(pts.astype(np.float32), dst.astype(np.float32)).astype(
                np.float64
            )
            H = P @ H
            has_bg = True
            effects.append({"effect": "perspective", "strength": round(st.strength, 3)})
        elif st.effect == "low_res":
            dpi = st.value if st.value is not None else 300 - 150 * st.strength
            dpi = min(300.0, max(72.0, dpi))
            factor = dpi / 300.0
            scale *= factor
            effects.append(
                {"effect": "low_res", "strength": round(st.strength, 3), "dpi": round(dpi, 1)}
            )
    pts = _apply(H, corners)
    margin = 0.0
    if has_bg:
        span = max(pts[:, 0].max() - pts[:, 0].min(), pts[:, 1].max() - pts[:, 1].min())
        margin = 0.04 * span + rng.uniform(0, 0.04 * span)
    x0, y0 = pts[:, 0].min() - margin, pts[:, 1].min() - margin
    T = np.array([[1, 0, -x0], [0, 1, -y0], [0, 0, 1]], dtype=np.float64)
    S = np.diag([scale, scale, 1.0])
    H = S @ T @ H
    pts = _apply(H, corners)
    out_w = math.ceil(pts[:, 0].max() + margin * scale)
    out_h = math.ceil(pts[:, 1].max() + margin * scale)
    return H, (max(1, out_w), max(1, out_h)), scale, has_bg


def pixel_warp(H: NDArray[np.float64]) -> NDArray[np.float64]:
    """The matrix for cv2.warpPerspective, which puts pixel (i, j) at (i, j) rather than at its
    centre (i + 0.5, j + 0.5) as the continuous page coordinates of the truth do."""
    shift = np.array([[1, 0, 0.5], [0, 1, 0.5], [0, 0, 1]], dtype=np.float64)
    unshift = np.array([[1, 0, -0.5], [0, 1, -0.5], [0, 0, 1]], dtype=np.float64)
    return np.asarray(unshift @ H @ shift, dtype=np.float64)


def _apply(H: NDArray[np.float64], pts: NDArray[np.float64]) -> NDArray[np.float64]:
    arr = np.hstack([pts, np.ones((len(pts), 1))]) @ H.T
    return np.asarray(arr[:, :2] / arr[:, 2:3], dtype=np.float64)


def _ellipse_blob(
    shape: tuple[int, int], cx: float, cy: float, rx: float, ry: float
) -> NDArray[np.float32]:
    h, w = shape
    yy, xx = np.ogrid[0:h, 0:w]
    d = ((xx - cx) / max(rx, 1.0)) ** 2 + ((yy - cy) / max(ry, 1.0)) ** 2
    return np.exp(-d * 1.5).astype(np.float32)


def apply_capture(
    page: Image8, spec: CaptureSpec, rng: random.Random, *, key_box: Box | None = None
) -> CaptureResult:
    """Run the capture chain over ``page`` (BGR); ``key_box`` is where 'glare_key' aims."""
    if spec.preset == "realistic":
        steps = realistic_steps(rng)
    elif spec.preset == "unusable":
        steps = unusable_steps(rng)
    else:
        steps = list(spec.steps)
    effects: list[dict[str, Any]] = []
    h, w = page.shape[:2]
    if not steps:
        return CaptureResult(page, page, np.eye(3), effects)
    np_rng = np.random.default_rng(rng.getrandbits(64))
    geo = [s for s in steps if s.effect in ("rotate", "perspective", "low_res")]
    H, out_size, scale, has_bg = _geometry(geo, rng, (w, h), effects)
    img = page
    if geo:
        # warpPerspective does not filter when shrinking: low-pass the page first (anti-aliasing).
        src = cv2.GaussianBlur(page, (0, 0), sigmaX=0.5 / scale) if scale < 0.95 else page
        Hw = pixel_warp(H)
        if has_bg:
            # Warp straight onto the table: BORDER_TRANSPARENT leaves the background where the
            # page does not reach (cheaper than alpha-blending two full frames).
            img = _background(np_rng, out_size)
            cv2.warpPerspective(
                src,
                Hw,
                out_size,
                dst=img,
                flags=cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_TRANSPARENT,
            )
        else:
            img = _u8(
                cv2.warpPerspective(
                    src, Hw, out_size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
                )
            )
    usable = True
    quality: int | None = None
    orientation: int | None = None
    out_h, out_w = img.shape[:2]
    for st in steps:
        s = st.strength
        if st.effect == "blur":
            sigma = (0.3 + 4.7 * s) * scale
            img = _u8(cv2.GaussianBlur(img, (0, 0), sigmaX=sigma))
            effects.append({"effect": "blur", "strength": round(s, 3), "sigma": round(sigma, 2)})
            if s >= 0.8:
                usable = False
        elif st.effect == "noise":
            sd = 2 + 18 * s
            noise = np_rng.standard_normal(img.shape, dtype=np.float32)
            noise *= sd
            noise += img
            img = _u8(np.clip(noise, 0, 255, out=noise))
            effects.append({"effect": "noise", "strength": round(s, 3), "sd": round(sd, 2)})
        elif st.effect == "uneven_light":
            depth = 0.15 + 0.5 * s
            gx, gy = rng.uniform(-1, 1), rng.uniform(-1, 1)
            yy = np.linspace(-1, 1, out_h, dtype=np.float32)[:, None]
            xx = np.linspace(-1, 1, out_w, dtype=np.float32)[None, :]
            shade = 1.0 - depth * (0.5 + 0.5 * np.clip(gx * xx + gy * yy, -1, 1))
            img = np.clip(img.astype(np.float32) * shade[..., None], 0, 255).astype(np.uint8)
            effects.append({"effect": "uneven_light", "strength": round(s, 3)})
        elif st.effect in ("glare", "glare_key"):
            if st.effect == "glare_key" and key_box is not None:
                kx, ky, kw, kh = key_box
                c = _apply(H, np.array([[kx + kw / 2, ky + kh / 2]], dtype=np.float64))[0]
                cx, cy = float(c[0]), float(c[1])
                rx, ry = kw * scale * 0.75, max(kh * scale * 2.5, out_h * 0.08)
                gain = 1.2 + s
                usable = False
            else:
                cx, cy = rng.uniform(0.2, 0.8) * out_w, rng.uniform(0.2, 0.8) * out_h
                rx, ry = rng.uniform(0.08, 0.2) * out_w, rng.uniform(0.06, 0.15) * out_h
                gain = 0.5 + 0.9 * s
            blob = _ellipse_blob((out_h, out_w), cx, cy, rx, ry) * gain
            img = np.clip(img.astype(np.float32) + 255.0 * blob[..., None], 0, 255).astype(np.uint8)
            effects.append({"effect": st.effect, "strength": round(s, 3)})
        elif st.effect == "photocopy":
            grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY).astype(np.float32)
            contrast = 1.3 + 0.8 * s
            grey = (grey - 128) * contrast + 150
            speck = np_rng.random(grey.shape) < 0.002 * s
            grey[speck] = 30
            g8 = np.clip(grey, 0, 255).astype(np.uint8)
            img = _u8(cv2.cvtColor(g8, cv2.COLOR_GRAY2BGR))
            effects.append({"effect": "photocopy", "strength": round(s, 3)})
        elif st.effect == "moire":
            amp = 0.05 + 0.2 * s
            yy, xx = np.mgrid[0:out_h, 0:out_w].astype(np.float32)
            theta = rng.uniform(0, math.pi)
            period = rng.uniform(3.0, 6.0)
            wave = np.sin((xx * math.cos(theta) + yy * math.sin(theta)) * 2 * math.pi / period)
            beat = np.sin(
                (xx * math.cos(theta + 0.05) + yy * math.sin(theta + 0.05))
                * 2
                * math.pi
                / (period * 1.03)
            )
            pattern = 1.0 - amp * (0.5 + 0.25 * (wave + beat))
            tint = np.array([1.0, 0.97, 1.02], dtype=np.float32)  # screens are a little blue
            img = np.clip(img.astype(np.float32) * pattern[..., None] * tint, 0, 255).astype(
                np.uint8
            )
            effects.append({"effect": "moire", "strength": round(s, 3)})
        elif st.effect == "cut_corner":
            # Frame the photo so one corner of the document falls outside it: crop one side just
            # past that corner (the tilt makes the cut run across the corner, not along an edge).
            pts = _apply(H, np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float64))
            corner = rng.randrange(4)
            cx_, cy_ = pts[corner]
            doc_w = pts[:, 0].max() - pts[:, 0].min()
            doc_h = pts[:, 1].max() - pts[:, 1].min()
            depth = 0.06 + 0.1 * s
            left, top, right, bottom = 0, 0, out_w, out_h
            if rng.random() < 0.5:
                if cx_ < out_w / 2:
                    left = int(cx_ + depth * doc_w)
                else:
                    right = int(cx_ - depth * doc_w)
            elif cy_ < out_h / 2:
                top = int(cy_ + depth * doc_h)
            else:
                bottom = int(cy_ - depth * doc_h)
            left, top = max(0, left), max(0, top)
            right, bottom = min(out_w, max(left + 1, right)), min(out_h, max(top + 1, bottom))
            img = img[top:bottom, left:right]
            H = np.array([[1, 0, -left], [0, 1, -top], [0, 0, 1]], dtype=np.float64) @ H
            out_h, out_w = img.shape[:2]
            usable = False
            effects.append({"effect": "cut_corner", "strength": round(s, 3), "corner": corner})
        elif st.effect == "jpeg":
            quality = int(st.value) if st.value is not None else round(95 - 55 * s)
            quality = min(95, max(5, quality))
            effects.append({"effect": "jpeg", "strength": round(s, 3), "quality": quality})
        elif st.effect == "exif_rotation":
            orientation = int(st.value) if st.value in (3.0, 6.0, 8.0) else rng.choice((3, 6, 8))
            effects.append(
                {"effect": "exif_rotation", "strength": round(s, 3), "orientation": orientation}
            )
    img = np.ascontiguousarray(img)
    stored = img
    if orientation is not None:
        if quality is None:
            quality = 92  # EXIF orientation lives in a JPEG's metadata
        # The stored pixels are turned so a viewer applying the tag shows ``img``.
        k = {3: 2, 6: 1, 8: -1}[orientation]
        stored = np.ascontiguousarray(np.rot90(img, k=k))
    return CaptureResult(img, stored, H, effects, orientation, quality, usable, scale)
