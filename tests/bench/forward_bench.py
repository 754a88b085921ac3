#!/usr/bin/env python3
"""Benchmark: what --forward adds to a QMP round trip, and throughput.

Three QEMU 7.2 processes with the same arguments (-machine pc
-nodefaults -S, TCG): one reached directly, one through qmachined
--forward (adaptive polling as by default, 1000 us), one through
qmachined --forward --forward-poll-us 0.  One client per path sends
query-status N times, one at a time, the paths taking turns 50 commands
at a time (round trip: median and mean in microseconds); then commands
per second: 16 clients at once sending N/16 each through each
qmachined, and the one client QEMU's monitor accepts sending N one at a
time.  Prints one table and the ratios of the medians.

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
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchresult  # noqa: E402

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


def rtt(paths, n, block=50):
    """Round trips on each path, taken in turns of `block` so that both
    see the machine in the same state (its load and its CPUs' idle
    states change over a run): {path: (median, mean)}."""
    cs = {p: Client(p) for p in paths}
    t = {p: [] for p in paths}
    for c in cs.values():
        for _ in range(200):
            c.call()
    while len(t[paths[0]]) < n:
        for p in paths:
            c = cs[p]
            for _ in range(min(block, n - len(t[p]))):
                t0 = time.perf_counter()
                c.call()
                t[p].append((time.perf_counter() - t0) * 1e6)
    for c in cs.values():
        c.s.close()
    return {p: (statistics.median(v), statistics.mean(v))
            for p, v in t.items()}


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
        def start(argv, sock, what):
            p = subprocess.Popen(argv + ["-qmp",
                                         "unix:%s,server=on,wait=off" % sock],
                                 stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            procs.append(p)
            if not wait_path(sock, p):
                raise SystemExit("%s did not start" % what)
            return sock

        socks = {name: start([QEMU] + ARGS, os.path.join(tmp, name + ".sock"),
                             "QEMU")
                 for name in ("direct", "behind", "behind-nopoll")}
        fronts = {}
        for label, behind, extra in (
                ("via qmachined", "behind", []),
                ("  no polling", "behind-nopoll",
                 ["--forward-poll-us", "0"])):
            fronts[label] = start(
                [a.qmachined] + ARGS + ["--forward", "unix:" + socks[behind]]
                + extra, os.path.join(tmp, behind + "-qm.sock"), "qmachined")
        rows = {}
        paths = [("QEMU direct", socks["direct"], 1)] + [
            (label, path, 16) for label, path in fronts.items()]
        times = rtt([path for _, path, _ in paths], a.count)
        for label, path, clients in paths:
            med, mean = times[path]
            rows[label] = (med, mean, throughput(path, a.count, clients),
                           clients)
        print("query-status, %d round trips; then N commands over the "
              "clients" % a.count)
        print("%-14s %12s %12s %9s %12s" % ("path", "median us", "mean us",
                                            "clients", "commands/s"))
        for label, (med, mean, tput, n) in rows.items():
            print("%-14s %12.1f %12.1f %9d %12.0f" % (label, med, mean, n,
                                                       tput))
        benchresult.record("forward_bench", "QMP round trip, forwarded",
                           "qmachined", rows["via qmachined"][0], "us")
        benchresult.record("forward_bench", "QMP round trip, forwarded",
                           "QEMU 7.2", rows["QEMU direct"][0], "us")
        for label in fronts:
            print("round trip %s / direct: %.2f"
                  % (label.strip(), rows[label][0] / rows["QEMU direct"][0]))
    finally:
        for p in procs:
            p.kill()
            p.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
