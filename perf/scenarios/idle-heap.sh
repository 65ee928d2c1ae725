#!/usr/bin/env bash
# Live heap per idle stream: the edge's heap after a full GC with no stream and with N streams
# held (jcmd GC.run, then GC.heap_info). Resident memory alone cannot tell it: a pre-touched heap
# is resident before the first stream, a growing one grows by more than the streams keep.
# Usage: perf/scenarios/idle-heap.sh [streams, default 19000]
source "$(dirname "$0")/lib.sh"
STREAMS=${1:-19000}
EDGE_JVM=${EDGE_JVM_HEAP:--Xms512m -Xmx512m -XX:+UseG1GC}
start_edge 18080
heap_kib() {
  jcmd "$EDGE_PID" GC.run > /dev/null
  jcmd "$EDGE_PID" GC.heap_info | grep -o 'used [0-9]*K' | head -1 | tr -dc 0-9
}
before=$(heap_kib)
# shellcheck disable=SC2086
java $PERF_JVM -jar "$PERF_JAR" --url "http://127.0.0.1:18080/v1/$KEY/events/{asset}" --streams "$STREAMS" \
  --assets 100 --publish ingest --ingest-token "$TOKEN" --client-threads 1 --hold 30s --quiet > /dev/null &
loader=$!
for _ in $(seq 1 120); do
  [ "$(ss -Htn state established "( sport = :18080 )" | wc -l)" -ge "$STREAMS" ] && break
  sleep 0.5
done
held=$(ss -Htn state established "( sport = :18080 )" | wc -l)
after=$(heap_kib)
wait "$loader"
echo "{\"label\":\"idle-heap\",\"streams_held\":$held,\"heap_kib_before\":$before,\"heap_kib_held\":$after,\"heap_bytes_per_stream\":$(( (after - before) * 1024 / held )),\"date\":\"$(date -u +%FT%TZ)\",\"edge_jvm\":\"$EDGE_JVM\"}" \
  | tee -a "$RESULTS/results.jsonl"
