#!/usr/bin/env python3
"""Benchmark (issue 14): one QMP event fanned out to N REST event-stream
subscribers (GET /api/v1/events, Server-Sent Events).

qmachined runs -machine pc -nodefaults -S with QMP on a unix socket and
REST on 127.0.0.1 (QMACHINED_REST_MAX_CONNECTIONS raised to N + 16 and the
descriptor limit raised to match).  N subscribers connect and read their
response headers; then, --events times, the benchmark sends `cont` or
`stop` on QMP (a RESUME or STOP event) and times from sending it until
every subscriber has read that event.  The subscribers are this one Python
process reading N sockets, so the figure includes its own reading (about
10 us a socket here); it is what N clients on the same host see.

Prints the median and 99th percentile of that time, and the deliveries
per second (N x events / the time they took).  QEMU has no event stream
to compare with.

    tests/bench/sse_fanout.py --subscribers 1000 --events 50
"""
import argparse
import os
import resource
import selectors
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchresult  # noqa: E402
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "e2e"))
from resthttp import free_port  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qmachined", default="src/qmachined")
    ap.add_argument("--subscribers", type=int, default=1000)
    ap.add_argument("--events", type=int, default=50)
    a = ap.parse_args()
    n = a.subscribers
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = 2 * n + 200
    if hard < need:
        raise SystemExit("need %d descriptors, the hard limit is %d"
                         % (need, hard))
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, need), hard))
    tmp = tempfile.mkdtemp(prefix="qm-sse-")
    qmp_path = os.path.join(tmp, "qmp.sock")
    port = free_port()
    env = dict(os.environ, QMACHINED_REST_MAX_CONNECTIONS=str(n + 16))
    proc = subprocess.Popen(
        [os.path.abspath(a.qmachined), "-machine", "pc", "-nodefaults", "-S",
         "-qmp", "unix:%s,server=on,wait=off" % qmp_path,
         "--rest", "tcp:127.0.0.1:%d" % port],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subs = []
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                q = socket.socket(socket.AF_UNIX)
                q.connect(qmp_path)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("qmachined did not start")
                time.sleep(0.01)
        qf = q.makefile("rw")
        qf.readline()
        qf.write('{"execute":"qmp_capabilities"}\n')
        qf.flush()
        qf.readline()

        sel = selectors.DefaultSelector()
        for i in range(n):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(b"GET /api/v1/events HTTP/1.1\r\nHost: bench\r\n\r\n")
            subs.append(s)
        for s in subs:
            buf = b""
            while b"\r\n\r\n" not in buf:
                data = s.recv(4096)
                if not data:
                    raise SystemExit("a subscriber was refused")
                buf += data
            if not buf.startswith(b"HTTP/1.1 200"):
                raise SystemExit("subscriber: %r" % buf[:80])
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)

        times = []
        running = False
        t_all0 = time.monotonic()
        for e in range(a.events):
            cmd, name = ("stop", b"event: STOP") if running else \
                ("cont", b"event: RESUME")
            pending = set(subs)
            bufs = {s: b"" for s in subs}
            t0 = time.monotonic()
            qf.write('{"execute":"%s"}\n' % cmd)
            qf.flush()
            while pending:
                for key, _ in sel.select(timeout=10):
                    s = key.fileobj
                    try:
                        data = s.recv(65536)
                    except BlockingIOError:
                        continue
                    if not data:
                        raise SystemExit("a subscriber lost its stream")
                    bufs[s] += data
                    if name in bufs[s]:
                        pending.discard(s)
                if time.monotonic() - t0 > 30:
                    raise SystemExit("%d subscribers never got event %d"
                                     % (len(pending), e))
            times.append(time.monotonic() - t0)
            reply = qf.readline()
            while '"return"' not in reply:
                reply = qf.readline()
            running = not running
        total = time.monotonic() - t_all0
    finally:
        for s in subs:
            s.close()
        proc.terminate()
        proc.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    times.sort()
    benchresult.record("sse_fanout", "one event to %d REST subscribers "
                       "(median)" % n, "qmachined",
                       statistics.median(times) * 1000, "ms")
    print("| subscribers | events | time to all, median (ms) | p99 (ms) "
          "| deliveries/s |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    print("| %d | %d | %.2f | %.2f | %.0f |" % (
        n, a.events, statistics.median(times) * 1000,
        times[min(len(times) - 1, int(len(times) * 0.99))] * 1000,
        n * a.events / total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
