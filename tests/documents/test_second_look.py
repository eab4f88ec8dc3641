"""Second looks at single fields (scripted engine) and the format-aware normalisers."""

from __future__ import annotations

import numpy as np
import pytest

from docscreen.documents.extract import LabelPlace, Page, extract_fields
from docscreen.documents.normalise import normalise_office, normalise_registration
from docscreen.documents.second_look import ALPHABETS, second_looks
from docscreen.documents.templates import IDN_PASSPORT, KTP
from docscreen.models import Field
from docscreen.ocr.engine import FakeEngine, OcrOptions, Word, words_from_lines


def test_registration_number_look_alikes_fixed_by_position() -> None:
    assert normalise_registration("94142SE1916-BPN") == "94I42SE1916-BPN"
    assert normalise_registration("17I12XL6623 KPG") == "17I12XL6623-KPG"
    # Not the register number's shape: kept as read, never forced into it.
    assert normalise_registration("27612D0071-MMR") == "27612D0071-MMR"
    assert normalise_registration("ABC") is None


def test_issuing_office_snaps_to_a_known_office_only_when_clear() -> None:
    assert normalise_office("MAUMERE g Menge") == "MAUMERE"
    assert normalise_office("KUPANQ") == "KUPANG"
    assert normalise_office("Jakarta Pusat") == "JAKARTA PUSAT"
    assert normalise_office("SOMEWHERE ELSE") == "SOMEWHERE ELSE"


def test_passport_title_is_not_taken_for_the_number_label() -> None:
    """'PASPOR / PASSPORT' (the page title) fuzzily resembles 'No. Paspor / Passport No.';
    when the real caption is unreadable the title must not become the number's label."""
    words = words_from_lines(["REPUBLIK INDONESIA PASPOR / PASSPORT", "", "F Passpc"], char_w=10)
    labels: dict[str, LabelPlace] = {}
    fields = extract_fields(Page(tuple(words), 1250, 880), IDN_PASSPORT, labels)
    assert "document_number" not in labels
    f = fields.get("document_number")
    assert f is None or f.value is None


def _page() -> np.ndarray:
    return np.full((880, 1250, 3), 235, np.uint8)


def test_lone_character_gets_a_whitelisted_look_that_wins() -> None:
    """Sparse mode read 'ID' (the country code next to it) for the type; the dedicated look,
    whitelisted to letters, reads 'P' and that reading counts."""
    img = _page()
    img[160:185, 410:425] = 20  # some ink where the type is printed
    calls: list[OcrOptions] = []

    def script(image: np.ndarray, options: OcrOptions) -> list[Word]:
        calls.append(options)
        return [Word("P", 0.7, (12, 12, 20, 30))]

    fields = {"document_type": Field("document_type", "ID", "IDN", 0.8, (679, 167, 41, 18))}
    labels = {"document_type": LabelPlace((407, 140, 76, 14), 678)}
    out = second_looks(FakeEngine(script=script), img, IDN_PASSPORT, fields, labels)
    assert out["document_type"].value == "P"
    lone = [c for c in calls if c.psm == 8]
    assert lone and all(
        "tessedit_char_whitelist=ABCDEFGHIJKLMNOPQRSTUVWXYZ" in c.config for c in lone
    )
    assert out["document_type"].box is not None and out["document_type"].box[0] < 500


def test_looks_that_disagree_are_settled_by_a_third() -> None:
    """Page pass and first look disagree on a name: a look at a binarised copy decides."""
    readings = iter([["ADITYA", "LATUPON"], ["ADITYA", "LATUPONO"]])

    def script(image: np.ndarray, options: OcrOptions) -> list[Word]:
        if "whitelist" in options.config:
            return []  # the whitelisted looks at the (absent) numbers and dates
        toks = next(readings, [])
        return [Word(t, 0.9, (10 + 120 * i, 12, 110, 30)) for i, t in enumerate(toks)]

    first = Field("full_name", "ADITYA LATUPONO", "ADITYA LATUPONO", 0.7, (408, 250, 250, 22))
    out = second_looks(FakeEngine(script=script), _page(), IDN_PASSPORT, {"full_name": first})
    assert out["full_name"].value == "ADITYA LATUPONO"


def test_confident_strict_field_is_not_looked_at_again() -> None:
    engine = FakeEngine(words_out=[])
    nik = Field("nik", "5301065002999404", "5301065002999404", 0.95, (200, 100, 420, 40))
    fields = {
        "nik": nik,
        "full_name": Field("full_name", "SISKA", "SISKA", 0.95, (230, 150, 100, 20)),
    }
    second_looks(engine, np.full((540, 856, 3), 235, np.uint8), KTP, fields)
    # Fields that were not read get looks; the NIK and the name read with confidence do not.
    assert engine.calls
    # (the NIK's own alphabet: rt_rw's digits-and-slash look may run, the budget allowing)
    nik_look = f"tessedit_char_whitelist={ALPHABETS['nik']}"
    assert not any(nik_look in opts.config.split() for _, opts in engine.calls)


