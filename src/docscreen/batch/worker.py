"""Entry point of a sandbox worker process: ``python -m docscreen.batch.worker RFD WFD``.

Kept apart from :mod:`docscreen.batch.sandbox` (which the package imports) so ``-m`` runs a module
that is not already imported.
"""

from __future__ import annotations

import sys

from docscreen.batch.sandbox import serve

if __name__ == "__main__":
    sys.exit(serve(int(sys.argv[1]), int(sys.argv[2])))
