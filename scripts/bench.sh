#!/usr/bin/env bash
# End-to-end benchmark of a real `omniline serve` with the load client (bench/load_client.cc).
#
#   scripts/bench.sh [--smoke] [--server-bin PATH] [--bench-bin PATH] [--out DIR]
#
# Starts the server on a free loopback port with a fresh temporary data dir (SQLite,
# synchronous=FULL) and a known admin, runs the scenarios one after another, prints a table,
# writes DIR/report.json (one entry per run), stops the server and removes the data dir.
# Full mode (`make bench`, Release build): ingest as fast as possible (64 connections, 10 s),
# ingest paced at 10 000 msg/s (10 s), idle WebSocket density (18 000 connections), a
# reconnect storm (18 000 sockets drop and resume at once), and
# customer → operator screen latency (website chat in, 4 000 operator + 14 000 customer
# WebSockets, 2 000 msg/s for 20 s).
# --smoke (CTest `bench_smoke`): about 2 s per scenario with few connections; fails unless
# messages were acknowledged and verified and every WebSocket opened.
# Exit status 0 only when every run reported ok.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SMOKE=0
SERVER_BIN="$ROOT/build/release/omniline"
BENCH_BIN="$ROOT/build/release/omniline_bench"
OUT="$ROOT/build/bench"
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) SMOKE=1 ;;
    --server-bin) SERVER_BIN=$2; shift ;;
    --bench-bin) BENCH_BIN=$2; shift ;;
    --out) OUT=$2; shift ;;
    *) echo "bench.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
for b in "$SERVER_BIN" "$BENCH_BIN"; do
  [ -x "$b" ] || { echo "bench.sh: $b is not built" >&2; exit 2; }
done
command -v jq >/dev/null || { echo "bench.sh: jq is needed for the report" >&2; exit 2; }

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # the server inherits it; the client raises its own
mkdir -p "$OUT"
rm -f "$OUT"/run-*.json
DATA=$(mktemp -d "${TMPDIR:-/tmp}/omniline-bench.XXXXXX")
LOG="$OUT/server.log"
ADMIN_EMAIL=bench-admin@example.com
ADMIN_PASSWORD=bench-admin-password
SERVER_PID=

cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT

OMNILINE_ADMIN_EMAIL=$ADMIN_EMAIL OMNILINE_ADMIN_PASSWORD=$ADMIN_PASSWORD \
  OMNILINE_ACCESS_LOG=false OMNILINE_WEB_DIR= \
  "$SERVER_BIN" serve --listen 127.0.0.1:0 --data-dir "$DATA" --max-connections 19500 >"$LOG" 2>&1 &
# (--max-connections: 18 000 WebSockets plus the load's HTTP connections, under the 20 000 fd cap.)
SERVER_PID=$!
PORT=
for _ in $(seq 1 300); do
  PORT=$(sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$LOG" | head -1)
  [ -n "$PORT" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$LOG" >&2; echo "bench.sh: server did not start" >&2; exit 1; }
  sleep 0.1
done
[ -n "$PORT" ] || { cat "$LOG" >&2; echo "bench.sh: server did not listen in time" >&2; exit 1; }

COMMON=(--server "http://127.0.0.1:$PORT" --admin-email "$ADMIN_EMAIL"
        --admin-password "$ADMIN_PASSWORD" --server-pid "$SERVER_PID")
FAILED=0
run() {  # run NAME ARGS...  (ONLY=REGEX in the environment runs just the matching names)
  local name=$1; shift
  if [ -n "${ONLY:-}" ] && ! [[ $name =~ $ONLY ]]; then return 0; fi
  echo "== $name: omniline_bench $*"
  if ! "$BENCH_BIN" "${COMMON[@]}" --label "$name" --json "$OUT/run-$name.json" "$@"; then
    FAILED=1
    echo "bench.sh: run $name failed" >&2
  fi
  [ -s "$OUT/run-$name.json" ] || echo "{\"label\":\"$name\",\"ok\":false}" >"$OUT/run-$name.json"
}

# Density first, on the fresh server: after the ingest runs the allocator would hand the
# connections memory it already holds, and the RSS growth would understate them.
if [ "$SMOKE" = 1 ]; then
  run density-smoke --scenario density --smoke --seconds 10 --connections 50
  run ingest-smoke --scenario ingest --smoke --seconds 2 --connections 8
  run ingest-paced-smoke --scenario ingest --smoke --seconds 2 --connections 4 --rate 200
  run e2e-smoke --scenario e2e --smoke --seconds 2
  run storm-smoke --scenario storm --smoke --connections 50
else
  run density-18k --scenario density --seconds 180 --connections 18000
  # The storm before the e2e run: when e2e's 4,000 operator sockets close, routing hands their
  # 14,000 dialogs back to the queue (tens of thousands of events), and a storm resuming in
  # that churn measures the churn (sockets missing more than 10,000 events must resync).
  run storm-18k --scenario storm --connections 18000
  run ingest-max --scenario ingest --seconds 10 --connections 64
  run ingest-10k --scenario ingest --seconds 10 --connections 64 --rate 10000
  # Customer → operator screen: 4,000 operator and 14,000 customer WebSockets, 2,000 msg/s.
  run e2e-2k --scenario e2e --seconds 20 --lines 200 --operators 200 \
    --operator-connections 4000 --customers 14000 --senders 256 --rate 2000
fi

REPORT="$OUT/report.json"
jq -s --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg host "$(uname -srm)" \
  --arg cpus "$(nproc)" --arg server "$SERVER_BIN" --argjson smoke "$SMOKE" \
  '{date: $date, machine: {uname: $host, cpus: ($cpus|tonumber)}, server: $server,
    smoke: ($smoke == 1), storage: "SQLite, synchronous=FULL, WAL", runs: .}' \
  $(ls "$OUT"/run-*.json) >"$REPORT"

echo
echo "Ingest (custom connector, keep-alive HTTP): acknowledged = durably committed"
jq -r '.runs[] | select(.scenario == "ingest") |
  [.label, .connections, (if .target_rate > 0 then (.target_rate|tostring) else "max" end),
   (.msgs_per_s|floor), .ack_latency.p50_ms, .ack_latency.p99_ms, .ack_latency.p99_9_ms,
   .ack_latency.max_ms, .errors, (if .verification.ok then "ok" else "FAILED" end),
   .server_cpu_s, .client_cpu_s] |
  @tsv' "$REPORT" |
  awk -F'\t' 'BEGIN { printf "%-20s %6s %7s %9s %8s %8s %8s %8s %7s %9s %7s %7s\n", "run", "conns",
                      "rate", "msg/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "errors", "verified",
                      "srv cpu", "cli cpu" }
              { printf "%-20s %6s %7s %9s %8.2f %8.2f %8.2f %8.2f %7s %9s %7.1f %7.1f\n",
                       $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12 }'
