#!/usr/bin/env python3
"""End-to-end checks of the REST server's robustness: clients that send
half a request and hang up are closed at once (no CLOSE-WAIT), event
streams whose client went away are freed without waiting for a
heartbeat, the connection limit answers 503 (JSON error, Retry-After)
and the daemon serves again afterwards, accept() at the descriptor
limit neither spins nor leaves clients unanswered, malformed JSON is
400 and a body not declared JSON 415, and path segments are decoded one
by one keeping their length (%00 is part of a name, never its end).
The checks that need the QMP core to keep lengths too are in
tests/e2e/rest_nul.py.

Run: QMACHINED=src/qmachined python3 tests/e2e/rest_robust.py
"""
import os
import resource
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import Checker, Daemon, Rest, cpu_seconds  # noqa: E402

check = Checker()
CLOSE_WAIT = "08"


def close_waits(port):
    """Sockets on our side of port that are in CLOSE-WAIT."""
    n = 0
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as f:
                lines = f.readlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if (int(fields[1].rsplit(":", 1)[1], 16) == port and
                    fields[3] == CLOSE_WAIT):
                n += 1
    return n


def settle(cond, wait=2.0):
    deadline = time.time() + wait
    while time.time() < deadline and not cond():
        time.sleep(0.05)
    return cond()


def raw_reply(sock, wait=3.0):
    sock.settimeout(wait)
    data = b""
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except OSError:
        pass
    return data


