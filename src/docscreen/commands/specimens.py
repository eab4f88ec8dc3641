"""``docscreen specimens generate``: synthetic documents with ground truth (for tests/benchmarks)."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from docscreen import settings
from docscreen.errors import InputError


def _csv(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "specimens", help="generate synthetic documents with ground truth (fictional people)"
    )
    sub = parser.add_subparsers(dest="specimens_command", metavar="ACTION")
    sub.required = True
    gen = sub.add_parser("generate", help="write images + truth JSON to a folder")
    gen.add_argument("--out", required=True, type=Path, help="output folder (created)")
    gen.add_argument("--count", type=int, default=10, help="number of specimens (a bundle is one)")
    gen.add_argument("--seed", type=int, default=0, help="seed; same seed, same bytes")
    gen.add_argument(
        "--kinds",
        type=_csv,
        help="comma list: idn_passport,idn_ktp,td1_card,td2_card,visa_a,visa_b,bundle",
    )
    gen.add_argument("--forgeries", type=_csv, help="comma list of forgery operators, or 'all'")
    gen.add_argument("--forgery-rate", type=float, default=0.5, help="share of forged items (0..1)")
    gen.add_argument(
        "--capture",
        default="none",
        help="none | realistic | unusable | effect[:strength|=value],...",
    )
    gen.add_argument(
        "--names-dir",
        type=Path,
        help=f"extra Indonesian name lists (default ${settings.NAMES_DIR.env})",
    )
    gen.add_argument("--today", help="reference date YYYY-MM-DD for validity (default: today)")
    gen.set_defaults(handler=_generate)
    lst = sub.add_parser("list", help="print the kinds, forgery operators and capture effects")
    lst.set_defaults(handler=_list)


def _list(args: argparse.Namespace) -> int:
    from docscreen.specimens import BUNDLE_OPERATORS, EFFECTS, KINDS, OPERATORS, PRESETS

    print("kinds:", ", ".join((*KINDS, "bundle")))
    print("forgeries:", ", ".join(OPERATORS))
    print("bundle forgeries:", ", ".join(BUNDLE_OPERATORS))
    print("capture presets:", ", ".join(PRESETS))
    print("capture effects:", ", ".join(EFFECTS))
    return 0


def _generate(args: argparse.Namespace) -> int:
    from docscreen.specimens import BUNDLE_OPERATORS, OPERATORS, SpecimenOptions, generate

    today: dt.date | None = None
    if args.today:
        try:
            today = dt.date.fromisoformat(args.today)
        except ValueError as exc:
            raise InputError(f"--today {args.today!r} is not a YYYY-MM-DD date") from exc
    forgeries = args.forgeries
    if forgeries == ["all"]:
        forgeries = [*OPERATORS, *BUNDLE_OPERATORS]
    names_dir = args.names_dir or settings.NAMES_DIR.get()
    if names_dir is not None and not names_dir.is_dir():
        raise InputError(f"{names_dir}: --names-dir is not a folder")
    if args.count < 1:
        raise InputError(f"--count must be at least 1, got {args.count}")
    paths = generate(
        args.out,
        args.count,
        args.seed,
        kinds=args.kinds,
        forgeries=forgeries,
        capture=args.capture,
        options=SpecimenOptions(today=today, names_dir=names_dir),
        forgery_rate=args.forgery_rate,
    )
    print(f"wrote {len(paths)} documents to {args.out}", file=sys.stderr)
    return 0
