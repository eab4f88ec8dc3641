"""The officer's view: the image with every suspect region outlined and labelled."""

from __future__ import annotations

from collections.abc import Iterable

import cv2
import numpy as np
from numpy.typing import NDArray

from docscreen.forensics.page import to_bgr8
from docscreen.models import Finding, Status

# BGR outline colour per finding code (unknown codes in red).
COLOURS: dict[str, tuple[int, int, int]] = {
    "TAMPER-SEAM": (0, 0, 255),
    "TAMPER-GLYPHS": (0, 140, 255),
    "TAMPER-COPYMOVE": (255, 0, 255),
    "TAMPER-PHOTO": (255, 128, 0),
    "TAMPER-PHOTOCOPY": (128, 128, 128),
    "TAMPER-RECAPTURE": (0, 200, 200),
}


def outline(
    image: NDArray[np.generic], findings: Iterable[Finding], *, document: int = 0
) -> NDArray[np.uint8]:
    """A copy of ``image`` with the boxes of the FAILED findings on ``document`` drawn in."""
    out = to_bgr8(image).copy()
    h, w = out.shape[:2]
    thick = max(2, round(max(h, w) / 400))
    scale = max(0.4, max(h, w) / 1500)
    for f in findings:
        if f.status is not Status.FAIL:
            continue
        colour = COLOURS.get(f.code, (0, 0, 255))
        for doc, (x, y, bw, bh) in f.boxes:
            if doc != document:
                continue
            cv2.rectangle(out, (x, y), (x + bw, y + bh), colour, thick)
            label = f.code.removeprefix("TAMPER-")
            ty = y - 4 if y > 20 else y + bh + int(18 * scale)
            cv2.putText(out, label, (x, ty), cv2.FONT_HERSHEY_SIMPLEX, 0.5 * scale, colour, thick)
    return out
