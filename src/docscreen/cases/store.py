"""The case store: known-case records in a real database (SQLite file by default, PostgreSQL by URL).

Every change (create, update, delete) writes a history row with who made it, when, and the record
before and after.  Writes go in transactions; an import commits one chunk per transaction so an
interrupted import leaves every committed record complete (record, identifiers, history) and
nothing of the chunk that failed.  A ``revision`` counter moves with every committed change; the
candidate index is rebuilt (build new, swap the reference) when it is behind.
"""

from __future__ import annotations

import builtins
import datetime as dt
import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docscreen import settings
from docscreen.cases import schema
from docscreen.cases.importer import ImportProgress, ImportReport
from docscreen.cases.index import CandidateIndex, IndexHolder
from docscreen.cases.records import CaseRecord
from docscreen.cases.writes import (
    bump_revision,
    check_actor,
    normalise_url,
    now_utc,
    record_from_row,
    write_chunk,
)
from docscreen.errors import InvalidRecordError, NotFoundError, StoreError
from docscreen.models import Match

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class HistoryEntry:
    case_id: str
    action: str  # create | update | delete
    actor: str
    at: dt.datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class CaseStore:
    """Known-case records.  ``CaseStore(None)`` opens ``docscreen.settings.db_url()``.

    ``schema`` (PostgreSQL only) puts the tables in that schema (created when missing), which keeps
    parallel test runs apart.  Opening a store runs the Alembic migrations (``upgrade head``).
    """

    def __init__(self, url: str | None = None, *, schema_name: str | None = None) -> None:
        self.url = normalise_url(url or settings.db_url())
        connect_args: dict[str, Any] = {}
        if self.url.startswith("sqlite"):
            path = sa.engine.make_url(self.url).database
            if path and path != ":memory:":
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            connect_args["timeout"] = 30
        try:
            self.engine = sa.create_engine(self.url, connect_args=connect_args)
        except (sa.exc.ArgumentError, ImportError) as exc:
            raise StoreError(f"cannot open case store {self._safe_url()}: {exc}") from exc
        if self.engine.dialect.name == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        if schema_name is not None:
            if not _SCHEMA_NAME.match(schema_name) or self.engine.dialect.name != "postgresql":
                raise StoreError("schema_name needs PostgreSQL and a lower-case identifier")
            with self.engine.begin() as conn:
                conn.execute(sa.text(f'CREATE SCHEMA IF NOT EXISTS "{schema_name}"'))
            sa.event.listen(self.engine, "connect", _search_path(schema_name))
            self.engine.dispose()
        try:
            schema.upgrade(self.engine)
        except sa.exc.OperationalError as exc:
            raise StoreError(f"cannot open case store {self._safe_url()}: {exc.orig}") from exc
        self._holder = IndexHolder(self._build_index)
        self._index_lock = threading.Lock()

    def _safe_url(self) -> str:
        return sa.engine.make_url(self.url).render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> CaseStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- records --------------------------------------------------------------------------------
    def add(self, record: CaseRecord, actor: str) -> CaseRecord:
        actor = check_actor(actor)
        with self.engine.begin() as conn:
            if self._exists(conn, record.case_id):
                raise InvalidRecordError(f"case {record.case_id!r} already exists")
            write_chunk(conn, [record], actor, now_utc())
        return record

    def update(self, record: CaseRecord, actor: str) -> bool:
        """Replace a record; returns False when nothing changed (no history row then)."""
        actor = check_actor(actor)
        with self.engine.begin() as conn:
            if not self._exists(conn, record.case_id):
                raise NotFoundError(f"case {record.case_id!r} does not exist")
            return write_chunk(conn, [record], actor, now_utc()).updated == 1

    def upsert(self, record: CaseRecord, actor: str) -> str:
        actor = check_actor(actor)
        with self.engine.begin() as conn:
            r = write_chunk(conn, [record], actor, now_utc())
        return "inserted" if r.inserted else "updated" if r.updated else "unchanged"

    def delete(self, case_id: str, actor: str) -> None:
        actor = check_actor(actor)
        c = schema.cases
        with self.engine.begin() as conn:
            row = conn.execute(sa.select(c).where(c.c.case_id == case_id)).first()
            if row is None:
                raise NotFoundError(f"case {case_id!r} does not exist")
            before = json.dumps(record_from_row(row).to_dict(), ensure_ascii=False)
            conn.execute(schema.identifiers.delete().where(schema.identifiers.c.case_id == case_id))
            conn.execute(c.delete().where(c.c.case_id == case_id))
            conn.execute(
                schema.history.insert(),
                [
                    {
                        "case_id": case_id,
                        "action": "delete",
                        "actor": actor,
                        "at": now_utc(),
                        "before": before,
                        "after": None,
                    }
                ],
            )
            bump_revision(conn)

    def get(self, case_id: str) -> CaseRecord | None:
        c = schema.cases
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(c).where(c.c.case_id == case_id)).first()
        return record_from_row(row) if row is not None else None

    def list(self, limit: int = 100, offset: int = 0, role: str | None = None) -> list[CaseRecord]:
        c = schema.cases
        q = sa.select(c).order_by(c.c.case_id).limit(limit).offset(offset)
        if role is not None:
            q = q.where(c.c.role == role)
        with self.engine.connect() as conn:
            return [record_from_row(r) for r in conn.execute(q)]

    def iter_records(self, batch: int = 20_000) -> Iterator[CaseRecord]:
        """All records in case-id order, read in keyset-paged batches."""
        c = schema.cases
        last = ""
        while True:
            q = sa.select(c).where(c.c.case_id > last).order_by(c.c.case_id).limit(batch)
            with self.engine.connect() as conn:
                rows = conn.execute(q).all()
            if not rows:
                return
            for r in rows:
                yield record_from_row(r)
            last = rows[-1].case_id

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(
                conn.execute(sa.select(sa.func.count()).select_from(schema.cases)).scalar_one()
            )

    def history(self, case_id: str) -> builtins.list[HistoryEntry]:
        h = schema.history
        q = sa.select(h).where(h.c.case_id == case_id).order_by(h.c.id)
        with self.engine.connect() as conn:
            rows = conn.execute(q).all()
        return [
            HistoryEntry(
                r.case_id,
                r.action,
                r.actor,
                r.at,
                json.loads(r.before) if r.before else None,
                json.loads(r.after) if r.after else None,
            )
            for r in rows
        ]

    def find_by_identifier(self, kind: str, value: str) -> builtins.list[str]:
        i = schema.identifiers
        q = sa.select(i.c.case_id).where(i.c.kind == kind, i.c.value == value)
        with self.engine.connect() as conn:
            return [r.case_id for r in conn.execute(q)]

    def revision(self) -> int:
        m = schema.store_meta
        with self.engine.connect() as conn:
            return int(conn.execute(sa.select(m.c.value).where(m.c.key == "revision")).scalar_one())

    @staticmethod
    def _exists(conn: Connection, case_id: str) -> bool:
        c = schema.cases
        return (
            conn.execute(sa.select(c.c.case_id).where(c.c.case_id == case_id)).first() is not None
        )

    # -- import ---------------------------------------------------------------------------------
    def import_file(
        self,
        path: str | Path,
        actor: str,
        errors_path: str | Path | None = None,
        chunk_size: int = 5000,
        progress: Callable[[ImportProgress], None] | None = None,
    ) -> ImportReport:
        """Validate and upsert every row of a CSV or JSONL file (see docscreen.cases.importer)."""
        from docscreen.cases.importer import import_file

        return import_file(self, Path(path), check_actor(actor), errors_path, chunk_size, progress)

    # -- matching -------------------------------------------------------------------------------
    def _build_index(self) -> CandidateIndex:
        rev = self.revision()
        return CandidateIndex.build(self.iter_records(), revision=rev)

    def index(self) -> CandidateIndex:
        """The current candidate index, rebuilt (new one built, then swapped in) when stale."""
        current = self._holder.current
        if current is not None and current.revision == self.revision():
            return current
        with self._index_lock:
            current = self._holder.current
            if current is not None and current.revision == self.revision():
                return current
            return self._holder.rebuild()

    def rebuild_index(self) -> CandidateIndex:
        return self._holder.rebuild()

    def match(
        self,
        name: str,
        dob: str | None = None,
        sex: str | None = None,
        nationality: str | None = None,
        nik: str | None = None,
        passport_number: str | None = None,
    ) -> builtins.list[Match]:
        from docscreen.cases.match import match_person

        return match_person(self, name, dob, sex, nationality, nik, passport_number)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets the service read while an import writes; NORMAL sync is safe with WAL.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _search_path(name: str) -> Callable[[Any, Any], None]:
    def set_path(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute(f'SET search_path TO "{name}"')
        cur.close()
        dbapi_conn.commit()

    return set_path
