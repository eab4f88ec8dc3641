"""The versioned JSON API, ``/api/v1``.  Access rules live in :mod:`service.policy`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, Security, UploadFile
from fastapi.responses import Response
from fastapi.security import APIKeyHeader

from docscreen.errors import InputError
from docscreen.models import ScreeningContext
from service.audit import AuditEvent
from service.auth import Principal
from service.core import Service, list_screenings, load_screening, run_screening
from service.deps import get_service, principal
from service.errors import PayloadTooLargeError, TooManyFilesError
from service.overlay import outlined_png
from service.ports import NameQuery
from service.schemas import (
    AuditList,
    CaseIn,
    CaseList,
    CaseOut,
    ErrorOut,
    ImportOut,
    KeyIn,
    KeyOut,
    MatchOut,
    MeOut,
    NameQueryIn,
    PurgeOut,
    ScreeningList,
    ScreeningOut,
    SearchOut,
    UserIn,
    UserList,
    UserOut,
    VerifyOut,
)

# Declared for the OpenAPI document (clients see how to authenticate); the check itself is the
# app-wide enforce_policy dependency, which also accepts a web session plus its CSRF token.
api_key_scheme = APIKeyHeader(name="X-API-Key", auto_error=False, description="per-person API key")
router = APIRouter(prefix="/api/v1", tags=["api"], dependencies=[Security(api_key_scheme)])

SvcDep = Annotated[Service, Depends(get_service)]
WhoDep = Annotated[Principal, Depends(principal)]

_AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "missing, invalid or expired credentials"},
    403: {"model": ErrorOut, "description": "role not allowed, or CSRF token missing"},
}
_UPLOAD_ERRORS: dict[int | str, dict[str, Any]] = {
    **_AUTH_ERRORS,
    400: {"model": ErrorOut, "description": "wrong number of files, empty file"},
    413: {"model": ErrorOut, "description": "body, file or image dimensions too large"},
    415: {"model": ErrorOut, "description": "not an accepted image format (judged by content)"},
    422: {"model": ErrorOut, "description": "corrupt or truncated image, invalid field"},
    429: {"model": ErrorOut, "description": "per-user rate limit; see Retry-After"},
    503: {"model": ErrorOut, "description": "too many screenings in flight; see Retry-After"},
    504: {"model": ErrorOut, "description": "reading the images timed out"},
}
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    **_AUTH_ERRORS,
    404: {"model": ErrorOut, "description": "not found"},
}


def _audit(svc: Service, who: Principal, action: str, **kw: Any) -> None:
    svc.audit.append(AuditEvent(action=action, actor=who.name, role=who.role.value, **kw))


@router.get("/me", name="api_me", response_model=MeOut, responses=_AUTH_ERRORS)
def me(who: WhoDep) -> MeOut:
    """Who the credentials belong to, and their role."""
    return MeOut(name=who.name, role=who.role)


# screenings -----------------------------------------------------------------------------------
def parse_context(
    purpose: str | None, destination: str | None, departure_date: dt.date | None
) -> ScreeningContext:
    dest = destination.strip().upper() if destination else None
    if dest is not None and (len(dest) != 3 or not dest.isalpha()):
        raise InputError("destination must be a 3-letter country code such as MYS or SAU")
    return ScreeningContext(
        departure_date=departure_date,
        purpose=purpose.strip().lower() if purpose and purpose.strip() else None,
        destination=dest,
    )


async def read_files(files: list[UploadFile], max_files: int, max_bytes: int) -> list[bytes]:
    if len(files) > max_files:
        raise TooManyFilesError(f"send at most {max_files} images of one traveller")
    out = []
    for f in files:
        # Read one byte past the limit: enough to know it is too big, never the whole thing.
        out.append(await f.read(max_bytes + 1))
    return out


@router.post(
    "/screenings",
    name="api_create_screening",
    response_model=ScreeningOut,
    status_code=201,
    responses=_UPLOAD_ERRORS,
)
async def create_screening(
    request: Request,
    svc: SvcDep,
    who: WhoDep,
    files: Annotated[list[UploadFile], File(description="1 to 4 images of one traveller")],
    purpose: Annotated[str | None, Form(max_length=40)] = None,
    destination: Annotated[str | None, Form(max_length=3)] = None,
    departure_date: Annotated[dt.date | None, Form()] = None,
) -> dict[str, Any]:
    """Screen one traveller's documents (1..4 images) with the travel context."""
    context = parse_context(purpose, destination, departure_date)
    data = await read_files(files, svc.settings.max_files, svc.settings.max_file_bytes)
    record, _report, _ = await run_screening(svc, who, data, context)
    return record.to_dict(who.role)


