"""Admission control and upload checks, all before any pixel is decoded.

- :class:`InflightCap`: at most N screenings running or waiting; beyond it 503 + Retry-After
  rather than an unbounded queue.
- :class:`RateLimiter`: a token bucket per user (429 + Retry-After).
- :func:`check_upload`: size, format by content (magic bytes, never the file name) and image
  dimensions from the header (Pillow reads only the header on ``open``), so a decompression bomb
  or a PDF renamed ``.jpg`` is refused before it reaches a worker.
"""

from __future__ import annotations

import io
import math
import threading
import time
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError
from starlette.datastructures import Headers
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from docscreen.errors import (
    CorruptImageError,
    ImageTooLargeError,
    UnreadableFileError,
    UnsupportedFormatError,
)
from docscreen.imaging.load import sniff_format
from service.errors import BusyError, PayloadTooLargeError, RateLimitedError, error_body

ALLOWED_FORMATS = frozenset({"jpeg", "png", "tiff", "bmp", "webp"})


class InflightCap:
    def __init__(self, cap: int, retry_after_s: int = 5) -> None:
        self.cap = cap
        self.retry_after_s = retry_after_s
        self._n = 0
        self._lock = threading.Lock()

    @property
    def inflight(self) -> int:
        return self._n

    def acquire(self) -> None:
        with self._lock:
            if self._n >= self.cap:
                raise BusyError("the service is busy; try again shortly", self.retry_after_s)
            self._n += 1

    def release(self) -> None:
        with self._lock:
            self._n = max(0, self._n - 1)


class RateLimiter:
    """``per_minute`` starts per user, refilled continuously, bursts up to ``per_minute``."""

    def __init__(self, per_minute: int, max_keys: int = 10_000) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self.max_keys = max_keys
        self._buckets: dict[int, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._buckets)

    def _prune(self, now: float) -> None:
        # Keys are user ids or digests of attempted login names; forget every bucket that has
        # refilled (it would start full anyway), so guessing many names cannot grow memory.
        full_after = self.capacity / self.rate
        self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < full_after}

    def take(self, user_id: int, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._buckets) >= self.max_keys:
                self._prune(now)
            tokens, last = self._buckets.get(user_id, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens < 1.0:
                self._buckets[user_id] = (tokens, now)
                wait = math.ceil((1.0 - tokens) / self.rate)
                raise RateLimitedError("too many screenings in the last minute", wait)
            self._buckets[user_id] = (tokens - 1.0, now)


@dataclass(frozen=True)
class UploadLimits:
    max_file_bytes: int
    max_pixels: int
    max_side: int


@dataclass(frozen=True)
class CheckedUpload:
    format: str
    width: int
    height: int


def check_upload(data: bytes, label: str, limits: UploadLimits) -> CheckedUpload:
    if not data:
        raise UnreadableFileError(f"{label}: file is empty (0 bytes)")
    if len(data) > limits.max_file_bytes:
        raise PayloadTooLargeError(
            f"{label}: file is {len(data)} bytes, the limit is {limits.max_file_bytes}"
        )
    fmt = sniff_format(data)
    if fmt not in ALLOWED_FORMATS:
        what = "a PDF" if fmt == "pdf" else "not an image"
        raise UnsupportedFormatError(
            f"{label}: {what}; send a photo or scan as JPEG, PNG, TIFF, BMP or WebP"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as img:
                width, height = img.size
        except Image.DecompressionBombError as exc:
            raise ImageTooLargeError(f"{label}: image is too large to decode safely") from exc
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
            raise CorruptImageError(f"{label}: {fmt} data is corrupt or truncated") from exc
    if width <= 0 or height <= 0:
        raise CorruptImageError(f"{label}: image has no pixels")
    if width > limits.max_side or height > limits.max_side:
        raise ImageTooLargeError(
            f"{label}: image is {width}x{height} pixels, the largest side allowed is "
            f"{limits.max_side}"
        )
    if width * height > limits.max_pixels:
        raise ImageTooLargeError(
            f"{label}: image is {width}x{height} pixels, the limit is {limits.max_pixels} pixels"
        )
    return CheckedUpload(fmt, width, height)


class ContentLengthGuard:
    """Refuses a declared ``Content-Length`` over the limit with the service's JSON error shape.

    FastAPI's own ``max_body_size`` (set too) still counts the bytes actually received, which
    covers chunked bodies that declare no length; it answers those with a plain-text 413.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            declared = Headers(scope=scope).get("content-length")
            if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
                response = JSONResponse(
                    error_body(
                        "body_too_large",
                        f"request body is {declared} bytes, the limit is {self.max_body_bytes}",
                    ),
                    status_code=413,
                    headers={"Connection": "close"},
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


class EarlyBusyGuard:
    """Answers 503 for a new screening upload while the in-flight cap is full, before the body is
    read: under overload a refusal then costs a few microseconds instead of parsing megabytes.

    It only peeks at the count; the cap itself is taken (atomically) in the screening flow.
    """

    def __init__(self, app: ASGIApp, cap: InflightCap, paths: tuple[str, ...]) -> None:
        self.app = app
        self.cap = cap
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] == "POST"
            and scope["path"] in self.paths
            and self.cap.inflight >= self.cap.cap
        ):
            response = JSONResponse(
                error_body("busy", "the service is busy; try again shortly"),
                status_code=503,
                headers={"Retry-After": str(self.cap.retry_after_s), "Connection": "close"},
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)
