#!/usr/bin/env bash
# Rewrites the golden page images of the render tests (tests/golden/render-atlas/expected/) from
# the current build. Run it only after a deliberate change of the pages, then LOOK at every image
# (and `git diff --stat`) before committing: the test compares against exactly these files.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --build build -j2 --target render_cli_test migratlas >/dev/null
(cd build && MIGRATLAS_UPDATE_GOLDEN=1 tests/unit/render/render_cli_test --gtest_filter='RenderGolden.*')
git status --short tests/golden/render-atlas
