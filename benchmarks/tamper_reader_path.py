"""Tamper signals on the production path: field boxes and texts from the visual-zone READER.

``benchmarks/tamper_detection.py`` gives the signals the generator's truth (field boxes and the
printed texts), which isolates the signals from reading errors.  The product has no truth: the
screening reads the document (``read_document``) and hands that reading to
``forensics.analyse``.  The print-size part of the glyph signal re-renders each field's text, so a
misreading can hide a retype or raise a false alarm.  This script measures the inpaint-and-retype
figure the way an officer gets it:

1. every document of the slices below is read with ``read_document`` (one core, tesseract single
   threaded), then ``analyse`` runs on the image with that reading and no hints, exactly as
   ``docscreen.screening`` calls it (``tamper_findings(pixels, document)``);
2. the size-mode glyph threshold is set at 1% false positives on calibration genuine documents
   (slices disjoint from the test split and from the reference-learning slice 60-239); the other
   glyph modes keep the package's own thresholds, as in the package;
3. the test split (genuine and inpaint_retype, ``--test`` each) is judged with that threshold, and
   with the package's shipped threshold for comparison.

Sets come from ``benchmarks/tamper_sets.py`` (the same /tmp cache as tamper_detection.py).  Each
document's result is cached (``reader-*.json``), so a stopped run resumes.

    OMP_THREAD_LIMIT=1 nice -n 5 .venv/bin/python benchmarks/tamper_reader_path.py \\
        --cal-genuine 0:60,240:400 --cal-retype 60 --test 200 --jobs 2
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import numpy as np

from docscreen.documents.read import read_document
from docscreen.forensics import Thresholds, analyse
from docscreen.imaging.load import load_image

CACHE = Path("/tmp/docscreen_tamper_cache")
SIGNALS = ("seam", "glyphs", "copy_move", "photo", "photocopy", "recapture")
NO_THRESHOLD = Thresholds(**{k: 1e9 for k in SIGNALS})


def _by_seed(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.json"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def _score(job: tuple[str, str]) -> dict[str, Any]:
    """Read the document, then analyse it with the reading (cached per document and tag)."""
    path, tag = job
    p = Path(path)
    out_file = CACHE / f"reader{tag}-{p.parent.parent.name}-{p.parent.name}-{p.stem}.json"
    if out_file.exists():
        cached: dict[str, Any] = json.loads(out_file.read_text())
        return cached
    truth = json.loads(p.read_text())
    image = load_image(p.parent / truth["image"])
    cpu0 = time.process_time()
    row: dict[str, Any] = {"id": truth["id"], "kind": truth["kind"]}
    try:
        doc = read_document(image)
    except Exception as exc:  # the benchmark reports a failed reading, it does not stop
        row.update({"error": f"{type(exc).__name__}: {exc}", "scores": {}, "glyphs_mode": None})
        return row
    read_cpu = time.process_time() - cpu0
    cpu1 = time.process_time()
    res = analyse(image.pixels, doc, thresholds=NO_THRESHOLD)
    glyphs = next((s for s in res.signals if s.name == "glyphs"), None)
    row.update(
        {
            "read_as": doc.kind.value,
            "read_cpu": read_cpu,
            "forensics_cpu": time.process_time() - cpu1,
            "usable": res.quality.usable,
            "scores": {
                s.name: (s.score if s.status.value != "not_performed" else None)
                for s in res.signals
            },
            "glyphs_mode": glyphs.details.get("mode") if glyphs is not None else None,
            "glyphs_why": glyphs.reason if glyphs is not None else "",
        }
    )
    out_file.write_text(json.dumps(row))
    return row


def _slices(spec: str) -> list[tuple[int, int]]:
    out = []
    for part in spec.split(","):
        a, b = part.split(":")
        out.append((int(a), int(b)))
    return out


def _paths(split: str, cls: str, ranges: list[tuple[int, int]]) -> list[str]:
    files = _by_seed(CACHE / split / cls)
    out = [str(f) for a, b in ranges for f in files[a:b]]
    want = sum(b - a for a, b in ranges)
    if len(out) < want:
        sys.exit(
            f"tamper_reader_path: {split}/{cls} has {len(files)} documents, the slices need "
            f"{want}: make them with benchmarks/tamper_sets.py first"
        )
    return out


def _mode_threshold(mode: str | None, size_th: float) -> float:
    th = Thresholds()
    if mode == "size":
        return size_th
    if mode == "layout":
        return th.glyphs_anchors
    return th.glyphs_fallback


def _flagged(row: dict[str, Any], size_th: float) -> bool:
    s = row["scores"].get("glyphs")
    return s is not None and s > _mode_threshold(row.get("glyphs_mode"), size_th)


def _threshold(neg: list[float], fp: float) -> float:
    v = sorted(neg)
    if not v:
        return 1e9
    k = min(len(v) - 1, int(np.ceil((1 - fp) * len(v))) - 1)
    return float(v[max(0, k)]) + 1e-6


def _auc(pos: list[float], neg: list[float]) -> float:
    p, n = np.array(pos), np.array(neg)
    if len(p) == 0 or len(n) == 0:
        return float("nan")
    return float((p[:, None] > n[None, :]).mean() + 0.5 * (p[:, None] == n[None, :]).mean())


def _glyph(row: dict[str, Any]) -> float:
    s = row["scores"].get("glyphs")
    return -1e9 if s is None else float(s)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cal-genuine", default="0:60,240:400", help="calibration genuine slices")
    ap.add_argument("--cal-retype", type=int, default=60, help="calibration retypes (shown only)")
    ap.add_argument("--test", type=int, default=200, help="test genuine and retypes, each")
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--fp", type=float, default=0.01)
    ap.add_argument(
        "--tag", default="", help="cache tag: results cached under another tag are not re-used"
    )
    args = ap.parse_args()

    sets = {
        "cal_genuine": _paths("calibration", "genuine", _slices(args.cal_genuine)),
        "cal_retype": _paths("calibration", "inpaint_retype", [(0, args.cal_retype)])
        if args.cal_retype
        else [],
        "test_genuine": _paths("test", "genuine", [(0, args.test)]),
        "test_retype": _paths("test", "inpaint_retype", [(0, args.test)]),
    }
    start = time.time()
    rows: dict[str, list[dict[str, Any]]] = {}
    with ProcessPoolExecutor(max_workers=args.jobs) as pool:
        for name, paths in sets.items():
            rows[name] = []
            jobs = [(p, args.tag) for p in paths]
            for i, row in enumerate(pool.map(_score, jobs, chunksize=2), start=1):
                rows[name].append(row)
                if i % 20 == 0 or i == len(paths):
                    print(
                        f"  {name}: {i}/{len(paths)} ({time.time() - start:.0f} s)",
                        file=sys.stderr,
                        flush=True,
                    )
    size_neg = [_glyph(r) for r in rows["cal_genuine"] if r.get("glyphs_mode") == "size"]
    size_th = _threshold(size_neg, args.fp)
    shipped = Thresholds().glyphs
    print(
        f"tamper_reader_path: field boxes and texts from read_document (the production path); "
        f"wall {time.time() - start:.0f} s, jobs {args.jobs}"
    )
    print(
        f"size-mode glyph threshold at {100 * args.fp:.0f}% FP on {len(size_neg)} size-mode "
        f"calibration genuine (of {len(rows['cal_genuine'])}): {size_th:.3f} "
        f"(shipped, set with truth texts: {shipped:.3f})"
    )
    print("| set | n | glyph modes (size/layout/other/none) | flagged (reader threshold) | "
          "flagged (shipped threshold) |")  # fmt: skip
    print("|---|---|---|---|---|")
    for name, rs in rows.items():
        modes = [r.get("glyphs_mode") for r in rs]
        counts = (
            f"{modes.count('size')}/{modes.count('layout')}/"
            f"{sum(m not in ('size', 'layout', None) for m in modes)}/{modes.count(None)}"
        )
        a = sum(_flagged(r, size_th) for r in rs) / max(1, len(rs))
        b = sum(_flagged(r, shipped) for r in rs) / max(1, len(rs))
        print(f"| {name} | {len(rs)} | {counts} | {100 * a:.1f}% | {100 * b:.1f}% |")
    auc = _auc([_glyph(r) for r in rows["test_retype"]], [_glyph(r) for r in rows["test_genuine"]])
    print(f"test AUC (glyph score, retype vs genuine): {auc:.3f}")
    errors = [r for rs in rows.values() for r in rs if "error" in r]
    for r in errors:
        print(f"  reading failed: {r['id']}: {r['error']}")
    for r in rows["test_retype"]:
        if not _flagged(r, size_th):
            print(
                f"  missed retype {r['id']} read as {r.get('read_as')}: glyphs "
                f"{r['scores'].get('glyphs')} ({r.get('glyphs_mode')}) {r.get('glyphs_why', '')}"
            )
    for r in rows["test_genuine"]:
        if _flagged(r, size_th):
            print(
                f"  genuine flagged {r['id']} read as {r.get('read_as')}: glyphs "
                f"{r['scores'].get('glyphs')} ({r.get('glyphs_mode')}) {r.get('glyphs_why', '')}"
            )
    fcpu = [r["forensics_cpu"] for rs in rows.values() for r in rs if "forensics_cpu" in r]
    if fcpu:
        print(
            f"forensics CPU per document (after reading): median {statistics.median(fcpu):.3f} s, "
            f"p95 {float(np.percentile(fcpu, 95)):.3f} s"
        )


if __name__ == "__main__":
    main()
