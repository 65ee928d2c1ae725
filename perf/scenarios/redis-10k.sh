#!/usr/bin/env bash
# 10,000 streams over 1,000 assets at 1,000 events/s, published through Redis (FCALL
# motioness_publish, as producers do) and read by the edge's XREAD reader.
# Usage: perf/scenarios/redis-10k.sh [duration, default 30s]
source "$(dirname "$0")/lib.sh"
PREFIX=perfredis$$
start_edge 18080 --redis "$REDIS" --redis-prefix "$PREFIX"
harness "redis-10k" --url "http://127.0.0.1:18080/v1/$KEY/events/{asset}" --streams 10000 --assets 1000 \
  --publish redis --redis "$REDIS" --redis-prefix "$PREFIX" --rate 1000 --duration "${1:-30s}" --warmup 5s --warmup-streams 10000 \
  --server-pid "$EDGE_PID" --quiet
redis-cli --scan --pattern "$PREFIX:*" | xargs -r -n 1000 redis-cli del > /dev/null
