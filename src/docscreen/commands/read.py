"""``docscreen read IMAGE... [--json]``: document type, printed fields and capture quality.

With ``--json`` one Document per line: ``{"file", "kind", "fields": {name: {"value", "raw",
"confidence", "box"}}, "quality": {...}, ...}``; a readable block per image otherwise.  A bad file
gets a one-line error on stderr (and ``{"file", "error"}`` on stdout with ``--json``); the rest are
still read, and the exit code is 2 at the end.
"""

from __future__ import annotations

import argparse
from typing import Any

from docscreen.commands._perfile import each_file
from docscreen.models import Document


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "read", help="read a document's type, printed fields and capture quality"
    )
    parser.add_argument("images", nargs="+", metavar="IMAGE", help="image files (JPEG/PNG/TIFF...)")
    parser.add_argument("--json", action="store_true", help="one JSON Document per image per line")
    parser.add_argument(
        "--no-mrz", action="store_true", help="skip the MRZ reader (printed fields only)"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from docscreen.documents.read import read_document
    from docscreen.imaging.load import load_image

    def read_one(path: str) -> tuple[dict[str, Any], str]:
        doc = read_document(load_image(path), name=path, read_mrz=not args.no_mrz)
        return doc.to_dict(), _table(doc)

    return each_file(args.images, args.json, read_one)


def _table(doc: Document) -> str:
    q = doc.quality
    head = f"{doc.file}: {doc.kind.value}"
    if doc.reason:
        head += f" ({doc.reason})"
    out = [head, f"  quality: {'usable' if q.usable else 'NOT usable'}"]
    out.extend(f"    {r}" for r in q.reasons)
    for name, f in doc.fields.items():
        value = f.value if f.value is not None else f"(unreadable: {f.raw!r})"
        out.append(f"  {name:<20} {value}  [{f.confidence:.2f}]")
    return "\n".join(out) + "\n"
