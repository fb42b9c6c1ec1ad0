#!/usr/bin/env bash
# Installs the Debian packages Dzvin needs (idempotent: quiet when everything is there).
#   scripts/setup.sh            build and run
#   scripts/setup.sh --test     also the test peers and tools (baresip, linphonec, Kamailio as a trunk
#                               provider, SIPp, sipsak, sox, clang)
set -euo pipefail

build_packages=(
  g++ cmake ninja-build ccache pkg-config git python3
  libboost-dev libtomlplusplus-dev libsqlite3-dev libssl-dev sqlite3
  libhowardhinnant-date-dev nlohmann-json3-dev tzdata
  libsndfile1-dev libsamplerate0-dev libespeak-ng-dev espeak-ng-data libspandsp-dev
  libcurl4-openssl-dev libargon2-dev
)
test_packages=(
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev clang-format
  baresip baresip-core linphone-cli sip-tester sipsak sox iproute2 kamailio python3-aiosmtpd
)

want=("${build_packages[@]}")
if [ "${1:-}" = "--test" ]; then want+=("${test_packages[@]}"); fi

missing=()
for p in "${want[@]}"; do
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
