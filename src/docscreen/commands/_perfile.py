"""The per-file loop shared by the verbs that read images one by one (``mrz``, ``read``).

Each file is read on its own: a bad file gets a one-line error on stderr (and ``{"file", "error"}``
on stdout with ``--json``), the others are still read, and the exit code is 2 at the end.  Output is
flushed per file so a long list shows progress as it goes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from docscreen.errors import InputError, OcrError

EXIT_OK = 0
EXIT_BAD_INPUT = 2

#: Reads one file; returns its JSON object and its human-readable block.
Reader = Callable[[str], tuple[dict[str, Any], str]]


def each_file(paths: Sequence[str], as_json: bool, read: Reader) -> int:
    bad = False
    for path in paths:
        try:
            obj, text = read(path)
        except (InputError, OcrError) as exc:
            bad = True
            print(f"docscreen: error: {exc}", file=sys.stderr, flush=True)
            if as_json:
                print(json.dumps({"file": path, "error": str(exc)}), flush=True)
            continue
        if as_json:
            print(json.dumps(obj, ensure_ascii=False), flush=True)
        else:
            print(text, flush=True)
    return EXIT_BAD_INPUT if bad else EXIT_OK
