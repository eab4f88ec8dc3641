"""One-character slips of the reader, names cut short, a word of a place name, a date read into two
fields, a number line read as a name, and PP-11 alone: reading defects are withheld with the reason,
while the same differences read confidently, and the differences forgers make, still fail."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from docscreen.checks.context import Thresholds
from docscreen.checks.engine import run_rules
from docscreen.checks.policy import decide, policy_from_dict
from docscreen.checks.reading import one_char_apart, trusted
from docscreen.indonesia.nik import build_nik
from docscreen.indonesia.regions import RegionTable, read_region_table
from docscreen.models import Document, Finding, Risk, ScreeningContext, Severity, Status

from .builders import TODAY, ktp, passport, rule_input, td3, write_regions


def conf(doc: Document, name: str, confidence: float) -> Document:
    fields = dict(doc.fields)
    fields[name] = replace(fields[name], confidence=confidence)
    return replace(doc, fields=fields)


def found(*docs: Document, regions: RegionTable | None = None) -> dict[str, Finding]:
    return {f.code: f for f in run_rules(rule_input(list(docs), regions=regions))}


def test_one_char_apart() -> None:
    assert one_char_apart("C8882102", "C8882192")
    assert one_char_apart("950517", "950518")
    assert one_char_apart("PUT", "PUTI")
    assert not one_char_apart("950517", "960618")
    assert not one_char_apart("950517", "950517")


# --- MRZ versus printed ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "confidence", "status"),
    [
        ("1995-05-18", 0.6, Status.NOT_PERFORMED),  # one digit, read unsure: a slip
        ("1995-05-18", 0.0, Status.NOT_PERFORMED),  # one digit, a look without a confidence
        ("1995-05-18", 0.95, Status.FAIL),  # one digit, read confidently: reported
        ("1998-06-29", 0.6, Status.FAIL),  # years and days changed (a forger's edit): reported
    ],
)
def test_printed_birth_date_one_digit_from_the_mrz(
    printed: str, confidence: float, status: Status
) -> None:
    f = found(conf(passport(birth_date=printed), "birth_date", confidence))
    assert f["MRZ-VIZ-BIRTH"].status is status
    assert f["PP-03"].status is (Status.FAIL if status is Status.FAIL else Status.PASS)
    if status is Status.NOT_PERFORMED:
        assert "one character" in f["MRZ-VIZ-BIRTH"].explanation


def test_printed_number_one_character_from_the_mrz() -> None:
    unsure = found(conf(passport(document_number="C1234597"), "document_number", 0.88))
    assert unsure["MRZ-VIZ-NUMBER"].status is Status.NOT_PERFORMED
    sure = found(conf(passport(document_number="C1234597"), "document_number", 0.97))
    assert sure["MRZ-VIZ-NUMBER"].status is Status.FAIL
    other = found(conf(passport(document_number="B7654321"), "document_number", 0.88))
    assert other["MRZ-VIZ-NUMBER"].status is Status.FAIL


def test_one_date_read_into_two_fields_is_withheld() -> None:
    # The issue date read into the expiry field: 2023 vs the MRZ's 2033 is one digit, but the
    # reading is known bad whatever its confidence.
    doc = passport(expiry_date="2023-01-09")
    seen = trusted(doc, Thresholds())
    assert seen.value("expiry_date") is None and seen.value("issue_date") is None
    f = found(doc)
    assert f["MRZ-VIZ-EXPIRY"].status is Status.NOT_PERFORMED
    assert f["PP-03"].status is Status.PASS
    # Two different dates are kept.
    assert trusted(passport(), Thresholds()).value("expiry_date") == "2033-01-09"


# --- passport versus KTP -----------------------------------------------------------------------


def test_ktp_birth_date_one_digit_off_read_unsure_is_not_a_cross_document_fault() -> None:
    k = conf(ktp(birth_date="17-05-1996"), "birth_date", 0.7)
    f = found(passport(), k)
    for code in ("PP-06", "PP-06b", "KTP-02", "KTP-02b"):
        assert f[code].status is Status.NOT_PERFORMED, code
    sure = found(passport(), conf(ktp(birth_date="17-05-1996"), "birth_date", 0.96))
    assert sure["PP-06"].status is Status.FAIL and sure["KTP-02"].status is Status.FAIL


def test_one_digit_across_18_read_unsure_is_not_an_alert() -> None:
    # Born 5 June 2008 (17 on the screening day); the photocopied KTP read 5 May (18).
    birth = dt.date(2008, 6, 5)
    nik = build_nik("537101", birth, "M", 12)
    expiry = dt.date(2028, 1, 9)  # a minor's 5-year passport
    pp = passport(td3(birth=birth, expiry=expiry), birth_date=birth.isoformat(),
                  expiry_date=expiry.isoformat())  # fmt: skip
    k = conf(ktp(birth_date="05-05-2008", nik=nik, issue_date="2025-07-01"), "birth_date", 0.75)
    findings = run_rules(rule_input([pp, k]))
    by_code = {f.code: f for f in findings}
    assert by_code["PP-06b"].status is Status.NOT_PERFORMED
    assert decide(findings).risk is not Risk.ALERT
    # Read confidently, the same difference is the alert it should be.
    k_sure = replace(
        k, fields={**k.fields, "birth_date": replace(k.fields["birth_date"], confidence=0.97)}
    )
    findings = run_rules(rule_input([pp, k_sure]))
    assert {f.code: f for f in findings}["PP-06b"].status is Status.FAIL
    assert decide(findings).risk is Risk.ALERT


def test_age_crossing_forgery_read_unsure_still_alerts() -> None:
    # The passport of a 15-year-old, the KTP (NIK and print, consistent) made 18+: years apart.
    birth, claimed = dt.date(2011, 3, 4), dt.date(2007, 11, 20)
    pp = passport(td3(birth=birth), birth_date=birth.isoformat())
    k = ktp(birth_date=claimed.strftime("%d-%m-%Y"), nik=build_nik("537101", claimed, "M", 12))
    findings = run_rules(rule_input([pp, conf(k, "birth_date", 0.5)]))
    assert {f.code: f for f in findings}["PP-06b"].status is Status.FAIL
    assert decide(findings).risk is Risk.ALERT


def test_number_line_read_as_the_ktp_name_is_not_another_person() -> None:
    k = conf(ktp(full_name="153210224 EDS", birth_date="17-05-1996"), "birth_date", 0.6)
    assert trusted(k, Thresholds()).value("full_name") is None
    findings = run_rules(rule_input([passport(), k]))
    f = {x.code: x for x in findings}
    assert f["PP-08"].status is Status.NOT_PERFORMED
    assert f["BUNDLE-01"].status is not Status.FAIL
    assert decide(findings).risk is Risk.CLEAR


def test_different_people_one_birth_digit_apart_read_unsure() -> None:
    k = conf(ktp(full_name="SITI AMINAH", birth_date="17-05-1996"), "birth_date", 0.6)
    assert found(passport(), k)["BUNDLE-01"].status is Status.NOT_PERFORMED
    k = conf(ktp(full_name="SITI AMINAH", birth_date="17-05-1996"), "birth_date", 0.97)
    assert found(passport(), k)["BUNDLE-01"].status is Status.FAIL
    k = conf(ktp(full_name="SITI AMINAH", birth_date="02-11-1990"), "birth_date", 0.6)
    assert found(passport(), k)["BUNDLE-01"].status is Status.FAIL


# --- names cut short ----------------------------------------------------------------------------


def test_name_tokens_cut_short_are_a_prefix_not_another_name() -> None:
    pp = passport(td3(surname="HARTATI", given="PUTI SEPTI"), full_name="PUTI SEPTI HARTATI")
    k = ktp(full_name="PUT SEPT HARTAT")
    f = found(pp, k)
    assert f["PP-08"].status is Status.PASS
    assert f["BUNDLE-01"].status is Status.PASS
    # The printed passport name lost the last letter of ELI: the MRZ still agrees.
    pp = passport(td3(surname="SURYANI", given="ELI"), full_name="EL SURYANI")
    assert found(pp)["MRZ-VIZ-NAME"].status is Status.PASS


def test_another_name_still_fails() -> None:
    pp = passport(td3(surname="HARTATI", given="PUTI SEPTI"), full_name="PUTI SEPTI HARTATI")
    f = found(pp, ktp(full_name="SITI AMINAH"))
    assert f["PP-08"].status is Status.FAIL and f["PP-08"].severity is Severity.HIGH
    # A token that keeps only its start (ASTUTI of ASTUTIK is cut; ASTU of ASTUTI is not).
    f = found(pp, ktp(full_name="PUTRA SEPTI HARTATI"))
    assert f["PP-08"].status is Status.FAIL
    # One letter lost at the end is a cut; another given name is not.
    assert found(passport(full_name="YOHANE NDUN"))["MRZ-VIZ-NAME"].status is Status.PASS
    assert found(passport(full_name="MARKUS NDUN"))["MRZ-VIZ-NAME"].status is Status.FAIL


# --- a word of a place name ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def regions_with_barat(tmp_path_factory: pytest.TempPathFactory) -> RegionTable:
    path = write_regions(tmp_path_factory.mktemp("regions_barat"))
    with path.open("a", encoding="utf-8") as fh:
        fh.write(
            "530105,Semau Barat,district\n3520,Kabupaten Magetan,regency\n352012,Barat,district\n"
        )
    return read_region_table(path)


def test_one_word_of_a_district_name_is_a_partial_reading(regions_with_barat: RegionTable) -> None:
    k = ktp(regency="KABUPATEN KUPANG", district="BARAT", village=None)
    f = found(k, regions=regions_with_barat)["KTP-03"]
    assert f.status is Status.PASS and "read in part" in " ".join(f.evidence["chain"])
    # A district of another regency is still an impossible address.
    k = ktp(regency="KABUPATEN KUPANG", district="ALAK", village=None)
    assert found(k, regions=regions_with_barat)["KTP-03"].status is Status.FAIL


# --- PP-11 ---------------------------------------------------------------------------------------


def test_passport_just_after_the_ktp_alone_is_informative() -> None:
    k = ktp(issue_date="2022-11-20")  # the passport was issued 2023-01-09: 50 days later
    findings = run_rules(rule_input([passport(), k]))
    pp11 = next(f for f in findings if f.code == "PP-11")
    assert pp11.status is Status.FAIL and pp11.severity is Severity.LOW
    assert decide(findings).risk is Risk.CLEAR
    # A post that wants it to raise REVIEW says so in its policy file.
    policy = policy_from_dict({"severity": {"PP-11": "MEDIUM"}})
    findings = run_rules(rule_input([passport(), k]), policy)
    assert decide(findings, policy).risk is Risk.REVIEW


def test_passport_just_after_the_ktp_and_issued_elsewhere(tmp_path: Path) -> None:
    regions = read_region_table(write_regions(tmp_path))
    pp = passport(issuing_office="SURABAYA")
    k = ktp(issue_date="2022-11-20")
    inp = rule_input([pp, k], ScreeningContext(screening_date=TODAY), regions)
    f = {x.code: x for x in run_rules(inp)}
    assert f["PP-10"].status is Status.FAIL
    assert f["PP-11"].status is Status.FAIL and f["PP-11"].severity is Severity.MEDIUM


def test_a_layout_word_in_a_name_is_another_line() -> None:
    # The nationality line read as the printed name: not a name, withheld.
    pp = passport(full_name="LIM INDONESIA")
    assert trusted(pp, Thresholds()).value("full_name") is None
    f = found(pp)
    assert f["MRZ-VIZ-NAME"].status is Status.NOT_PERFORMED
    assert f["PP-03"].status is Status.PASS


def test_a_name_read_in_part_is_not_a_shorter_name_unless_read_confidently() -> None:
    pp = passport(td3(surname="HUTASOIT", given="PRABU OPUNG"), full_name="PRABU OPUNG HUTASOIT")
    unsure = conf(ktp(full_name="PRABU"), "full_name", 0.86)
    f = found(pp, unsure)["PP-08"]
    assert f.status is Status.NOT_PERFORMED and "incompletely" in f.explanation
    sure = conf(ktp(full_name="PRABU"), "full_name", 0.97)
    assert found(pp, sure)["PP-08"].status is Status.FAIL


def test_mrz_name_decides_when_the_printed_name_is_debris() -> None:
    # The passport's printed name came out as debris; its MRZ says YOHANES NDUN; the KTP names
    # someone else: a name swap, not a misreading.
    pp = passport(full_name="DX TR")
    f = found(pp, ktp(full_name="SITI AMINAH"))["PP-08"]
    assert f.status is Status.FAIL and f.severity is Severity.HIGH
    assert found(pp, ktp())["PP-08"].status is Status.PASS


def test_an_issue_date_one_digit_from_a_valid_one_is_a_slip() -> None:
    # Expires 2033-01-09: issued 2023-01-09; 2013 read for 2023 would make it valid 20 years.
    unsure = conf(passport(issue_date="2013-01-09"), "issue_date", 0.7)
    f = found(unsure)
    assert f["ICAO-VALIDITY"].status is Status.NOT_PERFORMED
    assert f["PP-05"].status is Status.NOT_PERFORMED
    sure = conf(passport(issue_date="2013-01-09"), "issue_date", 0.97)
    f = found(sure)
    assert f["ICAO-VALIDITY"].status is Status.FAIL and f["PP-05"].status is Status.FAIL


def test_two_off_vocabulary_values_raise_medium_only_when_read_confidently() -> None:
    k = ktp(religion="SATANIC", occupation="PENYIHIR")
    assert found(passport(), k)["KTP-08"].severity is Severity.MEDIUM
    unsure = conf(k, "occupation", 0.7)
    f = found(passport(), unsure)["KTP-08"]
    assert f.status is Status.FAIL and f.severity is Severity.LOW


def test_a_lone_scrap_of_a_name_read_unsure_says_nothing_about_identity() -> None:
    scrap = conf(ktp(full_name="BUN"), "full_name", 0.8)
    f = found(passport(), scrap)
    assert f["PP-08"].status is Status.NOT_PERFORMED
    assert f["BUNDLE-01"].status is Status.NOT_PERFORMED
    sure = conf(ktp(full_name="BUN"), "full_name", 0.97)
    f = found(passport(), sure)
    assert f["PP-08"].status is Status.FAIL and f["PP-08"].severity is Severity.HIGH


def test_a_birthplace_read_in_part_is_not_another_place() -> None:
    f = found(passport(birth_place="NG"), ktp())["PP-09"]
    assert f.status is Status.NOT_PERFORMED and "in part" in f.explanation
    assert found(passport(birth_place="KOTA KUPANG"), ktp())["PP-09"].status is Status.PASS
    assert found(passport(birth_place="ENDE"), ktp())["PP-09"].status is Status.FAIL


def test_the_nik_states_the_ktp_birth_date_when_the_print_was_not_read() -> None:
    # A 15-year-old's passport; the photocopied KTP lost its date line, its NIK says 2007: 18+.
    birth, claimed = dt.date(2011, 3, 4), dt.date(2007, 11, 20)
    pp = passport(td3(birth=birth), birth_date=birth.isoformat())
    k = ktp(birth_date=None, nik=build_nik("537101", claimed, "M", 12))
    findings = run_rules(rule_input([pp, k]))
    f = {x.code: x for x in findings}
    assert f["PP-06b"].status is Status.FAIL and "nik" in f["PP-06b"].explanation
    assert decide(findings).risk is Risk.ALERT


def test_a_name_token_cut_short_read_unsure_is_not_another_name() -> None:
    pp = passport(td3(surname="WIDIASTUTI", given="TALIA"), full_name="TALIA WIDIASTUTI")
    unsure = conf(ktp(full_name="TALIA WIDIAST"), "full_name", 0.78)
    f = found(pp, unsure)["PP-08"]
    assert f.status is Status.NOT_PERFORMED and "cut short" in f.explanation
    # Read confidently, the shorter token is a name of its own; another name is never a cut.
    sure = conf(ktp(full_name="TALIA WIDIAST"), "full_name", 0.97)
    assert found(pp, sure)["PP-08"].status is Status.FAIL
    other = conf(ktp(full_name="TALIA AMINAH"), "full_name", 0.6)
    assert found(pp, other)["PP-08"].status is Status.FAIL


@pytest.fixture(scope="module")
def regions_with_ntb(tmp_path_factory: pytest.TempPathFactory) -> RegionTable:
    path = write_regions(tmp_path_factory.mktemp("regions_ntb"))
    with path.open("a", encoding="utf-8") as fh:
        fh.write("52,Nusa Tenggara Barat,province\n5201,Kabupaten Lombok Barat,regency\n")
    return read_region_table(path)


def test_a_province_read_without_its_last_word_is_not_another_province(
    regions_with_ntb: RegionTable,
) -> None:
    # NUSA TENGGARA A (TIMUR lost, a debris letter left): fuzzy matching alone says BARAT.
    k = ktp(province="NUSA TENGGARA A", regency="KOTA KUPANG", district="ALAK", village=None)
    assert found(k, regions=regions_with_ntb)["KTP-03"].status is Status.PASS
    # A regency of neither NUSA TENGGARA province is still an impossible address.
    k = ktp(province="NUSA TENGGARA A", regency="KOTA SURABAYA", district=None, village=None)
    assert found(k, regions=regions_with_ntb)["KTP-03"].status is Status.FAIL
    # Read whole, the other province is still a finding.
    k = ktp(province="NUSA TENGGARA BARAT", regency="KOTA KUPANG", district="ALAK", village=None)
    assert found(k, regions=regions_with_ntb)["KTP-03"].status is Status.FAIL


def test_the_start_of_a_village_name_is_a_partial_reading(
    regions_with_ntb: RegionTable,
) -> None:
    # NAMOS of NAMOSAIN (BAKUN of BAKUNASE DUA on a development capture): the end was lost.
    k = ktp(village="NAMOS")
    f = found(k, regions=regions_with_ntb)["KTP-03"]
    assert f.status is Status.PASS and "read in part" in " ".join(f.evidence["chain"])
    # The start of a village of another district is still not under this one.
    assert found(ktp(village="OEPUR"), regions=regions_with_ntb)["KTP-03"].status is Status.FAIL


def test_a_birthplace_read_with_a_space_inside_is_the_same_place() -> None:
    assert found(passport(birth_place="WAINGAPU"), ktp(birth_place="WAING APU"))[
        "PP-09"
    ].status is (Status.PASS)
    assert found(passport(birth_place="WAINGAPU"), ktp(birth_place="KUPANG"))["PP-09"].status is (
        Status.FAIL
    )
