"""screen() on Documents and JSON documents, the case-store wiring and the ``screen`` CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docscreen.checks.policy import Policy
from docscreen.cli import main
from docscreen.models import Risk, ScreeningContext, Severity, Status
from docscreen.screening import screen

from .checks.builders import NIK, TODAY, ktp, passport, regions_table


def ctx() -> ScreeningContext:
    return ScreeningContext(screening_date=TODAY)


def test_screen_documents_clear() -> None:
    report = screen([passport(), ktp()], ctx(), store=False, regions=None)
    assert report.risk is Risk.CLEAR
    assert not [f for f in report.findings if f.status is Status.FAIL]
    skipped = {f.code for f in report.findings if f.status is Status.NOT_PERFORMED}
    assert {"NIK-03", "NIK-04", "KTP-03", "ID-01"} <= skipped  # no region list, no store
    assert "NIK-02" not in skipped  # provinces are packaged
    d = report.to_dict()
    assert set(d) >= {"risk", "findings", "matches", "documents", "seconds"}
    f0 = d["findings"][0]
    assert set(f0) >= {"code", "severity", "status", "message", "evidence"}
    assert set(f0["message"]) == {"id", "en"}


def test_age_crossing_18_is_an_alert_and_listed_first(tmp_path: Path) -> None:
    minor_nik = NIK[:6] + "040310" + NIK[12:]
    report = screen(
        [passport(), ktp(birth_date="04-03-2010", nik=minor_nik)],
        ctx(),
        store=False,
        regions=regions_table(tmp_path),
    )
    assert report.risk is Risk.ALERT
    assert report.findings[0].severity is Severity.CRITICAL
    assert report.findings[0].code == "PP-06b"


def test_single_finding_policy_levels() -> None:
    report = screen([passport(birth_date="1995-05-18"), ktp()], ctx(), store=False, regions=None)
    assert report.risk is Risk.REVIEW
    strict = screen(
        [passport(birth_date="1995-05-18"), ktp()],
        ctx(),
        store=False,
        regions=None,
        policy=Policy(alert_high=1),
    )
    assert strict.risk is Risk.ALERT


def test_json_documents_round_trip(tmp_path: Path) -> None:
    docs = [passport(), ktp(sex="PEREMPUAN")]
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps([d.to_dict() for d in docs]))
    report = screen([path], ctx(), store=False, regions=None)
    assert [d.kind.value for d in report.documents] == ["idn_passport", "idn_ktp"]
    failed = {f.code for f in report.findings if f.status is Status.FAIL}
    assert {"KTP-01", "PP-07"} <= failed
    assert report.risk is Risk.ALERT  # two independent HIGH faults


def test_same_nik_other_identity_in_case_store_is_critical(tmp_path: Path) -> None:
    cases = pytest.importorskip("docscreen.cases.store")
    records = pytest.importorskip("docscreen.cases.records")
    store = cases.CaseStore(f"sqlite:///{tmp_path / 'cases.sqlite3'}")
    store.add(
        records.CaseRecord(
            case_id="C-77",
            role="missing",
            name="SITI AMINAH",
            birth_date="1990-01-01",
            sex="F",
            nik=(NIK,),
        ),
        actor="test",
    )
    report = screen([passport(), ktp()], ctx(), store=store, regions=None)
    id01 = next(f for f in report.findings if f.code == "ID-01")
    assert id01.status is Status.FAIL and id01.severity is Severity.CRITICAL
    assert report.risk is Risk.ALERT
    assert any(m.case_id == "C-77" for m in report.matches)
    store.close()


def _write(tmp_path: Path, name: str, docs: list[object]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps([d.to_dict() for d in docs]))  # type: ignore[attr-defined]
    return str(path)


def test_cli_json_lines_and_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DOCSCREEN_DB_URL", raising=False)
    monkeypatch.delenv("DOCSCREEN_REGION_CODES", raising=False)
    good = _write(tmp_path, "good.json", [passport(), ktp()])
    minor_nik = NIK[:6] + "040310" + NIK[12:]
    bad = _write(tmp_path, "bad.json", [passport(), ktp(birth_date="04-03-2010", nik=minor_nik)])
    args = ["screen", "--screening-date", TODAY.isoformat(), "--json"]
    assert main([*args, good]) == 0
    line = json.loads(capsys.readouterr().out)
    assert line["risk"] == "CLEAR" and line["files"] == [good]
    assert main([*args, good, bad]) == 1  # each file its own report; one ALERT
    out = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [o["risk"] for o in out] == ["CLEAR", "ALERT"]
    assert main([*args, str(tmp_path / "missing.jpg")]) == 2
    err = capsys.readouterr()
    assert "missing.jpg" in err.err and json.loads(err.out)["error"]


def test_cli_bundle_and_table_languages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DOCSCREEN_DB_URL", raising=False)
    pp = _write(tmp_path, "pp.json", [passport()])
    k = _write(tmp_path, "ktp.json", [ktp(full_name="SITI AMINAH", birth_date="01-02-1990")])
    base = ["screen", "--as-bundle", "--screening-date", TODAY.isoformat(), pp, k]
    code = main(base)
    table = capsys.readouterr().out
    assert code == 1
    assert table.index("RISIKO: ALERT") < table.index("BUNDLE-01")
    assert "tampaknya milik orang yang berbeda" in table
    main([*base, "--lang", "en"])
    table_en = capsys.readouterr().out
    assert "RISK: ALERT" in table_en and "appear to belong to different people" in table_en


def test_cli_rejects_bad_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = _write(tmp_path, "good.json", [passport()])
    with pytest.raises(SystemExit) as exc:
        main(["screen", "--departure-date", "tomorrow", good])
    assert exc.value.code == 2
    broken = tmp_path / "broken.json"
    broken.write_text('{"kind": "spaceship", "fields": {}}')
    assert main(["screen", str(broken)]) == 2
    assert "spaceship" in capsys.readouterr().err


def test_cli_work_context_reaches_the_rules(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _write(tmp_path, "good.json", [passport(), ktp()])
    code = main(["screen", "--as-bundle", "--json", "--screening-date", TODAY.isoformat(),
                 "--purpose", "work", "--presented", "work_visa,bpjs", good])  # fmt: skip
    out = json.loads(capsys.readouterr().out)
    pmi03 = next(f for f in out["findings"] if f["code"] == "PMI-03")
    assert pmi03["status"] == "fail" and "work_contract" in pmi03["evidence"]["missing"]
    assert code == 0 and out["risk"] == "REVIEW"


def test_pixel_findings_given_with_the_documents() -> None:
    from docscreen.checks.result import fail

    seam = [fail(c, "score over threshold", {"document": 0})
            for c in ("TAMPER-SEAM", "TAMPER-GLYPHS", "TAMPER-COPYMOVE")]  # fmt: skip
    report = screen([passport(), ktp()], ctx(), store=False, regions=None, pixel_findings=seam)
    assert report.risk is Risk.REVIEW  # three field-level tamper signals together
    failed = {f.code for f in report.findings if f.status is Status.FAIL}
    assert failed == {"TAMPER-SEAM", "TAMPER-GLYPHS", "TAMPER-COPYMOVE"}
    # The codes not given stay not_performed (no image), each code reported once.
    codes = [f.code for f in report.findings]
    assert codes.count("TAMPER-SEAM") == 1 and "TAMPER-PHOTO" in codes
    one = screen([passport(), ktp()], ctx(), store=False, regions=None, pixel_findings=seam[:1])
    assert one.risk is Risk.CLEAR
