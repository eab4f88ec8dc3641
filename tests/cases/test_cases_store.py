"""Case store CRUD and history, on SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
import sqlalchemy as sa

from docscreen.cases import schema
from docscreen.cases.records import CaseRecord, parse_birth_date, validate_record
from docscreen.cases.store import CaseStore
from docscreen.errors import InvalidRecordError, NotFoundError, StoreError


def rec(case_id: str = "K-1", **kw: object) -> CaseRecord:
    row: dict[str, object] = {
        "case_id": case_id,
        "role": "suspect",
        "name": "Drs. Djoko Soesanto",
        "aliases": ["Joko Susanto"],
        "birth_date": "1975-03-02",
        "sex": "M",
        "nationality": ["IDN"],
        "nik": ["5371010203750001"],
        "passport_number": ["B1234567"],
        "region": "5371",
        "source": "test",
    }
    row.update(kw)
    v = validate_record(row)
    assert v.record is not None, v.errors
    return v.record


def test_crud_and_history(store: CaseStore) -> None:
    r0 = store.revision()
    store.add(rec(), actor="officer-a")
    assert store.get("K-1") == rec()
    assert store.revision() == r0 + 1
    with pytest.raises(InvalidRecordError):
        store.add(rec(), actor="officer-a")

    changed = dataclasses.replace(rec(), notes="seen at El Tari airport")
    assert store.update(changed, actor="officer-b") is True
    assert store.update(changed, actor="officer-b") is False  # unchanged: no history row
    assert store.get("K-1") == changed
    assert store.find_by_identifier("nik", "5371010203750001") == ["K-1"]

    store.delete("K-1", actor="officer-c")
    assert store.get("K-1") is None
    assert store.find_by_identifier("nik", "5371010203750001") == []
    hist = store.history("K-1")
    assert [(h.action, h.actor) for h in hist] == [
        ("create", "officer-a"),
        ("update", "officer-b"),
        ("delete", "officer-c"),
    ]
    assert hist[0].before is None and hist[0].after is not None
    assert hist[1].before is not None and hist[1].before["notes"] is None
    assert hist[1].after is not None and hist[1].after["notes"] == "seen at El Tari airport"
    assert hist[2].after is None
    with pytest.raises(NotFoundError):
        store.delete("K-1", actor="x")
    with pytest.raises(NotFoundError):
        store.update(rec("nope"), actor="x")


def test_list_count_iter_and_upsert(store: CaseStore) -> None:
    for i in range(5):
        assert store.upsert(rec(f"K-{i}", role="victim" if i % 2 else "suspect"), "a") == "inserted"
    assert store.upsert(rec("K-0", role="suspect"), "a") == "unchanged"
    assert store.upsert(rec("K-0", role="missing"), "b") == "updated"
    assert store.count() == 5
    assert [r.case_id for r in store.list(limit=2, offset=1)] == ["K-1", "K-2"]
    assert {r.case_id for r in store.list(role="victim")} == {"K-1", "K-3"}
    assert [r.case_id for r in store.iter_records(batch=2)] == [f"K-{i}" for i in range(5)]


def test_actor_is_required(store: CaseStore) -> None:
    with pytest.raises(InvalidRecordError):
        store.add(rec(), actor=" ")


def test_migrations_are_idempotent_and_versioned(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    CaseStore(url).close()
    s = CaseStore(url)  # a second open runs upgrade head again: nothing to do
    with s.engine.connect() as conn:
        version = conn.execute(sa.text(f"SELECT version_num FROM {schema.VERSION_TABLE}")).scalar()
    assert version == "0001_initial"
    s.close()


def test_bad_url_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError):
        CaseStore("nosuchdialect://x")


def test_birth_date_forms() -> None:
    exact = parse_birth_date("1990-04-17")
    assert exact is not None and exact.exact
    year = parse_birth_date("1990")
    assert year is not None and (year.low.month, year.high.month) == (1, 12)
    month = parse_birth_date("1992-02")
    assert month is not None and month.high.day == 29
    rng = parse_birth_date("1988/1992")
    assert rng is not None and rng.low.year == 1988 and rng.high.year == 1992
    for bad in ("17-04-1990", "1990-13-01", "1992/1988", "abcd"):
        assert parse_birth_date(bad) is None


def test_validation_reports_every_problem() -> None:
    v = validate_record(
        {"case_id": "", "role": "boss", "name": "", "sex": "Q", "nik": "123", "birth_date": "x"}
    )
    assert v.record is None
    joined = " | ".join(v.errors)
    for word in ("case_id", "role", "name", "sex", "nik", "birth_date"):
        assert word in joined
