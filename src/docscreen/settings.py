"""Named, documented, bounded settings, each overridable from the environment.

Read a setting through :func:`get`, which validates the environment value against the bounds and
falls back to the default with a :class:`~docscreen.errors.ConfigurationError` when it is out of range.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from docscreen.errors import ConfigurationError


@dataclass(frozen=True)
class IntSetting:
    env: str
    default: int
    low: int
    high: int
    doc: str

    def get(self) -> int:
        raw = os.environ.get(self.env)
        if raw is None or raw == "":
            return self.default
        try:
            value = int(raw)
        except ValueError as exc:
            raise ConfigurationError(f"{self.env}={raw!r} is not an integer") from exc
        if not self.low <= value <= self.high:
            raise ConfigurationError(
                f"{self.env}={value} is outside the allowed range {self.low}..{self.high}"
            )
        return value


@dataclass(frozen=True)
class FloatSetting:
    env: str
    default: float
    low: float
    high: float
    doc: str

    def get(self) -> float:
        raw = os.environ.get(self.env)
        if raw is None or raw == "":
            return self.default
        try:
            value = float(raw)
        except ValueError as exc:
            raise ConfigurationError(f"{self.env}={raw!r} is not a number") from exc
        if not self.low <= value <= self.high:
            raise ConfigurationError(
                f"{self.env}={value} is outside the allowed range {self.low}..{self.high}"
            )
        return value


@dataclass(frozen=True)
class PathSetting:
    env: str
    doc: str

    def get(self) -> Path | None:
        raw = os.environ.get(self.env)
        return Path(raw).expanduser() if raw else None


def user_data_dir() -> Path:
    """Where the default SQLite store lives (XDG data home)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "docscreen"


def db_url() -> str:
    """Case-store URL: ``DOCSCREEN_DB_URL`` or a SQLite file in the user data folder."""
    url = os.environ.get("DOCSCREEN_DB_URL")
    if url:
        return url
    return f"sqlite:///{user_data_dir() / 'cases.sqlite3'}"


REGION_CODES = PathSetting(
    "DOCSCREEN_REGION_CODES",
    "Kemendagri code list, CSV code,name,level; history/re-coding tables beside it are read too.",
)
POLICY = PathSetting("DOCSCREEN_POLICY", "Policy file (JSON) overriding risk thresholds.")
NAMES_DIR = PathSetting(
    "DOCSCREEN_NAMES_DIR",
    "Optional extra Indonesian first/last name lists for the specimen generator (Faker id_ID otherwise).",
)

MAX_FILE_BYTES = IntSetting(
    "DOCSCREEN_MAX_FILE_BYTES",
    40 * 1024 * 1024,
    1024,
    512 * 1024 * 1024,
    "Largest input file accepted, in bytes.",
)
MAX_IMAGE_PIXELS = IntSetting(
    "DOCSCREEN_MAX_IMAGE_PIXELS",
    60_000_000,
    10_000,
    400_000_000,
    "Largest decoded image, in pixels (width x height); checked from the header before decoding.",
)
MAX_IMAGE_SIDE = IntSetting(
    "DOCSCREEN_MAX_IMAGE_SIDE",
    20_000,
    100,
    100_000,
    "Largest image width or height, in pixels.",
)
OCR_TIMEOUT_S = FloatSetting(
    "DOCSCREEN_OCR_TIMEOUT",
    30.0,
    0.5,
    600.0,
    "Seconds one tesseract call may take before it is killed and reported.",
)
WORKERS = IntSetting(
    "DOCSCREEN_WORKERS",
    0,
    0,
    256,
    "Worker processes for batch work; 0 means one per core.",
)

# Multi-page inputs and batch screening (docscreen.imaging.pdf, docscreen.batch).
MAX_PDF_PAGES = IntSetting(
    "DOCSCREEN_MAX_PDF_PAGES",
    50,
    1,
    2_000,
    "Most pages read from one PDF or multi-page TIFF; a file with more is refused.",
)
PDF_RENDER_DPI = FloatSetting(
    "DOCSCREEN_PDF_DPI",
    300.0,
    50.0,
    1_200.0,
    "Resolution PDF pages are rendered at, in dots per inch.",
)
BATCH_UNIT_TIMEOUT_S = FloatSetting(
    "DOCSCREEN_BATCH_TIMEOUT",
    300.0,
    1.0,
    86_400.0,
    "Seconds one batch unit (a document or a bundle) may take per file before its worker is killed.",
)
BATCH_MAX_ATTEMPTS = IntSetting(
    "DOCSCREEN_BATCH_ATTEMPTS",
    2,
    1,
    10,
    "Attempts per batch unit when its worker crashes or times out, before it is recorded as an error.",
)
MAX_ARCHIVE_MEMBERS = IntSetting(
    "DOCSCREEN_MAX_ARCHIVE_MEMBERS",
    1_000_000,
    1,
    100_000_000,
    "Most members read from one zip or tar archive.",
)
MAX_ARCHIVE_TOTAL_BYTES = IntSetting(
    "DOCSCREEN_MAX_ARCHIVE_BYTES",
    50 * 1024**3,
    1024,
    10 * 1024**4,
    "Most bytes decompressed from one archive in total (zip-bomb guard).",
)
MAX_ARCHIVE_RATIO = IntSetting(
    "DOCSCREEN_MAX_ARCHIVE_RATIO",
    200,
    2,
    100_000,
    "Largest compression ratio accepted for one archive member (zip-bomb guard).",
)

# Case matching (docscreen.cases.match); calibrated by benchmarks/names_quality.py.
MATCH_THRESHOLD = FloatSetting(
    "DOCSCREEN_MATCH_THRESHOLD",
    0.50,
    0.5,
    1.0,
    "Case-match score at or above which a match alerts: benchmarks/names_quality.py calibration "
    "for <= 1% false alerts on both the OFAC calibration half and Indonesian travellers.",
)
MATCH_NAME_ONLY_THRESHOLD = FloatSetting(
    "DOCSCREEN_MATCH_NAME_ONLY_THRESHOLD",
    0.558,
    0.5,
    1.0,
    "Case-match alert threshold for a query with neither birth date nor nationality: "
    "benchmarks/names_quality.py calibration for <= 1% false alerts on both populations, name only.",
)
MATCH_REPORT_THRESHOLD = FloatSetting(
    "DOCSCREEN_MATCH_REPORT_THRESHOLD",
    0.40,
    0.0,
    1.0,
    "Case-match score at or above which a match is listed (without alerting).",
)
MATCH_CANDIDATES = IntSetting(
    "DOCSCREEN_MATCH_CANDIDATES",
    200,
    10,
    5000,
    "Name entries the candidate index hands to the scorer per query.",
)
