#!/usr/bin/env bash
# The test command: installs what is missing, builds, and runs every test with ctest.
# Usage: tools/test.sh [ctest arguments...]   (e.g. tools/test.sh -R Linkage)
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
tools/build.sh
cd build
ctest --output-on-failure -j "$(nproc)" "$@"
