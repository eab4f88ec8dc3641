"""The audit log: hash chain, database-level append-only protection (SQLite and, for real,
PostgreSQL), and ``docscreen audit verify`` detecting edits, deletions, reordering, truncation."""

from __future__ import annotations

import itertools
import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from docscreen.cli import main
from service import db
from service.audit import AuditEvent, AuditLog, verify_chain

PG_CANDIDATES = (
    "postgresql+psycopg://postgres@127.0.0.1:5432/test",
    "postgresql+psycopg://root@127.0.0.1:5432/test",
)


def _pg_base_url() -> str:
    override = os.environ.get("DOCSCREEN_TEST_PG_URL")
    problems = []
    for url in (override,) if override else PG_CANDIDATES:
        engine = sa.create_engine(url, connect_args={"connect_timeout": 5})
        try:
            with engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
            return url
        except sa.exc.OperationalError as exc:
            problems.append(f"{url}: {str(exc.orig).strip().splitlines()[0]}")
        finally:
            engine.dispose()
    pytest.fail("PostgreSQL test server not reachable: " + "; ".join(problems), pytrace=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'svc.sqlite3'}"
        return
    base = _pg_base_url()
    schema = f"svc_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        # The schema goes in the URL, so the CLI's --db sees the same tables.
        yield f"{base}?options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def _filled(url: str, n: int = 6) -> tuple[Engine, AuditLog]:
    engine = db.open_db(url)
    log = AuditLog(engine)
    for i in range(n):
        log.append(
            AuditEvent(
                action="screening.create",
                actor=f"officer{i % 2}",
                role="officer",
                screening_id=f"{i:032x}",
                result=("CLEAR", "REVIEW", "ALERT")[i % 3],
                detail={"images": 1 + i % 4},
            )
        )
    return engine, log


def _drop_triggers(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("DROP TRIGGER svc_audit_no_change ON svc_audit_log"))
            conn.execute(sa.text("DROP TRIGGER svc_audit_no_truncate ON svc_audit_log"))
        else:
            conn.execute(sa.text("DROP TRIGGER svc_audit_no_update"))
            conn.execute(sa.text("DROP TRIGGER svc_audit_no_delete"))


def _cli_verify(url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["audit", "verify", "--db", url])
    return code, capsys.readouterr().out


def test_chain_links_and_verifies(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    engine, log = _filled(db_url)
    entries = log.entries()
    assert [e.seq for e in entries] == [1, 2, 3, 4, 5, 6]
    assert entries[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(entries))
    result = verify_chain(engine)
    assert result.ok and result.entries == 6 and result.head_hash == entries[-1].hash
    code, out = _cli_verify(db_url, capsys)
    assert code == 0 and "OK: 6 entries" in out
    engine.dispose()


def test_database_refuses_update_delete(db_url: str) -> None:
    engine, _log = _filled(db_url, 2)
    for stmt in (
        "UPDATE svc_audit_log SET result = 'CLEAR' WHERE seq = 1",
        "DELETE FROM svc_audit_log WHERE seq = 2",
        "DELETE FROM svc_audit_log",
    ):
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text(stmt))
    if engine.dialect.name == "postgresql":
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(sa.text("TRUNCATE svc_audit_log"))
    assert verify_chain(engine).ok
    # re-opening re-installs the triggers idempotently and keeps the chain
    engine.dispose()
    engine = db.open_db(db_url)
    assert verify_chain(engine).entries == 2
    engine.dispose()


