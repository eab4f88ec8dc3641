"""``docscreen cases``: import known-case records and match people against them.

    docscreen cases import FILE [--db URL] [--errors FILE] [--actor NAME]
    docscreen cases match --name N [--dob D] [--sex S] [--nationality C] [--nik N]
                          [--passport P] [--db URL] [--json]
    docscreen cases match --queries FILE.jsonl [--db URL] [--json]

Batch queries: one JSON object per line ``{"id", "name", "dob", "sex", "nationality"}`` (all but
name optional; ``nik`` and ``passport_number`` accepted too); one output line per query in input
order, ``{"id", "alert", "matches": [{"case_id", "score", "role", "alert", "features"}]}``, or
``{"id", "line", "error"}`` for a malformed line (the rest go on).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from docscreen.cases.importer import ImportProgress
from docscreen.cases.match import Matcher, MatchQuery
from docscreen.cases.store import CaseStore
from docscreen.errors import InputError, UnreadableFileError
from docscreen.models import Match

PROGRESS_EVERY = 50_000


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("cases", help="known-case records: import and match")
    sub = p.add_subparsers(dest="cases_command", metavar="ACTION")
    sub.required = True

    imp = sub.add_parser("import", help="import records from CSV or JSONL (upsert by case_id)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--db", help="database URL (default: DOCSCREEN_DB_URL or a SQLite file)")
    imp.add_argument(
        "--errors", type=Path, help="where to write bad rows (default FILE.errors.csv)"
    )
    imp.add_argument("--actor", help="who is importing (recorded in the history)")
    imp.add_argument("--chunk-size", type=int, default=5000, help=argparse.SUPPRESS)
    imp.add_argument("--json", action="store_true", help="print the report as JSON")
    imp.set_defaults(handler=_import)

    m = sub.add_parser("match", help="match one person or a JSONL file of queries")
    m.add_argument("--name")
    m.add_argument("--dob", help="birth date: YYYY-MM-DD, YYYY-MM, YYYY or A/B")
    m.add_argument("--sex", choices=["M", "F", "X", "m", "f", "x"])
    m.add_argument("--nationality", help="ICAO code or country name")
    m.add_argument("--nik")
    m.add_argument("--passport", dest="passport_number")
    m.add_argument("--queries", type=Path, help="JSONL file, one query per line")
    m.add_argument("--db", help="database URL (default: DOCSCREEN_DB_URL or a SQLite file)")
    m.add_argument("--json", action="store_true", help="JSON output (one line per query)")
    m.set_defaults(handler=_match)


def _import(args: argparse.Namespace) -> int:
    actor = args.actor or f"cli:{getpass.getuser()}"
    store = CaseStore(args.db)
    try:

        def progress(p: ImportProgress) -> None:
            if p.rows // PROGRESS_EVERY != getattr(progress, "last", 0):
                progress.last = p.rows // PROGRESS_EVERY  # type: ignore[attr-defined]
                rate = p.rows / p.seconds if p.seconds > 0 else 0.0
                print(
                    f"cases import: {p.rows} rows, {p.bad} bad, {p.seconds:.0f} s ({rate:.0f}/s)",
                    file=sys.stderr,
                )

        report = store.import_file(args.file, actor, args.errors, args.chunk_size, progress)
    finally:
        store.close()
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        print(
            f"{report.path}: {report.rows} rows, {report.inserted} inserted, {report.updated} "
            f"updated, {report.unchanged} unchanged, {report.invalid} invalid "
            f"({report.seconds:.1f} s)"
        )
        if report.errors_path:
            print(f"bad rows (line, reason): {report.errors_path}")
    return 0


def _output(qid: Any, matches: list[Match], as_json: bool) -> None:
    alert = any(m.alert for m in matches)
    if as_json:
        line = {"id": qid, "alert": alert, "matches": [m.to_dict() for m in matches]}
        print(json.dumps(line, ensure_ascii=False))
        return
    head = f"{qid}: " if qid is not None else ""
    print(f"{head}{'ALERT' if alert else 'no alert'} ({len(matches)} matches)")
    for m in matches:
        f = m.features
        flags = []
        if f.get("identifier_conflict"):
            flags.append("IDENTIFIER CONFLICT")
        elif f.get("identifier"):
            flags.append(f"same {f['identifier']['kind']}")
        if f.get("single_name_blocked"):
            flags.append("single name, no date/nationality support")
        print(
            f"  {m.case_id:<16} {m.role:<9} {m.score:.3f} {'ALERT' if m.alert else '     '} "
            f"name={f['name']['matched_name']!r} name_score={f['name']['score']:.3f} "
            f"dob={f['birth_date']['agreement']} nat={f['nationality']['agreement']} "
            f"{' '.join(flags)}"
        )


def _query_from(obj: Any) -> MatchQuery:
    if not isinstance(obj, dict):
        raise ValueError("not a JSON object")
    name = obj.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("name is missing")
    nat = obj.get("nationality")
    if isinstance(nat, str):
        nats: tuple[str, ...] = (nat,)
    elif isinstance(nat, list) and all(isinstance(n, str) for n in nat):
        nats = tuple(nat)
    elif nat is None:
        nats = ()
    else:
        raise ValueError("nationality must be a string or a list of strings")
    dob = obj.get("dob")
    if isinstance(dob, list):
        dob = ";".join(str(d) for d in dob)
    for key, value in (
        ("dob", dob),
        ("sex", obj.get("sex")),
        ("nik", obj.get("nik")),
        ("passport_number", obj.get("passport_number")),
    ):
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{key} must be a string")
    return MatchQuery(
        name=name,
        dob=dob,
        sex=obj.get("sex"),
        nationality=nats,
        nik=obj.get("nik"),
        passport_number=obj.get("passport_number"),
    )


def _match(args: argparse.Namespace) -> int:
    if (args.name is None) == (args.queries is None):
        raise InputError("give either --name or --queries")
    if args.queries is not None and not args.queries.is_file():
        raise UnreadableFileError(f"{args.queries}: no such file")
    store = CaseStore(args.db)
    try:
        matcher = Matcher(store.index())
    finally:
        store.close()
    if args.name is not None:
        query = MatchQuery(
            name=args.name,
            dob=args.dob,
            sex=args.sex.upper() if args.sex else None,
            nationality=(args.nationality,) if args.nationality else (),
            nik=args.nik,
            passport_number=args.passport_number,
        )
        _output(None, matcher.match(query), args.json)
        return 0
    with args.queries.open(encoding="utf-8-sig") as fh:
        for n, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            qid: Any = None
            try:
                obj = json.loads(text)
                qid = obj.get("id") if isinstance(obj, dict) else None
                query = _query_from(obj)
            except (json.JSONDecodeError, ValueError) as exc:
                reason = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
                err = {"id": qid, "line": n, "error": reason}
                if args.json:
                    print(json.dumps(err, ensure_ascii=False))
                else:
                    print(f"line {n}: error: {reason}")
                continue
            _output(qid, matcher.match(query), args.json)
    return 0
