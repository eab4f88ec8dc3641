"""Prometheus metrics, JSON logs and the request middleware that feeds both.

Labels are route templates (``/api/v1/screenings/{screening_id}``), methods, status codes, risk
levels and refusal reasons: never a name, a document number, a user name or a raw path.  Log lines
are JSON with the same fields plus the user id and a request id.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("docscreen.service.access")

_LOG_FIELDS = (
    "request_id",
    "method",
    "route",
    "status",
    "seconds",
    "user_id",
    "error_class",
    "risk",
    "screening_id",
    "images",
)


class JsonFormatter(logging.Formatter):
    """One JSON object per line; only whitelisted extra fields are written."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": round(record.created, 3),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key in _LOG_FIELDS:
            if hasattr(record, key):
                out[key] = getattr(record, key)
        return json.dumps(out, separators=(",", ":"))


def configure_json_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("docscreen")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "docscreen_http_requests",
            "HTTP requests by route template, method and status.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "docscreen_http_request_seconds",
            "HTTP request duration by route template.",
            ["route"],
            registry=self.registry,
            buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60),
        )
        self.screenings = Counter(
            "docscreen_screenings",
            "Completed screenings by risk level.",
            ["risk"],
            registry=self.registry,
        )
        self.screening_seconds = Histogram(
            "docscreen_screening_seconds",
            "Time to screen one traveller (read + checks + matching).",
            registry=self.registry,
            buckets=(0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 60, 120),
        )
        self.refused = Counter(
            "docscreen_refused",
            "Requests refused before screening, by reason code.",
            ["reason"],
            registry=self.registry,
        )
        self.inflight = Gauge(
            "docscreen_screenings_inflight",
            "Screenings running or waiting.",
            registry=self.registry,
        )
        self.index_ready = Gauge(
            "docscreen_case_index_ready", "1 when the case index is loaded.", registry=self.registry
        )


def route_label(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


_SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cache-control", b"no-store"),
)
_CSP = (
    b"default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)


class ObservabilityMiddleware:
    """Counts, times and logs each request; adds security headers to every response."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        request_id = secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500

        async def _send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                for k, v in _SECURITY_HEADERS:
                    if k not in names:
                        headers.append((k, v))
                if b"content-security-policy" not in names and not scope["path"].startswith(
                    ("/docs", "/redoc")
                ):
                    headers.append((b"content-security-policy", _CSP))
                headers.append((b"x-request-id", request_id.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, _send)
        finally:
            seconds = time.perf_counter() - start
            route = route_label(scope)
            self.metrics.requests.labels(route, scope["method"], str(status)).inc()
            self.metrics.latency.labels(route).observe(seconds)
            state = scope.get("state", {})
            access_log.info(
                "request",
                extra={
                    "request_id": request_id,
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                    "seconds": round(seconds, 4),
                    "user_id": state.get("user_id"),
                },
            )
