#!/usr/bin/env bash
# Installs what is needed, builds, and starts Dzvin with a demo company (SQLite in ./data/demo).
# It prints the softphone credentials, the SIP address and the web URL. Extra arguments go
# to `dzvin demo` (e.g. --sip-port 5080).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh" "$root/build" -DDZVIN_TESTS=OFF -DDZVIN_BENCH=OFF
exec "$root/build/src/app/dzvin" demo --data-dir "$root/data/demo" "$@"
