"""A real ``kill -9`` of a running ``docscreen batch run``, then a rerun of the same command."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from docscreen.batch import InlineExecutor, Limits, RunOptions, run

from .fakes import fake_screen
from .helpers import keyed, make_folder, png_bytes

REPO = Path(__file__).resolve().parents[2]
DATE = "2026-11-29"


def _cli(*args: str) -> list[str]:
    code = "import sys; from docscreen.cli import main; sys.exit(main(sys.argv[1:]))"
    return [sys.executable, "-c", code, *args]


def _finished_units(journal: Path) -> int:
    if not journal.exists():
        return 0
    try:
        db = sqlite3.connect(f"file:{journal}?mode=ro", uri=True, timeout=1)
        try:
            return int(db.execute("SELECT COUNT(*) FROM units").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0  # the schema may not exist yet


def test_kill_9_at_a_random_point_then_rerun_gives_the_same_rows(tmp_path: Path) -> None:
    src = make_folder(tmp_path / "src", 40)
    total_units = 43
    reference = tmp_path / "ref"
    run(
        src,
        reference,
        InlineExecutor(),
        options=RunOptions(
            screener=fake_screen,
            limits=Limits(timeout=30, max_attempts=2),
            progress=False,
            screening_date=dt.date.fromisoformat(DATE),
        ),
    )

    seed = random.SystemRandom().randrange(1_000_000)
    kill_after = random.Random(seed).randint(2, total_units - 8)
    out = tmp_path / "out"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        "DOCSCREEN_FAKE_DELAY": "0.04",
    }
    command = _cli(
        "batch",
        "run",
        str(src),
        "--out",
        str(out),
        "--workers",
        "2",
        "--screening-date",
        DATE,
        "--screener",
        "tests.batch.fakes:fake_screen",
        "--no-progress",
    )
    proc = subprocess.Popen(
        command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 60
    while _finished_units(out / "journal.sqlite3") < kill_after:
        assert proc.poll() is None, f"finished before the kill (seed {seed}): {proc.communicate()}"
        assert time.monotonic() < deadline, f"no progress (seed {seed})"
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    killed_at = _finished_units(out / "journal.sqlite3")
    assert killed_at < total_units, f"the run had finished (seed {seed})"

    status = subprocess.run(
        _cli("batch", "status", str(out)), env=env, cwd=REPO, capture_output=True, text=True
    )
    assert status.returncode == 0
    assert "interrupted" in status.stdout and f"/{total_units} units" in status.stdout

    rerun = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert rerun.returncode in (0, 1), rerun.stderr
    assert "ERROR 3" in rerun.stdout
    assert keyed(out / "results.jsonl") == keyed(reference / "results.jsonl"), f"seed {seed}"
    assert keyed(out / "errors.jsonl") == keyed(reference / "errors.jsonl"), f"seed {seed}"
    assert _finished_units(out / "journal.sqlite3") == total_units


def _children(pid: int) -> set[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return set()
    return {int(x) for x in text.split()}


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie waiting for init to reap it is gone for our purpose.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def test_workers_stop_when_the_batch_is_killed_mid_hang(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "stuck_HANG.png").write_bytes(png_bytes(5))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    command = _cli(
        "batch",
        "run",
        str(src),
        "--out",
        str(tmp_path / "out"),
        "--workers",
        "1",
        "--timeout",
        "120",
        "--screener",
        "tests.batch.fakes:fake_screen",
        "--no-progress",
    )
    proc = subprocess.Popen(
        command, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    workers: set[int] = set()
    while not workers:
        assert time.monotonic() < deadline
        workers = _children(proc.pid)
        time.sleep(0.05)
    time.sleep(1.0)  # let the worker pick up the hanging unit
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = (
        time.monotonic() + 60
    )  # a worker still importing on a busy machine starts its watch late
    while any(_alive(w) for w in workers):
        assert time.monotonic() < deadline, "an orphaned worker kept running"
        time.sleep(0.1)


def test_sigterm_stops_cleanly_and_says_how_to_resume(tmp_path: Path) -> None:
    src = make_folder(tmp_path / "src", 30, nasty=False)
    out = tmp_path / "out"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
        "DOCSCREEN_FAKE_DELAY": "0.1",
    }
    command = _cli(
        "batch",
        "run",
        str(src),
        "--out",
        str(out),
        "--workers",
        "1",
        "--screener",
        "tests.batch.fakes:fake_screen",
        "--no-progress",
    )
    proc = subprocess.Popen(
        command, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while _finished_units(out / "journal.sqlite3") < 2:
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.02)
    proc.terminate()
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "Rerun the same command to resume" in err
    done = _finished_units(out / "journal.sqlite3")
    assert 2 <= done < 30
    # The views were rendered on the way out: every committed unit is in results.jsonl.
    assert len(keyed(out / "results.jsonl")) == done
