"""Parse and validate MRZ text (no image work here): fields, check digits, coverage, notes.

``parse_mrz`` reports what is printed.  It never corrects anything: OCR repair is a separate step
(:mod:`docscreen.mrz.repair`) whose changes are reported on their own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from docscreen.models import MrzField, MrzResult
from docscreen.mrz import countries
from docscreen.mrz.checkdigit import is_valid
from docscreen.mrz.dates import DateKind, parse_date
from docscreen.mrz.fields import (
    SEX_VALUES,
    DocumentNumber,
    document_number,
    document_type_ok,
    split_names,
    strip_fillers,
    words,
)
from docscreen.mrz.formats import (
    FRENCH_NATIONAL_ID,
    MRZ_ALPHABET,
    CheckSpec,
    MrzFormat,
    detect_format,
    get_format,
)

__all__ = ["check_ok", "check_positions", "detect_format", "parse_mrz"]

_COUNTRY_NOTES = {
    "unknown": "unknown_country_code",
    "specimen": "specimen_country_code",
    "historical": "historical_country_code",
    "non_standard": "non_standard_country_code",
}


def _slice(lines: Sequence[str], fmt: MrzFormat, name: str) -> str:
    f = fmt.field(name)
    return lines[f.line][f.start : f.end]


def _has_field(fmt: MrzFormat, name: str) -> bool:
    return any(f.name == name for f in fmt.fields)


def check_ok(fmt: MrzFormat, lines: Sequence[str], spec: CheckSpec) -> bool:
    """Whether one check digit of ``lines`` (already of ``fmt``'s shape) is right."""
    if spec.name == "document_number":
        number = _document_number(fmt, lines)
        return any(is_valid(data, number.check_digit) for data in number.check_data)
    return _digit_ok(spec, spec.data(lines), lines[spec.line][spec.column])


def check_positions(fmt: MrzFormat, lines: Sequence[str], spec: CheckSpec) -> list[tuple[int, int]]:
    """The (line, column) cells one check digit depends on, its own cell included."""
    cells = [(s.line, c) for s in spec.spans for c in range(s.start, s.end)]
    if spec.name == "document_number" and fmt.overflow is not None:
        number = _document_number(fmt, lines)
        if number.overflow:
            ov = fmt.overflow
            return [*cells, (spec.line, spec.column)] + [
                (ov.line, ov.start + i) for i in range(len(number.overflow))
            ]
    return [*cells, (spec.line, spec.column)]


def _document_number(fmt: MrzFormat, lines: Sequence[str]) -> DocumentNumber:
    f = fmt.field("document_number")
    optional = None
    if fmt.overflow is not None:
        ov = fmt.overflow
        optional = lines[ov.line][ov.start : ov.end]
    return document_number(lines[f.line][f.start : f.end], lines[f.line][f.end], optional)


def _check_results(
    lines: Sequence[str], fmt: MrzFormat
) -> tuple[dict[str, str], dict[str, str], str | None]:
    """Check-digit statuses, plus the document number (value, raw) and the rest of the optional
    data when the number overflowed into it (None otherwise)."""
    checks: dict[str, str] = {}
    number = _document_number(fmt, lines)
    for spec in fmt.checks:
        checks[spec.name] = "valid" if check_ok(fmt, lines, spec) else "invalid"
    overflow_rest = number.rest if number.overflow else None
    return checks, {"value": number.value, "raw": number.raw}, overflow_rest


def _digit_ok(spec: CheckSpec, data: str, digit: str) -> bool:
    if digit == "<" and spec.name == "composite":
        return False  # the composite always has a digit: it covers the document number
    return is_valid(data, digit)


def _country_field(name: str, raw: str) -> MrzField:
    info = countries.classify(raw)
    field_notes: tuple[str, ...] = ()
    if info.kind in _COUNTRY_NOTES:
        field_notes = (_COUNTRY_NOTES[info.kind],)
    return MrzField(name, info.code, raw, notes=field_notes)


def parse_mrz(lines: Sequence[str], *, today: dt.date | None = None) -> MrzResult:
    """Parse MRZ lines exactly as given.

    ``found`` is False (with a ``reason``) when the lines fit no known layout; otherwise every
    field is reported with its printed text, interpreted value, check-digit status and coverage,
    ``checks`` has one entry per check digit, and ``valid`` is True only when every check digit
    is right and the text is well formed (MRZ alphabet only, real dates, a sex code, a document
    code).  Country codes do not affect ``valid``: an unknown one is a note on its field.
    """
    given = tuple(lines)
    name = detect_format(given)
    if name is None:
        shape = ", ".join(str(len(line)) for line in given) or "no lines"
        return MrzResult(
            found=False,
            lines=given,
            reason=f"lines fit no MRZ format (lengths: {shape})",
        )
    fmt = get_format(name)
    today = today or dt.date.today()
    notes: list[str] = []
    if any(c not in MRZ_ALPHABET for line in given for c in line):
        notes.append("characters_outside_mrz_alphabet")

    checks, doc, overflow_rest = _check_results(given, fmt)
    covered = {field for spec in fmt.checks for field in spec.covers}
    own = {spec.name: checks[spec.name] for spec in fmt.checks if spec.name != "composite"}

    fields: dict[str, MrzField] = {}

    def add(field: MrzField) -> None:
        fields[field.name] = MrzField(
            field.name,
            field.value,
            field.raw,
            check=own.get(field.name, "none"),
            covered=field.name in covered,
            notes=field.notes,
        )

    doc_type = _slice(given, fmt, "document_type")
    if not document_type_ok(doc_type):
        notes.append("document_type:bad_characters")
    add(MrzField("document_type", doc_type.rstrip("<"), doc_type))
    add(_country_field("issuing_country", _slice(given, fmt, "issuing_country")))
    add(
        MrzField(
            "document_number",
            doc["value"],
            doc["raw"],
            notes=("long_number_continued_in_optional_data",) if overflow_rest is not None else (),
        )
    )
    if _has_field(fmt, "nationality"):
        add(_country_field("nationality", _slice(given, fmt, "nationality")))

    date_kinds: tuple[tuple[str, DateKind], ...] = (("birth_date", "birth"),)
    if _has_field(fmt, "expiry_date"):
        date_kinds += (("expiry_date", "expiry"),)
    for field_name, kind in date_kinds:
        raw = _slice(given, fmt, field_name)
        parsed = parse_date(raw, kind, today)
        if parsed.problem is not None and parsed.problem != "unknown_parts":
            notes.append(f"{field_name}:{parsed.problem}")
        problem_notes = (parsed.problem,) if parsed.problem else ()
        add(MrzField(field_name, parsed.iso, raw, notes=problem_notes))

    sex_raw = _slice(given, fmt, "sex")
    sex = SEX_VALUES.get(sex_raw)
    if sex is None:
        notes.append("sex:bad_characters")
    add(MrzField("sex", sex or "", sex_raw, notes=() if sex else ("bad_characters",)))

    for opt in ("optional_data_1", "optional_data_2", "personal_number"):
        if not _has_field(fmt, opt):
            continue
        raw = _slice(given, fmt, opt)
        value = strip_fillers(raw)
        if opt == "optional_data_1" and overflow_rest is not None:
            value = strip_fillers(overflow_rest)
        add(MrzField(opt, value, raw))

    if fmt.name == FRENCH_NATIONAL_ID:
        _add_french_names(given, fmt, add, notes)
    else:
        raw_names = _slice(given, fmt, "names")
        names = split_names(raw_names)
        if names.bad_characters:
            notes.append("names:bad_characters")
        name_notes = ("bad_characters",) if names.bad_characters else ()
        last = "given_names" if names.given_names or "<<" in raw_names else "surname"
        for part, value in (("surname", names.surname), ("given_names", names.given_names)):
            part_notes = name_notes + (("truncated",) if names.truncated and part == last else ())
            add(MrzField(part, value, raw_names, notes=part_notes))

    valid = not notes and all(v == "valid" for v in checks.values())
    return MrzResult(
        found=True,
        format=fmt.name,
        lines=given,
        valid=valid,
        fields=fields,
        checks=checks,
        notes=tuple(notes),
    )


def _add_french_names(
    lines: Sequence[str],
    fmt: MrzFormat,
    add: Callable[[MrzField], None],
    notes: list[str],
) -> None:
    for part in ("surname", "given_names"):
        raw = _slice(lines, fmt, part)
        # The French card prints surname and given names in separate fields, each cut at its end.
        bad = any(c not in MRZ_ALPHABET or c.isdigit() for c in raw)
        if bad:
            notes.append(f"{part}:bad_characters")
        part_notes = (("bad_characters",) if bad else ()) + (
            ("truncated",) if raw[-1:] not in ("", "<") else ()
        )
        add(MrzField(part, words(raw), raw, notes=part_notes))