echo
echo "Idle realtime WebSockets (one operator account)"
jq -r '.runs[] | select(.scenario == "density") |
  [.label, .connections, .opened, .failed, .server_rss_before_kib, .server_rss_after_kib,
   .kib_per_connection, .open_latency.p50_ms, .open_latency.p99_ms] | @tsv' "$REPORT" |
  awk -F'\t' 'BEGIN { printf "%-20s %6s %6s %6s %11s %11s %9s %9s %9s\n", "run", "conns", "opened",
                      "failed", "RSS0 KiB", "RSS1 KiB", "KiB/conn", "open p50", "open p99" }
              { printf "%-20s %6s %6s %6s %11s %11s %9.1f %9.1f %9.1f\n",
                       $1, $2, $3, $4, $5, $6, $7, $8, $9 }'
echo
echo "Customer → operator screen (website chat in, operator WebSockets out)"
jq -r '.runs[] | select(.scenario == "e2e") |
  [.label, .operator_connections_open, .customer_connections_open, .target_rate, (.msgs_per_s|floor),
   .screen_latency.p50_ms, .screen_latency.p99_ms, .screen_latency.p99_9_ms, .screen_latency.max_ms,
   .deliveries_expected, .deliveries_lost, .out_of_order, .ack_latency.p99_ms,
   (if .verification.ok then "ok" else "FAILED" end)] | @tsv' "$REPORT" |
  awk -F'\t' 'BEGIN { printf "%-12s %6s %6s %6s %7s %8s %8s %9s %8s %9s %5s %5s %9s %8s\n", "run",
                      "op ws", "cu ws", "rate", "msg/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms",
                      "expected", "lost", "order", "ack p99", "verified" }
              { printf "%-12s %6s %6s %6s %7s %8.2f %8.2f %9.2f %8.2f %9s %5s %5s %9.2f %8s\n",
                       $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14 }'
echo
echo "Reconnect storm (one operator's sockets drop at once, come back and resume)"
jq -r '.runs[] | select(.scenario == "storm") |
  [.label, .connections, .opened, .resumed, .resumed_exactly, .missed_events, .storm_seconds,
   (.resumes_per_s|floor), .resume_latency.p50_ms, .resume_latency.p99_ms, .kib_per_connection] |
  @tsv' "$REPORT" |
  awk -F'\t' 'BEGIN { printf "%-12s %6s %6s %7s %7s %6s %8s %9s %9s %9s %9s\n", "run", "conns",
                      "opened", "resumed", "exact", "missed", "seconds", "resumes/s", "p50 ms",
                      "p99 ms", "KiB/conn" }
              { printf "%-12s %6s %6s %7s %7s %6s %8.2f %9s %9.1f %9.1f %9.1f\n",
                       $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }'
echo
echo "report: $REPORT"
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "bench.sh: the server died during the benchmark" >&2
  tail -20 "$LOG" >&2
  FAILED=1
fi
# The read paths at a million dialogs (scripts/bench-reads.sh) on their own data dir, after this
# server has stopped so that the two do not share the two cores. Not in smoke mode: CTest runs
# bench_reads_smoke by itself.
if [ "$SMOKE" = 0 ] && { [ -z "${ONLY:-}" ] || [[ reads =~ $ONLY ]]; }; then
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  echo "== reads: scripts/bench-reads.sh"
  bash "$ROOT/scripts/bench-reads.sh" --server-bin "$SERVER_BIN" \
    --bench-bin "$(dirname "$BENCH_BIN")/omniline_read_bench" --out "$OUT" || FAILED=1
fi
exit $FAILED
