"""``docscreen screen IMAGE...``: screen documents and print the risk level with the reasons.

Each image is screened on its own unless ``--as-bundle`` (one traveller's documents together).
Inputs ending in ``.json`` are documents as JSON (``docscreen read --json`` output or generator truth).
Exit code 1 when any report is ALERT, 2 when an input could not be used (and none is ALERT).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any, TextIO

from docscreen.checks.policy import load_policy
from docscreen.errors import DocscreenError, InputError
from docscreen.indonesia.regions import read_region_table
from docscreen.models import Risk, ScreeningContext, ScreeningReport, Status

EXIT_OK, EXIT_ALERT, EXIT_USAGE = 0, 1, 2

LABELS = {
    "id": {"risk": "RISIKO", "CLEAR": "AMAN", "REVIEW": "PERIKSA ULANG", "ALERT": "PERINGATAN",
           "code": "KODE", "severity": "TINGKAT", "reason": "ALASAN", "files": "Dokumen",
           "none": "Tidak ada temuan.", "skipped": "aturan tidak dapat dijalankan (data kurang); lihat --json",
           "passed": "aturan lolos", "error": "galat", "matches": "Kecocokan catatan kasus"},
    "en": {"risk": "RISK", "CLEAR": "CLEAR", "REVIEW": "REVIEW", "ALERT": "ALERT",
           "code": "CODE", "severity": "SEVERITY", "reason": "REASON", "files": "Documents",
           "none": "No findings.", "skipped": "rules could not run (missing data); see --json",
           "passed": "rules passed", "error": "error", "matches": "Case-record matches"},
}  # fmt: skip


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from exc


def _csv(text: str) -> frozenset[str]:
    return frozenset(p.strip().lower() for p in text.split(",") if p.strip())


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("screen", help="screen documents and report CLEAR / REVIEW / ALERT")
    p.add_argument("images", nargs="+", metavar="IMAGE", help="images, PDFs or document JSON files")
    p.add_argument(
        "--as-bundle", action="store_true", help="the files are one traveller's documents"
    )
    p.add_argument("--departure-date", type=_date, help="departure date YYYY-MM-DD")
    p.add_argument("--screening-date", type=_date, help="screening date (default: today)")
    p.add_argument("--purpose", help="declared purpose: work, tourism, visit, umrah, study, ...")
    p.add_argument("--destination", help="destination country (ICAO 3-letter code)")
    p.add_argument("--placement", help="placement type, e.g. domestic_worker, plantation, fishing")
    p.add_argument(
        "--presented",
        type=_csv,
        default=frozenset(),
        help="documents seen: work_visa,work_contract,placement_agreement,bpjs,id_pmi,return_ticket",
    )
    p.add_argument("--contract", type=Path, help="JSON object of work-contract data (PMI-05/06/07)")
    p.add_argument("--db", help="case store URL (default $DOCSCREEN_DB_URL)")
    p.add_argument("--policy", type=Path, help="policy JSON (default $DOCSCREEN_POLICY)")
    p.add_argument(
        "--regions", type=Path, help="Kemendagri code list (default $DOCSCREEN_REGION_CODES)"
    )
    p.add_argument("--json", action="store_true", help="one ScreeningReport JSON object per line")
    p.add_argument("--lang", choices=("id", "en"), default="id", help="language of the table")
    p.set_defaults(handler=run)


def _context(args: argparse.Namespace) -> ScreeningContext:
    contract: dict[str, str] = {}
    if args.contract is not None:
        try:
            data = json.loads(args.contract.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(f"{args.contract}: cannot read contract JSON ({exc})") from exc
        if not isinstance(data, dict):
            raise InputError(f"{args.contract}: contract must be a JSON object")
        contract = {str(k): str(v) for k, v in data.items()}
    return ScreeningContext(
        screening_date=args.screening_date or dt.date.today(),
        departure_date=args.departure_date,
        purpose=args.purpose,
        destination=args.destination.upper() if args.destination else None,
        placement_type=args.placement,
        contract=contract,
        presented=args.presented,
    )


def render_table(report: ScreeningReport, files: list[str], lang: str, out: TextIO) -> None:
    lab = LABELS[lang]
    out.write(f"{lab['files']}: {', '.join(files)}\n")
    out.write(f"{lab['risk']}: {report.risk.value}  ({lab[report.risk.value]})\n")
    failed = [f for f in report.findings if f.status is Status.FAIL]
    if not failed:
        out.write(f"  {lab['none']}\n")
    else:
        out.write(f"  {lab['code']:<18} {lab['severity']:<9} {lab['reason']}\n")
        for f in failed:
            message = f.message.id if lang == "id" else f.message.en
            flag = " [piksel]" if f.pixel and lang == "id" else (" [pixel]" if f.pixel else "")
            out.write(f"  {f.code:<18} {f.severity.value:<9} {message}{flag}\n")
            if f.explanation:
                out.write(f"  {'':<18} {'':<9} -> {f.explanation}\n")
    if report.matches:
        out.write(f"  {lab['matches']}:\n")
        for m in report.matches[:5]:
            out.write(f"    {m.case_id}  {m.score:.2f}  {m.role}{'  ALERT' if m.alert else ''}\n")
    n_pass = sum(1 for f in report.findings if f.status is Status.PASS)
    n_skip = sum(1 for f in report.findings if f.status is Status.NOT_PERFORMED)
    out.write(f"  {n_pass} {lab['passed']}; {n_skip} {lab['skipped']}\n")
    out.write(f"  ({report.seconds:.2f} s)\n\n")


def run(args: argparse.Namespace) -> int:
    from docscreen.screening import screen

    context = _context(args)
    policy = load_policy(args.policy) if args.policy else None
    regions_kw: dict[str, Any] = {}
    if args.regions is not None:
        regions_kw["regions"] = read_region_table(args.regions)
    store: Any = args.db or None
    groups = [list(args.images)] if args.as_bundle else [[x] for x in args.images]
    alert = bad = False
    for group in groups:
        usable: list[str] = []
        for item in group:
            if not item.lower().endswith((".json", ".jsonl")) and not Path(item).is_file():
                _error(args, item, f"{item}: no such file")
                bad = True
            else:
                usable.append(item)
        if not usable:
            continue
        try:
            report = screen(usable, context, store=store, policy=policy, **regions_kw)
        except InputError as exc:
            _error(args, ", ".join(usable), str(exc))
            bad = True
            continue
        except DocscreenError:
            raise
        alert = alert or report.risk is Risk.ALERT
        if args.json:
            out = {"files": usable, **report.to_dict()}
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
        else:
            render_table(report, usable, args.lang, sys.stdout)
        sys.stdout.flush()
    if alert:
        return EXIT_ALERT
    return EXIT_USAGE if bad else EXIT_OK


def _error(args: argparse.Namespace, file: str, message: str) -> None:
    if args.json:
        sys.stdout.write(json.dumps({"files": [file], "error": message}, ensure_ascii=False) + "\n")
    print(f"docscreen: error: {message}", file=sys.stderr)
