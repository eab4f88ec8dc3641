"""Screening accuracy on generated traveller bundles (passport + e-KTP of one fictional person).

For each forgery operator that touches data, N bundles are forged and screened; N genuine bundles
measure false alarms.  Detection = REVIEW or ALERT with one of the operator's expected rule codes
among the failed findings; the age-crossing operator must give ALERT.

Modes:
  --from-truth      documents built from the generator's truth JSON ("perfect reader"): isolates
                    the rules' logic from reading errors.
  (default)         end to end from the images (document reader + MRZ reader + forensics + rules),
                    with realistic capture effects.
  --from-readings D re-screen readings saved by an image run with ``--save-readings D`` (rules and
                    policy only, seconds instead of hours: for changing rules on real reader output).
  --read-cache D    image mode: each distinct image (by the SHA-256 of its bytes and its place in
                    the bundle) is read once.  The document an operator did not touch is
                    byte-identical to the genuine bundle's, so the forged rows re-use its reading
                    and tamper findings from D (shared by the workers) instead of reading it
                    again.  Only bundles screened without any cache hit count in the time figures.

    .venv/bin/python benchmarks/screening_accuracy.py --from-truth --n 200
    OMP_THREAD_LIMIT=1 nice -n 10 .venv/bin/python benchmarks/screening_accuracy.py --n 200 \\
        --workers 2 --budget-minutes 120 --save-readings /tmp/readings

Bundles are screened in an interleaved order (genuine, each operator, genuine, ...), so a run
stopped by ``--budget-minutes`` still has a balanced sample; the table prints the n of each row.
Time per bundle is given as wall time and as CPU time (this process + its tesseract children): on
a shared machine the CPU figure is what one idle core would take.

Region lookups use ../shared/data/indonesia/wilayah_kecamatan.csv when present.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docscreen.checks.catalogue import spec
from docscreen.checks.docio import document_from_dict, document_from_truth
from docscreen.indonesia.regions import RegionTable, read_region_table
from docscreen.models import (
    Box,
    Document,
    Finding,
    Risk,
    ScreeningContext,
    ScreeningReport,
    Status,
)
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
SLIP = "likely a misreading"  # the explanation of a difference withheld as a one-character slip

# seed, operator, mode, screening date, capture, regions path, save dir, read-cache dir
Job = tuple[int, str | None, str, str, str | None, str | None, str | None, str | None]


@dataclass
class Outcome:
    operator: str
    seed: int
    risk: Risk
    failed: list[tuple[str, str, str]]  # (code, severity, explanation)
    seconds: float
    forged_kind: str | None = None
    note: str = ""
    cpu: float = 0.0  # this process + tesseract children, seconds
    stages: dict[str, float] = field(default_factory=dict)  # read / forensics / cases / rules
    slips: list[str] = field(default_factory=list)  # codes withheld as one-character slips
    cached: int = 0  # documents whose reading came from the read cache (not timed when > 0)

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


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


# --- saved readings: what the readers and forensics gave, re-screened without the images --------


def _finding_to_json(f: Finding) -> dict[str, Any]:
    return {"code": f.code, "severity": f.severity.value, "status": f.status.value,
            "evidence": f.evidence, "boxes": [[d, list(b)] for d, b in f.boxes],
            "explanation": f.explanation}  # fmt: skip


def _finding_from_json(d: dict[str, Any]) -> Finding:
    boxes: list[tuple[int, Box]] = []
    for doc, b in d.get("boxes", []):
        boxes.append((int(doc), (int(b[0]), int(b[1]), int(b[2]), int(b[3]))))
    # The catalogue's current severity, as docscreen.forensics gives it (the saved one may be
    # from an older catalogue).
    return Finding(
        code=d["code"],
        severity=spec(d["code"]).severity,
        status=Status(d["status"]),
        message=spec(d["code"]).message,
        evidence=d.get("evidence") or {},
        boxes=tuple(boxes),
        explanation=d.get("explanation", ""),
        pixel=True,
    )


def save_readings(directory: Path, outcome: Outcome, report: ScreeningReport) -> None:
    tamper = [f for f in report.findings if f.pixel and f.code.startswith("TAMPER-")]
    data = {"operator": outcome.operator, "seed": outcome.seed, "forged": outcome.forged_kind,
            "documents": [d.to_dict() for d in report.documents],
            "tamper": [_finding_to_json(f) for f in tamper],
            "seconds": outcome.seconds, "cpu": outcome.cpu, "stages": outcome.stages,
            "cached": outcome.cached}  # fmt: skip
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{outcome.operator}_{outcome.seed}.json"
    path.write_text(json.dumps(data), encoding="utf-8")


def screen_readings(path: Path, today: dt.date, regions: RegionTable | None) -> Outcome:
    """Re-screen one saved bundle: its read documents through the current rules and policy, with
    the saved tamper findings (forensics is not re-run)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    docs: list[Document] = [document_from_dict(d) for d in data["documents"]]
    tamper = [_finding_from_json(t) for t in data.get("tamper", [])]
    start = time.perf_counter()
    report = screen(docs, ScreeningContext(screening_date=today), store=False, regions=regions,
                    pixel_findings=tamper)  # fmt: skip
    operator = data["operator"]
    out = _outcome(operator, int(data["seed"]), data.get("forged"), report)
    out.seconds = float(data.get("seconds", time.perf_counter() - start))
    out.cpu = float(data.get("cpu", 0.0))
    out.stages = dict(data.get("stages") or {})
    out.cached = int(data.get("cached", 0))
    return out


