#!/usr/bin/env bash
# Open rate: how fast new streams are accepted and what each costs the server's CPU, once the edge
# runs compiled code. idle-hold.sh's warm-up (as many streams as measured) leaves the JIT busy:
# C2 compiles the per-connection path after ~15,000 connections or more (its thresholds grow with
# its queue), so half of the CPU that run counts per stream is the compiler's. Here ROUNDS
# open-and-close rounds of as many streams come first (their lines are not kept), then the
# measured idle-hold run; Nchan gets the same rounds, so both sides are compared alike.
# CLIENT_THREADS: the load generator's event loops (default 1, as idle-hold.sh). GEN_ROUNDS: warm-up
# rounds inside the measuring process (default 1): the rounds above warm the server, but each is a
# process of its own, and the measuring one compiles its connection path during the measured opens
# unless it opened tens of thousands before (about half its CPU per stream is then its JIT's).
# Usage: [CLIENT_THREADS=N] [GEN_ROUNDS=N] perf/scenarios/open-rate.sh [edge|nchan] [streams, default 10000] [rounds, default 2]
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
  --warmup-streams "$STREAMS" --warmup-rounds "${GEN_ROUNDS:-1}" --client-threads "${CLIENT_THREADS:-1}" --hold 10s \
  --server-pid "$SERVER_PIDS" --quiet
