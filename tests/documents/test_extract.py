"""Label-anchored extraction on scripted OCR output (FakeEngine words, no tesseract)."""

from __future__ import annotations

import numpy as np

from docscreen.documents.extract import Page, extract_fields
from docscreen.documents.read import read_document
from docscreen.documents.templates import IDN_PASSPORT, KTP
from docscreen.errors import OcrTimeoutError
from docscreen.models import DocumentKind
from docscreen.ocr.engine import FakeEngine, OcrOptions, Word, words_from_lines

KTP_LINES = [
    "PROVINSI NUSA TENGGARA TIMUR",
    "KABUPATEN KUPANG",
    "NIK : 53O1O65OO2999404",
    "Nama : SISKA WAHYUNI",
    "Tempat/Tgl Lahir : MAUMERE, 10-02-1999",
    "Jenis Kelamin : PEREMPUAN Gol. Darah : B",
    "Alamat : JL. MAWAR NO. 7",
    "RT/RW : 012/008",
    "Kel/Desa : BABAU",
    "Kecamatan : KUPANG TIMUR",
    "Agama : ISLAM",
    "Status Perkawinan : CERAI MATI",
    "Pekerjaan : SOPIR",
    "Kewarganegaraan : WNI",
    "Berlaku Hingga : SEUMUR HIDUP",
]


def _ktp_words(shift: int = 0) -> list[Word]:
    return words_from_lines(KTP_LINES, x0=10 + shift, y0=10 + shift, char_w=10, line_h=30)


def test_ktp_fields_from_labels() -> None:
    fields = extract_fields(Page(tuple(_ktp_words()), 1400, 600), KTP)
    assert fields["nik"].value == "5301065002999404"
    assert fields["nik"].raw == "53O1O65OO2999404"
    assert fields["full_name"].value == "SISKA WAHYUNI"
    assert fields["birth_place"].value == "MAUMERE"
    assert fields["birth_date"].value == "1999-02-10"
    assert fields["sex"].value == "F"
    assert fields["blood_type"].value == "B"
    assert fields["rt_rw"].value == "012/008"
    assert fields["marital_status"].value == "CERAI MATI"
    assert fields["valid_until"].value == "SEUMUR HIDUP"
    assert fields["province"].value == "NUSA TENGGARA TIMUR"
    assert fields["regency"].value == "KABUPATEN KUPANG"
    assert fields["nik"].box is not None and fields["nik"].confidence > 0.5


def test_shifted_layout_still_reads() -> None:
    a = extract_fields(Page(tuple(_ktp_words(0)), 1400, 600), KTP)
    b = extract_fields(Page(tuple(_ktp_words(37)), 1400, 600), KTP)
    assert {k: f.value for k, f in a.items()} == {k: f.value for k, f in b.items()}


def test_unreadable_value_is_none_with_low_confidence() -> None:
    lines = [*KTP_LINES]
    lines[4] = "Tempat/Tgl Lahir : MAUMERE, 1?-??-19?9"
    fields = extract_fields(Page(tuple(words_from_lines(lines, char_w=10)), 1400, 600), KTP)
    assert fields["birth_date"].value is None
    assert fields["birth_date"].confidence <= 0.3
    assert fields["birth_place"].value == "MAUMERE"


def _passport_words() -> list[Word]:
    # Captions above values, two columns (x=100 and x=600).
    rows = [
        (100, 100, "Jenis / Type"), (600, 100, "Kode Negara / Country Code"),
        (100, 130, "P"), (600, 130, "IDN"),
        (100, 200, "Nama Lengkap / Full Name"),
        (100, 230, "SISKA WAHYUNI"),
        (100, 300, "Tanggal Lahir / Date of Birth"), (600, 300, "Tempat Lahir / Place of Birth"),
        (100, 330, "10 FEB 1999"), (600, 330, "MAUMERE"),
        (100, 400, "Tanggal Pengeluaran / Date of Issue"),
        (600, 400, "Tanggal Habis Berlaku / Date of Expiry"),
        (100, 430, "26 MAR 2022"), (600, 430, "26 MAR 2027"),
    ]  # fmt: skip
    out: list[Word] = []
    for x, y, text in rows:
        out.extend(words_from_lines([text], x0=x, y0=y, char_w=9, line_h=26))
    return out


def test_passport_values_below_captions() -> None:
    fields = extract_fields(Page(tuple(_passport_words()), 1476, 1039), IDN_PASSPORT)
    assert fields["document_type"].value == "P"
    assert fields["issuing_country"].value == "IDN"
    assert fields["full_name"].value == "SISKA WAHYUNI"
    assert fields["birth_date"].value == "1999-02-10"
    assert fields["birth_place"].value == "MAUMERE"
    assert fields["issue_date"].value == "2022-03-26"
    assert fields["expiry_date"].value == "2027-03-26"


