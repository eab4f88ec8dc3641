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
    # Too bright means the print itself is washed out: a photocopy's paper is white by nature,
    # so the darkest print (the 2nd percentile of grey) must also be pale to fail.
    max_ink_level: float = 150.0
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
    # The picture the document was found in (optional): whether the outline's sides on the image
    # edge run over the background there tells a cut-off document from a wrong outline.
    image: NDArray[np.uint8] | None = None
    # The document's key number (NIK, passport number): only here does strong glare over an
    # unread field count by itself.  Other fields fail only when glare plainly wiped their ink;
    # a name lost to OCR under mild glare is an OCR miss, not an unusable capture.
    key_fields: tuple[str, ...] = ("nik", "document_number")


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


def _paper_lab(img: NDArray[np.uint8]) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """A small Lab copy of the document and its paper colour (the lighter half of its middle)."""
    h, w = img.shape[:2]
    k = 160.0 / max(h, w)
    small = cv2.resize(
        img, (max(8, round(w * k)), max(8, round(h * k))), interpolation=cv2.INTER_AREA
    )
    if small.ndim == 2:
        small = cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
    lab = np.asarray(cv2.cvtColor(small, cv2.COLOR_BGR2LAB), dtype=np.float32)
    sh, sw = lab.shape[:2]
    mid = lab[sh // 4 : 3 * sh // 4, sw // 4 : 3 * sw // 4].reshape(-1, 3)
    # Paper: neither ink (the darker part) nor glare (blown out).
    unblown = mid[mid[:, 0] < 248]
    if len(unblown) < 0.2 * len(mid):
        unblown = mid
    lo, hi = np.percentile(unblown[:, 0], [40, 95])
    paper = unblown[(unblown[:, 0] >= lo) & (unblown[:, 0] <= hi)]
    return lab, np.median(paper if len(paper) else unblown, axis=0)


def _background_share(image: NDArray[np.uint8], quad_pts: NDArray[np.float64], side: str) -> float:
    """Share of the image's strip along ``side`` (where the outline lies) that has the colour of
    the background around the outline; -1 when there is too little background to tell."""
    h, w = image.shape[:2]
    k = 240.0 / max(h, w)
    sw, sh = max(8, round(w * k)), max(8, round(h * k))
    small = cv2.resize(image, (sw, sh), interpolation=cv2.INTER_AREA)
    if small.ndim == 2:
        small = cv2.cvtColor(small, cv2.COLOR_GRAY2BGR)
    lab = np.asarray(cv2.cvtColor(small, cv2.COLOR_BGR2LAB), dtype=np.float32)
    inside = np.zeros((sh, sw), np.uint8)
    cv2.fillConvexPoly(inside, np.round(quad_pts * k).astype(np.int32), 1)
    # Background: outside the outline, a little away from it.
    outside = cv2.erode(1 - inside, np.ones((5, 5), np.uint8)) > 0
    if int(outside.sum()) < 0.01 * sh * sw:
        return -1.0
    bg = np.median(lab[outside], axis=0)
    d = 3
    if side == "top":
        strip, m = lab[:d], inside[:d]
    elif side == "bottom":
        strip, m = lab[sh - d :], inside[sh - d :]
    elif side == "left":
        strip, m = lab[:, :d], inside[:, :d]
    else:
        strip, m = lab[:, sw - d :], inside[:, sw - d :]
    px = strip[m > 0]
    if len(px) < 4:
        return -1.0
    diff = px - bg[None, :]
    diff[:, 0] *= 0.5
    return float((np.linalg.norm(diff, axis=1) <= 15.0).mean())


def _side_is_document(
    lab: NDArray[np.float32], paper: NDArray[np.float32], side: str, span: tuple[float, float]
) -> float:
    """Share of a thin strip along one side of the (small, Lab) document image that has the
    paper's colour; ``span`` is the part of the side to look at (fractions 0..1)."""
    h, w = lab.shape[:2]
    d = max(2, round(0.03 * min(h, w)))
    if side in ("top", "bottom"):
        a, b = round(span[0] * w), max(round(span[0] * w) + 1, round(span[1] * w))
        strip = lab[:d, a:b] if side == "top" else lab[h - d :, a:b]
    else:
        a, b = round(span[0] * h), max(round(span[0] * h) + 1, round(span[1] * h))
        strip = lab[a:b, :d] if side == "left" else lab[a:b, w - d :]
    px = strip.reshape(-1, 3)
    if px.size == 0:
        return 0.0
    diff = px - paper[None, :]
    diff[:, 0] *= 0.5  # uneven light shifts lightness more than colour
    dist = np.linalg.norm(diff, axis=1)
    return float((dist <= 18.0).mean())


# A side runs off the picture when most of the strip along it is paper-coloured.
_CUT_PAPER_SHARE = 0.5
# ... or when little of the image's strip there has the background's colour.
_CUT_MAX_BACKGROUND = 0.4


def _rectified_sides(rect: Rectified, touching: tuple[str, ...]) -> list[str]:
    """Which sides of the rectified document lie along the image sides the outline touches."""
    h, w = rect.image.shape[:2]
    corners = np.array([[0, 0, 1], [w - 1, 0, 1], [w - 1, h - 1, 1], [0, h - 1, 1]], np.float64)
    img_pts = (rect.inverse @ corners.T).T
    img_pts = img_pts[:, :2] / img_pts[:, 2:3]
    xs, ys = img_pts[:, 0], img_pts[:, 1]
    tol_x = 0.02 * (xs.max() - xs.min()) + 2
    tol_y = 0.02 * (ys.max() - ys.min()) + 2
    names = ("top", "right", "bottom", "left")  # rectified side i runs from corner i to i+1
    out: list[str] = []
    for i, name in enumerate(names):
        j = (i + 1) % 4
        for img_side in touching:
            if img_side == "left":
                on = xs[i] <= xs.min() + tol_x and xs[j] <= xs.min() + tol_x
            elif img_side == "right":
                on = xs[i] >= xs.max() - tol_x and xs[j] >= xs.max() - tol_x
            elif img_side == "top":
                on = ys[i] <= ys.min() + tol_y and ys[j] <= ys.min() + tol_y
            else:
                on = ys[i] >= ys.max() - tol_y and ys[j] >= ys.max() - tol_y
            if on and name not in out:
                out.append(name)
    return out


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
    ink = float(np.percentile(gray, 2))
    metrics["brightness"] = mean
    metrics["dark_fraction"] = dark
    metrics["ink_level"] = ink
    if mean < th.min_brightness or dark > th.max_clipped_dark:
        reasons.append(f"exposure: too dark (mean brightness {mean:.0f})")
        checks["exposure"] = "fail"
    elif mean > th.max_brightness and ink > th.max_ink_level:
        reasons.append(
            f"exposure: too bright (mean brightness {mean:.0f}, darkest print {ink:.0f})"
        )
        checks["exposure"] = "fail"
    else:
        checks["exposure"] = "pass"

    # Resolution from the document outline.
    metrics["px_per_mm"] = rect.px_per_mm
    lab, paper = _paper_lab(img)
    if not rect.quad.found and inp.document_recognised:
        # A document was read, yet neither its outline nor a scan cropped to it was found.  It
        # runs off the picture when the paper reaches an image side; otherwise its outline
        # merely merges with the background and nothing says it is cut.
        checks["resolution"] = "not_performed"
        notes.append("resolution: not performed, no document outline was found")
        shares = {
            side: _side_is_document(lab, paper, side, (0.0, 1.0))
            for side in ("top", "right", "bottom", "left")
        }
        off = [side for side, share in shares.items() if share >= _CUT_PAPER_SHARE]
        metrics["cut_paper_share"] = max(shares.values())
        if off:
            checks["cut_off"] = "fail"
            reasons.append(
                "cut_off: the document's whole outline is not in the picture "
                f"(the paper reaches the image's {'/'.join(off)} side)"
            )
        else:
            checks["cut_off"] = "not_performed"
            notes.append(
                "cut_off: not performed, no document outline was found and the paper does not "
                "reach the image sides"
            )
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
            # Evidence that the document itself runs off: along the outline's sides that lie on
            # the image edge, the strip inside the outline is paper.  An outline that took in
            # the background (a wrong outline) has table, not paper, there.
            rsides = _rectified_sides(rect, rect.quad.touches_border)
            shares = {side: _side_is_document(lab, paper, side, (0.1, 0.9)) for side in rsides}
            metrics["cut_paper_share"] = max(shares.values(), default=0.0)
            bg_shares = [-1.0]
            if inp.image is not None:
                pts = np.array(rect.quad.points, dtype=np.float64)
                bg_shares = [
                    _background_share(inp.image, pts, side) for side in rect.quad.touches_border
                ]
                metrics["cut_background_share"] = min(bg_shares)
            sides = "/".join(rect.quad.touches_border)
            if (
                not rsides
                or any(v >= _CUT_PAPER_SHARE for v in shares.values())
                or any(0.0 <= v <= _CUT_MAX_BACKGROUND for v in bg_shares)
            ):
                reasons.append(f"cut_off: document runs off the image ({sides})")
                checks["cut_off"] = "fail"
            else:
                checks["cut_off"] = "not_performed"
                notes.append(
                    f"cut_off: not performed, the outline runs along the image edge ({sides}) "
                    "but over background, not the document (the outline is doubtful)"
                )
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
        strong = name in inp.key_fields and (
            washed > th.max_strong_glare and contrast < th.min_contrast_under_strong_glare
        )
        if name not in inp.read_fields and (
            (washed > th.max_glare_over_field and contrast < th.min_field_contrast) or strong
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
