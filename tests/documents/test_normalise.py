"""Normalisers are pure: printed text in, canonical value (or None when unreadable) out."""

from __future__ import annotations

import pytest

from docscreen.documents.normalise import (
    normalise_blood_type,
    normalise_date,
    normalise_document_number,
    normalise_name,
    normalise_nationality,
    normalise_nik,
    normalise_rt_rw,
    normalise_sex,
)


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("17-08-1990", "1990-08-17"),
        ("17/08/1990", "1990-08-17"),
        ("17 AGU 1990", "1990-08-17"),
        ("17 AUG 1990", "1990-08-17"),
        ("17 AGU/AUG 1990", "1990-08-17"),
        ("01 MEI 2001", "2001-05-01"),
        ("01 MAY 2001", "2001-05-01"),
        ("09 OKT 2025", "2025-10-09"),
        ("09 OCT 2025", "2025-10-09"),
        ("24 DES 1979", "1979-12-24"),
        ("24 DEC 1979", "1979-12-24"),
        ("1O-O2-1999", "1999-02-10"),  # O read for 0
        ("1990-08-17", "1990-08-17"),
        ("17081990", "1990-08-17"),
        ("05 PEB 1988", "1988-02-05"),
    ],
)
def test_dates_to_iso(text: str, iso: str) -> None:
    assert normalise_date(text) == iso


@pytest.mark.parametrize("text", ["", "SEUMUR HIDUP", "31-02-1990", "17 XYZ 1990", "12-1990"])
def test_unreadable_or_impossible_dates_are_none(text: str) -> None:
    assert normalise_date(text) is None


@pytest.mark.parametrize(
    ("text", "sex"),
    [
        ("LAKI-LAKI", "M"),
        ("LAKI LAKI", "M"),
        ("LAKl-LAKI", "M"),
        ("PEREMPUAN", "F"),
        ("PEREMPUAM", "F"),
        ("L", "M"),
        ("P", "F"),
        ("M", "M"),
        ("F", "F"),
        ("L / M", "M"),
        ("P / F", "F"),
        ("PIF", "F"),  # the slash read as I
        ("L|M", "M"),
    ],
)
def test_sex(text: str, sex: str) -> None:
    assert normalise_sex(text) == sex


def test_sex_unreadable_is_none() -> None:
    assert normalise_sex("") is None
    assert normalise_sex("QWERTY") is None


def test_nik_maps_lookalikes_inside_the_number_only() -> None:
    assert normalise_nik("5301O65OO2999404") == "5301065002999404"
    assert normalise_nik("NIK : 53OI065B02S99404") == "5301065802599404"
    assert normalise_nik(": 5301 0650 0299 9404") == "5301065002999404"
    # The label's letters are never turned into digits.
    assert normalise_nik("NIK 5301065002999404") == "5301065002999404"


def test_nik_with_wrong_length_is_none() -> None:
    assert normalise_nik("530106500299940") is None
    assert normalise_nik("NIK") is None


def test_names_and_codes() -> None:
    assert normalise_name("  siska   wahyuni ") == "SISKA WAHYUNI"
    assert normalise_name("| :") is None
    assert normalise_nationality("INDONESIA") == "IDN"
    assert normalise_nationality("WNI") == "WNI"
    assert normalise_nationality("PHL") == "PHL"
    assert normalise_document_number("BO174438") == "B0174438"
    assert normalise_document_number("E2954804") == "E2954804"
    assert normalise_document_number("12") is None
    assert normalise_rt_rw("005 / 012") == "005/012"
    assert normalise_blood_type("B+") == "B+"
    assert normalise_blood_type("AB") == "AB"
    assert normalise_blood_type("-") == "-"
    assert normalise_blood_type("X") is None


def test_compact_date_with_the_month_initial_read_as_a_digit() -> None:
    from docscreen.documents.normalise import normalise_date

    assert normalise_date("043AN2022") == "2022-01-04"
    assert normalise_date("17OCT2025") == "2025-10-17"
    assert normalise_date("12345678901") is None


def test_name_look_alikes_inside_words_of_letters() -> None:
    from docscreen.documents.normalise import normalise_name

    assert normalise_name("GHALIYAT! NASYIAH") == "GHALIYATI NASYIAH"
    assert normalise_name("SUART1NI") == "SUARTINI"
    assert normalise_name("AR0N") == "ARON"
    # Digits on their own are not letters (an address number read in place of a name).
    assert normalise_name("JL. 1") == "JL. 1"