def test_read_document_with_fake_engine_maps_boxes_to_the_image() -> None:
    image = np.full((638, 1011, 3), 235, np.uint8)  # an ID-1 sized flat scan
    engine = FakeEngine(words_out=_ktp_words())
    doc = read_document(image, ocr=engine, read_mrz=False)
    assert doc.kind is DocumentKind.IDN_KTP
    assert doc.value("nik") == "5301065002999404"
    # One page pass; anything after it is a single-line look at one field's crop.
    assert engine.calls[0][1] == OcrOptions(lang="eng+ind", psm=11)
    assert all(opts.psm in (7, 8) for _, opts in engine.calls[1:])
    assert all(shape[0] < 200 for shape, _ in engine.calls[1:])
    box = doc.fields["nik"].box
    assert box is not None
    assert 0 <= box[0] < 1011 and 0 <= box[1] < 638


def test_no_document_gives_unknown_with_a_reason() -> None:
    rng = np.random.default_rng(1)
    image = rng.integers(0, 255, (300, 400, 3), dtype=np.uint8)
    doc = read_document(image, ocr=FakeEngine(words_out=[]), read_mrz=False)
    assert doc.kind is DocumentKind.UNKNOWN
    assert doc.fields == {}
    assert doc.reason and "no document" in doc.reason


def test_ocr_timeout_is_reported_for_the_document() -> None:
    def slow(image: object, options: OcrOptions) -> list[Word]:
        raise OcrTimeoutError("tesseract took longer than 0.5 s")

    doc = read_document(
        np.full((638, 1011, 3), 235, np.uint8), ocr=FakeEngine(script=slow), read_mrz=False
    )
    assert doc.kind is DocumentKind.UNKNOWN
    assert doc.reason is not None and "timed out" in doc.reason


def test_issue_date_does_not_take_the_expiry_date_beside_it() -> None:
    """The expiry caption is unread ("Hates Berlaki"), so the issue date's words run on into
    the expiry's column; the issue date keeps only its own words and the expiry date is still
    read where the layout prints it."""
    w, h = 1250, 880
    out: list[Word] = []
    for x, y, text in [
        (400, 467, "Tanggal Pengeluaran / Date of Issue"),
        (680, 467, "Hates Berlaki of Exp"),
        (400, 489, "17 JAN 2026"),
        (671, 489, "17 JAN 2036"),
    ]:
        out.extend(words_from_lines([text], x0=x, y0=y, char_w=9, line_h=26))
    fields = extract_fields(Page(tuple(out), w, h), IDN_PASSPORT)
    assert fields["issue_date"].value == "2026-01-17"
    box = fields["issue_date"].box
    assert box is not None and box[0] + box[2] < 671
    assert fields["expiry_date"].value == "2036-01-17"


def test_birth_date_followed_by_specks_still_reads() -> None:
    """Glare leaves specks after the date ("31-10-1982)."): the date is still the line's end."""
    from docscreen.documents.extract import read_spec

    spec = next(s for s in KTP.fields if s.kind == "place_date")
    for line in ("KUPANG, 31-10-1982).", "KUPANG, 31-10-1982 _"):
        got = read_spec(spec, words_from_lines([line]))
        assert got["birth_date"].value == "1982-10-31"
        assert got["birth_place"].value == "KUPANG"
    # A letter after the digits is no speck: no date there.
    assert read_spec(spec, words_from_lines(["KUPANG, 31-10-1982 A"]))["birth_date"].value is None


def test_layout_places_follow_a_page_that_is_stretched_as_well_as_shifted() -> None:
    """An outline found inside the document's edge squeezes the page: the fields found sit
    nearer the top the lower they are printed.  A passport number whose caption was not read
    is still found where the fitted layout puts it (a shift alone misses it)."""
    from docscreen.documents.extract import layout_shifts
    from docscreen.models import Field

    w, h = 1250, 880
    scale, offset = 0.9, 10.0  # found y = 0.9 * reference y + 10
    fields: dict[str, Field] = {}
    for spec in IDN_PASSPORT.fields:
        if spec.nominal is None or spec.name in ("document_number", "document_type"):
            continue
        nx, ny, _, nh = spec.nominal
        cy = scale * (ny + nh / 2) * h + offset
        fields[spec.name] = Field(
            spec.name, "X", "X", 0.9, (round(nx * w), round(cy - 10), 100, 20)
        )
    shifts = layout_shifts(IDN_PASSPORT, fields, w, h)
    spec = next(s for s in IDN_PASSPORT.fields if s.name == "document_number")
    assert spec.nominal is not None
    ref = (spec.nominal[1] + spec.nominal[3] / 2) * h
    assert abs(ref + shifts["document_number"][1] - (scale * ref + offset)) < 3
    assert abs(shifts["document_number"][0]) < 3
    # One field found: a shift, no scale.
    one = {"full_name": fields["full_name"]}
    assert layout_shifts(IDN_PASSPORT, one, w, h)["document_number"] == (0.0, 0.0)


def test_passport_number_with_letters_read_after_it() -> None:
    """Glare after the number reads as letters ("B3983934ON"): the number is kept; a number
    that does not fit its pattern otherwise stays unread."""
    from docscreen.documents.extract import read_spec

    spec = next(s for s in IDN_PASSPORT.fields if s.name == "document_number")
    assert read_spec(spec, words_from_lines(["B3983934ON"]))["document_number"].value == "B3983934"
    for raw in ("B398393", "B39839345", "B3983934ABC"):
        assert read_spec(spec, words_from_lines([raw]))["document_number"].value is None
