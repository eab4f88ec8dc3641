"""Synthetic documents for rule tests (fictional people; no images)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

from docscreen.checks.context import RecordEvidence, RuleInput, Thresholds
from docscreen.checks.mrzview import mrz_result_from_lines
from docscreen.indonesia.nik import build_nik
from docscreen.indonesia.regions import RegionTable, read_region_table
from docscreen.models import Document, DocumentKind, Field, Quality, ScreeningContext
from docscreen.mrz.checkdigit import check_digit

TODAY = dt.date(2026, 6, 1)
BIRTH = dt.date(1995, 5, 17)


def _cd(text: str) -> str:
    d = check_digit(text)
    assert d is not None
    return d


def td3(
    surname: str = "NDUN",
    given: str = "YOHANES",
    number: str = "C1234567",
    birth: dt.date = BIRTH,
    sex: str = "M",
    expiry: dt.date = dt.date(2033, 1, 9),
    state: str = "IDN",
    nationality: str = "IDN",
    code: str = "P<",
) -> list[str]:
    name = (surname + "<<" + given.replace(" ", "<"))[:39].ljust(39, "<")
    line1 = f"{code}{state}{name}"
    num = number.ljust(9, "<")
    dob, exp = birth.strftime("%y%m%d"), expiry.strftime("%y%m%d")
    personal = "<" * 14
    line2 = f"{num}{_cd(num)}{nationality}{dob}{_cd(dob)}{sex}{exp}{_cd(exp)}{personal}<"
    composite = line2[0:10] + line2[13:20] + line2[21:43]
    return [line1, line2 + _cd(composite)]


def set_char(lines: list[str], line: int, col: int, ch: str) -> list[str]:
    out = list(lines)
    out[line] = out[line][:col] + ch + out[line][col + 1 :]
    return out


def fields(kind_values: dict[str, str | None]) -> dict[str, Field]:
    return {
        k: Field(k, v, v or "", 0.95, (10, 10 + 20 * i, 100, 18))
        for i, (k, v) in enumerate(kind_values.items())
        if v is not None
    }


def passport(mrz: list[str] | None = None, **overrides: str | None) -> Document:
    values: dict[str, str | None] = {
        "document_type": "P",
        "issuing_country": "IDN",
        "document_number": "C1234567",
        "full_name": "YOHANES NDUN",
        "sex": "L / M",
        "nationality": "INDONESIA",
        "birth_date": BIRTH.isoformat(),
        "birth_place": "KUPANG",
        "issue_date": "2023-01-09",
        "expiry_date": "2033-01-09",
        "issuing_office": "KUPANG",
    }
    values.update(overrides)
    lines = mrz if mrz is not None else td3()
    return Document("passport.jpg", DocumentKind.IDN_PASSPORT, fields(values),
                    mrz=mrz_result_from_lines(lines, TODAY) if lines else None)  # fmt: skip


NIK = build_nik("537101", BIRTH, "M", 12)


def ktp(**overrides: str | None) -> Document:
    values: dict[str, str | None] = {
        "province": "NUSA TENGGARA TIMUR",
        "regency": "KOTA KUPANG",
        "nik": NIK,
        "full_name": "YOHANES NDUN",
        "birth_place": "KUPANG",
        "birth_date": "17-05-1995",
        "sex": "LAKI-LAKI",
        "blood_type": "O",
        "address": "JL. TIMOR RAYA",
        "rt_rw": "002/003",
        "village": "NAMOSAIN",
        "district": "ALAK",
        "religion": "KRISTEN",
        "marital_status": "BELUM KAWIN",
        "occupation": "PETANI/PEKEBUN",
        "nationality": "WNI",
        "valid_until": "SEUMUR HIDUP",
        "issue_place": "KOTA KUPANG",
        "issue_date": "2015-03-02",
    }
    values.update(overrides)
    return Document("ktp.jpg", DocumentKind.IDN_KTP, fields(values))


def kk(members: list[dict[str, str]] | None = None, **overrides: str | None) -> Document:
    values: dict[str, str | None] = {
        "kk_number": "5371011203100004",
        "issue_date": "2012-03-20",
        "rt_rw": "002/003",
        "village": "NAMOSAIN",
        "district": "ALAK",
        "regency": "KOTA KUPANG",
    }
    values.update(overrides)
    rows = members if members is not None else default_members()
    for n, row in enumerate(rows, start=1):
        for k, v in row.items():
            values[f"member.{n}.{k}"] = v
    return Document(None, DocumentKind.IDN_KK, fields(values))


def default_members() -> list[dict[str, str]]:
    return [
        {"nik": build_nik("537101", dt.date(1965, 2, 1), "M", 3), "full_name": "MARKUS NDUN",
         "sex": "M", "birth_date": "1965-02-01", "relationship": "KEPALA KELUARGA",
         "marital_status": "KAWIN", "religion": "KRISTEN"},
        {"nik": build_nik("537101", dt.date(1968, 8, 9), "F", 4), "full_name": "MARIA BELLO",
         "sex": "F", "birth_date": "1968-08-09", "relationship": "ISTRI",
         "marital_status": "KAWIN", "religion": "KRISTEN"},
        {"nik": NIK, "full_name": "YOHANES NDUN", "sex": "M", "birth_date": BIRTH.isoformat(),
         "birth_place": "KUPANG", "relationship": "ANAK", "marital_status": "BELUM KAWIN",
         "religion": "KRISTEN", "father_name": "MARKUS NDUN", "mother_name": "MARIA BELLO"},
    ]  # fmt: skip


WORK_CONTRACT = {
    "worker_name": "YOHANES NDUN", "worker_birth_date": BIRTH.isoformat(),
    "passport_number": "C1234567", "employer_name": "SYARIKAT SAWIT", "employer_address": "SABAH",
    "worker_address": "KUPANG", "job": "PEMANEN", "rights_obligations": "ya", "working_hours": "8",
    "wage": "1500 MYR", "leave": "12", "social_security": "BPJS", "duration": "2 tahun",
    "safety": "APD", "placement_fee_charged": "no", "wage_deduction": "no",
    "consent_signer_name": "MARKUS NDUN", "consent_relation": "ORANG TUA",
    "father_name": "MARKUS NDUN", "mother_name": "MARIA BELLO",
}  # fmt: skip
ALL_PRESENTED = frozenset(
    {"work_visa", "work_contract", "placement_agreement", "bpjs", "id_pmi", "return_ticket"}
)


def work_context(**kw: Any) -> ScreeningContext:
    base: dict[str, Any] = {
        "screening_date": TODAY,
        "departure_date": dt.date(2026, 6, 3),
        "purpose": "work",
        "destination": "MYS",
        "placement_type": "domestic_worker",
        "contract": dict(WORK_CONTRACT),
        "presented": ALL_PRESENTED,
    }
    base.update(kw)
    return ScreeningContext(**base)


def write_regions(folder: Path) -> Path:
    """A tiny Kemendagri-style list with history, Papua re-coding, NTT splits and villages."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "wilayah_kecamatan.csv").write_text(
        "code,name,level\n53,Nusa Tenggara Timur,province\n5301,Kabupaten Kupang,regency\n"
        "530104,Semau,district\n5304,Kabupaten Belu,regency\n530401,Lamaknen,district\n"
        "5321,Kabupaten Malaka,regency\n532101,Malaka Tengah,district\n"
        "5371,Kota Kupang,regency\n537101,Alak,district\n537102,Maulafa,district\n"
        "93,Papua Selatan,province\n9301,Kabupaten Merauke,regency\n930101,Merauke,district\n"
        "35,Jawa Timur,province\n3578,Kota Surabaya,regency\n"
    )
    (folder / "wilayah_kecamatan_history.csv").write_text(
        "code,name_latest,level,first_list,last_list,in_lists,current\n"
        "9101,KAB. MERAUKE,regency,2016,2022,2016;2022,no\n910101,Merauke,district,2016,2022,2016;2022,no\n"
    )
    (folder / "wilayah_code_changes_papua.csv").write_text(
        "old_code,old_name,new_code,new_name,level,old_list\n"
        "9101,KAB. MERAUKE,9301,Kabupaten Merauke,regency,2022\n910101,Merauke,930101,Merauke,district,2022\n"
    )
    (folder / "ntt_regency_splits.csv").write_text(
        "child_code,child_name,parent_code,parent_name,year,date_or_statute,source\n"
        "5321,Kabupaten Malaka,5304,Kabupaten Belu,2013,UU 3/2013,test\n"
    )
    (folder / "wilayah_desa.csv").write_text(
        "code,name,level,village_type,district_code\n5371011001,Namosain,village,kelurahan,537101\n"
        "5371021001,Oepura,village,kelurahan,537102\n"
    )
    return folder / "wilayah_kecamatan.csv"


def regions_table(tmp: Path) -> RegionTable:
    return read_region_table(write_regions(tmp))


def rule_input(
    docs: list[Document] | tuple[Document, ...],
    context: ScreeningContext | None = None,
    regions: RegionTable | None = None,
    records: RecordEvidence | None = None,
    thresholds: Thresholds | None = None,
) -> RuleInput:
    return RuleInput(
        tuple(docs),
        context or ScreeningContext(screening_date=TODAY),
        thresholds or Thresholds(),
        regions,
        records,
    )


def with_quality(doc: Document, **metrics: float) -> Document:
    return replace(doc, quality=Quality(metrics=dict(metrics)))


def flip(lines: list[str], line: int, col: int) -> list[str]:
    """The MRZ with one check digit changed to another digit."""
    old = lines[line][col]
    new = str((int(old) + 1) % 10) if old.isdigit() else "1"
    return set_char(lines, line, col, new)
