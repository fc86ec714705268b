#!/usr/bin/env bash
# The main job on a fresh machine: installs what is missing, builds, generates the demo region and runs
# the whole pipeline that exists so far into demo-out/ (or the folder given as first argument).
# Environment: SCALE=small|medium|large (default small), SEED=N (default 42).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh

tools/pipeline.sh build/migratlas "${1:-demo-out}" "${SCALE:-small}" "${SEED:-42}"
