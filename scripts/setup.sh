#!/usr/bin/env bash
# Installs the Debian packages Dzvin needs (idempotent: quiet when everything is there).
#   scripts/setup.sh            build and run
#   scripts/setup.sh --test     also the test peers and tools (baresip, linphonec, Kamailio as a trunk
#                               provider, SIPp, sipsak, sox, clang, chromium for the web app's
#                               browser test)
set -euo pipefail

build_packages=(
  g++ cmake ninja-build ccache pkg-config git python3
  libboost-dev libtomlplusplus-dev libsqlite3-dev libssl-dev sqlite3
  libhowardhinnant-date-dev nlohmann-json3-dev tzdata
  libsndfile1-dev libsamplerate0-dev libespeak-ng-dev espeak-ng-data libspandsp-dev
  libcurl4-openssl-dev libargon2-dev
  nodejs npm
)
test_packages=(
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev clang-format
  baresip baresip-core linphone-cli sip-tester sipsak sox iproute2 kamailio python3-aiosmtpd
  chromium wrk
)

want=("${build_packages[@]}")
if [ "${1:-}" = "--test" ]; then want+=("${test_packages[@]}"); fi

# Node.js from elsewhere (NodeSource's nodejs package bundles npm and conflicts with Debian's npm)
# is as good as Debian's when its node is 18 or newer: the web app's tools need no more.
node_from_elsewhere() {
  command -v node >/dev/null && command -v npm >/dev/null &&
    [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -ge 18 ]
}

missing=()
for p in "${want[@]}"; do
  if { [ "$p" = nodejs ] || [ "$p" = npm ]; } && node_from_elsewhere; then continue; fi
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
  echo "setup: missing packages: ${missing[*]}; run as root or install them" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
