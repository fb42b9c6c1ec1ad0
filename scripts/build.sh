#!/usr/bin/env bash
# Builds the web app (web/ -> web/dist, when web/package.json is there), then configures and
# builds one CMake build tree.
#   scripts/build.sh [DIR] [extra cmake args...]     (DIR defaults to build)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/build}
shift || true
jobs=$(nproc)

# npm ci when node_modules is missing or package-lock.json changed; vite build when a file of
# web/ is newer than the last build. Quiet unless something fails.
build_web() {
  local web=$root/web
  [ -f "$web/package.json" ] || return 0
  if ! command -v npm >/dev/null; then
    echo "build: the web app needs node and npm (scripts/setup.sh installs nodejs npm)" >&2
    return 1
  fi
  exec 9>"$web/.build.lock"
  flock 9  # one build of web/ at a time (build trees may be built in parallel)
  local log=$web/.build.log
  local stamp=$web/node_modules/.dzvin-package-lock.sha256
  local lock_sum fresh=0
  lock_sum=$(sha256sum "$web/package-lock.json" | cut -d' ' -f1)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
    if ! (cd "$web" && npm ci --no-audit --no-fund --loglevel=error) >"$log" 2>&1; then
      cat "$log" >&2
      echo "build: npm ci failed in web/" >&2
      return 1
    fi
    echo "$lock_sum" >"$stamp"
    fresh=1
  fi
  if [ "$fresh" = 1 ] || [ ! -f "$web/dist/index.html" ] ||
     [ -n "$(find "$web" \( -path "$web/node_modules" -o -path "$web/dist" -o -name '.build.*' \) \
               -prune -o -type f -newer "$web/dist/index.html" -print -quit)" ]; then
    if ! (cd "$web" && npm run build) >"$log" 2>&1; then
      cat "$log" >&2
      echo "build: the web app did not build (npm run build in web/)" >&2
      return 1
    fi
    echo "web: web/dist built, $(cat "$web"/dist/assets/*.js | gzip -c | wc -c) bytes of JavaScript gzipped"
  fi
  rm -f "$log"
  exec 9>&-
}

build_web
cmake -S "$root" -B "$dir" -G Ninja "$@" >/dev/null
cmake --build "$dir" -j "$jobs"
