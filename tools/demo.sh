#!/usr/bin/env bash
# The main job on a fresh machine: installs what is missing, builds, generates the demo region and runs
# the whole pipeline that exists so far into demo-out/ (or the folder given as first argument).
# Environment: SCALE=small|medium|large (default small), SEED=N (default 42).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh

tools/pipeline.sh build/migratlas "${1:-demo-out}" "${SCALE:-small}" "${SEED:-42}"

# The viewer: once the pipeline writes tiles (and published tables, atlas classes), serve them.
# On a terminal the server runs in the foreground (Ctrl+C stops it); otherwise the command is
# printed. SERVE=0 skips this, PORT=N picks the port (default 8080).
out=${1:-demo-out}
tiles=$(ls "$out"/tiles/*.pmtiles "$out"/tiles/*.mbtiles 2>/dev/null | head -n 1 || true)
if [[ -n $tiles && ${SERVE:-1} != 0 ]]; then
  serve=(build/migratlas serve --tiles "$tiles" --port "${PORT:-8080}")
  [[ -f $out/published/datapackage.json ]] && serve+=(--data "$out/published")
  [[ -f $out/atlas/classes.json ]] && serve+=(--classes "$out/atlas/classes.json")
  if [[ -t 1 ]]; then
    echo "== the viewer: open the Viewer URL below in a browser; Ctrl+C stops the server"
    exec "${serve[@]}"
  fi
  echo "To look at the atlas in a browser: ${serve[*]}   (then open http://127.0.0.1:${PORT:-8080}/; Ctrl+C stops it)"
elif [[ ${SERVE:-1} != 0 ]]; then
  echo "The viewer (migratlas serve) needs vector tiles in $out/tiles/, which this pipeline does not write yet; see docs/serving.md"
fi
