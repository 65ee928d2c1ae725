#!/usr/bin/env bash
# A client that never reads: how soon the edge cuts it and what the kernel holds for it, at each
# rate in turn (events/s to its asset, about 220 B each), against one edge started with the given
# --send-buffer (0: the kernel's autotuning). perf/scenarios/stalled-client.py does the measuring.
# Usage: perf/scenarios/stalled-client.sh [send buffer, default 64k] [rates, default "1000 100"]
#        PORT is the edge's (default 18080); RCVBUF=4096 sets the stalled client's SO_RCVBUF, so
#        that a slow stream fills the client's window sooner.
source "$(dirname "$0")/lib.sh"
SEND_BUFFER=${1:-64k}
RATES=${2:-1000 100}
PORT=${PORT:-18080}
start_edge "$PORT" --send-buffer "$SEND_BUFFER"
ADMIN=$(grep -o 'admin listening on [^ ]*' "$RESULTS/edge-$PORT-$$-$EDGES.log" | grep -o '[0-9]*$')
for rate in $RATES; do
  line=$(python3 "$(dirname "$0")/stalled-client.py" --port "$PORT" --admin "$ADMIN" --rate "$rate" \
    --rcvbuf "${RCVBUF:-0}" --asset "stalled-$rate-$$")
  line="${line%\}},\"label\":\"stalled-client-$SEND_BUFFER-$rate\",\"send_buffer\":\"$SEND_BUFFER\",\"date\":\"$(date -u +%FT%TZ)\"}"
  echo "$line" | tee -a "$RESULTS/results.jsonl"
done
