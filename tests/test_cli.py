"""The CLI frame: usage errors exit 2 with one line, never a traceback."""

from __future__ import annotations

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
