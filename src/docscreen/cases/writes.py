"""Writing case records: the chunked upsert shared by single edits and file imports."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from docscreen.cases import schema
from docscreen.cases.records import CaseRecord
from docscreen.errors import InvalidRecordError

MAX_ACTOR_LEN = 100


@dataclass(frozen=True)
class ChunkResult:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0


def normalise_url(url: str) -> str:
    """Plain ``postgresql://`` URLs use psycopg 3 (the driver this project installs)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def now_utc() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def record_from_row(row: Any) -> CaseRecord:
    return CaseRecord(
        case_id=row.case_id,
        role=row.role,
        name=row.name,
        aliases=tuple(json.loads(row.aliases)),
        birth_date=row.birth_date,
        sex=row.sex,
        nationality=tuple(json.loads(row.nationality)),
        nik=tuple(json.loads(row.nik)),
        passport_number=tuple(json.loads(row.passport_number)),
        region=row.region,
        source=row.source,
        notes=row.notes,
    )


def _json_list(values: tuple[str, ...]) -> str:
    return json.dumps(list(values), ensure_ascii=False) if values else "[]"


def _row_values(rec: CaseRecord, canonical: str | None = None) -> dict[str, Any]:
    return {
        "case_id": rec.case_id,
        "role": rec.role,
        "name": rec.name,
        "aliases": _json_list(rec.aliases),
        "birth_date": rec.birth_date,
        "sex": rec.sex,
        "nationality": _json_list(rec.nationality),
        "nik": _json_list(rec.nik),
        "passport_number": _json_list(rec.passport_number),
        "region": rec.region,
        "source": rec.source,
        "notes": rec.notes,
        "content_hash": rec.content_hash(canonical),
    }


def _identifier_rows(rec: CaseRecord) -> list[dict[str, str]]:
    rows = [{"kind": "nik", "value": n, "case_id": rec.case_id} for n in rec.nik]
    rows += [{"kind": "passport", "value": p, "case_id": rec.case_id} for p in rec.passport_number]
    return rows


def check_actor(actor: str) -> str:
    actor = (actor or "").strip()
    if not actor or len(actor) > MAX_ACTOR_LEN:
        raise InvalidRecordError(f"actor must be 1..{MAX_ACTOR_LEN} characters")
    return actor


def write_chunk(
    conn: Connection, records: Sequence[CaseRecord], actor: str, now: dt.datetime
) -> ChunkResult:
    """Upsert records by case id inside the caller's transaction; unchanged rows are not touched."""
    if not records:
        return ChunkResult()
    c = schema.cases
    ids = [r.case_id for r in records]
    existing: dict[str, Any] = {}
    for row in conn.execute(sa.select(c).where(c.c.case_id.in_(ids))):
        existing[row.case_id] = row
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    hist: list[dict[str, Any]] = []
    ident_rows: list[dict[str, str]] = []
    changed_ids: list[str] = []
    unchanged = 0
    for rec in records:
        after = rec.to_json()
        values = _row_values(rec, after)
        old = existing.get(rec.case_id)
        if old is None:
            inserts.append(
                {
                    **values,
                    "created_at": now,
                    "created_by": actor,
                    "updated_at": now,
                    "updated_by": actor,
                }
            )
            hist.append(
                {
                    "case_id": rec.case_id,
                    "action": "create",
                    "actor": actor,
                    "at": now,
                    "before": None,
                    "after": after,
                }
            )
            ident_rows.extend(_identifier_rows(rec))
        elif old.content_hash == values["content_hash"]:
            unchanged += 1
        else:
            updates.append(
                {
                    **{f"v_{k}": v for k, v in values.items()},
                    "v_updated_at": now,
                    "v_updated_by": actor,
                }
            )
            before = record_from_row(old).to_json()
            hist.append(
                {
                    "case_id": rec.case_id,
                    "action": "update",
                    "actor": actor,
                    "at": now,
                    "before": before,
                    "after": after,
                }
            )
            changed_ids.append(rec.case_id)
            ident_rows.extend(_identifier_rows(rec))
    if inserts:
        conn.execute(c.insert(), inserts)
    if updates:
        cols = [k for k in _row_values(records[0]) if k != "case_id"] + ["updated_at", "updated_by"]
        stmt = (
            c.update()
            .where(c.c.case_id == sa.bindparam("v_case_id"))
            .values({k: sa.bindparam(f"v_{k}") for k in cols})
        )
        conn.execute(stmt, updates)
        conn.execute(
            schema.identifiers.delete().where(schema.identifiers.c.case_id.in_(changed_ids))
        )
    if ident_rows:
        conn.execute(schema.identifiers.insert(), ident_rows)
    if hist:
        conn.execute(schema.history.insert(), hist)
        bump_revision(conn)
    return ChunkResult(len(inserts), len(updates), unchanged)


def bump_revision(conn: Connection) -> None:
    m = schema.store_meta
    conn.execute(m.update().where(m.c.key == "revision").values(value=m.c.value + 1))
