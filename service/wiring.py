"""The real library behind the service's protocols (imported lazily: the service starts even while
an optional part is missing, and says so).

- :func:`read_document_bytes` (worker process): safe decode + ``docscreen.documents.read``.
- :func:`screen_documents` (service process): ``docscreen.screening.screen``.
- :func:`default_cases`: the case store of ``docscreen.cases`` (see :mod:`service.cases_adapter`).
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Sequence

from docscreen.errors import ConfigurationError, StoreError
from docscreen.imaging.load import load_image
from docscreen.models import Document, Match, ScreeningContext, ScreeningReport
from service.ports import CaseBackend, JsonDict, NameQuery

log = logging.getLogger("docscreen.service")


def read_document_bytes(data: bytes, label: str) -> Document:
    from docscreen.documents.read import read_document

    image = load_image(data, name=label)
    return read_document(image, name=label)


def screen_documents(
    documents: Sequence[Document], context: ScreeningContext, store: object | None
) -> ScreeningReport:
    try:
        screening = importlib.import_module("docscreen.screening")
    except ImportError as exc:
        raise ConfigurationError("docscreen.screening is not available") from exc
    # screen() reads store=None as "use DOCSCREEN_DB_URL"; here None means "no case matching".
    report: ScreeningReport = screening.screen(
        list(documents), context, store=store if store is not None else False
    )
    return report


class NoCases:
    """Used when no case store can be opened: screening works without matching."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    @property
    def ready(self) -> bool:
        return True

    def load(self) -> None:
        return None

    def _fail(self) -> StoreError:
        return StoreError(f"no case store: {self.reason}")

    def list_records(self, offset: int, limit: int) -> list[JsonDict]:
        raise self._fail()

    def get_record(self, case_id: str) -> JsonDict:
        raise self._fail()

    def create_record(self, record: JsonDict, actor: str) -> JsonDict:
        raise self._fail()

    def update_record(self, case_id: str, record: JsonDict, actor: str) -> JsonDict:
        raise self._fail()

    def delete_record(self, case_id: str, actor: str) -> None:
        raise self._fail()

    def import_records(self, data: bytes, fmt: str, actor: str) -> tuple[int, int]:
        raise self._fail()

    def search(self, query: NameQuery, limit: int) -> list[Match]:
        raise self._fail()

    def store(self) -> object | None:
        return None


def default_cases(url: str | None = None) -> CaseBackend:
    try:
        adapter = importlib.import_module("service.cases_adapter")
    except ImportError as exc:
        log.warning("case store unavailable", extra={"error_class": type(exc).__name__})
        return NoCases("docscreen.cases.store is not available")
    backend: CaseBackend = adapter.CaseStoreBackend(url)
    return backend
