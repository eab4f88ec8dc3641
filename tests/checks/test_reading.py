"""Reading defects (low confidence, mangled name tokens, cut-short values) are not forgeries, while
the same differences read with confidence still are."""

from __future__ import annotations

from dataclasses import replace

import pytest

from docscreen.checks.context import Thresholds
from docscreen.checks.docio import document_from_dict
from docscreen.checks.engine import run_rules
from docscreen.checks.reading import mangled, name_misread, names_misread, trusted
from docscreen.models import Document, Finding, Status

from .builders import NIK, ktp, passport, rule_input, set_char, td3


def with_confidence(doc: Document, name: str, confidence: float) -> Document:
    fields = dict(doc.fields)
    fields[name] = replace(fields[name], confidence=confidence)
    return replace(doc, fields=fields)


def findings(*docs: Document) -> dict[str, Finding]:
    return {f.code: f for f in run_rules(rule_input(list(docs)))}


def test_low_confidence_values_are_withheld_from_the_rules() -> None:
    doc = with_confidence(passport(full_name="ST SEARS A"), "full_name", 0.23)
    seen = trusted(doc, Thresholds())
    assert seen.value("full_name") is None and seen.fields["full_name"].raw == "ST SEARS A"
    assert trusted(doc, Thresholds(min_read_confidence=20)).value("full_name") == "ST SEARS A"
    # The NIK checks itself (16 digits, region, date): its confidence is not used.
    k = with_confidence(ktp(), "nik", 0.3)
    assert trusted(k, Thresholds()).value("nik") == NIK


def test_a_printed_name_read_with_low_confidence_is_not_a_forgery() -> None:
    unsure = with_confidence(passport(full_name="ST SEARS A"), "full_name", 0.23)
    found = findings(unsure, ktp())
    assert found["MRZ-VIZ-NAME"].status is Status.NOT_PERFORMED
    assert found["PP-03"].status is not Status.FAIL
    assert found["PP-08"].status is Status.PASS  # the MRZ name stands in for the printed one
    # Read with confidence, a different printed name is still a finding.
    sure = passport(full_name="MARIA TEFA")
    assert findings(sure, ktp())["MRZ-VIZ-NAME"].status is Status.FAIL


def test_a_date_read_with_low_confidence_is_not_compared() -> None:
    k = with_confidence(ktp(birth_date="17-05-1996"), "birth_date", 0.2)
    found = findings(passport(), k)
    assert found["KTP-02"].status is Status.NOT_PERFORMED
    # No trusted printed KTP date: the KTP's NIK states the birth date instead, and agrees.
    assert found["PP-06"].status is Status.PASS
    assert found["PP-06"].evidence["ktp_kk"] == ["idn_ktp#1.nik=1995-05-17"]
    assert findings(passport(), ktp(birth_date="17-05-1996"))["KTP-02"].status is Status.FAIL


@pytest.mark.parametrize(
    ("token", "debris"),
    [("LE", True), ("A", True), ("SRTN", True), ("W1NARNO", True), ("NG", False), ("ONG", False),
     ("DARMAJI", False), ("SEARS", False)],
)  # fmt: skip
def test_mangled_tokens(token: str, debris: bool) -> None:
    assert mangled(token) is debris


def test_name_debris_is_a_misreading_not_another_name() -> None:
    assert name_misread(("WINARNO",), ("LE",)) is not None
    assert name_misread(("WINARNO",), ("SEARS", "A")) is None
    assert names_misread(("DA",), ("DARMAJI", "LE")) is not None
    assert names_misread(("RAHAYU",), ("AMINAH",)) is None
    # MRZ DARMAJI WINARNO, printed "DARMAJI LE": WINARNO unread, LE is debris.
    found = findings(passport(td3(surname="WINARNO", given="DARMAJI"), full_name="DARMAJI LE"))
    assert found["MRZ-VIZ-NAME"].status is Status.NOT_PERFORMED
    assert "debris" in found["MRZ-VIZ-NAME"].explanation


def test_ktp_name_read_as_debris_is_not_a_name_mismatch() -> None:
    found = findings(passport(), ktp(full_name="DA"))
    assert found["PP-08"].status is Status.NOT_PERFORMED
    assert found["BUNDLE-01"].status is not Status.FAIL
    # Another person's name on the KTP (name swap) is still reported.
    swapped = findings(passport(), ktp(full_name="SITI RAHAYU"))
    assert swapped["PP-08"].status is Status.FAIL