@router.get(
    "/screenings", name="api_list_screenings", response_model=ScreeningList, responses=_AUTH_ERRORS
)
def get_screenings(
    svc: SvcDep,
    who: WhoDep,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> dict[str, Any]:
    """The caller's own screenings, newest first."""
    total, items = list_screenings(svc, who, offset=offset, limit=limit)
    return {"total": total, "items": items}


@router.get(
    "/screenings/{screening_id}",
    name="api_get_screening",
    response_model=ScreeningOut,
    responses=_NOT_FOUND,
)
def get_screening(
    svc: SvcDep, who: WhoDep, screening_id: Annotated[str, Path(max_length=64)]
) -> dict[str, Any]:
    """One screening's report (officers: their own only)."""
    record = load_screening(svc, screening_id, who)
    _audit(svc, who, "screening.read", screening_id=record.id, result=record.risk)
    return record.to_dict(who.role)


@router.get(
    "/screenings/{screening_id}/images/{index}",
    name="api_screening_image",
    responses={**_NOT_FOUND, 200: {"content": {"image/png": {}}}},
    response_class=Response,
)
def get_screening_image(svc: SvcDep, who: WhoDep, screening_id: str, index: int) -> Response:
    """A retained image with the suspect regions outlined (only while retention keeps it)."""
    record = load_screening(svc, screening_id, who)
    if not 0 <= index < record.n_images:
        raise InputError("no image with that index")
    data = svc.retention.get(record.id, index)
    boxes = [
        (tuple(b["box"]), str(f.get("severity", "")))
        for f in record.report.get("findings", [])
        for b in f.get("boxes", [])
        if b.get("document") == index and f.get("status") == "fail"
    ]
    png = outlined_png(data, boxes)
    _audit(svc, who, "image.read", screening_id=record.id, result="ok", detail={"images": 1})
    return Response(png, media_type="image/png")


# case records (supervisors) -------------------------------------------------------------------
@router.get("/cases", name="api_list_cases", response_model=CaseList, responses=_AUTH_ERRORS)
def list_cases(
    svc: SvcDep,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> dict[str, Any]:
    """Known-case records, a page at a time."""
    return {"items": svc.cases.list_records(offset, limit)}


@router.post(
    "/cases", name="api_create_case", response_model=CaseOut, status_code=201, responses=_NOT_FOUND
)
def create_case(svc: SvcDep, who: WhoDep, record: CaseIn) -> dict[str, Any]:
    """Add a known-case record."""
    out = svc.cases.create_record(record.model_dump(), who.name)
    _audit(svc, who, "case.create", result="ok", detail={"case_id": out["case_id"]})
    return out


@router.get("/cases/{case_id}", name="api_get_case", response_model=CaseOut, responses=_NOT_FOUND)
def get_case(svc: SvcDep, who: WhoDep, case_id: str) -> dict[str, Any]:
    """One known-case record."""
    out = svc.cases.get_record(case_id)
    _audit(svc, who, "case.read", result="ok", detail={"case_id": case_id})
    return out


@router.put(
    "/cases/{case_id}", name="api_update_case", response_model=CaseOut, responses=_NOT_FOUND
)
def update_case(svc: SvcDep, who: WhoDep, case_id: str, record: CaseIn) -> dict[str, Any]:
    """Replace a known-case record."""
    out = svc.cases.update_record(case_id, {**record.model_dump(), "case_id": case_id}, who.name)
    _audit(svc, who, "case.update", result="ok", detail={"case_id": case_id})
    return out


@router.delete("/cases/{case_id}", name="api_delete_case", status_code=204, responses=_NOT_FOUND)
def delete_case(svc: SvcDep, who: WhoDep, case_id: str) -> Response:
    """Delete a known-case record."""
    svc.cases.delete_record(case_id, who.name)
    _audit(svc, who, "case.delete", result="ok", detail={"case_id": case_id})
    return Response(status_code=204)


@router.post(
    "/cases/import",
    name="api_import_cases",
    response_model=ImportOut,
    responses={**_AUTH_ERRORS, 422: {"model": ErrorOut}},
)
async def import_cases(
    svc: SvcDep,
    who: WhoDep,
    file: Annotated[UploadFile, File(description="CSV or JSONL case records")],
    format: Annotated[Literal["csv", "jsonl"], Form()] = "csv",
) -> dict[str, Any]:
    """Import many known-case records at once."""
    data = await file.read(svc.settings.max_body_bytes + 1)
    if len(data) > svc.settings.max_body_bytes:
        raise PayloadTooLargeError("the import file is larger than the request limit")
    valid, invalid = await anyio.to_thread.run_sync(
        svc.cases.import_records, data, format, who.name
    )
    _audit(
        svc,
        who,
        "case.import",
        result="ok",
        detail={"count": valid, "status": f"{invalid} invalid"},
    )
    return {"imported": valid, "invalid": invalid}


@router.post(
    "/cases/search", name="api_search_cases", response_model=SearchOut, responses=_AUTH_ERRORS
)
def search_cases(svc: SvcDep, who: WhoDep, query: NameQueryIn) -> dict[str, Any]:
    """Name search over the case records (the name travels in the body, never in the URL)."""
    q = NameQuery(query.name, query.dob, query.sex, query.nationality)
    matches = svc.cases.search(q, query.limit)
    _audit(svc, who, "case.search", result="ok", detail={"matches": len(matches)})
    return {"matches": [MatchOut(**m.to_dict()) for m in matches]}


# audit (auditors) -------------------------------------------------------------------------------
@router.get("/audit", name="api_audit_entries", response_model=AuditList, responses=_AUTH_ERRORS)
def audit_entries(
    svc: SvcDep,
    after: Annotated[int, Query(ge=0, le=2**62)] = 0,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    screening_id: Annotated[str | None, Query(max_length=64)] = None,
) -> dict[str, Any]:
    """Audit entries after a sequence number, oldest first."""
    entries = svc.audit.entries(after=after, limit=limit, screening_id=screening_id)
    return {"items": [e.to_dict() for e in entries]}


@router.get(
    "/audit/verify", name="api_audit_verify", response_model=VerifyOut, responses=_AUTH_ERRORS
)
def audit_verify(svc: SvcDep, who: WhoDep) -> dict[str, Any]:
    """Walk the whole hash chain; report edited, missing or reordered entries."""
    result = svc.audit.verify()
    _audit(
        svc,
        who,
        "audit.verify",
        result="ok" if result.ok else "broken",
        detail={"entries": result.entries},
    )
    return result.to_dict()


# administration ---------------------------------------------------------------------------------
@router.get("/users", name="api_list_users", response_model=UserList, responses=_AUTH_ERRORS)
def list_users(svc: SvcDep) -> dict[str, Any]:
    """Service users and their roles."""
    return {
        "items": [
            {"id": u.id, "name": u.name, "role": u.role, "active": u.active}
            for u in svc.auth.list_users()
        ]
    }


@router.post(
    "/users",
    name="api_create_user",
    response_model=UserOut,
    status_code=201,
    responses={**_AUTH_ERRORS, 400: {"model": ErrorOut}},
)
def create_user(svc: SvcDep, who: WhoDep, user: UserIn) -> dict[str, Any]:
    """Create a user (password optional: machine clients use API keys)."""
    u = svc.auth.create_user(user.name, user.role, user.password)
    _audit(
        svc,
        who,
        "user.create",
        result="ok",
        detail={"target_user": u.name, "target_role": u.role.value},
    )
    return {"id": u.id, "name": u.name, "role": u.role, "active": u.active}


@router.post(
    "/users/{name}/keys",
    name="api_create_key",
    response_model=KeyOut,
    status_code=201,
    responses=_NOT_FOUND,
)
def create_key(svc: SvcDep, who: WhoDep, name: str, body: KeyIn) -> dict[str, Any]:
    """Issue an API key for a user; the key is shown once."""
    new = svc.auth.create_key(name, days=body.days)
    _audit(svc, who, "key.create", result="ok", detail={"target_user": name, "key_id": new.key_id})
    return {"key": new.key, "key_id": new.key_id, "expires_at": new.expires_at}


@router.delete("/keys/{key_id}", name="api_revoke_key", status_code=204, responses=_NOT_FOUND)
def revoke_key(svc: SvcDep, who: WhoDep, key_id: str) -> Response:
    """Revoke an API key."""
    svc.auth.revoke_key(key_id)
    _audit(svc, who, "key.revoke", result="ok", detail={"key_id": key_id})
    return Response(status_code=204)


@router.post(
    "/retention/purge", name="api_retention_purge", response_model=PurgeOut, responses=_AUTH_ERRORS
)
def retention_purge(svc: SvcDep, who: WhoDep) -> dict[str, Any]:
    """Delete expired retained images now (the purge is audited)."""
    return {"deleted": svc.retention.purge(actor=who.name, role=who.role.value)}
