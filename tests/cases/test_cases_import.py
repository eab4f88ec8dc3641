"""Import: bad rows to the error file with line numbers, idempotent re-import, interruption."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from docscreen.cases import importer, schema
from docscreen.cases.store import CaseStore
from docscreen.errors import InvalidRecordError

HEADER = (
    "case_id,role,name,aliases,birth_date,sex,nationality,nik,passport_number,region,source,notes"
)
GOOD_AND_BAD = f"""{HEADER}
K1,suspect,H. Moch. Djoko Santoso,Joko Santoso|Djoko S.,1975-03-02,M,IDN,5371010203750001,B1234567,5371,test,
K2,victim,Maria Da Costa,,2004,F,IDN,,,5302,test,
K3,badrole,Yanti,,,,,,,,,
K4,missing,,,,,,,,,,
K5,missing,Umbu Ndakularak,,1990/1992,M,IDN,123,,,,
K6,missing,"Rambu Hamu, S.Pd.",,1995-13-40,F,IDN,,,,,
K2,victim,Maria Da Costa,,2004,F,IDN,,,5302,test,
K7,associate,Yohanes Seran,,,M,TLS|IDN,,,,,"note with, comma"
"""


def error_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_csv_bad_rows_go_to_error_file_with_line_numbers(store: CaseStore, tmp_path: Path) -> None:
    src = tmp_path / "cases.csv"
    src.write_text(GOOD_AND_BAD, encoding="utf-8")
    errs = tmp_path / "errors.csv"
    report = store.import_file(src, actor="importer", errors_path=errs)
    assert (report.rows, report.inserted, report.invalid) == (8, 3, 5)
    rows = error_rows(errs)
    assert [(r["line"], r["case_id"]) for r in rows] == [
        ("4", "K3"),
        ("5", "K4"),
        ("6", "K5"),
        ("7", "K6"),
        ("8", "K2"),
    ]
    reasons = [r["reason"] for r in rows]
    assert "role" in reasons[0]
    assert "name" in reasons[1]
    assert "nik" in reasons[2]
    assert "birth_date" in reasons[3]
    assert "repeated (first on line 3)" in reasons[4]
    k7 = store.get("K7")
    assert k7 is not None and k7.nationality == ("TLS", "IDN") and k7.notes == "note with, comma"
    assert [h.actor for h in store.history("K1")] == ["importer"]


def test_reimport_is_idempotent_and_updates_only_changed_rows(
    store: CaseStore, tmp_path: Path
) -> None:
    src = tmp_path / "cases.jsonl"
    lines = [
        {"case_id": f"J{i}", "role": "victim", "name": f"Siti Aminah {i}", "nik": []}
        for i in range(20)
    ]
    src.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    first = store.import_file(src, actor="a", chunk_size=7)
    assert (first.inserted, first.updated, first.unchanged, first.chunks) == (20, 0, 0, 3)
    rev = store.revision()
    again = store.import_file(src, actor="b", chunk_size=7)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 20)
    assert store.revision() == rev  # nothing written, index stays valid
    assert all(len(store.history(f"J{i}")) == 1 for i in range(20))

    lines[3]["name"] = "Siti Aminah Binti Umar"
    src.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    third = store.import_file(src, actor="c", chunk_size=7)
    assert (third.inserted, third.updated, third.unchanged) == (0, 1, 19)
    hist = store.history("J3")
    assert [(h.action, h.actor) for h in hist] == [("create", "a"), ("update", "c")]


def test_jsonl_malformed_lines_are_reported(store: CaseStore, tmp_path: Path) -> None:
    src = tmp_path / "c.jsonl"
    src.write_text(
        '{"case_id": "A", "name": "Budi", "role": "victim"}\n'
        "not json\n"
        "\n"
        '["a list"]\n'
        '{"case_id": "B", "name": "Ani", "colour": "red"}\n'
        '{"case_id": "C", "name": "Ani", "aliases": ["Anik", "Ani K."], "nik": ["5371014101900002"]}\n',
        encoding="utf-8",
    )
    report = store.import_file(src, actor="a")
    assert (report.inserted, report.invalid) == (2, 3)
    assert [(e.line, e.reason.split(":")[0]) for e in report.errors] == [
        (2, "not valid JSON"),
        (4, "not a JSON object"),
        (5, "unknown keys"),
    ]
    assert report.errors_path is not None and Path(report.errors_path).is_file()
    c = store.get("C")
    assert c is not None and c.aliases == ("Anik", "Ani K.")


def test_unknown_csv_column_is_refused(sqlite_store: CaseStore, tmp_path: Path) -> None:
    src = tmp_path / "c.csv"
    src.write_text("case_id,name,colour\nA,Budi,red\n", encoding="utf-8")
    with pytest.raises(InvalidRecordError, match="colour"):
        sqlite_store.import_file(src, actor="a")


def test_interrupted_import_leaves_a_consistent_store(
    store: CaseStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "big.jsonl"
    rows = [
        {
            "case_id": f"R{i:03d}",
            "role": "missing",
            "name": f"Yuliana Nahak {i}",
            "nik": [f"53710141019{i:05d}"],
        }
        for i in range(25)
    ]
    src.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    real = importer.write_chunk
    calls = {"n": 0}

    def failing(conn, records, actor, now):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            # Half of the chunk is written when the failure strikes: it must be rolled back.
            real(conn, records[:5], actor, now)
            raise RuntimeError("disk full")
        return real(conn, records, actor, now)

    monkeypatch.setattr(importer, "write_chunk", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        store.import_file(src, actor="a", chunk_size=10)
    # Chunks 1 and 2 are in, chunk 3 not at all; every record has its identifier and history.
    assert store.count() == 20
    with store.engine.connect() as conn:
        n_ident = conn.execute(sa.select(sa.func.count()).select_from(schema.identifiers)).scalar()
        n_hist = conn.execute(sa.select(sa.func.count()).select_from(schema.history)).scalar()
    assert (n_ident, n_hist) == (20, 20)
    monkeypatch.setattr(importer, "write_chunk", real)
    report = store.import_file(src, actor="a", chunk_size=10)
    assert (report.inserted, report.unchanged) == (5, 20)
    assert store.count() == 25
