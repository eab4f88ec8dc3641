"""Batch screening of archives: resumable, parallel on all cores, or on a Dask cluster.

    from docscreen.batch import run, DaskExecutor
    summary = run("scans.zip", "out/")                       # process pool on all cores
    summary = run("scans/", "out/", executor=DaskExecutor("tcp://10.0.0.5:8786"))

See docs/BATCH.md.
"""

from docscreen.batch.executors import (
    DaskExecutor,
    Executor,
    InlineExecutor,
    Limits,
    ProcessPool,
)
from docscreen.batch.report import Status, format_status, status
from docscreen.batch.runner import RunOptions, RunSummary, run
from docscreen.batch.types import Screener, WorkUnit
from docscreen.batch.work import default_screener, process_unit

__all__ = [
    "DaskExecutor",
    "Executor",
    "InlineExecutor",
    "Limits",
    "ProcessPool",
    "RunOptions",
    "RunSummary",
    "Screener",
    "Status",
    "WorkUnit",
    "default_screener",
    "format_status",
    "process_unit",
    "run",
    "status",
]
