"""Executors: where batch units run.  One protocol, three implementations.

- :class:`ProcessPool` (the default): one :class:`~docscreen.batch.sandbox.Sandbox` per core on this
  machine; a crash or a timeout is charged to the one unit that caused it and only that worker is
  replaced.
- :class:`DaskExecutor`: the same per-unit work on a Dask distributed cluster (``scheduler`` address
  or a local cluster).  Each Dask worker thread drives its own sandbox, so timeouts and crashes are
  handled the same way there; workers need only the package installed (the parent ships the file
  bytes with each task, so they need no access to the archive).
- :class:`InlineExecutor`: runs in the calling process, no isolation and no timeout; for debugging
  and for tests of the runner's bookkeeping.

Every executor takes the units lazily (at most a few per worker in flight, so memory stays bounded
on a million-file archive), retries a crashed or timed-out unit up to ``max_attempts`` and yields
one :class:`~docscreen.batch.types.Outcome` per unit, in completion order.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import pickle
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, Protocol

from docscreen import settings
from docscreen.batch.sandbox import Sandbox
from docscreen.batch.types import (
    Failure,
    Outcome,
    TransientUnitError,
    UnitResult,
    UnitTask,
    WorkUnit,
)

log = logging.getLogger(__name__)

_SCATTER_BYTES = 1 << 20

# A local cluster lives in the batch process, beside the sandboxes that do the screening, and on
# a small machine every CPU second its housekeeping takes is one the sandboxes lose.  Measured with
# two single-threaded workers waiting on their tasks (as they wait on their sandboxes): 3.7% of
# a core with Dask's defaults, 1.3% with these.  None of them changes what runs or its results:
# the sampling profiler and the system/event-loop monitors feed only the dashboard (not started);
# work stealing only moves queued tasks between workers, and every task here costs about the same.
_LOCAL_CLUSTER_CONFIG: dict[str, Any] = {
    "distributed.worker.profile.enabled": False,
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.scheduler.work-stealing": False,
}


@dataclass(frozen=True)
class Limits:
    """Per-unit bounds shared by all executors."""

    timeout: float  # seconds per file of the unit
    max_attempts: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            timeout=settings.BATCH_UNIT_TIMEOUT_S.get(),
            max_attempts=settings.BATCH_MAX_ATTEMPTS.get(),
        )

    def timeout_for(self, unit: WorkUnit) -> float:
        return self.timeout * max(1, len(unit.members))


class Executor(Protocol):
    """Runs ``task`` on every unit and yields one outcome per unit."""

    @property
    def workers(self) -> int: ...

    def run(
        self, task: UnitTask, units: Iterable[WorkUnit], limits: Limits
    ) -> Iterator[Outcome]: ...


def default_workers() -> int:
    configured = settings.WORKERS.get()
    if configured:
        return configured
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class _Feeder:
    """The units still to run: retries first, then fresh ones pulled lazily from the source."""

    def __init__(self, units: Iterable[WorkUnit]) -> None:
        self._source = iter(units)
        self._retries: deque[tuple[WorkUnit, int]] = deque()
        self._peeked: WorkUnit | None = None
        self._exhausted = False

    def has_more(self) -> bool:
        if self._retries or self._peeked is not None:
            return True
        if self._exhausted:
            return False
        try:
            self._peeked = next(self._source)
        except StopIteration:
            self._exhausted = True
            return False
        return True

    def next(self) -> tuple[WorkUnit, int]:
        """The next unit and its attempt number (1 for a fresh unit)."""
        if self._retries:
            return self._retries.popleft()
        if not self.has_more() or self._peeked is None:
            raise StopIteration
        unit, self._peeked = self._peeked, None
        return unit, 1

    def retry(self, unit: WorkUnit, attempt: int) -> None:
        self._retries.append((unit, attempt))


def _settle(
    feeder: _Feeder,
    unit: WorkUnit,
    attempt: int,
    got: UnitResult | Failure,
    limits: Limits,
    seconds: float,
) -> Outcome | None:
    """An outcome to yield, or None when the unit was queued for another attempt."""
    if isinstance(got, UnitResult):
        return Outcome(unit=unit, result=got, attempts=attempt, seconds=seconds)
    if got.retryable and attempt < limits.max_attempts:
        log.warning("%s: %s; retrying (attempt %d)", unit.label, got.reason, attempt + 1)
        feeder.retry(unit, attempt + 1)
        return None
    reason = got.reason if attempt == 1 else f"{got.reason} (after {attempt} attempts)"
    return Outcome(
        unit=unit,
        result=None,
        failure=Failure(reason, retryable=got.retryable),
        attempts=attempt,
        seconds=seconds,
    )


class InlineExecutor:
    """Runs units in the calling process: no isolation, no timeout (debugging, bookkeeping tests)."""

    workers = 1

    def run(self, task: UnitTask, units: Iterable[WorkUnit], limits: Limits) -> Iterator[Outcome]:
        for unit in units:
            started = time.perf_counter()
            try:
                got: UnitResult | Failure = task(unit)
            except TransientUnitError as exc:
                got = Failure(str(exc), retryable=True)
            except Exception as exc:
                got = Failure(f"internal error: {type(exc).__name__}: {exc}", retryable=False)
            outcome = _settle(_Feeder(()), unit, 1, got, limits, time.perf_counter() - started)
            if outcome is not None:
                yield outcome


@dataclass
class _Slot:
    sandbox: Sandbox
    unit: WorkUnit | None = None
    attempt: int = 0
    started: float = 0.0
    deadline: float = 0.0


class ProcessPool:
    """Sandboxed worker processes on this machine (see :mod:`docscreen.batch.sandbox`)."""

    def __init__(self, workers: int = 0) -> None:
        self._workers = workers or default_workers()

    @property
    def workers(self) -> int:
        return self._workers

    def run(self, task: UnitTask, units: Iterable[WorkUnit], limits: Limits) -> Iterator[Outcome]:
        feeder = _Feeder(units)
        slots = [_Slot(Sandbox(task)) for _ in range(self._workers)]
        finished: list[Outcome] = []
        try:
            while True:
                for slot in slots:
                    if slot.unit is None and feeder.has_more():
                        unit, attempt = feeder.next()
                        if not slot.sandbox.alive:
                            slot.sandbox.kill()
                            slot.sandbox = Sandbox(task)
                        slot.unit, slot.attempt = unit, attempt
                        slot.started = time.monotonic()
                        slot.deadline = slot.started + limits.timeout_for(unit)
                        slot.sandbox.submit(unit)
                # Hand results over only once every idle worker has its next unit, so workers
                # keep screening while the caller commits and reads the next files.
                yield from finished
                finished.clear()
                busy = [s for s in slots if s.unit is not None]
                if not busy:
                    return
                now = time.monotonic()
                wait_for = max(0.0, min(s.deadline for s in busy) - now)
                ready = wait([s.sandbox.conn for s in busy], wait_for)
                now = time.monotonic()
                for slot in busy:
                    assert slot.unit is not None
                    if slot.sandbox.conn in ready:
                        got = slot.sandbox.receive()
                    elif now >= slot.deadline:
                        slot.sandbox.kill()
                        got = Failure(f"timed out after {limits.timeout_for(slot.unit):g} s")
                    else:
                        continue
                    if isinstance(got, Failure) and not slot.sandbox.alive:
                        slot.sandbox = Sandbox(task)  # replace only the worker that died
                    unit, attempt, seconds = slot.unit, slot.attempt, now - slot.started
                    slot.unit = None
                    outcome = _settle(feeder, unit, attempt, got, limits, seconds)
                    if outcome is not None:
                        finished.append(outcome)
        finally:
            for slot in slots:
                if slot.unit is not None:
                    slot.sandbox.kill()
                else:
                    slot.sandbox.stop()


# --- Dask ------------------------------------------------------------------------------------
# Each thread of a Dask worker keeps one sandbox per task; all are closed at the end of a run.
# Keyed by thread and by the pickled task: every Dask task unpickles a new (equal) task object.
_SANDBOXES: dict[tuple[int, bytes], Sandbox] = {}
_SANDBOXES_LOCK = threading.Lock()


def run_in_sandbox(task: UnitTask, unit: WorkUnit, timeout: float) -> UnitResult | Failure:
    """The Dask task: run one unit in this worker thread's sandbox, with its timeout."""
    key = (threading.get_ident(), pickle.dumps(task))
    with _SANDBOXES_LOCK:
        sandbox = _SANDBOXES.get(key)
    if sandbox is None or not sandbox.alive:
        if sandbox is not None:
            sandbox.kill()
        sandbox = Sandbox(task)
        with _SANDBOXES_LOCK:
            _SANDBOXES[key] = sandbox
    return sandbox.call(unit, timeout)


