"""Layouts: every format tiles its lines exactly, and detection is strict about shape."""

from __future__ import annotations

import pytest

from docscreen.mrz.formats import FORMATS, detect_format

TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_fields_tile_every_line_exactly_once(name: str) -> None:
    fmt = FORMATS[name]
    for line in range(fmt.line_count):
        columns = sorted(c for f in fmt.fields if f.line == line for c in range(f.start, f.end))
        assert columns == list(range(fmt.line_length)), (name, line)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_every_check_digit_sits_in_a_check_field(name: str) -> None:
    fmt = FORMATS[name]
    for spec in fmt.checks:
        field = fmt.field_at(spec.line, spec.column)
        assert field is not None and field.kind == "check", (name, spec.name)
        for covered in spec.covers:
            fmt.field(covered)  # raises KeyError for a misspelt field


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (TD3, "TD3"),
        (("V" + TD3[0][1:], TD3[1]), "MRVA"),
        (("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6"), "TD2"),
        (("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L898902C<3UTO6908061F9406236ZE184226"), "MRVB"),
        (
            (
                "I<UTOD231458907<<<<<<<<<<<<<<<",
                "7408122F1204159UTO<<<<<<<<<<<6",
                "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
            ),
            "TD1",
        ),
        (
            ("IDFRABERTHIER<<<<<<<<<<<<<<<<<<<<<<<", "9409923102854CORINNE<<<<<<<6512068F4"),
            "FRENCH_NATIONAL_ID",
        ),
        ((TD3[0] + "<", TD3[1] + "<"), None),  # 45 columns
        ((TD3[0], TD3[1][:-1]), None),  # unequal lengths
        ((TD3[0],), None),
        ((), None),
    ],
)
def test_detect_format(lines: tuple[str, ...], expected: str | None) -> None:
    assert detect_format(lines) == expected
