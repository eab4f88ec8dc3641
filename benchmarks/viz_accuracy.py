"""VIZ reader accuracy and speed on generated documents (passport pages and e-KTPs).

    .venv/bin/python benchmarks/viz_accuracy.py --count 300 --seed 7 [--unusable 100] [--nondocs 30]

Generates ``count`` documents with the generator's "realistic" capture chain (alternating
Indonesian passport page and e-KTP), ``unusable`` captures with the "unusable" preset (heavy blur,
glare over the key field, cut-off corner) and ``nondocs`` pictures that are not documents (random
textures, a drawn landscape, a page of unrelated text).  Reads each with
``docscreen.read_document`` on one core (tesseract OMP_THREAD_LIMIT=1) and prints per-field
accuracy, document-type accuracy, the quality gate's flag rates and the time per document.
Development used other seeds (100000+); the figures in RESULTS.md are from seed 7.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

os.environ["OMP_THREAD_LIMIT"] = "1"

import cv2
import numpy as np
from rapidfuzz.distance import Levenshtein

from docscreen.documents.read import OCR_OPTIONS, OCR_PX_PER_MM, read_document
from docscreen.models import Document
from docscreen.specimens import SpecimenOptions, generate

KINDS = ["idn_passport", "idn_ktp"]
TODAY = dt.date(2026, 11, 1)
NAME_FIELDS = ("full_name",)
STRICT = ("nik", "document_number", "birth_date", "issue_date", "expiry_date")


def _non_documents(out: Path, n: int, seed: int) -> list[Path]:
    rng = np.random.default_rng(seed)
    paths: list[Path] = []
    for i in range(n):
        kind = i % 3
        h, w = 900, 1200
        if kind == 0:  # random texture
            small = rng.integers(0, 255, (h // 16, w // 16, 3)).astype(np.uint8)
            img = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
            img = cv2.add(img, rng.integers(0, 40, (h, w, 3)).astype(np.uint8))
        elif kind == 1:  # a drawn landscape: sky, hills, sun, trees
            img = np.zeros((h, w, 3), np.uint8)
            img[:] = (235, 200, 150)
            horizon = int(rng.integers(350, 550))
            pts = [
                (x, horizon + int(60 * np.sin(x / 150 + rng.uniform(0, 6))))
                for x in range(0, w + 50, 50)
            ]
            poly = np.array([*pts, (w, h), (0, h)], np.int32)
            cv2.fillPoly(img, [poly], (60, 150, 70))
            cv2.circle(img, (int(rng.integers(100, 1100)), 150), 70, (80, 220, 255), -1)
            for _ in range(12):
                x = int(rng.integers(0, w))
                y = int(rng.integers(horizon, h - 50))
                cv2.rectangle(img, (x - 6, y), (x + 6, y + 50), (40, 70, 100), -1)
                cv2.circle(img, (x, y), 30, (40, 110, 40), -1)
        else:  # a page of unrelated text
            img = np.full((h, w, 3), 250, np.uint8)
            words = [
                "the",
                "quick",
                "brown",
                "fox",
                "jumps",
                "over",
                "lazy",
                "dog",
                "lorem",
                "ipsum",
                "dolor",
                "sit",
                "amet",
                "harbour",
                "ferry",
                "schedule",
            ]
            for row in range(24):
                line = " ".join(rng.choice(words, 9))
                cv2.putText(
                    img, line, (60, 60 + row * 34), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (20, 20, 20), 2
                )
        p = out / f"nondoc-{i:03d}.png"
        cv2.imwrite(str(p), img)
        paths.append(p)
    return paths


OTHER_KINDS = ["td1_card", "td2_card", "visa_a", "visa_b"]
# The reader's kind for each generated kind (both visa formats are "visa").
OTHER_AS = {"td1_card": "td1_card", "td2_card": "td2_card", "visa_a": "visa", "visa_b": "visa"}


def _other_table(
    folder: Path,
    rows: list[dict[str, Any]],
    results: list[tuple[Document, float, float]],
    failures: list[dict[str, Any]],
) -> None:
    """Per-field accuracy on the other kinds (cards and visas), per kind: not in the figures."""
    ok: dict[tuple[str, str], int] = defaultdict(int)
    n: dict[tuple[str, str], int] = defaultdict(int)
    kind_ok: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row, (doc, _secs, _cpu) in zip(rows, results, strict=True):
        truth = json.loads((folder / row["truth"]).read_text())
        kind = truth["specimen_kind"]
        kind_ok[kind][0] += int(doc.kind.value == OTHER_AS[kind])
        kind_ok[kind][1] += 1
        bad: dict[str, Any] = {}
        for name, spec in truth["fields"].items():
            got = doc.value(name)
            n[(kind, name)] += 1
            ok[(kind, name)] += int(got == spec["value"])
            if got != spec["value"]:
                bad[name] = [got, spec["value"]]
        if bad:
            failures.append({"image": str(folder / row["image"]), "kind": [doc.kind.value, kind],
                             "fields": bad})  # fmt: skip
    names = sorted({name for _, name in n})
    kinds = [k for k in OTHER_KINDS if kind_ok[k][1]]
    print(f"\n## other kinds ({len(rows)} realistic captures; not part of the figures above)\n")
    print("| field | " + " | ".join(kinds) + " |")
    print("|---|" + "---:|" * len(kinds))
    for name in names:
        cells = [f"{ok[(k, name)]}/{n[(k, name)]}" if n[(k, name)] else "-" for k in kinds]
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(
        "| document type | " + " | ".join(f"{kind_ok[k][0]}/{kind_ok[k][1]}" for k in kinds) + " |"
    )


def _within_one(a: str | None, b: str) -> bool:
    return a is not None and Levenshtein.distance(a, b) <= 1


def _run(path: Path, read_mrz: bool = True) -> tuple[Document, float, float]:
    """Read one file; returns the Document, wall seconds and CPU seconds.

    CPU time (this process plus the tesseract children, measured in whichever process reads the
    file) is what one idle core would need; wall time depends on how busy the machine is.
    """
    start = time.perf_counter()
    cpu0 = time.process_time()
    ch0 = os.times()
    doc = read_document(path, read_mrz=read_mrz)
    ch1 = os.times()
    cpu = (
        time.process_time()
        - cpu0
        + (ch1.children_user - ch0.children_user)
        + (ch1.children_system - ch0.children_system)
    )
    return doc, time.perf_counter() - start, cpu


def _run_all(
    paths: list[Path], workers: int, read_mrz: bool
) -> list[tuple[Document, float, float]]:
    """Read every file, in order; ``workers`` > 1 spreads documents over a process pool."""
    if workers <= 1:
        return [_run(p, read_mrz) for p in paths]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(_run, paths, [read_mrz] * len(paths), chunksize=1))


def _dump(dump: Path, image: Path, info: dict[str, Any]) -> None:
    """Copy a failing image next to what was read from it, for looking at failures one by one."""
    dump.mkdir(parents=True, exist_ok=True)
    stem = f"{image.parent.name}-{image.stem}"
    # PNG, so that viewers without a JPEG decoder show it too.
    pixels = cv2.imread(str(image), cv2.IMREAD_COLOR)
    if pixels is None:
        shutil.copyfile(image, dump / f"{stem}{image.suffix}")
    else:
        cv2.imwrite(str(dump / f"{stem}.png"), pixels)
    (dump / f"{stem}.json").write_text(json.dumps(info, indent=1, default=str))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--count", type=int, default=300)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--unusable", type=int, default=100)
    ap.add_argument("--nondocs", type=int, default=30)
    ap.add_argument("--work", type=Path, default=None, help="folder for the generated images")
    ap.add_argument("--failures", type=Path, default=None, help="write failing reads here (JSONL)")
    ap.add_argument("--no-mrz", action="store_true", help="skip the MRZ reader (VIZ only)")
    ap.add_argument(
        "--workers", type=int, default=1, help="documents read in parallel (process pool)"
    )
    ap.add_argument(
        "--dump", type=Path, default=None, help="copy failing images and their readings here"
    )
    ap.add_argument(
        "--other",
        type=int,
        default=0,
        help="also read this many TD1/TD2 cards and MRV-A/B visas (a separate table)",
    )
    args = ap.parse_args(argv)
    read_mrz = not args.no_mrz

    work = args.work or Path(tempfile.mkdtemp(prefix="viz_accuracy-"))
    opts = SpecimenOptions(today=TODAY)
    real_dir, bad_dir, non_dir = work / "realistic", work / "unusable", work / "nondocs"
    t0 = time.perf_counter()
    if not (real_dir / "index.jsonl").exists():
        generate(real_dir, args.count, args.seed, kinds=KINDS, capture="realistic", options=opts)
    if args.unusable and not (bad_dir / "index.jsonl").exists():
        generate(
            bad_dir, args.unusable, args.seed + 500, kinds=KINDS, capture="unusable", options=opts
        )
    other_dir = work / "other"
    if args.other and not (other_dir / "index.jsonl").exists():
        generate(
            other_dir, args.other, args.seed + 900, kinds=OTHER_KINDS, capture="realistic",
            options=opts,
        )  # fmt: skip
    non_dir.mkdir(parents=True, exist_ok=True)
    nondocs = _non_documents(non_dir, args.nondocs, args.seed)
    print(f"generated in {time.perf_counter() - t0:.0f} s into {work}", file=sys.stderr)

    field_ok: dict[str, int] = defaultdict(int)
    field_n: dict[str, int] = defaultdict(int)
    near_ok: dict[str, int] = defaultdict(int)
    kind_ok = 0
    kind_n = 0
    times: list[float] = []
    timeouts = 0
    usable_flagged = 0
    usable_n = 0
    failures: list[dict[str, Any]] = []

    def rows(folder: Path) -> list[dict[str, Any]]:
        if not (folder / "index.jsonl").exists():
            return []
        return [json.loads(line) for line in (folder / "index.jsonl").read_text().splitlines()]

    t_read = time.perf_counter()
    real_rows = rows(real_dir)
    bad_rows = rows(bad_dir)
    other_rows = rows(other_dir) if args.other else []
    results = _run_all(
        [real_dir / r["image"] for r in real_rows]
        + [bad_dir / r["image"] for r in bad_rows]
        + list(nondocs)
        + [other_dir / r["image"] for r in other_rows],
        args.workers,
        read_mrz,
    )
    real_res = results[: len(real_rows)]
    bad_res = results[len(real_rows) : len(real_rows) + len(bad_rows)]
    n_main = len(real_rows) + len(bad_rows) + len(nondocs)
    non_res = results[len(real_rows) + len(bad_rows) : n_main]
    other_res = results[n_main:]
    read_wall = time.perf_counter() - t_read

    cpu_real: list[float] = []
    calls_real: list[float] = []
    for row, (doc, secs, cpu) in zip(real_rows, real_res, strict=True):
        truth = json.loads((real_dir / row["truth"]).read_text())
        cpu_real.append(cpu)
        calls_real.append(doc.quality.metrics.get("ocr_calls", 0.0))
        times.append(secs)
        timeouts += int(doc.quality.metrics.get("ocr_timeouts", 0) > 0)
        kind_n += 1
        kind_ok += int(doc.kind.value == truth["kind"])
        usable_n += 1
        usable_flagged += int(not doc.quality.usable)
        bad: dict[str, Any] = {}
        for name, spec in truth["fields"].items():
            want = spec["value"]
            got = doc.value(name)
            field_n[name] += 1
            field_ok[name] += int(got == want)
            near_ok[name] += int(_within_one(got, want))
            if got != want:
                bad[name] = [got, want]
        if bad or doc.kind.value != truth["kind"] or not doc.quality.usable:
            info = {
                "image": str(real_dir / row["image"]),
                "kind": [doc.kind.value, truth["kind"]],
                "fields": bad,
                "quality": doc.quality.reasons,
                "capture": [c["effect"] for c in truth["capture"]],
            }
            failures.append(info)
            if args.dump:
                raw = {n: doc.fields[n].raw for n in bad if n in doc.fields}
                _dump(args.dump, real_dir / row["image"], {**info, "raw": raw})

    bad_flagged = 0
    bad_n = 0
    by_effect: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row, (doc, _secs, _cpu) in zip(bad_rows, bad_res, strict=True):
        truth = json.loads((bad_dir / row["truth"]).read_text())
        if truth["usable"]:
            usable_n += 1
            usable_flagged += int(not doc.quality.usable)
            continue
        bad_n += 1
        flagged = not doc.quality.usable
        bad_flagged += int(flagged)
        for eff in {c["effect"] for c in truth["capture"]} & {"blur", "glare_key", "cut_corner"}:
            by_effect[eff][0] += int(flagged)
            by_effect[eff][1] += 1
        if not flagged:
            info = {
                "image": str(bad_dir / row["image"]),
                "unflagged": [c["effect"] for c in truth["capture"]],
                "metrics": doc.quality.metrics,
            }
            failures.append(info)
            if args.dump:
                _dump(args.dump, bad_dir / row["image"], info)

    non_ok = 0
    for p, (doc, _secs, _cpu) in zip(nondocs, non_res, strict=True):
        kind_n += 1
        non_ok += int(doc.kind.value == "unknown" and not doc.fields)
        kind_ok += int(doc.kind.value == "unknown")
        if doc.kind.value != "unknown":
            failures.append({"image": str(p), "kind": [doc.kind.value, "unknown"]})

    print(
        f"\n## per-field accuracy on {len(rows(real_dir))} realistic captures (exact after normalisation)\n"
    )
    print("| field | n | exact | within 1 char |")
    print("|---|---:|---:|---:|")
    for name in sorted(field_n):
        n = field_n[name]
        print(f"| {name} | {n} | {field_ok[name] / n:.1%} | {near_ok[name] / n:.1%} |")
    strict_ok = sum(field_ok[f] for f in STRICT if field_n[f])
    strict_n = sum(field_n[f] for f in STRICT if field_n[f])
    print(f"\nNIK + document number + dates: {strict_ok / max(1, strict_n):.1%} of {strict_n}")
    name_n = sum(field_n[f] for f in NAME_FIELDS)
    print(
        f"names exact {sum(field_ok[f] for f in NAME_FIELDS) / max(1, name_n):.1%}, "
        f"within one character {sum(near_ok[f] for f in NAME_FIELDS) / max(1, name_n):.1%} (n={name_n})"
    )
    print(
        f"document type correct: {kind_ok / max(1, kind_n):.1%} of {kind_n} "
        f"(non-documents read as unknown with no fields: {non_ok}/{len(nondocs)})"
    )
    print(
        f"quality gate: flags {bad_flagged}/{bad_n} unusable captures ({bad_flagged / max(1, bad_n):.1%}), "
        f"{usable_flagged}/{usable_n} usable ones ({usable_flagged / max(1, usable_n):.1%})"
    )
    for eff, (f, n) in sorted(by_effect.items()):
        print(f"  unusable with {eff}: flagged {f}/{n}")
    print(
        f"CPU time per document (realistic; this process + tesseract children): median "
        f"{statistics.median(cpu_real):.2f} s, p90 {sorted(cpu_real)[int(0.9 * len(cpu_real))]:.2f} s"
    )
    print(
        f"tesseract calls per document (realistic): mean {statistics.mean(calls_real):.2f}, "
        f"total {sum(calls_real):.0f} (the CPU figure's machine-independent part)"
    )
    print(f"load average at the end of the run: {os.getloadavg()[0]:.1f} (2 cores)")
    print(
        f"reading all {len(results)} images: {read_wall:.0f} s wall with {args.workers} worker(s)"
    )
    print(
        f"wall time per document (realistic, per worker): median {statistics.median(times):.2f} s, "
        f"p90 {sorted(times)[int(0.9 * len(times))]:.2f} s, max {max(times):.2f} s; tesseract timeouts {timeouts}"
    )
    print(
        f"tesseract: lang={OCR_OPTIONS.lang} --oem 1 --psm {OCR_OPTIONS.psm}, one pass on the rectified "
        f"document at {OCR_PX_PER_MM:g} px/mm, OMP_THREAD_LIMIT=1"
    )
    if other_rows:
        _other_table(other_dir, other_rows, other_res, failures)
    if args.failures:
        with args.failures.open("w") as fh:
            for f in failures:
                fh.write(json.dumps(f, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
