#!/usr/bin/env bash
# Event ingested -> webhook received at 1,000 events/s over 100 endpoints (one project each),
# published through Redis (FCALL motioness_publish, as producers do) and dispatched by one edge
# with --webhooks; targets p50 <= 10 ms and p99 <= 50 ms. A warm-up run first (WARMUP, default 10s)
# warms the edge and the receiver up; the receiver's counts are reset after it. The JVMs' JIT and the
# heap's first resizing keep working well past 10 s on two cores shared by four processes: WARMUP=30s
# measures the steady state, the default the first minute after start.
# Usage: [WARMUP=30s] perf/scenarios/webhooks-latency.sh [duration, default 30s]
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/webhooks-lib.sh"
PREFIX=perfwh$$
start_webhook_setup "$PREFIX" "$REDIS"
COMMON=(--api http://127.0.0.1:18080 --publish redis --redis "$REDIS" --redis-prefix "$PREFIX"
  --count-dead-letters --endpoints 100 --rate 1000 --server-pid "$EDGE_PID" --quiet)
webhook_load webhooks-latency-warmup "${COMMON[@]}" --duration "${WARMUP:-10s}" > /dev/null
receiver_ctl /reset > /dev/null
webhook_load webhooks-latency "${COMMON[@]}" --duration "${1:-30s}"
verdict "p50 <= 10 ms" 'r["receiver"]["latency_ms"]["p50"] <= 10' "$LOAD_LINE"
verdict "p99 <= 50 ms" 'r["receiver"]["latency_ms"]["p99"] <= 50' "$LOAD_LINE"
verdict "all delivered" 'r["unaccounted"] == 0 and r["receiver"]["bad_signatures"] == 0' "$LOAD_LINE"
drop_keys "$REDIS" "$PREFIX"
