"""What the documents of one traveller claim about them: every birth date, sex and name, with the
document and the zone (printed, MRZ, NIK, KK row) each claim comes from."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from docscreen.checks.context import PASSPORT_KINDS, RuleInput, norm_sex, parse_date
from docscreen.checks.names import compare_indonesian
from docscreen.checks.rules_icao import mrz_view_of
from docscreen.indonesia.nik import NikParts, nik_birth_date_near, split_nik
from docscreen.models import Document, DocumentKind, Field


@dataclass(frozen=True)
class Claim:
    document: int
    kind: str  # document kind
    zone: str  # "viz" | "mrz" | "nik" | "kk"
    date: dt.date

    def label(self) -> str:
        return f"{self.kind}#{self.document}.{self.zone}={self.date.isoformat()}"


def claim_field(inp: RuleInput, claim: Claim) -> Field | None:
    """The field a claim was read from (None for the MRZ: its check digits vouch for it)."""
    doc = inp.documents[claim.document]
    if claim.zone == "viz":
        return doc.fields.get("birth_date")
    if claim.zone == "nik":
        return doc.fields.get("nik")
    if claim.zone == "kk":
        row = kk_row_index(inp, doc)
        return doc.fields.get(f"member.{row}.birth_date") if row is not None else None
    return None


def kk_row_index(inp: RuleInput, doc: Document) -> int | None:
    row = kk_row_of_traveller(inp, doc)
    if row is None:
        return None
    members = kk_members(doc)
    return next((n for n, r in enumerate(members, start=1) if r is row), None)


def kk_members(doc: Document) -> list[dict[str, str]]:
    """KK rows from fields named ``member.<n>.<attribute>`` (n from 1), in order."""
    rows: dict[int, dict[str, str]] = {}
    for name, f in doc.fields.items():
        m = re.fullmatch(r"member\.(\d+)\.(\w+)", name)
        if m and f.value is not None:
            rows.setdefault(int(m[1]), {})[m[2]] = f.value
    return [rows[k] for k in sorted(rows)]


def ktp_nik(doc: Document) -> NikParts | None:
    raw = doc.value("nik")
    return split_nik(raw) if raw else None


def kk_row_of_traveller(inp: RuleInput, doc: Document) -> dict[str, str] | None:
    """The KK row of the traveller: same NIK as the KTP, else the only row of the same name."""
    members = kk_members(doc)
    ktp = inp.first(DocumentKind.IDN_KTP)
    nik = ktp_nik(ktp[1]) if ktp else None
    if nik is not None:
        for row in members:
            parts = split_nik(row.get("nik", ""))
            if parts is not None and parts.nik == nik.nik:
                return row
    name = None
    if ktp is not None:
        name = ktp[1].value("full_name")
    if name is None:
        pp = inp.first(*PASSPORT_KINDS)
        name = pp[1].value("full_name") if pp else None
    if name:
        same = [r for r in members if compare_indonesian(name, r.get("full_name", "")).same]
        if len(same) == 1:
            return same[0]
    return None


def birth_claims(inp: RuleInput, *, include_nik: bool = True) -> list[Claim]:
    """Every birth date any document gives for the traveller."""
    today = inp.context.screening_date
    out: list[Claim] = []
    for i, doc in enumerate(inp.documents):
        printed = parse_date(doc.value("birth_date"))
        if printed is not None:
            out.append(Claim(i, doc.kind.value, "viz", printed))
        v = mrz_view_of(doc)
        if v is not None:
            b = v.birth_date(today)
            if b is not None:
                out.append(Claim(i, doc.kind.value, "mrz", b))
        if doc.kind is DocumentKind.IDN_KTP and include_nik:
            parts = ktp_nik(doc)
            if parts is not None:
                d = nik_birth_date_near(parts, printed)
                if d is not None and d <= today:
                    out.append(Claim(i, doc.kind.value, "nik", d))
        if doc.kind is DocumentKind.IDN_KK:
            row = kk_row_of_traveller(inp, doc)
            kd = parse_date(row.get("birth_date")) if row else None
            if kd is not None:
                out.append(Claim(i, doc.kind.value, "kk", kd))
    return out


def passport_birth_claims(inp: RuleInput) -> list[Claim]:
    """The passport's birth date: the MRZ when its check digit holds (machine-verified), else the
    printed one; an OCR slip in the printed date must not count as a second claim."""
    out: list[Claim] = []
    today = inp.context.screening_date
    for i, doc in inp.of_kind(*PASSPORT_KINDS):
        v = mrz_view_of(doc)
        b = v.birth_date(today) if v is not None else None
        check = v.checks.get("birth") if v is not None else None
        if b is not None and check is not None and check.valid:
            out.append(Claim(i, doc.kind.value, "mrz", b))
            continue
        printed = parse_date(doc.value("birth_date"))
        if printed is not None:
            out.append(Claim(i, doc.kind.value, "viz", printed))
        elif b is not None:
            out.append(Claim(i, doc.kind.value, "mrz", b))
    return out


def passport_sex(doc: Document) -> str | None:
    v = mrz_view_of(doc)
    if v is not None and v.sex in ("M", "F"):
        return v.sex
    return norm_sex(doc.value("sex"))


def passport_name(doc: Document) -> str | None:
    full = doc.value("full_name")
    if full:
        return full
    parts = [p for p in (doc.value("given_names"), doc.value("surname")) if p]
    if parts:
        return " ".join(parts)
    v = mrz_view_of(doc)
    if v is not None:
        return " ".join(p for p in (v.given_names, v.surname) if p) or None
    return None
