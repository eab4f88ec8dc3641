"""Application factory: ``create_app(settings, ...)`` wires the parts and returns a FastAPI app.

The document reader, the screener and the case backend are injected (tests pass fakes); by default
they are the real library (:mod:`service.wiring`).  Request bodies are limited by FastAPI's own
``max_body_size`` (413 before the body is read past the limit) and multipart parsing by its
``form_limits`` (file and field counts), so 100 files or a huge body never reach a handler.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

from argon2 import PasswordHasher
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles

from docscreen.errors import DocscreenError
from docscreen.models import Document
from service import errors
from service.audit import AuditLog
from service.auth import Auth
from service.core import Service
from service.db import open_db
from service.deps import enforce_policy
from service.errors import NotReadyError
from service.limits import ContentLengthGuard, EarlyBusyGuard, InflightCap, RateLimiter
from service.observability import Metrics, ObservabilityMiddleware
from service.ports import CaseBackend, DocumentReader, Screener
from service.retention import Retention
from service.routes import api, apidocs, ops, web
from service.runner import ProcessRunner, Runner, Upload
from service.settings import ServiceSettings
from service.wiring import default_cases, read_document_bytes, screen_documents

log = logging.getLogger("docscreen.service")

STATIC_DIR = Path(__file__).resolve().parent / "static"
LOGIN_ATTEMPTS_PER_MINUTE = 10


class _PendingRunner:
    """Stands in until the lifespan has started the worker processes."""

    async def read(self, uploads: Sequence[Upload]) -> list[Document]:
        raise NotReadyError("the document readers are starting")

    def close(self) -> None:
        return None


def create_app(
    settings: ServiceSettings | None = None,
    *,
    reader: DocumentReader | None = None,
    screener: Screener | None = None,
    cases: CaseBackend | None = None,
    runner: Runner | None = None,
    password_hasher: PasswordHasher | None = None,
) -> FastAPI:
    settings = settings or ServiceSettings.from_env()
    engine = open_db(settings.db_url)
    audit = AuditLog(engine)
    metrics = Metrics()
    svc = Service(
        settings=settings,
        engine=engine,
        auth=Auth(
            engine,
            settings.secret,
            session_hours=settings.session_hours,
            hasher=password_hasher,
        ),
        audit=audit,
        retention=Retention(engine, settings.secret, settings.retain_hours, audit),
        runner=runner or _PendingRunner(),
        screener=screener or screen_documents,
        cases=cases or default_cases(),
        cap=InflightCap(settings.inflight_cap),
        rate=RateLimiter(settings.rate_per_minute),
        login_rate=RateLimiter(LOGIN_ATTEMPTS_PER_MINUTE),
        metrics=metrics,
    )
    owns_runner = runner is None
    doc_reader = reader or read_document_bytes

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if owns_runner:
            svc.runner = await asyncio.to_thread(
                ProcessRunner, doc_reader, settings.workers, settings.screen_timeout_s
            )
        threading.Thread(target=_load_cases, args=(svc,), daemon=True).start()
        purger = asyncio.create_task(_purge_loop(svc)) if svc.retention.enabled else None
        try:
            yield
        finally:
            if purger is not None:
                purger.cancel()
            if owns_runner:
                await asyncio.to_thread(svc.runner.close)
            engine.dispose()

    app = FastAPI(
        title="docscreen",
        version="1",
        summary="Screens identity and travel documents and refers travellers for a second look.",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(enforce_policy)],
        form_limits={"max_files": settings.max_files, "max_fields": 20, "max_part_size": 64 * 1024},
    )
    app.state.service = svc
    errors.install(app)
    # The limit is set per included router, not on the app: FastAPI puts an app-wide limit outside
    # every middleware, where it answers in plain text without the security headers.
    for router in (ops.router, api.router, web.router, apidocs.router):
        app.include_router(router, max_body_size=settings.max_body_bytes)
    app.mount("/static", StaticFiles(directory=str(STATIC_DIR)), name="static")
    app.mount(
        apidocs.ASSETS_PATH, StaticFiles(directory=str(apidocs.assets_dir())), name="docs_assets"
    )
    app.add_middleware(EarlyBusyGuard, cap=svc.cap, paths=("/api/v1/screenings",))
    app.add_middleware(ContentLengthGuard, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(ObservabilityMiddleware, metrics=metrics)
    return app


def _load_cases(svc: Service) -> None:
    try:
        svc.cases.load()
    except DocscreenError as exc:
        log.error("case index failed to load", extra={"error_class": type(exc).__name__})
    svc.metrics.index_ready.set(1 if svc.cases.ready else 0)


async def _purge_loop(svc: Service) -> None:
    while True:
        try:
            await asyncio.to_thread(svc.retention.purge)
        except DocscreenError as exc:
            log.error("retention purge failed", extra={"error_class": type(exc).__name__})
        await asyncio.sleep(svc.settings.purge_interval_s)
