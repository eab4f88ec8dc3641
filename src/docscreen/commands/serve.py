"""``docscreen serve``: the officer web service (FastAPI on uvicorn), plus its admin actions.

By default it listens on 127.0.0.1:8000 with an embedded SQLite database in the user data folder.
Admin actions run instead of the server and are recorded in the audit log:

    docscreen serve --create-user NAME --role officer|supervisor|auditor|admin [--password-stdin]
    docscreen serve --create-key NAME [--days D]     (prints the key once)
    docscreen serve --revoke-key KEY_ID
    docscreen serve --purge-retention
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from typing import Any

from docscreen.errors import ConfigurationError, InputError

ROLES = ("officer", "supervisor", "auditor", "admin")


def register(subparsers: Any) -> None:
    p = subparsers.add_parser("serve", help="run the officer web service (or manage its users)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--db",
        help="service database URL (users, keys, screenings, audit log); default "
        "DOCSCREEN_SERVICE_DB_URL or a SQLite file in the user data folder",
    )
    p.add_argument(
        "--workers", type=int, help="document-reader processes (DOCSCREEN_SCREEN_WORKERS)"
    )
    admin = p.add_argument_group("admin actions (run instead of the server)")
    admin.add_argument("--create-user", metavar="NAME", help="create a user")
    admin.add_argument("--role", choices=ROLES, help="role of the new user")
    admin.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the new user's password from stdin (else prompt on a terminal, or none: key only)",
    )
    admin.add_argument("--create-key", metavar="NAME", help="issue an API key for a user")
    admin.add_argument("--days", type=float, help="API key lifetime in days (default: no expiry)")
    admin.add_argument("--revoke-key", metavar="KEY_ID", help="revoke an API key by its id")
    admin.add_argument(
        "--purge-retention", action="store_true", help="delete expired retained images now"
    )
    p.set_defaults(handler=_handle)


def _settings(args: argparse.Namespace) -> Any:
    try:
        from service.settings import ServiceSettings
    except ImportError as exc:
        raise ConfigurationError(
            "the service extra is not installed (pip install 'docscreen[service]')"
        ) from exc
    overrides: dict[str, object] = {}
    if args.db:
        overrides["db_url"] = args.db
    if args.workers is not None:
        if not 1 <= args.workers <= 64:
            raise InputError("--workers must be between 1 and 64")
        overrides["workers"] = args.workers
    return ServiceSettings.from_env(**overrides)


def _handle(args: argparse.Namespace) -> int:
    settings = _settings(args)
    if args.create_user or args.create_key or args.revoke_key or args.purge_retention:
        return _admin(args, settings)
    if args.role or args.password_stdin or args.days is not None:
        raise InputError("--role, --password-stdin and --days go with --create-user/--create-key")
    return _run(args, settings)


def _read_password(args: argparse.Namespace) -> str | None:
    if args.password_stdin:
        pw = sys.stdin.readline().rstrip("\n")
        if not pw:
            raise InputError("no password on stdin")
        return pw
    if sys.stdin.isatty():
        pw = getpass.getpass("password (empty: API key only): ")
        if pw and pw != getpass.getpass("again: "):
            raise InputError("the passwords differ")
        return pw or None
    return None


def _admin(args: argparse.Namespace, settings: Any) -> int:
    from service.audit import AuditEvent, AuditLog
    from service.auth import Auth
    from service.db import open_db
    from service.retention import Retention

    engine = open_db(settings.db_url)
    auth = Auth(engine, settings.secret, session_hours=settings.session_hours)
    audit = AuditLog(engine)
    try:
        if args.create_user:
            if not args.role:
                raise InputError("--create-user needs --role")
            user = auth.create_user(args.create_user, args.role, _read_password(args))
            audit.append(
                AuditEvent(
                    action="user.create",
                    actor="cli",
                    result="ok",
                    detail={"target_user": user.name, "target_role": user.role.value},
                )
            )
            print(f"created user {user.name} ({user.role.value})")
        if args.create_key:
            new = auth.create_key(args.create_key, days=args.days)
            audit.append(
                AuditEvent(
                    action="key.create",
                    actor="cli",
                    result="ok",
                    detail={"target_user": args.create_key, "key_id": new.key_id},
                )
            )
            print(new.key)
            print(
                f"key id {new.key_id}; shown once; send it in the X-API-Key header",
                file=sys.stderr,
            )
        if args.revoke_key:
            auth.revoke_key(args.revoke_key)
            audit.append(
                AuditEvent(
                    action="key.revoke",
                    actor="cli",
                    result="ok",
                    detail={"key_id": args.revoke_key},
                )
            )
            print(f"revoked key {args.revoke_key}")
        if args.purge_retention:
            n = Retention(engine, settings.secret, settings.retain_hours, audit).purge(actor="cli")
            print(f"purged {n} retained image(s)")
    finally:
        engine.dispose()
    return 0


def _run(args: argparse.Namespace, settings: Any) -> int:
    import uvicorn

    from service.app import create_app
    from service.observability import configure_json_logging

    if not 1 <= args.port <= 65535:
        raise InputError("--port must be between 1 and 65535")
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    configure_json_logging()
    app = create_app(settings)
    # uvicorn's own access log prints raw paths; the service logs route templates instead.
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        access_log=False,
        log_config=None,
        server_header=False,
        proxy_headers=False,
        timeout_graceful_shutdown=10,
    )
    return 0
