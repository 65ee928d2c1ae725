#!/usr/bin/env python3
"""What TCP_USER_TIMEOUT does to a reader that never reads, on this kernel (no edge involved).

A server socket with SO_SNDBUF 64k (and TCP_USER_TIMEOUT, if given) writes 220-byte frames at RATE a
second, without blocking, to a client that never reads. Prints when bytes first stayed queued in
the server's kernel (the client's window had closed), when the server's send buffer first refused a
write, when the kernel aborted the connection (ETIMEDOUT), and what the client then sees.
Usage: tcp-user-timeout.py RATE USER_TIMEOUT_MS [CLIENT_RCVBUF] [GIVE_UP_S]   (0 ms: option not set)
"""
import errno
import fcntl
import socket
import sys
import termios
import time

rate, user_timeout = float(sys.argv[1]), int(sys.argv[2])
rcvbuf = int(sys.argv[3]) if len(sys.argv) > 3 else 0
give_up = float(sys.argv[4]) if len(sys.argv) > 4 else 300
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 65536)
if user_timeout:
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT, user_timeout)
listener.bind(('127.0.0.1', 0))
listener.listen()
client = socket.socket()
if rcvbuf:
    client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
client.connect(listener.getsockname())
server, _ = listener.accept()
server.setblocking(False)
print('accepted socket inherits: SO_SNDBUF', server.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF),
      'TCP_USER_TIMEOUT', server.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT))
start = time.monotonic()
sent, full_at, queued_at, due = 0, None, None, start
while True:
    now = time.monotonic()
    try:
        while now >= due:
            server.send(b'x' * 220)
            sent += 220
            due += 1 / rate
    except BlockingIOError:
        full_at = full_at or now - start
        due = now + 1 / rate
    except OSError as e:
        print(f'aborted after {now - start:.2f} s ({errno.errorcode.get(e.errno)}); bytes queued since '
              f'{queued_at and round(queued_at, 2)} s, send buffer full since {full_at and round(full_at, 2)} s; '
              f'{sent} bytes sent')
        break
    # Unsent and unacknowledged bytes: on loopback they stay only once the client's window closed.
    if queued_at is None and int.from_bytes(fcntl.ioctl(server, termios.TIOCOUTQ, b'\0' * 4), 'little') > 0:
        queued_at = now - start
    if now - start > give_up:
        print(f'still open after {give_up:.0f} s; bytes queued since {queued_at and round(queued_at, 2)} s, '
              f'send buffer full since {full_at and round(full_at, 2)} s; {sent} bytes sent')
        sys.exit(0)
    time.sleep(0.01)
client.setblocking(False)
got = 0
try:
    while True:
        data = client.recv(65536)
        if not data:
            print(f'client: end of stream after {got} bytes')
            break
        got += len(data)
except BlockingIOError:
    print(f'client: nothing more and no error after {got} bytes')
except OSError as e:
    print(f'client: {errno.errorcode.get(e.errno)} after reading the {got} bytes that had reached it')
