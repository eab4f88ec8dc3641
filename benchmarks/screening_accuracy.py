"""Screening accuracy on generated traveller bundles (passport + e-KTP of one fictional person).

For each forgery operator that touches data, N bundles are forged and screened; N genuine bundles
measure false alarms.  Detection = REVIEW or ALERT with one of the operator's expected rule codes
among the failed findings; the age-crossing operator must give ALERT.

Two modes:
  --from-truth   documents built from the generator's truth JSON ("perfect reader"): isolates the
                 rules' logic from reading errors.
  (default)      end to end from the images (document reader + MRZ reader + rules), with
                 realistic capture effects.

    .venv/bin/python benchmarks/screening_accuracy.py --from-truth --n 200
    OMP_THREAD_LIMIT=1 .venv/bin/python benchmarks/screening_accuracy.py --n 30 --capture realistic

Region lookups use ../shared/data/indonesia/wilayah_kecamatan.csv when present.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docscreen.checks.docio import document_from_truth
from docscreen.indonesia.regions import RegionTable, read_region_table
from docscreen.models import Risk, ScreeningContext, ScreeningReport, Status
from docscreen.screening import screen
from docscreen.specimens import make_bundle, make_specimen
from docscreen.specimens.specimen import Specimen, SpecimenOptions

REPO = Path(__file__).resolve().parents[1]
REGIONS = REPO.parent / "shared" / "data" / "indonesia" / "wilayah_kecamatan.csv"

# Operator -> (documents it forges, rule codes that name the fault).
OPERATORS: dict[str, tuple[str, frozenset[str]]] = {
    "viz_birth_date": ("either", frozenset({"MRZ-VIZ-BIRTH", "PP-03", "KTP-02", "KTP-02b", "PP-06", "PP-06b"})),
    "mrz_raw": ("idn_passport", frozenset({"ICAO-CD-BIRTH", "ICAO-CD-COMPOSITE", "PP-01", "MRZ-VIZ-BIRTH", "PP-03"})),
    "mrz_recomputed": ("idn_passport", frozenset({"MRZ-VIZ-BIRTH", "PP-03", "PP-06", "PP-06b"})),
    "nik_mismatch": ("idn_ktp", frozenset({"KTP-01", "KTP-02", "KTP-02b", "PP-07"})),
    "bundle_age_cross": ("bundle", frozenset({"PP-06b", "KTP-02b"})),
    "name_swap": ("bundle", frozenset({"PP-08", "MRZ-VIZ-NAME", "PP-03", "BUNDLE-01"})),
    "expired": ("idn_passport", frozenset({"ICAO-EXPIRED"})),
}  # fmt: skip
MUST_ALERT = {"bundle_age_cross"}


@dataclass
class Outcome:
    operator: str
    seed: int
    risk: Risk
    failed: list[tuple[str, str, str]]  # (code, severity, explanation)
    seconds: float
    forged_kind: str | None = None
    note: str = ""

    @property
    def codes(self) -> set[str]:
        return {c for c, _, _ in self.failed}


@dataclass
class Tally:
    n: int = 0
    flagged: int = 0
    alert: int = 0
    detected: int = 0
    misses: list[Outcome] = field(default_factory=list)


def build(
    seed: int, operator: str | None, opts: SpecimenOptions, capture: str | None
) -> tuple[list[Specimen], str | None]:
    """The bundle's specimens (passport, KTP), one of them forged by ``operator``."""
    if operator is None:
        return make_bundle(seed, capture=capture, options=opts), None
    target, _ = OPERATORS[operator]
    if target == "bundle":
        specs = make_bundle(seed, forgery=operator, capture=capture, options=opts)
        forged = next((s.truth["kind"] for s in specs if s.truth.get("forgery")), None)
        return specs, forged
    genuine = make_bundle(seed, capture=capture, options=opts)
    kind = target if target != "either" else ("idn_passport", "idn_ktp")[seed % 2]
    forged = make_specimen(seed, kind, forgery=operator, capture=capture, options=opts)
    return [forged if s.truth["kind"] == kind else s for s in genuine], kind


def screen_bundle(
    specs: list[Specimen], truth_mode: bool, today: dt.date, regions: RegionTable | None
) -> ScreeningReport:
    context = ScreeningContext(screening_date=today)
    docs: list[Any]
    if truth_mode:
        docs = [document_from_truth(s.truth, today) for s in specs]
    else:
        docs = [s.data for s in specs]
    return screen(docs, context, store=False, regions=regions)


