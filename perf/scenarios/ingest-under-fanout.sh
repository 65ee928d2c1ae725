#!/usr/bin/env bash
# Ingest answered while the fan-out saturates the node (issue 15): 10,000 streams take RATE events/s
# published through the ingest, open loop, and each ingest request's answer time is measured from
# its first event's intended send time (ingest_answer_us). Two producers: one connection with one
# hot asset (10,000 subscribers), and MANY connections with MANY assets (10,000 / MANY subscribers
# each, the same deliveries per second), each asset pinned to one connection.
# This tree's edge is measured on its public port and on its ingest listener (--ingest-port, its
# own event loop); with BEFORE_ROOT=<another tree built with package>, that tree's edge is measured
# first on its public port, in the same sitting.
# Usage: [BEFORE_ROOT=/path/to/old/tree] perf/scenarios/ingest-under-fanout.sh [rate, default 40] [many, default 8]
source "$(dirname "$0")/lib.sh"
RATE=${1:-40}
MANY=${2:-8}
# Below the load generators' source ports (10000-65000): on a shared box 18080 was sometimes one of them.
PORT=${PORT:-8380}

# measure TAG [harness flags...]: one connection and one hot asset, then MANY of each.
measure() {
  local tag=$1; shift
  harness "ingest-under-fanout-$tag-1" --url "http://127.0.0.1:$PORT/v1/$KEY/events/{asset}" --streams 10000 \
    --assets 1 --publish ingest --ingest-token "$TOKEN" --ingest-connections 1 --rate "$RATE" --duration 15s \
    --warmup 3s --server-pid "$EDGE_PID" --quiet "$@"
  harness "ingest-under-fanout-$tag-$MANY" --url "http://127.0.0.1:$PORT/v1/$KEY/events/{asset}" --streams 10000 \
    --assets "$MANY" --publish ingest --ingest-token "$TOKEN" --ingest-connections "$MANY" --rate "$RATE" \
    --duration 15s --warmup 3s --server-pid "$EDGE_PID" --quiet "$@"
}

if [[ -n ${BEFORE_ROOT:-} ]]; then
  EDGE_JAR=$BEFORE_ROOT/edge/target/motioness-edge.jar
  [[ -f $EDGE_JAR ]] || { echo "no $EDGE_JAR: build that tree with package first" >&2; exit 2; }
  start_edge "$PORT" --max-stream-duration 300s
  measure before-public
  stop_started
fi

EDGE_JAR=$ROOT/edge/target/motioness-edge.jar
# Any free port: a fixed one may be some load generator's source port at that moment.
start_edge "$PORT" --max-stream-duration 300s --ingest-port 0
INGEST_PORT=$(grep -m1 -o 'ingest listener on /[0-9.]*:[0-9]*' "$RESULTS/edge-$PORT-$$-$EDGES.log" | grep -o '[0-9]*$')
measure after-public
measure after-ingest-port --ingest-port "$INGEST_PORT"
