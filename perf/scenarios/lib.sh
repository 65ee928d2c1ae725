# Shared by the scenarios (sourced, not run): start servers on loopback, run the harness, and stop
# only the processes started here, by their PIDs, whatever happens.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
EDGE_JAR=$ROOT/edge/target/motioness-edge.jar
PERF_JAR=$ROOT/perf/target/motioness-perf.jar
RESULTS=${RESULTS:-$ROOT/perf/target/results}
KEY=perf-key-0123456789
TOKEN=perf-ingest-token-123
SESSION=perf-session
# JVM flags of the edge and of the load generator; each JSON line records them. EDGE_JAVA: the
# edge's java (another JDK's, say), the load generator's stays the PATH's.
EDGE_JAVA=${EDGE_JAVA:-java}
EDGE_JVM=${EDGE_JVM:--Xms512m -Xmx2g -XX:+UseG1GC}
PERF_JVM=${PERF_JVM:--Xms512m -Xmx3g -XX:+UseG1GC}
REDIS=${REDIS:-redis://127.0.0.1:6379}
STARTED=()
EDGES=0

mkdir -p "$RESULTS"
[[ -f $EDGE_JAR && -f $PERF_JAR ]] || { echo "build first: ./mvnw -q -B -DskipTests package" >&2; exit 2; }

stop_started() {
  local pid
  for pid in "${STARTED[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED[@]}"; do
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  done
  STARTED=()
EDGES=0
}
trap stop_started EXIT

wait_port() { # PORT
  local i
  for i in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "nothing listens on $1" >&2
  return 1
}

# start_edge PORT [edge flags...]: one edge on 127.0.0.1:PORT, limits off (the load comes from a
# handful of loopback addresses), plus EDGE_FLAGS if set (EDGE_FLAGS='--delivery-slice 1ms');
# sets EDGE_PID and EDGE_ADMIN_PORT.
start_edge() {
  local port=$1; shift
  local log="$RESULTS/edge-$port-$$-$((EDGES += 1)).log"
  # The admin port is any free one: with --reuse-port several edges share one --port, whose
  # default admin port (--port + 1000) they would all take.
  # shellcheck disable=SC2086
  "$EDGE_JAVA" $EDGE_JVM -jar "$EDGE_JAR" --port "$port" --bind 127.0.0.1 --admin-port 0 --access-log off \
    --project-key "$KEY=perf" --ingest-token "$TOKEN" --dev-session "$SESSION=perf-user:perf" \
    --max-streams-per-key 0 --max-streams-per-user 0 --max-streams-per-address 0 --new-streams-per-address 0 \
    ${EDGE_FLAGS:-} "$@" > "$log" 2>&1 &
  EDGE_PID=$!
  STARTED+=("$EDGE_PID")
  # Another edge may already listen on a shared port (--reuse-port): wait for this one's own line.
  wait_log_line "$log" "$EDGE_PID" "edge listening" edge
  EDGE_ADMIN_PORT=$(grep -m1 -o 'admin listening on /[0-9.]*:[0-9]*' "$log" | grep -o '[0-9]*$' || true)
}

# wait_log_line LOG PID TEXT NAME: waits up to 15 s for TEXT in LOG while PID lives.
wait_log_line() {
  local i
  for i in $(seq 1 300); do
    grep -q "$3" "$1" && return 0
    kill -0 "$2" 2>/dev/null || { echo "$4 did not start:" >&2; cat "$1" >&2; return 1; }
    sleep 0.05
  done
  echo "$4 did not start in 15 s: $1" >&2
  return 1
}

# start_nchan PORT [SUB_TIMEOUT_SECONDS]: Nginx + Nchan on 127.0.0.1:PORT (perf/nchan); sets
# NCHAN_PIDS to the master and its workers, comma-separated.
start_nchan() {
  local master
  master=$(NCHAN_PORT=$1 NCHAN_SUB_TIMEOUT=${2:-300} "$ROOT/perf/nchan/start-nchan.sh")
  STARTED+=("$master")
  wait_port "$1"
  NCHAN_PIDS=$(echo "$master" $(pgrep -P "$master") | tr ' ' ',')
}

# tls_files: a certificate and key for 127.0.0.1 (EC P-256, made once per results directory);
# sets TLS_CERT and TLS_KEY.
tls_files() {
  TLS_CERT=$RESULTS/tls/cert.pem
  TLS_KEY=$RESULTS/tls/key.pem
  if [[ ! -s $TLS_KEY ]]; then
    mkdir -p "$RESULTS/tls"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=localhost \
      -addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout "$TLS_KEY" -out "$TLS_CERT" 2>/dev/null
  fi
}

# start_nginx_tls PORT UPSTREAM_PORT: nginx terminating TLS (h2 and http/1.1) on 127.0.0.1:PORT in
# front of a cleartext edge listener (perf/nginx-tls); sets NGINX_PIDS to the master and its workers.
start_nginx_tls() {
  local run=$RESULTS/nginx-tls-$1 user_line="" master
  tls_files
  mkdir -p "$run"
  chmod 755 "$run"
  [[ $(id -u) == 0 ]] && user_line="user nobody nogroup;"
  # Workers run as nobody: they must read the key.
  chmod 644 "$TLS_KEY"
  sed -e "s|@RUN_DIR@|$run|g" -e "s|@USER_LINE@|$user_line|g" -e "s|@PORT@|$1|g" -e "s|@UPSTREAM@|$2|g" \
    -e "s|@CERT@|$TLS_CERT|g" -e "s|@KEY@|$TLS_KEY|g" "$ROOT/perf/nginx-tls/nginx-tls.conf.template" > "$run/nginx.conf"
  rm -f "$run/nginx.pid"
  /usr/sbin/nginx -p "$run/" -c "$run/nginx.conf" -e "$run/error.log"
  wait_port "$1"
  master=$(cat "$run/nginx.pid")
  NGINX_PIDS=$(echo "$master" $(pgrep -P "$master") | tr ' ' ',')
  # Workers too: stop_started waits for every one of them before the next measurement.
  STARTED+=($(echo "$NGINX_PIDS" | tr ',' ' '))
}

# harness LABEL [harness flags...]: one run; prints and appends its JSON line to RESULTS.
harness() {
  local label=$1; shift
  local line
  # shellcheck disable=SC2086
  line=$(java $PERF_JVM -jar "$PERF_JAR" --label "$label" "$@")
  line="${line%\}},\"date\":\"$(date -u +%FT%TZ)\",\"edge_jvm\":\"$EDGE_JVM\",\"java\":\"$("$EDGE_JAVA" -version 2>&1 | head -1 | tr -d '"')\"}"
  echo "$line" | tee -a "$RESULTS/results.jsonl"
}

# target edge|nchan PORT: sets URL, PUBLISH and SERVER_PIDS for a server started above.
target() {
  case $1 in
    edge) URL="http://127.0.0.1:$2/v1/$KEY/events/{asset}"; PUBLISH=(--publish ingest --ingest-token "$TOKEN")
          SERVER_PIDS=$EDGE_PID ;;
    nchan) URL="http://127.0.0.1:$2/sub/{asset}"; PUBLISH=(--publish nchan); SERVER_PIDS=$NCHAN_PIDS ;;
    *) echo "target must be edge or nchan" >&2; exit 2 ;;
  esac
}

# start_target edge|nchan PORT [cap seconds]: starts the server and sets the target variables.
start_target() {
  local cap=${3:-300}
  if [[ $1 == edge ]]; then
    start_edge "$2" --max-stream-duration "${cap}s"
  else
    start_nchan "$2" "$cap"
  fi
  target "$1" "$2"
}
