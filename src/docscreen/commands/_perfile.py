"""The per-file loop shared by the verbs that read images one by one (``mrz``, ``read``).

Each file is read on its own: a bad file gets a one-line error on stderr (and ``{"file", "error"}``
on stdout with ``--json``), the others are still read, and the exit code is 2 at the end.  A fault
inside docscreen on one file (a bug an odd image runs into) is reported the same way as an internal
error (its traceback with ``-v``), and the exit code is 3 at the end.  Output is flushed per file
so a long list shows progress as it goes.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

from docscreen.errors import InputError, OcrError

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3

log = logging.getLogger(__name__)

#: Reads one file; returns its JSON object and its human-readable block.
Reader = Callable[[str], tuple[dict[str, Any], str]]


def each_file(paths: Sequence[str], as_json: bool, read: Reader) -> int:
    bad = False
    internal = False
    for path in paths:
        try:
            obj, text = read(path)
        except (InputError, OcrError) as exc:
            bad = True
            _report(path, str(exc), as_json)
            continue
        except Exception as exc:  # a fault on one file must not lose the rest of the list
            internal = True
            log.info("internal error reading %s", path, exc_info=True)  # shown with -v
            message = f"{path}: internal error ({type(exc).__name__}: {exc}); run with -v for the traceback"
            _report(path, message, as_json, internal=True)
            continue
        if as_json:
            print(json.dumps(obj, ensure_ascii=False), flush=True)
        else:
            print(text, flush=True)
    if internal:
        return EXIT_INTERNAL
    return EXIT_BAD_INPUT if bad else EXIT_OK


def _report(path: str, message: str, as_json: bool, *, internal: bool = False) -> None:
    print(f"docscreen: error: {message}", file=sys.stderr, flush=True)
    if as_json:
        obj: dict[str, Any] = {"file": path, "error": message}
        if internal:
            obj["internal"] = True
        print(json.dumps(obj), flush=True)