def test_hangups(d):
    time.sleep(0.3)
    base = d.fd_count()
    halves = [
        b"GET /api/v1/machine HTTP/1.1\r\nHost: x\r\n",
        b"GET /api/v1/mach",
        b"POST /api/v1/qmp HTTP/1.1\r\nHost: x\r\n"
        b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{",
    ]
    for i in range(30):
        s = socket.create_connection(("127.0.0.1", d.port))
        s.sendall(halves[i % len(halves)])
        s.close()
    for i in range(6):
        s = socket.socket(socket.AF_UNIX)
        s.connect(d.rest_path)
        s.sendall(halves[i % len(halves)])
        s.close()
    check(settle(lambda: close_waits(d.port) == 0),
          "half request then close: no CLOSE-WAIT after 2 s",
          close_waits(d.port))
    check(settle(lambda: d.fd_count() <= base),
          "half request then close: descriptors freed (tcp and unix)",
          (base, d.fd_count()))
    # A client that sends a whole request and then half-closes still gets
    # its answer (HTTP/1.0 and 1.1).
    for ver in (b"1.0", b"1.1"):
        s = socket.create_connection(("127.0.0.1", d.port))
        s.sendall(b"GET /api/v1/machine HTTP/" + ver +
                  b"\r\nHost: x\r\n\r\n")
        s.shutdown(socket.SHUT_WR)
        resp = raw_reply(s)
        s.close()
        check(resp.startswith(b"HTTP/1.1 200") and b"pc-i440fx-7.2" in resp,
              "whole request then SHUT_WR answered (HTTP/%s)" % ver.decode(),
              resp[:60])
    # Event streams: a client that goes away is freed at once, not at
    # the next heartbeat (15 s here).
    time.sleep(0.2)
    base = d.fd_count()
    streams = [d.sse() for _ in range(10)]
    check(d.fd_count() >= base + 10, "10 streams open")
    for s in streams:
        s.close()
    check(settle(lambda: d.fd_count() <= base),
          "closed streams freed within 2 s (before a heartbeat)",
          (base, d.fd_count()))
    check(close_waits(d.port) == 0, "no stream left in CLOSE-WAIT")
    check(d.rest.get("/machine").status == 200, "serving after hang-ups")


def test_limit():
    limit = 8
    d = Daemon(env={"QMACHINED_REST_MAX_CONNECTIONS": str(limit)})
    try:
        time.sleep(0.3)
        hold = [socket.create_connection(("127.0.0.1", d.port))
                for _ in range(limit)]
        time.sleep(0.3)
        statuses = []
        r = None
        for _ in range(5):
            r = d.rest.get("/machine")
            statuses.append(r.status)
        check(statuses == [503] * 5, "past the limit: 503", statuses)
        if r is not None and r.status == 503:
            check(r.headers.get("Retry-After") == "1" and
                  r.headers.get("Content-Type") == "application/json" and
                  r.error_class() == "GenericError" and
                  "limit is %d" % limit in r.json["error"]["desc"],
                  "503 carries Retry-After and the JSON error", r)
        # The unix socket shares the limit.
        r = d.urest.get("/machine")
        check(r.status == 503, "unix socket past the limit: 503", r)
        # QMP is not a REST connection: it keeps working.
        q = d.qmp()
        check(q.cmd("query-status")["return"]["status"] == "prelaunch",
              "QMP serves while REST is full")
        for h in hold:
            h.close()
        ok = settle(lambda: d.rest.get("/machine").status == 200)
        check(ok, "serving again once connections close")
        statuses = [d.rest.get("/machine").status for _ in range(20)]
        check(statuses == [200] * 20, "20 sequential requests after", statuses)
    finally:
        d.stop()


def limit_nofile():
    resource.setrlimit(resource.RLIMIT_NOFILE, (48, 48))


def test_fd_limit():
    """Descriptor limit below the connection limit: accept() hits EMFILE.
    Excess clients get 503, the daemon does not spin, and it serves once
    descriptors are free again."""
    import subprocess
    real_popen = subprocess.Popen

    def popen(*a, **kw):
        kw["preexec_fn"] = limit_nofile
        return real_popen(*a, **kw)

    subprocess.Popen = popen
    try:
        d = Daemon(env={"QMACHINED_REST_MAX_CONNECTIONS": "1000"})
    finally:
        subprocess.Popen = real_popen
    try:
        time.sleep(0.3)
        hold = []
        for _ in range(60):
            s = socket.create_connection(("127.0.0.1", d.port))
            s.sendall(b"GET /api/v1/mach")   # an unfinished request
            hold.append(s)
        time.sleep(0.5)
        c0 = cpu_seconds(d.proc.pid)
        s = socket.create_connection(("127.0.0.1", d.port))
        s.sendall(b"GET /api/v1/machine HTTP/1.1\r\nHost: x\r\n\r\n")
        resp = raw_reply(s, 2.0)
        s.close()
        check(resp.startswith(b"HTTP/1.1 503") and b"Retry-After: 1" in resp,
              "at the descriptor limit: 503", resp[:80])
        time.sleep(1.0)
        used = cpu_seconds(d.proc.pid) - c0
        check(used < 0.3, "at the descriptor limit: no spinning",
              "%.2f s CPU in ~1.5 s" % used)
        for h in hold:
            h.close()
        ok = settle(lambda: Rest(port=d.port).get("/machine").status == 200,
                    3.0)
        check(ok, "serving again below the descriptor limit")
        check(d.proc.poll() is None, "still running")
    finally:
        d.stop()


def test_strings(d):
    # A %00 in a path segment is part of the name, never its end.
    obj = {"qom-type": "memory-backend-ram", "id": "mem1", "size": 1 << 20}
    r = d.rest.post("/objects", obj)
    check(r.status == 201, "POST /objects mem1", r)
    r = d.rest.get("/objects/mem1%00zzz")
    check(r.status == 404 and r.json["error"]["desc"] ==
          "Object 'mem1\x00zzz' not found", "GET /objects/mem1%00zzz 404", r)
    r = d.rest.get("/devices/x%00y")
    check(r.status == 404 and r.json["error"]["desc"] ==
          "Device 'x\x00y' not found", "GET /devices/x%00y 404", r)
    r = d.rest.post("/machine/actions/stop%00zzz")
    check(r.status == 404 and "stop\x00zzz" in r.json["error"]["desc"],
          "POST /machine/actions/stop%00zzz 404", r)
    # Escapes decode per segment, literal segments included.
    r = d.rest.get("/m%61chine")
    check(r.status == 200, "percent-encoded literal segment", r)
    r = d.rest.get("/objects/m%65m1")
    check(r.status == 200 and r.json["id"] == "mem1",
          "percent-encoded parameter", r)
    for bad in ("/objects/%zz", "/objects/mem%1", "/objects/%"):
        r = d.rest.get(bad)
        check(r.status == 400, "malformed escape %s: 400" % bad, r)
    for bad in ("/objects/%ff%fe", "/objects/mem1%C0%80zzz"):
        r = d.rest.get(bad)
        check(r.status == 400 and "UTF-8" in r.json["error"]["desc"],
              "segment that is not UTF-8 (%s): 400" % bad, r)
    r = d.rest.delete("/objects/mem1")
    check(r.status == 204, "DELETE /objects/mem1", r)


def test_bodies(d):
    r = d.rest.post("/qmp", raw=b'{"execute": ',
                    headers={"Content-Type": "application/json"})
    check(r.status == 400 and r.error_class() == "GenericError",
          "malformed JSON declared JSON: 400", r)
    r = d.rest.post("/qmp", raw=b'{"execute": "query-status"}',
                    headers={"Content-Type": "text/plain"})
    check(r.status == 415, "JSON body declared text/plain: 415", r)
    r = d.rest.post("/qmp", raw=b'{"execute": "query-status"}')
    check(r.status == 415, "body without Content-Type: 415", r)


def main():
    d = Daemon()
    try:
        test_hangups(d)
        test_bodies(d)
        test_strings(d)
        check(d.rest.get("/machine").status == 200, "still serving")
    finally:
        d.stop()
    test_limit()
    test_fd_limit()
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
