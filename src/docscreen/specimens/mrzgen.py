"""Compose machine-readable zones (ICAO 9303 TD1, TD2, TD3, MRV-A, MRV-B) from field values.

Pure text; the check digits come from :mod:`docscreen.mrz.checkdigit`.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from docscreen.mrz.checkdigit import check_digit

# Line lengths per format.
LENGTHS: dict[str, int] = {"TD1": 30, "TD2": 36, "TD3": 44, "MRVA": 44, "MRVB": 36}


@dataclass(frozen=True)
class MrzData:
    format: str  # TD1 | TD2 | TD3 | MRVA | MRVB
    document_code: str  # "P", "I", "ID", "V"...
    issuing_country: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    birth_date: dt.date
    sex: str  # M | F | X
    expiry_date: dt.date
    optional_1: str = ""  # TD3 personal number; TD1/TD2 optional data (line 1 for TD1)
    optional_2: str = ""  # TD1 line-2 optional data


def _cd(text: str) -> str:
    digit = check_digit(text)
    if digit is None:
        raise ValueError(f"not MRZ text: {text!r}")
    return digit


def mrz_text(value: str) -> str:
    """Upper-case, transliterate accents, map separators to '<', drop anything else."""
    plain = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode().upper()
    out = []
    for ch in plain:
        if "A" <= ch <= "Z" or "0" <= ch <= "9":
            out.append(ch)
        elif ch in " -,<":
            out.append("<")
    return "".join(out)


def name_field(surname: str, given_names: str, width: int) -> str:
    primary = mrz_text(surname).strip("<")
    secondary = mrz_text(given_names).strip("<")
    text = primary + ("<<" + secondary if secondary else "")
    return text[:width].ljust(width, "<")


def pad(text: str, width: int) -> str:
    return mrz_text(text)[:width].ljust(width, "<")


def yymmdd(day: dt.date) -> str:
    return day.strftime("%y%m%d")


def compose(d: MrzData) -> list[str]:
    """The MRZ lines for ``d`` with correct check digits."""
    code = pad(d.document_code, 2)
    num = pad(d.document_number, 9)
    dob = yymmdd(d.birth_date)
    exp = yymmdd(d.expiry_date)
    sex = d.sex if d.sex in ("M", "F") else "<"
    if d.format == "TD3":
        personal = pad(d.optional_1, 14)
        personal_cd = _cd(personal) if personal.strip("<") else "<"
        line2 = f"{num}{_cd(num)}{pad(d.nationality, 3)}{dob}{_cd(dob)}{sex}{exp}{_cd(exp)}"
        line2 += personal + personal_cd
        composite = line2[0:10] + line2[13:20] + line2[21:43]
        line1 = code + pad(d.issuing_country, 3) + name_field(d.surname, d.given_names, 39)
        return [line1, line2 + _cd(composite)]
    if d.format == "TD1":
        line1 = code + pad(d.issuing_country, 3) + num + _cd(num) + pad(d.optional_1, 15)
        line2 = f"{dob}{_cd(dob)}{sex}{exp}{_cd(exp)}{pad(d.nationality, 3)}{pad(d.optional_2, 11)}"
        composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
        line3 = name_field(d.surname, d.given_names, 30)
        return [line1, line2 + _cd(composite), line3]
    if d.format == "TD2":
        line1 = code + pad(d.issuing_country, 3) + name_field(d.surname, d.given_names, 31)
        line2 = f"{num}{_cd(num)}{pad(d.nationality, 3)}{dob}{_cd(dob)}{sex}{exp}{_cd(exp)}"
        line2 += pad(d.optional_1, 7)
        composite = line2[0:10] + line2[13:20] + line2[21:35]
        return [line1, line2 + _cd(composite)]
    if d.format in ("MRVA", "MRVB"):
        width = LENGTHS[d.format]
        line1 = code + pad(d.issuing_country, 3) + name_field(d.surname, d.given_names, width - 5)
        line2 = f"{num}{_cd(num)}{pad(d.nationality, 3)}{dob}{_cd(dob)}{sex}{exp}{_cd(exp)}"
        line2 += pad(d.optional_1, width - 28)
        return [line1, line2]
    raise ValueError(f"unknown MRZ format {d.format!r}")


# Where each dated field sits in its line: (line index, start column) of the 6-digit date, so a
# forgery can edit it and (optionally) recompute its check digit at start + 6.
DATE_SPANS: dict[str, dict[str, tuple[int, int]]] = {
    "TD3": {"birth_date": (1, 13), "expiry_date": (1, 21)},
    "TD2": {"birth_date": (1, 13), "expiry_date": (1, 21)},
    "MRVA": {"birth_date": (1, 13), "expiry_date": (1, 21)},
    "MRVB": {"birth_date": (1, 13), "expiry_date": (1, 21)},
    "TD1": {"birth_date": (1, 0), "expiry_date": (1, 8)},
}


def recompute(fmt: str, lines: list[str]) -> list[str]:
    """Recompute every check digit of ``lines`` (used by the forger that 'knows' the algorithm)."""
    out = list(lines)
    if fmt == "TD1":
        l1, l2 = out[0], out[1]
        l1 = l1[:14] + _cd(l1[5:14]) + l1[15:]
        l2 = l2[:6] + _cd(l2[0:6]) + l2[7:14] + _cd(l2[8:14]) + l2[15:29]
        composite = l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29]
        out[0], out[1] = l1, l2 + _cd(composite)
        return out
    l2 = out[1]
    l2 = l2[:9] + _cd(l2[0:9]) + l2[10:19] + _cd(l2[13:19]) + l2[20:27] + _cd(l2[21:27]) + l2[28:]
    if fmt == "TD3":
        personal = l2[28:42]
        l2 = l2[:42] + (_cd(personal) if personal.strip("<") else "<") + l2[43:]
        l2 = l2[:43] + _cd(l2[0:10] + l2[13:20] + l2[21:43])
    elif fmt == "TD2":
        l2 = l2[:35] + _cd(l2[0:10] + l2[13:20] + l2[21:35])
    out[1] = l2
    return out