def test_contradicting_dates_get_looks_of_their_own() -> None:
    seen: list[tuple[int, ...]] = []

    def script(image: np.ndarray, options: OcrOptions) -> list[Word]:
        seen.append(tuple(image.shape))
        return [Word("21", 0.9, (12, 12, 30, 30)), Word("DES", 0.9, (50, 12, 50, 30)),
                Word("2024", 0.9, (110, 12, 60, 30))]  # fmt: skip

    fields = {
        "issue_date": Field("issue_date", "2034-12-21", "21 DES 2034", 0.96, (408, 505, 150, 22)),
        "expiry_date": Field("expiry_date", "2034-12-21", "21 DES 2034", 0.96, (678, 505, 150, 22)),
    }
    out = second_looks(FakeEngine(script=script), _page(), IDN_PASSPORT, fields, max_looks=20)
    assert seen  # the same date read for both made them doubtful
    assert out["issue_date"].value == "2024-12-21"


def test_name_agreed_token_by_token() -> None:
    from docscreen.documents.second_look import Look, name_consensus

    f = Field("full_name", None)
    looks = [
        Look("IHSAN MARTAKA MANULLAN", 0.9, f, 1.0),
        Look("NHSAN MARTAKA MANULLANG", 0.6, f, 1.05),
        Look("IHSAN MARTAKA MANULLANG YT WN", 0.6, f, 1.0),
    ]
    assert name_consensus(looks) == "IHSAN MARTAKA MANULLANG"
    assert name_consensus(looks[:1]) is None


def test_passport_number_series_letter_read_as_a_digit() -> None:
    from docscreen.documents.normalise import normalise_document_number

    assert normalise_document_number("83983934") == "B3983934"
    assert normalise_document_number("53983934") == "53983934"  # S is no series letter here
    assert normalise_document_number("3983934") == "3983934"  # the letter lost: not invented


