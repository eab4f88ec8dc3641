"""``docscreen.cases`` (the SQLAlchemy case store and its matcher) behind :class:`CaseBackend`.

The store's own history records who changed a record (the supervisor's user name); the service's
audit log records that it happened.  ``load`` opens the store and builds the candidate index once,
in the background at start-up; until then ``/readyz`` says 503 and screenings are refused with 503
rather than silently screened without matching.
"""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

from docscreen.cases.records import CaseRecord, validate_record
from docscreen.cases.store import CaseStore
from docscreen.errors import InvalidRecordError, NotFoundError
from docscreen.models import Match
from service.errors import NotReadyError
from service.ports import JsonDict, NameQuery


class CaseStoreBackend:
    def __init__(self, url: str | None = None) -> None:
        self.url = url
        self._store: CaseStore | None = None
        self._ready = threading.Event()

    @property
    def ready(self) -> bool:
        return self._ready.is_set()

    def load(self) -> None:
        store = CaseStore(self.url)
        store.index()  # builds the in-memory candidate index now, not on the first screening
        self._store = store
        self._ready.set()

    def _s(self) -> CaseStore:
        if self._store is None or not self.ready:
            raise NotReadyError("the case index is still loading")
        return self._store

    def list_records(self, offset: int, limit: int) -> list[JsonDict]:
        return [r.to_dict() for r in self._s().list(limit=limit, offset=offset)]

    def get_record(self, case_id: str) -> JsonDict:
        rec = self._s().get(case_id)
        if rec is None:
            raise NotFoundError("no such case record")
        return rec.to_dict()

    def create_record(self, record: JsonDict, actor: str) -> JsonDict:
        return self._s().add(_validated(record), actor).to_dict()

    def update_record(self, case_id: str, record: JsonDict, actor: str) -> JsonDict:
        rec = _validated({**record, "case_id": case_id})
        self._s().update(rec, actor)
        return rec.to_dict()

    def delete_record(self, case_id: str, actor: str) -> None:
        self._s().delete(case_id, actor)

    def import_records(self, data: bytes, fmt: str, actor: str) -> tuple[int, int]:
        with tempfile.TemporaryDirectory(prefix="docscreen-import-") as tmp:
            path = Path(tmp) / f"upload.{fmt}"
            path.write_bytes(data)
            report = self._s().import_file(path, actor, errors_path=Path(tmp) / "errors.csv")
        return report.rows - report.invalid, report.invalid

    def search(self, query: NameQuery, limit: int) -> list[Match]:
        return self._s().match(query.name, query.dob, query.sex, query.nationality)[:limit]

    def store(self) -> object | None:
        return self._s()


def _validated(record: JsonDict) -> CaseRecord:
    result = validate_record(record)
    if result.record is None:
        raise InvalidRecordError("; ".join(result.errors))
    return result.record
