"""page_quad: an outline known otherwise (around a passport's MRZ) keeps its order and knows
which image sides it reaches, so the quality gate can still tell a page cut off."""

from __future__ import annotations

from docscreen.imaging.quad import page_quad


def test_page_quad_keeps_the_order_given() -> None:
    pts = ((900.0, 700.0), (100.0, 700.0), (100.0, 100.0), (900.0, 100.0))  # read upside down
    q = page_quad(pts, (1000, 800))
    assert q.points == pts and q.found
    assert q.touches_border == ()


def test_page_quad_running_off_the_picture_touches_those_sides() -> None:
    pts = ((-40.0, 200.0), (700.0, 180.0), (720.0, 900.0), (-20.0, 910.0))
    q = page_quad(pts, (1000, 800))
    assert set(q.touches_border) == {"left", "bottom"}
