#!/usr/bin/env bash
# REST API throughput for docs/benchmarks.md: authenticated JSON requests per second (wrk)
# against the real dzvin binary while N calls with audio are up through it.
#   SIPp UAC (a trunk, PCMA from Debian's g711a.pcap every 7 s) -> dzvin (DID -> forward through
#   a second trunk, media anchored: every packet relayed) -> SIPp UAS (-rtp_echo: the audio
#   comes back through the relay)
# First a warm-up of short calls fills the call log; then the N calls are held and, while they
# are up, wrk (2 threads, 50 connections, keep-alive) runs each endpoint for SECS seconds with a
# session cookie (and /auth/me once with an API token). Before and after each run the script
# checks through /metrics that the N calls are still up; at the end SIPp's failed-call count.
# wrk and SIPp share the 2 vCPUs with the server.
# usage: bench/api_bench.sh [--calls 200] [--secs 10] [--connections 50] [--history 2000]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
calls=200; secs=10; conns=50; history=2000
while [ $# -gt 0 ]; do case $1 in
  --calls) calls=$2; shift 2;; --secs) secs=$2; shift 2;; --connections) conns=$2; shift 2;;
  --history) history=$2; shift 2;;
  *) echo "unknown option $1" >&2; exit 2;; esac; done
command -v wrk >/dev/null || { echo "api_bench: wrk is missing (scripts/setup.sh --test)" >&2; exit 1; }

bdir=${BUILD_DIR:-$root/build-bench}
"$root/scripts/build.sh" "$bdir" -DCMAKE_BUILD_TYPE=Release -DDZVIN_BENCH=ON -DDZVIN_TESTS=OFF >/dev/null
dzvin=$bdir/src/app/dzvin
work=$(mktemp -d -t dzvin-apibench.XXXXXX)
port=25080; http=28090
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

cat >"$work/dzvin.toml" <<TOML
[server]
data_dir = "$work/data"
log_level = "warn"

[sip]
listen = ["udp:127.0.0.1:$port"]

[media]
bind_address = "127.0.0.1"
port_min = 30000
port_max = 34999

[http]
listen = "127.0.0.1:$http"

[company]
name = "Bench"
sip_domain = "bench.test"

[[company.users]]
username = "1001"
password = "bench-password-1001"
display_name = "Admin"
email = "admin@bench.test"
web_password = "bench-web-password"
role = "admin"

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

"$dzvin" serve --config "$work/dzvin.toml" >"$work/out" 2>"$work/err" & pids+=($!); server=$!
for _ in $(seq 100); do grep -q '^Ready' "$work/out" 2>/dev/null && break; sleep 0.1; done
grep -q '^Ready' "$work/out" || { cat "$work/err"; exit 1; }
base=http://127.0.0.1:$http
metric() { curl -s "$base/metrics" | awk -v m="$1" '$1 == m {print $2}'; }

# A session (cookie + CSRF token) and an API token.
curl -s -c "$work/cookies" -H 'Content-Type: application/json' \
  -d '{"email": "admin@bench.test", "password": "bench-web-password"}' "$base/api/v1/auth/login" >"$work/login.json"
csrf=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$work/login.json")
session=$(awk '$6 == "dzvin_session" {print $7}' "$work/cookies")
token=$(curl -s -b "$work/cookies" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' \
  -d '{"name": "bench"}' "$base/api/v1/tokens" | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')

sipp_common=(-buff_size 4194304 -nostdin -timeout 600s)
sipp -sf "$root/bench/sipp/uas-pcma.xml" -i 127.0.0.1 -p 15080 -mi 127.0.0.1 -mp 16000 -rtp_echo \
  "${sipp_common[@]}" >/dev/null 2>&1 </dev/null & pids+=($!)
sleep 0.5
# The call log's history: short calls without audio.
sipp 127.0.0.1:$port -sf "$root/../shared/bench-peers/uac-rr.xml" -s +380441110000 -i 127.0.0.1 \
  -p 15091 -r 400 -m "$history" "${sipp_common[@]}" >/dev/null 2>&1 </dev/null || true
# The held calls with audio.
sipp 127.0.0.1:$port -sf "$root/bench/sipp/uac-pcma-held.xml" -s +380441110000 -i 127.0.0.1 \
  -p 15090 -mi 127.0.0.1 -mp 17000 -r 100 -m "$calls" -l "$calls" "${sipp_common[@]}" \
  -trace_stat -stf "$work/held.csv" -fd 1 >/dev/null 2>&1 </dev/null & pids+=($!); held=$!
for _ in $(seq 100); do [ "$(metric dzvin_active_calls)" = "$calls" ] && break; sleep 0.2; done
echo "# dzvin REST API under load, $(nproc) cores, $(date -u +%FT%TZ): $(metric dzvin_active_calls) calls up" \
     "($(metric dzvin_media_relays) relays), $history calls in the log; wrk -t2 -c$conns -d${secs}s"
echo "| endpoint | credentials | requests/s | latency avg | p99 | non-2xx | calls up before/after |"
echo "|---|---|---|---|---|---|---|"
run() {  # label, credentials label, header, path
  local before after out
  before=$(metric dzvin_active_calls)
  out=$(wrk -t2 -c"$conns" -d"${secs}s" --latency -H "$3" "$base$4" 2>&1)
  after=$(metric dzvin_active_calls)
  local rps avg p99 non2xx
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  avg=$(awk '/^    Latency/ {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $5}' <<<"$out")
  echo "| \`$1\` | $2 | $rps | $avg | $p99 | ${non2xx:-0} | $before/$after |"
}
cookie="Cookie: dzvin_session=$session"
run "GET /api/v1/auth/me" session "$cookie" /api/v1/auth/me
run "GET /api/v1/auth/me" "API token" "Authorization: Bearer $token" /api/v1/auth/me
run "GET /api/v1/calls?limit=50" session "$cookie" "/api/v1/calls?limit=50"
run "GET /api/v1/calls?limit=50&outcome=answered" session "$cookie" "/api/v1/calls?limit=50&outcome=answered"
run "GET /api/v1/registrations" session "$cookie" /api/v1/registrations
run "GET /api/v1/voicemails" session "$cookie" /api/v1/voicemails
run "GET /api/v1/schemes" session "$cookie" /api/v1/schemes
echo "# RSS $(awk '/^VmRSS/{print $2}' /proc/$server/status) kB; relayed packets: $(metric dzvin_rtp_packets_relayed_total)"
kill "$held" 2>/dev/null || true; wait "$held" 2>/dev/null || true
python3 - "$work/held.csv" <<'PY'
import sys
rows = [l.rstrip("\n;").split(";") for l in open(sys.argv[1]) if l.strip()]
last = dict(zip(rows[0], rows[-1]))
print(f"# SIPp held calls: {last['OutgoingCall(C)']} placed, {last['FailedCall(C)']} failed")
PY
