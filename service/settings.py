"""Service settings: named, bounded, each overridable from the environment.

The limits of the image loader (pixels, sides, file bytes) stay in :mod:`docscreen.settings`; this
module adds what only the web service needs.  :meth:`ServiceSettings.from_env` reads everything
once at start-up so a request never sees a half-changed configuration.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, replace
from pathlib import Path

from docscreen import settings as core
from docscreen.errors import ConfigurationError
from docscreen.settings import FloatSetting, IntSetting

SERVICE_DB_URL_ENV = "DOCSCREEN_SERVICE_DB_URL"
SECRET_ENV = "DOCSCREEN_SECRET"
SECRET_FILE_NAME = "service_secret"

MAX_BODY_BYTES = IntSetting(
    "DOCSCREEN_MAX_BODY_BYTES",
    32 * 1024 * 1024,
    64 * 1024,
    512 * 1024 * 1024,
    "Largest HTTP request body, in bytes, files and multipart overhead included.",
)
MAX_UPLOAD_FILES = IntSetting(
    "DOCSCREEN_MAX_UPLOAD_FILES", 4, 1, 4, "Images per screening (one traveller's documents)."
)
MAX_UPLOAD_BYTES = IntSetting(
    "DOCSCREEN_MAX_UPLOAD_BYTES",
    12 * 1024 * 1024,
    1024,
    256 * 1024 * 1024,
    "Largest single uploaded image, in bytes.",
)
SCREEN_WORKERS = IntSetting(
    "DOCSCREEN_SCREEN_WORKERS",
    2,
    1,
    64,
    "Worker processes reading documents (OCR); each reads one request at a time.",
)
MAX_INFLIGHT = IntSetting(
    "DOCSCREEN_MAX_INFLIGHT",
    0,
    0,
    1024,
    "Screenings running or waiting for a worker before new ones get 503; 0 = 2 x workers + 2.",
)
SCREEN_TIMEOUT_S = FloatSetting(
    "DOCSCREEN_SCREEN_TIMEOUT",
    60.0,
    1.0,
    900.0,
    "Seconds reading one request's images may take before the worker is killed (504).",
)
RATE_PER_MINUTE = IntSetting(
    "DOCSCREEN_RATE_PER_MINUTE",
    30,
    1,
    100_000,
    "Screenings one user may start per minute (token bucket; 429 beyond).",
)
SESSION_HOURS = FloatSetting(
    "DOCSCREEN_SESSION_HOURS", 8.0, 0.05, 72.0, "Lifetime of a web login session, in hours."
)
COOKIE_SECURE = IntSetting(
    "DOCSCREEN_COOKIE_SECURE",
    0,
    0,
    1,
    "1 = session cookies only over HTTPS (set it whenever a TLS proxy is in front).",
)
RETAIN_HOURS = FloatSetting(
    "DOCSCREEN_RETAIN_HOURS",
    0.0,
    0.0,
    24.0 * 30,
    "Hours uploaded images are kept, encrypted, for supervisors' review; 0 = never stored.",
)
PURGE_INTERVAL_S = FloatSetting(
    "DOCSCREEN_PURGE_INTERVAL", 600.0, 5.0, 86_400.0, "Seconds between retention purges."
)


@dataclass(frozen=True)
class ServiceSettings:
    db_url: str
    secret: bytes
    max_body_bytes: int = MAX_BODY_BYTES.default
    max_files: int = MAX_UPLOAD_FILES.default
    max_file_bytes: int = MAX_UPLOAD_BYTES.default
    max_image_pixels: int = core.MAX_IMAGE_PIXELS.default
    max_image_side: int = core.MAX_IMAGE_SIDE.default
    workers: int = SCREEN_WORKERS.default
    max_inflight: int = 0
    screen_timeout_s: float = SCREEN_TIMEOUT_S.default
    rate_per_minute: int = RATE_PER_MINUTE.default
    session_hours: float = SESSION_HOURS.default
    cookie_secure: bool = False
    retain_hours: float = 0.0
    purge_interval_s: float = PURGE_INTERVAL_S.default

    def __post_init__(self) -> None:
        if len(self.secret) < 32:
            raise ConfigurationError("the service secret must be at least 32 bytes")

    @property
    def inflight_cap(self) -> int:
        return self.max_inflight or 2 * self.workers + 2

    @classmethod
    def from_env(cls, **overrides: object) -> ServiceSettings:
        base = cls(
            db_url=service_db_url(),
            secret=load_or_create_secret(),
            max_body_bytes=MAX_BODY_BYTES.get(),
            max_files=MAX_UPLOAD_FILES.get(),
            max_file_bytes=min(MAX_UPLOAD_BYTES.get(), core.MAX_FILE_BYTES.get()),
            max_image_pixels=core.MAX_IMAGE_PIXELS.get(),
            max_image_side=core.MAX_IMAGE_SIDE.get(),
            workers=SCREEN_WORKERS.get(),
            max_inflight=MAX_INFLIGHT.get(),
            screen_timeout_s=SCREEN_TIMEOUT_S.get(),
            rate_per_minute=RATE_PER_MINUTE.get(),
            session_hours=SESSION_HOURS.get(),
            cookie_secure=bool(COOKIE_SECURE.get()),
            retain_hours=RETAIN_HOURS.get(),
            purge_interval_s=PURGE_INTERVAL_S.get(),
        )
        return replace(base, **overrides)  # type: ignore[arg-type]


def service_db_url() -> str:
    """Users, keys, screenings and the audit log: ``DOCSCREEN_SERVICE_DB_URL`` or a SQLite file."""
    url = os.environ.get(SERVICE_DB_URL_ENV)
    if url:
        return url
    folder = core.user_data_dir()
    # Private: the service database holds reports (with the fields read from documents).
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'service.sqlite3'}"


def load_or_create_secret(folder: Path | None = None) -> bytes:
    """``DOCSCREEN_SECRET`` (hex or text), else a random secret kept in the user data folder.

    The file is created once with mode 0600; API-key hashes and retained-image encryption depend on
    it, so losing it invalidates every key and every retained image (by design, not by accident).
    """
    raw = os.environ.get(SECRET_ENV)
    if raw:
        try:
            value = bytes.fromhex(raw)
        except ValueError:
            value = raw.encode()
        if len(value) < 32:
            raise ConfigurationError(f"{SECRET_ENV} must hold at least 32 bytes")
        return value
    folder = folder or core.user_data_dir()
    path = folder / SECRET_FILE_NAME
    if path.exists():
        value = bytes.fromhex(path.read_text().strip())
        if len(value) < 32:
            raise ConfigurationError(f"{path} holds a secret shorter than 32 bytes")
        return value
    # Private: the service database holds reports (with the fields read from documents).
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    value = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(value.hex())
    return value
