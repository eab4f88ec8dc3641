"""Write many specimens to a folder: images, truth JSON, masks and an index."""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docscreen.errors import InputError
from docscreen.specimens.capture import CaptureSpec, parse_capture
from docscreen.specimens.forgery import BUNDLE_OPERATORS, OPERATORS, applicable
from docscreen.specimens.kinds import KINDS
from docscreen.specimens.specimen import Specimen, SpecimenOptions, make_bundle, make_specimen

BUNDLE = "bundle"
MAX_COUNT = 100_000
# Item seeds are seed * SEED_STRIDE + index, so specimen ids are readable and stable.
SEED_STRIDE = 100_000


def _check_choice(
    values: Sequence[str] | None, allowed: Sequence[str], what: str
) -> list[str] | None:
    if values is None:
        return None
    out = [v.strip() for v in values if v.strip()]
    bad = [v for v in out if v not in allowed]
    if bad or not out:
        raise InputError(
            f"unknown {what} {', '.join(bad) or '(empty)'}; choose from {', '.join(allowed)}"
        )
    return out


def write_specimen(spec: Specimen, folder: Path) -> Path:
    """Write image, truth JSON (and mask) of one specimen; returns the truth path."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / spec.truth["image"]).write_bytes(spec.data)
    mask = spec.mask_png()
    if mask is not None and spec.truth["forgery"] is not None:
        (folder / spec.truth["forgery"]["mask"]).write_bytes(mask)
    path = folder / f"{spec.id}.json"
    path.write_text(
        json.dumps(spec.truth, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    return path


def _ensure_writable(out_dir: Path) -> None:
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        probe = out_dir / ".docscreen-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise InputError(f"{out_dir}: cannot write there ({exc.strerror or exc})") from exc


def generate(
    out_dir: str | Path,
    count: int,
    seed: int,
    kinds: Sequence[str] | None = None,
    forgeries: Sequence[str] | None = None,
    capture: CaptureSpec | str | None = None,
    *,
    options: SpecimenOptions | None = None,
    forgery_rate: float = 0.5,
) -> list[Path]:
    """Generate ``count`` specimens (a bundle counts as one) into ``out_dir``.

    ``kinds`` cycles in order (default: every kind); ``forgeries`` lists the operators to draw from
    (default: all genuine); each item is forged with probability ``forgery_rate``, the operators
    that apply to its kind taking turns.  Bundles go to sub-folders ``bundle-<seed>[-<op>]/``.
    Writes ``index.jsonl`` (one line per document) and returns the truth JSON paths.
    """
    if count < 1 or count > MAX_COUNT:
        raise InputError(f"count must be 1..{MAX_COUNT}, got {count}")
    if not 0.0 <= forgery_rate <= 1.0:
        raise InputError(f"forgery rate must be 0..1, got {forgery_rate}")
    kind_list = _check_choice(kinds, (*KINDS, BUNDLE), "kind") or list(KINDS)
    ops = _check_choice(forgeries, (*OPERATORS, *BUNDLE_OPERATORS), "forgery")
    spec = parse_capture(capture)
    out = Path(out_dir)
    _ensure_writable(out)
    opts = options or SpecimenOptions()
    paths: list[Path] = []
    index: list[dict[str, Any]] = []
    turns: dict[str, int] = {}
    for i in range(count):
        item_seed = seed * SEED_STRIDE + i
        kind = kind_list[i % len(kind_list)]
        pick = random.Random(f"docscreen-generate/{item_seed}")
        op: str | None = None
        if ops and pick.random() < forgery_rate:
            # Operators take turns per kind, so every requested operator is represented.
            usable_ops = [o for o in ops if applicable(o, kind)]
            if usable_ops:
                start = random.Random(f"docscreen-generate/{seed}/{kind}").randrange(
                    len(usable_ops)
                )
                turn = turns.setdefault(kind, start)
                op = usable_ops[turn % len(usable_ops)]
                turns[kind] = turn + 1
        if kind == BUNDLE:
            docs = make_bundle(item_seed, op, spec, options=opts)
            folder = out / str(docs[0].truth["bundle"])
        else:
            docs = [make_specimen(item_seed, kind, op, spec, options=opts)]
            folder = out
        for doc in docs:
            path = write_specimen(doc, folder)
            paths.append(path)
            index.append(
                {
                    "id": doc.id,
                    "truth": str(path.relative_to(out)),
                    "image": str((folder / doc.truth["image"]).relative_to(out)),
                    "kind": doc.truth["kind"],
                    "bundle": doc.truth["bundle"],
                    "forgery": (doc.truth["forgery"] or {}).get("operator"),
                    "bundle_forgery": (doc.truth.get("bundle_forgery") or {}).get("operator"),
                    "usable": doc.truth["usable"],
                }
            )
    with (out / "index.jsonl").open("w", encoding="utf-8") as fh:
        for row in index:
            fh.write(json.dumps(row, sort_keys=True) + "\n")
    return paths
