"""Readings that must not become another field's value, and name tokens a look must not lose.

Each case comes from a failure seen on development seed 300000 of benchmarks/viz_accuracy.py;
the images are replaced here by scripted words or drawn crops.
"""

from __future__ import annotations

import numpy as np

from docscreen.documents.extract import LabelPlace, Page, _axis_fit, extract_fields
from docscreen.documents.normalise import is_name_caption, normalise_name
from docscreen.documents.second_look import (
    Look,
    _believable,
    name_consensus,
    name_shaped,
    text_span,
    value_start,
)
from docscreen.documents.templates import IDN_PASSPORT
from docscreen.models import Field
from docscreen.ocr.engine import Word


def test_a_caption_or_digits_read_as_the_name_are_no_name() -> None:
    assert normalise_name("Nama Lengkap Full Name") is None
    assert normalise_name("ULL NAME") is None
    assert normalise_name("MAMA LENGKAP FUL NAME") is None
    assert normalise_name("2301700172") is None  # the NIK's digits under the wrong caption
    assert is_name_caption("FULL NAME")
    # Names whose words only resemble caption words are names.
    assert normalise_name("RAMA ATMA") == "RAMA ATMA"
    assert normalise_name("NAMI") == "NAMI"
    assert normalise_name("RAHMA NAMIRA") == "RAHMA NAMIRA"
    assert not is_name_caption("SITI NAMA")  # SITI is no caption word


def _w(text: str, x: int, y: int, h: int = 12) -> Word:
    return Word(text, 0.95, (x, y, 11 * len(text), h))


def test_a_name_the_page_pass_lost_is_not_taken_from_the_next_rows_value() -> None:
    """Only "Full Name" of the caption was read and the name itself was not: the value two
    rows down ("INDONESIA", the nationality under the next caption row) is not the name."""
    words = [
        # boxed with a pattern stroke: as tall as a value line
        _w("Full", 518, 222, 25),
        _w("Name", 570, 222, 25),
        # the next row of captions: "Jenis Kelamin / Sex" and "Kewarganegaraan / Nationality"
        _w("Jenis", 407, 312),
        _w("Kelamin", 470, 312),
        _w("/", 555, 312),
        _w("Sex", 570, 312),
        _w("Kewarganegaraan", 678, 312),
        _w("/", 850, 312),
        _w("Nationality", 865, 312),
        _w("P/F", 407, 330, 21),
        _w("INDONESIA", 678, 330, 21),
    ]
    fields = extract_fields(Page(tuple(words), 1250, 880), IDN_PASSPORT)
    assert fields["full_name"].value is None
    assert fields["nationality"].value == "IDN"
    # With the name printed (and read) under its caption, it is the name.
    fields = extract_fields(Page((*words, _w("NOVI", 407, 252, 21)), 1250, 880), IDN_PASSPORT)
    assert fields["full_name"].value == "NOVI"


def test_text_span_found_by_darkness_when_a_guilloche_runs_through_the_line() -> None:
    """Dark letters then thin light pattern strokes across the whole crop: local thresholds
    take the strokes for marks too, one global threshold keeps only the letters."""
    g = np.full((44, 850), 200, np.uint8)
    rng = np.random.default_rng(3)
    for x in range(0, 850, 9):  # pattern: thin mid-grey strokes of letter height everywhere
        y = int(rng.integers(5, 20))
        g[y : y + 18, x : x + 2] = 150
    for i in range(4):  # "NOVI": four dark letters of 20 px
        g[12:32, 20 + 20 * i : 34 + 20 * i] = 40
    span = text_span(g, 20.0)
    assert span is not None and 90 <= span[1] <= 160


def test_a_name_column_starts_where_the_layout_starts_it() -> None:
    """Only the English half of the caption was found: the column still starts where the
    layout puts it, so a name starting under the English half starts late."""
    spec = next(s for s in IDN_PASSPORT.fields if s.name == "full_name")
    label = LabelPlace((518, 222, 70, 12), 1240)
    assert value_start(spec, IDN_PASSPORT, {}, label) == 518.0
    assert value_start(spec, IDN_PASSPORT, {}, label, column_x=402.0) == 402.0


