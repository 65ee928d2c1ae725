#!/usr/bin/env bash
# Memory per idle stream, honestly: for each JVM flag set, on a fresh edge, the RSS growth per
# stream while N streams open, and the live heap per stream after a full GC, by class
# (GC.class_histogram with the N streams held, minus the same once they closed).
# Usage: perf/scenarios/idle-memory.sh [streams, default 19000] [flag set...]
#   flag sets: "recommended" (docs/deploy.md's MOTIONESS_JVM_FLAGS without AlwaysPreTouch: the
#   heap's pages are charged to the streams that touch them), "pretouched" (the same with it: the
#   honest figure is then the RSS growth plus the live heap growth), "plain" (java -jar), or any
#   quoted JVM flags. Default: recommended pretouched plain.
# BEFORE=/other/tree also measures that tree's build (`./mvnw -o -B -q package -DskipTests`), each
# set on it first and then on this one: before and after in one sitting.
# WARMUP streams are opened and closed first (default: as many, as idle-hold.sh does). The harness
# takes its RSS baseline before them, so what the warm-up leaves resident (compiled code, heap
# regions holding the warm-up's dead streams) is charged to the streams too; WARMUP=0 gives what a
# fresh process grows by.
# H2=1 opens the streams over HTTP/2 (h2c with prior knowledge, the harness's 100 streams per
# connection): the figure per stream then includes a hundredth of a connection.
# NMT=1 runs the edge with -XX:NativeMemoryTracking=summary and keeps, beside the histograms,
# `jcmd VM.native_memory summary.diff` from just before the harness starts to the streams held:
# which of the JVM's categories (Java Heap, GC, Other = direct buffers, ...) the streams grew.
source "$(dirname "$0")/lib.sh"
STREAMS=${1:-19000}
shift || true
SETS=("$@")
[[ ${#SETS[@]} -gt 0 ]] || SETS=(recommended pretouched plain)
# Below the harness's source ports (10000-65000), which another run on this host may hold, and
# not the other scenarios' 18080: it can run beside them.
PORT=${PORT:-9480}
WARMUP=${WARMUP:-$STREAMS}
H2_ARGS=()
PER_CONNECTION=1
HTTP2=false
if [[ -n ${H2:-} ]]; then
  HTTP2=true
  H2_ARGS=(--http2 --h2-streams-per-connection 100 ${H2_SOURCE_PORTS:+--source-ports $H2_SOURCE_PORTS})
  PER_CONNECTION=100
fi
TREES=()
[[ -n ${BEFORE:-} ]] && TREES+=("$BEFORE")
TREES+=("$ROOT")

# docs/deploy.md's MOTIONESS_JVM_FLAGS, so the figures are those of the flags it recommends.
deploy_flags() {
  grep -o 'MOTIONESS_JVM_FLAGS=[^"]*' "$ROOT/docs/deploy.md" | head -1 | cut -d= -f2- | grep . \
    || { echo "docs/deploy.md names no MOTIONESS_JVM_FLAGS" >&2; exit 2; }
}

established() { ss -Htn state established "( sport = :$PORT )" | wc -l; }

# The streams the established connections carry (over HTTP/2, all but the last connection full).
streams_held() {
  local n=$(($(established) * PER_CONNECTION))
  echo $((n < STREAMS ? n : STREAMS))
}

# histogram FILE: the live objects after a full GC (GC.class_histogram runs one), "class bytes count".
histogram() {
  jcmd "$EDGE_PID" GC.class_histogram | awk '$1 ~ /^[0-9]+:$/ { print $4, $3, $2 }' | sort > "$1"
}

# measure SET TREE: one fresh edge of TREE with SET's flags; appends one JSON line.
measure() {
  local set=$1 tree=$2 base held last now heap rss accepted honest
  case $set in
    recommended) EDGE_JVM=$(deploy_flags | sed 's/ *-XX:+AlwaysPreTouch//') ;;
    pretouched) EDGE_JVM=$(deploy_flags) ;;
    plain) EDGE_JVM="" ;;
    *) EDGE_JVM=$set ;;
  esac
  [[ -n ${NMT:-} ]] && EDGE_JVM="$EDGE_JVM -XX:NativeMemoryTracking=summary"
  EDGE_JAR=$tree/edge/target/motioness-edge.jar
  start_edge "$PORT"
  base=$RESULTS/idle-memory-$$-$EDGE_PID
  [[ -n ${NMT:-} ]] && jcmd "$EDGE_PID" VM.native_memory baseline > /dev/null
  # The harness samples RSS before its streams and once they are all open; the histograms come
  # after that second sample.
  # shellcheck disable=SC2086
  java $PERF_JVM -jar "$PERF_JAR" --label "idle-memory" --url "http://127.0.0.1:$PORT/v1/$KEY/events/{asset}" \
    --streams "$STREAMS" --assets 100 --publish ingest --ingest-token "$TOKEN" --warmup-streams "$WARMUP" \
    --client-threads 1 --hold 25s --server-pid "$EDGE_PID" "${H2_ARGS[@]}" --quiet > "$base.harness.json" &
  local loader=$!
  # Held: the count stopped growing (a few may fail to connect when other load generators hold
  # the same source ports) after the warm-up's streams were gone.
  sleep 5
  last=-1
  for _ in $(seq 1 240); do
    now=$(streams_held)
    [[ $now -ge $((STREAMS * 9 / 10)) && $now -eq $last ]] && break
    last=$now
    sleep 1
  done
  sleep 2
  held=$(streams_held)
  [[ -n ${NMT:-} ]] && jcmd "$EDGE_PID" VM.native_memory summary.diff > "$base.nmt-diff.txt"
  histogram "$base.held"
  wait "$loader"
  for _ in $(seq 1 100); do
    [[ $(established) -eq 0 ]] && break
    sleep 0.2
  done
  histogram "$base.empty"
  stop_started
  # Per class: bytes and objects per held stream, largest first.
  join -a1 -a2 -e 0 -o 0,1.2,1.3,2.2,2.3 "$base.held" "$base.empty" \
    | awk -v n="$held" '{ b = ($2 - $4) / n; c = ($3 - $5) / n; if (b >= 4 || b <= -4) printf "%8.1f B %6.2f  %s\n", b, c, $1 }' \
    | sort -rn > "$base.per-stream.txt"
  heap=$(join -a1 -a2 -e 0 -o 0,1.2,2.2 "$base.held" "$base.empty" | awk -v n="$held" '{ s += $2 - $3 } END { printf "%d", s / n }')
  # Negative when the JVM gave back more native memory than the streams took (the trimmer).
  rss=$(grep -o '"rss_bytes_per_stream":-\?[0-9]*' "$base.harness.json" | cut -d: -f2)
  accepted=$(grep -o '"accepted_per_s":[0-9.]*' "$base.harness.json" | cut -d: -f2)
  # A pre-touched heap is resident before the first stream: what the streams keep in it is added.
  honest=$rss
  # A negative growth counts as none: what was given back was not the streams' to give.
  [[ $EDGE_JVM == *AlwaysPreTouch* ]] && honest=$(( (rss > 0 ? rss : 0) + heap ))
  echo "{\"label\":\"idle-memory\",\"tree\":\"$tree\",\"commit\":\"$(git -C "$tree" rev-parse --short HEAD 2>/dev/null || echo none)\",\"set\":\"$set\",\"http2\":$HTTP2,\"edge_jvm\":\"$EDGE_JVM\",\"warmup_streams\":$WARMUP,\"streams_held\":$held,\"rss_bytes_per_stream\":$rss,\"live_heap_bytes_per_stream\":$heap,\"honest_bytes_per_stream\":$honest,\"accepted_per_s\":$accepted,\"per_class\":\"$base.per-stream.txt\",\"date\":\"$(date -u +%FT%TZ)\"}" \
    | tee -a "$RESULTS/results.jsonl"
}

for set in "${SETS[@]}"; do
  for tree in "${TREES[@]}"; do
    measure "$set" "$tree"
  done
done
