"""What a batch leaves behind besides the journal: summary.csv, optional Parquet, status, summary text."""

from __future__ import annotations

import csv
import datetime as dt
import importlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docscreen.batch import journal as jr
from docscreen.errors import ConfigurationError
from docscreen.models import JsonDict

SUMMARY_NAME = "summary.csv"
SUMMARY_COLUMNS = (
    "id",
    "unit",
    "kind",
    "traveller",
    "file",
    "page",
    "sha256",
    "risk",
    "findings",
    "reason",
)


def failed_codes(row: JsonDict) -> list[str]:
    """Codes of the findings that failed (what an officer looks at first)."""
    report = row.get("report") or {}
    return [str(f.get("code")) for f in report.get("findings", []) if f.get("status") == "fail"]


def _files(row: JsonDict) -> str:
    if row.get("file"):
        return str(row["file"])
    docs = row.get("documents") or []
    return ";".join(sorted({str(d.get("file")) for d in docs}))


def _summary_rows(journal: jr.Journal) -> Iterator[dict[str, object]]:
    for row in journal.results():
        yield {
            "id": row.get("id"),
            "unit": row.get("unit"),
            "kind": row.get("kind"),
            "traveller": row.get("traveller"),
            "file": _files(row),
            "page": row.get("page"),
            "sha256": row.get("sha256"),
            "risk": row.get("risk"),
            "findings": ";".join(failed_codes(row)),
            "reason": "",
        }
    for err in journal.errors():
        yield {
            "id": err.get("id"),
            "unit": err.get("unit"),
            "kind": "error",
            "traveller": err.get("traveller"),
            "file": _files(err),
            "page": err.get("page"),
            "sha256": err.get("sha256"),
            "risk": "ERROR",
            "findings": "",
            "reason": err.get("reason"),
        }
    for label, unit in journal.aliases():
        yield {
            "id": "",
            "unit": unit,
            "kind": "duplicate",
            "traveller": "",
            "file": label,
            "page": "",
            "sha256": unit if not unit.startswith("bundle:") else "",
            "risk": "DUPLICATE",
            "findings": "",
            "reason": "same content as another file (screened once)",
        }


def _csv_lines(journal: jr.Journal) -> Iterator[str]:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=SUMMARY_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in _summary_rows(journal):
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
        yield buf.getvalue().rstrip("\n")
        buf.seek(0)
        buf.truncate()
    header = buf.getvalue()
    if header:  # no rows at all: only the header was written
        yield header.rstrip("\n")


def write_parquet(journal: jr.Journal, out: Path) -> None:
    """results.parquet and errors.parquet (needs pyarrow: ``pip install 'docscreen[parquet]'``)."""
    try:
        pa: Any = importlib.import_module("pyarrow")
        pq: Any = importlib.import_module("pyarrow.parquet")
    except ImportError as exc:
        raise ConfigurationError(
            "--parquet needs pyarrow: pip install 'docscreen[parquet]'"
        ) from exc
    results = list(journal.results())
    table = pa.table(
        {
            "id": [r.get("id") for r in results],
            "unit": [r.get("unit") for r in results],
            "kind": [r.get("kind") for r in results],
            "traveller": [r.get("traveller") for r in results],
            "file": [_files(r) for r in results],
            "page": pa.array([r.get("page") for r in results], type=pa.int32()),
            "sha256": [r.get("sha256") for r in results],
            "risk": [r.get("risk") for r in results],
            "findings": pa.array([failed_codes(r) for r in results], type=pa.list_(pa.string())),
            "report_json": [json.dumps(r.get("report"), ensure_ascii=False) for r in results],
        }
    )
    errors = list(journal.errors())
    error_table = pa.table(
        {
            "id": pa.array([e.get("id") for e in errors], type=pa.string()),
            "unit": pa.array([e.get("unit") for e in errors], type=pa.string()),
            "traveller": pa.array([e.get("traveller") for e in errors], type=pa.string()),
            "file": pa.array([_files(e) for e in errors], type=pa.string()),
            "page": pa.array([e.get("page") for e in errors], type=pa.int32()),
            "sha256": pa.array([e.get("sha256") for e in errors], type=pa.string()),
            "reason": pa.array([e.get("reason") for e in errors], type=pa.string()),
        }
    )
    for name, tbl in (("results.parquet", table), ("errors.parquet", error_table)):
        tmp = out / f".{name}.tmp"
        pq.write_table(tbl, tmp)
        tmp.replace(out / name)


