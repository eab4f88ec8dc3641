"""Document localisation on drawn scenes: a white card with text on a textured table."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from numpy.typing import NDArray

from docscreen.imaging.quad import (
    ID1_MM,
    find_document,
    map_box,
    rectify,
    refine_quad,
    rotate_rectified,
)


def _card(w: int = 428, h: int = 270) -> NDArray[np.uint8]:
    card = np.full((h, w, 3), 245, np.uint8)
    for i, text in enumerate(["PROVINSI NUSA TENGGARA", "NIK : 5371014508900003", "Nama : SITI"]):
        cv2.putText(card, text, (15, 40 + 35 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (30, 30, 30), 2)
    cv2.rectangle(card, (320, 120), (400, 240), (120, 90, 70), -1)  # the photo
    return card


def _scene(corners: list[tuple[float, float]], seed: int = 0) -> NDArray[np.uint8]:
    rng = np.random.default_rng(seed)
    h, w = 600, 800
    noise = rng.normal(0, 1, (h // 8, w // 8, 3)).astype(np.float32)
    table = cv2.resize(noise, (w, h), interpolation=cv2.INTER_CUBIC)
    table = np.clip(90 + 25 * table + rng.normal(0, 8, (h, w, 3)), 0, 255).astype(np.uint8)
    card = _card()
    ch, cw = card.shape[:2]
    src = np.array([[0, 0], [cw - 1, 0], [cw - 1, ch - 1], [0, ch - 1]], np.float32)
    m = cv2.getPerspectiveTransform(src, np.array(corners, np.float32))
    warped = cv2.warpPerspective(card, m, (w, h))
    mask = cv2.warpPerspective(np.full((ch, cw), 255, np.uint8), m, (w, h))
    out = table.copy()
    out[mask > 0] = warped[mask > 0]
    return out


@pytest.mark.parametrize(
    "corners",
    [
        [(150, 120), (650, 120), (650, 435), (150, 435)],  # straight
        [(200, 80), (640, 180), (580, 460), (140, 360)],  # rotated ~13 degrees
        [(180, 140), (620, 110), (680, 470), (130, 430)],  # perspective
    ],
)
def test_finds_card_corners(corners: list[tuple[float, float]]) -> None:
    img = _scene(corners)
    quad = find_document(img)
    assert quad.found
    got = np.array(quad.points)
    want = np.array(corners)
    assert np.abs(got - want).max() < 12, (got, want)
    assert quad.touches_border == ()


def test_rectify_gives_id1_at_target_resolution_and_maps_boxes_back() -> None:
    corners = [(200, 80), (640, 180), (580, 460), (140, 360)]
    rect = rectify(_scene(corners), find_document(_scene(corners)), target_px_per_mm=8.0)
    assert rect.layout == "ID1"
    assert rect.image.shape[:2] == (round(ID1_MM[1] * 8), round(ID1_MM[0] * 8))
    # long edge ~451 px for 85.6 mm
    assert 4.8 < rect.px_per_mm < 5.8
    # The rectified top-left corner maps back to the card's top-left corner.
    x, y, _, _ = rect.to_image_box((0, 0, 1, 1))
    assert abs(x - 200) < 12 and abs(y - 80) < 12
    # Rectified card: dark text rows near the top-left, bright margin elsewhere.
    gray = cv2.cvtColor(rect.image, cv2.COLOR_BGR2GRAY)
    assert gray[5:15, 200:300].mean() > 200


def test_portrait_card_is_turned_to_landscape() -> None:
    corners = [(500, 80), (500, 520), (220, 520), (220, 80)]  # card rotated 90 degrees
    img = _scene(corners)
    rect = rectify(img, find_document(img), target_px_per_mm=6.0)
    h, w = rect.image.shape[:2]
    assert w > h
    turned = rotate_rectified(rect, 2)
    assert turned.image.shape == rect.image.shape
    # After the turn, the box mapping still lands inside the card.
    x, y, _, _ = turned.to_image_box((10, 10, 20, 20))
    assert 200 <= x <= 520 and 60 <= y <= 540


def test_no_document_falls_back_to_whole_image() -> None:
    rng = np.random.default_rng(3)
    img = rng.integers(0, 255, (300, 400, 3), dtype=np.uint8)
    quad = find_document(img)
    assert not quad.found
    assert quad.points[0] == (0.0, 0.0)


def test_map_box_identity() -> None:
    assert map_box((5, 6, 7, 8), np.eye(3)) == (5, 6, 7, 8)


def test_cut_off_card_touches_border() -> None:
    img = _scene([(-120, 150), (380, 150), (380, 465), (-120, 465)])
    quad = find_document(img)
    assert quad.found
    assert "left" in quad.touches_border


def test_refined_corners_are_precise_on_a_large_blurred_photo() -> None:
    """A 2400 px photo is searched on a 640 px copy; line fitting at full size brings the corners
    back to within a couple of pixels (a few px off on the copy would be ~15 px here)."""
    corners = [(180, 140), (620, 110), (680, 470), (130, 430)]
    small = _scene(corners, seed=3)
    big = cv2.resize(small, None, fx=3, fy=3, interpolation=cv2.INTER_CUBIC)
    big = cv2.GaussianBlur(big, (0, 0), 2.0)
    quad = find_document(big)
    got = np.array(quad.points)
    want = np.array(corners) * 3 + 1  # INTER_CUBIC upscaling maps pixel centres (+1 px here)
    assert np.abs(got - want).max() < 6, (got, want)


def test_refine_quad_keeps_a_quad_without_edges() -> None:
    flat = np.full((400, 600), 128, np.uint8)
    pts = np.array([[100.0, 100.0], [500.0, 100.0], [500.0, 300.0], [100.0, 300.0]])
    assert np.array_equal(refine_quad(flat, pts), pts)
