"""Tamper signals on small generated genuine/forged pairs (same seed, same capture chain)."""

from __future__ import annotations

import datetime as dt
import io
from functools import cache

import cv2
import numpy as np
import pytest
from PIL import Image

from docscreen.checks.catalogue import CATALOGUE
from docscreen.forensics import CODES, Hints, analyse, outline, tamper_findings
from docscreen.forensics.analyse import Analysis
from docscreen.imaging.load import load_image
from docscreen.models import Document, DocumentKind, Field, Severity, Status
from docscreen.specimens import Specimen, SpecimenOptions, make_specimen

OPTS = SpecimenOptions(today=dt.date(2026, 6, 1))
CAPTURE = "low_res=200"  # a flat 200-dpi scan: small and fast


@cache
def spec(seed: int, kind: str, forgery: str | None = None, capture: str = CAPTURE) -> Specimen:
    return make_specimen(seed, kind, forgery, capture, options=OPTS)


def document(s: Specimen) -> Document:
    fields = {
        n: Field(n, str(v["value"]), str(v.get("text", "")), 1.0, tuple(v["box"]))
        for n, v in s.truth["fields"].items()
        if v["box"][2] > 0 and v["box"][3] > 0
    }
    return Document(file=s.id, kind=DocumentKind(s.truth["kind"]), fields=fields)


def run(s: Specimen, image: np.ndarray | None = None) -> Analysis:  # type: ignore[type-arg]
    pixels = s.image if image is None else image
    return analyse(pixels, document(s), hints=Hints(portrait_box=tuple(s.truth["portrait_box"])))


@pytest.mark.parametrize("seed", [1, 3])
def test_retyped_field_stands_out_in_glyphs(seed: int) -> None:
    genuine = run(spec(seed, "idn_passport")).signal("glyphs")
    forged_spec = spec(seed, "idn_passport", "inpaint_retype")
    forged = run(forged_spec).signal("glyphs")
    field = forged_spec.truth["forgery"]["details"]["field"]
    # Size mode: the retyped line is printed a point larger or smaller than the layout's.
    assert forged.details["mode"] == "size"
    assert forged.score > genuine.score + 3.0
    per_field = forged.details["per_field"]
    assert max(per_field, key=lambda n: per_field[n][0]) == field
    assert genuine.status is Status.PASS


def test_layout_registration_and_fallback() -> None:
    """A genuine page registers onto its layout's blank; a kind without a reference falls back
    to the sibling comparison and is judged against the fallback threshold."""
    from dataclasses import replace

    from docscreen.forensics.page import prepare
    from docscreen.forensics.reference import best_registration

    s = spec(5, "td1_card")
    doc = document(s)
    page = prepare(s.image, {n: f.box for n, f in doc.fields.items() if f.box})
    reg = best_registration(page, "td1_card")
    assert reg is not None and reg.correlation > 0.5
    assert best_registration(page, "unknown") is None
    layout = run(s).signal("glyphs")
    assert layout.details["mode"] == "size" and layout.status is Status.PASS
    other = analyse(s.image, replace(doc, kind=DocumentKind.UNKNOWN)).signal("glyphs")
    assert other.details["mode"] == "siblings"
    assert other.threshold == 40.68


def test_fit_em_recovers_the_printed_size() -> None:
    """A line rendered at a known em size and blurred like a capture is measured to within 0.5%,
    so sizes one point apart (4% at 24 px) are told apart; text that is not printed there
    (a misreading) does not fit."""
    from docscreen.forensics.rerender import MIN_NCC, fit_em, master

    text = "12 MAR 1985"
    tmpl = master(text, "sans_bold")
    assert tmpl is not None
    for em in (24.0, 25.0):
        c = em / 64
        h, w = tmpl.shape
        small = cv2.warpAffine(
            cv2.GaussianBlur(tmpl, (0, 0), 0.4 / c),
            np.array([[c, 0, 0], [0, c, 0]], np.float32),
            (int(w * c) + 1, int(h * c) + 1),
        )
        depth = np.zeros((small.shape[0] + 20, small.shape[1] + 30), np.float32)
        depth[10 : 10 + small.shape[0], 15 : 15 + small.shape[1]] = small * 0.6
        depth = cv2.GaussianBlur(depth, (0, 0), 1.2)
        depth += np.random.default_rng(0).normal(0, 3, depth.shape).astype(np.float32)
        depth = np.clip(depth, 0, None)
        got = fit_em(depth, text, "sans_bold", False, 24.5)
        assert got is not None and got[1] > 0.9
        assert abs(got[0] / em - 1) < 0.005
        other = fit_em(depth, "WIDODO", "sans_bold", False, 24.5)
        assert other is None or other[1] < MIN_NCC