def test_vocabulary_values_cut_short_are_not_off_vocabulary() -> None:
    k = ktp(religion="TEN", marital_status="MATI", occupation="N/PERIKANAN")
    found = findings(passport(), k)
    assert found["KTP-08"].status is Status.NOT_PERFORMED
    assert "incompletely" in found["KTP-08"].explanation
    bad = findings(passport(), ktp(religion="SATANIC", marital_status="MATI"))["KTP-08"]
    assert bad.status is Status.FAIL and "religion=SATANIC" in bad.explanation


def test_documents_given_as_data_without_confidence_are_trusted() -> None:
    doc = document_from_dict({"kind": "idn_ktp", "fields": {"nik": {"value": NIK},
                              "birth_date": {"value": "17-05-1995"}}})  # fmt: skip
    assert doc.fields["birth_date"].confidence == 1.0
    read = document_from_dict({"kind": "idn_ktp", "fields": {"birth_date": {
        "value": "17-05-1995", "confidence": 0.2}}})  # fmt: skip
    assert read.fields["birth_date"].confidence == pytest.approx(0.2)


def test_name_pieces_and_place_names_are_misreadings() -> None:
    # Printed "CAKR" for MRZ CAKRAJIYA; the KTP name read as "CI RA YONO" (pieces of SURYONO).
    mrz = td3(surname="CAKRAJIYA", given="SURYONO")
    found = findings(passport(mrz, full_name="CAKR"), ktp(full_name="CI RA YONO"))
    assert found["MRZ-VIZ-NAME"].status is Status.NOT_PERFORMED
    assert found["PP-08"].status is Status.NOT_PERFORMED
    # The KTP name field read the birthplace line: withheld, not another person.
    found = findings(passport(), ktp(full_name="KUPANG"))
    assert found["PP-08"].status is Status.NOT_PERFORMED
    assert found["BUNDLE-01"].status is not Status.FAIL


def test_a_structurally_broken_mrz_is_a_misreading() -> None:
    lines = td3()
    broken = [lines[0], lines[1][:13] + "640<<5" + lines[1][19:20] + "6" + lines[1][21:]]
    found = findings(passport(broken), ktp())
    for code in ("ICAO-CD-BIRTH", "ICAO-FORMAT", "PP-01", "MRZ-VIZ-BIRTH"):
        assert found[code].status is Status.NOT_PERFORMED, code
        assert "MRZ misread" in found[code].explanation
    # One digit edited within the layout (a forger's edit) is still a check-digit failure.
    edited = set_char(lines, 1, 15, "9" if lines[1][15] != "9" else "8")
    assert findings(passport(edited), ktp())["ICAO-CD-BIRTH"].status is Status.FAIL


def test_garbled_birthplaces_and_vocabulary_are_not_compared() -> None:
    found = findings(passport(birth_place="KUPANG"), ktp(birth_place="5 ; : KAK"))
    assert found["PP-09"].status is Status.NOT_PERFORMED
    assert findings(passport(), ktp(birth_place="SURABAYA"))["PP-09"].status is Status.FAIL
    k = ktp(marital_status="CE", occupation="\u201c5 PERI RIVUUP EAT")
    assert findings(passport(), k)["KTP-08"].status is Status.NOT_PERFORMED


def test_whole_names_and_labels() -> None:
    # ASTUTI is a name of its own, not the end of PRASTUTI read short: a name swap stays a finding.
    assert names_misread(("ASTUTI",), ("ENDAH", "PRASTUTI")) is None
    assert findings(passport(), ktp(full_name="ENDAH PRASTUTI"))["PP-08"].status is Status.FAIL
    # A label read in place of the printed name is not another name.
    found = findings(passport(full_name="NAMA LENGKAP FULL NAMA"), ktp())
    assert found["MRZ-VIZ-NAME"].status is Status.NOT_PERFORMED
    # The sex line read into the KTP birthplace.
    assert (
        findings(passport(), ktp(birth_place="LAKI-LAKI"))["PP-09"].status is Status.NOT_PERFORMED
    )


def test_a_value_without_a_confidence_is_not_doubted() -> None:
    # A date changed by years (what a forger does) read by a look that gives no confidence.
    k = with_confidence(ktp(birth_date="23-08-1998"), "birth_date", 0.0)
    assert findings(passport(), k)["KTP-02"].status is Status.FAIL


