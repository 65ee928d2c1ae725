#!/usr/bin/env bash
# 100,000 idle streams on this box: six edge processes share one port (--reuse-port) and one Redis
# log; six load-generator processes hold 16,667 streams each from their own source address (one
# process may hold at most 20,000 open files here, one source address about 28,000 ports).
# Usage: perf/scenarios/idle-100k.sh [processes, default 6] [streams, default 100000]
source "$(dirname "$0")/lib.sh"
PROCESSES=${1:-6}
STREAMS=${2:-100000}
PER=$(( (STREAMS + PROCESSES - 1) / PROCESSES ))
PREFIX=perf100k$$
EDGE_JVM=${EDGE_JVM_100K:--Xms256m -Xmx1g -XX:+UseG1GC}
pids=()
for i in $(seq 1 "$PROCESSES"); do
  start_edge 18080 --reuse-port --redis "$REDIS" --redis-prefix "$PREFIX" --io-threads 2
  pids+=("$EDGE_PID")
done
all=$(IFS=,; echo "${pids[*]}")
out=$RESULTS/idle-100k-$$.jsonl
loaders=()
for i in $(seq 1 "$PROCESSES"); do
  harness "idle-100k-part-$i" --url "http://127.0.0.1:18080/v1/$KEY/events/{asset}" --streams "$PER" --assets 100 \
    --publish redis --redis "$REDIS" --redis-prefix "$PREFIX" --source-base "127.0.1.$i" --client-threads 1 \
    --connect-timeout 300s --hold 20s --quiet >> "$out" &
  loaders+=($!)
done
wait "${loaders[@]}"
python3 - "$out" "$all" <<'PY'
import json, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
opened = sum(r["opened"] for r in runs)
errors = sum(r["connect_errors"] + r["http_errors"] for r in runs)
slowest = max(r["connect_seconds"] for r in runs)
rss = {}
for pid in sys.argv[2].split(","):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            rss[pid] = int(line.split()[1])
print(json.dumps({"label": "idle-100k", "processes": len(runs), "opened": opened, "errors": errors,
                  "connect_seconds": slowest, "accepted_per_s": round(opened / slowest) if slowest else 0,
                  "edge_rss_kib": rss, "edge_rss_kib_total": sum(rss.values())}))
PY
redis-cli --scan --pattern "$PREFIX:*" | xargs -r -n 1000 redis-cli del > /dev/null
