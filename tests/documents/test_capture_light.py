"""Hard captures: glare and grey photocopies that defeat one global threshold, outlines found wrongly.

The generated captures below are the screening benchmark's misses of an earlier session (burned
seeds 9970000+, not measurement seeds): LOOKED at, then fixed in general terms.
"""

from __future__ import annotations

import datetime as dt

import cv2
import numpy as np
import pytest

from docscreen.documents.read import _mrz_rank, _outline_as_page, flatten_light, read_document
from docscreen.imaging.quad import Quad
from docscreen.models import DocumentKind, MrzField, MrzResult
from docscreen.mrz.read import read_mrz
from docscreen.ocr.engine import FakeEngine, OcrOptions, Word

specimens = pytest.importorskip("docscreen.specimens")
OPTS = specimens.SpecimenOptions(today=dt.date(2026, 6, 1))


def _page_with_glare() -> tuple[np.ndarray, np.ndarray]:
    """Grey paper darkening to one side, a white glare blob, dark text strokes everywhere."""
    h, w = 300, 480
    xx = np.linspace(0, 1, w, dtype=np.float32)[None, :]
    paper = np.repeat(200 - 120 * xx, h, axis=0)  # 200 on the left, 80 on the right
    yy, xg = np.mgrid[0:h, 0:w]
    glare = np.exp(-((xg - 340) ** 2 + (yy - 150) ** 2) / (2 * 60.0**2)) * 200
    page = np.clip(paper + glare, 0, 255)
    ink = np.zeros((h, w), bool)
    for y in range(30, h - 30, 40):
        for x in range(20, w - 30, 24):
            ink[y : y + 18, x : x + 3] = True  # a stroke per glyph
            ink[y : y + 3, x : x + 12] = True
    page[ink] *= 0.45  # ink darkens whatever light falls on it
    img = np.repeat(page.astype(np.uint8)[:, :, None], 3, axis=2)
    return img, ink


