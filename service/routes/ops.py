"""Liveness, readiness and Prometheus metrics (public: bind the service to a private address)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from service.core import Service
from service.deps import get_service
from service.schemas import HealthOut, ReadyOut

router = APIRouter(tags=["operations"])
SvcDep = Annotated[Service, Depends(get_service)]


@router.get("/healthz", name="healthz", response_model=HealthOut)
def healthz() -> dict[str, str]:
    """The process answers."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    name="readyz",
    response_model=ReadyOut,
    responses={503: {"model": ReadyOut, "description": "case index not loaded yet"}},
)
def readyz(svc: SvcDep) -> Response:
    """Ready once the known-case index is loaded (screenings need it for matching)."""
    ready = svc.cases.ready
    svc.metrics.index_ready.set(1 if ready else 0)
    return JSONResponse({"ready": ready}, status_code=200 if ready else 503)


@router.get(
    "/metrics",
    name="metrics",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}}},
)
def metrics(svc: SvcDep) -> Response:
    """Prometheus text format; labels hold route templates and codes, never people's data."""
    svc.metrics.index_ready.set(1 if svc.cases.ready else 0)
    svc.metrics.inflight.set(svc.cap.inflight)
    return Response(generate_latest(svc.metrics.registry), media_type=CONTENT_TYPE_LATEST)
