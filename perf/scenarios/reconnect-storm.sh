#!/usr/bin/env bash
# Reconnect storm: 10,000 streams over 1,000 assets while 500 events/s are published; 5 s in, every
# connection drops at once and each stream comes back with its Last-Event-ID. Lost, duplicated
# and how long the last one took to come back.
# Usage: perf/scenarios/reconnect-storm.sh [edge|nchan]
source "$(dirname "$0")/lib.sh"
SERVER=${1:-edge}
start_target "$SERVER" "${PORT:-18080}"
harness "reconnect-storm-$SERVER" --url "$URL" --streams 10000 --assets 1000 "${PUBLISH[@]}" --rate 500 \
  --duration 12s --warmup 2s --storm-after 5s --warmup-streams 10000 --server-pid "$SERVER_PIDS" --quiet
