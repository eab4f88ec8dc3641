"""The ``docscreen`` command line: one program, verb subcommands.

Each verb lives in ``docscreen/commands/<verb>.py`` with ``register(subparsers)``; the handler it
sets returns an exit code.  Exit codes: 0 ok, 1 screening found an ALERT, 2 bad input or usage,
3 internal error.  User errors print one line naming the file and the problem, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Callable, Sequence

from docscreen.errors import DocscreenError, InputError

EXIT_OK = 0
EXIT_ALERT = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3

# One module per verb, in the order the help lists them.
COMMANDS: tuple[str, ...] = (
    "specimens",
    "batch",
    "cases",
    "screen",
    "mrz",
    "read",
    "serve",
    "audit",
)

Handler = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        sys.stderr.write(f"docscreen: error: {message}\n")
        raise SystemExit(EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="docscreen",
        description="Screen identity and travel documents for signs of forgery.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for name in COMMANDS:
        module = importlib.import_module(f"docscreen.commands.{name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # Tesseract's own threading is slower than one thread per document on small machines.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    handler: Handler = args.handler
    try:
        return handler(args)
    except InputError as exc:
        print(f"docscreen: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DocscreenError as exc:
        print(f"docscreen: error: {exc}", file=sys.stderr)
        return EXIT_INTERNAL
    except KeyboardInterrupt:
        print("docscreen: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: one line for the user, the traceback with -v
        logging.getLogger("docscreen").info("internal error", exc_info=True)
        print(
            f"docscreen: internal error: {type(exc).__name__}: {exc} (run with -v for the traceback)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
