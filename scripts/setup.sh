#!/usr/bin/env bash
# Idempotent set-up on a Debian machine with Python 3.11 and root (or sudo):
# system packages, then .venv with the package and all its extras.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-ind   # OCR engine and language models
  fonts-ocr-b                                          # OCR-B, the MRZ font (specimens, training)
  fonts-dejavu-core fonts-liberation2                  # fonts for the specimen generator
  libgl1 libglib2.0-0                                  # OpenCV runtime libraries
  chromium chromium-driver                             # headless browser test of the officer page
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

PY="${PYTHON:-python3.11}"
command -v "$PY" >/dev/null || PY=python3
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
# Re-install only when the project metadata changed since the last successful install.
stamp=.venv/.docscreen-installed
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
  echo "setup: installing docscreen with extras into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[service,dask,postgres,dev]"
  touch "$stamp"
fi
echo "setup: ready ($(.venv/bin/python --version), $(tesseract --version 2>&1 | head -1))"
