#!/usr/bin/env bash
# Benchmark of the disclosure gate and the audit on a flows-like table: level-3 unit (400, under 40
# level-2 units and the country) x sex x 6 age groups x nationality, with every margin. Prints cells,
# primary and secondary suppressions, persons hidden and seconds for protection (the gate's
# complementary suppression), the audit's LP attack in process, and `migratlas audit` end to end on
# the same table written as an export folder. Goals: protect < 10 s, audit < 30 s on 2 cores.
# The table is generated (tools/bench_disclose.cpp), not the demo's `large` flows: the flows
# products are not on this branch, and generating the large demo takes long; the shape is the same.
# sdcTable (R) is the peer when installed: Debian 12 does not package it (no r-cran-sdctable), so it
# runs only where someone installed it from CRAN.
# Usage: [LEVEL2=40] tools/bench_disclose.sh [BUILD_DIR] [PERSONS=500000] [NATIONALITIES=15]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:-$here/../build}"
persons="${2:-500000}"
nationalities="${3:-15}"
level2="${LEVEL2:-40}"   # level-2 units, 10 level-3 units each (LEVEL2=4 for a quick run)
cmake --build "$build" --target bench_disclose migratlas -j2 > /dev/null
work="$(mktemp -d /tmp/migratlas-bench-disclose.XXXXXX)"
trap 'rm -rf "$work"' EXIT

echo "== protect + attack in process (${persons} persons)"
/usr/bin/time -f 'process: %e s wall, %U s user, %M KB max RSS' \
  "$build/bench_disclose" --level2 "$level2" --persons "$persons" --nationalities "$nationalities" --out "$work/export" | tee "$work/result.txt"
echo "== migratlas audit on the written export ($(du -h "$work/export/bench_flows.csv" | cut -f1) CSV)"
/usr/bin/time -f 'audit: %e s wall, %U s user, %M KB max RSS' "$build/migratlas" audit "$work/export" 2>&1 | tail -n 3
protect=$(sed -n 's/.*protect_s=\([0-9.]*\).*/\1/p' "$work/result.txt")
attack=$(sed -n 's/.*attack_s=\([0-9.]*\).*/\1/p' "$work/result.txt")
printf 'goals: protect %.2f s (goal < 10), in-process attack %.2f s (goal < 30 for the audit)\n' "$protect" "$attack"

if command -v Rscript > /dev/null && Rscript -e 'quit(status = !requireNamespace("sdcTable", quietly = TRUE))' > /dev/null 2>&1; then
  echo "== sdcTable (R): not yet driven by this script; compare by hand with the CSV in $work/export"
else
  echo "== peer: sdcTable is not installed (Debian 12 has no r-cran-sdctable package); no ratio printed"
fi
