#!/usr/bin/env bash
# What TLS and HTTP/2 cost (issue 14), in one run with one load generator, each case on a fresh
# server:
#   1. idle streams: resident memory per stream and accept rate over cleartext HTTP/1.1, TLS
#      HTTP/1.1 (one full handshake per stream), TLS h2 and h2c (100 streams per connection), and
#      TLS ended by nginx in front of the edge's cleartext port (HTTP/1.1 and h2 clients; the
#      memory is nginx's and the edge's together);
#   2. TLS handshakes per second: the same HTTP/1.1 streams resuming the warm-up's sessions;
#   3. one hot asset, 10,000 subscribers: deliveries/s and latency per rate, cleartext against
#      TLS HTTP/1.1 and TLS h2.
# Needs openssl, and nginx for the two proxied cases (apt-get install -y nginx; skipped without it).
# Usage: perf/scenarios/tls.sh [idle streams, default 10000] [hot rates, default "5 20 40"]
source "$(dirname "$0")/lib.sh"
STREAMS=${1:-10000}
RATES=${2:-5 20 40}
tls_files
TLS=(--tls-cert "$TLS_CERT" --tls-key "$TLS_KEY" --cleartext-port 18081)
CLEAR_URL="http://127.0.0.1:18080/v1/$KEY/events/{asset}"
TLS_URL="https://127.0.0.1:18443/v1/$KEY/events/{asset}"
PROXY_URL="https://127.0.0.1:18444/v1/$KEY/events/{asset}"
INGEST=(--publish ingest --ingest-token "$TOKEN")

# idle LABEL URL PIDS [harness flags...]: streams held idle after a warm-up of as many; one client
# loop leaves the other core to the server.
idle() {
  harness "tls-idle-$1" --url "$2" --streams "$STREAMS" --assets 100 "${INGEST[@]}" \
    --warmup-streams "$STREAMS" --client-threads 1 --hold 10s --server-pid "$3" --quiet "${@:4}"
  stop_started
}

start_edge 18080
idle clear-http1 "$CLEAR_URL" "$EDGE_PID"
start_edge 18443 "${TLS[@]}"
idle tls-http1 "$TLS_URL" "$EDGE_PID" --ingest-port 18081
start_edge 18443 "${TLS[@]}"
idle tls-http1-resumed "$TLS_URL" "$EDGE_PID" --ingest-port 18081 --tls-resume
start_edge 18443 "${TLS[@]}"
idle tls-h2 "$TLS_URL" "$EDGE_PID" --ingest-port 18081 --http2
start_edge 18080
idle h2c "$CLEAR_URL" "$EDGE_PID" --http2
if [[ -x /usr/sbin/nginx ]]; then
  start_edge 18080
  start_nginx_tls 18444 18080
  idle nginx-tls-http1 "$PROXY_URL" "$EDGE_PID,$NGINX_PIDS" --ingest-port 18080
  start_edge 18080
  start_nginx_tls 18444 18080
  idle nginx-tls-h2 "$PROXY_URL" "$EDGE_PID,$NGINX_PIDS" --ingest-port 18080 --http2
else
  echo "no /usr/sbin/nginx: the proxied cases are skipped (apt-get install -y nginx)" >&2
fi

# hot LABEL URL [harness flags...]: 5 events/s on one client loop for latency, then each rate.
hot() {
  local rate threads
  for rate in $RATES; do
    threads=2
    [[ $rate == 5 ]] && threads=1
    harness "tls-hot-$1-$rate" --url "$2" --streams 10000 --assets 1 "${INGEST[@]}" --rate "$rate" \
      --duration 15s --warmup 3s --warmup-streams 10000 --client-threads "$threads" --server-pid "$EDGE_PID" \
      --quiet "${@:3}"
  done
  stop_started
}

start_edge 18080
hot clear-http1 "$CLEAR_URL"
start_edge 18443 "${TLS[@]}"
hot tls-http1 "$TLS_URL" --ingest-port 18081
start_edge 18443 "${TLS[@]}"
hot tls-h2 "$TLS_URL" --ingest-port 18081 --http2