def test_a_printed_name_read_as_junk_is_not_another_name_than_the_mrz() -> None:
    # A photocopied data page whose name read as N KAY at 37% (MRZ: NDUN YOHANES): unreadable.
    junk = with_confidence(passport(full_name="N KAY"), "full_name", 0.37)
    found = findings(junk, ktp())
    assert found["MRZ-VIZ-NAME"].status is Status.NOT_PERFORMED
    assert "unreadable" in found["MRZ-VIZ-NAME"].explanation
    assert found["PP-03"].status is not Status.FAIL
    assert found["PP-08"].status is Status.PASS  # the MRZ name stands in for the printed one
    # A long junk reading of whole-looking words, at low confidence, likewise.
    long_junk = with_confidence(passport(full_name="KETAMAN KEMANYANAGA AAN"), "full_name", 0.37)
    assert findings(long_junk, ktp())["MRZ-VIZ-NAME"].status is Status.NOT_PERFORMED
    # The same reading at 50% or above, or without a score, is another name: it still fails.
    for conf in (0.5, 0.9, 0.0):
        doc = with_confidence(passport(full_name="N KAY"), "full_name", conf)
        assert findings(doc, ktp())["MRZ-VIZ-NAME"].status is Status.FAIL, conf
        assert findings(doc, ktp())["PP-03"].status is Status.FAIL, conf
    # A low-confidence name sharing a token with the MRZ is judged as before (one token differs).
    part = with_confidence(passport(full_name="YOHANES MARKUS"), "full_name", 0.37)
    assert findings(part, ktp())["MRZ-VIZ-NAME"].status is Status.FAIL
    # The threshold is a policy setting.
    strict = rule_input([junk, ktp()], thresholds=Thresholds(min_name_confidence=30))
    by_code = {f.code: f for f in run_rules(strict)}
    assert by_code["MRZ-VIZ-NAME"].status is Status.FAIL


def test_a_name_swap_read_as_well_as_the_rest_is_still_caught() -> None:
    # name_swap prints another name (MRZ too, on a passport); forged names read at 0.88-0.93 on
    # the development captures, like genuine ones.
    swapped = passport(full_name="EGA PUTRA", mrz=td3(surname="PUTRA", given="EGA"))
    found = findings(with_confidence(swapped, "full_name", 0.92), ktp())
    assert found["PP-08"].status is Status.FAIL
    k = with_confidence(ktp(full_name="OPHELIA WASTUTI"), "full_name", 0.9)
    assert findings(passport(), k)["PP-08"].status is Status.FAIL


def test_a_birthplace_read_off_a_caption_is_not_compared() -> None:
    # The passport's birthplace read as the expiry caption (Tanggal Habis Berlaku / Date of Expiry).
    pp = passport(birth_place="HABIS BERTANU OF EXP")
    found = findings(pp, ktp(birth_place="ENDE"))
    assert found["PP-09"].status is Status.NOT_PERFORMED
    assert "caption" in found["PP-09"].explanation
    assert findings(passport(), ktp(birth_place="TEMPAT LAHIR"))["PP-09"].status is (
        Status.NOT_PERFORMED
    )
    # A real other place is still a finding, and so is a place with a caption-like word inside
    # none of the captions has (KOTA is no caption word).
    assert findings(passport(), ktp(birth_place="ENDE"))["PP-09"].status is Status.FAIL
    assert findings(passport(), ktp(birth_place="KOTA ENDE"))["PP-09"].status is Status.FAIL


def test_an_mrz_name_with_letters_after_fillers_was_misread() -> None:
    # HARYANTO<<OMAN read as HARYZ<<<<<OYAN on a photocopy: the printed name is the truth.
    lines = td3(surname="HARYANTO", given="OMAN")
    broken = [lines[0].replace("HARYANTO<<OMAN", "HARYZ<<<<<OYAN"), lines[1]]
    pp = passport(broken, full_name="OMAN HARYANTO")
    found = findings(pp, ktp(full_name="OMAN HARYANTO"))
    assert found["MRZ-VIZ-NAME"].status is Status.NOT_PERFORMED
    assert "letters after fillers" in found["MRZ-VIZ-NAME"].explanation
    assert found["PP-03"].status is not Status.FAIL
    assert found["PP-08"].status is Status.PASS
    # A well-formed MRZ with another name (a forger keeps the layout) is still a finding.
    other = passport(td3(surname="HARYONO", given="BUDI"), full_name="OMAN HARYANTO")
    assert findings(other, ktp(full_name="OMAN HARYANTO"))["MRZ-VIZ-NAME"].status is Status.FAIL
    # A KTP of another name is still PP-08 when the MRZ name is broken.
    assert findings(pp, ktp(full_name="EGA PUTRA"))["PP-08"].status is Status.FAIL
    # Single names and given names with one filler between them are well-formed.
    for surname, given in (("NABILA", ""), ("PUTRA", "EGA BAYU")):
        ok = passport(td3(surname=surname, given=given), full_name=f"{given} {surname}".strip())
        assert findings(ok, ktp(full_name=f"{given} {surname}".strip()))["MRZ-VIZ-NAME"].status is (
            Status.PASS
        )


