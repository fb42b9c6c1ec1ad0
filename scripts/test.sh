#!/usr/bin/env bash
# Installs what is needed, builds, and runs every test:
#   1. release build: unit tests, fuzz corpus replays, end-to-end tests with real peers
#   2. ASan+UBSan build: unit tests, fuzz corpus replays, end-to-end tests
# Ends with one summary line "N passed, N failed".
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh" --test || exit 1

passed=0 failed=0
run_suite() {
  local name=$1 dir=$2; shift 2
  echo "== $name: build"
  if ! "$root/scripts/build.sh" "$dir" "$@"; then
    echo "== $name: BUILD FAILED"
    failed=$((failed + 1))
    return
  fi
  echo "== $name: test"
  local log="$dir/ctest.log"
  (cd "$dir" && ctest --output-on-failure -j "$(nproc)" --timeout 300) 2>&1 | tee "$log"
  local line p t
  line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -1)
  if [ -z "$line" ]; then failed=$((failed + 1)); return; fi
  t=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$line")
  f=$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$line")
  passed=$((passed + t - f)); failed=$((failed + f))
}

run_suite "release" "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDZVIN_BENCH=ON
run_suite "asan+ubsan" "$root/build-asan" -DCMAKE_BUILD_TYPE=Debug -DDZVIN_SANITIZE=ON \
  -DDZVIN_BENCH=OFF -DDZVIN_E2E_UNDER_SANITIZERS=ON

echo
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
