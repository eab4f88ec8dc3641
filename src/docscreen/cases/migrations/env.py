"""Alembic environment for the case store.

Run from the installed package by :func:`docscreen.cases.schema.upgrade` with the connection in
``config.attributes["connection"]``: no alembic.ini is needed.  The version table has its own name
so the case store can share a database with other components that use Alembic.
"""

from __future__ import annotations

from alembic import context

from docscreen.cases.schema import VERSION_TABLE, metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the alembic CLI by hand
    raise RuntimeError("run migrations through docscreen.cases.schema.upgrade(engine)")
context.configure(connection=connection, target_metadata=metadata, version_table=VERSION_TABLE)
with context.begin_transaction():
    context.run_migrations()