def test_flatten_light_puts_every_stroke_below_every_paper() -> None:
    img, ink = _page_with_glare()
    gray = img[:, :, 0]
    # Before: the paper at the dark side is darker than ink under the glare (no one threshold).
    assert gray[~ink].min() < gray[ink].max()
    flat = flatten_light(img)
    assert flat.shape == img.shape and flat.dtype == np.uint8
    g = flat[:, :, 0]
    inner = ink
    paper = ~cv2.dilate(ink.astype(np.uint8), np.ones((5, 5), np.uint8)).astype(bool)
    assert g[inner].max() < g[paper].min()
    otsu, _ = cv2.threshold(g, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    assert g[inner].max() <= otsu < g[paper].min()  # THRESH_BINARY: above otsu is paper


def _mrz(checks: dict[str, str], notes: tuple[str, ...] = (), conf: float = 0.9) -> MrzResult:
    fields = {"issuing_country": MrzField("issuing_country", "IDN", "IDN")}
    return MrzResult(True, "TD3", ("x",), False, fields, checks, confidence=conf, notes=notes)


def test_mrz_rank_prefers_well_formed_readings_over_lucky_garbage() -> None:
    forged = _mrz({"document_number": "valid", "birth_date": "invalid", "expiry_date": "valid"})
    garbage = _mrz(
        {"document_number": "valid", "birth_date": "valid", "expiry_date": "invalid",
         "composite": "valid"},
        notes=("birth_date:not_a_date", "sex:bad_characters"), conf=0.79,
    )  # fmt: skip
    assert _mrz_rank(forged) > _mrz_rank(garbage)
    assert _mrz_rank(garbage) > _mrz_rank(None)
    assert _mrz_rank(MrzResult(found=False)) == _mrz_rank(None)


def test_a_ktp_under_glare_is_read_as_a_ktp() -> None:
    # Turned a quarter round, a lamp's gradient and a glare spot: tesseract's one threshold
    # read 12 words of the upright page and none of its captions.
    bundle = specimens.make_bundle(9970184, capture="realistic", options=OPTS)
    ktp = next(s for s in bundle if s.truth["kind"] == "idn_ktp")
    doc = read_document(ktp.data, read_mrz=False)
    assert doc.kind is DocumentKind.IDN_KTP, doc.reason
    assert doc.value("nik") == ktp.truth["fields"]["nik"]["value"]


def test_an_mrz_cut_off_by_a_wrong_outline_is_read_in_the_whole_photo() -> None:
    # A photocopied page on a light table: the outline found cuts the MRZ's second line in
    # half and the rectified page read garbage ('J' for the sex).  The whole photo reads it.
    forged = specimens.make_specimen(
        9970026, "idn_passport", forgery="mrz_raw", capture="realistic", options=OPTS
    )
    doc = read_document(forged.data, ocr=FakeEngine())  # no printed word: the MRZ alone
    assert doc.kind is DocumentKind.IDN_PASSPORT  # its number and expiry check digits hold
    assert doc.mrz is not None and doc.mrz.found
    assert list(doc.mrz.lines) == forged.truth["mrz_lines"]
    assert not doc.mrz.valid  # the forged birth date's check digit still fails
    # The box is in the photo's coordinates, on the printed MRZ.
    x, y, _, _ = forged.truth["mrz_box"]
    assert doc.mrz.box is not None
    assert abs(doc.mrz.box[0] - x) < 40 and abs(doc.mrz.box[1] - y) < 40


def test_a_passport_page_without_an_outline_is_read_around_its_mrz() -> None:
    # A photocopied page turned 43 degrees on a light table: no outline, so the photo's frame
    # was the page, its text slanting; no word read anywhere.  The MRZ gives the page.
    bundle = specimens.make_bundle(9970036, capture="realistic", options=OPTS)
    passport = next(s for s in bundle if s.truth["kind"] == "idn_passport")
    pages: list[np.ndarray] = []

    def script(image: np.ndarray, options: OcrOptions) -> list[Word]:
        pages.append(image)
        return []  # no printed word: the page is found from the MRZ alone

    doc = read_document(passport.data, ocr=FakeEngine(script=script))
    assert doc.kind is DocumentKind.IDN_PASSPORT  # from the MRZ
    assert doc.mrz is not None and doc.mrz.valid
    # The last page handed to OCR (before the fields' crops) is the upright TD3 page: its MRZ
    # level along the bottom.
    last = next(p for p in reversed(pages) if abs(p.shape[1] / p.shape[0] - 125 / 88) < 0.02)
    h, w = last.shape[:2]
    again = read_mrz(last)
    assert again.found and again.box is not None and list(again.lines) == list(doc.mrz.lines)
    _x, y, bw, bh = again.box
    assert y > 0.7 * h and bw > 0.8 * w and bh < 0.2 * h, again.box


def test_an_outline_that_is_the_mrz_page_is_used_in_the_page_order() -> None:
    # The page drawn around the MRZ (as read: TL TR BR BL), upside down in the photo.
    page = ((1000.0, 800.0), (0.0, 800.0), (0.0, 100.0), (1000.0, 100.0))
    # The outline found, in image order; a slanted photo's far side is 5% wider.
    outline = Quad(((5.0, 102.0), (995.0, 98.0), (1050.0, 795.0), (-50.0, 795.0)), True)
    assert _outline_as_page(outline, page) == (
        (1050.0, 795.0), (-50.0, 795.0), (5.0, 102.0), (995.0, 98.0)
    )  # fmt: skip
    # An outline 6% off beside the MRZ (it cut the MRZ) or a card-sized block: the MRZ's page.
    cut = Quad(((0.0, 160.0), (1000.0, 160.0), (1000.0, 800.0), (0.0, 800.0)), True)
    assert _outline_as_page(cut, page) == page
    block = Quad(((0.0, 100.0), (600.0, 100.0), (600.0, 480.0), (0.0, 480.0)), True)
    assert _outline_as_page(block, page) == page


def _reader_returning(mrz: MrzResult, calls: list[int]):  # type: ignore[no-untyped-def]
    def reader(image: np.ndarray) -> tuple[MrzResult, None]:
        calls.append(image.shape[0])
        return mrz, None

    return lambda: reader


def test_the_whole_photo_is_read_again_only_for_a_doubtful_mrz(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import docscreen.documents.read as read_module

    photo = np.full((700, 1000, 3), 200, np.uint8)
    checks = {"document_number": "valid", "birth_date": "invalid", "expiry_date": "valid"}
    forged = MrzResult(True, "TD3", ("x", "y"), False,
                       {"issuing_country": MrzField("issuing_country", "IDN", "IDN")},
                       checks, confidence=0.99)  # fmt: skip
    garbled = MrzResult(True, "TD3", ("x", "y"), False,
                        {"issuing_country": MrzField("issuing_country", "IDN", "IDN")},
                        checks, confidence=0.7, notes=("sex:bad_characters",))  # fmt: skip
    for mrz, reads in ((forged, 1), (garbled, 2)):
        calls: list[int] = []
        monkeypatch.setattr(read_module, "_mrz_reader", _reader_returning(mrz, calls))
        doc = read_document(photo, ocr=FakeEngine())
        assert len(calls) == reads  # the rectified page, then (when doubtful) the whole photo
        assert doc.kind is (DocumentKind.PASSPORT if mrz is forged else DocumentKind.UNKNOWN)
