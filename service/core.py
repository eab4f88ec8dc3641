"""The service's parts in one object, and the screening flow shared by the API and the web page."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from sqlalchemy import Engine, func, select

from docscreen.errors import DocscreenError, NotFoundError
from docscreen.models import ScreeningContext, ScreeningReport
from service import db
from service.audit import AuditEvent, AuditLog
from service.auth import Auth, Principal, Role
from service.errors import RetryLaterError, TooManyFilesError, status_for
from service.limits import InflightCap, RateLimiter, UploadLimits, check_upload
from service.observability import Metrics
from service.ports import CaseBackend, Screener
from service.retention import Retention
from service.runner import Runner, Upload
from service.settings import ServiceSettings

log = logging.getLogger("docscreen.service")


@dataclass
class Service:
    settings: ServiceSettings
    engine: Engine
    auth: Auth
    audit: AuditLog
    retention: Retention
    runner: Runner
    screener: Screener
    cases: CaseBackend
    cap: InflightCap
    rate: RateLimiter
    login_rate: RateLimiter
    metrics: Metrics

    @property
    def upload_limits(self) -> UploadLimits:
        s = self.settings
        return UploadLimits(s.max_file_bytes, s.max_image_pixels, s.max_image_side)


@dataclass(frozen=True)
class ScreeningRecord:
    id: str
    user_id: int
    created_at: float
    risk: str
    n_images: int
    image_sha256: list[str]
    context: dict[str, Any]
    report: dict[str, Any]

    def to_dict(self, role: Role) -> dict[str, Any]:
        return {
            "id": self.id,
            "created_at": dt.datetime.fromtimestamp(self.created_at, dt.UTC).isoformat(),
            "risk": self.risk,
            "n_images": self.n_images,
            "image_sha256": self.image_sha256,
            "context": self.context,
            "report": report_for_role(self.report, role),
        }


def report_for_role(report: dict[str, Any], role: Role) -> dict[str, Any]:
    """Officers learn that a case record matched and how strongly, not what it holds."""
    if role in (Role.SUPERVISOR, Role.ADMIN):
        return report
    out = dict(report)
    out["matches"] = [
        {k: m.get(k) for k in ("case_id", "score", "role", "alert")}
        for m in report.get("matches", [])
    ]
    return out


def context_dict(ctx: ScreeningContext) -> dict[str, Any]:
    return {
        "screening_date": ctx.screening_date.isoformat(),
        "departure_date": ctx.departure_date.isoformat() if ctx.departure_date else None,
        "purpose": ctx.purpose,
        "destination": ctx.destination,
    }


def _detail_error(exc: DocscreenError) -> str:
    return status_for(exc)[1]


async def run_screening(
    svc: Service,
    who: Principal,
    files: Sequence[bytes],
    context: ScreeningContext,
) -> tuple[ScreeningRecord, ScreeningReport, list[bytes]]:
    """Check, read, screen, store and audit one traveller's uploads.

    Every refusal after authentication is an audit entry too (``screening.rejected`` with the
    error code), so the log shows attempts as well as results.
    """
    actor = AuditEvent(action="", actor=who.name, role=who.role.value)
    try:
        svc.rate.take(who.user_id)
        if not 1 <= len(files) <= svc.settings.max_files:
            raise TooManyFilesError(
                f"send 1 to {svc.settings.max_files} images of one traveller, not {len(files)}"
            )
        uploads = []
        for i, data in enumerate(files, start=1):
            check_upload(data, f"image {i}", svc.upload_limits)
            uploads.append(Upload(data, f"image {i}"))
        svc.cap.acquire()
    except DocscreenError as exc:
        reason = _detail_error(exc)
        svc.metrics.refused.labels(reason).inc()
        if not isinstance(exc, RetryLaterError):
            await anyio.to_thread.run_sync(
                svc.audit.append,
                AuditEvent(
                    action="screening.rejected",
                    actor=actor.actor,
                    role=actor.role,
                    result=reason,
                    detail={"images": len(files)},
                ),
            )
        raise
    svc.metrics.inflight.inc()
    start = time.perf_counter()
    try:
        documents = await svc.runner.read(uploads)
        report = await anyio.to_thread.run_sync(svc.screener, documents, context, svc.cases.store())
    except DocscreenError as exc:
        reason = _detail_error(exc)
        svc.metrics.refused.labels(reason).inc()
        await anyio.to_thread.run_sync(
            svc.audit.append,
            AuditEvent(
                action="screening.failed",
                actor=actor.actor,
                role=actor.role,
                result=reason,
                detail={"images": len(files)},
            ),
        )
        raise
    finally:
        svc.cap.release()
        svc.metrics.inflight.dec()
    seconds = time.perf_counter() - start
    svc.metrics.screening_seconds.observe(seconds)
    svc.metrics.screenings.labels(report.risk.value).inc()
    digests = [hashlib.sha256(d).hexdigest() for d in files]
    record = ScreeningRecord(
        id=secrets.token_hex(16),
        user_id=who.user_id,
        created_at=time.time(),
        risk=report.risk.value,
        n_images=len(files),
        image_sha256=digests,
        context=context_dict(context),
        report=_scrub_report(report),
    )
    await anyio.to_thread.run_sync(_store, svc, record, who, report, list(files))
    log.info(
        "screening done",
        extra={"screening_id": record.id, "risk": record.risk, "images": record.n_images},
    )
    return record, report, list(files)


def _scrub_report(report: ScreeningReport) -> dict[str, Any]:
    out = report.to_dict()
    # The upload label stands in for the file name; the digest identifies the image.
    for doc in out.get("documents", []):
        doc.pop("file", None)
    return out


def _store(
    svc: Service,
    record: ScreeningRecord,
    who: Principal,
    report: ScreeningReport,
    files: list[bytes],
) -> None:
    with svc.engine.begin() as conn:
        conn.execute(
            db.screenings.insert().values(
                id=record.id,
                user_id=record.user_id,
                created_at=record.created_at,
                risk=record.risk,
                n_images=record.n_images,
                image_sha256=json.dumps(record.image_sha256),
                context=json.dumps(record.context),
                report=json.dumps(record.report),
            )
        )
    kept = svc.retention.keep(record.id, files)
    svc.audit.append(
        AuditEvent(
            action="screening.create",
            actor=who.name,
            role=who.role.value,
            screening_id=record.id,
            result=record.risk,
            detail={
                "images": record.n_images,
                "image_sha256": record.image_sha256,
                "findings": sum(1 for f in report.findings if f.status.value == "fail"),
                "matches": len(report.matches),
                "status": "retained" if kept else "not_retained",
            },
        )
    )


def load_screening(svc: Service, screening_id: str, who: Principal) -> ScreeningRecord:
    """An officer may read only their own screenings; others' look exactly like missing ones."""
    with svc.engine.connect() as conn:
        row = conn.execute(select(db.screenings).where(db.screenings.c.id == screening_id)).first()
    if row is None:
        raise NotFoundError("no such screening")
    m = row._mapping
    if who.role != Role.SUPERVISOR and int(m["user_id"]) != who.user_id:
        raise NotFoundError("no such screening")
    return ScreeningRecord(
        id=str(m["id"]),
        user_id=int(m["user_id"]),
        created_at=float(m["created_at"]),
        risk=str(m["risk"]),
        n_images=int(m["n_images"]),
        image_sha256=json.loads(m["image_sha256"]),
        context=json.loads(m["context"]),
        report=json.loads(m["report"]),
    )


def list_screenings(
    svc: Service, who: Principal, *, offset: int = 0, limit: int = 50
) -> tuple[int, list[dict[str, Any]]]:
    cond = db.screenings.c.user_id == who.user_id
    with svc.engine.connect() as conn:
        total = int(
            conn.execute(select(func.count()).select_from(db.screenings).where(cond)).scalar_one()
        )
        rows = conn.execute(
            select(
                db.screenings.c.id,
                db.screenings.c.created_at,
                db.screenings.c.risk,
                db.screenings.c.n_images,
            )
            .where(cond)
            .order_by(db.screenings.c.created_at.desc())
            .offset(offset)
            .limit(limit)
        ).all()
    return total, [
        {
            "id": r.id,
            "created_at": dt.datetime.fromtimestamp(r.created_at, dt.UTC).isoformat(),
            "risk": r.risk,
            "n_images": r.n_images,
        }
        for r in rows
    ]
