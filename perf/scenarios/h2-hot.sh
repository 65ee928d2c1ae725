#!/usr/bin/env bash
# One hot asset to 10,000 streams over HTTP/2 (100 streams per connection), two client loops, at
# each rate in turn: deliveries/s, CPU per delivery, latency and the edge's RSS growth, past what
# the HTTP/2 path sustains. Cleartext (h2c, prior knowledge) by default; TLS=1 for h2 over TLS
# (ALPN; events published through the edge's cleartext port; needs openssl). With
# BEFORE_ROOT=<another tree built with package>, that tree's edge is measured first at each rate,
# in the same sitting.
# Usage: [TLS=1] [BEFORE_ROOT=/path/to/old/tree] perf/scenarios/h2-hot.sh [rates, default "20 40"]
source "$(dirname "$0")/lib.sh"
RATES=${1:-20 40}
PORT=${PORT:-8385}
SCHEME=http
SERVER_FLAGS=()
CLIENT_FLAGS=()
if [[ ${TLS:-0} == 1 ]]; then
  tls_files
  SCHEME=https
  SERVER_FLAGS=(--tls-cert "$TLS_CERT" --tls-key "$TLS_KEY" --cleartext-port $((PORT + 1)))
  CLIENT_FLAGS=(--ingest-port $((PORT + 1)))
fi

measure() { # TAG RATE
  start_edge "$PORT" --max-stream-duration 300s "${SERVER_FLAGS[@]}"
  harness "h2-hot-$SCHEME-$1-$2" --url "$SCHEME://127.0.0.1:$PORT/v1/$KEY/events/{asset}" --streams 10000 \
    --assets 1 --publish ingest --ingest-token "$TOKEN" --rate "$2" --duration 12s --warmup 3s \
    --warmup-streams 10000 --client-threads 2 --server-pid "$EDGE_PID" --quiet --http2 "${CLIENT_FLAGS[@]}"
  stop_started
}

for rate in $RATES; do
  if [[ -n ${BEFORE_ROOT:-} ]]; then
    EDGE_JAR=$BEFORE_ROOT/edge/target/motioness-edge.jar
    [[ -f $EDGE_JAR ]] || { echo "no $EDGE_JAR: build that tree with package first" >&2; exit 2; }
    measure before "$rate"
  fi
  EDGE_JAR=$ROOT/edge/target/motioness-edge.jar
  measure after "$rate"
done
