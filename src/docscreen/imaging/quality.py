"""The quality gate: is this capture good enough for pixel-level and field-level checks?

Measured on the rectified document so the figures do not depend on how the photo was framed:
blur (variance of the Laplacian at a fixed resolution), glare (saturated, colourless blobs, and
whether they cover a field), resolution (px per mm from the document outline), cut-off corners
(the outline runs along the image edge or is missing), and exposure (too dark or too bright).
A check that needs a field's position reports ``not_performed`` with the reason when that field
was not found, rather than a false alarm.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray

from docscreen.imaging.quad import Rectified
from docscreen.models import Box, Quality

# Resolution at which blur is measured (px per mm): fine enough for 2 mm text strokes, coarse
# enough that a sharp 200-dpi photo and a 600-dpi scan give similar figures.
BLUR_PX_PER_MM = 6.0


@dataclass(frozen=True)
class QualityThresholds:
    """Limits of the gate; defaults measured on generated captures (see benchmarks/viz_accuracy)."""

    min_sharpness: float = 800.0  # variance of Laplacian at BLUR_PX_PER_MM
    max_glare_over_field: float = 0.4  # blown-out share of a critical field's box ...
    min_field_contrast: float = 24.0  # ... whose ink is washed out (grey-level spread p95-p5)
    # Glare over most of an unread field: the spread then comes from the blob's rim, not ink
    # (glare over a passport number: ~64% blown out, spread ~39; usable glare keeps spread > 90).
    max_strong_glare: float = 0.55
    min_contrast_under_strong_glare: float = 60.0
    min_px_per_mm: float = 4.0  # ~100 dpi
    min_brightness: float = 60.0
    max_brightness: float = 235.0
    max_clipped_dark: float = 0.35  # share of near-black pixels


@dataclass(frozen=True)
class QualityInput:
    """What the gate looks at: the rectified document and the boxes of critical fields in it."""

    rectified: Rectified
    field_boxes: Mapping[str, Box] = field(default_factory=dict)  # rectified coordinates
    critical_fields: tuple[str, ...] = ()
    read_fields: frozenset[str] = frozenset()  # critical fields that were read with confidence
    document_recognised: bool = False  # a known document was read from this image
    thresholds: QualityThresholds = field(default_factory=QualityThresholds)
    # Where the layout prints each critical field (rectified coordinates): glare that blanks a
    # field can also blank its label, and a value then found elsewhere says nothing about it.
    nominal_boxes: Mapping[str, Box] = field(default_factory=dict)


def sharpness(gray: NDArray[np.uint8]) -> float:
    """Variance of the Laplacian (higher is sharper)."""
    lap = cv2.Laplacian(gray, cv2.CV_64F, ksize=3)
    return float(lap.var())


def glare_mask(image: NDArray[np.uint8]) -> NDArray[np.bool_]:
    """Pixels blown out to near white with no colour: specular glare, not white paper."""
    if image.ndim == 2:
        return np.asarray(image >= 250)
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV)
    m = (hsv[:, :, 2] >= 250) & (hsv[:, :, 1] <= 25)
    # Only blobs count: isolated white pixels are paper, not glare.
    blobs = cv2.morphologyEx(m.astype(np.uint8), cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))
    return np.asarray(blobs > 0)


def assess_quality(inp: QualityInput) -> Quality:
    """Measure the capture: metrics, a status per check (pass/fail/not_performed), reasons."""
    th = inp.thresholds
    rect = inp.rectified
    img = rect.image
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.ndim == 3 else img
    reasons: list[str] = []
    checks: dict[str, str] = {}
    notes: list[str] = []
    metrics: dict[str, float] = {}

    # Blur at a fixed resolution.
    h, w = gray.shape[:2]
    scale = BLUR_PX_PER_MM * rect.size_mm[0] / w
    small = cv2.resize(
        gray, (max(8, round(w * scale)), max(8, round(h * scale))), interpolation=cv2.INTER_AREA
    )
    sharp = sharpness(np.asarray(small, dtype=np.uint8))
    metrics["sharpness"] = sharp
    if sharp < th.min_sharpness:
        reasons.append(f"blur: image too blurred (sharpness {sharp:.0f} < {th.min_sharpness:.0f})")
        checks["blur"] = "fail"
    else:
        checks["blur"] = "pass"

    # Exposure.
    mean = float(gray.mean())
    dark = float((gray < 30).mean())
    metrics["brightness"] = mean
    metrics["dark_fraction"] = dark
    if mean < th.min_brightness or dark > th.max_clipped_dark:
        reasons.append(f"exposure: too dark (mean brightness {mean:.0f})")
        checks["exposure"] = "fail"
    elif mean > th.max_brightness:
        reasons.append(f"exposure: too bright (mean brightness {mean:.0f})")
        checks["exposure"] = "fail"
    else:
        checks["exposure"] = "pass"

    # Resolution from the document outline.
    metrics["px_per_mm"] = rect.px_per_mm
    if not rect.quad.found and inp.document_recognised:
        # A document was read, yet neither its outline nor a scan cropped to it was found: part
        # of it lies outside the picture (or merges with the background).
        checks["resolution"] = "not_performed"
        checks["cut_off"] = "fail"
        reasons.append("cut_off: the document's whole outline is not in the picture")
        notes.append("resolution: not performed, no document outline was found")
    elif not rect.quad.found:
        checks["resolution"] = "not_performed"
        checks["cut_off"] = "not_performed"
        notes.append(
            "resolution, cut_off: not performed, no document outline was found "
            "(the whole image was taken as the document)"
        )
    else:
        if rect.px_per_mm < th.min_px_per_mm:
            reasons.append(
                f"resolution: document too small in the image ({rect.px_per_mm:.1f} px/mm "
                f"< {th.min_px_per_mm:.1f})"
            )
            checks["resolution"] = "fail"
        else:
            checks["resolution"] = "pass"
        if rect.quad.touches_border:
            sides = "/".join(rect.quad.touches_border)
            reasons.append(f"cut_off: document runs off the image ({sides})")
            checks["cut_off"] = "fail"
        else:
            checks["cut_off"] = "pass"

    # Glare over the fields that matter: blown-out pixels with the ink washed away.  Saturated
    # paper alone is no problem (photocopies are white); a field that was read is no problem.
    glare = glare_mask(img)
    metrics["glare_fraction"] = float(glare.mean())
    for name in inp.critical_fields:
        key = f"glare_over_{name}"
        regions: list[NDArray[np.uint8]] = []
        for b in (inp.field_boxes.get(name), inp.nominal_boxes.get(name)):
            if b is None:
                continue
            x, y, bw, bh = b
            region = gray[max(0, y) : max(0, y + bh), max(0, x) : max(0, x + bw)]
            if region.size:
                regions.append(np.asarray(region, dtype=np.uint8))
        if not regions:
            checks[key] = "not_performed"
            notes.append(f"{key}: not performed, the {name} field was not found")
            continue
        # The worse of the two places counts: blown out and with no ink left in it.
        scored = []
        for region in regions:
            p5, p95 = np.percentile(region, [5, 95])
            scored.append((float((region >= 248).mean()), float(p95 - p5)))
        washed, contrast = max(scored, key=lambda wc: wc[0] - wc[1] / 255.0)
        metrics[key] = washed
        metrics[f"contrast_{name}"] = contrast
        if name not in inp.read_fields and (
            (washed > th.max_glare_over_field and contrast < th.min_field_contrast)
            or (washed > th.max_strong_glare and contrast < th.min_contrast_under_strong_glare)
        ):
            reasons.append(f"glare: glare over the {name} field ({washed:.0%} blown out)")
            checks[key] = "fail"
        else:
            checks[key] = "pass"

    return Quality(
        usable=not reasons,
        reasons=tuple(reasons),
        metrics=metrics,
        checks=checks,
        notes=tuple(notes),
    )
