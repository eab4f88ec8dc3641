"""Known-case records: what one case says about a person, and how a raw row is validated.

A record has a case id, a role (suspect, victim, missing, associate, other), a name and aliases,
a birth date that may be exact (``1990-04-17``), a month (``1990-04``), a year (``1990``) or a range
(``1988/1992`` or ``1990-01-01/1990-12-31``), sex, nationalities (ICAO codes or country names),
NIKs, passport numbers, a region (Kemendagri code or name), source and notes.  Validation returns a
result (record or the reasons it is invalid) instead of raising, so an import can report every bad
row and go on.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from docscreen.models import JsonDict

ROLES = ("suspect", "victim", "missing", "associate", "other")
SEXES = ("M", "F", "X")
_CASE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$")
_NIK = re.compile(r"^\d{16}$")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")
_NATIONALITY = re.compile(r"^[A-Z][A-Z .'()-]{1,59}$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MAX_NAME_LEN = 200
MAX_ALIASES = 50
MAX_NOTES_LEN = 4000

# Country names some lists print instead of ICAO codes; both sides of a comparison are mapped.
_COUNTRY_CODES = {
    "INDONESIA": "IDN",
    "TIMOR-LESTE": "TLS",
    "TIMOR LESTE": "TLS",
    "EAST TIMOR": "TLS",
    "MALAYSIA": "MYS",
    "SINGAPORE": "SGP",
    "PHILIPPINES": "PHL",
    "AUSTRALIA": "AUS",
    "HONG KONG": "HKG",
    "TAIWAN": "TWN",
    "SAUDI ARABIA": "SAU",
    "BRUNEI": "BRN",
    "PAPUA NEW GUINEA": "PNG",
}


def normalise_nationality(value: str) -> str:
    text = " ".join(value.strip().upper().split())
    return _COUNTRY_CODES.get(text, text)


def normalise_document_number(value: str) -> str:
    return re.sub(r"[\s<-]", "", value.strip().upper())


@dataclass(frozen=True)
class BirthDate:
    """A birth date known exactly, to the month, to the year, or as a range (inclusive)."""

    low: dt.date
    high: dt.date
    text: str

    @property
    def exact(self) -> bool:
        return self.low == self.high


def _date_bounds(text: str) -> tuple[dt.date, dt.date] | None:
    m = _DATE.match(text)
    if not m:
        return None
    year = int(m.group(1))
    if not 1850 <= year <= 2100:
        return None
    try:
        if m.group(3):
            d = dt.date(year, int(m.group(2)), int(m.group(3)))
            return d, d
        if m.group(2):
            month = int(m.group(2))
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
    except ValueError:
        return None
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def parse_birth_date(text: str | None) -> BirthDate | None:
    """``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or ``A/B`` of those; None when absent or invalid."""
    if text is None:
        return None
    text = text.strip()
    if not text:
        return None
    if "/" in text:
        a, _, b = text.partition("/")
        lo = _date_bounds(a.strip())
        hi = _date_bounds(b.strip())
        if lo is None or hi is None or hi[1] < lo[0]:
            return None
        return BirthDate(lo[0], hi[1], text)
    bounds = _date_bounds(text)
    if bounds is None:
        return None
    return BirthDate(bounds[0], bounds[1], text)


@dataclass(frozen=True)
class CaseRecord:
    case_id: str
    role: str
    name: str
    aliases: tuple[str, ...] = ()
    birth_date: str | None = None  # as given: exact, month, year or range (see parse_birth_date)
    sex: str | None = None
    nationality: tuple[str, ...] = ()
    nik: tuple[str, ...] = ()
    passport_number: tuple[str, ...] = ()
    region: str | None = None
    source: str | None = None
    notes: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    @property
    def birth(self) -> BirthDate | None:
        return parse_birth_date(self.birth_date)

    def to_dict(self) -> JsonDict:
        return {
            "case_id": self.case_id,
            "role": self.role,
            "name": self.name,
            "aliases": list(self.aliases),
            "birth_date": self.birth_date,
            "sex": self.sex,
            "nationality": list(self.nationality),
            "nik": list(self.nik),
            "passport_number": list(self.passport_number),
            "region": self.region,
            "source": self.source,
            "notes": self.notes,
        }

    def to_json(self) -> str:
        """Canonical JSON of the content (sorted keys): history rows and the content hash."""
        return json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)

    def content_hash(self, canonical: str | None = None) -> str:
        """Hash of the content (not of who changed it when): unchanged rows are not rewritten."""
        blob = canonical if canonical is not None else self.to_json()
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Validation:
    record: CaseRecord | None
    errors: tuple[str, ...] = field(default=())


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v).strip() for v in value if v is not None and str(v).strip()]
    text = str(value)
    return [p.strip() for p in text.split("|") if p.strip()]


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list | tuple | dict):
        raise TypeError("expected a single value")
    text = str(value).strip()
    return text or None


def validate_record(row: Mapping[str, Any]) -> Validation:
    """Check one raw row (CSV columns or JSON keys) and build a CaseRecord, or say what is wrong."""
    errors: list[str] = []
    try:
        case_id = _as_text(row.get("case_id")) or ""
        role = (_as_text(row.get("role")) or "other").lower()
        name = " ".join((_as_text(row.get("name")) or "").split())
        aliases = [" ".join(a.split()) for a in _as_list(row.get("aliases"))]
        birth_text = _as_text(row.get("birth_date"))
        sex = (_as_text(row.get("sex")) or "").upper() or None
        nationality = [normalise_nationality(n) for n in _as_list(row.get("nationality"))]
        niks = _as_list(row.get("nik"))
        passports = [normalise_document_number(p) for p in _as_list(row.get("passport_number"))]
        region = _as_text(row.get("region"))
        source = _as_text(row.get("source"))
        notes = _as_text(row.get("notes"))
    except TypeError as exc:
        return Validation(None, (f"malformed field: {exc}",))
    if not _CASE_ID.match(case_id):
        errors.append("case_id missing or not [A-Za-z0-9._:/-]{1,64}")
    if role not in ROLES:
        errors.append(f"role {role!r} is not one of {', '.join(ROLES)}")
    if not name or not any(c.isalpha() for c in name):
        errors.append("name is missing")
    elif len(name) > MAX_NAME_LEN:
        errors.append(f"name longer than {MAX_NAME_LEN} characters")
    if len(aliases) > MAX_ALIASES or any(len(a) > MAX_NAME_LEN for a in aliases):
        errors.append(f"more than {MAX_ALIASES} aliases or an alias that is too long")
    if birth_text is not None and parse_birth_date(birth_text) is None:
        errors.append(f"birth_date {birth_text!r} is not YYYY-MM-DD, YYYY-MM, YYYY or A/B")
    if sex is not None and sex not in SEXES:
        errors.append(f"sex {sex!r} is not M, F or X")
    for n in nationality:
        if not _NATIONALITY.match(n):
            errors.append(f"nationality {n!r} is not a code or country name")
    for nik in niks:
        if not _NIK.match(nik):
            errors.append(f"nik {nik!r} is not 16 digits")
    for p in passports:
        if not _PASSPORT.match(p):
            errors.append(f"passport_number {p!r} is not 5-20 letters/digits")
    if notes is not None and len(notes) > MAX_NOTES_LEN:
        errors.append(f"notes longer than {MAX_NOTES_LEN} characters")
    if errors:
        return Validation(None, tuple(errors))
    return Validation(
        CaseRecord(
            case_id=case_id,
            role=role,
            name=name,
            aliases=tuple(dict.fromkeys(a for a in aliases if a != name)),
            birth_date=birth_text,
            sex=sex,
            nationality=tuple(dict.fromkeys(nationality)),
            nik=tuple(dict.fromkeys(niks)),
            passport_number=tuple(dict.fromkeys(passports)),
            region=region,
            source=source,
            notes=notes,
        )
    )
