"""The quality gate on drawn documents: sharp, blurred, dark, glare over a field, cut off."""

from __future__ import annotations

import cv2
import numpy as np
from numpy.typing import NDArray

from docscreen.imaging.quad import Quad, rectify
from docscreen.imaging.quality import QualityInput, assess_quality

NIK_BOX = (200, 100, 420, 50)  # where the drawn NIK is, in rectified (10 px/mm) coordinates


def _card() -> NDArray[np.uint8]:
    card = np.full((540, 856, 3), (225, 215, 200), np.uint8)
    for i in range(10):
        text = "NIK : 5301065002999404" if i == 2 else f"Label {i} : VALUE TEXT {i * 7}"
        cv2.putText(card, text, (30, 40 + 45 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (25, 25, 25), 2)
    return card


def _rect(
    img: NDArray[np.uint8], found: bool = True, touches: tuple[str, ...] = ()
) -> QualityInput:
    h, w = img.shape[:2]
    quad = Quad(
        ((0.0, 0.0), (w - 1.0, 0.0), (w - 1.0, h - 1.0), (0.0, h - 1.0)), found, 1.0, touches
    )
    rect = rectify(img, quad, target_px_per_mm=10.0)
    return QualityInput(rect, {"nik": NIK_BOX}, ("nik",))


def test_sharp_card_passes() -> None:
    q = assess_quality(_rect(_card()))
    assert q.usable, q.reasons
    assert q.checks["blur"] == "pass"
    assert q.checks["glare_over_nik"] == "pass"
    assert q.metrics["px_per_mm"] > 9


def test_heavy_blur_fails() -> None:
    blurred = cv2.GaussianBlur(_card(), (0, 0), 6)
    q = assess_quality(_rect(np.asarray(blurred, np.uint8)))
    assert not q.usable
    assert q.checks["blur"] == "fail"
    assert any(r.startswith("blur") for r in q.reasons)


def test_dark_and_bright_fail() -> None:
    dark = (_card() * 0.2).astype(np.uint8)
    assert assess_quality(_rect(dark)).checks["exposure"] == "fail"
    bright = np.full((540, 856, 3), 250, np.uint8)
    assert assess_quality(_rect(bright)).checks["exposure"] == "fail"


def test_glare_over_the_nik_fails_but_glare_elsewhere_does_not() -> None:
    over = _card()
    over[90:160, 180:650] = 255  # blown out, the digits gone
    q = assess_quality(_rect(over))
    assert q.checks["glare_over_nik"] == "fail"
    assert not q.usable
    elsewhere = _card()
    elsewhere[380:470, 500:800] = 255
    assert assess_quality(_rect(elsewhere)).checks["glare_over_nik"] == "pass"


def test_glare_check_not_performed_without_the_field() -> None:
    inp = _rect(_card())
    q = assess_quality(QualityInput(inp.rectified, {}, ("nik",)))
    assert q.checks["glare_over_nik"] == "not_performed"
    assert any("nik" in n for n in q.notes)
    assert q.usable  # not a false alarm


def test_cut_off_and_missing_outline() -> None:
    q = assess_quality(_rect(_card(), touches=("left",)))
    assert q.checks["cut_off"] == "fail"
    q2 = assess_quality(_rect(_card(), found=False))
    assert q2.checks["cut_off"] == "not_performed"
    assert q2.checks["resolution"] == "not_performed"


def test_recognised_document_without_outline_is_cut_off() -> None:
    inp = _rect(_card(), found=False)
    q = assess_quality(
        QualityInput(inp.rectified, inp.field_boxes, ("nik",), document_recognised=True)
    )
    assert q.checks["cut_off"] == "fail"
    assert not q.usable


def test_glare_where_the_layout_prints_the_field_fails_when_a_value_was_found_elsewhere() -> None:
    """Glare that blanks the NIK can blank its label too; words found elsewhere then give a
    'field box' on clean paper, but the layout's place for the field is what is judged."""
    over = _card()
    over[90:160, 180:650] = 255
    inp = _rect(over)
    elsewhere_box = (30, 380, 420, 50)  # a clean row the reader wrongly took for the NIK
    q = assess_quality(
        QualityInput(
            inp.rectified, {"nik": elsewhere_box}, ("nik",), nominal_boxes={"nik": NIK_BOX}
        )
    )
    assert q.checks["glare_over_nik"] == "fail"
    clean = _rect(_card())
    q2 = assess_quality(
        QualityInput(
            clean.rectified, {"nik": elsewhere_box}, ("nik",), nominal_boxes={"nik": NIK_BOX}
        )
    )
    assert q2.checks["glare_over_nik"] == "pass"


def test_glare_over_most_of_an_unread_field_fails_despite_the_blob_rim() -> None:
    """The rim of a glare blob leaves plain paper in part of the box: the grey-level spread then
    comes from paper against glare (~40), not from ink, and the field is still unreadable."""
    card = _card()
    x, y, w, h = NIK_BOX
    card[y : y + h, x : x + w] = (225, 215, 200)  # the digits gone ...
    card[y : y + h, x : x + int(0.7 * w)] = 255  # ... most of the box blown out
    q = assess_quality(_rect(card))
    assert q.checks["glare_over_nik"] == "fail", q.metrics
    read = _rect(card)
    q2 = assess_quality(
        QualityInput(read.rectified, read.field_boxes, ("nik",), read_fields=frozenset({"nik"}))
    )
    assert q2.checks["glare_over_nik"] == "pass"  # a field read with confidence is no problem


def test_strong_glare_tier_only_judges_the_key_number() -> None:
    """Glare over most of an unread name is an OCR miss, not an unusable capture; over the
    NIK it is (the tier with the blob's rim counted applies to the key number only)."""
    card = _card()
    x, y, w, h = NIK_BOX
    card[y : y + h, x : x + w] = (225, 215, 200)
    card[y : y + h, x : x + int(0.7 * w)] = 255
    rect = _rect(card).rectified
    as_name = assess_quality(QualityInput(rect, {"full_name": NIK_BOX}, ("full_name",)))
    assert as_name.checks["glare_over_full_name"] == "pass", as_name.metrics
    as_nik = assess_quality(QualityInput(rect, {"nik": NIK_BOX}, ("nik",)))
    assert as_nik.checks["glare_over_nik"] == "fail"


def test_bright_photocopy_with_dark_print_is_not_too_bright() -> None:
    copy = np.full((540, 856, 3), 250, np.uint8)
    for i in range(10):
        cv2.putText(
            copy, f"Label {i} : VALUE {i}", (30, 40 + 45 * i), cv2.FONT_HERSHEY_SIMPLEX, 0.9,
            (40, 40, 40), 2,
        )  # fmt: skip
    q = assess_quality(_rect(copy))
    assert q.metrics["brightness"] > 235
    assert q.checks["exposure"] == "pass", q.reasons
    washed = np.full((540, 856, 3), 250, np.uint8)
    washed[200:220, 100:700] = 215  # print faded to a pale grey
    assert assess_quality(_rect(washed)).checks["exposure"] == "fail"


def _photo(card_at: tuple[int, int], size: tuple[int, int] = (900, 1300)) -> NDArray[np.uint8]:
    """A card on a dark striped table, its top-left corner at ``card_at`` (may be negative)."""
    h, w = size
    photo = np.zeros((h, w, 3), np.uint8)
    photo[:] = (60, 90, 120)
    photo[::12] = (40, 60, 80)
    card = _card()
    x, y = card_at
    sx, sy = max(0, -x), max(0, -y)
    photo[y + sy : y + 540, x + sx : x + 856] = card[sy:, sx:]
    return photo


def _quad_input(
    photo: NDArray[np.uint8], pts: list[tuple[float, float]], touches: tuple[str, ...]
) -> QualityInput:
    quad = Quad((pts[0], pts[1], pts[2], pts[3]), True, 1.0, touches)
    rect = rectify(photo, quad, target_px_per_mm=10.0)
    return QualityInput(rect, image=photo)


def test_cut_off_needs_the_document_itself_at_the_image_edge() -> None:
    # The card really runs off the left side: the outline's left side is paper.
    cut = _photo((-120, 150))
    q = assess_quality(_quad_input(cut, [(0, 150), (735, 150), (735, 689), (0, 689)], ("left",)))
    assert q.checks["cut_off"] == "fail"
    # A wrong outline that took in the table up to the left edge: not a cut-off document.
    whole = _photo((200, 150))
    q2 = assess_quality(
        _quad_input(whole, [(0, 150), (1055, 150), (1055, 689), (0, 689)], ("left",))
    )
    assert q2.checks["cut_off"] == "not_performed", q2.metrics
    assert q2.usable
    assert any("cut_off" in n for n in q2.notes)
