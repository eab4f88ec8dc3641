"""``docscreen.batch.run``: screen a whole source into an output folder, resumably.

Units are keyed by content: a document by the SHA-256 of its bytes, a bundle by a hash over its
traveller id and its files' hashes.  A unit already in the journal is skipped, so rerunning the
same command after an interruption (Ctrl-C, ``kill -9``, a reboot) screens only what is left and
never records a unit twice.  A second file with the same bytes as another is not screened again;
it is listed as a duplicate of the first.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from docscreen.batch import journal as jr
from docscreen.batch.executors import Executor, Limits, ProcessPool
from docscreen.batch.progress import Progress
from docscreen.batch.report import write_outputs
from docscreen.batch.sources import FileRef, SourceProblem, UnitSpec, open_source
from docscreen.batch.types import Member, Outcome, Screener, WorkUnit
from docscreen.batch.work import default_screener, process_unit
from docscreen.errors import InputError
from docscreen.models import JsonDict, ScreeningContext

log = logging.getLogger(__name__)

Reader = Callable[[FileRef], bytes]


@dataclass(frozen=True)
class RunOptions:
    """How to run a batch (everything but the source, the output folder and the executor)."""

    bundle_by_folder: bool = False
    screener: Screener = default_screener
    limits: Limits | None = None  # None: from docscreen.settings
    parquet: bool = False
    retry_errors: bool = False
    progress: bool = True
    screening_date: dt.date | None = None  # None: the date of the run's first start


@dataclass(frozen=True)
class RunSummary:
    out: Path
    total: int
    screened: int  # units screened by this invocation
    skipped: int  # units already in the journal from an earlier run
    duplicates: int
    counts: dict[str, int]  # CLEAR / REVIEW / ALERT rows, ERROR rows, over the whole run
    complete: bool = False  # every planned unit is in the journal
    alerts: list[JsonDict] = field(default_factory=list)
    seconds: float = 0.0


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def bundle_key(traveller: str | None, hashes: list[str]) -> str:
    text = "\n".join([traveller or "", *sorted(hashes)])
    return "bundle:" + _sha256(text.encode())


def problem_key(label: str) -> str:
    """Key of a file refused before screening (no usable content to hash)."""
    return "file:" + _sha256(label.encode())


class _Planner:
    """Turns planned specs into work units, recording what needs no worker and skipping what is done."""

    def __init__(
        self,
        journal: jr.Journal,
        appender: jr.LiveAppender,
        progress: Progress,
        context: ScreeningContext,
    ) -> None:
        self.journal = journal
        self.appender = appender
        self.progress = progress
        self.context = context
        self.finished = journal.finished_keys()
        self.seen: set[str] = set()
        self.duplicates = 0

    def _record_problem(
        self, label: str, reason: str, traveller: str | None, *, planned: bool = True
    ) -> None:
        """A file refused before screening.  ``planned=False``: an unreadable file of a bundle,
        recorded on its own while the bundle goes on with its other files."""
        key = problem_key(label)
        if key in self.finished or key in self.seen:
            if planned:
                self.progress.skip()
            return
        self.seen.add(key)
        row: JsonDict = {
            "id": key,
            "unit": key,
            "file": label,
            "sha256": None,
            "traveller": traveller,
            "reason": reason,
            "error": "SourceError",
        }
        self.journal.record(key, label=label, rows=(), errors=(row,), failed=True, planned=planned)
        self.appender.append((), (row,))
        if planned:
            self.progress.advance(errors=1)
        else:
            self.progress.errors += 1

    def units(
        self, source_items: list[SourceProblem | UnitSpec], read: Reader
    ) -> Iterator[WorkUnit]:
        for item in source_items:
            if isinstance(item, SourceProblem):
                self._record_problem(item.label, item.reason, item.traveller)
                continue
            members: list[Member] = []
            for ref in item.files:
                try:
                    data = read(ref)
                except InputError as exc:
                    if item.bundle:
                        self._record_problem(ref.label, str(exc), item.traveller, planned=False)
                        continue
                    self._record_problem(ref.label, str(exc), item.traveller)
                    break
                if not data:
                    reason = f"{ref.label}: file is empty (0 bytes)"
                    if item.bundle:
                        self._record_problem(ref.label, reason, item.traveller, planned=False)
                        continue
                    self._record_problem(ref.label, reason, item.traveller)
                    break
                members.append(Member(file=ref.label, sha256=_sha256(data), data=data))
            else:
                if not members:  # a bundle none of whose files could be read
                    key = bundle_key(item.traveller, [problem_key(f.label) for f in item.files])
                    if key in self.finished:
                        self.progress.skip()
                    else:  # its files' errors are recorded; mark the unit itself finished
                        label = f"traveller {item.traveller}"
                        self.journal.record(key, label=label, rows=(), errors=(), failed=True)
                        self.progress.advance()
                    continue
                key = (
                    bundle_key(item.traveller, [m.sha256 for m in members])
                    if item.bundle
                    else members[0].sha256
                )
                label = f"traveller {item.traveller}" if item.bundle else members[0].file
                if key in self.finished or key in self.seen:
                    first = self.journal.unit_label(key)
                    if key in self.seen and first is None:
                        first = "(in progress)"
                    if first is not None and first != label:
                        self.journal.record_alias(label, key)
                        self.duplicates += 1
                        self.progress.duplicate()
                    else:
                        self.progress.skip()
                    continue
                self.seen.add(key)
                yield WorkUnit(
                    key=key,
                    members=tuple(members),
                    bundle=item.bundle,
                    traveller=item.traveller,
                    context=item.context if item.context is not None else self.context,
                )


def _failure_row(outcome: Outcome) -> JsonDict:
    unit = outcome.unit
    assert outcome.failure is not None
    row: JsonDict = {
        "id": unit.key,
        "unit": unit.key,
        "file": None if unit.bundle else unit.members[0].file,
        "sha256": None if unit.bundle else unit.members[0].sha256,
        "traveller": unit.traveller,
        "reason": f"{unit.label}: {outcome.failure.reason}",
        "error": "WorkerFailure",
    }
    if unit.bundle:
        row["documents"] = [{"file": m.file, "sha256": m.sha256} for m in unit.members]
    return row


def _check_meta(journal: jr.Journal, source: Path, options: RunOptions) -> dt.date:
    meta = journal.meta()
    wanted = {"source": str(source.resolve()), "bundle_by_folder": str(options.bundle_by_folder)}
    for key, value in wanted.items():
        if key in meta and meta[key] != value:
            raise InputError(
                f"{journal.out}: holds a run with {key}={meta[key]!r}, not {value!r}; "
                "use another --out folder"
            )
    if "screening_date" in meta:
        date = dt.date.fromisoformat(meta["screening_date"])
        if options.screening_date is not None and options.screening_date != date:
            raise InputError(
                f"{journal.out}: this run screens as of {date}, not {options.screening_date}"
            )
    else:
        date = options.screening_date or dt.date.today()
    journal.set_meta(**wanted, screening_date=date.isoformat())
    if "created" not in meta:
        journal.set_meta(created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    return date


def run(
    source: str | Path,
    out: str | Path,
    executor: Executor | None = None,
    *,
    options: RunOptions | None = None,
) -> RunSummary:
    """Screen everything in ``source`` into ``out`` (resumable; see the module docstring).

    ``executor``: :class:`~docscreen.batch.executors.ProcessPool` (default, all cores),
    :class:`~docscreen.batch.executors.DaskExecutor` or
    :class:`~docscreen.batch.executors.InlineExecutor`.
    """
    started = time.monotonic()
    opts = options or RunOptions()
    src_path = Path(source).expanduser()
    out_dir = Path(out).expanduser()
    out_dir.mkdir(parents=True, exist_ok=True)
    lock = jr.RunLock(out_dir)
    journal = jr.Journal(out_dir)
    appender: jr.LiveAppender | None = None
    progress: Progress | None = None
    try:
        date = _check_meta(journal, src_path, opts)
    except BaseException:
        journal.close()
        lock.release()
        raise
    context = ScreeningContext(screening_date=date)
    plan: list[SourceProblem | UnitSpec] = []
    try:
        if opts.retry_errors:
            log.info("retrying %d units that ended in errors", journal.forget_failed())
        with open_source(
            src_path, bundle_by_folder=opts.bundle_by_folder, exclude=out_dir, context=context
        ) as src:
            plan = src.plan()
            journal.set_meta(total_units=str(len(plan)), state="running")
            jr.render(journal, out_dir)  # repair the views after any crash before appending
            appender = jr.LiveAppender(out_dir)
            progress = Progress(len(plan), enabled=opts.progress)
            planner = _Planner(journal, appender, progress, context)
            runner = executor if executor is not None else ProcessPool()
            task = functools.partial(process_unit, screener=opts.screener)
            limits = opts.limits or Limits.from_settings()
            for outcome in runner.run(task, planner.units(plan, src.read), limits):
                _record(journal, appender, progress, outcome)
            complete = progress.done >= len(plan)
            journal.set_meta(state="complete" if complete else "incomplete")
    except BaseException:
        journal.set_meta(state="interrupted")
        raise
    finally:
        if progress is not None:
            progress.close()
        if appender is not None:
            appender.close()
        try:
            write_outputs(journal, out_dir, parquet=opts.parquet)
        finally:
            journal.close()
            lock.release()
    counts_journal = jr.Journal(out_dir, readonly=True)
    try:
        counts = counts_journal.risk_counts()
        alerts = [r for r in counts_journal.results() if r.get("risk") == "ALERT"]
        duplicates = len(counts_journal.aliases())
    finally:
        counts_journal.close()
    return RunSummary(
        out=out_dir,
        total=len(plan),
        screened=progress.worked if progress is not None else 0,
        skipped=progress.skipped if progress is not None else 0,
        duplicates=duplicates,
        counts=counts,
        complete=progress is not None and progress.done >= len(plan),
        alerts=[_alert_brief(r) for r in alerts],
        seconds=time.monotonic() - started,
    )


def _alert_brief(row: JsonDict) -> JsonDict:
    findings = [
        f.get("code")
        for f in row.get("report", {}).get("findings", [])
        if f.get("status") == "fail"
    ]
    return {
        "id": row.get("id"),
        "file": row.get("file"),
        "page": row.get("page"),
        "traveller": row.get("traveller"),
        "findings": findings,
    }


def _record(
    journal: jr.Journal, appender: jr.LiveAppender, progress: Progress, outcome: Outcome
) -> None:
    unit = outcome.unit
    if outcome.result is not None:
        rows, errors, failed = outcome.result.rows, outcome.result.errors, False
    else:
        rows, errors, failed = (), (_failure_row(outcome),), True
    if journal.record(
        unit.key,
        label=unit.label,
        rows=rows,
        errors=errors,
        failed=failed,
        attempts=outcome.attempts,
        seconds=outcome.seconds,
    ):
        appender.append(rows, errors)
    progress.advance(errors=len(errors), alerts=sum(1 for r in rows if r.get("risk") == "ALERT"))
