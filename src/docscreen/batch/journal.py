"""The run's source of truth: a SQLite journal in the output folder, and the files rendered from it.

Why a journal rather than appending straight to ``results.jsonl``: one unit can produce several
result rows (the pages of a PDF) *and* error rows (a page that would not decode) in two files; a
crash between two appends would leave a unit half-recorded, and the next run could neither skip it
(rows missing) nor redo it (rows duplicated).  In the journal each unit is one transaction (its
``units`` row, its results and its errors commit together or not at all, with ``synchronous=FULL``
so a commit survives even a power cut), and "is this unit done?" is a primary-key lookup.  SQLite
is in the standard library, so this costs no dependency.

``results.jsonl`` and ``errors.jsonl`` are views: appended live after each commit (one
``os.write`` per unit on an ``O_APPEND`` descriptor, so a tail shows progress), and rewritten
whole from the journal (temporary file, fsync, atomic rename) when a run starts and when it ends.
So after a ``kill -9`` at any point, the next run first repairs them: a half-written trailing
line, or a unit committed but not yet appended, cannot survive.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from docscreen.errors import InputError
from docscreen.models import JsonDict

JOURNAL_NAME = "journal.sqlite3"
RESULTS_NAME = "results.jsonl"
ERRORS_NAME = "errors.jsonl"
LOCK_NAME = ".lock"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS units (
    key TEXT PRIMARY KEY,
    status TEXT NOT NULL,          -- 'done' (screened, maybe with page errors) | 'failed'
    label TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    seconds REAL NOT NULL,
    finished REAL NOT NULL,
    planned INTEGER NOT NULL DEFAULT 1  -- 0: an unreadable file of a bundle, not a unit of its own
);
CREATE TABLE IF NOT EXISTS results (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, unit TEXT NOT NULL, risk TEXT, row TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS errors (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, unit TEXT NOT NULL, row TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS aliases (label TEXT PRIMARY KEY, unit TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS results_unit ON results(unit);
CREATE INDEX IF NOT EXISTS errors_unit ON errors(unit);
"""


def dumps(row: JsonDict) -> str:
    """One JSON line: compact, keys in a stable order, never a raw newline inside."""
    return json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class RunLock:
    """An exclusive lock on the output folder: two runs must never write one journal."""

    def __init__(self, out: Path) -> None:
        self._fd = os.open(out / LOCK_NAME, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(self._fd)
            raise InputError(f"{out}: another batch run is writing to this folder") from exc

    def release(self) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)


def is_locked(out: Path) -> bool:
    """True while a run holds the folder (used by ``batch status``)."""
    path = out / LOCK_NAME
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False


