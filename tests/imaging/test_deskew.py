"""Levelling a page taken whole from the image frame (no card outline found)."""

from __future__ import annotations

import cv2
import numpy as np

from docscreen.imaging.orient import glyph_components, text_angles
from docscreen.imaging.quad import Quad, deskew_rectified, is_frame, rectify


def _text_page(angle: float) -> np.ndarray:
    img = np.full((700, 1000, 3), 230, np.uint8)
    for row in range(12):
        cv2.putText(img, "NAMA BUDI SANTOSO 12-03-1990", (60, 60 + 50 * row),
                    cv2.FONT_HERSHEY_SIMPLEX, 1.0, (20, 20, 20), 2)  # fmt: skip
    m = cv2.getRotationMatrix2D((500, 350), angle, 1.0)
    return np.asarray(cv2.warpAffine(img, m, (1000, 700), borderValue=(230, 230, 230)), np.uint8)


def _slope(image: np.ndarray) -> float:
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    ink = cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C,
                                cv2.THRESH_BINARY_INV, 31, 15)  # fmt: skip
    return text_angles(glyph_components(np.asarray(ink, np.uint8)), max_angles=1)[0]


def test_frame_quad_is_recognised() -> None:
    frame = Quad(((0.0, 0.0), (999.0, 0.0), (999.0, 699.0), (0.0, 699.0)), found=False)
    assert is_frame(frame, (1000, 700))
    inner = Quad(((40.0, 30.0), (950.0, 35.0), (955.0, 660.0), (35.0, 650.0)), found=True)
    assert not is_frame(inner, (1000, 700))


def test_deskew_levels_the_text_and_keeps_boxes_mapping_to_the_image() -> None:
    image = _text_page(4.0)  # counter-clockwise: the rows rise to the right
    frame = Quad(((0.0, 0.0), (999.0, 0.0), (999.0, 699.0), (0.0, 699.0)), found=False)
    rect = rectify(image, frame, target_px_per_mm=8.0)
    before = _slope(rect.image)
    assert abs(before) > 3.0
    level = deskew_rectified(rect, before)
    assert abs(_slope(level.image)) < 0.7
    # A point of the levelled page maps back to the image where its pixels came from.
    h, w = level.image.shape[:2]
    x, y = w // 2 + 100, h // 2 + 60
    box = level.to_image_box((x, y, 1, 1))
    back = rect.forward @ np.array([box[0], box[1], 1.0])
    r = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), before, 1.0)
    moved = r @ np.array([back[0] / back[2], back[1] / back[2], 1.0])
    assert abs(moved[0] - x) <= 2 and abs(moved[1] - y) <= 2
