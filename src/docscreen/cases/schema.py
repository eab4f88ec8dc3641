"""Case-store tables (SQLAlchemy Core) and the Alembic upgrade run when a store is opened.

The tables mirror migration ``0001_initial``; lists (aliases, nationalities, NIKs, passport
numbers) are JSON text so SQLite and PostgreSQL store them alike, and identifiers are also kept
in ``case_identifiers`` for lookup by number.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config

VERSION_TABLE = "docscreen_cases_version"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"

metadata = sa.MetaData()

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("case_id", sa.String(64), primary_key=True),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("aliases", sa.Text, nullable=False),
    sa.Column("birth_date", sa.String(100)),
    sa.Column("sex", sa.String(1)),
    sa.Column("nationality", sa.Text, nullable=False),
    sa.Column("nik", sa.Text, nullable=False),
    sa.Column("passport_number", sa.Text, nullable=False),
    sa.Column("region", sa.String(64)),
    sa.Column("source", sa.String(200)),
    sa.Column("notes", sa.Text),
    sa.Column("content_hash", sa.String(32), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_by", sa.String(100), nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
)

identifiers = sa.Table(
    "case_identifiers",
    metadata,
    sa.Column("kind", sa.String(10), primary_key=True),
    sa.Column("value", sa.String(32), primary_key=True),
    sa.Column("case_id", sa.String(64), primary_key=True),
)

history = sa.Table(
    "case_history",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("case_id", sa.String(64), nullable=False),
    sa.Column("action", sa.String(10), nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("before", sa.Text),
    sa.Column("after", sa.Text),
)

store_meta = sa.Table(
    "case_store_meta",
    metadata,
    sa.Column("key", sa.String(32), primary_key=True),
    sa.Column("value", sa.BigInteger, nullable=False),
)


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def upgrade(engine: sa.Engine) -> None:
    """Bring the schema to the newest migration (idempotent)."""
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
