"""parse_mrz on ICAO 9303 specimens and hand-made edge cases (no ../shared needed)."""

from __future__ import annotations

import datetime as dt

import pytest

from docscreen.mrz.dates import parse_date
from docscreen.mrz.parse import parse_mrz

TODAY = dt.date(2026, 1, 1)

# ICAO 9303 Part 4 specimen passport.
TD3 = (
    "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C36UTO7408122F1204159ZE184226B<<<<<10",
)
# ICAO 9303 Part 5 specimen card, and the same card with a 12-character document number.
TD1 = (
    "I<UTOD231458907<<<<<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<6",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)
TD1_LONG = (
    "I<UTOD23145890<1233<<<<<<<<<<<",
    "7408122F1204159UTO<<<<<<<<<<<2",
    "ERIKSSON<<ANNA<MARIA<<<<<<<<<<",
)
# ICAO 9303 Part 6 specimen.
TD2 = ("I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "D231458907UTO7408122F1204159<<<<<<<6")
# ICAO 9303 Part 7 specimens.
MRVA = (
    "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
    "L898902C<3UTO6908061F9406236ZE184226B<<<<<<<",
)
MRVB = ("V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<", "L898902C<3UTO6908061F9406236ZE184226")


def values(lines: tuple[str, ...]) -> dict[str, str]:
    return {k: f.value for k, f in parse_mrz(lines, today=TODAY).fields.items()}


def test_td3_specimen_fields_checks_and_coverage() -> None:
    r = parse_mrz(TD3, today=TODAY)
    assert (r.found, r.format, r.valid, r.lines) == (True, "TD3", True, TD3)
    assert r.checks == {
        "document_number": "valid",
        "birth_date": "valid",
        "expiry_date": "valid",
        "personal_number": "valid",
        "composite": "valid",
    }
    assert values(TD3) == {
        "document_type": "P",
        "issuing_country": "UTO",
        "document_number": "L898902C3",
        "nationality": "UTO",
        "birth_date": "1974-08-12",
        "expiry_date": "2012-04-15",
        "sex": "F",
        "personal_number": "ZE184226B",
        "surname": "ERIKSSON",
        "given_names": "ANNA MARIA",
    }
    f = r.fields
    assert (f["document_number"].check, f["document_number"].covered) == ("valid", True)
    assert (f["birth_date"].raw, f["birth_date"].check) == ("740812", "valid")
    # Name, sex and nationality are covered by no check digit: readers must not trust them blindly.
    for name in ("surname", "given_names", "sex", "nationality", "issuing_country"):
        assert (f[name].check, f[name].covered) == ("none", False), name
    assert f["issuing_country"].notes == ("specimen_country_code",)


def test_td3_wrong_personal_number_digit_breaks_composite_too() -> None:
    lines = (TD3[0], TD3[1][:42] + "2" + TD3[1][43:])
    r = parse_mrz(lines, today=TODAY)
    assert r.checks["personal_number"] == "invalid"
    assert r.checks["composite"] == "invalid"
    assert r.fields["personal_number"].check == "invalid"
    assert not r.valid
    assert r.lines == lines  # reported as printed


@pytest.mark.parametrize("digit", ["<", "0"])
def test_td3_empty_personal_number_check_may_be_filler_or_zero(digit: str) -> None:
    from docscreen.mrz.checkdigit import check_digit

    head = "L898902C36UTO7408122F1204159" + "<" * 14 + digit
    composite = check_digit(head[:10] + head[13:20] + head[21:43])
    assert composite is not None
    r = parse_mrz((TD3[0], head + composite), today=TODAY)
    assert r.checks["personal_number"] == "valid"
    assert r.valid
    assert r.fields["personal_number"].value == ""


def test_td1_specimen() -> None:
    r = parse_mrz(TD1, today=TODAY)
    assert (r.format, r.valid) == ("TD1", True)
    assert set(r.checks) == {"document_number", "birth_date", "expiry_date", "composite"}
    v = values(TD1)
    assert v["document_number"] == "D23145890"
    assert v["optional_data_1"] == "" and v["optional_data_2"] == ""
    assert (v["surname"], v["given_names"]) == ("ERIKSSON", "ANNA MARIA")
    # In TD1 the composite covers both optional data fields.
    assert r.fields["optional_data_1"].covered and r.fields["optional_data_2"].covered
    assert r.fields["optional_data_1"].check == "none"


def test_td1_long_document_number_continues_in_optional_data() -> None:
    r = parse_mrz(TD1_LONG, today=TODAY)
    assert r.valid
    doc = r.fields["document_number"]
    assert doc.value == "D23145890123"
    assert doc.check == "valid"
    assert "long_number_continued_in_optional_data" in doc.notes
    assert r.fields["optional_data_1"].value == ""
    # A wrong digit in the continuation is caught by the document-number check digit.
    bad = (TD1_LONG[0][:17] + "4" + TD1_LONG[0][18:], *TD1_LONG[1:])
    assert parse_mrz(bad, today=TODAY).checks["document_number"] == "invalid"


def test_td2_specimen_and_long_number() -> None:
    r = parse_mrz(TD2, today=TODAY)
    assert (r.format, r.valid) == ("TD2", True)
    assert values(TD2)["document_number"] == "D23145890"
    long = (TD2[0], "D23145890<UTO7408122F12041591233<<<4")
    r = parse_mrz(long, today=TODAY)
    assert r.valid
    assert r.fields["document_number"].value == "D23145890123"


@pytest.mark.parametrize(("lines", "fmt"), [(MRVA, "MRVA"), (MRVB, "MRVB")])
def test_visa_specimens_have_no_composite(lines: tuple[str, ...], fmt: str) -> None:
    r = parse_mrz(lines, today=TODAY)
    assert (r.format, r.valid) == (fmt, True)
    assert set(r.checks) == {"document_number", "birth_date", "expiry_date"}
    assert r.fields["document_number"].value == "L898902C"
    assert r.fields["birth_date"].value == "1969-08-06"
    # No composite on a visa: its optional data is covered by nothing.
    assert not r.fields["optional_data_1"].covered


def test_birth_century_never_in_future_and_expiry_in_2000s() -> None:
    assert parse_date("250101", "birth", dt.date(2026, 1, 1)).iso == "2025-01-01"
    assert parse_date("270101", "birth", dt.date(2026, 1, 1)).iso == "1927-01-01"
    assert parse_date("260102", "birth", dt.date(2026, 1, 1)).iso == "1926-01-02"
    assert parse_date("350101", "expiry", dt.date(2026, 1, 1)).iso == "2035-01-01"
    assert parse_date("120415", "expiry", dt.date(2026, 1, 1)).iso == "2012-04-15"
    # Only a 1900s expiry (long expired) goes back a century, so it cannot look valid until 2097.
    assert parse_date("970801", "expiry", dt.date(2026, 1, 1)).iso == "1997-08-01"


@pytest.mark.parametrize(
    ("raw", "problem"),
    [("740230", "not_a_date"), ("741301", "not_a_date"), ("74O812", "bad_characters")],
)
def test_impossible_dates(raw: str, problem: str) -> None:
    assert parse_date(raw, "birth", TODAY).problem == problem
    assert parse_date(raw, "birth", TODAY).date is None


def test_leap_day_birth_uses_a_century_where_it_exists() -> None:
    assert parse_date("000229", "birth", TODAY).iso == "2000-02-29"
    assert parse_date("680229", "birth", TODAY).iso == "1968-02-29"
    assert parse_date("010229", "birth", TODAY).date is None


def test_invalid_date_with_valid_check_digit_is_not_valid() -> None:
    from docscreen.mrz.checkdigit import check_digit

    birth = "741332"
    line = "L898902C36UTO" + birth + str(check_digit(birth)) + "F1204159ZE184226B<<<<<1"
    composite = check_digit(line[:10] + line[13:20] + line[21:43])
    r = parse_mrz((TD3[0], line + str(composite)), today=TODAY)
    assert all(v == "valid" for v in r.checks.values())
    assert not r.valid
    assert "birth_date:not_a_date" in r.notes
    assert r.fields["birth_date"].value == ""


def test_unknown_birth_day_and_month_fillers_are_allowed() -> None:
    parsed = parse_date("74<<<<", "birth", TODAY)
    assert parsed.date is None and parsed.problem == "unknown_parts"


def test_names_truncation_flagged_when_field_is_full() -> None:
    name = "P<UTO" + "VANDERSTEENHOVEN<<ALEXANDRA<MARIA<JOHANNA"[:39]
    assert len(name) == 44 and name[-1] != "<"
    r = parse_mrz((name, TD3[1]), today=TODAY)
    assert "truncated" in r.fields["given_names"].notes
    assert "truncated" not in r.fields["surname"].notes
    assert r.fields["given_names"].value == "ALEXANDRA MARIA JOHAN"
    assert "truncated" not in parse_mrz(TD3, today=TODAY).fields["given_names"].notes


def test_names_without_given_names_and_without_surname() -> None:
    only_surname = "P<UTO" + "ERIKSSON".ljust(39, "<")
    r = parse_mrz((only_surname, TD3[1]), today=TODAY)
    assert (r.fields["surname"].value, r.fields["given_names"].value) == ("ERIKSSON", "")
    only_given = "P<UTO" + "<<ANNA".ljust(39, "<")
    r = parse_mrz((only_given, TD3[1]), today=TODAY)
    assert (r.fields["surname"].value, r.fields["given_names"].value) == ("", "ANNA")


def test_germany_d_and_special_country_codes() -> None:
    lines = (
        "P<D<<MUSTERMANN<<ERIKA<<<<<<<<<<<<<<<<<<<<<<",
        "C01X0006H1D<<6408125F1710319<<<<<<<<<<<<<<<0",
    )
    r = parse_mrz(lines, today=TODAY)
    assert r.valid
    assert r.fields["issuing_country"].value == "D"
    assert r.fields["issuing_country"].raw == "D<<"
    assert r.fields["nationality"].notes == ()
    for code in ("XXA", "XXB", "XXC", "XXX", "UNO", "UNA", "UNK", "EUE", "GBD", "GBN", "GBO"):
        stateless = (lines[0], lines[1][:10] + code + lines[1][13:])
        assert parse_mrz(stateless, today=TODAY).fields["nationality"].notes == (), code


def test_unknown_country_code_is_a_note_not_invalidity() -> None:
    lines = (TD3[0], TD3[1][:10] + "132" + TD3[1][13:])
    r = parse_mrz(lines, today=TODAY)
    assert r.valid  # the nationality is covered by no check digit
    assert r.fields["nationality"].notes == ("unknown_country_code",)
    assert r.fields["nationality"].value == "132"


@pytest.mark.parametrize(("printed", "value"), [("M", "M"), ("F", "F"), ("X", "X"), ("<", "X")])
def test_sex_values(printed: str, value: str) -> None:
    lines = (TD3[0], TD3[1][:20] + printed + TD3[1][21:])
    r = parse_mrz(lines, today=TODAY)
    assert r.fields["sex"].value == value and r.valid


def test_bad_sex_and_foreign_letters_make_it_invalid() -> None:
    r = parse_mrz((TD3[0], TD3[1][:20] + "Q" + TD3[1][21:]), today=TODAY)
    assert not r.valid and "sex:bad_characters" in r.notes
    r = parse_mrz(("P<UTOERIKSSÖN" + TD3[0][13:], TD3[1]), today=TODAY)
    assert not r.valid and "characters_outside_mrz_alphabet" in r.notes
    assert "bad_characters" in r.fields["surname"].notes


def test_unparseable_shapes_are_not_found() -> None:
    r = parse_mrz((TD3[0] + "<", TD3[1] + "<"), today=TODAY)
    assert not r.found and r.format is None and not r.valid
    assert r.reason is not None and "45" in r.reason
    assert r.lines == (TD3[0] + "<", TD3[1] + "<")


def test_to_dict_has_the_cli_contract_keys() -> None:
    out = parse_mrz(TD3, today=TODAY).to_dict(file="x.png")
    assert {"file", "found", "format", "lines", "valid", "fields", "checks"} <= set(out)
    assert out["fields"]["birth_date"] == {
        "value": "1974-08-12",
        "raw": "740812",
        "check": "valid",
        "covered": True,
    }
