#!/usr/bin/env bash
# Isolation: the latency run of webhooks-latency.sh, then the same with one of the 100 endpoints
# hanging (its receiver reads and never answers), in one sitting on one edge; the other endpoints'
# p99 with the hanging one over their p99 without it must stay <= 1.2. The hanging endpoint's
# deliveries are left out of what is expected (they time out and retry for the schedule's span).
# Usage: perf/scenarios/webhooks-hanging.sh [duration, default 30s]
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/webhooks-lib.sh"
PREFIX=perfwhhang$$
start_webhook_setup "$PREFIX" "$REDIS"
COMMON=(--api http://127.0.0.1:18080 --publish redis --redis "$REDIS" --redis-prefix "$PREFIX"
  --endpoints 100 --rate 1000 --server-pid "$EDGE_PID" --quiet)
webhook_load webhooks-hanging-warmup "${COMMON[@]}" --duration 10s > /dev/null
receiver_ctl /reset > /dev/null
webhook_load webhooks-healthy "${COMMON[@]}" --duration "${1:-30s}"
HEALTHY=$LOAD_LINE
receiver_ctl /reset > /dev/null
webhook_load webhooks-one-hanging "${COMMON[@]}" --duration "${1:-30s}" --hang 1
HANGING=$LOAD_LINE
python3 - "$HEALTHY" "$HANGING" <<'PY' | tee -a "$RESULTS/results.jsonl"
import json, sys
healthy, hanging = (json.loads(a) for a in sys.argv[1:3])
p99 = lambda r: r["receiver"]["latency_ms"]["p99"]
ratio = p99(hanging) / p99(healthy) if p99(healthy) else float("inf")
print(json.dumps({"label": "webhooks-hanging-ratio", "healthy_p99_ms": p99(healthy), "hanging_p99_ms": p99(hanging),
                  "p99_ratio": round(ratio, 3), "target": 1.2, "pass": ratio <= 1.2,
                  "others_all_delivered": hanging["unaccounted"] == 0}))
PY
drop_keys "$REDIS" "$PREFIX"