def test_ktp_values_read_from_the_neighbouring_line_are_not_off_vocabulary() -> None:
    # A photocopied KTP read one line off: religion=KAWIN, marital_status=KARYAWAN SWASTA,
    # nationality=SEUMUR HIDUP (each the official value of another line), read confidently.
    k = ktp(religion="KAWIN", marital_status="KARYAWAN SWASTA", nationality="SEUMUR HIDUP")
    f = findings(passport(), k)["KTP-08"]
    assert f.status is Status.NOT_PERFORMED
    assert "another line" in f.explanation
    assert f.evidence["other_line"] == [
        "religion=KAWIN",
        "marital_status=KARYAWAN SWASTA",
        "nationality=SEUMUR HIDUP",
    ]
    assert findings(passport(), ktp(occupation="HIDUP"))["KTP-08"].status is Status.NOT_PERFORMED
    # A value in no vocabulary still fails, next to a shifted one.
    mixed = findings(passport(), ktp(religion="JEDI", marital_status="ISLAM"))["KTP-08"]
    assert mixed.status is Status.FAIL
    assert mixed.evidence["off_vocabulary"] == ["religion=JEDI"]


def test_a_birthplace_read_off_another_line_is_not_compared() -> None:
    # The passport's nationality line, the KTP's sex line and the KTP's name line (one line off)
    # read as the birthplace.
    assert findings(passport(birth_place="INDONESIA"), ktp(birth_place="WAINGAPU"))[
        "PP-09"
    ].status is (Status.NOT_PERFORMED)
    assert findings(passport(), ktp(birth_place="PEREMPUAN GOL"))["PP-09"].status is (
        Status.NOT_PERFORMED
    )
    named = findings(passport(), ktp(birth_place="YOHANES NDUN"))["PP-09"]
    assert named.status is Status.NOT_PERFORMED and "name line" in named.explanation
    assert findings(passport(), ktp(birth_place="YOHANESNDUN"))["PP-09"].status is (
        Status.NOT_PERFORMED
    )
    # A place that is not the holder's name is still compared.
    assert findings(passport(), ktp(birth_place="WAINGAPU"))["PP-09"].status is Status.FAIL
    assert findings(passport(), ktp(birth_place="YOHANES KOTA"))["PP-09"].status is Status.FAIL


def test_a_caption_read_as_the_name_is_not_another_name() -> None:
    from docscreen.checks.reading import caption_name

    # "Nama Lengkap / Full Name" read mangled, as seen on photocopied passports.
    for reading in ("MAMA LENGKAP FUL NAME", "ULL NAME", "NAMA LENGKAP"):
        assert caption_name(reading), reading
        found = findings(passport(full_name=reading), ktp())
        assert found["MRZ-VIZ-NAME"].status is Status.NOT_PERFORMED, reading
        assert found["PP-03"].status is not Status.FAIL, reading
    # Real names one letter from a caption word are names, with or without a caption word beside.
    for reading in ("RAMA", "RAMA DAME", "NAMI PUTRI", "RAMA NAME PUTRI"):
        assert not caption_name(reading), reading
    assert findings(passport(full_name="RAMA DAME"), ktp())["MRZ-VIZ-NAME"].status is Status.FAIL


def test_a_nik_whose_province_is_one_digit_from_the_header_was_misread() -> None:
    from docscreen.checks.reading import nik_province_misread

    misread = "55" + NIK[2:]  # 53 (Nusa Tenggara Timur) read as 55, which is no province
    k = ktp(nik=misread)
    assert nik_province_misread(k) is not None
    found = findings(passport(), k)
    for code in ("NIK-02", "NIK-03", "KTP-01", "KTP-02"):
        assert found[code].status is Status.NOT_PERFORMED, code
    # Under another header, or two digits away, or a valid code: the NIK is judged as read.
    assert nik_province_misread(ktp(nik=misread, province="JAWA BARAT")) is None
    assert "withheld as a misreading" in found["NIK-02"].explanation
    assert findings(passport(), ktp(nik="47" + NIK[2:]))["NIK-02"].status is Status.FAIL
    assert (
        nik_province_misread(ktp(nik="52" + NIK[2:])) is None
    )  # 52 exists: judged by NIK-03/KTP-04
    # A NIK forged in its birth digits (the province kept) is still caught.
    forged = NIK[:6] + "1705" + "98" + NIK[12:]
    assert findings(passport(), ktp(nik=forged))["KTP-02"].status is Status.FAIL
