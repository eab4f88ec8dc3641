"""Drawing primitives: fonts, security-print backgrounds, text runs with exact boxes, portraits."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

Rgb = tuple[int, int, int]
FontT = ImageFont.FreeTypeFont | ImageFont.ImageFont

# Debian packages fonts-ocr-b, fonts-liberation2 and fonts-dejavu-core; the first that exists wins.
_FONT_FILES: dict[str, tuple[str, ...]] = {
    "ocrb": (
        "/usr/share/fonts/opentype/ocr-b/OCRB.otf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
    ),
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
}

# OCR-B advances 0.723 em; ICAO 9303 prints the MRZ at 10 characters per inch (2.54 mm pitch).
OCRB_ADVANCE_EM = 0.723


def font_path(family: str) -> str | None:
    for candidate in _FONT_FILES[family]:
        if Path(candidate).is_file():
            return candidate
    return None


@lru_cache(maxsize=256)
def font(family: str, size: int) -> FontT:
    path = font_path(family)
    if path is None:
        return ImageFont.load_default(size)
    return ImageFont.truetype(path, size)


@dataclass(frozen=True)
class TextRun:
    """One printed text: where it was drawn and how, so a forger can erase and retype it."""

    field: str
    text: str
    family: str
    size: int
    x: int  # anchor (left, baseline)
    y: int
    fill: Rgb
    box: tuple[int, int, int, int]  # ink box x, y, w, h
    spacing: float = 0.0  # extra advance per character (MRZ fixed pitch)

    def char_boxes(self) -> list[tuple[int, int, int, int]]:
        """Ink box of each character (empty for spaces: width 0)."""
        f = font(self.family, self.size)
        out = []
        for i, ch in enumerate(self.text):
            x0 = self.x + char_offset(f, self.text, i, self.spacing)
            if ch == " ":
                out.append((int(x0), self.box[1], 0, self.box[3]))
                continue
            bx0, by0, bx1, by1 = f.getbbox(ch, anchor="ls")
            out.append((int(x0 + bx0), self.y + int(by0), int(bx1 - bx0), int(by1 - by0)))
        return out


def char_offset(f: FontT, text: str, index: int, spacing: float) -> float:
    if spacing:
        return index * spacing
    return float(f.getlength(text[:index]))


def draw_text(
    draw: ImageDraw.ImageDraw,
    field: str,
    text: str,
    xy: tuple[int, int],
    family: str,
    size: int,
    fill: Rgb = (20, 20, 25),
    *,
    pitch: float = 0.0,
) -> TextRun:
    """Draw ``text`` with its baseline-left at ``xy``; ``pitch`` > 0 draws a fixed-pitch run."""
    f = font(family, size)
    x, y = xy
    if pitch:
        for i, ch in enumerate(text):
            draw.text((x + round(i * pitch), y), ch, font=f, fill=fill, anchor="ls")
    else:
        draw.text((x, y), text, font=f, fill=fill, anchor="ls")
    run = TextRun(field, text, family, size, x, y, fill, (0, 0, 0, 0), pitch)
    return replace(run, box=ink_box(run))


def ink_box(run: TextRun) -> tuple[int, int, int, int]:
    f = font(run.family, run.size)
    if run.spacing:
        boxes = [b for b in run.char_boxes() if b[2] > 0]
        if not boxes:
            return (run.x, run.y, 0, 0)
        x0 = min(b[0] for b in boxes)
        y0 = min(b[1] for b in boxes)
        x1 = max(b[0] + b[2] for b in boxes)
        y1 = max(b[1] + b[3] for b in boxes)
        return (x0, y0, x1 - x0, y1 - y0)
    bx0, by0, bx1, by1 = f.getbbox(run.text, anchor="ls")
    return (run.x + int(bx0), run.y + int(by0), int(bx1 - bx0), int(by1 - by0))


# --- backgrounds -----------------------------------------------------------------------------


@lru_cache(maxsize=16)
def _security_print(width: int, height: int, base: Rgb, ink: Rgb, motif: int) -> bytes:
    """A guilloche-like background (rosettes of interfering sine waves), cached per kind.

    Every genuine document of one kind shares its security print, as real blanks do, which also
    keeps generation fast.
    """
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    cx, cy = width * (0.55 + 0.1 * motif), height * 0.5
    r = np.hypot(xx - cx, yy - cy)
    theta = np.arctan2(yy - cy, xx - cx)
    waves = (
        np.sin(r / (9.0 + motif) + 6.0 * np.sin(theta * (5 + motif)))
        + np.sin(xx / 23.0 + 2.5 * np.sin(yy / 41.0))
        + np.sin(yy / 17.0 + 2.0 * np.sin(xx / 57.0 + motif))
    )
    lines = np.exp(-((waves * 3.0) ** 2))  # thin bright ridges where the waves cross zero
    grad = 0.85 + 0.15 * (xx / width)
    base_a = np.array(base, dtype=np.float32)
    ink_a = np.array(ink, dtype=np.float32)
    img = base_a[None, None, :] * grad[..., None]
    img = img * (1 - 0.45 * lines[..., None]) + ink_a[None, None, :] * (0.45 * lines[..., None])
    return bytes(np.clip(img, 0, 255).astype(np.uint8).tobytes())


def security_background(size: tuple[int, int], base: Rgb, ink: Rgb, motif: int) -> Image.Image:
    w, h = size
    return Image.frombytes("RGB", (w, h), _security_print(w, h, base, ink, motif))


def emblem(draw: ImageDraw.ImageDraw, center: tuple[int, int], radius: int, color: Rgb) -> None:
    """A simple stylised star emblem (not a real state emblem)."""
    cx, cy = center
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=color, width=3)
    pts = []
    for i in range(10):
        ang = -math.pi / 2 + i * math.pi / 5
        rr = radius * (0.8 if i % 2 == 0 else 0.35)
        pts.append((cx + rr * math.cos(ang), cy + rr * math.sin(ang)))
    draw.polygon(pts, fill=color)


# --- portrait ---------------------------------------------------------------------------------

_SKIN: tuple[Rgb, ...] = (
    (141, 85, 36),
    (198, 134, 66),
    (224, 172, 105),
    (172, 112, 61),
    (120, 72, 40),
    (232, 190, 150),
)
_HAIR: tuple[Rgb, ...] = ((20, 15, 12), (35, 25, 20), (60, 40, 25), (15, 15, 15), (90, 70, 50))
_CLOTH: tuple[Rgb, ...] = ((30, 40, 90), (240, 240, 240), (120, 20, 30), (30, 30, 30), (60, 90, 60))


def portrait(
    rng: random.Random, size: tuple[int, int], background: Rgb, sex: str = ""
) -> Image.Image:
    """A face-like drawing (no real face): head, hair, eyes, nose, mouth and shoulders."""
    w, h = size
    img = Image.new("RGB", (w, h), background)
    d = ImageDraw.Draw(img)
    skin = rng.choice(_SKIN)
    hair = rng.choice(_HAIR)
    cloth = rng.choice(_CLOTH)
    cx = w // 2 + rng.randint(-w // 20, w // 20)
    head_w = int(w * rng.uniform(0.46, 0.56))
    head_h = int(head_w * rng.uniform(1.2, 1.38))
    top = int(h * rng.uniform(0.14, 0.2))
    # shoulders and neck
    d.ellipse((cx - int(w * 0.62), int(h * 0.78), cx + int(w * 0.62), int(h * 1.45)), fill=cloth)
    d.rectangle(
        (cx - head_w // 5, top + int(head_h * 0.8), cx + head_w // 5, int(h * 0.86)), fill=skin
    )
    # hair behind, head, hair on top
    long_hair = rng.random() < {"F": 0.85, "M": 0.1}.get(sex, 0.5)
    if long_hair:
        d.rounded_rectangle(
            (cx - head_w * 0.62, top - head_h * 0.06, cx + head_w * 0.62, top + head_h * 1.05),
            radius=head_w // 3,
            fill=hair,
        )
    d.ellipse((cx - head_w // 2, top, cx + head_w // 2, top + head_h), fill=skin)
    d.chord(
        (cx - head_w * 0.54, top - head_h * 0.08, cx + head_w * 0.54, top + head_h * 0.62),
        180,
        360,
        fill=hair,
    )
    # ears
    ey = top + int(head_h * 0.5)
    for side in (-1, 1):
        ex = cx + side * head_w // 2
        d.ellipse(
            (ex - head_w * 0.07, ey - head_h * 0.08, ex + head_w * 0.07, ey + head_h * 0.08),
            fill=skin,
        )
    # eyes, brows
    eye_y = top + int(head_h * rng.uniform(0.44, 0.5))
    eye_dx = int(head_w * rng.uniform(0.18, 0.23))
    eye_r = max(3, int(head_w * 0.055))
    for side in (-1, 1):
        ex = cx + side * eye_dx
        d.ellipse(
            (ex - eye_r * 1.6, eye_y - eye_r, ex + eye_r * 1.6, eye_y + eye_r), fill=(245, 245, 240)
        )
        d.ellipse(
            (ex - eye_r * 0.8, eye_y - eye_r * 0.8, ex + eye_r * 0.8, eye_y + eye_r * 0.8),
            fill=(40, 25, 15),
        )
        d.line(
            (ex - eye_r * 2, eye_y - eye_r * 2.4, ex + eye_r * 2, eye_y - eye_r * 2.6),
            fill=hair,
            width=max(2, eye_r // 2),
        )
    # nose and mouth
    shade: Rgb = (max(0, skin[0] - 45), max(0, skin[1] - 45), max(0, skin[2] - 45))
    nose_y = top + int(head_h * 0.66)
    d.line((cx, eye_y + eye_r * 2, cx - eye_r, nose_y), fill=shade, width=2)
    d.line((cx - eye_r, nose_y, cx + eye_r, nose_y), fill=shade, width=2)
    mouth_y = top + int(head_h * 0.79)
    mw = int(head_w * rng.uniform(0.14, 0.2))
    d.arc(
        (cx - mw, mouth_y - mw // 2, cx + mw, mouth_y + mw // 2),
        10,
        170,
        fill=(150, 60, 60),
        width=3,
    )
    return img


def paste_portrait(
    page: Image.Image,
    rng: random.Random,
    box: tuple[int, int, int, int],
    background: Rgb,
    sex: str = "",
) -> None:
    x, y, w, h = box
    page.paste(portrait(rng, (w, h), background, sex), (x, y))


def to_bgr(img: Image.Image) -> NDArray[np.uint8]:
    arr = np.asarray(img.convert("RGB"), dtype=np.uint8)
    return np.ascontiguousarray(arr[:, :, ::-1])


def from_bgr(arr: NDArray[np.uint8]) -> Image.Image:
    return Image.fromarray(np.ascontiguousarray(arr[:, :, ::-1]))
