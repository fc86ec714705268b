#!/usr/bin/env bash
# Runs the pipeline on the small demo region (seed 7) and checks its outputs.
set -euo pipefail
bin=$1 src=$2 out=$3 python=$4
rm -rf "$out"
"$src/tools/pipeline.sh" "$bin" "$out" small 7 > "$out.log" 2>&1 || { cat "$out.log"; exit 1; }
"$python" "$src/tests/e2e/check_pipeline.py" "$out"