def _outcome(operator: str, seed: int, forged: str | None, report: ScreeningReport) -> Outcome:
    failed = [
        (f.code, f.severity.value, f.explanation)
        for f in report.findings
        if f.status is Status.FAIL
    ]
    kinds = ",".join(d.kind.value for d in report.documents)
    note = f"read as {kinds}"
    if operator != "genuine":
        expected = OPERATORS[operator][1]
        skipped = sorted({f"{f.code}: {f.explanation}" for f in report.findings
                          if f.code in expected and f.status is Status.NOT_PERFORMED})  # fmt: skip
        if skipped:
            note += " | not performed: " + "; ".join(skipped)
    slips = sorted({f.code for f in report.findings
                    if f.status is Status.NOT_PERFORMED and SLIP in f.explanation})  # fmt: skip
    return Outcome(operator, seed, report.risk, failed, 0.0, forged, note, slips=slips)


# --- read cache: each distinct image read once per run ------------------------------------------


class _Recorder:
    """Wraps the reader and forensics entry points that ``screen`` looks up at call time, keeping
    what they returned for the bundle being screened (the code path and its timing unchanged)."""

    def __init__(self) -> None:
        import docscreen.documents.read as read_mod
        import docscreen.forensics as forensics_mod

        self.read_mod, self.forensics_mod = read_mod, forensics_mod
        self.read_document = read_mod.read_document
        self.tamper_findings = forensics_mod.tamper_findings
        self.docs: list[Document] = []
        self.tamper: dict[int, list[Finding]] = {}

    def __enter__(self) -> _Recorder:
        def read_document(*a: Any, **k: Any) -> Document:
            doc = self.read_document(*a, **k)
            self.docs.append(doc)
            return doc

        def tamper_findings(*a: Any, **k: Any) -> list[Finding]:
            out = self.tamper_findings(*a, **k)
            self.tamper[int(k.get("index", 0))] = list(out)
            return out

        self.read_mod.read_document = read_document
        self.forensics_mod.tamper_findings = tamper_findings
        return self

    def __exit__(self, *exc: object) -> None:
        self.read_mod.read_document = self.read_document
        self.forensics_mod.tamper_findings = self.tamper_findings


def _cache_path(cache: Path, data: bytes, index: int) -> Path:
    return cache / f"{hashlib.sha256(data).hexdigest()}_{index}.json"


def _cache_load(path: Path) -> tuple[Document, list[Finding]] | None:
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return document_from_dict(d["document"]), [_finding_from_json(t) for t in d["tamper"]]


def _cache_store(path: Path, doc: Document, tamper: list[Finding]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps({"document": doc.to_dict(),
                               "tamper": [_finding_to_json(f) for f in tamper]}), encoding="utf-8")  # fmt: skip
    tmp.replace(path)  # atomic: a worker never reads half an entry