def test_glyphs_fall_back_to_anchors_without_a_matching_reading() -> None:
    """Readings that do not match the print (a misreading) are not judged by size: the signal
    falls back to the layout anchors and their own threshold."""
    from dataclasses import replace

    from docscreen.forensics import Thresholds

    s = spec(5, "td1_card")
    doc = document(s)
    wrong = {n: replace(f, raw="WWMM WWMM", value="WWMM WWMM") for n, f in doc.fields.items()}
    sized = run(s).signal("glyphs")
    assert sized.details["mode"] == "size" and sized.status is Status.PASS
    anchors = analyse(
        s.image, replace(doc, fields=wrong), thresholds=Thresholds(glyphs_anchors=123.0)
    ).signal("glyphs")
    assert anchors.details["mode"] == "layout"
    assert anchors.threshold == 123.0


def test_erased_background_raises_the_seam_score() -> None:
    """Paint a field's background flat (texture gone, text kept): its seam score rises."""
    s = spec(2, "idn_passport")
    name = "birth_date"
    x, y, w, h = s.truth["fields"][name]["box"]
    img = s.image.copy()
    grey = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    box = (slice(y - 2, y + h + 2), slice(x - 2, x + w + 2))
    # White-out: the paper around the glyphs is painted one flat colour, the ink is kept.
    paper_px = grey[box] > 150
    flat = np.median(img[box][paper_px], axis=0).astype(np.uint8)
    edited = img.copy()
    edited[box][paper_px] = flat
    before = run(s).signal("seam").details["per_field"][name]
    after = (
        run(s, np.ascontiguousarray(edited, dtype=np.uint8))
        .signal("seam")
        .details["per_field"][name]
    )
    assert after > before + 0.3


def test_copied_block_is_found_by_copy_move() -> None:
    """A digit block with its background pasted from one field over another is matched back."""
    s = spec(2, "idn_passport")
    src = s.truth["fields"]["issue_date"]["box"]
    dst = s.truth["fields"]["expiry_date"]["box"]
    img = s.image.copy()
    sx, sy, sw, sh = src
    dx, dy = dst[0], dst[1]
    # The last two year digits plus a margin of background, as a forger's clone brush takes them.
    cw = int(sw * 0.25)
    patch = img[sy - 4 : sy + sh + 4, sx + sw - cw : sx + sw + 4].copy()
    img[dy - 4 : dy - 4 + patch.shape[0], dx + dst[2] - cw : dx + dst[2] - cw + patch.shape[1]] = (
        patch
    )
    genuine = run(s).signal("copy_move")
    forged = run(s, img).signal("copy_move")
    before = genuine.details["per_field"]["expiry_date"]
    after = forged.details["per_field"]["expiry_date"]
    assert after > before + 0.3
    assert after > forged.threshold > before
    assert forged.status is Status.FAIL
    assert any(r.label == "expiry_date" for r in forged.regions)


def test_photocopy_is_flagged_and_colour_print_passes() -> None:
    colour = run(spec(4, "idn_ktp")).signal("photocopy")
    copy = run(spec(4, "idn_ktp", capture=CAPTURE + ",photocopy:0.3")).signal("photocopy")
    assert colour.status is Status.PASS
    assert copy.status is Status.FAIL
    assert copy.score > colour.score


def test_screen_recapture_moire_is_flagged() -> None:
    plain = run(spec(1, "idn_passport")).signal("recapture")
    screen = run(spec(1, "idn_passport", capture=CAPTURE + ",moire:0.3")).signal("recapture")
    assert plain.status is Status.PASS
    assert screen.status is Status.FAIL


def test_weak_moire_on_a_small_card_is_flagged() -> None:
    """A faint screen moire on a card captured at 160 dpi: the spectrum averaged over a few tiles
    of the inner document (the earlier method: 3.75, under its 4.46 threshold) misses it; averaged
    over overlapping tiles of the whole document it stands out, and the genuine capture does not."""
    weak = "low_res=160,moire:0.1,jpeg=60"
    screen = run(spec(7, "td1_card", capture=weak)).signal("recapture")
    plain = run(spec(7, "td1_card", capture="low_res=160,jpeg=60")).signal("recapture")
    assert screen.status is Status.FAIL
    assert plain.status is Status.PASS
    assert screen.score > plain.score + 1.0


def test_photo_border_shift_raises_the_photo_score() -> None:
    """A portrait re-glued a few px off leaves a second edge along its border."""
    s = spec(2, "idn_passport")
    x, y, w, h = s.truth["portrait_box"]
    img = s.image.copy()
    face = img[y : y + h, x : x + w].copy()
    img[y + 5 : y + h - 5, x + 6 : x + w - 6] = cv2.resize(face, (w - 12, h - 10))
    before = run(s).signal("photo").score
    after = run(s, img).signal("photo").score
    assert after > before


def test_unusable_capture_abstains() -> None:
    s = spec(5, "idn_passport", capture=CAPTURE + ",blur:1.0")
    res = run(s)
    for name in ("seam", "glyphs", "copy_move", "photo", "recapture"):
        sig = res.signal(name)
        assert sig.status is Status.NOT_PERFORMED, name
        assert sig.reason


