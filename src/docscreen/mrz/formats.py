"""ICAO 9303 MRZ layouts: where each field and check digit sits in TD1, TD2, TD3, MRV-A, MRV-B.

Also the pre-2021 French national identity card (2 x 36, not an ICAO layout but printed in OCR-B and
common in reference data), under the format name ``FRENCH_NATIONAL_ID``; it is only chosen when a
2 x 36 MRZ starts ``IDFRA`` and its second line has no nationality where TD2 has one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

FieldKind = Literal[
    "doctype",  # document code: a letter, then a letter or '<'
    "country",  # three letters, '<'-padded
    "name",  # letters and '<' (primary/secondary identifier)
    "alnum",  # letters, digits, '<' (document number, optional data)
    "numeric",  # digits (dates; '<' only for unknown parts of a birth date)
    "sex",  # M, F, X or '<'
    "check",  # a check digit (digit; '<' for an empty field's check digit)
]

TD1, TD2, TD3, MRVA, MRVB = "TD1", "TD2", "TD3", "MRVA", "MRVB"
FRENCH_NATIONAL_ID = "FRENCH_NATIONAL_ID"

MRZ_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<")


@dataclass(frozen=True)
class FieldSpec:
    """One field: line index, [start, end) columns, alphabet kind, and per-column kinds if mixed."""

    name: str
    line: int
    start: int
    end: int
    kind: FieldKind
    layout: tuple[FieldKind, ...] = ()  # per-column kinds when the field mixes alphabets

    def kind_at(self, column: int) -> FieldKind:
        return self.layout[column - self.start] if self.layout else self.kind


@dataclass(frozen=True)
class Span:
    line: int
    start: int
    end: int


@dataclass(frozen=True)
class CheckSpec:
    """One check digit: the spans it covers, where it is printed, and the fields it covers."""

    name: str
    spans: tuple[Span, ...]
    line: int
    column: int
    covers: tuple[str, ...]

    def data(self, lines: Sequence[str]) -> str:
        return "".join(lines[s.line][s.start : s.end] for s in self.spans)


@dataclass(frozen=True)
class MrzFormat:
    name: str
    line_count: int
    line_length: int
    fields: tuple[FieldSpec, ...]
    checks: tuple[CheckSpec, ...]
    overflow: Span | None = None  # where a long document number continues (TD1/TD2)

    def field(self, name: str) -> FieldSpec:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def field_at(self, line: int, column: int) -> FieldSpec | None:
        for f in self.fields:
            if f.line == line and f.start <= column < f.end:
                return f
        return None

    def check_at(self, line: int, column: int) -> CheckSpec | None:
        for c in self.checks:
            if c.line == line and c.column == column:
                return c
        return None


def _f(name: str, line: int, start: int, end: int, kind: FieldKind) -> FieldSpec:
    return FieldSpec(name, line, start, end, kind)


def _line2_common(line: int) -> tuple[FieldSpec, ...]:
    """Document number to expiry date on the second line of TD2, TD3 and MRVs (same columns)."""
    return (
        _f("document_number", line, 0, 9, "alnum"),
        _f("document_number_check", line, 9, 10, "check"),
        _f("nationality", line, 10, 13, "country"),
        _f("birth_date", line, 13, 19, "numeric"),
        _f("birth_date_check", line, 19, 20, "check"),
        _f("sex", line, 20, 21, "sex"),
        _f("expiry_date", line, 21, 27, "numeric"),
        _f("expiry_date_check", line, 27, 28, "check"),
    )


def _line1_common(length: int) -> tuple[FieldSpec, ...]:
    return (
        _f("document_type", 0, 0, 2, "doctype"),
        _f("issuing_country", 0, 2, 5, "country"),
        _f("names", 0, 5, length, "name"),
    )


def _own_checks(line: int) -> tuple[CheckSpec, ...]:
    return (
        CheckSpec("document_number", (Span(line, 0, 9),), line, 9, ("document_number",)),
        CheckSpec("birth_date", (Span(line, 13, 19),), line, 19, ("birth_date",)),
        CheckSpec("expiry_date", (Span(line, 21, 27),), line, 27, ("expiry_date",)),
    )


_TD1 = MrzFormat(
    TD1,
    3,
    30,
    (
        _f("document_type", 0, 0, 2, "doctype"),
        _f("issuing_country", 0, 2, 5, "country"),
        _f("document_number", 0, 5, 14, "alnum"),
        _f("document_number_check", 0, 14, 15, "check"),
        _f("optional_data_1", 0, 15, 30, "alnum"),
        _f("birth_date", 1, 0, 6, "numeric"),
        _f("birth_date_check", 1, 6, 7, "check"),
        _f("sex", 1, 7, 8, "sex"),
        _f("expiry_date", 1, 8, 14, "numeric"),
        _f("expiry_date_check", 1, 14, 15, "check"),
        _f("nationality", 1, 15, 18, "country"),
        _f("optional_data_2", 1, 18, 29, "alnum"),
        _f("composite_check", 1, 29, 30, "check"),
        _f("names", 2, 0, 30, "name"),
    ),
    (
        CheckSpec("document_number", (Span(0, 5, 14),), 0, 14, ("document_number",)),
        CheckSpec("birth_date", (Span(1, 0, 6),), 1, 6, ("birth_date",)),
        CheckSpec("expiry_date", (Span(1, 8, 14),), 1, 14, ("expiry_date",)),
        CheckSpec(
            "composite",
            (Span(0, 5, 30), Span(1, 0, 7), Span(1, 8, 15), Span(1, 18, 29)),
            1,
            29,
            (
                "document_number",
                "optional_data_1",
                "birth_date",
                "expiry_date",
                "optional_data_2",
            ),
        ),
    ),
    overflow=Span(0, 15, 30),
)

_TD2 = MrzFormat(
    TD2,
    2,
    36,
    (
        *_line1_common(36),
        *_line2_common(1),
        _f("optional_data_1", 1, 28, 35, "alnum"),
        _f("composite_check", 1, 35, 36, "check"),
    ),
    (
        *_own_checks(1),
        CheckSpec(
            "composite",
            (Span(1, 0, 10), Span(1, 13, 20), Span(1, 21, 35)),
            1,
            35,
            ("document_number", "birth_date", "expiry_date", "optional_data_1"),
        ),
    ),
    overflow=Span(1, 28, 35),
)

_TD3 = MrzFormat(
    TD3,
    2,
    44,
    (
        *_line1_common(44),
        *_line2_common(1),
        _f("personal_number", 1, 28, 42, "alnum"),
        _f("personal_number_check", 1, 42, 43, "check"),
        _f("composite_check", 1, 43, 44, "check"),
    ),
    (
        *_own_checks(1),
        CheckSpec("personal_number", (Span(1, 28, 42),), 1, 42, ("personal_number",)),
        CheckSpec(
            "composite",
            (Span(1, 0, 10), Span(1, 13, 20), Span(1, 21, 43)),
            1,
            43,
            ("document_number", "birth_date", "expiry_date", "personal_number"),
        ),
    ),
)

_MRVA = MrzFormat(
    MRVA,
    2,
    44,
    (*_line1_common(44), *_line2_common(1), _f("optional_data_1", 1, 28, 44, "alnum")),
    _own_checks(1),
)

_MRVB = MrzFormat(
    MRVB,
    2,
    36,
    (*_line1_common(36), *_line2_common(1), _f("optional_data_1", 1, 28, 36, "alnum")),
    _own_checks(1),
)

# The French card's number is YYMM (issue), a three-character office/department code, then a
# five-digit sequence; knowing which columns are digits lets OCR repair fix 'I7I0' -> '1710'.
_FRENCH = MrzFormat(
    FRENCH_NATIONAL_ID,
    2,
    36,
    (
        _f("document_type", 0, 0, 2, "doctype"),
        _f("issuing_country", 0, 2, 5, "country"),
        _f("surname", 0, 5, 30, "name"),
        _f("optional_data_1", 0, 30, 36, "alnum"),
        FieldSpec(
            "document_number",
            1,
            0,
            12,
            "alnum",
            ("numeric",) * 4 + ("alnum",) * 3 + ("numeric",) * 5,
        ),
        _f("document_number_check", 1, 12, 13, "check"),
        _f("given_names", 1, 13, 27, "name"),
        _f("birth_date", 1, 27, 33, "numeric"),
        _f("birth_date_check", 1, 33, 34, "check"),
        _f("sex", 1, 34, 35, "sex"),
        _f("composite_check", 1, 35, 36, "check"),
    ),
    (
        CheckSpec("document_number", (Span(1, 0, 12),), 1, 12, ("document_number",)),
        CheckSpec("birth_date", (Span(1, 27, 33),), 1, 33, ("birth_date",)),
        CheckSpec(
            "composite",
            (Span(0, 0, 36), Span(1, 0, 35)),
            1,
            35,
            (
                "document_type",
                "issuing_country",
                "surname",
                "optional_data_1",
                "document_number",
                "given_names",
                "birth_date",
                "sex",
            ),
        ),
    ),
)

FORMATS: dict[str, MrzFormat] = {f.name: f for f in (_TD1, _TD2, _TD3, _MRVA, _MRVB, _FRENCH)}


def _looks_french(lines: Sequence[str]) -> bool:
    # TD2 prints the nationality (letters) in columns 10-12 of line 2; the French card prints
    # digits of its document number there.
    return lines[0].startswith("IDFRA") and not lines[1][10:13].isalpha()


def layout_for(line_count: int, line_length: int, first: str) -> str | None:
    """The format implied by a line count, a line length and the document code's first letter."""
    if line_count == 3 and line_length == 30:
        return TD1
    if line_count != 2:
        return None
    if line_length == 44:
        return MRVA if first == "V" else TD3
    if line_length == 36:
        return MRVB if first == "V" else TD2
    return None


def detect_format(lines: Sequence[str]) -> str | None:
    """The MRZ format of ``lines``, judged strictly by line count and lengths (None when neither).

    A first line starting with 'V' makes a 2-line MRZ a visa (MRV-A for 44, MRV-B for 36 columns).
    """
    if not lines or len({len(line) for line in lines}) != 1:
        return None
    name = layout_for(len(lines), len(lines[0]), lines[0][:1])
    if name == TD2 and _looks_french(lines):
        return FRENCH_NATIONAL_ID
    return name


def get_format(name: str) -> MrzFormat:
    return FORMATS[name]