def _screen_cached(
    images: list[bytes], cache: Path, context: ScreeningContext, regions: RegionTable | None
) -> tuple[ScreeningReport, int]:
    """Screen a bundle with the read cache: images already read come from ``cache`` (their
    reading and tamper findings, as JSON, exactly as ``--from-readings`` re-screens them); the
    others are read here and stored.  Returns the report and the number of cache hits.  Cached
    readings always go through the JSON form, so a hit and a fresh read are screened alike."""
    from docscreen.screening import read_inputs, tamper_findings

    paths = [_cache_path(cache, data, i) for i, data in enumerate(images)]
    hits = [_cache_load(p) if p.is_file() else None for p in paths]
    fresh = [i for i, h in enumerate(hits) if h is None]
    read: list[tuple[Document, Any]] = []
    for i, data in enumerate(images):
        if hits[i] is None:
            read += read_inputs([data])
        else:
            read.append((hits[i][0], None))  # type: ignore[index]
    with _Recorder() as rec:
        tamper_findings(read)  # forensics of the fresh images only, each at its bundle index
    for i in fresh:
        _cache_store(paths[i], read[i][0], rec.tamper.get(i, []))
    entries = [_cache_load(p) for p in paths]
    docs = [e[0] for e in entries if e is not None]
    tamper = [f for e in entries if e is not None for f in e[1]]
    report = screen(docs, context, store=False, regions=regions, pixel_findings=tamper)
    return report, len(images) - len(fresh)


def _fill_cache(images: list[bytes], cache: Path, rec: _Recorder) -> None:
    if len(rec.docs) != len(images):  # a document reader path that was not recorded: skip
        return
    for i, (data, doc) in enumerate(zip(images, rec.docs, strict=True)):
        path = _cache_path(cache, data, i)
        if not path.is_file():
            _cache_store(path, doc, rec.tamper.get(i, []))


def run_one(args: Job) -> Outcome:
    seed, operator, mode, today_s, capture, regions_path, save_dir, cache_dir = args
    today = dt.date.fromisoformat(today_s)
    regions = _regions(regions_path)
    opts = SpecimenOptions(today=today)
    specs, forged = build(seed, operator, opts, capture)
    context = ScreeningContext(screening_date=today)
    docs: list[Any]
    if mode == "truth":
        docs = [document_from_truth(s.truth, today) for s in specs]
    else:
        docs = [s.data for s in specs]
    cache = Path(cache_dir) if cache_dir is not None and mode != "truth" else None
    hits = 0
    if cache is not None and any(_cache_path(cache, d, i).is_file() for i, d in enumerate(docs)):
        # A bundle sharing an image already read: re-use it (untimed), read only the others.
        try:
            report, hits = _screen_cached(docs, cache, context, regions)
        except Exception as exc:
            return Outcome(operator or "genuine", seed, Risk.CLEAR, [], 0.0, forged,
                           f"error: {type(exc).__name__}: {exc}", cached=1)  # fmt: skip
        out = _outcome(operator or "genuine", seed, forged, report)
        out.cached = hits
        if save_dir is not None:
            save_readings(Path(save_dir), out, report)
        return out
    cpu0, wall0 = time.process_time() + _children_cpu(), time.perf_counter()
    try:
        if cache is not None:
            with _Recorder() as rec:
                report = screen(docs, context, store=False, regions=regions)
        else:
            report = screen(docs, context, store=False, regions=regions)
    except Exception as exc:  # a reader crash is a miss with its cause, not a benchmark crash
        return Outcome(operator or "genuine", seed, Risk.CLEAR, [], time.perf_counter() - wall0,
                       forged, f"error: {type(exc).__name__}: {exc}")  # fmt: skip
    out = _outcome(operator or "genuine", seed, forged, report)
    out.seconds = time.perf_counter() - wall0
    out.cpu = time.process_time() + _children_cpu() - cpu0
    out.stages = dict(report.timings)
    if cache is not None:
        _fill_cache(docs, cache, rec)
    if save_dir is not None:
        save_readings(Path(save_dir), out, report)
    return out


