"""The ``docscreen cases`` command-line contracts (JSON shapes, exit codes, error lines)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docscreen.cli import main

CSV = """case_id,role,name,aliases,birth_date,sex,nationality,nik,passport_number,region,source,notes
K1,suspect,H. Moch. Djoko Soesanto,Joko Susanto,1975-03-02,M,IDN,5371010203750001,B1234567,5371,t,
K2,victim,Maria Da Costa,,2004,F,IDN,,,5302,t,
K3,missing,Sutini,,2001-07-09,F,IDN,,,,t,
K4,wrong,Nobody,,,,,,,,,
"""


@pytest.fixture
def db(tmp_path: Path) -> str:
    src = tmp_path / "cases.csv"
    src.write_text(CSV, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'c.sqlite3'}"
    assert (
        main(["cases", "import", str(src), "--db", url, "--errors", str(tmp_path / "e.csv")]) == 0
    )
    return url


def test_import_json_report_and_error_file(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    src = tmp_path / "cases.csv"
    assert main(["cases", "import", str(src), "--db", db, "--json", "--actor", "t"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (report["inserted"], report["unchanged"], report["invalid"]) == (0, 3, 1)
    errors = (tmp_path / "e.csv").read_text(encoding="utf-8").splitlines()
    assert errors[0] == "line,case_id,reason,raw"
    assert errors[1].startswith("5,K4,")


def test_match_one_json(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    rc = main(
        [
            "cases",
            "match",
            "--name",
            "DJOKO SUSANTO",
            "--dob",
            "1975-03-02",
            "--sex",
            "M",
            "--nationality",
            "IDN",
            "--db",
            db,
            "--json",
        ]
    )
    assert rc == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"id", "alert", "matches"}
    assert out["alert"] is True
    m = out["matches"][0]
    assert {"case_id", "score", "features"} <= set(m)
    assert m["case_id"] == "K1"
    assert {"name", "birth_date", "sex", "nationality", "region", "identifier_conflict"} <= set(
        m["features"]
    )


def test_match_queries_file_in_order_with_error_lines(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    q = tmp_path / "q.jsonl"
    q.write_text(
        "\n".join(
            [
                json.dumps({"id": "a", "name": "Maria Dacosta", "dob": "2004-05-01", "sex": "F"}),
                "{not json",
                json.dumps({"id": "c", "dob": "1990"}),
                json.dumps({"id": "d", "name": "Kadek Wirawan"}),
                json.dumps({"id": "e", "name": "SUTINI", "nationality": "IDN"}),
                json.dumps({"id": "g", "name": "SUTINI", "dob": "2001-07-09"}),
                json.dumps({"id": "f", "name": "Agnes Nahak", "nik": "5371010203750001"}),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    capsys.readouterr()
    assert main(["cases", "match", "--queries", str(q), "--db", db, "--json"]) == 0
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [x.get("id") for x in lines] == ["a", None, "c", "d", "e", "g", "f"]
    assert lines[0]["alert"] and lines[0]["matches"][0]["case_id"] == "K2"
    assert lines[1]["line"] == 2 and "error" in lines[1]
    assert lines[2]["error"] == "name is missing"
    assert lines[3]["alert"] is False
    # A one-word name alerts only with a birth date that agrees (nationality is not enough).
    assert not lines[4]["alert"] and lines[4]["matches"][0]["features"]["single_name_blocked"]
    assert lines[5]["alert"] and lines[5]["matches"][0]["features"]["single_name"]
    assert lines[6]["matches"][0]["features"]["identifier_conflict"] is True


def test_match_needs_name_or_queries(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cases", "match", "--db", db]) == 2
    assert "either --name or --queries" in capsys.readouterr().err


def test_import_missing_file_is_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'x.sqlite3'}"
    assert main(["cases", "import", str(tmp_path / "nope.csv"), "--db", url]) == 2
    assert "no such file" in capsys.readouterr().err


def test_readable_table(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["cases", "match", "--name", "Joko Susanto", "--db", db]) == 0
    out = capsys.readouterr().out
    assert "K1" in out and "ALERT" in out


def test_import_progress_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from docscreen.commands import cases as cases_cmd

    monkeypatch.setattr(cases_cmd, "PROGRESS_EVERY", 2)
    src = tmp_path / "cases.csv"
    src.write_text(CSV, encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'p.sqlite3'}"
    assert main(["cases", "import", str(src), "--db", url, "--chunk-size", "1"]) == 0
    err = capsys.readouterr().err
    assert "cases import: 2 rows" in err
