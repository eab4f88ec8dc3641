"""The service's own tables (users, keys, sessions, screenings, retained images, audit log).

Kept apart from the case store (``docscreen.cases``): its own metadata, ``svc_`` table prefix and a
schema version row.  :func:`open_db` creates what is missing and installs the triggers that make the
audit log append-only at the database level (SQLite triggers, PostgreSQL trigger functions), so an
UPDATE or DELETE on it fails even for someone holding the database URL.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    Engine,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    select,
    text,
)

from docscreen.errors import ConfigurationError

SCHEMA_VERSION = 1

metadata = MetaData()

schema = Table(
    "svc_schema",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

users = Table(
    "svc_users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("password_hash", String(255)),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", Float, nullable=False),
)

api_keys = Table(
    "svc_api_keys",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_id", Integer, ForeignKey("svc_users.id"), nullable=False),
    Column("key_id", String(32), nullable=False, unique=True),
    Column("key_hash", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float),
    Column("revoked", Boolean, nullable=False, default=False),
)

sessions = Table(
    "svc_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("svc_users.id"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", Float, nullable=False),
    Column("expires_at", Float, nullable=False),
)

screenings = Table(
    "svc_screenings",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("user_id", Integer, ForeignKey("svc_users.id"), nullable=False, index=True),
    Column("created_at", Float, nullable=False, index=True),
    Column("risk", String(16), nullable=False),
    Column("n_images", Integer, nullable=False),
    Column("image_sha256", Text, nullable=False),  # JSON list
    Column("context", Text, nullable=False),  # JSON
    Column("report", Text, nullable=False),  # JSON (ScreeningReport.to_dict)
)

retained_images = Table(
    "svc_retained_images",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("screening_id", String(32), nullable=False, index=True),
    Column("idx", Integer, nullable=False),
    Column("blob", LargeBinary, nullable=False),  # AES-GCM nonce + ciphertext
    Column("expires_at", Float, nullable=False, index=True),
)

audit_log = Table(
    "svc_audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("ts", String(32), nullable=False),
    Column("actor", String(64)),
    Column("role", String(16)),
    Column("action", String(48), nullable=False),
    Column("screening_id", String(32)),
    Column("result", String(32)),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
)

# The chain's newest (seq, hash); appends lock this row, and verify compares it with the last entry
# so that cutting entries off the end is detected too.
audit_head = Table(
    "svc_audit_head",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

_SQLITE_TRIGGERS = (
    """CREATE TRIGGER IF NOT EXISTS svc_audit_no_update BEFORE UPDATE ON svc_audit_log
       BEGIN SELECT RAISE(ABORT, 'svc_audit_log is append-only'); END""",
    """CREATE TRIGGER IF NOT EXISTS svc_audit_no_delete BEFORE DELETE ON svc_audit_log
       BEGIN SELECT RAISE(ABORT, 'svc_audit_log is append-only'); END""",
)

_PG_TRIGGERS = (
    """CREATE OR REPLACE FUNCTION svc_audit_append_only() RETURNS trigger
       LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'svc_audit_log is append-only'; END $$""",
    "DROP TRIGGER IF EXISTS svc_audit_no_change ON svc_audit_log",
    """CREATE TRIGGER svc_audit_no_change BEFORE UPDATE OR DELETE ON svc_audit_log
       FOR EACH ROW EXECUTE FUNCTION svc_audit_append_only()""",
    "DROP TRIGGER IF EXISTS svc_audit_no_truncate ON svc_audit_log",
    """CREATE TRIGGER svc_audit_no_truncate BEFORE TRUNCATE ON svc_audit_log
       FOR EACH STATEMENT EXECUTE FUNCTION svc_audit_append_only()""",
)


def make_engine(url: str) -> Engine:
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

    return engine


def install_triggers(engine: Engine) -> None:
    statements = _PG_TRIGGERS if engine.dialect.name == "postgresql" else _SQLITE_TRIGGERS
    if engine.dialect.name not in ("sqlite", "postgresql"):
        raise ConfigurationError(
            f"database {engine.dialect.name!r} is not supported (SQLite or PostgreSQL)"
        )
    with engine.begin() as conn:
        for stmt in statements:
            conn.execute(text(stmt))


def open_db(url: str) -> Engine:
    """Engine with the schema created (or checked) and the audit triggers installed."""
    engine = make_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        version = conn.execute(select(schema.c.version).where(schema.c.id == 1)).scalar()
        if version is None:
            conn.execute(schema.insert().values(id=1, version=SCHEMA_VERSION))
        elif version != SCHEMA_VERSION:
            raise ConfigurationError(
                f"service database schema is version {version}, this code needs {SCHEMA_VERSION}"
            )
        if conn.execute(select(audit_head.c.id)).first() is None:
            conn.execute(audit_head.insert().values(id=1, seq=0, hash="0" * 64))
    install_triggers(engine)
    return engine
