"""Core result types.

Plain frozen dataclasses inside the library (fast, typed, no validation cost); pydantic is used only
at the API edge in ``service/``.  Every type has ``to_dict()`` giving the JSON shape of the
command-line contracts in DESIGN.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

Box = tuple[int, int, int, int]
"""Pixel box ``(x, y, width, height)`` in the coordinates of the image as given (after EXIF)."""

JsonDict = dict[str, Any]


class DocumentKind(StrEnum):
    IDN_PASSPORT = "idn_passport"
    IDN_KTP = "idn_ktp"
    PASSPORT = "passport"
    TD1_CARD = "td1_card"
    TD2_CARD = "td2_card"
    VISA = "visa"
    IDN_KK = "idn_kk"  # Kartu Keluarga (family card), usually entered by the officer
    UNKNOWN = "unknown"


class Severity(StrEnum):
    CRITICAL = "CRITICAL"
    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"
    INFO = "INFO"


class Status(StrEnum):
    FAIL = "fail"
    PASS = "pass"
    NOT_PERFORMED = "not_performed"


class Risk(StrEnum):
    CLEAR = "CLEAR"
    REVIEW = "REVIEW"
    ALERT = "ALERT"


class FieldSource(StrEnum):
    VIZ = "viz"
    MRZ = "mrz"
    NIK = "nik"
    ENTERED = "entered"


@dataclass(frozen=True)
class Field:
    """One value read from a document: normalised value, raw text, confidence 0..1, where, how."""

    name: str
    value: str | None
    raw: str = ""
    confidence: float = 0.0
    box: Box | None = None
    source: FieldSource = FieldSource.VIZ

    def to_dict(self) -> JsonDict:
        return {
            "value": self.value,
            "raw": self.raw,
            "confidence": round(self.confidence, 4),
            "box": list(self.box) if self.box is not None else None,
            "source": self.source.value,
        }


@dataclass(frozen=True)
class MrzField:
    """One MRZ field: value as interpreted, text as printed, check-digit status, coverage."""

    name: str
    value: str
    raw: str
    check: str = "none"  # "valid" | "invalid" | "none" (no check digit of its own)
    covered: bool = False  # True when any check digit (own or composite) covers this field
    notes: tuple[str, ...] = ()  # e.g. "truncated", "unknown_country_code", "not_a_date"

    def to_dict(self) -> JsonDict:
        out: JsonDict = {
            "value": self.value,
            "raw": self.raw,
            "check": self.check,
            "covered": self.covered,
        }
        if self.notes:
            out["notes"] = list(self.notes)
        return out


@dataclass(frozen=True)
class Repair:
    """One character the reader changed from what it read (line, column, read, used, why)."""

    line: int
    column: int
    read: str
    used: str
    reason: str

    def to_dict(self) -> JsonDict:
        return {
            "line": self.line,
            "column": self.column,
            "read": self.read,
            "used": self.used,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class MrzResult:
    """What the MRZ reader found.  ``lines`` is what is printed, even when its digits are wrong."""

    found: bool
    format: str | None = None
    lines: tuple[str, ...] = ()
    valid: bool = False
    fields: dict[str, MrzField] = field(default_factory=dict)
    checks: dict[str, str] = field(default_factory=dict)
    repairs: tuple[Repair, ...] = ()
    box: Box | None = None
    confidence: float = 0.0
    seconds: float = 0.0
    reason: str | None = None
    notes: tuple[str, ...] = ()  # format problems that make ``valid`` False besides check digits

    def to_dict(self, file: str | None = None) -> JsonDict:
        out: JsonDict = {} if file is None else {"file": file}
        out.update(
            {
                "found": self.found,
                "format": self.format,
                "lines": list(self.lines),
                "valid": self.valid,
                "fields": {k: v.to_dict() for k, v in self.fields.items()},
                "checks": dict(self.checks),
                "repairs": [r.to_dict() for r in self.repairs],
                "box": list(self.box) if self.box is not None else None,
                "confidence": round(self.confidence, 4),
                "seconds": round(self.seconds, 4),
            }
        )
        if self.reason:
            out["reason"] = self.reason
        if self.notes:
            out["notes"] = list(self.notes)
        return out


@dataclass(frozen=True)
class Quality:
    """Quality-gate measurements; ``usable`` False means checks depending on pixels abstain."""

    usable: bool = True
    reasons: tuple[str, ...] = ()
    metrics: dict[str, float] = field(default_factory=dict)
    # Status of each gate check ("pass" | "fail" | "not_performed"), e.g. {"blur": "pass",
    # "glare_over_nik": "not_performed"}; ``notes`` says why a check was not performed.
    checks: dict[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    def to_dict(self) -> JsonDict:
        return {
            "usable": self.usable,
            "reasons": list(self.reasons),
            "metrics": {k: round(v, 4) for k, v in self.metrics.items()},
            "checks": dict(self.checks),
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class Document:
    """One document as read: its kind, its printed fields, its MRZ and its image quality."""

    file: str | None
    kind: DocumentKind
    fields: dict[str, Field] = field(default_factory=dict)
    mrz: MrzResult | None = None
    quality: Quality = field(default_factory=Quality)
    image_size: tuple[int, int] | None = None  # (width, height)
    page: int | None = None
    sha256: str | None = None
    reason: str | None = None  # why nothing was read, when nothing was

    def value(self, name: str) -> str | None:
        f = self.fields.get(name)
        return f.value if f is not None else None

    def to_dict(self) -> JsonDict:
        out: JsonDict = {
            "file": self.file,
            "kind": self.kind.value,
            "fields": {k: v.to_dict() for k, v in self.fields.items()},
            "quality": self.quality.to_dict(),
            "mrz": self.mrz.to_dict() if self.mrz is not None else None,
            "image_size": list(self.image_size) if self.image_size else None,
        }
        if self.page is not None:
            out["page"] = self.page
        if self.sha256 is not None:
            out["sha256"] = self.sha256
        if self.reason:
            out["reason"] = self.reason
        return out


@dataclass(frozen=True)
class Message:
    id: str
    en: str

    def to_dict(self) -> JsonDict:
        return {"id": self.id, "en": self.en}


@dataclass(frozen=True)
class Finding:
    """The outcome of one rule on one traveller: what it compared, where, and why."""

    code: str
    severity: Severity
    status: Status
    message: Message
    evidence: JsonDict = field(default_factory=dict)
    boxes: tuple[tuple[int, Box], ...] = ()  # (document index, box)
    explanation: str = ""
    # True for image (tamper) signals: on their own they never raise the risk to ALERT.
    pixel: bool = False

    def to_dict(self) -> JsonDict:
        return {
            "code": self.code,
            "severity": self.severity.value,
            "status": self.status.value,
            "message": self.message.to_dict(),
            "evidence": self.evidence,
            "boxes": [{"document": d, "box": list(b)} for d, b in self.boxes],
            "explanation": self.explanation,
            "pixel": self.pixel,
        }


@dataclass(frozen=True)
class Match:
    """A known-case record that resembles the traveller, with the features that explain the score."""

    case_id: str
    score: float
    role: str = "other"
    alert: bool = False
    features: JsonDict = field(default_factory=dict)

    def to_dict(self) -> JsonDict:
        return {
            "case_id": self.case_id,
            "score": round(self.score, 4),
            "role": self.role,
            "alert": self.alert,
            "features": self.features,
        }


@dataclass(frozen=True)
class ScreeningContext:
    """What the officer knows beyond the documents."""

    screening_date: dt.date = field(default_factory=dt.date.today)
    departure_date: dt.date | None = None
    purpose: str | None = None  # e.g. "work", "tourism", "umrah", "study"
    destination: str | None = None  # ISO 3166 alpha-3
    placement_type: str | None = None  # e.g. "domestic_worker", "plantation", "fishing"
    contract: dict[str, str] = field(default_factory=dict)
    # Supporting documents the officer has seen (e.g. "work_visa", "work_contract",
    # "placement_agreement", "bpjs", "id_pmi", "return_ticket", "consent_letter").
    presented: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ScreeningReport:
    risk: Risk
    findings: tuple[Finding, ...] = ()
    matches: tuple[Match, ...] = ()
    documents: tuple[Document, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    seconds: float = 0.0

    def to_dict(self) -> JsonDict:
        return {
            "risk": self.risk.value,
            "findings": [f.to_dict() for f in self.findings],
            "matches": [m.to_dict() for m in self.matches],
            "documents": [d.to_dict() for d in self.documents],
            "timings": {k: round(v, 4) for k, v in self.timings.items()},
            "seconds": round(self.seconds, 4),
        }
