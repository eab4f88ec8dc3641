"""``docscreen specimens generate``: output files and one-line errors with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from docscreen.cli import main


def test_generate_writes_images_truth_and_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    code = main(
        [
            "specimens",
            "generate",
            "--out",
            str(out),
            "--count",
            "3",
            "--seed",
            "4",
            "--kinds",
            "idn_ktp,bundle",
            "--today",
            "2026-11-29",
        ]
    )
    assert code == 0
    index = [json.loads(line) for line in (out / "index.jsonl").read_text().splitlines()]
    assert len(index) == 4  # ktp, bundle (passport + ktp), ktp
    for row in index:
        truth = json.loads((out / row["truth"]).read_text())
        assert (out / row["image"]).is_file()
        assert truth["id"] == row["id"]
    assert sum(1 for row in index if row["bundle"]) == 2


def _error(capsys: pytest.CaptureFixture[str], argv: list[str]) -> str:
    code = main(argv)
    err = capsys.readouterr().err.strip()
    assert code == 2
    return err


def test_bad_kind_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(
        capsys,
        [
            "specimens",
            "generate",
            "--out",
            str(tmp_path),
            "--kinds",
            "idn_passport,driving_licence",
        ],
    )
    assert err.count("\n") == 0
    assert "driving_licence" in err and "idn_ktp" in err


def test_bad_capture_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(
        capsys, ["specimens", "generate", "--out", str(tmp_path), "--capture", "sepia:0.5"]
    )
    assert err.count("\n") == 0 and "sepia" in err


def test_count_below_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(capsys, ["specimens", "generate", "--out", str(tmp_path), "--count", "0"])
    assert err.count("\n") == 0 and "count" in err
    assert not list(tmp_path.iterdir())


def test_unwritable_out_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    err = _error(capsys, ["specimens", "generate", "--out", str(blocker / "sub"), "--count", "1"])
    assert err.count("\n") == 0 and "cannot write" in err


def test_list_names_everything(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["specimens", "list"]) == 0
    out = capsys.readouterr().out
    for word in ("idn_passport", "bundle", "copy_move", "name_swap", "realistic", "exif_rotation"):
        assert word in out
