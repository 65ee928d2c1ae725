#!/usr/bin/env bash
# Open rounds: CPU per stream opened and closed, from the server's own threads (/proc), round by
# round: each round is one harness run (as many warm-up streams as measured, then the measured
# ones, then all closed). The first rounds show the JIT at work; the later ones the steady cost,
# less sensitive to a busy machine than the harness's window-based figure.
# Usage: perf/scenarios/open-rounds.sh [edge|nchan] [rounds, default 6] [streams, default 10000]
source "$(dirname "$0")/lib.sh"
SERVER=${1:-edge}
ROUNDS=${2:-6}
STREAMS=${3:-10000}
start_target "$SERVER" "${PORT:-18080}"

# Prints "thread-name cpu-ticks" for every thread of the server's processes (threads' numbers
# folded, so that a pool's threads add up).
thread_cpu() {
  local pid task
  for pid in ${SERVER_PIDS//,/ }; do
    for task in /proc/"$pid"/task/*; do
      # Fields 14 and 15 (utime, stime) after the command name, which may hold spaces.
      echo "$(tr -d '0-9' < "$task/comm" | tr ' ' '_') $(sed 's/.*) //' "$task/stat" | awk '{print $12 + $13}')"
    done 2>/dev/null
  done | awk '{cpu[$1] += $2} END {for (n in cpu) print n, cpu[n]}'
}

ticks=$(getconf CLK_TCK)
for round in $(seq 1 "$ROUNDS"); do
  before=$(thread_cpu)
  # shellcheck disable=SC2086
  line=$(java $PERF_JVM -jar "$PERF_JAR" --url "$URL" --streams "$STREAMS" --assets 100 "${PUBLISH[@]}" \
    --warmup-streams "$STREAMS" --client-threads 1 --hold 1s --server-pid "$SERVER_PIDS" --quiet)
  after=$(thread_cpu)
  rate=$(grep -o '"accepted_per_s":[0-9]*' <<< "$line" | cut -d: -f2)
  # CPU per stream opened and closed (2 x STREAMS per round), all threads and by thread kind.
  join <(sort <<< "$before") <(sort <<< "$after") | awk -v r="$round" -v rate="$rate" -v t="$ticks" \
    -v n=$((2 * STREAMS)) -v la="$(cut -d' ' -f1 /proc/loadavg)" '
    { d = ($3 - $2) * 1e6 / t / n; all += d; if (d >= 0.5) by = by sprintf(" %s=%.1f", $1, d) }
    END { printf "round %d: accepted/s %s, server us per stream opened and closed %.1f (%s) load %s\n", r, rate, all, substr(by, 2), la }'
done
