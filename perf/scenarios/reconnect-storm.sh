#!/usr/bin/env bash
# Reconnect storm: 10,000 streams over 1,000 assets while 500 events/s are published; 5 s in, every
# connection drops at once and each stream comes back with its Last-Event-ID. Lost, duplicated
# and how long the last one took to come back.
# WARM=N first runs N whole storms on the same server, unmeasured: a fresh edge spends about half
# of its CPU in such a run compiling (the JIT: async-profiler over a cold run, docs/perf.md), and
# its warm-up of plain opens does not reach the reconnect path. WARM=0 (the default) measures the
# cold server, as a deploy's new nodes meet the storm; WARM=1 a node that has served one before.
# Usage: [WARM=N] perf/scenarios/reconnect-storm.sh [edge|nchan]
source "$(dirname "$0")/lib.sh"
SERVER=${1:-edge}
start_target "$SERVER" "${PORT:-18080}"
STORM=(--url "$URL" --streams 10000 --assets 1000 "${PUBLISH[@]}" --rate 500 --duration 12s --warmup 2s
  --storm-after 5s --warmup-streams 10000 --server-pid "$SERVER_PIDS" --quiet)
for _ in $(seq 1 "${WARM:-0}"); do
  # shellcheck disable=SC2086
  java $PERF_JVM -jar "$PERF_JAR" "${STORM[@]}" > /dev/null
done
harness "reconnect-storm-$SERVER$([[ ${WARM:-0} -gt 0 ]] && echo -warm)" "${STORM[@]}"