def test_blank_picture_raises_nothing() -> None:
    blank = np.full((300, 480, 3), 200, np.uint8)
    for f in tamper_findings(blank, None):
        assert f.status is Status.NOT_PERFORMED, f.code


def test_verdicts_do_not_follow_the_file_format() -> None:
    """Re-encoding a genuine capture as RGB JPEG q75 (the SIDTD forgeries' format) changes nothing."""
    s = spec(6, "idn_passport", capture=CAPTURE + ",jpeg=92")
    original = load_image(s.data).pixels
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(original[:, :, ::-1])).save(buf, "JPEG", quality=75)
    reencoded = load_image(buf.getvalue()).pixels
    a, b = run(s, original), run(s, reencoded)
    for sa, sb in zip(a.signals, b.signals, strict=True):
        assert sa.status == sb.status, (sa.name, sa.score, sb.score)


def test_findings_are_review_level_pixel_evidence_and_outline_draws_them() -> None:
    s = spec(4, "idn_ktp", capture=CAPTURE + ",photocopy:0.3")
    findings = tamper_findings(s.image, document(s), index=1)
    assert {f.code for f in findings} == set(CODES.values())
    for f in findings:
        rule = CATALOGUE[f.code]
        assert f.pixel and rule.pixel
        assert f.severity in (Severity.MEDIUM, Severity.LOW)
        assert f.message.id and f.message.en and f.message.id != f.message.en
        assert {"score", "threshold", "status"} <= set(f.evidence)
    failed = [f for f in findings if f.status is Status.FAIL]
    assert failed and all(d == 1 for f in failed for d, _ in f.boxes)
    drawn = outline(s.image, findings, document=1)
    assert drawn.shape == s.image.shape
    assert not np.array_equal(drawn, s.image)
    # Only the failed findings' boxes are drawn: nothing is drawn for another document index.
    assert np.array_equal(outline(s.image, findings, document=0), s.image)


def test_size_deviations_judge_the_odd_line_and_spare_a_line_shrunk_to_fit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Four lines printed at the layout's size and one 4% larger on a synthetic registered page:
    only the larger one scores high.  A long value printed smaller (as wide as the longest line
    seen at the nominal size: shrunk to fit) is not judged downwards; a short one is."""
    from docscreen.forensics import rerender
    from docscreen.forensics.reference import Reference, Registered

    texts = {
        "a": "12 MAR 1985",
        "b": "AB1234567",
        "c": "SANTOSO",
        "d": "24 AUG 2028",
        "e": "KUPANG",
    }
    em = 24.0
    sizes = {"a": em, "b": em, "c": em, "d": em * 1.04, "e": em * 0.95}
    page = np.full((420, 600), 210.0, np.float32)
    boxes: dict[str, tuple[int, int, int, int]] = {}
    for i, (name, text) in enumerate(texts.items()):
        tmpl = rerender.master(text, "sans_bold")
        assert tmpl is not None
        c = sizes[name] / rerender.MASTER
        h, w = tmpl.shape
        small = cv2.warpAffine(
            cv2.GaussianBlur(tmpl, (0, 0), 0.4 / c),
            np.array([[c, 0, 0], [0, c, 0]], np.float32),
            (int(w * c) + 1, int(h * c) + 1),
        )
        y0, x0 = 20 + 80 * i, 40
        page[y0 : y0 + small.shape[0], x0 : x0 + small.shape[1]] -= small * 0.6
        ink = np.argwhere(small > 60)
        (ya, xa), (yb, xb) = ink.min(axis=0), ink.max(axis=0)
        boxes[name] = (x0 + int(xa), y0 + int(ya), int(xb - xa + 1), int(yb - ya + 1))
    page = np.asarray(cv2.GaussianBlur(page, (0, 0), 1.0), np.float32)
    paper = np.full_like(page, 210.0)
    ref = Reference("test.layout", page, page, {})
    reg = Registered(ref, page, paper, np.eye(2, 3, dtype=np.float32), 1.0)
    wide = {n: em * rerender.advance_em(t, "sans_bold") for n, t in texts.items()}
    fields = {
        n: rerender.FieldSize("sans_bold", float(np.log(em)), 0.0, 0.005, 500.0) for n in texts
    }
    model = {"test.layout": rerender.LayoutSizes(False, fields)}
    monkeypatch.setattr(rerender, "load_sizes", lambda: model)
    devs = rerender.size_deviations(reg, boxes, texts)
    assert set(devs) == set(texts)
    assert devs["d"][0] > 5.0 and devs["e"][0] > 5.0
    assert max(devs[n][0] for n in "abc") < 2.0
    # "e" is as long as the longest line seen at the nominal size: printed smaller to fit.
    fields["e"] = rerender.FieldSize("sans_bold", float(np.log(em)), 0.0, 0.005, wide["e"] * 0.95)
    assert rerender.size_deviations(reg, boxes, texts)["e"][0] == 0.0
