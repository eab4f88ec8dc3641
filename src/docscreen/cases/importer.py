"""Import known-case records from CSV or JSONL.

CSV: UTF-8 (a BOM is accepted), a header row, these columns (only ``case_id`` and ``name`` are
required; unknown columns are an error so a typo is not silently ignored):

=================  ==========================================================================
case_id            unique id, 1-64 of ``A-Z a-z 0-9 . _ : / -`` (upsert key)
role               suspect | victim | missing | associate | other (default other)
name               the name as recorded
aliases            other names, separated by ``|``
birth_date         ``YYYY-MM-DD``, ``YYYY-MM``, ``YYYY`` or a range ``A/B`` of those
sex                M | F | X
nationality        ICAO code(s) or country name(s), separated by ``|``
nik                16-digit NIK(s), separated by ``|``
passport_number    passport number(s), separated by ``|``
region             Kemendagri region code or name
source             where the record comes from
notes              free text
=================  ==========================================================================

JSONL: one object per line with the same keys; ``aliases``, ``nationality``, ``nik`` and
``passport_number`` may be JSON lists.  The format is chosen by extension (``.csv``, ``.jsonl``,
``.ndjson``), otherwise by the first character of the file.

Every row is validated; bad rows (and repeated case ids) go to the error file (CSV: ``line,
case_id, reason, raw``) with their line number, good rows are upserted by case id in chunks of
``chunk_size``, one transaction each.  Unchanged rows are not rewritten, so a re-import of the same
file changes nothing.  If the import stops (error, interrupt), the chunks already committed stay
complete and the rest can be imported by running it again.
"""

from __future__ import annotations

import csv
import io
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docscreen.cases.records import CaseRecord, validate_record
from docscreen.cases.writes import now_utc, write_chunk
from docscreen.errors import InvalidRecordError, UnreadableFileError

if TYPE_CHECKING:
    from docscreen.cases.store import CaseStore

COLUMNS = (
    "case_id",
    "role",
    "name",
    "aliases",
    "birth_date",
    "sex",
    "nationality",
    "nik",
    "passport_number",
    "region",
    "source",
    "notes",
)
MAX_ERRORS_KEPT = 1000  # in the report object; the error file has all of them


@dataclass(frozen=True)
class RowError:
    line: int
    case_id: str
    reason: str


@dataclass(frozen=True)
class ImportProgress:
    rows: int
    good: int
    bad: int
    seconds: float


@dataclass
class ImportReport:
    path: str
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    invalid: int = 0
    chunks: int = 0
    seconds: float = 0.0
    errors: list[RowError] = field(default_factory=list)
    errors_path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "rows": self.rows,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "invalid": self.invalid,
            "chunks": self.chunks,
            "seconds": round(self.seconds, 3),
            "errors_file": self.errors_path,
        }


RawRow = tuple[int, dict[str, Any] | None, str, str | None]  # line, row, raw text, parse error


def _detect_format(path: Path) -> str:
    ext = path.suffix.lower()
    if ext == ".csv":
        return "csv"
    if ext in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    with path.open("rb") as fh:
        head = fh.read(64).lstrip(b"\xef\xbb\xbf \r\n\t")
    return "jsonl" if head.startswith(b"{") else "csv"


def _read_csv(fh: io.TextIOBase) -> Iterator[RawRow]:
    reader = csv.reader(fh)
    try:
        header = next(reader)
    except StopIteration:
        return
    header = [h.strip().lower() for h in header]
    unknown = [h for h in header if h not in COLUMNS]
    if unknown or "case_id" not in header or "name" not in header:
        raise InvalidRecordError(
            f"CSV header must have case_id and name and only these columns: {', '.join(COLUMNS)}"
            + (f" (unknown: {', '.join(unknown)})" if unknown else "")
        )
    start = reader.line_num + 1
    for values in reader:
        line = start
        start = reader.line_num + 1
        raw = ",".join(values)
        if not any(v.strip() for v in values):
            continue
        if len(values) != len(header):
            yield line, None, raw, f"{len(values)} columns, header has {len(header)}"
            continue
        yield line, dict(zip(header, values, strict=True)), raw, None


def _read_jsonl(fh: io.TextIOBase) -> Iterator[RawRow]:
    for n, text in enumerate(fh, start=1):
        text = text.strip()
        if not text:
            continue
        try:
            obj = json.loads(text)
        except json.JSONDecodeError as exc:
            yield n, None, text, f"not valid JSON: {exc.msg}"
            continue
        if not isinstance(obj, dict):
            yield n, None, text, "not a JSON object"
            continue
        unknown = [k for k in obj if k not in COLUMNS]
        if unknown:
            yield n, None, text, f"unknown keys: {', '.join(sorted(unknown))}"
            continue
        yield n, obj, text, None


def import_file(
    store: CaseStore,
    path: Path,
    actor: str,
    errors_path: str | Path | None = None,
    chunk_size: int = 5000,
    progress: Callable[[ImportProgress], None] | None = None,
) -> ImportReport:
    if not path.is_file():
        raise UnreadableFileError(f"{path}: no such file")
    fmt = _detect_format(path)
    report = ImportReport(path=str(path))
    err_path = Path(errors_path) if errors_path else path.with_name(path.name + ".errors.csv")
    t0 = time.perf_counter()
    seen: dict[str, int] = {}
    pending: list[CaseRecord] = []
    err_fh = None
    err_writer: Any = None

    def bad(line: int, case_id: str, reason: str, raw: str) -> None:
        nonlocal err_fh, err_writer
        report.invalid += 1
        if len(report.errors) < MAX_ERRORS_KEPT:
            report.errors.append(RowError(line, case_id, reason))
        if err_writer is None:
            err_fh = err_path.open("w", encoding="utf-8", newline="")
            err_writer = csv.writer(err_fh)
            err_writer.writerow(["line", "case_id", "reason", "raw"])
            report.errors_path = str(err_path)
        err_writer.writerow([line, case_id, reason, raw[:2000]])

    def flush() -> None:
        if not pending:
            return
        with store.engine.begin() as conn:
            r = write_chunk(conn, pending, actor, now_utc())
        report.inserted += r.inserted
        report.updated += r.updated
        report.unchanged += r.unchanged
        report.chunks += 1
        pending.clear()
        if progress is not None:
            progress(
                ImportProgress(
                    report.rows,
                    report.rows - report.invalid,
                    report.invalid,
                    time.perf_counter() - t0,
                )
            )

    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            rows = _read_csv(fh) if fmt == "csv" else _read_jsonl(fh)
            for line, row, raw, problem in rows:
                report.rows += 1
                if row is None:
                    bad(line, "", problem or "unreadable row", raw)
                    continue
                result = validate_record(row)
                cid = str(row.get("case_id") or "")
                if result.record is None:
                    bad(line, cid, "; ".join(result.errors), raw)
                    continue
                first = seen.get(result.record.case_id)
                if first is not None:
                    bad(line, cid, f"case_id repeated (first on line {first})", raw)
                    continue
                seen[result.record.case_id] = line
                pending.append(result.record)
                if len(pending) >= chunk_size:
                    flush()
            flush()
    except UnicodeDecodeError as exc:
        raise UnreadableFileError(f"{path}: not UTF-8 text ({exc.reason})") from exc
    finally:
        if err_fh is not None:
            err_fh.close()
        report.seconds = time.perf_counter() - t0
    return report
