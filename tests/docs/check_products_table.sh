#!/usr/bin/env bash
# docs/ARCHITECTURE.md shows the product catalogue between two markers; it must be exactly what
# `migratlas products --markdown` prints, so the page cannot drift from the declarations.
# Usage: check_products_table.sh MIGRATLAS DOC     (fix: tools/update-docs.sh)
set -euo pipefail
m=$1
doc=$2
expected=$("$m" products --markdown)
actual=$(sed -n '/<!-- products:begin -->/,/<!-- products:end -->/p' "$doc" | sed '1d;$d')
if [[ -z $actual ]]; then
  echo "FAIL: $doc has no <!-- products:begin --> ... <!-- products:end --> block" >&2
  exit 1
fi
if [[ "$expected" != "$actual" ]]; then
  echo "FAIL: the product table in $doc differs from 'migratlas products --markdown' (run tools/update-docs.sh):" >&2
  diff <(echo "$actual") <(echo "$expected") >&2 || true
  exit 1
fi
echo "ok: $doc lists the $(($(echo "$expected" | wc -l) - 2)) declared products"
