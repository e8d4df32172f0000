#!/usr/bin/env bash
# Read-path benchmark: the dialog list, counts, history and search on a large database.
#
#   scripts/bench-reads.sh [--smoke] [--server-bin PATH] [--bench-bin PATH] [--out DIR]
#                          [--dialogs N] [--messages-per-dialog M] [--data-dir DIR]
#
# Makes a temporary data dir, creates an admin and an operator (`omniline user add`, before the
# fill, so that the demo line's queue holds the operator), fills it with `omniline demo`
# (timed), starts `omniline serve` on a free loopback port, runs omniline_read_bench
# (bench/read_bench.cc) against it, prints a table, writes DIR/report-reads.json, stops the
# server and removes the data dir.
# Full mode (`make bench-reads`, Release build): 1,000,000 dialogs × 20 messages (the fill takes
# minutes), 4 connections, 5 s per query kind after a 1 s warm-up.
# --smoke (CTest `bench_reads_smoke`): 2,000 dialogs × 12 messages, a few dozen requests per kind.
# --data-dir DIR: use and keep DIR instead of a temporary one; the users and the fill are made
# only when it holds no database yet (to measure several server builds on one fill; a newer
# build migrates the database, so measure the older build first).
# Exit status 0 only when the fill worked and every request answered well.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SMOKE=0
SERVER_BIN="$ROOT/build/release/omniline"
BENCH_BIN="$ROOT/build/release/omniline_read_bench"
OUT="$ROOT/build/bench"
DIALOGS=
MESSAGES=
KEEP_DATA=
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) SMOKE=1 ;;
    --server-bin) SERVER_BIN=$2; shift ;;
    --bench-bin) BENCH_BIN=$2; shift ;;
    --out) OUT=$2; shift ;;
    --dialogs) DIALOGS=$2; shift ;;
    --messages-per-dialog) MESSAGES=$2; shift ;;
    --data-dir) KEEP_DATA=$2; shift ;;
    *) echo "bench-reads.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
if [ "$SMOKE" = 1 ]; then
  DIALOGS=${DIALOGS:-2000}
  MESSAGES=${MESSAGES:-12}
  BENCH_ARGS=(--smoke --connections 2)
else
  DIALOGS=${DIALOGS:-1000000}
  MESSAGES=${MESSAGES:-20}
  BENCH_ARGS=(--connections 4 --seconds 5 --warmup 1)
fi
for b in "$SERVER_BIN" "$BENCH_BIN"; do
  [ -x "$b" ] || { echo "bench-reads.sh: $b is not built" >&2; exit 2; }
done
command -v jq >/dev/null || { echo "bench-reads.sh: jq is needed for the report" >&2; exit 2; }

mkdir -p "$OUT"
if [ -n "$KEEP_DATA" ]; then
  mkdir -p "$KEEP_DATA"
  DATA=$(cd "$KEEP_DATA" && pwd)
else
  DATA=$(mktemp -d "${TMPDIR:-/tmp}/omniline-reads.XXXXXX")
fi
LOG="$OUT/server-reads.log"
RUN="$OUT/run-reads.json"
ADMIN_EMAIL=bench-admin@example.com
ADMIN_PASSWORD=bench-admin-password
OPERATOR_EMAIL=bench-operator@example.com
OPERATOR_PASSWORD=bench-operator-password
SERVER_PID=
rm -f "$RUN"

cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 300); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  [ -n "$KEEP_DATA" ] || rm -rf "$DATA"
}
trap cleanup EXIT

FILL_S=null
if [ -e "$DATA/omniline.db" ]; then
  echo "== fill: reusing $DATA"
