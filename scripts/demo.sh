#!/usr/bin/env bash
# The main job on the bundled synthetic samples: screen every sample document and bundle, show reports.
set -uo pipefail
cd "$(dirname "$0")/.."
export OMP_THREAD_LIMIT=1
DS=.venv/bin/docscreen
shopt -s nullglob

echo "== docscreen demo on sample_docs/ (all synthetic, see sample_docs/README.md) =="
singles=(sample_docs/*.jpg sample_docs/*.png)
echo
echo "-- MRZ of every single document (docscreen mrz) --"
$DS mrz "${singles[@]}"
echo
echo "-- Screening each single document (docscreen screen) --"
$DS screen "${singles[@]}"
for b in sample_docs/bundle-*/; do
  echo
  echo "-- Screening traveller bundle $b as one traveller (docscreen screen --as-bundle) --"
  $DS screen --as-bundle "$b"*.jpg "$b"*.png
done
echo
echo "demo: done (exit code 1 from 'screen' only means an ALERT was found, which the forged samples should give)"
