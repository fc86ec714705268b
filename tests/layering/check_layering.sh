#!/usr/bin/env bash
# The build enforces the layering: builds a probe with a publishing stage's links that includes the
# internal workspace reader (must fail, on that include) and one that includes public headers (must
# build), then checks the sources for ways around it (relative includes across src/ folders) and for
# product names spelled as string literals outside their declaration (src/common/products/).
# Usage: tests/layering/check_layering.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
build=$1 src=$2
status=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if cmake --build "$build" --target layering_probe_forbidden > "$log" 2>&1; then
  echo "FAIL: a target with a publishing stage's links compiled an include of workspace/product_io.hpp"
  status=1
elif ! grep -q 'workspace/product_io.hpp: No such file or directory' "$log"; then
  echo "FAIL: the forbidden probe failed, but not on the forbidden include:"; cat "$log"; status=1
else
  echo "ok: workspace/product_io.hpp is not visible to a publishing stage"
fi
if ! cmake --build "$build" --target layering_probe_allowed > "$log" 2>&1; then
  echo "FAIL: the allowed probe (public headers only) did not build:"; cat "$log"; status=1
else
  echo "ok: public headers (product catalogue, geo) are visible to a publishing stage"
fi
# Only the disclosure gate makes PublishedLayer objects: its constructor is private, and the factory
# header is included nowhere outside src/disclose/.
targets=$(cmake --build "$build" --target help 2>/dev/null || true)
if [[ $targets == *layering_probe_construct* ]]; then
  if cmake --build "$build" --target layering_probe_construct > "$log" 2>&1; then
    echo "FAIL: a target with a publishing stage's links constructed a disclose::PublishedLayer"; status=1
  elif ! grep -q 'private within this context' "$log"; then
    echo "FAIL: the construct probe failed, but not on the private constructor:"; cat "$log"; status=1
  else
    echo "ok: a publishing stage cannot construct a disclose::PublishedLayer"
  fi
  factory=$(grep -rn '#include "disclose/layer_factory.hpp"' "$src/src" | grep -v "/src/disclose/" || true)
  if [[ -n $factory ]]; then
    echo "FAIL: disclose/layer_factory.hpp included outside src/disclose/:"; echo "$factory"; status=1
  fi
fi
relative=$(grep -rnE '#include "\.\./' "$src/src" || true)
if [[ -n $relative ]]; then
  echo "FAIL: relative includes across src/ folders bypass the include roots:"; echo "$relative"; status=1
fi
# Product names as string literals outside common/products/ (a report key or an input role that
# happens to share a name is marked on its line with: // not a product name).
names=$(sed -n 's/^inline constexpr ProductSpec [a-z_0-9]*{"\([a-z_0-9]*\)".*/\1/p' "$src"/src/common/products/*.hpp)
for name in $names; do
  hits=$(grep -rn --include='*.cpp' --include='*.hpp' "\"$name\"" "$src/src" | grep -v "/src/common/products/" \
         | grep -v 'not a product name' || true)
  if [[ -n $hits ]]; then
    echo "FAIL: product name \"$name\" spelled as a literal outside src/common/products/:"; echo "$hits"; status=1
  fi
done
[[ $status == 0 ]] && echo "ok: no product name literals outside src/common/products/ ($(echo $names | wc -w) products)"
exit $status
