#!/usr/bin/env bash
# The main job on the bundled synthetic samples: screen every sample document and bundle, show reports.
# The documents come from sample_docs/index.jsonl (the generator's list), so the truth files and
# forgery masks that sit beside the images are never screened as if they were documents.
set -uo pipefail
cd "$(dirname "$0")/.."
export OMP_THREAD_LIMIT=1
DS=.venv/bin/docscreen
PY=.venv/bin/python

list() {  # list singles | list bundles | list bundle NAME
  "$PY" - "$@" <<'PYEOF'
import json, sys
what = sys.argv[1]
rows = [json.loads(line) for line in open("sample_docs/index.jsonl", encoding="utf-8")]
if what == "singles":
    print("\n".join("sample_docs/" + r["image"] for r in rows if r["bundle"] is None))
elif what == "bundles":
    print("\n".join(sorted({r["bundle"] for r in rows if r["bundle"]})))
elif what == "bundle":
    print("\n".join("sample_docs/" + r["image"] for r in rows if r["bundle"] == sys.argv[2]))
elif what == "legend":
    for r in rows:
        done = r["forgery"] or (r["bundle_forgery"] and f"bundle: {r['bundle_forgery']}") or "genuine"
        print(f"  {r['image']:<45} {done}")
PYEOF
}

echo "== docscreen demo on sample_docs/ (all synthetic, see sample_docs/README.md) =="
echo "What the generator did to each sample (docscreen does not see this list):"
list legend
mapfile -t singles < <(list singles)
echo
echo "-- MRZ of every single document (docscreen mrz) --"
$DS mrz "${singles[@]}"
echo
echo "-- Screening each single document (docscreen screen) --"
$DS screen "${singles[@]}"
while read -r b; do
  mapfile -t docs < <(list bundle "$b")
  echo
  echo "-- Screening traveller bundle $b as one traveller (docscreen screen --as-bundle) --"
  $DS screen --as-bundle "${docs[@]}"
done < <(list bundles)
echo
echo "demo: done (exit code 1 from 'screen' only means an ALERT was found, which the forged samples should give)"
