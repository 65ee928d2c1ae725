#!/usr/bin/env bash
# One hot asset, 10,000 subscribers: each event goes to every one of them. First 5 events/s for
# latency (one client loop), then each rate in turn (events/s; deliveries/s are 10,000 times that)
# to find the most that is delivered when the server is pushed past what it sustains.
# Usage: perf/scenarios/hot-asset.sh [edge|nchan] [rates, default "10 20 40 60"; " " for 5 events/s alone]
source "$(dirname "$0")/lib.sh"
SERVER=${1:-edge}
RATES=${2:-10 20 40 60}
start_target "$SERVER" 18080
# The edge's own publish to last-write time goes beside the clients' (Nchan has no such figure).
METRICS=()
[[ $SERVER == edge ]] && METRICS=(--server-metrics "http://127.0.0.1:$EDGE_ADMIN_PORT/metrics")
harness "hot-asset-$SERVER-5" --url "$URL" --streams 10000 --assets 1 "${PUBLISH[@]}" --rate 5 \
  --duration 15s --warmup 3s --warmup-streams 10000 --client-threads 1 --server-pid "$SERVER_PIDS" --quiet \
  "${METRICS[@]}"
for rate in $RATES; do
  harness "hot-asset-$SERVER-$rate" --url "$URL" --streams 10000 --assets 1 "${PUBLISH[@]}" --rate "$rate" \
    --duration 15s --warmup 3s --server-pid "$SERVER_PIDS" --quiet "${METRICS[@]}"
done
