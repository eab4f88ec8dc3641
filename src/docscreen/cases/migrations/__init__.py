"""Alembic migrations of the case store (run by CaseStore on open: ``upgrade head``)."""
