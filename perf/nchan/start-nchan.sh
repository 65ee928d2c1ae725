#!/usr/bin/env bash
# Starts the Nginx + Nchan comparison server (issue 5) on loopback, with its own prefix,
# config, pid file and error log under a run directory. Prints the master PID on stdout.
#
# Settings (environment variables, defaults in brackets):
#   NCHAN_PORT            listen port on 127.0.0.1                         [8090]
#   NCHAN_WORKERS         worker processes                                  [2]
#   NCHAN_PING            seconds between ": ping" comments                 [15]
#   NCHAN_SUB_TIMEOUT     seconds before a subscriber is cut (0 = never)    [300]
#   NCHAN_FIRST_MESSAGE   oldest | newest | <n>, for a subscriber without
#                         Last-Event-ID                                     [oldest]
#   NCHAN_BUFFER          messages kept per channel                         [1000]
#   NCHAN_MSG_TIMEOUT     how long a message is kept                        [1h]
#   NCHAN_SHM             nchan shared memory size                          [256M]
#   NCHAN_REUSEPORT       1 = one listen socket per worker (SO_REUSEPORT)   [1]
#   NCHAN_LOG_LEVEL       error_log level                                   [warn]
#   NCHAN_RUN_DIR         run directory (config, pid, error log, temp)      [/tmp/nchan-$NCHAN_PORT]
#
# Usage: perf/nchan/start-nchan.sh            -> prints the master PID
#        perf/nchan/stop-nchan.sh [PID]       -> stops it
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="${NCHAN_PORT:-8090}"
WORKERS="${NCHAN_WORKERS:-2}"
PING="${NCHAN_PING:-15}"
SUB_TIMEOUT="${NCHAN_SUB_TIMEOUT:-300}"
FIRST_MESSAGE="${NCHAN_FIRST_MESSAGE:-oldest}"
BUFFER="${NCHAN_BUFFER:-1000}"
MSG_TIMEOUT="${NCHAN_MSG_TIMEOUT:-1h}"
SHM="${NCHAN_SHM:-256M}"
REUSEPORT="${NCHAN_REUSEPORT:-1}"
LOG_LEVEL="${NCHAN_LOG_LEVEL:-warn}"
RUN_DIR="${NCHAN_RUN_DIR:-/tmp/nchan-$PORT}"
NGINX="${NGINX:-/usr/sbin/nginx}"

die() { echo "start-nchan: $*" >&2; exit 1; }

[[ -x "$NGINX" ]] || die "$NGINX not found (apt-get install -y nginx libnginx-mod-nchan)"
[[ -f /usr/lib/nginx/modules/ngx_nchan_module.so ]] || die "nchan module missing (apt-get install -y libnginx-mod-nchan)"
[[ "$PORT" =~ ^[0-9]+$ ]] || die "NCHAN_PORT must be a number"
[[ "$WORKERS" =~ ^([0-9]+|auto)$ ]] || die "NCHAN_WORKERS must be a number or auto"
[[ "$PING" =~ ^[0-9]+$ ]] || die "NCHAN_PING must be seconds"
[[ "$SUB_TIMEOUT" =~ ^[0-9]+$ ]] || die "NCHAN_SUB_TIMEOUT must be seconds"
[[ "$FIRST_MESSAGE" =~ ^(oldest|newest|-?[0-9]+)$ ]] || die "NCHAN_FIRST_MESSAGE must be oldest, newest or a number"

pidfile="$RUN_DIR/nginx.pid"
if [[ -s "$pidfile" ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
  die "already running with PID $(cat "$pidfile") (stop it with stop-nchan.sh)"
fi
if ss -Hltn "sport = :$PORT" | grep -q .; then
  die "port $PORT is already in use"
fi

mkdir -p "$RUN_DIR"
# Workers run as nobody when started by root: they need to reach the temp directories.
chmod 755 "$RUN_DIR"
rm -f "$pidfile"
: > "$RUN_DIR/error.log"

user_line=""
if [[ "$(id -u)" == 0 ]]; then
  user_line="user nobody nogroup;"
fi
reuse=""
if [[ "$REUSEPORT" == 1 ]]; then
  reuse="reuseport"
fi

conf="$RUN_DIR/nginx.conf"
sed -e "s|@RUN_DIR@|$RUN_DIR|g" \
    -e "s|@USER_LINE@|$user_line|g" \
    -e "s|@PORT@|$PORT|g" \
    -e "s|@WORKERS@|$WORKERS|g" \
    -e "s|@PING@|$PING|g" \
    -e "s|@SUB_TIMEOUT@|$SUB_TIMEOUT|g" \
    -e "s|@FIRST_MESSAGE@|$FIRST_MESSAGE|g" \
    -e "s|@BUFFER@|$BUFFER|g" \
    -e "s|@MSG_TIMEOUT@|$MSG_TIMEOUT|g" \
    -e "s|@SHM@|$SHM|g" \
    -e "s|@REUSEPORT@|$reuse|g" \
    -e "s|@LOG_LEVEL@|$LOG_LEVEL|g" \
    "$here/nchan.conf.template" > "$conf"

# -p prefix, -c config, -e early error log: nothing falls back to the system's paths.
"$NGINX" -q -t -p "$RUN_DIR/" -c "$conf" -e "$RUN_DIR/error.log" \
  || die "config test failed: $conf (see $RUN_DIR/error.log)"
"$NGINX" -p "$RUN_DIR/" -c "$conf" -e "$RUN_DIR/error.log" \
  || die "nginx failed to start (see $RUN_DIR/error.log)"

for _ in $(seq 1 50); do
  if [[ -s "$pidfile" ]] && ss -Hltn "sport = :$PORT" | grep -q .; then
    break
  fi
  sleep 0.1
done
[[ -s "$pidfile" ]] || die "no pid file after 5 s (see $RUN_DIR/error.log)"
pid="$(cat "$pidfile")"
kill -0 "$pid" 2>/dev/null || die "master $pid is not running (see $RUN_DIR/error.log)"
echo "start-nchan: master PID $pid, http://127.0.0.1:$PORT/sub/<channel> and /pub/<channel>, run dir $RUN_DIR" >&2
echo "$pid"
