#!/usr/bin/env python3
"""One client that never reads, against an edge: how soon the edge ends its stream, why, and what
the kernel holds for it meanwhile and afterwards.

Publishes one event to a fresh asset, connects a raw client that sends the GET and never reads,
then publishes RATE events a second (about 220 bytes each on the wire) through the edge's ingest
until the edge ends the stream, whatever the reason (the close counter of /metrics moves). The
edge's side of the connection is sampled with `ss -tmi`: Send-Q (bytes queued in the kernel), tb
(its send buffer) and w (what the kernel accounts for the queue). Prints one JSON line.
Run it against an edge that serves nothing else: any stream closed there counts as this one's end.
"""
import argparse
import http.client
import json
import re
import socket
import subprocess
import sys
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument('--port', type=int, required=True, help="the edge's port")
ap.add_argument('--admin', type=int, required=True, help="the edge's admin port")
ap.add_argument('--rate', type=float, required=True, help='events per second')
ap.add_argument('--rcvbuf', type=int, default=0, help="the client's SO_RCVBUF (0: the kernel's default)")
ap.add_argument('--asset', default='stalled-%d' % int(time.time()))
ap.add_argument('--limit', type=float, default=600, help='give up if the stream has not ended by then (s)')
ap.add_argument('--hold', type=float, default=60, help='how long to watch the socket after the stream ended (s)')
ap.add_argument('--key', default='perf-key-0123456789')
ap.add_argument('--project', default='perf')
ap.add_argument('--token', default='perf-ingest-token-123')
a = ap.parse_args()


def closed():
    c = http.client.HTTPConnection('127.0.0.1', a.admin, timeout=5)
    c.request('GET', '/metrics')
    counts = {}
    for line in c.getresponse().read().decode().splitlines():
        m = re.match(r'motioness_streams_closed_total\{reason="(\w+)",route="public_asset"\} (\S+)', line)
        if m:
            counts[m.group(1)] = float(m.group(2))
    return counts


event = json.dumps({"type": "stage_completed", "asset_id": a.asset, "project_id": a.project,
                    "ts": 1764300000000, "attempt": 1, "stage": "render", "latency_ms": 812,
                    "request_id": "req-0000000001"})
headers = {'Authorization': 'Bearer ' + a.token, 'Content-Type': 'application/json'}
stop = threading.Event()
published = [0]


def publish():
    c = http.client.HTTPConnection('127.0.0.1', a.port, timeout=10)
    per = max(1, int(round(a.rate * 0.02)))  # a batch every 20 ms at high rates, one event a request at low ones
    due = time.monotonic()
    while not stop.is_set():
        c.request('POST', '/internal/events', '[' + ','.join([event] * per) + ']', headers)
        r = c.getresponse()
        r.read()
        if r.status != 200:
            print('ingest answered', r.status, file=sys.stderr)
        published[0] += per
        due += per / a.rate
        stop.wait(max(0.0, due - time.monotonic()))


def edge_side(client_port):
    """(state, Send-Q, tb, w) of the edge's socket for the client, or None once it is gone."""
    out = subprocess.run(['ss', '-tmniH', '( sport = :%d and dport = :%d )' % (a.port, client_port)],
                         capture_output=True, text=True).stdout
    line = ' '.join(out.split())
    m = re.match(r'(\S+) \d+ (\d+) ', line)
    sk = re.search(r'skmem:\(r\d+,rb\d+,t\d+,tb(\d+),f\d+,w(\d+)', line)
    return (m.group(1), int(m.group(2)), int(sk.group(1)), int(sk.group(2))) if m and sk else None


first = http.client.HTTPConnection('127.0.0.1', a.port, timeout=10)
first.request('POST', '/internal/events', event, headers)
assert first.getresponse().status == 200, 'the first event was refused'
before = closed()
client = socket.socket()
if a.rcvbuf:
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, a.rcvbuf)
client.connect(('127.0.0.1', a.port))
port = client.getsockname()[1]
client.sendall(f'GET /v1/{a.key}/events/{a.asset} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'.encode())
start = time.monotonic()
threading.Thread(target=publish, daemon=True).start()

peak_q = peak_tb = peak_w = 0
ended = reason = gone = q_at_end = state_after = None
while True:
    now = time.monotonic() - start
    sample = edge_side(port)
    if sample:
        peak_q, peak_tb, peak_w = max(peak_q, sample[1]), max(peak_tb, sample[2]), max(peak_w, sample[3])
    if ended is None:
        moved = [k for k, v in closed().items() if v > before.get(k, 0)]
        if moved:
            ended, reason = now, ','.join(moved)
            q_at_end = sample[1] if sample else None
            stop.set()
        elif now > a.limit:
            break
    elif sample is None:
        gone = now
        break
    else:
        state_after = sample[0]
        if now - ended > a.hold:
            break
    time.sleep(0.05 if now < 30 or (ended is not None and now - ended < 30) else 1)
stop.set()
print(json.dumps({
    "rate": a.rate, "client_rcvbuf": a.rcvbuf, "published": published[0],
    "stream_ended_after_s": None if ended is None else round(ended, 2), "reason": reason,
    "peak_send_q": peak_q, "send_q_at_end": q_at_end, "peak_tb": peak_tb, "peak_wmem_queued": peak_w,
    "socket_gone_after_end_s": None if gone is None or ended is None else round(gone - ended, 2),
    "still_there_after_s": None if gone is not None or ended is None else round(now - ended, 1),
    "state_then": state_after}))