else
  "$SERVER_BIN" user add --data-dir "$DATA" --email "$ADMIN_EMAIL" --name "Bench Admin" \
    --role admin --password "$ADMIN_PASSWORD" >/dev/null
  "$SERVER_BIN" user add --data-dir "$DATA" --email "$OPERATOR_EMAIL" --name "Bench Operator" \
    --role operator --password "$OPERATOR_PASSWORD" >/dev/null

  echo "== fill: omniline demo --dialogs $DIALOGS --messages-per-dialog $MESSAGES"
  T0=$(date +%s.%N)
  "$SERVER_BIN" demo --data-dir "$DATA" --dialogs "$DIALOGS" --messages-per-dialog "$MESSAGES"
  T1=$(date +%s.%N)
  FILL_S=$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.1f", b - a }')
fi
DB_BYTES=$(du -cb "$DATA"/omniline.db* | tail -1 | cut -f1)
echo "fill: $FILL_S s, database $((DB_BYTES / 1048576)) MiB"

OMNILINE_ACCESS_LOG=false OMNILINE_WEB_DIR= \
  "$SERVER_BIN" serve --listen 127.0.0.1:0 --data-dir "$DATA" >"$LOG" 2>&1 &
SERVER_PID=$!
PORT=
for _ in $(seq 1 3000); do  # a first start on a big database may migrate for a while
  PORT=$(sed -n 's#.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*#\1#p' "$LOG" | head -1)
  [ -n "$PORT" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$LOG" >&2; echo "bench-reads.sh: server did not start" >&2; exit 1; }
  sleep 0.1
done
[ -n "$PORT" ] || { cat "$LOG" >&2; echo "bench-reads.sh: server did not listen in time" >&2; exit 1; }

echo "== reads: omniline_read_bench ${BENCH_ARGS[*]}"
FAILED=0
if ! "$BENCH_BIN" --server "http://127.0.0.1:$PORT" --admin-email "$ADMIN_EMAIL" \
    --admin-password "$ADMIN_PASSWORD" --operator-email "$OPERATOR_EMAIL" \
    --operator-password "$OPERATOR_PASSWORD" --dialogs "$DIALOGS" --label reads \
    --json "$RUN" "${BENCH_ARGS[@]}"; then
  FAILED=1
  echo "bench-reads.sh: the read benchmark failed" >&2
fi
[ -s "$RUN" ] || echo '{"label":"reads","ok":false}' >"$RUN"
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  echo "bench-reads.sh: the server died during the benchmark" >&2
  tail -20 "$LOG" >&2
  FAILED=1
fi

REPORT="$OUT/report-reads.json"
jq --arg date "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --arg host "$(uname -srm)" \
  --arg cpus "$(nproc)" --arg server "$SERVER_BIN" --argjson smoke "$SMOKE" \
  --argjson dialogs "$DIALOGS" --argjson messages "$MESSAGES" --argjson fill "$FILL_S" \
  --argjson db "$DB_BYTES" \
  '{date: $date, machine: {uname: $host, cpus: ($cpus|tonumber)}, server: $server,
    smoke: ($smoke == 1), storage: "SQLite, synchronous=FULL, WAL",
    fill: {dialogs: $dialogs, messages_per_dialog: $messages, seconds: $fill,
           database_bytes: $db},
    reads: .}' "$RUN" >"$REPORT"

echo
echo "Read paths: $DIALOGS dialogs × $MESSAGES messages, fill $FILL_S s"
jq -r '.reads.kinds[]? | [.kind, .requests, (.per_s|floor), .latency.p50_ms, .latency.p99_ms,
       .latency.p99_9_ms, .latency.max_ms, .target_p99_ms,
       (if .meets_target then "ok" else "MISSED" end), .errors] | @tsv' "$REPORT" |
  awk -F'\t' 'BEGIN { printf "%-38s %8s %6s %8s %8s %8s %8s %7s %6s %6s\n", "kind", "requests",
                      "req/s", "p50 ms", "p99 ms", "p99.9 ms", "max ms", "target", "p99", "errors" }
              { printf "%-38s %8s %6s %8.2f %8.2f %8.2f %8.2f %7s %6s %6s\n",
                       $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }'
echo
echo "report: $REPORT"
exit $FAILED
