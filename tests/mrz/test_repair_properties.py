"""Property tests: compose a valid MRZ from random fields, then parse, corrupt and repair it."""

from __future__ import annotations

import datetime as dt
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docscreen.mrz.compose import MrzData, compose_mrz
from docscreen.mrz.formats import get_format
from docscreen.mrz.parse import parse_mrz
from docscreen.mrz.repair import repair_lines

TODAY = dt.date(2026, 1, 1)
LOOKALIKE = {"0": "O", "1": "I", "2": "Z", "4": "A", "5": "S", "6": "G", "7": "T", "8": "B"}
ALNUM = string.ascii_uppercase + string.digits

SETTINGS = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])

words = st.text(string.ascii_uppercase, min_size=1, max_size=6)
names = st.lists(words, min_size=1, max_size=2).map(" ".join)
countries = st.sampled_from(["IDN", "UTO", "D", "XXA", "GBR", "MYS", "TLS", "AUS", "UNO"])
# Optional data with at least one digit, so it never looks like a stray filler letter.
optional = st.one_of(
    st.just(""),
    st.tuples(st.text(ALNUM, min_size=2, max_size=6), st.sampled_from(string.digits)).map("".join),
)


@st.composite
def mrz_cases(draw: st.DrawFn) -> tuple[str, MrzData]:
    fmt = draw(st.sampled_from(["TD1", "TD2", "TD3", "MRVA", "MRVB"]))
    first = {"TD1": "IAC", "TD2": "IAC", "TD3": "P", "MRVA": "V", "MRVB": "V"}[fmt]
    code = draw(st.sampled_from(first)) + draw(st.sampled_from("<" + string.ascii_uppercase))
    long_ok = fmt in ("TD1", "TD2")
    number = draw(st.text(ALNUM, min_size=6, max_size=12 if long_ok else 9))
    opt = draw(optional)
    if fmt == "TD2" and len(number) > 9:
        opt = ""
    data = MrzData(
        document_type=code,
        issuing_country=draw(countries),
        document_number=number,
        surname=draw(names),
        given_names=draw(names),
        nationality=draw(countries),
        birth_date=draw(st.dates(dt.date(1930, 1, 1), dt.date(2025, 12, 31))),
        sex=draw(st.sampled_from("MFX<")),
        expiry_date=draw(st.dates(dt.date(2000, 1, 1), dt.date(2070, 12, 31))),
        optional_data_1=opt,
        optional_data_2=draw(optional) if fmt == "TD1" else "",
        personal_number=draw(optional) if fmt == "TD3" else "",
    )
    return fmt, data


def _digit_cells(
    fmt_name: str, lines: tuple[str, ...], wanted: set[str], *, with_number: bool = False
) -> list[tuple[int, int]]:
    """Cells of digit-only fields (dates, check digits), plus the document number if asked."""
    fmt = get_format(fmt_name)
    return [
        (f.line, c)
        for f in fmt.fields
        if f.kind in ("numeric", "check") or (with_number and f.name == "document_number")
        for c in range(f.start, f.end)
        if lines[f.line][c] in wanted
    ]


def _replace(lines: tuple[str, ...], line: int, col: int, ch: str) -> tuple[str, ...]:
    out = list(lines)
    out[line] = out[line][:col] + ch + out[line][col + 1 :]
    return tuple(out)


@SETTINGS
@given(mrz_cases())
def test_composed_mrz_parses_back_to_its_fields(case: tuple[str, MrzData]) -> None:
    fmt, data = case
    lines = compose_mrz(fmt, data)
    r = parse_mrz(lines, today=TODAY)
    assert (r.format, r.valid) == (fmt, True), (lines, r.checks, r.notes)
    v = {k: f.value for k, f in r.fields.items()}
    assert v["document_type"] == data.document_type.rstrip("<")
    assert v["document_number"] == data.document_number
    assert v["issuing_country"] == data.issuing_country
    assert v["nationality"] == data.nationality
    assert v["surname"] == data.surname
    assert v["given_names"] == data.given_names
    assert v["birth_date"] == str(data.birth_date)
    assert v["expiry_date"] == str(data.expiry_date)
    assert v["sex"] == {"<": "X"}.get(data.sex, data.sex)
    if fmt == "TD3":
        assert v["personal_number"] == data.personal_number
    else:
        assert v["optional_data_1"] == data.optional_data_1
    if fmt == "TD1":
        assert v["optional_data_2"] == data.optional_data_2
    # A correct MRZ needs no repair.
    repaired = repair_lines(lines)
    assert (repaired.lines, repaired.repairs, repaired.format) == (lines, (), fmt)


@SETTINGS
@given(mrz_cases(), st.data())
def test_digit_read_as_lookalike_letter_is_restored(
    case: tuple[str, MrzData], data: st.DataObject
) -> None:
    fmt, mrz = case
    lines = compose_mrz(fmt, mrz)
    cells = _digit_cells(fmt, lines, set(LOOKALIKE))
    line, col = data.draw(st.sampled_from(cells))
    noisy = _replace(lines, line, col, LOOKALIKE[lines[line][col]])
    repaired = repair_lines(noisy)
    assert repaired.lines == lines
    assert [(x.line, x.column, x.used) for x in repaired.repairs] == [(line, col, lines[line][col])]


@SETTINGS
@given(mrz_cases(), st.data())
def test_confidently_read_wrong_digit_stays_invalid(
    case: tuple[str, MrzData], data: st.DataObject
) -> None:
    fmt, mrz = case
    lines = compose_mrz(fmt, mrz)
    cells = _digit_cells(fmt, lines, set(string.digits), with_number=True)
    line, col = data.draw(st.sampled_from(cells))
    other = data.draw(st.sampled_from([d for d in string.digits if d != lines[line][col]]))
    forged = _replace(lines, line, col, other)
    assert not parse_mrz(forged, today=TODAY).valid
    sure = [[[(c, 0.995), ("<", 0.004)] for c in text] for text in forged]
    for cands in (None, sure):
        repaired = repair_lines(forged, cands)
        assert repaired.lines == forged
        assert not parse_mrz(repaired.lines, today=TODAY).valid


@SETTINGS
@given(mrz_cases(), st.data())
def test_unsure_wrong_digit_is_restored_from_the_runner_up(
    case: tuple[str, MrzData], data: st.DataObject
) -> None:
    fmt, mrz = case
    lines = compose_mrz(fmt, mrz)
    line, col = data.draw(st.sampled_from(_digit_cells(fmt, lines, set(string.digits))))
    right = lines[line][col]
    wrong = data.draw(st.sampled_from([d for d in string.digits if d != right]))
    misread = _replace(lines, line, col, wrong)
    cands = [[[(c, 0.995), ("<", 0.004)] for c in text] for text in misread]
    cands[line][col] = [(wrong, 0.5), (right, 0.45)]
    assert repair_lines(misread, cands).lines == lines
