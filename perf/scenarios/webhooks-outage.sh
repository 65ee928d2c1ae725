#!/usr/bin/env bash
# The receiver down for 60 s while events flow, a private redis-server (AOF, fsync always) killed -9
# and restarted in the middle of it, then the receiver up: everything delivered, none dead-lettered,
# at most 5 attempts per message. The retry schedule must span the outage: 0s,5s,20s,40s,60s
# (125 s in all, not the production default, so the scenario takes minutes, not hours).
# The breaker parks an endpoint for --webhook-park (1 s), doubling up to 60 times that, after 5
# failures, and dead-letters held jobs older than the schedule's span; EXTRA_EDGE_FLAGS can pass
# e.g. --webhook-park 200ms to try another cool-down.
# Usage: perf/scenarios/webhooks-outage.sh [publishing seconds, default 30]
# Set before webhooks-lib.sh, which falls back to the production schedule (whose third attempt
# comes 5 minutes later, past the run's settling time) only when SCHEDULE is unset.
SCHEDULE=${SCHEDULE:-0s,5s,20s,40s,60s}
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/webhooks-lib.sh"
REDIS_PORT=${REDIS_PORT:-16390}
OWN_REDIS=redis://127.0.0.1:$REDIS_PORT
SECONDS_PUBLISHING=${1:-30}
require_webhooks
DIR=$(mktemp -d "${TMPDIR:-/tmp}/webhooks-outage.XXXXXX")
PREFIX=perfwhout$$
start_own_redis "$REDIS_PORT" "$DIR"
start_webhook_setup "$PREFIX" "$OWN_REDIS"
OUT=$RESULTS/webhooks-outage-$$.json
webhook_load webhooks-outage --api http://127.0.0.1:18080 --publish redis --redis "$OWN_REDIS" --redis-prefix "$PREFIX" \
  --count-dead-letters --endpoints 100 --rate 1000 --duration "${SECONDS_PUBLISHING}s" \
  --settle-quiet 150s --settle-max 600s --server-pid "$EDGE_PID" --quiet > "$OUT" &
LOAD=$!
sleep $((4 + SECONDS_PUBLISHING / 3))
echo "receiver down" >&2
receiver_ctl /down > /dev/null
# Publishing has ended by now: the restart tests what Redis keeps, not what a publisher resends.
sleep 30
echo "redis-server kill -9 and restart on its AOF" >&2
kill_hard "$REDIS_PID"
start_own_redis "$REDIS_PORT" "$DIR"
sleep 30
echo "receiver up" >&2
receiver_ctl /up > /dev/null
wait "$LOAD"
LOAD_LINE=$(tail -1 "$OUT")
verdict "everything delivered" 'r["unaccounted"] == 0 and r["dead_lettered"] == 0 and r["publish_failed"] == 0' "$LOAD_LINE"
verdict "attempts per message <= 5" 'r["receiver"]["attempts_per_message_max"] <= 5' "$LOAD_LINE"
# What the dispatcher still holds, for a run that did not settle: jobs by state, the group's pending
# entries, and the edge's deferral and attempt counters.
R=(redis-cli -p "$REDIS_PORT")
echo "left in Redis: jobs $("${R[@]}" hlen "$PREFIX:{0}:webhooks:jobs") due $("${R[@]}" zcard "$PREFIX:{0}:webhooks:due")" \
  "leased $("${R[@]}" zcard "$PREFIX:{0}:webhooks:leased")" \
  "group pending $("${R[@]}" xpending "$PREFIX:{0}:firehose" webhooks | head -1)" \
  "first due $("${R[@]}" zrange "$PREFIX:{0}:webhooks:due" 0 0 withscores | tr '\n' ' ')" \
  "redis time $("${R[@]}" time | head -1)" >&2
curl -s "http://127.0.0.1:$EDGE_ADMIN_PORT/metrics" 2>/dev/null | grep -E '^motioness_webhook_(attempts|deferred|dropped|dead|endpoints_parked)' >&2 || true
stop_started
rm -rf "$DIR"
