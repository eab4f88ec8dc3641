#!/usr/bin/env bash
# Creates benchmarks/.venv-peers (gitignored) with the peer MRZ readers from PyPI, kept apart from
# docscreen's own venv so their pinned dependencies cannot disturb ours.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
venv="$here/.venv-peers"
python3 -m venv "$venv" 2>/dev/null || /work/main/.venv/bin/python -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
for pkg in PassportEye fastmrz readmrz; do
    if "$venv/bin/pip" install --quiet "$pkg"; then
        echo "installed $pkg"
    else
        echo "could not install $pkg from PyPI" >&2
    fi
done
"$venv/bin/pip" freeze | grep -iE 'passporteye|fastmrz|readmrz|opencv|tesser' || true
