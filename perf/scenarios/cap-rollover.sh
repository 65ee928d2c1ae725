#!/usr/bin/env bash
# Cap rollover: a 10 s stream cap, so each of 10,000 streams is closed by the server about three
# times in 30 s while 500 events/s are published; each reconnects at once with its Last-Event-ID.
# Usage: perf/scenarios/cap-rollover.sh
# Nginx+Nchan has no equivalent: its subscriber timeout restarts with every message (an idle
# timeout, see perf/nchan/README.md), so streams that receive events are never capped.
source "$(dirname "$0")/lib.sh"
SERVER=edge
start_target "$SERVER" 18080 10
harness "cap-rollover-$SERVER" --url "$URL" --streams 10000 --assets 1000 "${PUBLISH[@]}" --rate 500 \
  --duration 30s --warmup 2s --server-pid "$SERVER_PIDS" --quiet
