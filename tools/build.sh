#!/usr/bin/env bash
# Configures and builds migratlas into build/ (the executable is build/migratlas).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE="${BUILD_TYPE:-Release}" -DMIGRATLAS_WERROR=ON >/dev/null
cmake --build build -j "$(nproc)"
