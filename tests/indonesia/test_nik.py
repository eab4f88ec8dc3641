import datetime as dt

import pytest

from docscreen.indonesia.nik import build_nik, parse_nik


def test_build_and_parse_roundtrip_for_women_adds_forty() -> None:
    nik = build_nik("530101", dt.date(2009, 3, 7), "F", 12)
    assert nik == "5301014703090012"
    parts = parse_nik(nik)
    assert parts is not None
    assert (parts.sex, parts.day, parts.month, parts.year2) == ("F", 7, 3, 9)
    assert parts.birth_date(today=dt.date(2026, 1, 1)) == dt.date(2009, 3, 7)
    assert parts.province == "53" and parts.district == "530101"


@pytest.mark.parametrize(
    "bad", ["", "12345", "530101470309001X", "5301017213090012", "5301010703090000"]
)
def test_invalid_niks_return_none(bad: str) -> None:
    assert parse_nik(bad) is None


def test_build_rejects_bad_inputs() -> None:
    with pytest.raises(ValueError, match="6 digits"):
        build_nik("53", dt.date(2000, 1, 1), "M", 1)
