"""Compose a correct MRZ from field values (ICAO 9303), the inverse of :func:`parse_mrz`.

Used by tests and by anyone who needs a genuine MRZ for synthetic documents: names are
transliterated only by dropping what is not A-Z (callers transliterate first), cut to the field
with the cut flagged by the field being full, and long TD1/TD2 document numbers continue in the
optional data as ICAO prescribes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from docscreen.mrz.checkdigit import check_digit
from docscreen.mrz.formats import MRVA, MRVB, TD1, TD2, TD3, get_format


@dataclass(frozen=True)
class MrzData:
    """Field values for :func:`compose_mrz` (upper case; codes without padding)."""

    document_type: str
    issuing_country: str
    document_number: str
    surname: str
    given_names: str
    nationality: str
    birth_date: dt.date | str  # a date, or six MRZ characters (e.g. "7408<<" for unknown parts)
    sex: str  # M, F, X or '<'
    expiry_date: dt.date | str
    optional_data_1: str = ""  # TD1 line 1, TD2, MRV; ignored for TD3
    optional_data_2: str = ""  # TD1 line 2
    personal_number: str = ""  # TD3


def _pad(text: str, length: int) -> str:
    return (text + "<" * length)[:length]


def _name_text(text: str) -> str:
    cleaned = "".join(c if "A" <= c <= "Z" else " " for c in text.upper())
    return "<".join(cleaned.split())


def name_field(surname: str, given_names: str, length: int) -> str:
    """Primary and secondary identifiers as printed in an MRZ name field of ``length``."""
    text = _name_text(surname)
    given = _name_text(given_names)
    if given:
        text += "<<" + given
    return _pad(text, length)


def _date(value: dt.date | str) -> str:
    return value.strftime("%y%m%d") if isinstance(value, dt.date) else _pad(value, 6)


def _digit(data: str) -> str:
    digit = check_digit(data)
    if digit is None:
        raise ValueError(f"not MRZ characters: {data!r}")
    return digit


def _document_number(number: str, optional: str, length: int) -> tuple[str, str, str]:
    """Field, check digit and optional data, continuing a long number into the optional data."""
    if len(number) <= 9:
        return _pad(number, 9), _digit(_pad(number, 9)), _pad(optional, length)
    rest = number[9:] + _digit(number) + "<" + optional
    if len(rest) > length + (0 if optional else 1):
        raise ValueError(f"document number {number!r} too long for the optional data")
    return number[:9], "<", _pad(rest, length)


def compose_mrz(fmt: str, data: MrzData) -> tuple[str, ...]:
    """The MRZ lines of ``data`` in format TD1, TD2, TD3, MRVA or MRVB, check digits included."""
    if fmt not in (TD1, TD2, TD3, MRVA, MRVB):
        raise ValueError(f"cannot compose format {fmt!r}")
    width = get_format(fmt).line_length
    code = _pad(data.document_type, 2)
    issuer = _pad(data.issuing_country, 3)
    nationality = _pad(data.nationality, 3)
    birth = _date(data.birth_date)
    expiry = _date(data.expiry_date)
    birth_part = birth + _digit(birth)
    expiry_part = expiry + _digit(expiry)
    if fmt == TD1:
        number, number_check, opt1 = _document_number(
            data.document_number, data.optional_data_1, 15
        )
        opt2 = _pad(data.optional_data_2, 11)
        composite = _digit(number + number_check + opt1 + birth_part + expiry_part + opt2)
        return (
            code + issuer + number + number_check + opt1,
            birth_part + _pad(data.sex, 1) + expiry_part + nationality + opt2 + composite,
            name_field(data.surname, data.given_names, 30),
        )
    line1 = code + issuer + name_field(data.surname, data.given_names, width - 5)
    if fmt in (MRVA, MRVB):
        number = _pad(data.document_number, 9)
        opt = _pad(data.optional_data_1, width - 28)
        head = number + _digit(number) + nationality + birth_part + _pad(data.sex, 1)
        return line1, head + expiry_part + opt
    if fmt == TD2:
        number, number_check, opt = _document_number(data.document_number, data.optional_data_1, 7)
    else:
        number = _pad(data.document_number, 9)
        number_check = _digit(number)
        personal = _pad(data.personal_number, 14)
        # ICAO: an empty personal number may have '<' or '0' as its check digit; '<' is used.
        opt = personal + ("<" if personal == "<" * 14 else _digit(personal))
    composite = _digit(number + number_check + birth_part + expiry_part + opt)
    head = number + number_check + nationality + birth_part + _pad(data.sex, 1)
    return line1, head + expiry_part + opt + composite