def test_blood_group_sign_found_by_shape() -> None:
    import cv2

    from docscreen.documents.second_look import blood_sign

    def draw(text: str) -> np.ndarray:
        img = np.full((40, 120), 235, np.uint8)
        cv2.putText(img, text, (8, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 20, 2)
        return img

    assert blood_sign(draw("B+"), 20) == "+"
    assert blood_sign(draw("AB"), 20) is None
    assert blood_sign(draw(": -"), 20) == "-"


def test_a_whitelisted_look_that_agrees_gets_a_real_confidence() -> None:
    """Tesseract scores a whitelisted read 0 when the whitelist overrode a first choice, even when
    the read is right: a value the page pass and a look agree on is confident, and an unscored
    lone read is middling, never 0 (which the rules take as "no confidence given")."""
    img = np.full((540, 856, 3), 235, np.uint8)
    calls: list[OcrOptions] = []

    def script(image: np.ndarray, options: OcrOptions) -> list[Word]:
        calls.append(options)
        if "whitelist=0123456789:" in options.config:
            # The KTP's colon comes back as itself, not as a digit, and is dropped.
            return [Word(":5301065002999404", 0.0, (12, 12, 400, 40))]
        return []

    nik = Field("nik", "5301065002999404", "5301065002999404", 0.6, (200, 100, 420, 40))
    out = second_looks(FakeEngine(script=script), img, KTP, {"nik": nik})
    assert any("whitelist=0123456789:" in c.config for c in calls)
    assert out["nik"].value == "5301065002999404"
    assert out["nik"].confidence >= 0.9

    # A passport date the page pass could not read, read once by a whitelisted look, unscored.
    def date_script(image: np.ndarray, options: OcrOptions) -> list[Word]:
        if "-/.:" in options.config:
            return [Word("12-07-1985", 0.0, (12, 12, 150, 30))]
        return []

    birth = {"birth_date": Field("birth_date", None, "", 0.0, None)}
    out = second_looks(FakeEngine(script=date_script), _page(), IDN_PASSPORT, birth, max_looks=2)
    assert out["birth_date"].value == "1985-07-12"
    assert 0.3 <= out["birth_date"].confidence < 0.9


def test_a_line_that_reads_empty_is_read_again_without_what_follows_the_text() -> None:
    """A guilloche after the name made tesseract return nothing for the whole line; the crop cut
    where the letters end reads.  A name reading with the whole last token is not outvoted by
    shorter ones whose last token is a piece of it."""
    from docscreen.documents.second_look import Look, name_consensus

    img = _page()
    # Letter-sized marks where the name is printed, then a wide dark blob (the pattern).
    for i in range(12):
        x = 420 + 18 * i
        img[262:282, x : x + 11] = 30
    img[255:290, 700:1000] = 60
    widths: list[int] = []

    def script(image: np.ndarray, options: OcrOptions) -> list[Word]:
        if "whitelist" in options.config:
            return []
        widths.append(image.shape[1])
        if len(widths) == 1:
            return []  # the whole line: nothing
        return [
            Word("KIANDRA", 0.9, (12, 12, 100, 30)),
            Word("NURDIYANTI", 0.9, (130, 12, 150, 30)),
        ]

    first = Field("full_name", "KIANDRA YANTI", "KIANDRA YANTI", 0.6, (420, 262, 200, 20))
    out = second_looks(FakeEngine(script=script), img, IDN_PASSPORT, {"full_name": first})
    assert len(widths) >= 2 and widths[1] < widths[0]
    assert out["full_name"].value == "KIANDRA NURDIYANTI"

    looks = [
        Look("KIANDRA TIN YANTI", 0.7, first),
        Look("KIANDRA TINA NURDIYANTI", 0.9, first, 1.05),
        Look("KIANDRA TINA", 0.9, first),
    ]
    assert name_consensus(looks) == "KIANDRA TINA NURDIYANTI"


def test_text_span_of_marks_on_two_lines_keeps_the_crop() -> None:
    """Letter-sized marks on two lines far apart (the median line between them): no run of
    letters, so the crop is kept as it is (this raised on an empty run before)."""
    from docscreen.documents.second_look import text_span

    g = np.full((60, 400), 230, np.uint8)
    g[5:20, 10:20] = 20
    g[5:20, 30:40] = 20
    g[40:55, 200:210] = 20
    g[40:55, 230:240] = 20
    assert text_span(g, 15.0) is None
    # One line of letters, then blank paper: cut after the letters.
    h = np.full((30, 600), 230, np.uint8)
    for i in range(6):
        h[8:23, 20 + 16 * i : 30 + 16 * i] = 20
    span = text_span(h, 15.0)
    assert span is not None and 100 <= span[1] <= 150


def _ktp_fields(name: Field) -> dict[str, Field]:
    """KTP values read right of their labels, starting at x=236 (the name given)."""
    out = {"full_name": name}
    for i, (n, v) in enumerate(
        [
            ("address", "JL. MAWAR"),
            ("village", "BABAU"),
            ("district", "KUPANG"),
            ("religion", "ISLAM"),
            ("occupation", "SOPIR"),
        ]
    ):
        out[n] = Field(n, v, v, 0.95, (236, 240 + 30 * i, 80, 13))
    return out


def test_a_faint_last_name_the_page_pass_read_is_not_trimmed_as_a_speck() -> None:
    """The look reads 'RAHMAWATI' at 0.31 (faint); the page pass read it too, so it stays."""

    def script(image: np.ndarray, options: OcrOptions) -> list[Word]:
        if "whitelist" in options.config:
            return []
        return [Word("ICHA", 0.9, (12, 12, 80, 30)), Word("RAHMAWATI", 0.31, (100, 12, 200, 30))]

    name = Field("full_name", "ICHA RAHMAWATI", "ICHA RAHMAWATI", 0.81, (236, 146, 151, 14))
    labels = {"full_name": LabelPlace((27, 147, 46, 13), 599)}
    img = np.full((540, 856, 3), 235, np.uint8)
    out = second_looks(FakeEngine(script=script), img, KTP, _ktp_fields(name), labels)
    assert out["full_name"].value == "ICHA RAHMAWATI"


def test_a_lone_unsure_word_at_the_end_of_a_look_is_still_trimmed() -> None:
    from docscreen.documents.second_look import _trim_name

    words = [Word("ICHA", 0.9, (0, 0, 10, 10)), Word("YT", 0.2, (20, 0, 10, 10))]
    assert [w.text for w in _trim_name(words, "ICHA RAHMAWATI")] == ["ICHA"]
    assert [w.text for w in _trim_name(words)] == ["ICHA"]


def test_a_confident_name_that_starts_late_gets_a_look() -> None:
    """Glare faded the first tokens: the page pass reads 'IMAN' at 0.96 where 'EJA BUDIMAN'
    is printed, starting well right of where the other values start; a line read finds all."""
    calls: list[OcrOptions] = []

    def script(image: np.ndarray, options: OcrOptions) -> list[Word]:
        calls.append(options)
        if "whitelist" in options.config:
            return []
        return [Word("EJA", 0.8, (12, 12, 60, 30)), Word("BUDIMAN", 0.8, (90, 12, 150, 30))]

    labels = {"full_name": LabelPlace((27, 147, 45, 12), 599)}
    img = np.full((540, 856, 3), 235, np.uint8)
    late = Field("full_name", "IMAN", "IMAN", 0.96, (312, 148, 41, 11))
    out = second_looks(FakeEngine(script=script), img, KTP, _ktp_fields(late), labels)
    assert out["full_name"].value == "EJA BUDIMAN"
    # The same confident name where the column starts is trusted: no line read for it (a
    # look would have read 'EJA BUDIMAN' there too).
    on_time = Field("full_name", "IMAN", "IMAN", 0.96, (237, 148, 41, 11))
    out = second_looks(FakeEngine(script=script), img, KTP, _ktp_fields(on_time), labels)
    assert out["full_name"].value == "IMAN"


def test_a_name_run_together_by_two_readings_is_still_split_by_the_third() -> None:
    from docscreen.documents.second_look import Look, name_consensus

    f = Field("full_name", None)
    looks = [
        Look("NABILAANGGRAINI", 0.9, f, 1.0),
        Look("NABILA ANGGRAINI", 0.8, f, 1.05),
        Look("NABILAANGGRAINI", 0.66, f, 1.0),
    ]
    assert name_consensus(looks) == "NABILA ANGGRAINI"


def test_name_crops_are_widened_and_boxes_still_map_to_the_page() -> None:
    """A name crop is read widened when the page pass ran words together; the words' boxes come
    back in page coordinates all the same."""
    from docscreen.documents.second_look import NAME_STRETCH, read_crop

    shapes: list[tuple[int, ...]] = []

    def script(image: np.ndarray, options: OcrOptions) -> list[Word]:
        shapes.append(tuple(image.shape))
        h, w = image.shape[:2]
        # One word over the middle half of the prepared image (12 px padding each side).
        return [Word("SISKA", 0.9, (12 + (w - 24) // 4, 12, (w - 24) // 2, h - 24))]

    img = np.full((540, 856, 3), 235, np.uint8)
    spec = next(s for s in KTP.fields if s.name == "full_name")
    # The page pass read a token long enough to be two run together: the look is widened.
    engine = FakeEngine(script=script)
    got = read_crop(engine, img, (200, 100, 400, 30), spec, 13.0, 0, "NABILAANGGRAINI")
    h, w = shapes[0][:2]
    assert (w - 24) / (h - 24) == pytest.approx(NAME_STRETCH * 400 / 30, rel=0.02)
    box = got["full_name"].box
    assert box is not None
    assert abs(box[0] - 300) <= 2 and abs(box[2] - 200) <= 2 and abs(box[1] - 100) <= 2
    # A name with short tokens is read as printed (widening misreads some letters).
    read_crop(engine, img, (200, 100, 400, 30), spec, 13.0, 0, "SISKA WAHYUNI")
    h, w = shapes[1][:2]
    assert (w - 24) / (h - 24) == pytest.approx(400 / 30, rel=0.02)


def test_a_first_name_only_the_line_read_has_is_kept() -> None:
    """The page pass lost the first name ("WALUYO"); the line look read "CAWUK WALUYO": the look's
    whole name is kept, while a speck-sized extra token still counts against a reading."""
    from docscreen.documents.second_look import Look, name_consensus

    f = Field("full_name", None)
    page = Look("WALUYO", 0.82, f, 1.0)
    assert name_consensus([page, Look("CAWUK WALUYO", 0.91, f, 1.05)]) == "CAWUK WALUYO"
    assert name_consensus([Look("SISKA", 0.9, f, 1.0), Look("SISKA YT", 0.8, f, 1.05)]) == "SISKA"


def test_a_look_that_crashes_tesseract_reads_nothing_and_the_page_reading_stands() -> None:
    from docscreen.errors import OcrCrashError

    def crash(image: object, options: OcrOptions) -> list[Word]:
        raise OcrCrashError("tesseract crashed (signal 8)")

    engine = FakeEngine(script=crash)
    fields = {
        "nik": Field("nik", "5301065002999404", "5301065002999404", 0.95, (200, 100, 420, 40)),
        "full_name": Field("full_name", "MAIDA", "MAIDA", 0.40, (230, 150, 100, 20)),
    }
    out = second_looks(engine, np.full((540, 856, 3), 235, np.uint8), KTP, fields)
    assert engine.calls  # the unsure name was looked at, and every look crashed
    assert out["full_name"].value == "MAIDA"
    assert out["nik"].value == "5301065002999404"
