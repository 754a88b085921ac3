#!/usr/bin/env python3
"""QMP under hostile clients: at the process's fd limit the listener backs
off instead of spinning (and says so once on stderr), then serves again
once descriptors are free; a client that floods commands and never reads
holds the daemon to a bounded backlog (it stops reading) while others
are served.

Run: QMACHINED=src/qmachined python3 tests/e2e/qmp_limits.py
"""
import os
import resource
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import (QMACHINED, Checker, Qmp, cpu_seconds,  # noqa: E402
                      rss_kib, rss_within, unix_socket, wait_for_paths)


def start(tmp, nofile=None):
    path = os.path.join(tmp, "qmp.sock")
    err = open(os.path.join(tmp, "stderr"), "w+b")

    def limit():
        if nofile:
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
    proc = subprocess.Popen(
        [QMACHINED, "-machine", "pc", "-nodefaults", "-S",
         "-qmp", "unix:%s,server=on,wait=off" % path],
        stderr=err, preexec_fn=limit)
    wait_for_paths(proc, path)
    return proc, path, err


def connect(path):
    return unix_socket(path, 5)


def fd_limit(check):
    tmp = tempfile.mkdtemp()
    proc, path, err = start(tmp, nofile=48)
    socks = []
    try:
        for _ in range(80):
            try:
                socks.append(connect(path))
            except OSError:
                break   # the listen backlog is full too
        check(len(socks) > 48, "more clients than descriptors (%d)"
              % len(socks))
        time.sleep(0.5)
        c0 = cpu_seconds(proc.pid)
        time.sleep(1.0)
        used = cpu_seconds(proc.pid) - c0
        check(used < 0.25, "no spinning at the fd limit (%.2f s CPU in 1 s)"
              % used)
        err.seek(0)
        text = err.read().decode()
        check(text.count("cannot accept connections") == 1,
              "said once on stderr", text)
        for s in socks:
            s.close()
        socks = []
        time.sleep(0.5)
        q = Qmp(path)
        check(q.cmd("query-status")["return"]["status"] == "prelaunch",
              "serving again once fds are free")
        q.s.close()
    finally:
        for s in socks:
            s.close()
        proc.kill()
        proc.wait()


def flood(check):
    tmp = tempfile.mkdtemp()
    proc, path, err = start(tmp)
    try:
        time.sleep(0.2)
        base = rss_kib(proc.pid)
        hog = connect(path)
        hog.recv(4096)
        hog.sendall(b'{"execute":"qmp_capabilities"}')
        cmd = b'{"execute":"query-qmp-schema"}'
        sent = 0
        hog.setblocking(False)
        t_end = time.monotonic() + 3
        while time.monotonic() < t_end:
            try:
                sent += hog.send(cmd * 64)
            except BlockingIOError:
                time.sleep(0.05)
        grown = rss_kib(proc.pid) - base
        rss_within(check, grown, 24 * 1024, "RSS growth bounded under a "
                   "command flood that is never read")
        q = Qmp(path)
        t0 = time.monotonic()
        check("return" in q.cmd("query-status"), "other client served")
        check(time.monotonic() - t0 < 1.0, "and at once")
        # The flooding client reads now: its replies are whole and in order.
        hog.setblocking(True)
        hog.settimeout(10)
        buf = b""
        while buf.count(b"\r\n") < 4:
            buf += hog.recv(1 << 20)
        lines = buf.split(b"\r\n")
        check(lines[0] == b'{"return": {}}', "negotiation reply first")
        check(all(ln.startswith(b'{"return": [{') for ln in lines[1:3]),
              "schema replies whole")
        hog.close()
        q.s.close()
    finally:
        proc.kill()
        proc.wait()


def main():
    check = Checker()
    fd_limit(check)
    flood(check)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