def write_outputs(journal: jr.Journal, out: Path, *, parquet: bool = False) -> None:
    """Render every view of the journal: the jsonl files, summary.csv and optionally Parquet."""
    jr.render(journal, out)
    jr.write_atomic(out / SUMMARY_NAME, _csv_lines(journal))
    if parquet:
        write_parquet(journal, out)


@dataclass(frozen=True)
class Status:
    out: Path
    source: str
    state: str  # running | complete | incomplete | interrupted
    running: bool
    total: int
    finished: int
    failed_units: int
    counts: dict[str, int]
    duplicates: int
    created: str | None
    last_update: dt.datetime | None
    rate_per_minute: float | None

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.finished)

    def to_dict(self) -> JsonDict:
        return {
            "out": str(self.out),
            "source": self.source,
            "state": self.state,
            "running": self.running,
            "total": self.total,
            "finished": self.finished,
            "remaining": self.remaining,
            "failed_units": self.failed_units,
            "counts": self.counts,
            "duplicates": self.duplicates,
            "created": self.created,
            "last_update": self.last_update.isoformat(timespec="seconds")
            if self.last_update
            else None,
            "rate_per_minute": round(self.rate_per_minute, 2) if self.rate_per_minute else None,
        }


def status(out: str | Path) -> Status:
    """Progress of the batch run in ``out`` (read-only; safe while the run is going)."""
    out_dir = Path(out)
    journal = jr.Journal(out_dir, readonly=True)
    try:
        meta = journal.meta()
        units = journal.unit_counts()
        last = journal.last_finished()
        rate = journal.recent_rate()
        running = jr.is_locked(out_dir)
        state = meta.get("state", "unknown")
        if state == "running" and not running:
            state = "interrupted"
        # Duplicates count as finished: they were planned as units and need no screening.
        duplicates = len(journal.aliases())
        return Status(
            out=out_dir,
            source=meta.get("source", "?"),
            state=state,
            running=running,
            total=int(meta.get("total_units", "0")),
            finished=units["done"] + units["failed"] + duplicates,
            failed_units=units["failed"],
            counts=journal.risk_counts(),
            duplicates=duplicates,
            created=meta.get("created"),
            last_update=dt.datetime.fromtimestamp(last, dt.UTC) if last else None,
            rate_per_minute=60.0 * rate if rate else None,
        )
    finally:
        journal.close()


def format_status(st: Status) -> str:
    from docscreen.batch.progress import format_duration

    pct = 100.0 * st.finished / st.total if st.total else 100.0
    lines = [
        f"source:   {st.source}",
        f"state:    {st.state}{' (a run is writing now)' if st.running else ''}",
        f"progress: {st.finished}/{st.total} units ({pct:.0f}%), {st.remaining} to go",
        "results:  "
        + "  ".join(f"{k} {st.counts.get(k, 0)}" for k in ("CLEAR", "REVIEW", "ALERT", "ERROR")),
    ]
    if st.duplicates:
        lines.append(f"duplicates: {st.duplicates} files with the same content as another")
    if st.rate_per_minute and st.running and st.remaining:
        lines.append(
            f"rate:     {st.rate_per_minute:.1f} units/min, "
            f"ETA {format_duration(60.0 * st.remaining / st.rate_per_minute)}"
        )
    if st.last_update:
        lines.append(f"updated:  {st.last_update.isoformat(timespec='seconds')}")
    if st.state != "complete" and not st.running:
        lines.append("rerun the same `docscreen batch run` command to finish")
    return "\n".join(lines)
