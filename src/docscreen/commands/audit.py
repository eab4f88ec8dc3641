"""``docscreen audit verify|show``: check and read the service's hash-chained audit log.

``verify`` walks the whole chain and exits 1 when any entry was edited, deleted or reordered (or
cut off the end), printing each break; it never writes to the database.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from sqlalchemy import Engine, inspect

from docscreen.errors import ConfigurationError, InputError


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("audit", help="verify or read the service audit log")
    verbs = p.add_subparsers(dest="audit_command", metavar="ACTION")
    verbs.required = True
    v = verbs.add_parser("verify", help="check the hash chain; exit 1 if it is broken")
    v.add_argument(
        "--db",
        help="service database URL (default: DOCSCREEN_SERVICE_DB_URL or the user data folder)",
    )
    v.add_argument("--json", action="store_true", help="print the result as JSON")
    v.add_argument(
        "--expect-head",
        metavar="HASH",
        help="also require this newest-entry hash (recorded elsewhere earlier)",
    )
    v.set_defaults(handler=_verify)
    s = verbs.add_parser("show", help="print entries as JSON lines")
    s.add_argument("--db", help="service database URL")
    s.add_argument("--after", type=int, default=0, help="only entries after this sequence number")
    s.add_argument("--limit", type=int, default=100)
    s.set_defaults(handler=_show)


def _engine(url: str | None) -> Engine:
    try:
        from service import db
        from service.settings import service_db_url
    except ImportError as exc:
        raise ConfigurationError(
            "the service extra is not installed (pip install docscreen[service])"
        ) from exc
    engine = db.make_engine(url or service_db_url())
    try:
        tables = set(inspect(engine).get_table_names())
    except Exception as exc:
        raise InputError(f"cannot open the database ({type(exc).__name__})") from exc
    if not {db.audit_log.name, db.audit_head.name} <= tables:
        raise InputError("that database has no docscreen audit log")
    return engine


def _verify(args: argparse.Namespace) -> int:
    from service.audit import verify_chain

    engine = _engine(args.db)
    result = verify_chain(engine)
    problems = list(result.problems)
    if args.expect_head and args.expect_head != result.head_hash:
        problems.append("the newest entry's hash is not the expected one")
    ok = not problems
    if args.json:
        print(json.dumps({**result.to_dict(), "ok": ok, "problems": problems}))
    else:
        state = "OK" if ok else "BROKEN"
        print(
            f"audit log {state}: {result.entries} entries, head {result.head_seq} {result.head_hash}"
        )
        for p in problems:
            print(f"  {p}")
    engine.dispose()
    return 0 if ok else 1


def _show(args: argparse.Namespace) -> int:
    from service.audit import AuditLog

    engine = _engine(args.db)
    for entry in AuditLog(engine).entries(after=args.after, limit=max(1, min(args.limit, 100_000))):
        print(json.dumps(entry.to_dict()))
    engine.dispose()
    return 0
