"""What every rule sees: the traveller's documents, the officer's context, the heuristic thresholds,
the region table and case-record evidence, plus small accessors shared by the rule modules."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from docscreen.indonesia.regions import RegionTable
from docscreen.models import Document, DocumentKind, Match, MrzResult, ScreeningContext


@dataclass(frozen=True)
class Thresholds:
    """Heuristic limits of the rules (``crosscheck_rules.csv`` marks them heuristic); a policy file
    may override each by name."""

    adult_age: int = 18  # PMI-01, KTP-02b, KK-02b, PP-06b (UU 18/2017 Ps.5)
    domestic_worker_age: int = 21  # PMI-02, PP-06b for domestic placements
    max_age: int = 110  # NIK-07
    ktp_min_age: int = 17  # KTP-05 (UU 24/2013 Ps.63)
    marriage_min_age: int = 19  # KTP-06 (UU 16/2019)
    passport_10y_min_age: int = 17  # PP-05, PP-12 (Permenkumham 18/2022)
    just_in_time_days: int = 90  # KTP-09, PP-11
    ktp_first_issue_year: int = 2011  # KTP-07: KTP-el since 2011
    ktp_dated_validity_last_issue_year: int = 2016  # KTP-07: dated cards issued until ~2016
    pmi04_min_age: int = 18
    pmi04_max_age: int = 35
    mother_min_age: int = 12  # KK-03
    mother_max_age: int = 55
    father_min_age: int = 13
    father_max_age: int = 75
    sibling_min_gap_days: int = 270  # KK-03 (non-twins)
    record_max_dob_diff_years: int = 6  # ID-02
    pp10_young_age: int = 25  # PP-10 escalation
    vocab_min_score: int = 85  # KTP-08 fuzzy vocabulary match (0..100)
    region_min_score: int = 85  # KTP-03 / PP-09 fuzzy region-name match
    name_max_edits: int = 1  # per name token: OCR slips are not forgeries
    # Printed values read below this confidence (percent) are not compared (checks.reading).
    min_read_confidence: int = 30
    # A printed value one character away from what it is compared with is a misreading unless it
    # was read at least this confidently (percent; checks.reading.slip).
    min_mismatch_confidence: int = 90
    # A printed name read below this confidence (percent) that shares no token with the MRZ name
    # is an unreadable name, not another one (checks.reading.unsure_name).
    min_name_confidence: int = 50
    validity_grace_days: int = 31  # passports may run a few weeks past 5/10 years
    passport_max_years: int = 10
    card_max_years: int = 15
    visa_max_years: int = 10


@dataclass(frozen=True)
class IdentityConflict:
    """A case record sharing an identifier (NIK, passport number) with a different identity."""

    case_id: str
    identifier: str  # "nik" | "document_number"
    value: str
    record_name: str | None = None
    record_birth_date: str | None = None


@dataclass(frozen=True)
class RecordEvidence:
    """What the case store said about this traveller (ID-01, ID-02)."""

    conflicts: tuple[IdentityConflict, ...] = ()
    matches: tuple[Match, ...] = ()


@dataclass(frozen=True)
class RuleInput:
    documents: tuple[Document, ...]
    context: ScreeningContext = field(default_factory=ScreeningContext)
    thresholds: Thresholds = field(default_factory=Thresholds)
    regions: RegionTable | None = None
    records: RecordEvidence | None = None  # None: no case store configured

    def of_kind(self, *kinds: DocumentKind) -> list[tuple[int, Document]]:
        return [(i, d) for i, d in enumerate(self.documents) if d.kind in kinds]

    def first(self, *kinds: DocumentKind) -> tuple[int, Document] | None:
        found = self.of_kind(*kinds)
        return found[0] if found else None

    @property
    def departure(self) -> dt.date:
        return self.context.departure_date or self.context.screening_date


PASSPORT_KINDS = (DocumentKind.IDN_PASSPORT, DocumentKind.PASSPORT)
MRZ_KINDS = (
    DocumentKind.IDN_PASSPORT,
    DocumentKind.PASSPORT,
    DocumentKind.TD1_CARD,
    DocumentKind.TD2_CARD,
    DocumentKind.VISA,
)

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),  # ISO
    re.compile(r"^(\d{1,2})[-./ ](\d{1,2})[-./ ](\d{4})$"),  # DD-MM-YYYY as printed in Indonesia
)
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("JAN",), ("FEB", "PEB"), ("MAR",), ("APR",), ("MAY", "MEI"), ("JUN",), ("JUL",),
            ("AUG", "AGU", "AGT", "AGS"), ("SEP",), ("OCT", "OKT"), ("NOV", "NOP"), ("DEC", "DES"),
        ]
    )
    for m in names
}  # fmt: skip


def parse_date(text: str | None) -> dt.date | None:
    """A date from ISO, DD-MM-YYYY (any of - . / space) or DD MON YYYY (English/Indonesian)."""
    if not text:
        return None
    raw = text.strip().upper()
    m = _DATE_PATTERNS[0].match(raw)
    try:
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        m = _DATE_PATTERNS[1].match(raw)
        if m:
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        m = re.match(r"^(\d{1,2})\s*([A-Z]{3})[A-Z]*\s*/?\s*(?:[A-Z]+\s*)?(\d{4})$", raw)
        if m and m[2] in _MONTHS:
            return dt.date(int(m[3]), _MONTHS[m[2]], int(m[1]))
    except ValueError:
        return None
    return None


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def mrz_value(mrz: MrzResult | None, name: str) -> str | None:
    if mrz is None or not mrz.found:
        return None
    f = mrz.fields.get(name)
    if f is None:
        return None
    value = f.value.strip().strip("<").strip()
    return value or None


def norm_sex(value: str | None) -> str | None:
    """M/F from M, F, L (laki-laki), P (perempuan), LAKI-LAKI, PEREMPUAN, MALE, FEMALE, K/M..."""
    if not value:
        return None
    v = re.sub(r"[^A-Z/]", "", value.upper())
    if not v:
        return None
    if v.startswith(("LAKI", "MALE", "PRIA")) or v in {"M", "L", "LK"}:
        return "M"
    if v.startswith(("PEREMPUAN", "FEMALE", "WANITA")) or v in {"F", "P", "PR", "W"}:
        return "F"
    if "/" in v:  # bilingual prints such as "K/M" (Azerbaijani kişi/male) or "Q/F"
        return norm_sex(v.split("/")[-1])
    if v == "X":
        return "X"
    return None


def issue_date_of(doc: Document) -> dt.date | None:
    """The printed issue date, or None when unreadable or identical to the expiry date (a reader
    that copies one date into both fields must not look like a document issued on its expiry)."""
    issue = parse_date(doc.value("issue_date"))
    if issue is None:
        return None
    expiry = parse_date(doc.value("expiry_date"))
    return None if expiry == issue else issue
