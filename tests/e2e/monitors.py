#!/usr/bin/env python3
"""End-to-end checks of qmachined's own monitor behaviour (things QEMU,
with one client per socket, cannot show): many clients on one socket,
each with its own negotiation state; events reach every negotiated client
and no un-negotiated one; a client that disconnects mid-message, or sends
garbage, leaves the daemon serving the others; -qmp tcp works; SIGTERM
gives SHUTDOWN with reason host-signal.

Run: QMACHINED=src/qmachined python3 tests/e2e/monitors.py
"""
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import QMACHINED, Qmp, free_port, wait_for_paths  # noqa: E402

passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def client(path=None, tcp=None):
    """A client left in capabilities negotiation, greeting read."""
    return Qmp(path, tcp=tcp, negotiate=False)


def main():
    tmp = tempfile.mkdtemp()
    sock = os.path.join(tmp, "qmp.sock")
    port = free_port()
    proc = subprocess.Popen([QMACHINED, "-machine", "pc", "-nodefaults",
                             "-S", "-display", "none",
                             "-qmp", "unix:%s,server=on,wait=off" % sock,
                             "-qmp", "tcp:127.0.0.1:%d,server=on,wait=off"
                             % port])
    try:
        check(wait_for_paths(proc, sock), "daemon started")
        a, b, c = client(sock), client(sock), client(sock)
        check(a.greeting["QMP"]["capabilities"] == ["oob"], "greeting")
        check(a.cmd_events("qmp_capabilities")[0] == {"return": {}},
              "a negotiates")
        check(b.cmd_events("qmp_capabilities")[0] == {"return": {}},
              "b negotiates")
        # c stays in negotiation mode and must get no events.
        r, ev = a.cmd_events("cont")
        check(r == {"return": {}} and [e["event"] for e in ev] == ["RESUME"],
              "a sees RESUME before its reply")
        evb = b.pending(0.2)
        check([e["event"] for e in evb] == ["RESUME"], "b sees RESUME")
        check(c.pending(0.2) == [], "un-negotiated c sees no event")
        r, _ = c.cmd_events("query-status")
        check(r["error"]["class"] == "CommandNotFound", "c still negotiating")

        # A client that vanishes mid-message; another that sends garbage.
        d = client(sock)
        d.send(b'{"execute": "qmp_capabilities"}{"execute": "query-sta')
        d.s.close()
        e = client(sock)
        e.send(b"\xff\xfe{{{{[[[[" * 1000)
        e.s.close()
        f = client(tcp=("127.0.0.1", port))
        check(f.cmd_events("qmp_capabilities")[0] == {"return": {}},
              "tcp client")
        r, _ = a.cmd_events("query-status")
        check(r["return"]["status"] == "running", "a still served")
        r, ev = f.cmd_events("stop")
        check([x["event"] for x in ev] == ["STOP"], "tcp client sees STOP")
        check([x["event"] for x in a.pending(0.2)] == ["STOP"], "a sees STOP")

        # Many clients at once, each negotiated independently.
        many = [client(sock) for _ in range(50)]
        for m in many:
            m.send(b'{"execute":"qmp_capabilities"}')
        for m in many:
            check(m.read() == {"return": {}}, "many negotiate")
        a.cmd_events("cont")
        check(all([x["event"] for x in m.pending(0.2)] == ["RESUME"]
                  for m in many), "every negotiated client gets the event")
        for m in many:
            m.s.close()

        # SIGTERM: SHUTDOWN with reason host-signal, then exit 0.
        proc.send_signal(signal.SIGTERM)
        msgs = a.pending(1.0)
        check([m.get("event") for m in msgs] == ["SHUTDOWN"] and
              msgs[0]["data"] == {"guest": False, "reason": "host-signal"},
              "SIGTERM gives SHUTDOWN host-signal")
        check(proc.wait(5) == 0, "exit status 0 after SIGTERM")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
