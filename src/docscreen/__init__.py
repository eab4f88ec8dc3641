"""docscreen: screen identity and travel documents for signs of forgery.

It refers a traveller for a second look with reasons an officer can read; it never decides alone.
"""

from docscreen.cases.store import CaseStore
from docscreen.documents.read import read_document
from docscreen.errors import DocscreenError
from docscreen.models import (
    Document,
    DocumentKind,
    Field,
    Finding,
    Match,
    MrzResult,
    Risk,
    ScreeningContext,
    ScreeningReport,
    Severity,
    Status,
)
from docscreen.mrz.read import read_mrz
from docscreen.screening import screen

__version__ = "0.1.0"

__all__ = [
    "CaseStore",
    "DocscreenError",
    "Document",
    "DocumentKind",
    "Field",
    "Finding",
    "Match",
    "MrzResult",
    "Risk",
    "ScreeningContext",
    "ScreeningReport",
    "Severity",
    "Status",
    "__version__",
    "read_document",
    "read_mrz",
    "screen",
]
