#!/usr/bin/env bash
# Rewrites the golden outputs (tests/golden/*/expected) from the current build, then shows the diff.
# Review every changed line before committing: goldens never change silently.
# Usage: tools/update-goldens.sh [BUILD_DIR=build]
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$repo/build}
"$repo/tests/golden/demo_small.sh" "$build/migratlas" "$(mktemp -d /tmp/migratlas-golden.XXXXXX)" --update
git -C "$repo" status --short -- tests/golden
git -C "$repo" diff --stat -- tests/golden
