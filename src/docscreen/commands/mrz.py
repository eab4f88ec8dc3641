"""``docscreen mrz IMAGE... [--json]``: find and read the machine-readable zone of each image.

One JSON object per image per line with ``--json`` (``file, found, format, lines, valid, fields,
checks, seconds`` plus ``repairs, box, confidence``); a readable block per image otherwise.  A bad
file gets a one-line error on stderr (and ``{"file", "error"}`` on stdout with ``--json``); the
rest are still read, and the exit code is 2 at the end.
"""

from __future__ import annotations

import argparse
import dataclasses
import time
from typing import Any

from docscreen.commands._perfile import each_file
from docscreen.models import MrzResult


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "mrz", help="read the machine-readable zone (MRZ) of passports, ID cards and visas"
    )
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="image files (JPEG/PNG/TIFF...)")
    parser.add_argument("--json", action="store_true", help="one JSON object per image per line")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from docscreen.imaging.load import load_image
    from docscreen.mrz.read import read_mrz

    def read_one(path: str) -> tuple[dict[str, Any], str]:
        start = time.perf_counter()
        result = read_mrz(load_image(path))
        # Report the whole time spent on this file (decoding included), not just the reading.
        result = dataclasses.replace(result, seconds=time.perf_counter() - start)
        return result.to_dict(path), _table(path, result)

    return each_file(args.images, args.json, read_one)


def _table(path: str, result: MrzResult) -> str:
    if not result.found:
        return f"{path}: no MRZ ({result.reason}) [{result.seconds:.2f} s]\n"
    status = "valid" if result.valid else "INVALID"
    out = [f"{path}: {result.format or 'unknown format'}, {status} [{result.seconds:.2f} s]"]
    out.extend(f"  {line}" for line in result.lines)
    failed = [name for name, state in result.checks.items() if state != "valid"]
    if failed:
        out.append(f"  check digits not valid: {', '.join(failed)}")
    for name, fld in result.fields.items():
        out.append(f"  {name:<16} {fld.value}")
    for rep in result.repairs:
        out.append(
            f"  repaired line {rep.line + 1} col {rep.column + 1}: "
            f"read {rep.read!r}, used {rep.used!r} ({rep.reason})"
        )
    return "\n".join(out) + "\n"
