#!/usr/bin/env bash
# A node that is not saturated: 19,000 streams over 200 assets, each asset's event every 5 s on
# average (RATE events/s over one ingest connection), heartbeats every 5 s, so each tick pings
# thousands of idle streams while ingest requests are answered. What a change to the loops'
# turns (delivery and heartbeat slices) costs a node far from saturation; with BEFORE_ROOT=<another
# tree built with package>, that tree's edge is measured first, in the same sitting.
# Usage: [BEFORE_ROOT=/path/to/old/tree] perf/scenarios/ingest-idle-node.sh [rate, default 40]
source "$(dirname "$0")/lib.sh"
RATE=${1:-40}
PORT=${PORT:-8384}

measure() { # TAG
  start_edge "$PORT" --max-stream-duration 300s --ping-interval 5s
  harness "ingest-idle-node-$1" --url "http://127.0.0.1:$PORT/v1/$KEY/events/{asset}" --streams 19000 \
    --assets 200 --publish ingest --ingest-token "$TOKEN" --ingest-connections 1 --rate "$RATE" --duration 45s \
    --warmup 2s --server-pid "$EDGE_PID" --quiet
  stop_started
}

if [[ -n ${BEFORE_ROOT:-} ]]; then
  EDGE_JAR=$BEFORE_ROOT/edge/target/motioness-edge.jar
  [[ -f $EDGE_JAR ]] || { echo "no $EDGE_JAR: build that tree with package first" >&2; exit 2; }
  measure before
fi
EDGE_JAR=$ROOT/edge/target/motioness-edge.jar
measure after
