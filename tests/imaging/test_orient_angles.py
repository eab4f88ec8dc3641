"""Text direction, rotations and quarter turns (docscreen.imaging.orient)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFont

from docscreen.imaging.orient import (
    glyph_components,
    quarter_turn,
    rotate,
    rotation,
    text_angles,
)

SANS = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"


def _text_page() -> np.ndarray:
    img = Image.new("L", (900, 500), 255)
    draw = ImageDraw.Draw(img)
    font = ImageFont.truetype(SANS, 28)
    for i in range(6):
        draw.text((40, 60 + 60 * i), "THE QUICK BROWN FOX 0123456789 JUMPS", font=font, fill=0)
    return np.asarray(img, dtype=np.uint8)


def _mask(gray: np.ndarray) -> np.ndarray:
    return (gray < 128).astype(np.uint8)


@pytest.mark.parametrize("angle", [0.0, 12.0, -25.0, 90.0])
def test_text_angle_is_found(angle: float) -> None:
    turned, _ = rotate(_text_page(), angle)
    found = text_angles(glyph_components(_mask(turned)))
    assert found
    # Rotating the image counter-clockwise by `angle` makes text run at -angle (y down).
    expected = ((-angle) + 90.0) % 180.0 - 90.0
    gap = abs(((found[0] - expected) + 90.0) % 180.0 - 90.0)
    assert gap < 1.0


def test_no_angle_without_text() -> None:
    assert text_angles(glyph_components(np.zeros((100, 100), np.uint8))) == []


def test_rotation_maps_points_back_to_the_source() -> None:
    rot = rotation((640, 480), 33.0, 1.5)
    pts = np.array([[10.0, 20.0], [600.0, 400.0]])
    moved = pts @ rot.matrix[:, :2].T + rot.matrix[:, 2]
    assert np.allclose(rot.to_source(moved), pts)
    # The whole source fits in the grown canvas.
    corners = np.array([[0, 0], [640, 0], [640, 480], [0, 480]], dtype=np.float64)
    mapped = corners @ rot.matrix[:, :2].T + rot.matrix[:, 2]
    assert mapped.min() >= -1.0
    assert mapped[:, 0].max() <= rot.size[0] + 1 and mapped[:, 1].max() <= rot.size[1] + 1


def test_quarter_turns_compose_to_identity() -> None:
    img = np.arange(12, dtype=np.uint8).reshape(3, 4)
    assert np.array_equal(quarter_turn(img, 1), np.rot90(img, 1))
    assert np.array_equal(quarter_turn(quarter_turn(img, 3), 1), img)
    assert np.array_equal(quarter_turn(img, 2), np.rot90(img, 2))
    assert quarter_turn(img, 4) is img