def run_one(args: tuple[int, str | None, bool, str, str | None, str | None]) -> Outcome:
    seed, operator, truth_mode, today_s, capture, regions_path = args
    today = dt.date.fromisoformat(today_s)
    regions = _regions(regions_path)
    opts = SpecimenOptions(today=today)
    specs, forged = build(seed, operator, opts, capture)
    start = time.perf_counter()
    try:
        report = screen_bundle(specs, truth_mode, today, regions)
    except Exception as exc:  # a reader crash is a miss with its cause, not a benchmark crash
        return Outcome(operator or "genuine", seed, Risk.CLEAR, [], time.perf_counter() - start,
                       forged, f"error: {type(exc).__name__}: {exc}")  # fmt: skip
    seconds = time.perf_counter() - start
    failed = [
        (f.code, f.severity.value, f.explanation)
        for f in report.findings
        if f.status is Status.FAIL
    ]
    kinds = ",".join(d.kind.value for d in report.documents)
    note = f"read as {kinds}"
    if operator is not None:
        expected = OPERATORS[operator][1]
        skipped = sorted({f"{f.code}: {f.explanation}" for f in report.findings
                          if f.code in expected and f.status is Status.NOT_PERFORMED})  # fmt: skip
        if skipped:
            note += " | not performed: " + "; ".join(skipped)
    return Outcome(operator or "genuine", seed, report.risk, failed, seconds, forged, note)


_REGION_CACHE: dict[str, RegionTable] = {}


def _regions(path: str | None) -> RegionTable | None:
    if path is None:
        return None
    if path not in _REGION_CACHE:
        _REGION_CACHE[path] = read_region_table(Path(path))
    return _REGION_CACHE[path]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--from-truth", action="store_true", help="perfect-reader documents from truth JSON"
    )
    ap.add_argument("--n", type=int, default=200, help="bundles per operator (and genuine)")
    ap.add_argument("--seed", type=int, default=7_000_000, help="first seed")
    ap.add_argument("--today", default="2026-06-01", help="reference / screening date")
    ap.add_argument("--capture", default="realistic", help="capture effects for image mode")
    ap.add_argument("--operators", help="comma list (default: all data operators)")
    ap.add_argument("--workers", type=int, default=1, help="processes (each single-threaded)")
    ap.add_argument("--no-regions", action="store_true", help="screen without the region list")
    args = ap.parse_args(argv)
    ops = args.operators.split(",") if args.operators else list(OPERATORS)
    regions = None if args.no_regions or not REGIONS.is_file() else str(REGIONS)
    capture = None if args.from_truth else args.capture
    jobs: list[tuple[int, str | None, bool, str, str | None, str | None]] = []
    for op in [None, *ops]:
        for i in range(args.n):
            jobs.append((args.seed + i, op, args.from_truth, args.today, capture, regions))
    started = time.time()
    results: list[Outcome]
    if args.workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(args.workers) as pool:
            results = list(pool.map(run_one, jobs, chunksize=4))
    else:
        results = []
        for k, job in enumerate(jobs):
            results.append(run_one(job))
            if (k + 1) % 50 == 0:
                print(f"  {k + 1}/{len(jobs)} ({time.time() - started:.0f} s)", file=sys.stderr)
    report(results, args, regions, time.time() - started)
    return 0


def report(
    results: list[Outcome], args: argparse.Namespace, regions: str | None, wall: float
) -> None:
    mode = (
        "from truth (perfect reader)"
        if args.from_truth
        else f"from images (capture={args.capture})"
    )
    print(f"screening_accuracy: {mode}; n={args.n} per row; screening date {args.today}; "
          f"regions={'yes' if regions else 'no'}; wall {wall:.0f} s")  # fmt: skip
    rows: dict[str, Tally] = {}
    for r in results:
        t = rows.setdefault(r.operator, Tally())
        t.n += 1
        flagged = r.risk in (Risk.REVIEW, Risk.ALERT)
        t.flagged += flagged
        t.alert += r.risk is Risk.ALERT
        if r.operator == "genuine":
            if flagged:
                t.misses.append(r)
            continue
        expected = OPERATORS[r.operator][1]
        ok = flagged and bool(r.codes & expected)
        if r.operator in MUST_ALERT:
            ok = ok and r.risk is Risk.ALERT
        t.detected += ok
        if not ok:
            t.misses.append(r)
    print(f"{'operator':<18}{'n':>5}{'detected':>10}{'REVIEW+':>9}{'ALERT':>8}   target")
    for name, t in rows.items():

        def pct(k: int, n: int = t.n) -> str:
            return f"{100 * k / n:6.1f}%" if n else "   -  "

        if name == "genuine":
            target = "REVIEW+ <= 2%, ALERT <= 0.5%"
            print(f"{name:<18}{t.n:>5}{'-':>10}{pct(t.flagged):>9}{pct(t.alert):>8}   {target}")
        else:
            target = ">= 99% ALERT" if name in MUST_ALERT else ">= 99% detected"
            print(
                f"{name:<18}{t.n:>5}{pct(t.detected):>10}{pct(t.flagged):>9}{pct(t.alert):>8}   {target}"
            )
    times = [r.seconds for r in results]
    if times:
        print(f"screening time per bundle: median {statistics.median(times):.3f} s, "
              f"p95 {sorted(times)[int(0.95 * (len(times) - 1))]:.3f} s (one process)")  # fmt: skip
    for name, t in rows.items():
        for r in t.misses:
            what = "false alarm" if name == "genuine" else "miss"
            failed = (
                "; ".join(f"{c}[{s}] {e}" for c, s, e in r.failed if s != "INFO")
                or "no failed rule"
            )
            print(
                f"  {what}: {name} seed={r.seed} forged={r.forged_kind} risk={r.risk.value} {r.note}: {failed}"
            )


if __name__ == "__main__":
    sys.exit(main())
