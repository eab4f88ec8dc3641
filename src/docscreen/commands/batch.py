"""``docscreen batch run SOURCE --out DIR`` and ``docscreen batch status DIR``."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import signal
import sys
from typing import Any

from docscreen.errors import InputError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "batch",
        help="screen a folder, archive or manifest of documents (resumable, parallel)",
        description="Screen many documents into an output folder; rerun to resume.",
    )
    sub = parser.add_subparsers(dest="batch_command", metavar="ACTION")
    sub.required = True

    run_p = sub.add_parser(
        "run",
        help="screen SOURCE into --out DIR (rerun the same command to resume)",
        description=(
            "SOURCE is a folder (recursive), a zip or tar archive, or a manifest CSV with a path "
            "column and optional traveller and context columns. Writes results.jsonl, errors.jsonl "
            "and summary.csv in DIR. Exit code 1 when any result is an ALERT."
        ),
    )
    run_p.add_argument("source", help="folder, .zip, .tar[.gz|.bz2|.xz] or manifest .csv")
    run_p.add_argument("--out", required=True, help="output folder (holds the resumable journal)")
    run_p.add_argument(
        "--bundle-by-folder",
        action="store_true",
        help="screen the files of each top-level sub-folder together as one traveller",
    )
    where = run_p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers", type=int, default=0, help="worker processes (default: all cores)"
    )
    where.add_argument("--scheduler", help="Dask scheduler address, e.g. tcp://HOST:8786")
    where.add_argument(
        "--dask-local", type=int, metavar="N", help="start a local Dask cluster of N workers"
    )
    run_p.add_argument("--timeout", type=float, help="seconds per file before a worker is killed")
    run_p.add_argument("--attempts", type=int, help="attempts when a worker crashes or hangs")
    run_p.add_argument(
        "--parquet", action="store_true", help="also write results.parquet (pyarrow)"
    )
    run_p.add_argument(
        "--retry-errors", action="store_true", help="screen again the files that ended in errors"
    )
    run_p.add_argument(
        "--screening-date",
        type=_date,
        help="screen as of this date YYYY-MM-DD (default: the day the run first started)",
    )
    run_p.add_argument("--no-progress", action="store_true", help="no progress output on stderr")
    run_p.add_argument("--json", action="store_true", help="print the summary as JSON")
    run_p.add_argument(
        "--screener",
        metavar="MODULE:FUNCTION",
        help="screen with another function (images, context) -> ScreeningReport; for tests and "
        "custom pipelines; must be importable on every worker",
    )
    run_p.set_defaults(handler=_run)

    status_p = sub.add_parser("status", help="progress of the batch in DIR")
    status_p.add_argument("out", metavar="DIR")
    status_p.add_argument("--json", action="store_true")
    status_p.set_defaults(handler=_status)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from exc


def _load_screener(spec: str) -> Any:
    module_name, sep, attr = spec.partition(":")
    if not sep or not module_name or not attr:
        raise InputError(f"--screener {spec!r}: expected MODULE:FUNCTION")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise InputError(f"--screener {spec!r}: cannot import {module_name} ({exc})") from exc
    fn = getattr(module, attr, None)
    if not callable(fn):
        raise InputError(f"--screener {spec!r}: {module_name} has no function {attr}")
    return fn


def _run(args: argparse.Namespace) -> int:
    from docscreen.batch import executors as ex
    from docscreen.batch.runner import RunOptions, run

    if args.workers < 0 or (args.dask_local is not None and args.dask_local < 1):
        raise InputError("the number of workers must be at least 1")
    base = ex.Limits.from_settings()
    limits = ex.Limits(
        timeout=args.timeout if args.timeout else base.timeout,
        max_attempts=args.attempts if args.attempts else base.max_attempts,
    )
    if limits.timeout <= 0 or limits.max_attempts < 1:
        raise InputError("--timeout must be positive and --attempts at least 1")
    executor: ex.Executor
    if args.scheduler:
        executor = ex.DaskExecutor(args.scheduler)
    elif args.dask_local:
        executor = ex.DaskExecutor(local_workers=args.dask_local)
    else:
        executor = ex.ProcessPool(args.workers)
    options = RunOptions(
        bundle_by_folder=args.bundle_by_folder,
        limits=limits,
        parquet=args.parquet,
        retry_errors=args.retry_errors,
        progress=not args.no_progress,
        screening_date=args.screening_date,
    )
    if args.screener:
        from dataclasses import replace

        options = replace(options, screener=_load_screener(args.screener))
    # `kill` (SIGTERM) stops as cleanly as Ctrl-C: workers stopped, outputs rendered.
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        summary = run(args.source, args.out, executor, options=options)
    except KeyboardInterrupt:
        print(
            f"docscreen: interrupted; everything finished so far is kept in {args.out}. "
            "Rerun the same command to resume.",
            file=sys.stderr,
        )
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)
    if args.json:
        print(
            json.dumps(
                {
                    "out": str(summary.out),
                    "total": summary.total,
                    "screened": summary.screened,
                    "skipped": summary.skipped,
                    "duplicates": summary.duplicates,
                    "counts": summary.counts,
                    "alerts": summary.alerts,
                    "seconds": round(summary.seconds, 3),
                },
                ensure_ascii=False,
            )
        )
    else:
        print(_summary_text(summary))
    return 1 if summary.counts.get("ALERT", 0) else 0


def _summary_text(summary: Any) -> str:
    c = summary.counts
    lines = [
        f"batch: {summary.total} units in {summary.out} "
        f"({summary.screened} screened now, {summary.skipped} already done, "
        f"{summary.seconds:.1f} s)",
        f"  CLEAR {c.get('CLEAR', 0)}  REVIEW {c.get('REVIEW', 0)}  "
        f"ALERT {c.get('ALERT', 0)}  ERROR {c.get('ERROR', 0)}",
    ]
    if summary.duplicates:
        lines.append(f"  {summary.duplicates} duplicate files (same content, screened once)")
    if summary.alerts:
        lines.append("  ALERT:")
        for a in summary.alerts:
            where = a.get("file") or f"traveller {a.get('traveller')}"
            page = f" page {a['page']}" if a.get("page") and a.get("page") != 1 else ""
            codes = ", ".join(a.get("findings") or []) or "-"
            lines.append(f"    {where}{page}: {codes}")
    if not summary.complete:
        lines.append("  incomplete: rerun the same command to finish")
    lines.append("  see results.jsonl, errors.jsonl and summary.csv")
    return "\n".join(lines)


def _status(args: argparse.Namespace) -> int:
    from pathlib import Path

    from docscreen.batch.report import format_status, status

    if not Path(args.out).is_dir():
        raise InputError(f"{args.out}: no such folder")
    st = status(args.out)
    if args.json:
        print(json.dumps(st.to_dict(), ensure_ascii=False))
    else:
        print(format_status(st))
    return 0
