#!/usr/bin/env bash
# Benchmark of `migratlas audit` alone (issue 9 goal: audit the protected flows of the demo `large`
# region in < 30 s on 2 cores). Protecting takes longer than attacking, so the protected table is made
# once and kept: with EXPORT=dir (an export folder written by an earlier run, see KEEP) only the audit
# runs, which is what you re-run while working on src/disclose/attack.cpp.
# Preparation (as tools/bench_disclose.sh (b)): the workspace is copied (never modified), `migratlas
# flows --level 3 --by sex,age_group,nationality` runs on the copy, the flows are summed into arrivals
# by destination unit x sex x age group x nationality per flow type with every margin and protected
# (bench_disclose --protect-only), and written as an export folder (CSV + datapackage.json).
# Prints wall and CPU (user + sys) time, the audit's LP solve count and the load average.
# Usage: WORKSPACE=W [KEEP=dir] tools/bench_audit.sh [BUILD_DIR]   or   EXPORT=dir tools/bench_audit.sh [BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
# shellcheck source=tools/bench_disclose_common.sh
source "$here/bench_disclose_common.sh" bench-audit
export_dir="${EXPORT:-}"
if [[ -z "$export_dir" ]]; then
  : "${WORKSPACE:?set WORKSPACE=path/to/workspace.gpkg (demo large) or EXPORT=an export folder}"
  cp "$WORKSPACE" "$work/workspace.gpkg"
  "$build/migratlas" flows --workspace "$work/workspace.gpkg" --level 3 --by sex,age_group,nationality \
    > "$work/flows.txt" 2>&1 || { tail -n 20 "$work/flows.txt"; exit 1; }
  ogr2ogr -f CSV "$work/flows.csv" "$work/workspace.gpkg" -sql "SELECT flow_type, destination, sex, age_group, nationality, persons FROM flows"
  ogr2ogr -f CSV "$work/units.csv" "$work/workspace.gpkg" -sql "SELECT code, parent_code FROM units"
  rm "$work/workspace.gpkg"
  export_dir="${KEEP:-$work/export}"
  timed "protect" "$build/bench_disclose" --protect-only --flows-csv "$work/flows.csv" --units-csv "$work/units.csv" \
    --out "$export_dir" | grep -E '^(cells|protect):'
fi
echo "== migratlas audit $export_dir ($(du -h "$export_dir/bench_flows.csv" | cut -f1) CSV)"
timed "audit" "$build/migratlas" audit "$export_dir" > "$work/audit.txt" 2>&1 || true
tail -n 3 "$work/audit.txt"
echo "load: $(uptime | sed 's/.*load average/load average/')"
