#!/usr/bin/env python3
"""The startup lines say where qmachined really listens: given port 0,
the default machine prints the QMP and REST addresses the kernel chose,
and both answer there (a QMP greeting, GET /api/v1/machine 200); with
QEMU options only the REST lines are printed, again usable as printed;
a unix REST socket is printed by its path.
"""
import json
import os
import re
import select
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import QMACHINED, Checker  # noqa: E402


def start(args):
    """Starts qmachined; returns it and its stdout lines up to the last
    REST line expected (at most 20 s)."""
    p = subprocess.Popen([QMACHINED] + args, stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL)
    want = max(1, args.count("--rest"))
    lines, buf = [], b""
    deadline = time.monotonic() + 20
    while sum(l.startswith("  REST:") for l in lines) < want:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([p.stdout], [], [], left)[0]:
            break
        data = os.read(p.stdout.fileno(), 4096)
        if not data:
            break
        buf += data
        *done, buf = buf.split(b"\n")
        lines += [l.decode(errors="replace") for l in done]
    return p, lines


def main():
    check = Checker()
    tmp = tempfile.mkdtemp()
    p, lines = start(["-qmp", "tcp:127.0.0.1:0,server=on,wait=off",
                      "--rest", "tcp:127.0.0.1:0"])
    try:
        qmp = [l for l in lines if l.startswith("  QMP:  tcp:127.0.0.1:")]
        rest = [l for l in lines if l.startswith("  REST: http://127.0.0.1:")]
        check(len(qmp) == 1 and len(rest) == 1, "default machine: both lines",
              lines)
        if qmp:
            port = int(qmp[0].rsplit(":", 1)[1])
            check(port != 0, "a real QMP port", qmp)
            s = socket.create_connection(("127.0.0.1", port), 5)
            greeting = json.loads(s.makefile().readline())
            s.close()
            check("QMP" in greeting, "QMP answers where printed", greeting)
        if rest:
            url = rest[0].split("REST: ", 1)[1]
            with urllib.request.urlopen(url, timeout=5) as r:
                check(r.status == 200, "REST answers where printed", url)
    finally:
        p.kill()
        p.wait()

    upath = os.path.join(tmp, "rest.sock")
    p, lines = start(["-machine", "pc", "-nodefaults", "-S",
                      "-qmp", "unix:%s,server=on,wait=off"
                      % os.path.join(tmp, "qmp.sock"),
                      "--rest", "tcp:127.0.0.1:0", "--rest", "unix:" + upath])
    try:
        check(not [l for l in lines if "QMP" in l or "default" in l],
              "QEMU options: no QMP line", lines)
        rest = [l for l in lines if re.match(
            r"  REST: http://127\.0\.0\.1:[1-9][0-9]*/api/v1/machine$", l)]
        check(len(rest) == 1, "QEMU options: the TCP REST line", lines)
        check("  REST: unix:%s (HTTP, /api/v1/machine)" % upath in lines,
              "the unix REST line", lines)
        if rest:
            with urllib.request.urlopen(rest[0].split("REST: ", 1)[1],
                                        timeout=5) as r:
                check(r.status == 200, "REST answers where printed")
    finally:
        p.kill()
        p.wait()
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
