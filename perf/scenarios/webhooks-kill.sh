#!/usr/bin/env bash
# Two edges with --webhooks share the dispatch (one consumer group); events go in through edge A's
# ingest at 1,000/s over 100 endpoints, and edge B is killed -9 halfway through the publishing and
# started again 5 s later. Every event the ingest acknowledged must be delivered or dead-lettered;
# duplicates (deliveries in flight at the kill, sent again after XAUTOCLAIM) are counted.
# Usage: perf/scenarios/webhooks-kill.sh [publishing seconds, default 30]
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/webhooks-lib.sh"
PREFIX=perfwhkill$$
SECONDS_PUBLISHING=${1:-30}
start_webhook_setup "$PREFIX" "$REDIS"
EDGE_A=$EDGE_PID
start_edge 18081 --redis "$REDIS" --redis-prefix "$PREFIX" "${WEBHOOK_FLAGS[@]}"
EDGE_B=$EDGE_PID
OUT=$RESULTS/webhooks-kill-$$.json
# Edge A's CPU only: B's PID changes at the restart.
webhook_load webhooks-kill --api http://127.0.0.1:18080 --publish ingest --redis "$REDIS" --redis-prefix "$PREFIX" \
  --count-dead-letters --endpoints 100 --rate 1000 --duration "${SECONDS_PUBLISHING}s" --settle-max 300s \
  --server-pid "$EDGE_A" --quiet > "$OUT" &
LOAD=$!
# Registration and the driver's 2 s pause take about 4 s; then halfway through the publishing.
sleep $((4 + SECONDS_PUBLISHING / 2))
echo "kill -9 edge B ($EDGE_B)" >&2
kill_hard "$EDGE_B"
sleep 5
start_edge 18081 --redis "$REDIS" --redis-prefix "$PREFIX" "${WEBHOOK_FLAGS[@]}"
echo "edge B restarted ($EDGE_PID)" >&2
wait "$LOAD"
LOAD_LINE=$(tail -1 "$OUT")
verdict "none lost" 'r["publish_failed"] == 0 and r["unaccounted"] == 0' "$LOAD_LINE"
python3 -c 'import json,sys; r=json.loads(sys.argv[1])["receiver"]; print("duplicates:", r["duplicates"], "attempts per message max:", r["attempts_per_message_max"])' "$LOAD_LINE"
drop_keys "$REDIS" "$PREFIX"