def test_a_sure_reading_keeps_name_tokens_a_look_lost() -> None:
    f = Field("full_name", None)
    page = Look("ELI USYI FUJIATI", 0.81, f, 1.0)
    look = Look("FUJIATI", 0.52, f, 1.05)
    assert name_consensus([page, look]) == "ELI USYI FUJIATI"
    # An unsure reading's extra tokens do not win over the look.
    assert name_consensus([Look("ELI USYI FUJIATI", 0.6, f, 1.0), look]) == "FUJIATI"
    # Specks read as letters are not name-shaped, however sure the reading.
    assert not name_shaped("WWW") and not name_shaped("SS") and not name_shaped("KRT")
    assert name_shaped("ELI") and name_shaped("USYI")
    assert name_consensus([Look("WWW UNJANI", 0.9, f, 1.0), Look("UNJANI", 0.9, f, 1.05)]) == (
        "UNJANI"
    )


def test_two_layout_offsets_that_disagree_keep_the_smaller() -> None:
    """One value found in the next column (280 px right of its place) and one in place: the
    layout is not moved by half the error."""
    scale, off = _axis_fit([(400.0, 679.0), (400.0, 406.0)], 1250)
    assert scale == 1.0 and off == 6.0
    # Offsets that agree are averaged as before.
    assert _axis_fit([(400.0, 410.0), (700.0, 716.0)], 1250) == (1.0, 13.0)


def test_a_title_taken_for_a_caption_is_not_where_the_look_goes() -> None:
    """ "PASPOR / PASSPORT" at the top matched "Passport No.": 100 px above where the number's
    caption is printed, so the look uses the layout, not that "caption"."""
    spec = next(s for s in IDN_PASSPORT.fields if s.name == "document_number")
    title = LabelPlace((1011, 47, 143, 20), 1240)
    assert _believable(spec, title, (0.0, 0.0), 880, 21.8) is None
    caption = LabelPlace((940, 142, 166, 11), 1240)
    assert _believable(spec, caption, (0.0, 0.0), 880, 21.8) is caption


def test_a_sure_reading_keeps_its_name_when_two_looks_read_pattern() -> None:
    """Three readings: the page pass sure of "PUTRI ASTUTI", two looks of a crop that took in
    the caption line reading pieces ("FUT", "ASTUN"): the name is kept whole."""
    f = Field("full_name", None)
    looks = [
        Look("PUTRI ASTUTI", 0.83, f, 1.0),
        Look("FUT", 0.61, f, 1.05),
        Look("ASTUN", 0.56, f, 1.0),
    ]
    assert name_consensus(looks) == "PUTRI ASTUTI"
    # Unsure, its unsupported tokens still go (specks read with the name).
    looks[0] = Look("PUTRI ASTUTI", 0.6, f, 1.0)
    assert name_consensus(looks) is None


def test_a_clean_read_is_told_from_one_that_needed_look_alikes() -> None:
    from docscreen.documents.second_look import clean_read

    assert clean_read("date", "23SEP 2034.", "2034-09-23")
    assert clean_read("date", "24..23SEP2034.", "2034-09-23")  # the neighbour's tail before it
    assert clean_read("date", "17-08-1990", "1990-08-17")
    assert not clean_read("date", "P2BSP2034", "2034-09-02")  # "23 SEP" read as "2BSP"
    assert not clean_read("date", "I7OCT2006", "2006-10-17")
    assert clean_read("docnum", "B9765954", "B9765954")
    assert not clean_read("docnum", "X0296318O", "X0296318")
    assert not clean_read("nik", "33710509100212B4", "3371050910021284")
    assert not clean_read("date", "23SEP2034", None)


