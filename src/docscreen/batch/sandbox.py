"""A worker process that screens units one at a time and can be killed and replaced on its own.

Why not ``concurrent.futures.ProcessPoolExecutor``: when one of its workers dies (tesseract
segfaults, the OOM killer, a hang we must kill) the whole pool breaks and every task in flight
fails with ``BrokenProcessPool``, without saying which unit was the culprit; and it cannot kill a
hung task at all.  A sandbox runs exactly one unit at a time, so a crash or a timeout is charged to
exactly that unit, and only that worker is replaced.

Each sandbox is a fresh interpreter (``python -m docscreen.batch.worker``) started with
``subprocess`` rather than ``multiprocessing``: that also works inside Dask workers, which are
daemonic processes and may not have ``multiprocessing`` children.  It runs in its own session, so a
kill takes its tesseract children with it, and Ctrl-C in the terminal reaches only the parent,
which then stops the sandboxes itself.  Messages are pickled over two dedicated pipes (not
stdin/stdout, so a stray print in screening code cannot corrupt the protocol).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from multiprocessing.connection import Connection, wait

from docscreen.batch.types import Failure, TransientUnitError, UnitResult, UnitTask, WorkUnit

_STOP_GRACE_S = 2.0
_ORPHAN_POLL_S = 1.0


def _child_env() -> dict[str, str]:
    env = dict(os.environ)
    # The child must import the same code as the parent, including a test module's fake screener.
    paths = [p for p in sys.path if p]
    if os.getcwd() not in paths:
        paths.insert(0, os.getcwd())
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.setdefault("OMP_THREAD_LIMIT", "1")
    return env


def _describe_exit(code: int | None) -> str:
    if code is None:
        return "worker stopped responding"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"worker crashed (killed by {name})"
    return f"worker crashed (exit code {code})"


class Sandbox:
    """One worker process running ``task`` on the units it is sent, one at a time."""

    def __init__(self, task: UnitTask) -> None:
        to_child_r, to_child_w = os.pipe()
        from_child_r, from_child_w = os.pipe()
        try:
            self._proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "docscreen.batch.worker",
                    str(to_child_r),
                    str(from_child_w),
                    str(os.getpid()),
                ],
                pass_fds=(to_child_r, from_child_w),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                env=_child_env(),
                start_new_session=True,
            )
        finally:
            os.close(to_child_r)
            os.close(from_child_w)
        self._send = Connection(to_child_w, readable=False)
        self.conn = Connection(from_child_r, writable=False)
        self.unit: WorkUnit | None = None
        self._send.send(task)

    @property
    def pid(self) -> int:
        return self._proc.pid

    def submit(self, unit: WorkUnit) -> None:
        self.unit = unit
        self._send.send(unit)

    def receive(self) -> UnitResult | Failure:
        """The result of the unit in hand (call when ``conn`` is readable)."""
        try:
            kind, payload = self.conn.recv()
        except (EOFError, OSError, pickle.UnpicklingError):
            self.kill()
            return Failure(_describe_exit(self._proc.returncode))
        self.unit = None
        if kind == "ok" and isinstance(payload, UnitResult):
            return payload
        if kind == "retry":
            return Failure(str(payload), retryable=True)
        return Failure(f"internal error: {payload}", retryable=False)

    def call(self, unit: WorkUnit, timeout: float) -> UnitResult | Failure:
        """Run one unit and wait for it (used where one thread drives one sandbox, as in Dask)."""
        self.submit(unit)
        if not wait([self.conn], timeout):
            self.kill()
            return Failure(f"timed out after {timeout:g} s")
        return self.receive()

    def kill(self) -> None:
        """Kill the worker and everything it started (its own session)."""
        if self._proc.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self._proc.pid, signal.SIGKILL)
        self._proc.wait()
        self._close_pipes()

    def stop(self) -> None:
        """Ask the worker to exit; kill it if it does not within a grace period."""
        if self._proc.poll() is None:
            with contextlib.suppress(OSError, ValueError):
                self._send.send(None)
            try:
                self._proc.wait(_STOP_GRACE_S)
            except subprocess.TimeoutExpired:
                self.kill()
                return
        self._close_pipes()

    @property
    def alive(self) -> bool:
        return self._proc.poll() is None

    def _close_pipes(self) -> None:
        for conn in (self._send, self.conn):
            with contextlib.suppress(OSError):
                conn.close()


def _exit_when_orphaned(parent: int) -> None:
    """If the parent dies (even by kill -9) while we are stuck in a unit, stop: nobody will
    collect the result.  Kills our whole session, so a hung tesseract goes too."""
    while True:
        time.sleep(_ORPHAN_POLL_S)
        if os.getppid() != parent:
            with contextlib.suppress(OSError):
                os.killpg(os.getpgid(0), signal.SIGKILL)
            os._exit(1)


def serve(read_fd: int, write_fd: int, parent: int | None = None) -> int:
    # Ctrl-C in the terminal is the parent's business: it stops us cleanly.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The parent's pid comes from the command line: by the time our imports are done the parent
    # may already be gone, and getppid() would then name init and the watch would never fire.
    parent = parent if parent is not None else os.getppid()
    if os.getppid() != parent:
        return 0
    threading.Thread(
        target=_exit_when_orphaned, args=(parent,), name="orphan-watch", daemon=True
    ).start()
    inbox = Connection(read_fd, writable=False)
    outbox = Connection(write_fd, readable=False)
    try:
        task: UnitTask = inbox.recv()
    except EOFError:
        return 0
    while True:
        try:
            unit = inbox.recv()
        except EOFError:
            return 0  # the parent went away (even kill -9): nothing left to do
        if unit is None:
            return 0
        try:
            message: tuple[str, object] = ("ok", task(unit))
        except TransientUnitError as exc:
            message = ("retry", str(exc))
        except Exception as exc:
            message = ("error", f"{type(exc).__name__}: {exc}")
        try:
            outbox.send(message)
        except (BrokenPipeError, OSError):
            return 0
