#!/usr/bin/env bash
# Open rate: how fast new streams are accepted and what each costs the server's CPU, once the edge
# runs compiled code. idle-hold.sh's warm-up (as many streams as measured) leaves the JIT busy:
# C2 compiles the per-connection path after ~15,000 connections or more (its thresholds grow with
# its queue), so half of the CPU that run counts per stream is the compiler's. Here ROUNDS
# open-and-close rounds of as many streams come first (their lines are not kept), then the
# measured idle-hold run; Nchan gets the same rounds, so both sides are compared alike.
# CLIENT_THREADS: the load generator's event loops (default 1, as idle-hold.sh).
# Usage: [CLIENT_THREADS=N] perf/scenarios/open-rate.sh [edge|nchan] [streams, default 10000] [rounds, default 2]
source "$(dirname "$0")/lib.sh"
SERVER=${1:-edge}
STREAMS=${2:-10000}
ROUNDS=${3:-2}
start_target "$SERVER" "${PORT:-18080}"
for _ in $(seq 1 "$ROUNDS"); do
  # shellcheck disable=SC2086
  java $PERF_JVM -jar "$PERF_JAR" --url "$URL" --streams "$STREAMS" --assets 100 "${PUBLISH[@]}" \
    --warmup-streams "$STREAMS" --client-threads "${CLIENT_THREADS:-1}" --hold 1s --server-pid "$SERVER_PIDS" --quiet > /dev/null
done
harness "open-rate-$SERVER" --url "$URL" --streams "$STREAMS" --assets 100 "${PUBLISH[@]}" \
  --warmup-streams "$STREAMS" --client-threads "${CLIENT_THREADS:-1}" --hold 10s --server-pid "$SERVER_PIDS" --quiet
