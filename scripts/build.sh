#!/usr/bin/env bash
# Configures and builds one build tree.
#   scripts/build.sh [DIR] [extra cmake args...]     (DIR defaults to build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/build}
shift || true
jobs=$(nproc)
cmake -S "$root" -B "$dir" -G Ninja "$@" >/dev/null
cmake --build "$dir" -j "$jobs"
