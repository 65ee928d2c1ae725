#!/usr/bin/env bash
# The project activity feed: 1,000 dashboard streams (session cookie) of one project whose 100
# assets publish 100 events/s in all; every stream gets every event.
# Usage: perf/scenarios/activity-feed.sh
source "$(dirname "$0")/lib.sh"
start_edge 18080
harness "activity-feed" --url "http://127.0.0.1:18080/api/projects/perf/activity" \
  --header "Cookie: better-auth.session_token=$SESSION" --streams 1000 --assets 100 \
  --publish ingest --ingest-token "$TOKEN" --rate 100 --duration 15s --warmup 3s --server-pid "$EDGE_PID" --quiet