class Journal:
    def __init__(self, out: Path, *, readonly: bool = False) -> None:
        self.out = out
        path = out / JOURNAL_NAME
        if readonly:
            if not path.exists():
                raise InputError(f"{out}: no batch run here (no {JOURNAL_NAME})")
            self._db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        else:
            self._db = sqlite3.connect(path)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.executescript(_SCHEMA)
            self._db.commit()

    def close(self) -> None:
        self._db.close()

    # --- meta ---------------------------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        return dict(self._db.execute("SELECT k, v FROM meta").fetchall())

    def set_meta(self, **values: str) -> None:
        with self._db:
            self._db.executemany(
                "INSERT INTO meta(k, v) VALUES(?, ?) ON CONFLICT(k) DO UPDATE SET v=excluded.v",
                list(values.items()),
            )

    # --- units --------------------------------------------------------------------------------
    def finished_keys(self) -> set[str]:
        return {k for (k,) in self._db.execute("SELECT key FROM units")}

    def unit_label(self, key: str) -> str | None:
        row = self._db.execute("SELECT label FROM units WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def record(
        self,
        key: str,
        *,
        label: str,
        rows: Sequence[JsonDict],
        errors: Sequence[JsonDict],
        failed: bool = False,
        attempts: int = 1,
        seconds: float = 0.0,
        planned: bool = True,
    ) -> bool:
        """Record a finished unit with all its rows in one transaction; False if already there."""
        with self._db:
            cur = self._db.execute(
                "INSERT OR IGNORE INTO units(key, status, label, attempts, seconds, finished, planned) "
                "VALUES(?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    "failed" if failed else "done",
                    label,
                    attempts,
                    seconds,
                    time.time(),
                    int(planned),
                ),
            )
            if cur.rowcount == 0:
                return False
            self._db.executemany(
                "INSERT INTO results(unit, risk, row) VALUES(?, ?, ?)",
                [(key, r.get("risk"), dumps(r)) for r in rows],
            )
            self._db.executemany(
                "INSERT INTO errors(unit, row) VALUES(?, ?)", [(key, dumps(e)) for e in errors]
            )
        return True

    def record_alias(self, label: str, key: str) -> bool:
        """A second file with the same content as an already planned unit (not screened again)."""
        with self._db:
            cur = self._db.execute(
                "INSERT OR IGNORE INTO aliases(label, unit) VALUES(?, ?)", (label, key)
            )
        return cur.rowcount > 0

    def forget_failed(self) -> int:
        """Drop units that ended in errors so the next run tries them again (--retry-errors)."""
        with self._db:
            keys = [k for (k,) in self._db.execute("SELECT key FROM units WHERE status='failed'")]
            partial = [
                k
                for (k,) in self._db.execute(
                    "SELECT DISTINCT unit FROM errors WHERE unit IN (SELECT key FROM units WHERE status='done')"
                )
            ]
            for key in keys + partial:
                self._db.execute("DELETE FROM results WHERE unit=?", (key,))
                self._db.execute("DELETE FROM errors WHERE unit=?", (key,))
                self._db.execute("DELETE FROM units WHERE key=?", (key,))
        return len(keys) + len(partial)

    # --- reading ------------------------------------------------------------------------------
    def result_lines(self) -> Iterator[str]:
        for (row,) in self._db.execute("SELECT row FROM results ORDER BY seq"):
            yield str(row)

    def error_lines(self) -> Iterator[str]:
        for (row,) in self._db.execute("SELECT row FROM errors ORDER BY seq"):
            yield str(row)

    def results(self) -> Iterator[JsonDict]:
        for line in self.result_lines():
            yield json.loads(line)

    def errors(self) -> Iterator[JsonDict]:
        for line in self.error_lines():
            yield json.loads(line)

    def aliases(self) -> list[tuple[str, str]]:
        return [
            (str(a), str(b))
            for a, b in self._db.execute("SELECT label, unit FROM aliases ORDER BY label")
        ]

    def risk_counts(self) -> dict[str, int]:
        counts = {"CLEAR": 0, "REVIEW": 0, "ALERT": 0, "ERROR": 0}
        for risk, n in self._db.execute("SELECT risk, COUNT(*) FROM results GROUP BY risk"):
            counts[str(risk)] = int(n)
        (errors,) = self._db.execute("SELECT COUNT(*) FROM errors").fetchone()
        counts["ERROR"] = int(errors)
        return counts

    def unit_counts(self) -> dict[str, int]:
        """Planned units finished, by status (unreadable bundle files are not units)."""
        out = {"done": 0, "failed": 0}
        for status, n in self._db.execute(
            "SELECT status, COUNT(*) FROM units WHERE planned=1 GROUP BY status"
        ):
            out[str(status)] = int(n)
        return out

    def last_finished(self) -> float | None:
        (value,) = self._db.execute("SELECT MAX(finished) FROM units").fetchone()
        return None if value is None else float(value)

    def recent_rate(self, window: int = 50) -> float | None:
        """Units per second over the last ``window`` finished units (for the ETA in status)."""
        times = [
            float(t)
            for (t,) in self._db.execute(
                "SELECT finished FROM units ORDER BY finished DESC LIMIT ?", (window,)
            )
        ]
        if len(times) < 2 or times[0] <= times[-1]:
            return None
        return (len(times) - 1) / (times[0] - times[-1])


def write_atomic(path: Path, lines: Iterator[str]) -> int:
    """Write lines to ``path`` via a temporary file, fsync and an atomic rename; returns the count."""
    tmp = path.with_name(f".{path.name}.tmp")
    count = 0
    with tmp.open("w", encoding="utf-8", newline="\n") as fh:
        for line in lines:
            fh.write(line)
            fh.write("\n")
            count += 1
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return count


def render(journal: Journal, out: Path) -> tuple[int, int]:
    """Rewrite results.jsonl and errors.jsonl from the journal (repairs any crash damage)."""
    n_results = write_atomic(out / RESULTS_NAME, journal.result_lines())
    n_errors = write_atomic(out / ERRORS_NAME, journal.error_lines())
    return n_results, n_errors


class LiveAppender:
    """Appends each committed unit's lines to the jsonl views with one ``os.write`` per file."""

    def __init__(self, out: Path) -> None:
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
        self._results = os.open(out / RESULTS_NAME, flags, 0o644)
        self._errors = os.open(out / ERRORS_NAME, flags, 0o644)

    def append(self, rows: Sequence[JsonDict], errors: Sequence[JsonDict]) -> None:
        # No fsync here: the journal is the durable copy and the view is re-rendered from it.
        if rows:
            os.write(self._results, "".join(dumps(r) + "\n" for r in rows).encode())
        if errors:
            os.write(self._errors, "".join(dumps(e) + "\n" for e in errors).encode())

    def close(self) -> None:
        for fd in (self._results, self._errors):
            with contextlib.suppress(OSError):
                os.close(fd)
