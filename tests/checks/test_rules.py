"""Every catalogue rule: a pass case, a fail case and a not_performed case (pure, no images)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace

import pytest

from docscreen.checks.catalogue import CATALOGUE
from docscreen.checks.context import IdentityConflict, RecordEvidence, RuleInput, Thresholds
from docscreen.checks.engine import IMAGE_CODES, run_rules
from docscreen.indonesia.nik import build_nik
from docscreen.indonesia.regions import RegionTable
from docscreen.models import Document, DocumentKind, Match, ScreeningContext, Status

from .builders import (
    BIRTH,
    NIK,
    TODAY,
    WORK_CONTRACT,
    default_members,
    flip,
    kk,
    ktp,
    passport,
    regions_table,
    rule_input,
    set_char,
    td3,
    with_quality,
    work_context,
)

Build = Callable[[RegionTable], RuleInput]


@pytest.fixture(scope="module")
def regions(tmp_path_factory: pytest.TempPathFactory) -> RegionTable:
    return regions_table(tmp_path_factory.mktemp("regions"))


def rich(
    r: RegionTable | None,
    pp: Document | None = None,
    k: Document | None = None,
    family: Document | None = None,
    **ctx: object,
) -> RuleInput:
    docs = [
        pp or passport(),
        k or with_quality(ktp(), ktp_security_score=0.9),
        family or kk(),
    ]
    return rule_input(docs, work_context(**ctx), r, RecordEvidence())


def only(*docs: Document, r: RegionTable | None = None, **ctx: object) -> RuleInput:
    context = work_context(**ctx) if ctx else ScreeningContext(screening_date=TODAY)
    return rule_input(list(docs), context, r)


NO_MRZ = passport(mrz=[])
MINOR = dt.date(2010, 3, 4)
MINOR_NIK = build_nik("537101", MINOR, "M", 12)


def members_with(index: int, **changes: str) -> list[dict[str, str]]:
    rows = default_members()
    rows[index] = {**rows[index], **changes}
    return rows


def records(conflict: bool = False, match: bool = False) -> RecordEvidence:
    conflicts = (
        (IdentityConflict("C-1", "nik", NIK, "SITI AMINAH", "1990-01-01"),) if conflict else ()
    )
    matches = (
        (Match("C-2", 0.93, "victim", True, {"birth_date": {"candidate": "1997"}}),)
        if match
        else ()
    )
    return RecordEvidence(conflicts, matches)


# code -> (fail, not_performed); the pass case is the rich genuine bundle for every code.
CASES: dict[str, tuple[Build, Build]] = {
    "ICAO-CD-NUMBER": (lambda r: rich(r, passport(flip(td3(), 1, 9))), lambda r: only(NO_MRZ)),
    "ICAO-CD-BIRTH": (lambda r: rich(r, passport(flip(td3(), 1, 19))), lambda r: only(NO_MRZ)),
    "ICAO-CD-EXPIRY": (lambda r: rich(r, passport(flip(td3(), 1, 27))), lambda r: only(NO_MRZ)),
    "ICAO-CD-OPTIONAL": (lambda r: rich(r, passport(flip(td3(), 1, 42))), lambda r: only(ktp())),
    "ICAO-CD-COMPOSITE": (lambda r: rich(r, passport(flip(td3(), 1, 43))), lambda r: only(NO_MRZ)),
    "ICAO-FORMAT": (lambda r: rich(r, passport(set_char(td3(), 0, 0, "X"))), lambda r: only(NO_MRZ)),
    "ICAO-COUNTRY": (lambda r: rich(r, passport(td3(state="ZZQ"))), lambda r: only(NO_MRZ)),
    "ICAO-DATES": (lambda r: rich(r, k=ktp(birth_date="31-02-1995")), lambda r: only(ktp(birth_date=None, issue_date=None))),
    "ICAO-SPECIMEN": (lambda r: rich(r, passport(td3(surname="ERIKSSON", given="ANNA MARIA", state="UTO"))),
                      lambda r: only(Document(None, DocumentKind.IDN_KTP))),
    "ICAO-EXPIRED": (lambda r: rich(r, passport(td3(expiry=dt.date(2026, 1, 9)), expiry_date="2026-01-09", issue_date="2021-01-09")),
                     lambda r: only(passport(mrz=[], expiry_date=None))),
    "ICAO-VALIDITY": (lambda r: rich(r, passport(issue_date="2018-01-09")), lambda r: only(passport(issue_date=None))),
    "ICAO-ISSUE-EXPIRY": (lambda r: rich(r, passport(issue_date="2034-01-09")), lambda r: only(passport(issue_date=None))),
    "ICAO-BIRTH-ISSUE": (lambda r: rich(r, k=ktp(issue_date="1990-01-01")), lambda r: only(ktp(issue_date=None))),
    "MRZ-VIZ-NAME": (lambda r: rich(r, passport(full_name="BUDI SANTOSO")), lambda r: only(passport(full_name=None))),
    "MRZ-VIZ-BIRTH": (lambda r: rich(r, passport(birth_date="1995-05-18")), lambda r: only(passport(birth_date=None))),
    "MRZ-VIZ-SEX": (lambda r: rich(r, passport(sex="P / F")), lambda r: only(passport(sex=None))),
    "MRZ-VIZ-EXPIRY": (lambda r: rich(r, passport(expiry_date="2033-01-10")), lambda r: only(passport(expiry_date=None))),
    "MRZ-VIZ-NUMBER": (lambda r: rich(r, passport(document_number="C1234568")), lambda r: only(passport(document_number=None))),
    "MRZ-VIZ-NATIONALITY": (lambda r: rich(r, passport(nationality="MALAYSIA")), lambda r: only(passport(nationality=None))),
    "BUNDLE-01": (lambda r: only(passport(), ktp(full_name="SITI AMINAH", birth_date="01-02-1990")), lambda r: only(passport())),
    "AGE-MINOR": (lambda r: only(ktp(birth_date="04-03-2010", nik=MINOR_NIK)), lambda r: only(ktp(birth_date=None, nik=None))),
    "NIK-01": (lambda r: rich(r, k=ktp(nik="53710117059500")), lambda r: only(ktp(nik=None))),
    "NIK-02": (lambda r: rich(r, k=ktp(nik="99" + NIK[2:])), lambda r: only(passport())),
    "NIK-03": (lambda r: rich(r, k=ktp(nik="5399" + NIK[4:])), lambda r: only(ktp())),
    "NIK-04": (lambda r: rich(r, k=ktp(nik="537199" + NIK[6:])), lambda r: only(ktp())),
    "NIK-05": (lambda r: rich(r, k=ktp(nik=NIK[:6] + "32" + NIK[8:])), lambda r: only(ktp(nik="12"))),
    "NIK-06": (lambda r: rich(r, k=ktp(nik=NIK[:12] + "0000")), lambda r: only(ktp(nik=None))),
    "NIK-07": (lambda r: replace(rich(r, k=ktp(nik=NIK[:10] + "30" + NIK[12:])), thresholds=Thresholds(max_age=50)),
               lambda r: only(ktp(nik=NIK[:6] + "32" + NIK[8:]))),
    "KTP-01": (lambda r: rich(r, k=ktp(sex="PEREMPUAN")), lambda r: only(ktp(nik=None))),
    "KTP-02": (lambda r: rich(r, k=ktp(birth_date="18-05-1995")), lambda r: only(ktp(birth_date=None))),
    "KTP-02b": (lambda r: only(ktp(nik=MINOR_NIK)), lambda r: only(ktp(birth_date=None))),
    "KTP-03": (lambda r: rich(r, k=ktp(village="OEPURA")), lambda r: rich(None)),
    "KTP-04": (lambda r: rich(r, k=ktp(regency="KABUPATEN KUPANG")), lambda r: rich(None)),
    "KTP-05": (lambda r: rich(r, k=ktp(issue_date="2011-06-01")), lambda r: only(ktp(issue_date=None))),
    "KTP-06": (lambda r: rich(r, k=ktp(marital_status="KAWIN"), family=kk(members_with(2, marital_status="KAWIN", marriage_date="2012-01-01"))),
               lambda r: only(ktp(marital_status=None))),
    "KTP-07": (lambda r: rich(r, k=ktp(valid_until="17-05-2030", issue_date="2020-01-01")), lambda r: only(ktp(valid_until=None))),
    "KTP-08": (lambda r: rich(r, k=ktp(religion="JEDI")),
               lambda r: only(ktp(religion=None, marital_status=None, blood_type=None, occupation=None, nationality=None))),
    "KTP-09": (lambda r: rich(r, k=ktp(issue_date="2022-12-01")), lambda r: only(ktp(issue_date=None))),
    "KTP-10": (lambda r: rich(r, passport(td3(birth=dt.date(1995, 7, 1)), birth_date="1995-07-01"),
                              k=ktp(birth_date="01-07-1995", nik=build_nik("537101", dt.date(1995, 7, 1), "M", 12))),
               lambda r: only(ktp(birth_date=None))),
    "KK-01": (lambda r: rich(r, family=kk(kk_number="53710112031")), lambda r: only(ktp())),
    "KK-02": (lambda r: rich(r, family=kk(members_with(2, nik=NIK[:12] + "9999"))), lambda r: only(kk())),
    "KK-02b": (lambda r: rich(r, family=kk(members_with(2, birth_date=MINOR.isoformat()))), lambda r: only(ktp())),
    "KK-03": (lambda r: rich(r, family=kk(members_with(2, birth_date="1960-01-01"))), lambda r: only(kk(members_with(2, relationship="FAMILI LAIN")))),
    "KK-04": (lambda r: rich(r, family=kk(rt_rw="009/001")), lambda r: only(kk())),
    "KK-05": (lambda r: rich(r, family=kk(members_with(2, religion="ISLAM"))), lambda r: only(kk())),
    "KK-06": (lambda r: rich(r, family=kk(members_with(1, sex="M"))), lambda r: only(ktp())),
    "PP-01": (lambda r: rich(r, passport(flip(td3(), 1, 19))), lambda r: only(NO_MRZ)),
    "PP-02": (lambda r: rich(r, passport(td3(nationality="MYS"))), lambda r: only(NO_MRZ)),
    "PP-03": (lambda r: rich(r, passport(birth_date="1996-05-17")), lambda r: only(NO_MRZ)),
    "PP-04": (lambda r: rich(r, passport(td3(number="1234567"), document_number="1234567")), lambda r: only(ktp())),
    "PP-05": (lambda r: rich(r, passport(td3(expiry=dt.date(2030, 1, 9)), issue_date="2020-01-09", expiry_date="2030-01-09")),
              lambda r: only(passport(issue_date=None))),
    "PP-06": (lambda r: rich(r, k=ktp(birth_date="17-06-1995")), lambda r: only(passport())),
    "PP-06b": (lambda r: rich(r, k=ktp(birth_date="04-03-2010", nik=MINOR_NIK)), lambda r: only(ktp())),
    "PP-07": (lambda r: rich(r, k=ktp(sex="PEREMPUAN", nik=build_nik("537101", BIRTH, "F", 12))), lambda r: only(passport())),
    "PP-08": (lambda r: rich(r, k=ktp(full_name="SITI AMINAH")), lambda r: only(passport(), ktp(full_name=None))),
    "PP-09": (lambda r: rich(r, k=ktp(birth_place="SURABAYA")), lambda r: only(passport(), ktp(birth_place=None))),
    "PP-10": (lambda r: rich(r, passport(issuing_office="SURABAYA")), lambda r: only(passport(issuing_office=None), ktp())),
    "PP-11": (lambda r: rich(r, k=ktp(issue_date="2022-11-20")), lambda r: only(passport(issue_date=None), ktp())),
    "PP-12": (lambda r: rich(r, passport(td3(birth=MINOR), birth_date=MINOR.isoformat()),
                         k=ktp(birth_date="04-03-2010", nik=MINOR_NIK)),
              lambda r: only(passport(issue_date=None))),
    "PMI-01": (lambda r: rich(r, passport(td3(birth=MINOR), birth_date=MINOR.isoformat())), lambda r: only(passport())),
    "PMI-02": (lambda r: rich(r, placement_type="domestic_worker", departure_date=dt.date(2016, 1, 1)),
               lambda r: only(passport(), departure_date=None, placement_type=None)),
    "PMI-03": (lambda r: rich(r, presented=frozenset({"return_ticket"})), lambda r: only(passport())),
    "PMI-04": (lambda r: rich(r, purpose="tourism", presented=frozenset(), contract={}, placement_type=None),
               lambda r: only(passport())),
    "PMI-05": (lambda r: rich(r, contract={**WORK_CONTRACT, "worker_name": "SITI AMINAH"}), lambda r: only(passport())),
    "PMI-06": (lambda r: rich(r, contract={**WORK_CONTRACT, "consent_signer_name": "PAULUS TEFA"}),
               lambda r: only(passport(), purpose="work")),
    "PMI-07": (lambda r: rich(r, contract={**WORK_CONTRACT, "placement_fee_charged": "yes"}), lambda r: only(passport())),
    "ID-01": (lambda r: replace(rich(r), records=records(conflict=True)), lambda r: replace(rich(r), records=None)),
    "ID-02": (lambda r: replace(rich(r), records=records(match=True)), lambda r: replace(rich(r), records=None)),
    "ID-03": (lambda r: rich(r, contract={**WORK_CONTRACT, "father_name": "PAULUS TEFA"}), lambda r: only(passport())),
    "ID-04": (lambda r: rich(r, k=with_quality(ktp(), ktp_security_score=0.1)), lambda r: only(ktp())),
}  # fmt: skip


def statuses(inp: RuleInput, code: str) -> set[Status]:
    found = [f for f in run_rules(inp) if f.code == code]
    assert found, f"{code} produced no finding"
    assert not any("rule error" in f.explanation for f in found), found
    return {f.status for f in found}


def test_every_catalogue_rule_has_cases() -> None:
    assert set(CASES) | {"PMI-08"} | IMAGE_CODES == set(CATALOGUE)


def test_rich_genuine_bundle_passes_every_rule(regions: RegionTable) -> None:
    findings = run_rules(rich(regions))
    failed = [(f.code, f.explanation) for f in findings if f.status is Status.FAIL]
    assert failed == []
    not_done = {f.code for f in findings if f.status is Status.NOT_PERFORMED}
    assert not_done == IMAGE_CODES, not_done  # no image: no tamper signals
    assert {f.code for f in findings} == set(CATALOGUE)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_fails(code: str, regions: RegionTable) -> None:
    assert Status.FAIL in statuses(CASES[code][0](regions), code)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_not_performed(code: str, regions: RegionTable) -> None:
    assert statuses(CASES[code][1](regions), code) == {Status.NOT_PERFORMED}


@pytest.mark.parametrize("code", sorted(set(CATALOGUE) - IMAGE_CODES))
def test_rule_passes_on_genuine_bundle(code: str, regions: RegionTable) -> None:
    assert statuses(rich(regions), code) == {Status.PASS}


def test_pmi08_never_counts_against_the_traveller(regions: RegionTable) -> None:
    # By design: a missing E-KTKLN/E-PMI card is not an error (BP2MI, 2023).
    assert statuses(only(passport()), "PMI-08") == {Status.PASS}


def test_rules_never_raise_on_empty_documents() -> None:
    findings = run_rules(rule_input([Document(None, k) for k in DocumentKind]))
    assert {f.code for f in findings} == set(CATALOGUE)
    assert not [f for f in findings if "rule error" in f.explanation]


def test_findings_carry_evidence_and_boxes(regions: RegionTable) -> None:
    inp = rich(regions, k=ktp(birth_date="18-05-1995"))
    f = next(f for f in run_rules(inp) if f.code == "KTP-02" and f.status is Status.FAIL)
    assert f.evidence["nik_birth"] == "1995-05-17" and f.evidence["printed_birth"] == "1995-05-18"
    assert f.boxes and all(doc == 1 for doc, _ in f.boxes)
    assert "17-05-1995" in f.explanation


def test_a_number_read_without_its_first_letter_is_not_a_mismatch(regions: RegionTable) -> None:
    inp = rich(regions, passport(document_number="1234567"))
    found = {f.code: f for f in run_rules(inp)}
    assert found["MRZ-VIZ-NUMBER"].status is Status.NOT_PERFORMED
    assert "incompletely" in found["MRZ-VIZ-NUMBER"].explanation
    assert found["PP-04"].status is Status.PASS  # the verified MRZ number is used


def test_reading_defects_are_not_reported_as_forgeries(regions: RegionTable) -> None:
    # A label read in place of the number, and one date read into both date fields.
    pp = passport(document_number="NOPASPPASSPI", issue_date="2033-01-09")
    found = {f.code: f for f in run_rules(rich(regions, pp))}
    assert found["MRZ-VIZ-NUMBER"].status is Status.NOT_PERFORMED
    assert "unreadable" in found["MRZ-VIZ-NUMBER"].explanation
    for code in ("ICAO-ISSUE-EXPIRY", "ICAO-VALIDITY", "PP-05"):
        assert found[code].status is Status.NOT_PERFORMED, code


def test_name_reading_gaps_are_not_mismatches(regions: RegionTable) -> None:
    mrz = td3(given="YOHANES PAULUS")
    found = {f.code: f for f in run_rules(rich(regions, passport(mrz, full_name="YOHANES NDUN")))}
    assert found["MRZ-VIZ-NAME"].status is Status.NOT_PERFORMED  # PAULUS not read, none differ
    # A misread printed name is one fault (MRZ-VIZ-NAME), not also a passport/KTP disagreement.
    found = {f.code: f for f in run_rules(rich(regions, passport(full_name="PMO PAMIT")))}
    assert found["MRZ-VIZ-NAME"].status is Status.FAIL
    assert found["PP-08"].status is Status.PASS
    # Changed on both zones of the passport (name swap): PP-08 fails, HIGH without shared token.
    swapped = passport(td3(surname="TEFA", given="MARIA"), full_name="MARIA TEFA")
    pp08 = next(f for f in run_rules(rich(regions, swapped)) if f.code == "PP-08")
    assert pp08.status is Status.FAIL and pp08.severity.value == "HIGH"
