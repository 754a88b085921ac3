#!/usr/bin/env python3
"""Benchmark: what --forward adds to a QMP round trip, and throughput.

Two QEMU 7.2 processes with the same arguments (-machine pc -nodefaults
-S, TCG); one is reached directly, the other through qmachined
--forward.  For each, one client sends query-status N times, one at a
time (round trip: median and mean in microseconds); then commands per
second: 16 clients at once sending N/16 each through qmachined, and the
one client QEMU's monitor accepts sending N one at a time.  Prints one table and
the ratio of the medians.

Usage: tests/bench/forward_bench.py [--qmachined PATH] [--count N]
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "e2e"))
from resthttp import wait_for_paths  # noqa: E402

QEMU = os.environ.get("QEMU_SYSTEM_X86_64", "qemu-system-x86_64")
ARGS = ["-machine", "pc", "-nodefaults", "-S", "-display", "none",
        "-accel", "tcg"]
CMD = b'{"execute": "query-status"}\r\n'


def wait_path(path, proc):
    return wait_for_paths(proc, path)


class Client:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.connect(path)
        self.buf = b""
        self.line()
        self.s.sendall(b'{"execute": "qmp_capabilities"}\r\n')
        self.line()

    def line(self):
        while b"\n" not in self.buf:
            self.buf += self.s.recv(65536)
        line, self.buf = self.buf.split(b"\n", 1)
        return line

    def call(self):
        self.s.sendall(CMD)
        return self.line()


def rtt(path, n):
    c = Client(path)
    for _ in range(200):
        c.call()
    t = []
    for _ in range(n):
        t0 = time.perf_counter()
        c.call()
        t.append((time.perf_counter() - t0) * 1e6)
    c.s.close()
    return statistics.median(t), statistics.mean(t)


def throughput(path, n, clients=16):
    per = max(1, n // clients)
    cs = [Client(path) for _ in range(clients)]

    def run(c):
        for _ in range(per):
            c.call()
    threads = [threading.Thread(target=run, args=(c,)) for c in cs]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    dt = time.perf_counter() - t0
    for c in cs:
        c.s.close()
    return per * clients / dt


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qmachined", default=os.path.join(
        os.environ.get("builddir", os.getcwd()), "src", "qmachined"))
    ap.add_argument("--count", type=int, default=5000)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp()
    procs = []
    try:
        socks = {}
        for name in ("direct", "behind"):
            sock = os.path.join(tmp, name + ".sock")
            p = subprocess.Popen([QEMU] + ARGS + [
                "-qmp", "unix:%s,server=on,wait=off" % sock],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            procs.append(p)
            if not wait_path(sock, p):
                print("QEMU did not start")
                return 1
            socks[name] = sock
        qsock = os.path.join(tmp, "qm.sock")
        qm = subprocess.Popen([a.qmachined] + ARGS + [
            "--forward", "unix:" + socks["behind"],
            "-qmp", "unix:%s,server=on,wait=off" % qsock],
            stdout=subprocess.DEVNULL)
        procs.append(qm)
        if not wait_path(qsock, qm):
            print("qmachined did not start")
            return 1
        rows = {}
        for label, path, clients in (("QEMU direct", socks["direct"], 1),
                                     ("via qmachined", qsock, 16)):
            med, mean = rtt(path, a.count)
            rows[label] = (med, mean, throughput(path, a.count, clients),
                           clients)
        print("query-status, %d round trips; then N commands over the "
              "clients" % a.count)
        print("%-14s %12s %12s %9s %12s" % ("path", "median us", "mean us",
                                            "clients", "commands/s"))
        for label, (med, mean, tput, n) in rows.items():
            print("%-14s %12.1f %12.1f %9d %12.0f" % (label, med, mean, n,
                                                       tput))
        print("round trip via qmachined / direct: %.2f"
              % (rows["via qmachined"][0] / rows["QEMU direct"][0]))
    finally:
        for p in procs:
            p.kill()
            p.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
