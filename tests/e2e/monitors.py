#!/usr/bin/env python3
"""End-to-end checks of qmachined's own monitor behaviour (things QEMU,
with one client per socket, cannot show): many clients on one socket,
each with its own negotiation state; events reach every negotiated client
and no un-negotiated one; a client that disconnects mid-message, or sends
garbage, leaves the daemon serving the others; -qmp tcp works; SIGTERM
gives SHUTDOWN with reason host-signal.

Run: QMACHINED=src/qmachined python3 tests/e2e/monitors.py
"""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

QMACHINED = os.environ.get("QMACHINED", "src/qmachined")
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


class Client:
    def __init__(self, path=None, tcp=None):
        if tcp:
            self.s = socket.create_connection(tcp, timeout=5)
        else:
            self.s = socket.socket(socket.AF_UNIX)
            self.s.settimeout(5)
            self.s.connect(path)
        self.buf = b""
        self.greeting = self.read()

    def line(self):
        while b"\r\n" not in self.buf:
            data = self.s.recv(65536)
            if not data:
                raise EOFError
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def read(self):
        return json.loads(self.line())

    def send(self, data):
        self.s.sendall(data if isinstance(data, bytes) else
                       json.dumps(data).encode())

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.send(msg)
        events = []
        while True:
            r = self.read()
            if "event" in r:
                events.append(r)
            else:
                return r, events

    def pending(self, wait=0.2):
        """Messages that arrive within wait seconds."""
        out = []
        self.s.settimeout(wait)
        try:
            while True:
                out.append(self.read())
        except (socket.timeout, TimeoutError, EOFError):
            pass
        finally:
            self.s.settimeout(5)
        return out


def wait_for(path, proc):
    for _ in range(200):
        if os.path.exists(path):
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.025)
    return False


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


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
        check(wait_for(sock, proc), "daemon started")
        a, b, c = Client(sock), Client(sock), Client(sock)
        check(a.greeting["QMP"]["capabilities"] == ["oob"], "greeting")
        check(a.cmd("qmp_capabilities")[0] == {"return": {}}, "a negotiates")
        check(b.cmd("qmp_capabilities")[0] == {"return": {}}, "b negotiates")
        # c stays in negotiation mode and must get no events.
        r, ev = a.cmd("cont")
        check(r == {"return": {}} and [e["event"] for e in ev] == ["RESUME"],
              "a sees RESUME before its reply")
        evb = b.pending()
        check([e["event"] for e in evb] == ["RESUME"], "b sees RESUME")
        check(c.pending() == [], "un-negotiated c sees no event")
        r, _ = c.cmd("query-status")
        check(r["error"]["class"] == "CommandNotFound", "c still negotiating")

        # A client that vanishes mid-message; another that sends garbage.
        d = Client(sock)
        d.send(b'{"execute": "qmp_capabilities"}{"execute": "query-sta')
        d.s.close()
        e = Client(sock)
        e.send(b"\xff\xfe{{{{[[[[" * 1000)
        e.s.close()
        f = Client(tcp=("127.0.0.1", port))
        check(f.cmd("qmp_capabilities")[0] == {"return": {}}, "tcp client")
        r, _ = a.cmd("query-status")
        check(r["return"]["status"] == "running", "a still served")
        r, ev = f.cmd("stop")
        check([x["event"] for x in ev] == ["STOP"], "tcp client sees STOP")
        check([x["event"] for x in a.pending()] == ["STOP"], "a sees STOP")

        # Many clients at once, each negotiated independently.
        many = [Client(sock) for _ in range(50)]
        for m in many:
            m.send(b'{"execute":"qmp_capabilities"}')
        for m in many:
            check(m.read() == {"return": {}}, "many negotiate")
        a.cmd("cont")
        check(all([x["event"] for x in m.pending()] == ["RESUME"]
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