_REGION_CACHE: dict[str, RegionTable] = {}


def _regions(path: str | None) -> RegionTable | None:
    if path is None:
        return None
    if path not in _REGION_CACHE:
        table = read_region_table(Path(path))
        if table.has_villages:
            table.villages()  # read once per process, not inside the first bundle's timing
        _REGION_CACHE[path] = table
    return _REGION_CACHE[path]


def _warm(regions_path: str | None) -> None:
    """Pool initializer: region table and rule modules loaded before any bundle is timed."""
    _regions(regions_path)


def interleaved(
    n: int, seed: int, ops: list[str], lead: int = 0
) -> Iterator[tuple[int, str | None]]:
    """(seed, operator) in the order genuine, op1, op2, ..., genuine, op1, ... (balanced rows
    whenever the run stops).  ``lead`` > 0 puts each seed's genuine bundle that many seeds ahead
    of its forged ones (G0 G1 ops0 G2 ops1 ...), so with a read cache and parallel workers the
    images the forged bundles share with it are read before they are needed."""
    for i in range(n + lead):
        if i < n:
            yield seed + i, None
        if i >= lead:
            for op in ops:
                yield seed + i - lead, op


def run_jobs(jobs: list[Job], workers: int, budget_s: float | None) -> tuple[list[Outcome], int]:
    """Outcomes of the jobs screened within the budget, and how many were left unscreened."""
    started = time.time()
    results: list[Outcome] = []
    regions_path = jobs[0][5] if jobs else None
    if workers <= 1:
        _warm(regions_path)
        for k, job in enumerate(jobs):
            if budget_s is not None and time.time() - started > budget_s:
                return results, len(jobs) - k
            results.append(run_one(job))
            if (k + 1) % 50 == 0:
                print(f"  {k + 1}/{len(jobs)} ({time.time() - started:.0f} s)", file=sys.stderr)
        return results, 0
    from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait

    pending: set[Future[Outcome]] = set()
    queue = list(reversed(jobs))
    with ProcessPoolExecutor(workers, initializer=_warm, initargs=(regions_path,)) as pool:
        while queue or pending:
            in_time = budget_s is None or time.time() - started <= budget_s
            while queue and in_time and len(pending) < 2 * workers:
                pending.add(pool.submit(run_one, queue.pop()))
            if not pending:
                break
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                results.append(fut.result())
                if len(results) % 50 == 0:
                    print(f"  {len(results)}/{len(jobs)} ({time.time() - started:.0f} s)",
                          file=sys.stderr)  # fmt: skip
    return results, len(queue)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument(
        "--from-truth", action="store_true", help="perfect-reader documents from truth JSON"
    )
    ap.add_argument("--from-readings", type=Path, help="re-screen readings saved in this folder")
    ap.add_argument("--save-readings", type=Path, help="image mode: save each bundle's readings")
    ap.add_argument("--read-cache", type=Path,
                    help="image mode: read each distinct image once, keeping readings in this "
                         "folder (bundles with a cache hit are not timed)")  # fmt: skip
    ap.add_argument("--n", type=int, default=200, help="bundles per operator (and genuine)")
    ap.add_argument("--seed", type=int, default=7_000_000, help="first seed")
    ap.add_argument("--today", default="2026-06-01", help="reference / screening date")
    ap.add_argument("--capture", default="realistic", help="capture effects for image mode")
    ap.add_argument("--operators", help="comma list (default: all data operators)")
    ap.add_argument("--workers", type=int, default=1, help="processes (each single-threaded)")
    ap.add_argument("--budget-minutes", type=float, help="stop starting bundles after this long")
    ap.add_argument("--no-regions", action="store_true", help="screen without the region list")
    args = ap.parse_args(argv)
    ops = args.operators.split(",") if args.operators else list(OPERATORS)
    unknown = [op for op in ops if op not in OPERATORS]
    if unknown:
        ap.error(f"unknown operators {unknown}; choose from {', '.join(OPERATORS)}")
    regions = None if args.no_regions or not REGIONS.is_file() else str(REGIONS)
    started = time.time()
    if args.from_readings is not None:
        today = dt.date.fromisoformat(args.today)
        table = _regions(regions)
        paths = sorted(args.from_readings.glob("*.json"))
        if not paths:
            ap.error(f"{args.from_readings}: no saved readings (*.json)")
        results = [screen_readings(p, today, table) for p in paths]
        results = [r for r in results if r.operator == "genuine" or r.operator in ops]
        report(results, args, regions, time.time() - started, 0)
        return 0
    mode = "truth" if args.from_truth else "images"
    capture = None if args.from_truth else args.capture
    save = str(args.save_readings) if args.save_readings and not args.from_truth else None
    cache = str(args.read_cache) if args.read_cache and not args.from_truth else None
    jobs: list[Job] = [(seed, op, mode, args.today, capture, regions, save, cache)
                       for seed, op in interleaved(args.n, args.seed, ops,
                                                   lead=1 if cache else 0)]  # fmt: skip
    budget = args.budget_minutes * 60 if args.budget_minutes else None
    results, left = run_jobs(jobs, args.workers, budget)
    report(results, args, regions, time.time() - started, left)
    return 0


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[int(q * (len(s) - 1))]


