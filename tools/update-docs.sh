#!/usr/bin/env bash
# Regenerates the generated parts of the docs: the product catalogue in docs/ARCHITECTURE.md
# (between <!-- products:begin --> and <!-- products:end -->) from `migratlas products --markdown`.
# Usage: tools/update-docs.sh [MIGRATLAS]     (default build/migratlas)
set -euo pipefail
cd "$(dirname "$0")/.."
m=${1:-build/migratlas}
doc=docs/ARCHITECTURE.md
table=$(mktemp)
trap 'rm -f "$table"' EXIT
"$m" products --markdown > "$table"
python3 - "$doc" "$table" <<'PY'
import sys
doc, table = sys.argv[1], open(sys.argv[2]).read()
text = open(doc).read()
begin, end = "<!-- products:begin -->\n", "<!-- products:end -->"
a, b = text.index(begin) + len(begin), text.index(end)
open(doc, "w").write(text[:a] + table + text[b:])
PY
echo "updated $doc"
