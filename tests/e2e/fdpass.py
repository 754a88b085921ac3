#!/usr/bin/env python3
"""Descriptor passing on QMP against the live QEMU 7.2: getfd / closefd,
add-fd / remove-fd / query-fdsets with descriptors sent by SCM_RIGHTS
(socket.send_fds), which the differential runner cannot send.

The same script runs on QEMU and on qmachined; every reply is compared
with the members named "fd" left out (each side numbers its own
descriptors).  Every descriptor sent is a distinct marker file, so the
descriptors each process still holds can be read from /proc/PID/fd:
after each phase the markers qmachined keeps open must be those QEMU
keeps open (received but unclaimed ones go with the client, getfd's stay
with the monitor, a set's are closed only while the guest runs), and at
the end none.

Run: QMACHINED=src/qmachined python3 tests/e2e/fdpass.py
"""
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import (QMACHINED, Checker, read_line,  # noqa: E402
                      wait_for_paths)

QEMU = os.environ.get("QEMU_SYSTEM_X86_64") or "qemu-system-x86_64"
ARGS = ["-machine", "pc", "-nodefaults", "-S", "-display", "none",
        "-accel", "tcg"]


class Side:
    def __init__(self, prog, tmp):
        self.dir = tmp
        self.sock = os.path.join(tmp, "qmp.sock")
        self.proc = subprocess.Popen(
            [prog] + ARGS + ["-qmp", "unix:%s,server=on,wait=off" % self.sock],
            stdout=subprocess.DEVNULL, start_new_session=True)
        if not wait_for_paths(self.proc, self.sock):
            raise RuntimeError("%s did not start" % prog)
        self.markers = 0
        self.own = {}  # fdset-id -> fd numbers this side's add-fd gave
        self.s = None

    def connect(self):
        for _ in range(200):
            try:
                s = socket.socket(socket.AF_UNIX)
                s.settimeout(10)
                s.connect(self.sock)
                break
            except OSError:
                s.close()
                time.sleep(0.02)
        self.s, self.buf = s, b""
        self.read()
        self.cmd("qmp_capabilities")

    def disconnect(self):
        self.s.close()
        self.s = None

    def read(self):
        return json.loads(read_line(self))

    def marker(self):
        """A new marker file, opened; its index names it."""
        path = os.path.join(self.dir, "m-%d" % self.markers)
        self.markers += 1
        open(path, "w").close()
        return os.open(path, os.O_RDONLY)

    def send(self, data, nfds=0):
        fds = [self.marker() for _ in range(nfds)]
        if fds:
            socket.send_fds(self.s, [data], fds)
            for fd in fds:
                os.close(fd)
        else:
            self.s.sendall(data)

    def cmd(self, name, nfds=0, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.send(json.dumps(msg).encode(), nfds)
        while True:
            r = self.read()
            if "event" not in r:
                break
        if name == "add-fd" and "return" in r:
            self.own.setdefault(r["return"]["fdset-id"], []).append(
                r["return"]["fd"])
        return r

    def open_markers(self):
        """Indices of the marker files the process holds."""
        held = set()
        base = "/proc/%d/fd" % self.proc.pid
        for name in os.listdir(base):
            try:
                target = os.readlink(os.path.join(base, name))
            except OSError:
                continue
            if target.startswith(os.path.join(self.dir, "m-")):
                held.add(int(target.rsplit("-", 1)[1]))
        return held

    def stop(self):
        if self.s:
            self.s.close()
        self.proc.kill()
        self.proc.wait()


def strip_fd(v):
    if isinstance(v, dict):
        return {k: strip_fd(x) for k, x in v.items() if k != "fd"}
    if isinstance(v, list):
        return [strip_fd(x) for x in v]
    return v


def settled(sides, tries=100):
    """The open markers of each side, once both have stopped changing
    (a process closes a client's descriptors when it sees the EOF)."""
    last = None
    for _ in range(tries):
        now = [s.open_markers() for s in sides]
        if now == last:
            return now
        last = now
        time.sleep(0.05)
    return last


def main():
    check = Checker()
    if not shutil.which(QEMU):
        print("QEMU not found: %s" % QEMU)
        return 77 if os.environ.get("QMPDIFF_ALLOW_SKIP") else 1
    tmp = tempfile.mkdtemp(prefix="fdpass.")
    sides = []
    try:
        for name, prog in (("qemu", QEMU), ("qmachined", QMACHINED)):
            d = os.path.join(tmp, name)
            os.mkdir(d)
            sides.append(Side(prog, d))
        qemu, qmd = sides

        def both(label, fn):
            got = [strip_fd(fn(s)) for s in sides]
            check(got[0] == got[1], label,
                  "\n  qemu:      %s\n  qmachined: %s" % (got[0], got[1]))
            return got[0]

        def cmd(name, nfds=0, **args):
            return both("%s %s (%d fds)" % (name, args, nfds),
                        lambda s: s.cmd(name, nfds, **args))

        def markers(label):
            got = settled(sides)
            check(got[0] == got[1], "open markers: " + label,
                  "qemu %s, qmachined %s" % (sorted(got[0]), sorted(got[1])))
            return got[1]

        for s in sides:
            s.connect()
        # No descriptor sent.
        r = cmd("getfd", fdname="a")
        check(r.get("error", {}).get("desc") ==
              "No file descriptor supplied via SCM_RIGHTS", "getfd, no fd", r)
        cmd("add-fd")
        # getfd: names, replacing.
        cmd("getfd", 1, fdname="1x")
        cmd("getfd", 1, fdname="")
        cmd("getfd", 1, fdname="a")
        cmd("getfd", 1, fdname="a")
        markers("getfd '' and a (replaced)")
        # Descriptors wait for a command that takes one; the first of a
        # message is taken, the others are closed.
        cmd("query-status", 2)
        cmd("add-fd")
        cmd("add-fd")
        # One taken by getfd is not left for add-fd.
        cmd("getfd", 1, fdname="b")
        cmd("add-fd")
        cmd("closefd", fdname="a")
        cmd("closefd", fdname="a")
        cmd("closefd", fdname="b")
        markers("after closefd")
        # add-fd: ids, opaque, errors.
        both("add-fd fdset-id -1", lambda s: s.cmd("add-fd", 1, **{
            "fdset-id": -1}))
        both("add-fd 5 opaque", lambda s: s.cmd("add-fd", 1, **{
            "fdset-id": 5, "opaque": "x"}))
        cmd("add-fd", 1)
        cmd("add-fd", 1, opaque="y")
        both("add-fd 5, two fds", lambda s: s.cmd("add-fd", 2, **{
            "fdset-id": 5}))
        both("add-fd 3", lambda s: s.cmd("add-fd", 1, **{"fdset-id": 3}))
        both("add-fd bad id", lambda s: s.cmd("add-fd", 0, **{
            "fdset-id": "x"}))
        cmd("query-fdsets")
        # remove-fd while paused: accepted, nothing closed.
        both("remove-fd 7", lambda s: s.cmd("remove-fd", **{"fdset-id": 7}))
        both("remove-fd 1, fd 99999", lambda s: s.cmd("remove-fd", **{
            "fdset-id": 1, "fd": 99999}))
        both("remove-fd 5, its first fd", lambda s: s.cmd("remove-fd", **{
            "fdset-id": 5, "fd": s.own[5][0]}))
        both("remove-fd 0", lambda s: s.cmd("remove-fd", **{"fdset-id": 0}))
        cmd("query-fdsets")
        cmd("remove-fd")
        markers("fdsets while paused")
        # One message brings at most 16 descriptors (the kernel drops the
        # rest); the next message with some replaces them.
        cmd("query-status", 20)
        held = markers("20 sent in one message")
        cmd("query-status", 3)
        now = markers("3 more sent")
        check(len(held - now) == 16 and len(now - held) == 3,
              "16 held, replaced by the next 3", (sorted(held), sorted(now)))
        # Descriptors sent with no command are dropped with the client.
        for s in sides:
            s.send(b" ", 2)
        cmd("query-status")
        held = markers("unclaimed, client connected")
        for s in sides:
            s.disconnect()
        after = markers("unclaimed, client gone")
        check(len(held - after) == 2, "the 2 unclaimed ones closed",
              (sorted(held), sorted(after)))

        # getfd's descriptors stay with the monitor; a set's go while the
        # guest runs.
        for s in sides:
            s.connect()
        cmd("query-fdsets")
        cmd("closefd", fdname="")
        cmd("closefd", fdname="")
        cmd("cont")
        both("remove-fd 3", lambda s: s.cmd("remove-fd", **{"fdset-id": 3}))
        cmd("query-fdsets")
        markers("set 3 removed, running")
        for s in sides:
            s.disconnect()
        markers("no monitor, running")
        for s in sides:
            s.connect()
        r = cmd("query-fdsets")
        check(r == {"return": []}, "every set closed", r)
        for s in sides:
            s.disconnect()
        check(settled(sides)[1] == set(), "qmachined holds no marker")
    finally:
        for s in sides:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
