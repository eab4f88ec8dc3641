"""Case-store fixtures: a SQLite file per test and, for real, the PostgreSQL server of CI.

PostgreSQL tests use a fresh schema per test (dropped afterwards) so parallel runs never collide.
The server at 127.0.0.1:5432 (database ``test``, trust auth, user postgres or root) is always
there in CI: when it is not reachable the tests FAIL with a message saying so, they do not skip.
``DOCSCREEN_TEST_PG_URL`` overrides the URL.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from docscreen.cases.store import CaseStore, normalise_url

PG_CANDIDATES = (
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg://root@127.0.0.1:5432/test",
)


def _pg_url() -> str:
    override = os.environ.get("DOCSCREEN_TEST_PG_URL")
    candidates = (normalise_url(override),) if override else PG_CANDIDATES
    problems = []
    for url in candidates:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 5})
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            return url
        except sa.exc.OperationalError as exc:
            problems.append(f"{url}: {str(exc.orig).strip().splitlines()[0]}")
        finally:
            engine.dispose()
    pytest.fail(
        "PostgreSQL test server is not reachable (CI always provides it at 127.0.0.1:5432, "
        "database 'test'): " + "; ".join(problems),
        pytrace=False,
    )


@pytest.fixture(scope="session")
def pg_url() -> str:
    return _pg_url()


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CaseStore]:
    if request.param == "sqlite":
        s = CaseStore(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
        yield s
        s.close()
        return
    url = request.getfixturevalue("pg_url")
    schema_name = f"t_{uuid.uuid4().hex[:16]}"
    s = CaseStore(url, schema_name=schema_name)
    try:
        yield s
    finally:
        s.close()
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema_name}" CASCADE'))
        engine.dispose()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[CaseStore]:
    s = CaseStore(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    yield s
    s.close()
