"""How the document reached the camera: a greyscale photocopy, or a photo of a screen.

* Photocopy: an identity document is printed in colour (security print, photo, emblem); a
  greyscale copy has none left.  The score is how little colour the flat document carries: the
  90th percentile of Lab chroma over the page.  This is the pixels' colour content, never the
  file's colour space: every input is first converted to the same 8-bit BGR representation, so a
  CMYK JPEG, an RGB JPEG and a PNG of the same page give the same figure.
* Screen recapture: a photo of a screen carries a moire, a fine periodic beat between the screen's
  pixel grid and the camera's.  The score is the strength of the strongest isolated peak in the
  mid-to-high band of the image's power spectrum (periods 2.2-9 px) over the median of that band.
  Frequencies on the axes (text lines, page edges) and on the 8-px grid points and grid lines near
  the axes (any block-based compression of the capture) are left out, so the compression of the
  file cannot raise it.
"""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from docscreen.forensics.page import Page, to_bgr8
from docscreen.forensics.types import Region, SignalResult, judged, not_performed

PHOTOCOPY = "photocopy"
RECAPTURE = "recapture"
_TILE = 256


def greyness(page: Page) -> float:
    """1 - (90th percentile chroma / 20): near 1 for a grey copy, 0 or below for colour print."""
    # Every third pixel is plenty for a percentile over a megapixel page.
    lab = cv2.cvtColor(page.image[::3, ::3], cv2.COLOR_BGR2LAB).astype(np.float32)
    chroma = np.hypot(lab[:, :, 1] - 128.0, lab[:, :, 2] - 128.0)
    return float(1.0 - np.percentile(chroma, 90) / 20.0)


def photocopy(page: Page, threshold: float) -> SignalResult:
    # A blank or featureless picture is grey too, but it is not a copy of a document.
    printed = float(((page.paper - page.grey)[::3, ::3] > 40).mean())
    if printed < 0.005:
        return not_performed(PHOTOCOPY, "no print found on the page")
    score = greyness(page)
    whole = Region(page.to_source((0, 0, page.image.shape[1], page.image.shape[0])), "page", score)
    return judged(PHOTOCOPY, score, threshold, (whole,))


def _band_mask(n: int, near_axis: float = 0.06) -> NDArray[np.bool_]:
    """The band of periods 2.2-9 px, without the axes and the 8-px block grid.

    Block-compression energy sits on the grid points (k/8, l/8) and along the grid lines close to
    the axes; the rest of the grid lines is kept so a moire there is still seen.
    """
    f = np.fft.fftfreq(n)
    fy, fx = np.meshgrid(f, f, indexing="ij")
    r = np.hypot(fx, fy)
    band = (r >= 1 / 9.0) & (r <= 1 / 2.2)
    axis = (np.abs(fx) < 3 / n) | (np.abs(fy) < 3 / n)
    grid = np.zeros_like(band)
    for k in range(-4, 5):
        gx = np.abs(fx - k / 8.0) < 2.5 / n
        gy = np.abs(fy - k / 8.0) < 2.5 / n
        grid |= gx & (np.abs(fy) < near_axis)
        grid |= gy & (np.abs(fx) < near_axis)
        for m in range(-4, 5):
            grid |= gx & (np.abs(fy - m / 8.0) < 2.5 / n)
    return np.asarray(band & ~axis & ~grid)


_MASK = _band_mask(_TILE)
_WINDOW = np.outer(np.hanning(_TILE), np.hanning(_TILE)).astype(np.float32)


def _power_log(tile: NDArray[np.float32]) -> NDArray[np.float32]:
    """log power spectrum of one windowed tile (OpenCV's DFT: a few times faster than numpy's)."""
    spec = cv2.dft(np.ascontiguousarray(tile), flags=cv2.DFT_COMPLEX_OUTPUT)
    power = spec[:, :, 0] * spec[:, :, 0] + spec[:, :, 1] * spec[:, :, 1]
    return np.asarray(np.log(power + 1e-3), dtype=np.float32)


# Tiles: up to 5 x 4 over the document, overlapping (one every 128 px at least).  Averaging the
# log spectrum of many tiles is what separates a screen's moire (the same frequency in every
# tile) from print periodicities (which move from tile to tile): with the earlier 3 x 2 tiles over
# the inner two thirds of the document, genuine pages reached 4.6 and weak moires sat at 3.9-4.3
# (calibration split); with these, genuine pages stay below ~3.2 and moires above ~4.
_MAX_TILES = (5, 4)
_STRIDE = 128


def moire_score(image: NDArray[np.generic], page: Page) -> float:
    """log(peak / median) of the averaged tile spectrum over the document, in original pixels."""
    bgr = to_bgr8(image)
    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY).astype(np.float32)
    xs = [p[0] for p in page.quad.points]
    ys = [p[1] for p in page.quad.points]
    h, w = grey.shape
    x0, x1 = int(max(0, min(xs))), int(min(w, max(xs)))
    y0, y1 = int(max(0, min(ys))), int(min(h, max(ys)))
    if x1 - x0 < _TILE or y1 - y0 < _TILE:
        x0, y0, x1, y1 = 0, 0, w, h
    if x1 - x0 < _TILE or y1 - y0 < _TILE:
        return 0.0
    # Mean LOG power over tiles: a moire sits at the same frequency in every tile, while text
    # and print periodicities move from tile to tile and are averaged down.
    logp = np.zeros((_TILE, _TILE), np.float32)
    nx = max(1, min(_MAX_TILES[0], (x1 - x0) // _STRIDE))
    ny = max(1, min(_MAX_TILES[1], (y1 - y0) // _STRIDE))
    for ty in np.linspace(y0, y1 - _TILE, ny).astype(int):
        for tx in np.linspace(x0, x1 - _TILE, nx).astype(int):
            tile = grey[ty : ty + _TILE, tx : tx + _TILE]
            logp += _power_log((tile - tile.mean()) * _WINDOW)
    logp /= nx * ny
    # Prominence over the local spectrum (a peak, not a rising background).
    shifted = np.fft.fftshift(logp)
    local = cv2.medianBlur(np.ascontiguousarray(shifted), 5)
    prom = np.fft.ifftshift(shifted - cv2.blur(local, (9, 9)))
    return float(prom[_MASK].max())


def recapture(image: NDArray[np.generic], page: Page, threshold: float) -> SignalResult:
    score = moire_score(image, page)
    whole = Region(page.to_source((0, 0, page.image.shape[1], page.image.shape[0])), "page", score)
    return judged(RECAPTURE, score, threshold, (whole,))
