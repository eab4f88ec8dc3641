"""Entry point of a sandbox worker process: ``python -m docscreen.batch.worker RFD WFD [PPID]``.

Kept apart from :mod:`docscreen.batch.sandbox` (which the package imports) so ``-m`` runs a module
that is not already imported.
"""

from __future__ import annotations

import sys

from docscreen.batch.sandbox import serve

if __name__ == "__main__":
    parent = int(sys.argv[3]) if len(sys.argv) > 3 else None
    sys.exit(serve(int(sys.argv[1]), int(sys.argv[2]), parent))
