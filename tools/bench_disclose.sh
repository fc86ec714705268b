#!/usr/bin/env bash
# Benchmark of the disclosure gate and the audit on the flows of a region: level-3 unit (under level 2
# and the country) x sex x age group x nationality, with every margin. Prints cells, primary and
# secondary suppressions, persons hidden and seconds (wall and CPU) for protection (the gate's
# complementary suppression), the audit's LP attack in process, and `migratlas audit` end to end.
# Goals (issue 9, demo `large`): protect < 10 s, audit < 30 s on 2 cores.
#
# Two modes:
# - WORKSPACE=path/to/workspace.gpkg (a linked workspace, e.g. of `migratlas demo --size large`): the real
#   thing. The workspace is copied (never modified), `migratlas flows --level 3 --by
#   sex,age_group,nationality` runs on the copy, then
#     (a) `migratlas export --layer flows` (the gate on the flows product as declared) and
#         `migratlas audit` on that export are timed, and
#     (b) the flows are summed over origin into arrivals by destination unit x sex x age group x
#         nationality, one table per flow type, with every margin (the shape the issue names), and
#         protected and attacked in process (bench_disclose --flows-csv), then audited end to end.
# - otherwise a generated flows-shaped table (tools/bench_disclose.cpp; Poisson counts, most cells small):
#   LEVEL2 level-2 units of 10 level-3 units each (LEVEL2=4 for a quick run).
# sdcTable (R) would be the peer: Debian 12 does not package it (no r-cran-sdctable), so no ratio is printed.
# Usage: [WORKSPACE=W] [LEVEL2=40] [THREADS=2] tools/bench_disclose.sh [BUILD_DIR] [PERSONS=500000] [NATIONALITIES=15]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
persons="${2:-500000}"
nationalities="${3:-15}"
level2="${LEVEL2:-40}"
threads="${THREADS:-2}"
# shellcheck source=tools/bench_disclose_common.sh
source "$here/bench_disclose_common.sh" bench-disclose

audit_export() {  # folder: `migratlas audit` end to end, its last lines
  timed "audit" "$build/migratlas" audit "$1" > "$work/audit.txt" 2>&1 || true
  tail -n 4 "$work/audit.txt"
}

if [[ -n "${WORKSPACE:-}" ]]; then
  echo "== copying $WORKSPACE"
  cp "$WORKSPACE" "$work/workspace.gpkg"
  echo "== migratlas flows --level 3 --by sex,age_group,nationality"
  timed "flows" "$build/migratlas" flows --workspace "$work/workspace.gpkg" --level 3 --by sex,age_group,nationality \
    > "$work/flows.txt" 2>&1 || { tail -n 20 "$work/flows.txt"; exit 1; }
  grep -E '^flows: |time ' "$work/flows.txt" | head -n 3 || true
  echo "== (a) migratlas export --layer flows (the gate on the product as declared)"
  timed "export" "$build/migratlas" export --workspace "$work/workspace.gpkg" --layer flows --format csv --out "$work/export-flows" 2>&1 | tail -n 3
  python3 - "$work/export-flows/datapackage.json" <<'EOF'
import json, sys
for resource in json.load(open(sys.argv[1]))["resources"]:
    d = resource["migratlas"]["disclosure"]
    print(f"gate {resource['name']}: cells {d['cells']}, primary {d['primary']}, secondary {d['secondary']}, "
          f"persons hidden {d['persons_hidden_in_family']}; summed keys: "
          f"{[k for k in resource['migratlas']['structure']['family_keys'] if k not in resource['migratlas']['structure']['separate']] or 'none (every key is separate: no margins)'}")
EOF
  echo "== migratlas audit on that export"
  audit_export "$work/export-flows"
  echo "== (b) arrivals by destination unit x sex x age group x nationality per flow type, every margin (real counts)"
  ogr2ogr -f CSV "$work/flows.csv" "$work/workspace.gpkg" -sql "SELECT flow_type, destination, sex, age_group, nationality, persons FROM flows"
  ogr2ogr -f CSV "$work/units.csv" "$work/workspace.gpkg" -sql "SELECT code, parent_code FROM units"
  timed "process" "$build/bench_disclose" --threads "$threads" --flows-csv "$work/flows.csv" --units-csv "$work/units.csv" \
    --out "$work/export" | tee "$work/result.txt"
else
  echo "== generated table: protect + attack in process (${persons} persons)"
  timed "process" "$build/bench_disclose" --threads "$threads" --level2 "$level2" --persons "$persons" \
    --nationalities "$nationalities" --out "$work/export" | tee "$work/result.txt"
fi
echo "== migratlas audit on the written export ($(du -h "$work/export/bench_flows.csv" | cut -f1) CSV)"
audit_export "$work/export"
protect=$(sed -n 's/.*protect_s=\([0-9.]*\).*/\1/p' "$work/result.txt")
attack=$(sed -n 's/.*attack_s=\([0-9.]*\).*/\1/p' "$work/result.txt")
printf 'goals: protect %.2f s wall (goal < 10), in-process attack %.2f s wall (goal < 30 for the audit)\n' "$protect" "$attack"
echo "load: $(uptime | sed 's/.*load average/load average/')"
echo "== peer: sdcTable is not installed (Debian 12 has no r-cran-sdctable package); no ratio printed"
