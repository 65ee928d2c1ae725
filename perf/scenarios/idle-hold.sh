#!/usr/bin/env bash
# Idle hold: streams held open, nothing published. What one stream costs the server in resident
# memory, and how fast new streams are accepted.
# Usage: perf/scenarios/idle-hold.sh [edge|nchan] [streams, default 19000]
source "$(dirname "$0")/lib.sh"
SERVER=${1:-edge}
STREAMS=${2:-19000}
start_target "$SERVER" "${PORT:-18080}"
# The warm-up opens and closes as many streams first, so both sides run compiled code; one client
# loop leaves the other core to the server.
harness "idle-hold-$SERVER" --url "$URL" --streams "$STREAMS" --assets 100 "${PUBLISH[@]}" \
  --warmup-streams "$STREAMS" --client-threads 1 --hold 10s --server-pid "$SERVER_PIDS" --quiet