def report(
    results: list[Outcome], args: argparse.Namespace, regions: str | None, wall: float, left: int
) -> None:
    if args.from_readings is not None:
        mode = f"saved readings from {args.from_readings} (rules re-run on image-mode readings)"
    elif args.from_truth:
        mode = "from truth (perfect reader)"
    else:
        mode = f"from images (capture={args.capture})"
    print(f"screening_accuracy: {mode}; n={args.n} per row requested; screening date {args.today}; "
          f"regions={'yes' if regions else 'no'}; workers {args.workers}; wall {wall:.0f} s"
          + (f"; {left} bundles not screened (time budget)" if left else ""))  # fmt: skip
    rows: dict[str, Tally] = {}
    for r in sorted(results, key=lambda r: (r.operator != "genuine", r.seed)):
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
    order = ["genuine", *OPERATORS]
    for name in sorted(rows, key=order.index):
        t = rows[name]

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
    slipped = [r for r in results if r.slips]
    if slipped:
        gen = [r for r in slipped if r.operator == "genuine"]
        hit = [r for r in slipped if r.operator != "genuine"
               and set(r.slips) & OPERATORS[r.operator][1]]  # fmt: skip
        print(f"one-character slips withheld (read below min_mismatch_confidence): {len(gen)} genuine "
              f"bundles, {len(slipped) - len(gen)} forged ({len(hit)} with an operator's own code: "
              + (", ".join(f"{r.operator} {r.seed} {'/'.join(r.slips)}" for r in hit) or "none")
              + ")")  # fmt: skip
    timed = [r for r in results if not r.cached and not r.note.startswith("error")]
    times = [r.seconds for r in timed]
    cpus = [r.cpu for r in timed if r.cpu > 0]
    n_cached = sum(1 for r in results if r.cached)
    if n_cached or args.read_cache is not None:
        per_row: dict[str, int] = {}
        for r in timed:
            per_row[r.operator] = per_row.get(r.operator, 0) + 1
        print(f"read cache: {n_cached} bundles re-used {sum(r.cached for r in results)} readings "
              f"(not timed); times below from the {len(timed)} bundles read without any cache hit ("
              + ", ".join(f"{k} {v}" for k, v in sorted(per_row.items())) + ")")  # fmt: skip
    if times:
        print(f"screening time per bundle: wall median {statistics.median(times):.3f} s, "
              f"p95 {_pct(times, 0.95):.3f} s", end="")  # fmt: skip
        if cpus:
            print(f"; CPU (process + tesseract) median {statistics.median(cpus):.3f} s, "
                  f"p95 {_pct(cpus, 0.95):.3f} s", end="")  # fmt: skip
        print()
        stages = sorted({k for r in results for k in r.stages})
        if stages:
            parts = [f"{k} {statistics.median([r.stages.get(k, 0.0) for r in timed]):.3f} s"
                     for k in stages]  # fmt: skip
            print("  wall median by stage: " + ", ".join(parts))
    for name in sorted(rows, key=order.index):
        t = rows[name]
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