def test_a_date_read_with_look_alikes_gets_a_binarised_look_that_wins() -> None:
    """The grey look reads the faded expiry date with look-alikes ("P2BSP2034"); the binarised
    look reads it cleanly: the clean reading is the value (it was the repaired one)."""
    from docscreen.documents.second_look import second_looks
    from docscreen.ocr.engine import FakeEngine, OcrOptions

    reads = iter(["P2BSP2034", "23SEP 2034."])

    def script(image: np.ndarray, options: OcrOptions) -> list[Word]:
        if "-/.:" not in options.config:  # not a date's look (the type's, say): nothing read
            return []
        text = next(reads, "")
        return [Word(text, 0.0, (14, 14, 200, 30))] if text else []

    img = np.full((880, 1250, 3), 235, np.uint8)
    fields = {
        "issue_date": Field("issue_date", "2024-09-23", "23 SEP 2024", 0.95, (407, 505, 150, 19)),
        "birth_date": Field("birth_date", "1993-09-14", "14 SEP 1993", 0.95, (408, 420, 148, 19)),
        "document_number": Field(
            "document_number", "X9029399", "X9029399", 0.95, (941, 167, 114, 19)
        ),
        "full_name": Field("full_name", "SITI", "SITI", 0.95, (407, 250, 60, 21)),
        "document_type": Field("document_type", "P", "P", 0.95, (407, 167, 15, 19)),
        "expiry_date": Field("expiry_date", None, "23 SEP", 0.3, (678, 484, 84, 40)),
    }
    out = second_looks(FakeEngine(script=script), img, IDN_PASSPORT, fields, max_looks=3)
    assert out["expiry_date"].value == "2034-09-23"


def test_a_nik_that_cannot_be_this_cards_is_looked_at_again() -> None:
    from docscreen.documents.second_look import ALPHABETS, nik_plausible, second_looks
    from docscreen.documents.templates import KTP
    from docscreen.ocr.engine import FakeEngine, OcrOptions

    assert nik_plausible("5371050910021234", "NUSA TENGGARA TIMUR")
    assert not nik_plausible("3371050910021234", "NUSA TENGGARA TIMUR")  # 33 is Jawa Tengah
    assert not nik_plausible("5571050910021234", None)  # no province 55
    assert not nik_plausible("5371059910021234", None)  # no day 99 (nor 59)
    assert nik_plausible("3371050910021234", "KABUPATEN XYZ")  # not clearly a province

    calls: list[str] = []

    def script(image: np.ndarray, options: OcrOptions) -> list[Word]:
        calls.append(options.config)
        return (
            [Word("5371050910021234", 0.0, (14, 14, 300, 30))] if "0123" in options.config else []
        )

    img = np.full((540, 856, 3), 235, np.uint8)
    prov = Field("province", "NUSA TENGGARA TIMUR", "NUSA TENGGARA TIMUR", 0.95, (200, 20, 400, 20))
    misread = Field("nik", "5571050910021234", "5571050910021234", 0.95, (170, 95, 280, 25))
    out = second_looks(FakeEngine(script=script), img, KTP, {"province": prov, "nik": misread})
    assert out["nik"].value == "5371050910021234" and calls
    # The same NIK, plausible, read as confidently: not looked at.
    calls.clear()
    sure = Field("nik", "5371050910021234", "5371050910021234", 0.95, (170, 95, 280, 25))
    second_looks(FakeEngine(script=script), img, KTP, {"province": prov, "nik": sure}, max_looks=1)
    assert calls and f"whitelist={ALPHABETS['nik']}" not in " ".join(calls)


def test_an_issue_date_under_the_end_of_its_caption_is_not_the_expiry_date() -> None:
    """Only "Date of Issue" of "Tanggal Pengeluaran / Date of Issue" was read (565 px, the
    caption starts at 407) and the expiry's caption not at all: the issue date is the one printed
    where the layout starts its column, not the expiry date printed under the caption's end."""
    words = [
        _w("Date", 565, 483, 8),
        _w("of", 600, 483, 8),
        _w("Issue", 620, 483, 8),
        _w("21", 407, 505, 19),
        _w("DES", 440, 505, 19),
        _w("2024", 490, 505, 19),
        _w("21", 678, 505, 19),
        _w("DES", 711, 505, 19),
        _w("2034", 761, 505, 19),
    ]
    fields = extract_fields(Page(tuple(words), 1250, 880), IDN_PASSPORT)
    assert fields["issue_date"].value == "2024-12-21"
