"""Append-only, hash-chained audit log: who did what, when, to which screening, with what result.

Each entry's hash covers its sequence number, content and the previous entry's hash, so editing,
deleting or reordering any entry breaks the chain from there on; the head row (newest seq and hash)
catches entries cut off the end.  Entries hold no traveller names, no document numbers and no
images: ``detail`` is for counts, codes and image SHA-256 digests only.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, func, select

from docscreen.errors import StoreError
from service import db

GENESIS = "0" * 64

# Keys allowed in ``detail``: a closed list, so that no caller can slip a name into the log.
DETAIL_KEYS = frozenset(
    {
        "images",
        "image_sha256",
        "count",
        "error",
        "status",
        "target_user",
        "target_role",
        "key_id",
        "case_id",
        "findings",
        "matches",
        "deleted",
        "expired_before",
        "reason",
        "entries",
    }
)


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    ts: str
    actor: str | None
    role: str | None
    action: str
    screening_id: str | None
    result: str | None
    detail: dict[str, Any]
    prev_hash: str
    hash: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "ts": self.ts,
            "actor": self.actor,
            "role": self.role,
            "action": self.action,
            "screening_id": self.screening_id,
            "result": self.result,
            "detail": self.detail,
            "prev_hash": self.prev_hash,
            "hash": self.hash,
        }


@dataclass(frozen=True)
class AuditEvent:
    """What a caller wants recorded (the log adds seq, time and hashes)."""

    action: str
    actor: str | None = None
    role: str | None = None
    screening_id: str | None = None
    result: str | None = None
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    problems: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "entries": self.entries,
            "head_seq": self.head_seq,
            "head_hash": self.head_hash,
            "problems": list(self.problems),
        }


def entry_hash(
    seq: int,
    ts: str,
    event: AuditEvent,
    detail_json: str,
    prev_hash: str,
) -> str:
    payload = json.dumps(
        [
            seq,
            ts,
            event.actor,
            event.role,
            event.action,
            event.screening_id,
            event.result,
            detail_json,
            prev_hash,
        ],
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def _canonical_detail(detail: Mapping[str, Any]) -> str:
    unknown = set(detail) - DETAIL_KEYS
    if unknown:
        raise ValueError(f"audit detail keys not allowed: {sorted(unknown)}")
    return json.dumps(dict(detail), sort_keys=True, separators=(",", ":"), ensure_ascii=True)


class AuditLog:
    """Appends to and reads the chain stored in ``svc_audit_log`` of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        # One writer at a time inside this process; across processes the head row lock
        # (PostgreSQL) or SQLite's single writer serialise appends.
        self._lock = threading.Lock()

    def append(self, event: AuditEvent) -> AuditEntry:
        detail_json = _canonical_detail(event.detail)
        with self._lock:
            try:
                with self.engine.begin() as conn:
                    return self._append(conn, event, detail_json)
            except ValueError:
                raise
            except Exception as exc:
                raise StoreError(f"audit log append failed: {type(exc).__name__}") from exc

    def _append(self, conn: Connection, event: AuditEvent, detail_json: str) -> AuditEntry:
        # Take the write lock first (a no-op UPDATE of the head row: a row lock on PostgreSQL, the
        # database write lock on SQLite), so that two writers, even in two processes, cannot both
        # read the same head and fork the chain.
        conn.execute(
            db.audit_head.update().where(db.audit_head.c.id == 1).values(seq=db.audit_head.c.seq)
        )
        head = conn.execute(
            select(db.audit_head.c.seq, db.audit_head.c.hash).where(db.audit_head.c.id == 1)
        ).one()
        seq = int(head.seq) + 1
        prev = str(head.hash)
        ts = dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")
        digest = entry_hash(seq, ts, event, detail_json, prev)
        conn.execute(
            db.audit_log.insert().values(
                seq=seq,
                ts=ts,
                actor=event.actor,
                role=event.role,
                action=event.action,
                screening_id=event.screening_id,
                result=event.result,
                detail=detail_json,
                prev_hash=prev,
                hash=digest,
            )
        )
        conn.execute(
            db.audit_head.update().where(db.audit_head.c.id == 1).values(seq=seq, hash=digest)
        )
        return AuditEntry(
            seq,
            ts,
            event.actor,
            event.role,
            event.action,
            event.screening_id,
            event.result,
            json.loads(detail_json),
            prev,
            digest,
        )

    def entries(
        self, *, after: int = 0, limit: int = 100, screening_id: str | None = None
    ) -> list[AuditEntry]:
        q = select(db.audit_log).where(db.audit_log.c.seq > after)
        if screening_id is not None:
            q = q.where(db.audit_log.c.screening_id == screening_id)
        q = q.order_by(db.audit_log.c.seq).limit(limit)
        with self.engine.connect() as conn:
            return [_row_entry(r._mapping) for r in conn.execute(q)]

    def count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(db.audit_log)).scalar_one())

    def verify(self) -> VerifyResult:
        return verify_chain(self.engine)


def _row_entry(row: RowMapping) -> AuditEntry:
    return AuditEntry(
        seq=int(row["seq"]),
        ts=str(row["ts"]),
        actor=row["actor"],
        role=row["role"],
        action=str(row["action"]),
        screening_id=row["screening_id"],
        result=row["result"],
        detail=json.loads(row["detail"]),
        prev_hash=str(row["prev_hash"]),
        hash=str(row["hash"]),
    )


def verify_chain(engine: Engine, *, max_problems: int = 20) -> VerifyResult:
    """Walk the whole chain in sequence order; report every break (up to ``max_problems``)."""
    problems: list[str] = []
    expected_seq = 1
    prev = GENESIS
    count = 0
    with engine.connect() as conn:
        head = conn.execute(
            select(db.audit_head.c.seq, db.audit_head.c.hash).where(db.audit_head.c.id == 1)
        ).first()
        rows = conn.execute(select(db.audit_log).order_by(db.audit_log.c.seq))
        for row in rows:
            m = row._mapping
            count += 1
            seq = int(m["seq"])
            if seq != expected_seq:
                problems.append(f"entry {seq}: expected sequence {expected_seq} (entry missing)")
            if m["prev_hash"] != prev:
                problems.append(f"entry {seq}: does not link to the entry before it")
            event = AuditEvent(
                action=m["action"],
                actor=m["actor"],
                role=m["role"],
                screening_id=m["screening_id"],
                result=m["result"],
            )
            recomputed = entry_hash(seq, m["ts"], event, m["detail"], m["prev_hash"])
            if recomputed != m["hash"]:
                problems.append(f"entry {seq}: content does not match its hash (edited)")
            prev = str(m["hash"])
            expected_seq = seq + 1
            if len(problems) >= max_problems:
                break
    head_seq = int(head.seq) if head is not None else -1
    head_hash = str(head.hash) if head is not None else ""
    if head is None:
        problems.append("the chain head row is missing")
    elif len(problems) < max_problems and (head_seq != expected_seq - 1 or head_hash != prev):
        problems.append(
            f"chain head says entry {head_seq} is the newest, the log ends at {expected_seq - 1}"
            " (entries removed from the end, or head edited)"
        )
    return VerifyResult(not problems, count, head_seq, head_hash, tuple(problems))
