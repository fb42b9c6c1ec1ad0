#!/usr/bin/env bash
# Call set-up figures for docs/benchmarks.md: INVITE/100/180/200/ACK/BYE through the B2BUA,
# signalling only ([media] anchor = false), against the real dzvin binary over loopback UDP.
#   SIPp UAC (127.0.0.1:15090, a trunk: no digest) -> dzvin (a DID whose scheme forwards the
#   call to a number through a second trunk) -> SIPp UAS (127.0.0.1:15080)
# The load is ../shared/bench-peers/kamailio-proxy-cps.sh (SIPp, pass rule: all calls done,
# failures < 0.1 %, >= 90 % of the target rate), so the same run can be aimed at Kamailio.
#   --kamailio   also run the same ramp against Kamailio as a stateful proxy, for the ratio
#   --hold MS    call hold time (SIPp -d), default 0; --rates, --secs, --runs as the script's
#   --memory N   instead of the ramp: hold N calls up (SIPp -d 60000 at 500 calls/s) and report
#                the server's RSS and heap per active call
# usage: bench/call_bench.sh [--kamailio] [--rates "500 1000 1500"] [--secs 10] [--runs 1]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rates="500 1000 1500 2000 2500"; secs=10; runs=1; kam=0; hold=0; memory=0
while [ $# -gt 0 ]; do case $1 in
  --kamailio) kam=1; shift;; --rates) rates=$2; shift 2;; --secs) secs=$2; shift 2;;
  --runs) runs=$2; shift 2;; --hold) hold=$2; shift 2;; --memory) memory=$2; shift 2;;
  *) echo "unknown option $1" >&2; exit 2;; esac; done

bdir=${BUILD_DIR:-$root/build-bench}
"$root/scripts/build.sh" "$bdir" -DCMAKE_BUILD_TYPE=Release -DDZVIN_BENCH=ON -DDZVIN_TESTS=OFF >/dev/null
dzvin=$bdir/src/app/dzvin
work=$(mktemp -d -t dzvin-callbench.XXXXXX)
port=25070
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cat >"$work/dzvin.toml" <<TOML
[server]
data_dir = "$work/data"
log_level = "warn"

[sip]
listen = ["udp:127.0.0.1:$port"]

[media]
anchor = false

[company]
name = "Bench"
sip_domain = "bench.test"

[[trunks]]
name = "answerer"
address = "127.0.0.1:15080"

[[trunks]]
name = "caller"
address = "127.0.0.1:15090"
inbound = ["127.0.0.1:15090"]
dids = ["+380441110000"]

[routing.schemes.bench]
steps = [ { type = "forward", to = "number:+380441119999", trunk = "answerer", timeout = 30 } ]

[routing.numbers]
"+380441110000" = "bench"
TOML

"$dzvin" serve --config "$work/dzvin.toml" >"$work/out" 2>"$work/err" & pid=$!
for _ in $(seq 100); do grep -q '^Ready' "$work/out" 2>/dev/null && break; sleep 0.1; done
grep -q '^Ready' "$work/out" || { cat "$work/err"; exit 1; }
rss() { awk '/^VmRSS/{print $2}' /proc/$pid/status; }
echo "# dzvin B2BUA call set-ups, $(nproc) cores, $(date -u +%FT%TZ); idle RSS $(rss) kB"

peers=$work/bench-peers
cp -r "$root/../shared/bench-peers" "$peers"; chmod -R u+w "$peers"

if [ "$memory" -gt 0 ]; then
  # N calls held up for 60 s; RSS before and while they are up.
  before=$(rss)
  sipp -sf "$peers/uas-rr.xml" -i 127.0.0.1 -p 15080 -nostdin -timeout 200s -buff_size 4194304 \
    >/dev/null 2>&1 </dev/null & uas=$!
  sleep 0.5
  sipp 127.0.0.1:$port -sf "$peers/uac-rr.xml" -s +380441110000 -i 127.0.0.1 -p 15090 \
    -r 500 -m "$memory" -d 60000 -buff_size 4194304 -nostdin -timeout 200s \
    -trace_stat -stf "$work/mem.csv" -fd 1 >/dev/null 2>&1 </dev/null & uac=$!
  sleep $(( memory / 500 + 20 ))
  during=$(rss)
  echo "# $memory calls up: RSS $during kB (idle $before kB): $(( (during - before) * 1024 / memory )) bytes per call"
  wait $uac || true
  kill $uas 2>/dev/null || true; wait $uas 2>/dev/null || true
  python3 - "$work/mem.csv" <<'PY'
import sys
rows = [l.rstrip("\n;").split(";") for l in open(sys.argv[1]) if l.strip()]
last = dict(zip(rows[0], rows[-1]))
print(f"# SIPp: {last['SuccessfulCall(C)']} calls completed, {last['FailedCall(C)']} failed")
PY
  exit 0
fi

SERVER_PID=$pid SIPP_EXTRA="-buff_size 4194304" RESULTS_DIR=$work/results \
  bash "$peers/kamailio-proxy-cps.sh" --service +380441110000 --rates "$rates" --secs "$secs" \
  --runs "$runs" --duration "$hold" 127.0.0.1:$port || true
kill $pid; wait $pid 2>/dev/null || true; pid=
if [ $kam = 1 ]; then
  echo "# the same ramp against Kamailio (stateful proxy, record-route)"
  SIPP_EXTRA="-buff_size 4194304" RESULTS_DIR=$work/results \
    bash "$peers/kamailio-proxy-cps.sh" --start-kamailio \
    --rates "$rates" --secs "$secs" --runs "$runs" --duration "$hold" 127.0.0.1:$((port + 1)) || true
fi
cat "$work"/results/*.txt
