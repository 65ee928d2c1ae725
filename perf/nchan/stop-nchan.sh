#!/usr/bin/env bash
# Stops the Nginx + Nchan server started by start-nchan.sh, and only that one.
# Usage: stop-nchan.sh [PID]
#   Without PID, reads $NCHAN_RUN_DIR/nginx.pid (default run dir /tmp/nchan-${NCHAN_PORT:-8090}).
# The PID must be an nginx master whose command line names a config under a start-nchan.sh run
# directory; the system nginx (/etc/nginx, /run/nginx.pid) is never touched.
# Sends TERM (fast shutdown: open streams are closed), waits for the master and its workers,
# then warns if error.log shows worker crashes ("exited on signal") during the run.
set -euo pipefail

PORT="${NCHAN_PORT:-8090}"
RUN_DIR="${NCHAN_RUN_DIR:-/tmp/nchan-$PORT}"
die() { echo "stop-nchan: $*" >&2; exit 1; }

pid="${1:-}"
if [[ -z "$pid" ]]; then
  [[ -s "$RUN_DIR/nginx.pid" ]] || { echo "stop-nchan: no pid file in $RUN_DIR, nothing to stop" >&2; exit 0; }
  pid="$(cat "$RUN_DIR/nginx.pid")"
fi
[[ "$pid" =~ ^[0-9]+$ ]] || die "not a PID: $pid"
if ! kill -0 "$pid" 2>/dev/null; then
  echo "stop-nchan: PID $pid is not running" >&2
  exit 0
fi
cmd="$(tr '\0' ' ' < "/proc/$pid/cmdline")"
case "$cmd" in
  "nginx: master process "*"/nginx.conf -e "*) ;;
  *) die "PID $pid is not a start-nchan.sh nginx master: $cmd" ;;
esac
case "$cmd" in
  *" -c /etc/nginx/"*) die "PID $pid is the system nginx; refusing" ;;
esac

workers="$(pgrep -P "$pid" || true)"
kill -TERM "$pid"
for _ in $(seq 1 100); do
  alive=0
  for p in $pid $workers; do
    kill -0 "$p" 2>/dev/null && alive=1
  done
  if [[ $alive == 0 ]]; then
    echo "stop-nchan: stopped $pid" >&2
    log="$(sed -n 's/.* -e \([^ ]*\).*/\1/p' <<<"$cmd")"
    crashes="$(grep -a -c 'exited on signal' "$log" 2>/dev/null || true)"
    if [[ "${crashes:-0}" != 0 ]]; then
      echo "stop-nchan: WARNING: $crashes worker crash(es) in $log during this run" >&2
    fi
    exit 0
  fi
  sleep 0.1
done
die "PID $pid or its workers ($workers) still alive after 10 s"
