"""Generate (and cache under /tmp) the specimen sets used by ``tamper_detection.py``.

Classes: ``genuine`` (realistic capture), ``inpaint_retype``, ``copy_move``, ``photo_swap`` (same
seeds and the same realistic capture chain as the genuine set), ``photocopy`` and ``recapture``
(genuine documents through the realistic chain with a greyscale photocopy or a screen moire forced
in).  Splits use disjoint seed ranges: ``calibration`` (thresholds) and ``test`` (figures).

    .venv/bin/python benchmarks/tamper_sets.py --split test --count 200
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from pathlib import Path

from docscreen.specimens import KINDS, CaptureStep, SpecimenOptions, make_specimen
from docscreen.specimens.capture import realistic_steps

CACHE = Path("/tmp/docscreen_tamper_cache")
SPLIT_BASE = {"calibration": 7_100_000, "test": 7_300_000}
CLASSES = ("genuine", "inpaint_retype", "copy_move", "photo_swap", "photocopy", "recapture")
TODAY = dt.date(2026, 6, 1)


def forced_capture(seed: int, effect: str) -> list[CaptureStep]:
    """The realistic chain of this seed with ``effect`` forced in (and the other one left out)."""
    rng = random.Random(f"tamper-bench/{seed}/{effect}")
    steps = [s for s in realistic_steps(rng) if s.effect not in ("photocopy", "moire")]
    at = next(i for i, s in enumerate(steps) if s.effect == "low_res")
    strength = rng.uniform(0.1, 0.5) if effect == "photocopy" else rng.uniform(0.1, 0.4)
    steps.insert(at, CaptureStep(effect, strength))
    return steps


def build(split: str, count: int, classes: tuple[str, ...] = CLASSES) -> None:
    opts = SpecimenOptions(today=TODAY)
    for cls in classes:
        out = CACHE / split / cls
        out.mkdir(parents=True, exist_ok=True)
        for i in range(count):
            seed = SPLIT_BASE[split] + i
            kind = KINDS[i % len(KINDS)]
            if (out / f"{kind}-{seed}.json").exists():
                continue
            forgery = cls if cls in ("inpaint_retype", "copy_move", "photo_swap") else None
            capture: object = "realistic"
            if cls == "photocopy":
                capture = forced_capture(seed, "photocopy")
            elif cls == "recapture":
                capture = forced_capture(seed, "moire")
            try:
                spec = make_specimen(seed, kind, forgery, capture, options=opts)  # type: ignore[arg-type]
            except Exception as exc:  # an operator with no source glyph on this page: skip it
                print(f"skip {cls} {kind}-{seed}: {exc}", file=sys.stderr)
                continue
            (out / f"{spec.id}.{spec.ext}").write_bytes(spec.data)
            truth = dict(spec.truth)
            truth["image"] = f"{spec.id}.{spec.ext}"
            (out / f"{spec.id}.json").write_text(json.dumps(truth))
        print(f"{split}/{cls}: done", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=tuple(SPLIT_BASE), required=True)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--classes", default=",".join(CLASSES))
    a = ap.parse_args()
    build(a.split, a.count, tuple(a.classes.split(",")))


if __name__ == "__main__":
    main()
