from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from docscreen.batch.progress import Progress, format_duration
from docscreen.cli import main

from .helpers import make_folder, read_jsonl


def test_batch_run_and_status_on_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = make_folder(tmp_path / "src", 5)
    out = tmp_path / "out"
    args = ["batch", "run", str(src), "--out", str(out), "--workers", "1"]
    args += ["--screener", "tests.batch.fakes:fake_screen", "--no-progress"]
    code = main(args)
    text = capsys.readouterr().out
    rows = read_jsonl(out / "results.jsonl")
    alerts = [r for r in rows if r["risk"] == "ALERT"]
    assert code == (1 if alerts else 0)
    assert "ERROR 3" in text and "8 units" in text
    for row in alerts:
        assert row["file"] in text

    assert main([*args, "--json"]) == code
    summary = json.loads(capsys.readouterr().out)
    assert summary["screened"] == 0 and summary["skipped"] == 8
    assert summary["counts"]["ERROR"] == 3

    assert main(["batch", "status", str(out), "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["state"] == "complete" and st["finished"] == st["total"] == 8


def test_batch_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = make_folder(tmp_path / "src", 1, nasty=False)
    out = str(tmp_path / "out")
    assert main(["batch", "run", str(tmp_path / "missing"), "--out", out]) == 2
    assert main(["batch", "run", str(src), "--out", out, "--screener", "nope"]) == 2
    assert main(["batch", "run", str(src), "--out", out, "--screener", "os:nothing"]) == 2
    assert main(["batch", "status", str(tmp_path / "nowhere")]) == 2
    assert main(["batch", "status", str(tmp_path)]) == 2  # a folder without a journal
    err = capsys.readouterr().err
    assert "no such file or folder" in err and "MODULE:FUNCTION" in err


def test_progress_lines() -> None:
    log = io.StringIO()
    progress = Progress(4, stream=log, tty=False, interval=0)
    progress.skip()
    progress.advance(alerts=1)
    progress.close()
    lines = log.getvalue().splitlines()
    assert lines[-1].startswith("batch: 2/4 (50%)")
    assert "alerts 1" in lines[-1] and "already done" in lines[-1]

    term = io.StringIO()
    bar = Progress(2, stream=term, tty=True, interval=0)
    bar.advance()
    assert term.getvalue().startswith("\r[" + "#" * 12 + "-" * 12 + "] 1/2")
    assert "ETA" in term.getvalue()
    assert format_duration(3725) == "1h02m" and format_duration(65) == "1m05s"
