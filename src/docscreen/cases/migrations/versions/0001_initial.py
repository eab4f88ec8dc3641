"""Case records, their identifiers, change history and the store revision.

Revision ID: 0001_initial
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("case_id", sa.String(64), primary_key=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("aliases", sa.Text, nullable=False, server_default="[]"),
        sa.Column("birth_date", sa.String(100)),
        sa.Column("sex", sa.String(1)),
        sa.Column("nationality", sa.Text, nullable=False, server_default="[]"),
        sa.Column("nik", sa.Text, nullable=False, server_default="[]"),
        sa.Column("passport_number", sa.Text, nullable=False, server_default="[]"),
        sa.Column("region", sa.String(64)),
        sa.Column("source", sa.String(200)),
        sa.Column("notes", sa.Text),
        sa.Column("content_hash", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(100), nullable=False),
    )
    op.create_index("ix_cases_role", "cases", ["role"])
    op.create_table(
        "case_identifiers",
        sa.Column("kind", sa.String(10), primary_key=True),
        sa.Column("value", sa.String(32), primary_key=True),
        sa.Column("case_id", sa.String(64), primary_key=True),
    )
    op.create_index("ix_case_identifiers_case_id", "case_identifiers", ["case_id"])
    op.create_table(
        "case_history",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(64), nullable=False),
        sa.Column("action", sa.String(10), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("before", sa.Text),
        sa.Column("after", sa.Text),
    )
    op.create_index("ix_case_history_case_id", "case_history", ["case_id"])
    op.create_table(
        "case_store_meta",
        sa.Column("key", sa.String(32), primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.execute("INSERT INTO case_store_meta (key, value) VALUES ('revision', 0)")


def downgrade() -> None:
    op.drop_table("case_store_meta")
    op.drop_table("case_history")
    op.drop_table("case_identifiers")
    op.drop_table("cases")
