#!/usr/bin/env bash
# 1,000 subscribers of one asset at 1,000 events/s: a million deliveries a second offered.
# Usage: perf/scenarios/thousand-at-thousand.sh [edge|nchan]
source "$(dirname "$0")/lib.sh"
SERVER=${1:-edge}
start_target "$SERVER" 18080
harness "thousand-at-thousand-$SERVER" --url "$URL" --streams 1000 --assets 1 "${PUBLISH[@]}" --rate 1000 \
  --duration 15s --warmup 3s --server-pid "$SERVER_PIDS" --quiet
