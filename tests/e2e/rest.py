#!/usr/bin/env python3
"""End-to-end checks of the REST API (/api/v1) with real HTTP clients:
every route's status and body, the error statuses (401 404 405 413 415
400; tests/e2e/rest_robust.py has the connection limits and hang-ups), Server-Sent Events (STOP/RESUME, heartbeats, clean-up of clients
that go away), a QMP client and REST clients on one machine seeing each
other's changes and events, unix-socket mode, the token and the
non-loopback refusal, and rest/openapi.json in step with the route table.

Routes whose QMP commands are still missing (device_add, object-add, ...)
are covered by tests/e2e/rest_hotplug.py.

Run: QMACHINED=src/qmachined python3 tests/e2e/rest.py
"""
import json
import os
import re
import socket
import stat
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import (QMACHINED, Checker, Daemon, Rest, Sse,  # noqa: E402
                      free_port)

SRCDIR = os.environ.get("srcdir", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", ".."))
check = Checker()


def names(evs):
    return [e["event"] for e in evs]


def test_machine(d):
    r = d.rest.get("/machine")
    check(r.status == 200, "GET /machine 200", r)
    check(r.headers["Content-Type"] == "application/json", "JSON type")
    m = r.json
    check(m["type"] == "pc-i440fx-7.2", "machine type", m)
    check(m["status"] == {"status": "prelaunch", "singlestep": False,
                          "running": False}, "prelaunch status", m)
    check(set(m["memory"]) == {"base", "plugged", "slots", "maxmem"},
          "memory members", m)
    check("guest-policy" in m, "guest-policy member")

    r = d.rest.post("/machine/actions/cont")
    check(r.status == 200 and r.json["status"]["status"] == "running",
          "POST cont -> running", r)
    r = d.rest.post("/machine/actions/stop")
    check(r.status == 200 and r.json["status"]["status"] == "paused",
          "POST stop -> paused", r)
    r = d.rest.post("/machine/actions/system_reset")
    check(r.status == 200 and r.json["type"] == "pc-i440fx-7.2",
          "POST system_reset", r)
    r = d.rest.post("/machine/actions/system_powerdown")
    check(r.status == 200, "POST system_powerdown", r)
    r = d.rest.post("/machine/actions/explode")
    check(r.status == 404 and "explode" in r.json["error"]["desc"],
          "unknown action 404", r)
    r = d.rest.get("/machine/actions/stop")
    check(r.status == 405 and r.headers["Allow"] == "POST",
          "GET action 405 Allow: POST", r)
    # Both transports reach the same machine.
    # (A reset while not running leaves the machine in prelaunch.)
    r = d.urest.get("/machine")
    check(r.status == 200 and r.json == d.rest.get("/machine").json,
          "unix socket sees the same machine", r)
    mode = stat.S_IMODE(os.stat(d.rest_path).st_mode)
    check(mode == 0o600, "unix socket mode 0600", oct(mode))


def test_views(d, q):
    r = d.rest.get("/pci")
    check(r.status == 200 and r.json == q.cmd("query-pci")["return"],
          "GET /pci == query-pci", r)
    r = d.rest.get("/memory/map")
    check(r.status == 200 and r.json["address-space"] == "memory",
          "GET /memory/map", r)
    rng = r.json["ranges"] if r.json else []
    check(rng and rng[0]["start"] == 0 and rng[0]["type"] == "ram" and
          rng[0]["region"] == "pc.ram", "first range is pc.ram at 0", rng[:1])
    check(all(a["end"] < b["start"] for a, b in zip(rng, rng[1:])),
          "ranges sorted and disjoint")
    check(any(x["region"] == "ioapic" and x["start"] == 0xfec00000 and
              x["type"] == "i/o" for x in rng), "ioapic MMIO in the map")
    r = d.rest.get("/interrupts")
    j = r.json or {}
    check(r.status == 200 and len(j.get("pic") or []) == 2 and
          len(j["ioapic"]["pins"]) == 24 and len(j["gsi"]) == 24,
          "GET /interrupts: 2 PICs, 24 IOAPIC pins, 24 GSIs", r)
    if r.status == 200:
        check(j["pic"][0]["chip"] == "master" and
              j["ioapic"]["pins"][0]["masked"] and
              j["gsi"][0]["ioapic-pin"] == 2 and
              j["gsi"][20]["isa-irq"] is None, "interrupt details", j)
    r = d.rest.get("/devices")
    check(r.status == 200 and isinstance(r.json, list), "GET /devices", r)
    r = d.rest.get("/devices/nope")
    check(r.status == 404 and r.error_class() == "DeviceNotFound",
          "GET /devices/nope 404 DeviceNotFound", r)
    r = d.rest.get("/objects")
    check(r.status == 200 and isinstance(r.json, list), "GET /objects", r)
    r = d.rest.get("/objects/nope")
    check(r.status == 404, "GET /objects/nope 404", r)
    # Routes backed by commands that may not exist yet: 200 or 501.
    for path in ("/memory-devices", "/acpi/ospm", "/machine/guest"):
        r = d.rest.get(path)
        check(r.status == 200 or (r.status == 501 and
                                  r.error_class() == "CommandNotFound"),
              "GET %s 200 (or 501 without the command)" % path, r)


def test_qmp_tunnel(d):
    r = d.rest.post("/qmp", {"execute": "query-status", "id": "x1"})
    check(r.status == 200 and r.json.get("id") == "x1" and
          "return" in r.json, "POST /qmp query-status", r)
    r = d.rest.post("/qmp", {"execute": "no-such-command"})
    check(r.status == 200 and r.error_class() == "CommandNotFound" and
          r.json["error"]["desc"] ==
          "The command no-such-command has not been found",
          "POST /qmp error as QMP reply", r)
    r = d.rest.post("/qmp", {"execute": "qom-list", "arguments": {}})
    check(r.status == 200 and r.json["error"]["desc"] ==
          "Parameter 'path' is missing", "POST /qmp argument check", r)
    r = d.rest.post("/qmp", [1, 2])
    check(r.status == 400, "POST /qmp non-object 400", r)


def raw_exchange(port, data):
    """Sends data, returns what the server answers until it closes."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.sendall(data)
    resp = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            resp += chunk
    except OSError:
        pass
    s.close()
    return resp


def test_errors(d):
    r = d.rest.get("~/nope")
    check(r.status == 404 and r.json["error"]["class"] == "GenericError",
          "404 outside /api/v1", r)
    r = d.rest.get("/nope")
    check(r.status == 404, "404 unknown route", r)
    r = d.rest.get("/machine/")
    check(r.status == 404, "404 trailing slash", r)
    r = d.rest.request("PATCH", "/devices")
    check(r.status == 405 and r.headers["Allow"] == "GET, POST",
          "405 with Allow", r)
    r = d.rest.request("PUT", "/machine")
    check(r.status == 405 and r.headers["Allow"] == "GET", "405 PUT", r)
    # Content-Length past 1 MiB: answered before the body is sent.
    resp = raw_exchange(d.port, b"POST /api/v1/devices HTTP/1.1\r\n"
                        b"Host: x\r\nContent-Type: application/json\r\n"
                        b"Content-Length: 2000000\r\n\r\n")
    check(resp.startswith(b"HTTP/1.1 413") and b'"error"' in resp,
          "413 past 1 MiB (Content-Length)", resp[:80])
    # Chunked body past the limit (no Content-Length).
    s = socket.create_connection(("127.0.0.1", d.port), timeout=10)
    s.sendall(b"POST /api/v1/objects HTTP/1.1\r\nHost: x\r\n"
              b"Content-Type: application/json\r\n"
              b"Transfer-Encoding: chunked\r\n\r\n")
    chunk = b"x" * 65536
    try:
        for _ in range(20):
            s.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        s.sendall(b"0\r\n\r\n")
    except OSError:
        pass
    resp = b""
    try:
        while b"\r\n" not in resp:
            data = s.recv(4096)
            if not data:
                break
            resp += data
    except OSError:
        pass
    s.close()
    check(resp.startswith(b"HTTP/1.1 413"), "413 chunked", resp[:60])
    r = d.rest.post("/objects", raw=b'{"qom-type": "x"}',
                    headers={"Content-Type": "text/plain"})
    check(r.status == 415, "415 wrong Content-Type", r)
    r = d.rest.post("/objects", raw=b'{"qom-type": ',
                    headers={"Content-Type": "application/json"})
    check(r.status == 400 and "JSON" in r.json["error"]["desc"],
          "400 body declared JSON but not JSON", r)
    r = d.rest.request("PUT", "/machine/guest", raw=b"{} {}",
                       headers={"Content-Type": "application/json"})
    check(r.status == 400, "400 two JSON values", r)
    r = d.rest.post("/devices", [1])
    check(r.status == 400 and r.json["error"]["class"] == "GenericError",
          "400 body not an object", r)
    r = d.rest.post("/qmp", {"execute": "query-status"},
                    headers={"Content-Type": "application/json; "
                                             "charset=utf-8"})
    check(r.status == 200, "Content-Type with charset accepted", r)


def test_events(d):
    q = d.qmp()
    a = d.sse()
    check(a.status == 200 and
          a.headers.get("content-type") == "text/event-stream",
          "SSE headers", a.headers)
    b = Sse(unix=d.rest_path)
    check(b.status == 200, "SSE over the unix socket")
    d.rest.post("/machine/actions/cont")
    r = d.rest.post("/machine/actions/stop")
    evs = a.events(3, count=2)
    check(names(evs)[:2] == ["RESUME", "STOP"], "SSE: RESUME then STOP",
          evs)
    if evs:
        e = evs[-1]["data"]
        check(e["event"] == "STOP" and "seconds" in e["timestamp"],
              "SSE data is the QMP event object", e)
    check(names(b.events(3, count=2)) == ["RESUME", "STOP"],
          "second SSE client (unix) gets the same events")
    # The QMP client saw the REST-caused events too...
    check(names(q.pending()) == ["RESUME", "STOP"],
          "QMP client sees RESUME/STOP caused over REST")
    # ...and REST sees what the QMP client does.
    check(q.cmd("cont") == {"return": {}}, "QMP cont")
    check(names(a.events(3, count=1)) == ["RESUME"],
          "SSE sees RESUME caused over QMP")
    r = d.rest.get("/machine")
    check(r.json["status"]["status"] == "running",
          "REST sees the QMP-made run state", r)
    d.rest.post("/machine/actions/stop")
    check(q.cmd("query-status")["return"]["status"] == "paused",
          "QMP sees the REST-made run state")
    ev = q.pending()
    # (RESUME: the event of its own cont, read along with that reply.)
    check(names(ev) == ["RESUME", "STOP"], "QMP got STOP from REST", ev)
    # Heartbeats (QMACHINED_REST_HEARTBEAT_MS=300 here).
    recs = a.records(1.0)
    check(any(r.get("comment") == "heartbeat" for r in recs),
          "heartbeat comment", recs)
    a.close()
    b.close()

    # Clients that go away are cleaned up (at the next write).
    time.sleep(0.7)
    base = d.fd_count()
    many = [d.sse() for _ in range(20)]
    check(d.fd_count() >= base + 20, "20 streams open")
    for m in many:
        m.close()
    deadline = time.time() + 5
    while time.time() < deadline and d.fd_count() > base:
        time.sleep(0.1)
    check(d.fd_count() <= base, "closed streams cleaned up",
          (base, d.fd_count()))
    r = d.rest.get("/machine")
    check(r.status == 200, "still serving after disconnects")
    return q


def test_openapi(d):
    r = d.rest.get("/openapi.json")
    path = os.path.join(SRCDIR, "rest", "openapi.json")
    with open(path, "rb") as f:
        text = f.read()
    check(r.status == 200 and r.data == text,
          "GET /openapi.json serves rest/openapi.json")
    doc = json.loads(text)
    check(doc["openapi"].startswith("3."), "OpenAPI 3")
    spec = {(m.upper(), p) for p, ops in doc["paths"].items() for m in ops}
    with open(os.path.join(SRCDIR, "rest", "routes.c")) as f:
        src = f.read()
    table = set(re.findall(r'\{ "([A-Z]+)", "(/[^"]*)", (?:true|false), ',
                           src))
    check(table and spec == table, "openapi.json paths == route table",
          (sorted(spec - table), sorted(table - spec)))
    # And the server agrees: each path's Allow lists exactly its methods.
    for p, ops in doc["paths"].items():
        url = re.sub(r"\{[^}]*\}", "x", p)
        r = d.rest.request("PATCH", url)
        allowed = set(r.headers.get("Allow", "").split(", "))
        check(r.status == 405 and allowed == {m.upper() for m in ops},
              "server methods for %s match openapi" % p, r)
    for p, ops in doc["paths"].items():
        for m, op in ops.items():
            check("401" in op["responses"] and
                  any(c.startswith("2") for c in op["responses"]),
                  "%s %s documents 2xx and 401" % (m, p))


def test_token():
    token = "s3cret-token"
    d = Daemon(token=token)
    try:
        bare = Rest(port=d.port)
        r = bare.get("/machine")
        check(r.status == 401 and r.json["error"]["class"] ==
              "GenericError" and "Bearer" in r.headers["WWW-Authenticate"],
              "401 without token", r)
        r = bare.get("/machine", headers={"Authorization": "Bearer nope"})
        check(r.status == 401, "401 wrong token", r)
        r = bare.get("/nope")
        check(r.status == 401, "401 before 404", r)
        resp = raw_exchange(d.port, b"POST /api/v1/qmp HTTP/1.1\r\n"
                            b"Host: x\r\nContent-Length: 2000000\r\n\r\n")
        check(resp.startswith(b"HTTP/1.1 401"), "401 before 413", resp[:60])
        r = d.rest.get("/machine")
        check(r.status == 200, "200 with token", r)
        s = Sse(port=d.port, token=token)
        check(s.status == 200, "SSE with token")
        s.close()
        r = Rest(unix=d.rest_path).get("/machine")
        check(r.status == 401, "token applies to unix socket too", r)
    finally:
        d.stop()

    # Non-loopback without a token: refused at start-up.
    p = subprocess.run([QMACHINED, "-machine", "pc", "-nodefaults",
                        "-display", "none",
                        "--rest", "tcp:0.0.0.0:%d" % free_port()],
                       capture_output=True, text=True, timeout=10)
    check(p.returncode != 0 and "non-loopback" in p.stderr and
          "--rest-token-file" in p.stderr,
          "non-loopback without token refused", (p.returncode, p.stderr))


def main():
    d = Daemon(env={"QMACHINED_REST_HEARTBEAT_MS": "300"})
    q = None
    try:
        q = d.qmp()
        test_machine(d)
        test_views(d, q)
        test_qmp_tunnel(d)
        test_errors(d)
        test_events(d)
        test_openapi(d)
        # SIGTERM with a stream open: clean exit.
        s = d.sse()
        check(d.stop() == 0, "exit 0 after SIGTERM with a stream open")
        s.close()
    finally:
        d.stop()
    test_token()
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
