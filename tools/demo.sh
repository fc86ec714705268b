#!/usr/bin/env bash
# The main job on a fresh machine: installs what is missing, builds, and runs the demo atlas
# (atlas/demo.yaml: demo region, geographies, linkage, calibration, flows, border, published exports,
# pages, tiles) with `migratlas build` into demo-out/ (or the folder given as first argument).
# Environment: SCALE=small|medium|large (default: the atlas file's, small), SEED=N (default 42).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh

out=${1:-demo-out}
demo_flags=()
[[ -n ${SCALE:-} ]] && demo_flags+=(--demo-scale "$SCALE")
[[ -n ${SEED:-} ]] && demo_flags+=(--demo-seed "$SEED")
build/migratlas build atlas/demo.yaml --out "$out" "${demo_flags[@]}"
cat <<TXT

Done. Outputs in $out/ (docs/user-guide.md, "The whole chain from one file"):
  build-summary.json   every step: rows in, accepted, rejected, duplicates, seconds
  workspace.gpkg       internal products, unsuppressed (open it in QGIS; never publish it)
  internal/            key, events, rejects, duplicates, weights, estimates (internal too)
  published/csv, published/gpkg   what may leave the office, through the disclosure gate, with
                       datapackage.json (check: build/migratlas audit $out/published/csv --key-file $out/internal/hmac.key)
  atlas/               the pages: index.html, atlas.pdf, one PNG per page, classes.json
  tiles/               atlas.pmtiles, atlas.mbtiles, atlas.json (TileJSON) of the published layers
TXT

# The viewer: once the pipeline writes tiles (and published tables, atlas classes), serve them.
# On a terminal the server runs in the foreground (Ctrl+C stops it); otherwise the command is
# printed. SERVE=0 skips this, PORT=N picks the port (default 8080).
tiles=$(ls "$out"/tiles/*.pmtiles "$out"/tiles/*.mbtiles 2>/dev/null | head -n 1 || true)
if [[ -n $tiles && ${SERVE:-1} != 0 ]]; then
  serve=(build/migratlas serve --tiles "$tiles" --port "${PORT:-8080}")
  [[ -f $out/published/csv/datapackage.json ]] && serve+=(--data "$out/published/csv")
  [[ -f $out/atlas/classes.json ]] && serve+=(--classes "$out/atlas/classes.json")
  if [[ -t 1 ]]; then
    echo "== the viewer: open the Viewer URL below in a browser; Ctrl+C stops the server"
    exec "${serve[@]}"
  fi
  echo "To look at the atlas in a browser: ${serve[*]}   (then open http://127.0.0.1:${PORT:-8080}/; Ctrl+C stops it)"
elif [[ ${SERVE:-1} != 0 ]]; then
  echo "The viewer (migratlas serve) needs vector tiles in $out/tiles/, which this pipeline does not write yet; see docs/serving.md"
fi
