#!/usr/bin/env bash
# Golden test of the small demo pipeline: runs tools/pipeline.sh (the commands tools/demo.sh runs) with
# a fixed seed and a fixed, non-secret test key, gathers its outputs and a canonical dump of every
# workspace table (tools/dump_workspace.py), and compares them byte for byte with
# tests/golden/demo-small/expected/. A missing or different file fails. Goldens change only through
# tools/update-goldens.sh, whose diff is reviewed before it is committed.
# Usage: tests/golden/demo_small.sh MIGRATLAS_BINARY WORK_DIR [--update]
set -euo pipefail
bin=$1 work=$2 mode=${3:-compare}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
case=$here/demo-small
out=$work/run
actual=$work/actual
rm -rf "$work"
mkdir -p "$work"
MIGRATLAS_KEY_FILE=$case/test.key "$repo/tools/pipeline.sh" "$bin" "$out" small 42 > "$work/pipeline.log" 2>&1 \
  || { cat "$work/pipeline.log"; exit 1; }
mkdir -p "$actual/workspace"
for f in events.csv rejects.csv duplicates.csv weights.csv estimates.csv; do
  cp "$out/$f" "$actual/$f"
done
sed "s#$out#\$OUT#g" "$out/geo_check_level3.json" > "$actual/geo_check_level3.json"
# Demo determinism across processes and machines: the generated inputs' checksums are part of the golden.
(cd "$out/inputs" && sha256sum $(ls | sort)) > "$actual/inputs.sha256"
python3 "$repo/tools/dump_workspace.py" "$out/workspace.gpkg" "$actual/workspace" --replace "$out=\$OUT" > /dev/null
# The thread count defaults to the machine's cores: the only run_log value that depends on the machine.
sed -i '/\tparameter\t\tthreads\t/d' "$actual/workspace/run_log.txt"

if [[ $mode == --update ]]; then
  rm -rf "$case/expected"
  cp -r "$actual" "$case/expected"
  echo "goldens rewritten in $case/expected; review with: git diff --stat -- tests/golden && git diff -- tests/golden"
  exit 0
fi
[[ -d $case/expected ]] || { echo "golden: $case/expected is missing (run tools/update-goldens.sh and review)"; exit 1; }
if ! diff -r "$case/expected" "$actual" > "$work/golden.diff"; then
  echo "golden: outputs differ from $case/expected (full diff: $work/golden.diff):"
  head -n 60 "$work/golden.diff"
  exit 1
fi
echo "golden: $(find "$case/expected" -type f | wc -l) files identical"
