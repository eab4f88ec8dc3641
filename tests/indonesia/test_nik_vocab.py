from __future__ import annotations

import datetime as dt

import pytest

from docscreen.indonesia.nik import (
    nik_birth_date_near,
    nik_birth_dates,
    normalise_nik,
    placeholder_birth_date,
    split_nik,
)
from docscreen.indonesia.provinces import PROVINCES, province_name
from docscreen.indonesia.vocab import canonical_marital_status, is_ever_married, match_vocab


def test_ocr_normalisation_inside_nik() -> None:
    assert normalise_nik("53O1 O147 O3O9 OO12") == "5301014703090012"
    assert normalise_nik("S3B1.I1") == "538111"


def test_split_keeps_defects_for_rules() -> None:
    parts = split_nik("5301017213090000")
    assert parts is not None and parts.serial == "0000" and parts.month == 13
    assert nik_birth_dates(parts) == []
    assert split_nik("123") is None


def test_birth_date_century_follows_the_printed_date() -> None:
    parts = split_nik("5301014703100012")
    assert parts is not None
    assert [d.year for d in nik_birth_dates(parts)] == [1910, 2010]
    assert nik_birth_date_near(parts, dt.date(1910, 3, 1)) == dt.date(1910, 3, 7)
    assert nik_birth_date_near(parts, dt.date(2009, 1, 1)) == dt.date(2010, 3, 7)


@pytest.mark.parametrize(
    ("date", "placeholder"),
    [((1990, 7, 1), True), ((1990, 12, 31), True), ((1990, 1, 1), True), ((1990, 3, 15), True),
     ((1990, 3, 16), False)],
)  # fmt: skip
def test_placeholder_dates(date: tuple[int, int, int], placeholder: bool) -> None:
    assert (placeholder_birth_date(dt.date(*date)) is not None) is placeholder


def test_provinces_packaged() -> None:
    assert len(PROVINCES) == 38
    assert province_name("5371011703950012") == "Nusa Tenggara Timur"
    assert province_name("99") is None


def test_vocabulary_matching() -> None:
    assert match_vocab("religion", "KRlSTEN") is not None  # OCR slip
    assert match_vocab("religion", "JEDI") is None
    assert match_vocab("occupation", "PELAJAR / MAHASISWA") == ("PELAJAR/MAHASISWA", 100.0)
    assert match_vocab("blood_type", "AB") == ("AB", 100.0)
    assert canonical_marital_status("KAWIN TERCATAT") == "KAWIN TERCATAT"
    assert is_ever_married("CERAI MATI") is True
    assert is_ever_married("BELUM KAWIN") is False
    assert is_ever_married("???") is None
