"""A minimal, position-based view of MRZ lines for the rules.

The rules read the printed lines themselves (``MrzResult.lines``) so that what they check does not
depend on how a reader chose to interpret or repair them.  Also builds an ``MrzResult`` from lines
for "perfect reader" documents (generator truth) when ``docscreen.mrz.parse`` is not available.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from docscreen.models import MrzField, MrzResult
from docscreen.mrz.checkdigit import check_digit, is_valid

_DIGIT_FIX = str.maketrans({"O": "0", "D": "0", "Q": "0", "I": "1", "L": "1", "Z": "2", "S": "5",
                            "B": "8", "G": "6"})  # fmt: skip


@dataclass(frozen=True)
class CheckResult:
    data: str
    digit: str
    valid: bool


@dataclass(frozen=True)
class MrzView:
    format: str
    lines: tuple[str, ...]
    document_code: str
    issuing_country: str
    document_number: str
    nationality: str
    birth_raw: str  # YYMMDD as printed
    expiry_raw: str
    sex: str
    surname: str
    given_names: str
    optional: str
    name_full: bool  # the name field has no filler left: truncation is possible
    checks: dict[str, CheckResult] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return bool(self.checks) and all(c.valid for c in self.checks.values())

    def birth_date(self, today: dt.date) -> dt.date | None:
        return yymmdd_to_date(self.birth_raw, today, past=True)

    def expiry_date(self) -> dt.date | None:
        return yymmdd_to_date(self.expiry_raw, None, past=False)


def detect_format(lines: tuple[str, ...]) -> str | None:
    lengths = [len(x) for x in lines]
    if len(lines) == 3 and all(n == 30 for n in lengths):
        return "TD1"
    if len(lines) == 2 and all(n == 44 for n in lengths):
        return "MRVA" if lines[0].startswith("V") else "TD3"
    if len(lines) == 2 and all(n == 36 for n in lengths):
        return "MRVB" if lines[0].startswith("V") else "TD2"
    return None


def yymmdd_to_date(raw: str, today: dt.date | None, *, past: bool) -> dt.date | None:
    digits = raw.translate(_DIGIT_FIX)
    if not re.fullmatch(r"\d{6}", digits):
        return None
    yy, mm, dd = int(digits[:2]), int(digits[2:4]), int(digits[4:])
    if past:
        ref = today or dt.date.today()
        year = 2000 + yy if 2000 + yy <= ref.year else 1900 + yy
    else:
        year = 2000 + yy
    try:
        d = dt.date(year, mm, dd)
    except ValueError:
        return None
    if past and today is not None and d > today:
        try:
            d = dt.date(year - 100, mm, dd)
        except ValueError:
            return None
    return d


def _check(data: str, digit: str) -> CheckResult:
    return CheckResult(data, digit, is_valid(data, digit))


def _names(text: str) -> tuple[str, str]:
    primary, _, secondary = text.partition("<<")
    return primary.replace("<", " ").strip(), secondary.replace("<", " ").strip()


def view(lines: tuple[str, ...] | list[str], fmt: str | None = None) -> MrzView | None:
    """The fields and check digits of printed MRZ lines, or None if the layout is unknown."""
    lines = tuple(x.strip().upper() for x in lines)
    fmt = fmt if fmt in {"TD1", "TD2", "TD3", "MRVA", "MRVB"} else detect_format(lines)
    if fmt is None:
        return None
    width = {"TD1": 30, "TD2": 36, "TD3": 44, "MRVA": 44, "MRVB": 36}[fmt]
    lines = tuple(x.ljust(width, "<")[:width] for x in lines)
    checks: dict[str, CheckResult] = {}
    if fmt == "TD1":
        if len(lines) != 3:
            return None
        l1, l2, l3 = lines
        number, number_cd, optional = l1[5:14], l1[14], l1[15:30]
        if number_cd == "<" and optional.strip("<"):
            # Long document number: it continues in the optional data, its digit last.
            rest = optional.split("<", 1)[0]
            number, number_cd = number + rest[:-1], rest[-1:]
        checks["number"] = _check(l1[5:14] if len(number) == 9 else number, number_cd)
        checks["birth"] = _check(l2[0:6], l2[6])
        checks["expiry"] = _check(l2[8:14], l2[14])
        checks["composite"] = _check(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29])
        surname, given = _names(l3)
        return MrzView(fmt, lines, l1[0:2], l1[2:5], number, l2[15:18], l2[0:6], l2[8:14],
                       l2[7], surname, given, optional + l2[18:29], not l3.endswith("<"),
                       checks)  # fmt: skip
    if len(lines) != 2:
        return None
    l1, l2 = lines
    surname, given = _names(l1[5:])
    checks["number"] = _check(l2[0:9], l2[9])
    checks["birth"] = _check(l2[13:19], l2[19])
    checks["expiry"] = _check(l2[21:27], l2[27])
    if fmt == "TD3":
        optional = l2[28:42]
        checks["optional"] = _check(optional, l2[42])
        checks["composite"] = _check(l2[0:10] + l2[13:20] + l2[21:43], l2[43])
    elif fmt == "TD2":
        optional = l2[28:35]
        checks["composite"] = _check(l2[0:10] + l2[13:20] + l2[21:35], l2[35])
    else:  # visas: no composite, optional data not checked
        optional = l2[28:]
    return MrzView(fmt, lines, l1[0:2], l1[2:5], l2[0:9], l2[10:13], l2[13:19], l2[21:27],
                   l2[20], surname, given, optional, not l1.endswith("<"), checks)  # fmt: skip


def mrz_result_from_lines(
    lines: list[str] | tuple[str, ...], today: dt.date | None = None
) -> MrzResult:
    """An ``MrzResult`` for lines known to be read exactly (generator truth, JSON input)."""
    v = view(lines)
    if v is None:
        return MrzResult(found=bool(lines), lines=tuple(lines), reason="unknown MRZ layout")
    today = today or dt.date.today()
    birth = v.birth_date(today)
    expiry = v.expiry_date()

    def f(name: str, value: str, raw: str, check: str = "none") -> MrzField:
        return MrzField(name, value, raw, check, covered=True)

    def state(key: str) -> str:
        c = v.checks.get(key)
        return "none" if c is None else ("valid" if c.valid else "invalid")

    fields = {
        "document_type": f("document_type", v.document_code.strip("<"), v.document_code),
        "issuing_country": f("issuing_country", v.issuing_country.strip("<"), v.issuing_country),
        "document_number": f(
            "document_number", v.document_number.strip("<"), v.document_number, state("number")
        ),
        "nationality": f("nationality", v.nationality.strip("<"), v.nationality),
        "birth_date": f(
            "birth_date", birth.isoformat() if birth else v.birth_raw, v.birth_raw, state("birth")
        ),
        "sex": f("sex", v.sex if v.sex in "MFX" else "", v.sex),
        "expiry_date": f(
            "expiry_date",
            expiry.isoformat() if expiry else v.expiry_raw,
            v.expiry_raw,
            state("expiry"),
        ),
        "surname": f("surname", v.surname, v.surname),
        "given_names": f("given_names", v.given_names, v.given_names),
    }
    checks = {k: ("valid" if c.valid else "invalid") for k, c in v.checks.items()}
    return MrzResult(
        found=True,
        format=v.format,
        lines=v.lines,
        valid=v.valid,
        fields=fields,
        checks=checks,
        confidence=1.0,
    )


def digit_of(data: str) -> str | None:
    return check_digit(data)