def test_edit_behind_the_triggers_is_detected(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine, _log = _filled(db_url)
    _drop_triggers(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE svc_audit_log SET result = 'CLEAR' WHERE seq = 3"))
    result = verify_chain(engine)
    assert not result.ok
    assert any(p.startswith("entry 3:") and "edited" in p for p in result.problems)
    code, out = _cli_verify(db_url, capsys)
    assert code == 1 and "BROKEN" in out and "entry 3" in out
    engine.dispose()


def test_deleted_entry_is_detected(db_url: str) -> None:
    engine, _log = _filled(db_url)
    _drop_triggers(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM svc_audit_log WHERE seq = 2"))
    problems = verify_chain(engine).problems
    assert any("entry 3" in p and "missing" in p for p in problems)
    engine.dispose()


def test_reordered_entries_are_detected(db_url: str) -> None:
    engine, log = _filled(db_url)
    _drop_triggers(engine)
    e2, e4 = log.entries()[1], log.entries()[3]
    cols = (
        "ts",
        "actor",
        "role",
        "action",
        "screening_id",
        "result",
        "detail",
        "prev_hash",
        "hash",
    )
    with engine.begin() as conn:
        for target, src in ((2, e4), (4, e2)):
            values = {c: getattr(src, c) for c in cols}
            values["detail"] = json.dumps(src.detail, sort_keys=True, separators=(",", ":"))
            conn.execute(db.audit_log.update().where(db.audit_log.c.seq == target).values(**values))
    result = verify_chain(engine)
    assert not result.ok
    assert any(p.startswith("entry 2:") for p in result.problems)
    engine.dispose()


def test_truncated_tail_is_detected(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    engine, _log = _filled(db_url)
    _drop_triggers(engine)
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM svc_audit_log WHERE seq >= 5"))
    result = verify_chain(engine)
    assert not result.ok and "removed from the end" in " ".join(result.problems)
    engine.dispose()


def test_expect_head_catches_a_rewritten_chain(
    db_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    engine, log = _filled(db_url, 3)
    head = log.entries()[-1].hash
    assert main(["audit", "verify", "--db", db_url, "--expect-head", head]) == 0
    assert main(["audit", "verify", "--db", db_url, "--expect-head", "f" * 64]) == 1
    capsys.readouterr()
    engine.dispose()


def test_detail_keys_are_a_closed_list(tmp_path: Path) -> None:
    engine = db.open_db(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    with pytest.raises(ValueError, match="not allowed"):
        AuditLog(engine).append(AuditEvent(action="x", detail={"name": "SITI"}))
    assert verify_chain(engine).entries == 0
    engine.dispose()


def test_verify_on_a_database_without_audit_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    assert main(["audit", "verify", "--db", url]) == 2
    assert "no docscreen audit log" in capsys.readouterr().err


def test_service_writes_a_verifiable_chain_on_each_database(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.service.conftest import env_with
    from tests.service.fakes import jpeg_bytes

    with env_with(tmp_path, db_url=db_url) as env:
        from service.auth import Role

        files = [("files", ("a.jpg", jpeg_bytes(), "image/jpeg"))]
        for role in (Role.OFFICER, Role.SUPERVISOR):
            r = env.client.post("/api/v1/screenings", headers=env.h(role), files=files)
            assert r.status_code == 201
        bad = [("files", ("a.jpg", b"%PDF-1.4", "image/jpeg"))]
        assert (
            env.client.post(
                "/api/v1/screenings", headers=env.h(Role.OFFICER), files=bad
            ).status_code
            == 415
        )
        verify = env.client.get("/api/v1/audit/verify", headers=env.h(Role.AUDITOR)).json()
        assert verify["ok"] and verify["entries"] == 3
    assert main(["audit", "verify", "--db", db_url]) == 0
    assert "OK: 4 entries" in capsys.readouterr().out  # + the auditor's own audit.verify


def test_concurrent_writers_in_separate_connections_keep_one_chain(db_url: str) -> None:
    import threading

    engine_a = db.open_db(db_url)
    engine_b = db.make_engine(db_url)  # as a second process would: its own engine and lock
    logs = [AuditLog(engine_a), AuditLog(engine_b)]

    def write(log: AuditLog, n: int) -> None:
        for _ in range(n):
            log.append(AuditEvent(action="login", result="ok"))

    threads = [threading.Thread(target=write, args=(log, 15)) for log in logs for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result = verify_chain(engine_a)
    assert result.ok, result.problems
    assert result.entries == 60
    engine_a.dispose()
    engine_b.dispose()