def close_sandboxes() -> int:
    """Stop every sandbox of this process (run on each Dask worker when a batch ends)."""
    with _SANDBOXES_LOCK:
        held = list(_SANDBOXES.values())
        _SANDBOXES.clear()
    for sandbox in held:
        sandbox.stop()
    return len(held)


class DaskExecutor:
    """Units as tasks on a Dask distributed cluster: an existing one or a local one.

    ``scheduler``: address such as ``tcp://10.0.0.5:8786``; ``local_workers``: start a
    ``LocalCluster`` with that many single-threaded workers; ``client``: use a
    ``distributed.Client`` you already have (it is not closed).

    A local cluster's workers are threads of this process by default (``processes=False``): the
    screening runs in each worker's sandbox process anyway, so worker processes would only add
    start-up time and a copy of every file between processes.
    """

    def __init__(
        self,
        scheduler: str | None = None,
        *,
        local_workers: int | None = None,
        client: Any = None,
        processes: bool = False,
    ) -> None:
        if sum(x is not None for x in (scheduler, local_workers, client)) != 1:
            raise ValueError("give exactly one of scheduler, local_workers or client")
        self._scheduler = scheduler
        self._local_workers = local_workers
        self._client = client
        self._processes = processes
        self._workers = local_workers or 0

    @property
    def workers(self) -> int:
        return self._workers

    @contextlib.contextmanager
    def _connect(self) -> Iterator[Any]:
        try:
            distributed: Any = importlib.import_module("distributed")
        except ImportError as exc:
            from docscreen.errors import ConfigurationError

            raise ConfigurationError(
                "Dask is not installed: pip install 'docscreen[dask]'"
            ) from exc
        if self._client is not None:
            yield self._client
            return
        if self._scheduler is not None:
            with distributed.Client(self._scheduler) as client:
                yield client
            return
        assert self._local_workers is not None
        if log.getEffectiveLevel() > logging.INFO:
            # distributed logs every scheduler and nanny step at INFO on stderr by default.
            logging.getLogger("distributed").setLevel(logging.WARNING)
        dask: Any = importlib.import_module("dask")
        # The settings are read when the servers start, so they apply to this cluster only.
        with (
            dask.config.set(_LOCAL_CLUSTER_CONFIG),
            distributed.LocalCluster(
                n_workers=self._local_workers,
                threads_per_worker=1,
                processes=self._processes,
                # No memory limit: the screening's memory is in the sandboxes, and a monitor of
                # the worker's own process could only pause or spill it for nothing.
                memory_limit=0,
                # The scheduler's HTTP server (health, metrics) always starts: keep it on loopback,
                # any free port (8787 may be taken), and without the dashboard's periodic updates.
                dashboard_address="127.0.0.1:0",
                scheduler_kwargs={"dashboard": False},
            ) as cluster,
            distributed.Client(cluster) as client,
        ):
            yield client

    def run(self, task: UnitTask, units: Iterable[WorkUnit], limits: Limits) -> Iterator[Outcome]:
        distributed: Any = importlib.import_module("distributed")

        with self._connect() as client:
            threads = sum(client.nthreads().values()) or 1
            self._workers = threads
            feeder = _Feeder(units)
            pending = distributed.as_completed()
            inflight: dict[str, tuple[Any, WorkUnit, int, float]] = {}

            def fill() -> None:
                while len(inflight) < 2 * threads and feeder.has_more():
                    unit, attempt = feeder.next()
                    # Big files go to the workers directly rather than inside the task graph.
                    arg: Any = (
                        client.scatter(unit, hash=False) if unit.size > _SCATTER_BYTES else unit
                    )
                    future = client.submit(
                        run_in_sandbox, task, arg, limits.timeout_for(unit), pure=False
                    )
                    inflight[future.key] = (future, unit, attempt, time.monotonic())
                    pending.add(future)

            try:
                fill()
                for future in pending:
                    _, unit, attempt, started = inflight.pop(future.key)
                    try:
                        got: UnitResult | Failure = future.result()
                    except Exception as exc:  # KilledWorker, lost connection, ...
                        got = Failure(f"dask task failed: {type(exc).__name__}: {exc}")
                    future.release()
                    outcome = _settle(
                        feeder, unit, attempt, got, limits, time.monotonic() - started
                    )
                    # As in the pool: the next unit goes out before the caller commits this
                    # one, so a worker that has run dry does not wait for the journal.
                    fill()
                    if outcome is not None:
                        yield outcome
            finally:
                if inflight:
                    with contextlib.suppress(Exception):
                        client.cancel([held[0] for held in inflight.values()])
                with contextlib.suppress(Exception):
                    client.run(close_sandboxes)
