"""The CLI frame: usage errors exit 2 with one line, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from docscreen.cli import main


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2
    assert "docscreen: error:" in capsys.readouterr().err


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["frobnicate"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice" in err
    assert "Traceback" not in err


def test_console_script_help_runs() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "docscreen.cli", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    assert "specimens" in proc.stdout


def test_a_fault_on_one_file_is_reported_and_the_rest_still_read(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from docscreen.commands._perfile import each_file

    def read(path: str) -> tuple[dict[str, str], str]:
        if path == "b.png":
            raise ValueError("empty run")
        return {"file": path}, f"read {path}"

    code = each_file(["a.png", "b.png", "c.png"], True, read)
    out, err = capsys.readouterr()
    assert code == 3
    lines = [json.loads(line) for line in out.splitlines()]
    assert lines[0] == {"file": "a.png"}
    assert lines[1]["file"] == "b.png" and lines[1]["internal"] is True
    assert "ValueError: empty run" in lines[1]["error"]
    assert lines[2] == {"file": "c.png"}
    assert "Traceback" not in err and "b.png" in err


def test_an_unexpected_fault_exits_3_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import docscreen.commands.read as read_cmd

    def broken(path: str) -> object:
        raise RuntimeError("boom")

    monkeypatch.setattr(read_cmd, "each_file", lambda paths, as_json, read: broken(paths[0]))
    code = main(["read", "whatever.png"])
    err = capsys.readouterr().err
    assert code == 3
    assert "internal error: RuntimeError: boom" in err
    assert "Traceback" not in err
