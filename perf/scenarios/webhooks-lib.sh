# Shared by the webhook scenarios (sourced after lib.sh, not run): the receiver, the load driver,
# a private redis-server with AOF, and the edge flags that turn the dispatcher on.
RECEIVER_MAIN=com.motioness.perf.webhook.WebhookReceiverMain
LOAD_MAIN=com.motioness.perf.webhook.WebhookLoadMain
RECEIVER_JVM=${RECEIVER_JVM:--Xms256m -Xmx1g -XX:+UseG1GC}
# The retry schedule and timeout of every edge the scenarios start; tests of the issue's targets
# use the production defaults unless a scenario says otherwise.
SCHEDULE=${SCHEDULE:-0s,30s,5m,30m,2h}
WEBHOOK_TIMEOUT=${WEBHOOK_TIMEOUT:-10s}
# Loopback receivers and http: both refused by default, allowed here on purpose.
webhook_flags() {
  WEBHOOK_FLAGS=(--webhooks --webhooks-allow-http --webhooks-allow-private
    --webhook-retry-schedule "$SCHEDULE" --webhook-timeout "$WEBHOOK_TIMEOUT")
  # EXTRA_EDGE_FLAGS: e.g. the breaker's cool-down flags once the integrator has named them.
  # shellcheck disable=SC2206
  WEBHOOK_FLAGS+=(${EXTRA_EDGE_FLAGS:-})
}

# Stops here, before any edge starts, when this tree's edge has no dispatcher yet.
require_webhooks() {
  if ! java -jar "$EDGE_JAR" --help 2>&1 | grep -q -- '--webhooks'; then
    echo "this edge has no --webhooks (issue 13's dispatcher is not merged): stopping before the edge starts" >&2
    exit 3
  fi
}

# start_receiver [receiver flags...]: one WebhookReceiver on free loopback ports; sets
# RECEIVER_PID, RECEIVER_PORT, RECEIVER_CONTROL and RECEIVER_LOG (its final report lands there).
start_receiver() {
  RECEIVER_LOG="$RESULTS/receiver-$$-$((EDGES += 1)).log"
  # shellcheck disable=SC2086
  java $RECEIVER_JVM -cp "$PERF_JAR" "$RECEIVER_MAIN" --bind 127.0.0.1 --port 0 --control-port 0 "$@" \
    > "$RECEIVER_LOG" 2>&1 &
  RECEIVER_PID=$!
  STARTED+=("$RECEIVER_PID")
  wait_log_line "$RECEIVER_LOG" "$RECEIVER_PID" 'webhook receiver listening on' receiver
  local line
  line=$(grep -m1 'webhook receiver listening on' "$RECEIVER_LOG")
  RECEIVER_PORT=$(echo "$line" | awk '{print $5}')
  RECEIVER_CONTROL=$(echo "$line" | awk '{print $7}')
}

# start_webhook_setup PREFIX REDIS_URI: a receiver, then (if this edge has --webhooks) one edge on
# 18080 with the dispatcher on that Redis and prefix; sets what start_receiver and start_edge set.
start_webhook_setup() {
  webhook_flags
  start_receiver
  require_webhooks
  start_edge 18080 --redis "$2" --redis-prefix "$1" "${WEBHOOK_FLAGS[@]}"
}

# receiver_ctl PATH: one control call, e.g. /down, /up, '/mode?path=/hook/3&mode=hang', /report.
receiver_ctl() {
  local method=POST
  [[ $1 == /report ]] && method=GET
  curl -fsS -X "$method" "http://127.0.0.1:$RECEIVER_CONTROL$1"
}

# start_own_redis PORT DIR: a private redis-server on 127.0.0.1:PORT whose AOF (fsync always, so a
# kill -9 loses no acknowledged write) lives in DIR; sets REDIS_PID. Started again on the same DIR,
# it replays the AOF.
start_own_redis() {
  redis-server --port "$1" --bind 127.0.0.1 --dir "$2" --save '' --appendonly yes --appendfsync always \
    --logfile "$2/redis.log" --daemonize no &
  REDIS_PID=$!
  STARTED+=("$REDIS_PID")
  local i
  for i in $(seq 1 200); do
    redis-cli -p "$1" ping 2>/dev/null | grep -q PONG && return 0
    sleep 0.05
  done
  echo "redis-server did not start on $1: $2/redis.log" >&2
  return 1
}

# kill_hard PID: kill -9 one process started here and reap it.
kill_hard() {
  kill -9 "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# webhook_load LABEL [driver flags...]: one WebhookLoadMain run against the receiver started last;
# prints and appends its JSON line to RESULTS and keeps it in LOAD_LINE.
webhook_load() {
  local label=$1; shift
  # shellcheck disable=SC2086
  LOAD_LINE=$(java $PERF_JVM -cp "$PERF_JAR" "$LOAD_MAIN" --label "$label" --ingest-token "$TOKEN" \
    --receiver "http://127.0.0.1:$RECEIVER_PORT" --receiver-control "http://127.0.0.1:$RECEIVER_CONTROL" \
    --receiver-pid "$RECEIVER_PID" "$@")
  LOAD_LINE="${LOAD_LINE%\}},\"schedule\":\"$SCHEDULE\",\"webhook_timeout\":\"$WEBHOOK_TIMEOUT\",\"date\":\"$(date -u +%FT%TZ)\",\"edge_jvm\":\"$EDGE_JVM\",\"java\":\"$(java -version 2>&1 | head -1 | tr -d '"')\"}"
  echo "$LOAD_LINE" | tee -a "$RESULTS/results.jsonl"
}

# verdict NAME PYTHON-EXPRESSION JSON: prints NAME: PASS/FAIL with the expression over the run r.
verdict() {
  python3 - "$1" "$2" "$3" <<'PY'
import json, sys
name, expr, line = sys.argv[1], sys.argv[2], sys.argv[3]
r = json.loads(line)
ok = eval(expr, {}, {"r": r})
print(f"{name}: {'PASS' if ok else 'FAIL'} ({expr})")
PY
}

# drop_keys URI PREFIX: deletes what a run left under PREFIX in a shared Redis.
drop_keys() {
  redis-cli -u "$1" --scan --pattern "$2:*" | xargs -r -n 1000 redis-cli -u "$1" del > /dev/null
}
