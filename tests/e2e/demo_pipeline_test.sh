#!/usr/bin/env bash
# Runs the pipeline on the small demo region (seed 7) and checks its outputs; then audits what it
# published — the exports and the vector tiles — (it must pass) and a deliberately leaky copy (it must
# fail, naming the cell).
set -euo pipefail
bin=$1 src=$2 out=$3 python=$4
rm -rf "$out"
"$src/tools/pipeline.sh" "$bin" "$out" small 7 > "$out.log" 2>&1 || { cat "$out.log"; exit 1; }
"$python" "$src/tests/e2e/check_pipeline.py" "$out"

echo "== audit of the demo's published outputs (exports and tiles)"
"$bin" audit "$out/published/csv" "$out/published/gpkg" "$out/tiles" --key-file "$out/hmac.key" \
  --raw-ids "$out/inputs/crossings.csv" > "$out.audit.log" 2>&1 || { cat "$out.audit.log"; exit 1; }
tail -n 2 "$out.audit.log"

echo "== a leaky export: one primary cell published with its true value from the workspace"
leak=$out/leaky
cell=$("$python" "$src/tests/e2e/make_leak.py" "$out/published/csv" "$out/workspace.gpkg" "$leak")
echo "   leaked: $cell"
if "$bin" audit "$leak" > "$out.leak.log" 2>&1; then
  cat "$out.leak.log"; echo "FAIL: the audit passed a leaky export"; exit 1
fi
grep -F "below_threshold" "$out.leak.log" | grep -qF "$cell" \
  || { cat "$out.leak.log"; echo "FAIL: the audit did not name the leaked cell ($cell)"; exit 1; }
echo "PASS: the leak was found and named"
