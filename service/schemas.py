"""Pydantic models of the HTTP API (the library itself uses dataclasses)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from service.auth import Role

Risk = Literal["CLEAR", "REVIEW", "ALERT"]
CaseRole = Literal["suspect", "victim", "missing", "associate", "other"]


class ErrorInfo(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorInfo


class MeOut(BaseModel):
    name: str
    role: Role


class ScreeningSummary(BaseModel):
    id: str
    created_at: str
    risk: Risk
    n_images: int


class ScreeningList(BaseModel):
    total: int
    items: list[ScreeningSummary]


class ScreeningOut(ScreeningSummary):
    image_sha256: list[str]
    context: dict[str, Any]
    report: dict[str, Any] = Field(
        description="ScreeningReport: risk, findings (code, severity, status, message id/en,"
        " evidence, boxes), matches (officers see case id, score, role and alert only),"
        " documents, timings, seconds"
    )


class CaseIn(BaseModel):
    """A known-case record (the fields of ``docscreen.cases.records.CaseRecord``)."""

    model_config = ConfigDict(extra="forbid")
    case_id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._:/-]*$")
    role: CaseRole = "other"
    name: str = Field(min_length=1, max_length=200, pattern=r"\S")
    aliases: list[str] = Field(default_factory=list, max_length=50)
    birth_date: str | None = Field(
        None,
        max_length=21,
        pattern=r"^\d{4}(-\d{2}(-\d{2})?)?(/\d{4}(-\d{2}(-\d{2})?)?)?$",
        description="exact, month, year, or a range 'low/high'",
    )
    sex: Literal["M", "F", "X"] | None = None
    nationality: list[str] = Field(default_factory=list, max_length=10)
    nik: list[str] = Field(default_factory=list, max_length=10)
    passport_number: list[str] = Field(default_factory=list, max_length=10)
    region: str | None = Field(None, max_length=100)
    source: str | None = Field(None, max_length=200)
    notes: str | None = Field(None, max_length=4000)


class CaseOut(BaseModel):
    case_id: str
    role: str
    name: str
    aliases: list[str] = Field(default_factory=list)
    birth_date: str | None = None
    sex: str | None = None
    nationality: list[str] = Field(default_factory=list)
    nik: list[str] = Field(default_factory=list)
    passport_number: list[str] = Field(default_factory=list)
    region: str | None = None
    source: str | None = None
    notes: str | None = None


class CaseList(BaseModel):
    items: list[CaseOut]


class ImportOut(BaseModel):
    imported: int = Field(description="valid rows written (inserted, updated or unchanged)")
    invalid: int = Field(0, description="rows refused by validation")


class NameQueryIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200, pattern=r"\S")
    dob: str | None = Field(None, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    sex: Literal["M", "F", "X"] | None = None
    nationality: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    limit: int = Field(10, ge=1, le=100)


class MatchOut(BaseModel):
    case_id: str
    score: float
    role: str
    alert: bool
    features: dict[str, Any]


class SearchOut(BaseModel):
    matches: list[MatchOut]


class AuditEntryOut(BaseModel):
    seq: int
    ts: str
    actor: str | None
    role: str | None
    action: str
    screening_id: str | None
    result: str | None
    detail: dict[str, Any]
    prev_hash: str
    hash: str


class AuditList(BaseModel):
    items: list[AuditEntryOut]


class VerifyOut(BaseModel):
    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    problems: list[str]


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=2, max_length=63, pattern=r"^[a-z0-9][a-z0-9._-]+$")
    role: Role
    password: str | None = Field(None, min_length=8, max_length=200)


class UserOut(BaseModel):
    id: int
    name: str
    role: Role
    active: bool


class UserList(BaseModel):
    items: list[UserOut]


class KeyIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    days: float | None = Field(None, gt=0, le=3650)


class KeyOut(BaseModel):
    key: str = Field(description="Shown once; store it safely. Send it in the X-API-Key header.")
    key_id: str
    expires_at: float | None


class PurgeOut(BaseModel):
    deleted: int


class HealthOut(BaseModel):
    status: str


class ReadyOut(BaseModel):
    ready: bool
