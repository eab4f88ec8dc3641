"""The two things the service calls but does not own, behind small protocols.

- :class:`DocumentReader` turns one uploaded image into a :class:`~docscreen.models.Document`
  (decode + OCR); it runs in a worker process, so it must be a picklable module-level function.
- :class:`Screener` turns a traveller's documents and context into a
  :class:`~docscreen.models.ScreeningReport` (rules + case matching, cheap, in the service process).
- :class:`CaseBackend` is the known-case store as the service needs it: records CRUD, import, name
  search, and the object handed to the screener as ``store=``.

:mod:`service.wiring` adapts the real library modules to these; tests use fakes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from docscreen.models import Document, Match, ScreeningContext, ScreeningReport

JsonDict = dict[str, Any]


class DocumentReader(Protocol):
    def __call__(self, data: bytes, label: str) -> Document: ...


class Screener(Protocol):
    def __call__(
        self,
        documents: Sequence[Document],
        context: ScreeningContext,
        store: object | None,
    ) -> ScreeningReport: ...


@dataclass(frozen=True)
class NameQuery:
    name: str
    dob: str | None = None
    sex: str | None = None
    nationality: str | None = None


class CaseBackend(Protocol):
    @property
    def ready(self) -> bool:
        """True once the matching index is loaded (``/readyz``)."""
        ...

    def load(self) -> None:
        """Open the store and build the index (called once, in the background, at start)."""
        ...

    def list_records(self, offset: int, limit: int) -> list[JsonDict]: ...

    def get_record(self, case_id: str) -> JsonDict: ...

    def create_record(self, record: JsonDict, actor: str) -> JsonDict: ...

    def update_record(self, case_id: str, record: JsonDict, actor: str) -> JsonDict: ...

    def delete_record(self, case_id: str, actor: str) -> None: ...

    def import_records(self, data: bytes, fmt: str, actor: str) -> tuple[int, int]:
        """Import CSV or JSONL bytes; returns ``(valid rows, invalid rows)``."""
        ...

    def search(self, query: NameQuery, limit: int) -> list[Match]: ...

    def store(self) -> object | None:
        """What the screener receives as ``store=`` (None: no case matching)."""
        ...
