#!/usr/bin/env python3
"""One lone producer's ingest answer times, beside a load: one keep-alive connection, one event per
request, N requests PAUSE ms apart, each timed from its send to its answer (closed loop: what a
request costs when nothing queues behind it). Prints p50/p90/p99/max in ms.
Usage: ingest-probe.py PORT [N=200] [PAUSE_MS=50] [TOKEN=perf-ingest-token-123]"""
import http.client
import json
import sys
import time

port = int(sys.argv[1])
n = int(sys.argv[2]) if len(sys.argv) > 2 else 200
pause = (int(sys.argv[3]) if len(sys.argv) > 3 else 50) / 1000
token = sys.argv[4] if len(sys.argv) > 4 else "perf-ingest-token-123"
connection = http.client.HTTPConnection("127.0.0.1", port)
times = []
for i in range(n):
    body = json.dumps([{"type": "stage_started", "asset_id": "probe-1", "project_id": "perf",
                        "ts": int(time.time() * 1000), "attempt": 1, "stage": "probe",
                        "request_id": "probe.%d" % i}])
    start = time.perf_counter()
    connection.request("POST", "/internal/events", body,
                       {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    answer = connection.getresponse()
    answer.read()
    if answer.status != 200:
        sys.exit("answered %d" % answer.status)
    times.append((time.perf_counter() - start) * 1000)
    time.sleep(pause)
times.sort()
print("probe n=%d p50=%.1f p90=%.1f p99=%.1f max=%.1f ms" % (
    n, times[n // 2], times[int(n * 0.9)], times[int(n * 0.99)], times[-1]))
