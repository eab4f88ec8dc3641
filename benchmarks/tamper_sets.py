"""Generate (and cache under /tmp) the specimen sets used by ``tamper_detection.py``.

Classes: ``genuine`` (realistic capture), ``inpaint_retype``, ``copy_move``, ``photo_swap`` (same
seeds and the same realistic capture chain as the genuine set), ``photocopy`` and ``recapture``
(genuine documents through the realistic chain with a greyscale photocopy or a screen moire forced
in).  Splits use disjoint seed ranges: ``calibration`` (thresholds) and ``test`` (figures).

    .venv/bin/python benchmarks/tamper_sets.py --split test --count 200

``--copy-move-evidence N`` measures, on the calibration seeds, what the copy-move operator leaves
on the page BEFORE the capture chain: the pasted cells (outside the new glyph's ink) against the
security print a genuine rendering would show there, per layout.
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


# The security print each generator layout is printed on (the arguments ``specimens.kinds``
# passes to ``security_background``; the genuine-vs-blank column of the evidence table is 0.0
# only while these match).
_BLANK_ARGS: dict[str, tuple[tuple[int, int, int], tuple[int, int, int], int]] = {
    "idn_passport": ((236, 232, 218), (196, 150, 170), 0),
    "idn_ktp": ((196, 224, 240), (140, 186, 214), 1),
    "td1_card": ((226, 236, 214), (150, 190, 150), 3),
    "td2_card": ((226, 236, 214), (150, 190, 150), 3),
    "visa_a": ((232, 222, 240), (176, 150, 200), 2),
    "visa_b": ((232, 222, 240), (176, 150, 200), 2),
}


def copy_move_evidence(count: int) -> None:
    """Per layout: how far the copy-move operator's pasted cells are from the blank, pre-capture."""
    import cv2
    import numpy as np

    from docscreen.specimens.forgery import apply_forgery
    from docscreen.specimens.render import security_background, to_bgr
    from docscreen.specimens.specimen import _rng, render_kind

    opts = SpecimenOptions(today=TODAY)
    k3 = np.ones((3, 3), np.uint8)
    rows: dict[str, list[dict[str, float]]] = {}
    for i in range(count):
        seed = SPLIT_BASE["calibration"] + i
        kind = KINDS[i % len(KINDS)]
        r = render_kind(seed, kind, opts)
        try:
            res = apply_forgery(
                "copy_move",
                r,
                _rng(seed, "forgery/copy_move"),
                seed=seed,
                options_today=opts.reference_date(),
            )
        except Exception:  # no source glyph on this page (the set builder skips it too)
            continue
        blank = cv2.cvtColor(
            to_bgr(security_background(r.image.size, *_BLANK_ARGS[kind])), cv2.COLOR_BGR2GRAY
        ).astype(np.float32)
        genuine = cv2.cvtColor(to_bgr(r.image), cv2.COLOR_BGR2GRAY).astype(np.float32)
        forged = cv2.cvtColor(res.image, cv2.COLOR_BGR2GRAY).astype(np.float32)
        cells = res.mask > 0
        # Background of a cell: not the (new / old) glyph's ink, nor its anti-aliased rim.
        new_ink = cv2.dilate(((blank - forged) > 25).astype(np.uint8), k3) > 0
        old_ink = cv2.dilate(((blank - genuine) > 25).astype(np.uint8), k3) > 0
        d = np.abs(forged - blank)[cells & ~new_ink]
        dg = np.abs(genuine - blank)[cells & ~old_ink]
        rows.setdefault(kind, []).append(
            {
                "px": float(d.size),
                "mean": float(d.mean()) if d.size else 0.0,
                "p90": float(np.percentile(d, 90)) if d.size else 0.0,
                "genuine": float(dg.mean()) if dg.size else 0.0,
            }
        )
    print(
        "| layout | forgeries | background px per forgery (median) | mean abs(forged - blank)"
        " (median, p10) | p90 (median) | genuine cells vs blank (mean) | no evidence"
        " (p90 <= 3 grey levels or < 5 px) |"
    )
    print("|---|---|---|---|---|---|---|")
    total = none = 0
    for kind, rs in rows.items():
        means = sorted(r["mean"] for r in rs)
        bad = sum(1 for r in rs if r["px"] < 5 or r["p90"] <= 3)
        total += len(rs)
        none += bad
        print(
            f"| {kind} | {len(rs)} | {np.median([r['px'] for r in rs]):.0f} | "
            f"{np.median(means):.1f}, {means[len(means) // 10]:.1f} | "
            f"{np.median([r['p90'] for r in rs]):.1f} | "
            f"{np.mean([r['genuine'] for r in rs]):.2f} | {bad} ({bad / len(rs):.1%}) |"
        )
    print(f"no evidence: {none} of {total} ({none / max(1, total):.1%})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", choices=tuple(SPLIT_BASE))
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--classes", default=",".join(CLASSES))
    ap.add_argument("--copy-move-evidence", type=int, default=0, metavar="N")
    a = ap.parse_args()
    if a.copy_move_evidence:
        copy_move_evidence(a.copy_move_evidence)
        return
    if a.split is None:
        ap.error("--split is required")
    build(a.split, a.count, tuple(a.classes.split(",")))


if __name__ == "__main__":
    main()
