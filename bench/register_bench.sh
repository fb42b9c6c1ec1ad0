#!/usr/bin/env bash
# Registrar figures for docs/benchmarks.md, against the real dzvin binary over loopback UDP:
#   - REGISTER transactions/s with digest auth (bench/register_load: REGISTER -> 401 ->
#     REGISTER+Authorization -> 200, 10,000 distinct users), a ramp of target rates
#   - server CPU during each step, RSS idle with 10,000 registered users, bytes per contact
#   --kamailio   also run ../shared/bench-peers/kamailio-register.sh (SIPp) against dzvin and
#                against Kamailio in the same sitting, for the ratio (installs kamailio)
# usage: bench/register_bench.sh [--kamailio] [--rates "5000 10000 15000"] [--secs 5]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rates="5000 10000 12500 15000"; secs=5; kam=0
while [ $# -gt 0 ]; do case $1 in
  --kamailio) kam=1; shift;; --rates) rates=$2; shift 2;; --secs) secs=$2; shift 2;;
  *) echo "unknown option $1" >&2; exit 2;; esac; done

bdir=${BUILD_DIR:-$root/build-bench}
"$root/scripts/build.sh" "$bdir" -DCMAKE_BUILD_TYPE=Release -DDZVIN_BENCH=ON -DDZVIN_TESTS=OFF >/dev/null
dzvin=$bdir/src/app/dzvin load=$bdir/bench/register_load
work=$(mktemp -d -t dzvin-regbench.XXXXXX)
port=25060
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

python3 "$root/bench/make_bench_config.py" "$work/dzvin.toml" "$work/data" "udp:127.0.0.1:$port" 10000
"$dzvin" serve --config "$work/dzvin.toml" >"$work/out" 2>"$work/err" & pid=$!
for _ in $(seq 100); do grep -q '^Ready' "$work/out" 2>/dev/null && break; sleep 0.1; done
ticks() { awk '{print $14+$15}' /proc/$pid/stat; }
rss() { awk '/^VmRSS/{print $2}' /proc/$pid/status; }
hz=$(getconf CLK_TCK)
echo "# dzvin registrar, $(nproc) cores, $(date -u +%FT%TZ)"
echo "# idle RSS, no registrations: $(rss) kB"
"$load" --server 127.0.0.1:$port --users 10000 --rate 2000 --seconds 5 --window 4000 >/dev/null
# Transactions live 32 s after their final response (Timer J = 64*T1 on UDP), then the pool
# trims (every 10 s); wait them out.
sleep 45
echo "# registered: $("$dzvin" registrations --config "$work/dzvin.toml" | tail -1)"
idle_rss=$(rss)
echo "# idle RSS with 10,000 registered users: $idle_rss kB"
for r in $rates; do
  t0=$(ticks)
  line=$("$load" --server 127.0.0.1:$port --users 10000 --rate "$r" --seconds "$secs" --window 4000 || true)
  t1=$(ticks)
  echo "$line server_cpu_pct=$(( (t1 - t0) * 100 / hz / secs ))"
  sleep 1
done
# Timer J, then the transaction pool's trim (every 10 s) gives the burst's memory back.
samples=""
for _ in 1 2 3 4 5 6; do sleep 10; samples="$samples $(rss)"; done
echo "# RSS every 10 s after the ramp (same 10,000 users), kB:$samples"

if [ $kam = 1 ]; then
  apt-get install -y -qq kamailio kamailio-sqlite-modules sip-tester sqlite3 >/dev/null
  peers=$work/bench-peers
  cp -r "$root/../shared/bench-peers" "$peers"; chmod -R u+w "$peers"
  echo "# SIPp ramp against dzvin (users pw%05d need 8 characters: config uses pw%05dx)"
  sed -i 's/"pw%05d" % i/"pw%05dx" % i/' "$peers/gen-users.sh"
  SERVER_PID=$pid SIPP_EXTRA="-buff_size 4194304" RESULTS_DIR=$work/results \
    bash "$peers/kamailio-register.sh" --domain perf.test --rates "$rates" --secs 10 --runs 1 \
    127.0.0.1:$port || true
  kill $pid; wait $pid 2>/dev/null || true; pid=
  echo "# SIPp ramp against Kamailio"
  RESULTS_DIR=$work/results bash "$peers/kamailio-register.sh" --start-kamailio --domain perf.test \
    --rates "$rates" --secs 10 --runs 1 127.0.0.1:$((port + 1)) || true
  cat "$work"/results/*.txt
fi
