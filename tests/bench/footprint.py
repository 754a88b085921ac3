#!/usr/bin/env python3
"""Start time and memory per machine, qmachined beside QEMU 7.2 (issue 14).

Each side is started the same way (-machine pc -nodefaults -S, QMP on a
unix socket, as libvirt runs a domain's emulator):

- start: time from spawn to the QMP greeting, the monitor being a
  listening unix socket passed as fd 3 and connected to beforehand, as
  libvirt 9.0 starts QEMU (median of --runs starts, one at a time);
- memory: --machines N of them left running side by side, each after
  qmp_capabilities and one query-status; the mean over the N of
  /proc/PID/smaps_rollup's Pss and Private_Dirty (kB).  Pss shares the
  binary's and the libraries' pages among the N, so it falls as N grows;
  Private_Dirty is what each machine costs on its own.

Prints one table.  Nothing is asserted: figures go to docs/PERFORMANCE.md.
"""
import argparse
import os
import signal
import statistics
import sys
import time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
import benchresult  # noqa: E402

QEMU = "/usr/bin/qemu-system-x86_64"


def start(binary, extra):
    """Starts one machine (benchlib.spawn_machine); returns (pid, socket,
    file, seconds from spawn to the greeting)."""
    pid, s, t0 = benchlib.spawn_machine(binary, extra)
    f = s.makefile("rw")
    if not f.readline().startswith('{"QMP"'):
        raise SystemExit("%s: no greeting" % binary)
    return pid, s, f, time.monotonic() - t0


def command(f, cmd):
    f.write('{"execute": "%s"}\n' % cmd)
    f.flush()
    line = f.readline()
    if '"return"' not in line:
        raise SystemExit("%s: %s" % (cmd, line))


def stop(machines):
    for pid, s, f, _ in machines:
        s.close()
        os.kill(pid, signal.SIGTERM)
    for pid, s, f, _ in machines:
        os.waitpid(pid, 0)


def measure(binary, extra, runs, n):
    times = []
    for i in range(runs):
        m = start(binary, extra)
        times.append(m[3])
        stop([m])
    machines = []
    try:
        for i in range(n):
            m = start(binary, extra)
            command(m[2], "qmp_capabilities")
            command(m[2], "query-status")
            machines.append(m)
        mem = [benchlib.smaps_rollup(m[0]) for m in machines]
    finally:
        stop(machines)
    return {
        "start_ms": statistics.median(times) * 1000,
        "pss": statistics.mean(x["Pss"] for x in mem),
        "dirty": statistics.mean(x["Private_Dirty"] for x in mem),
        "rss": statistics.mean(x["Rss"] for x in mem),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qmachined", default="src/qmachined")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--machines", type=int, default=20)
    args = ap.parse_args()
    rows = []
    sides = [("qmachined", os.path.abspath(args.qmachined), [])]
    if os.path.exists(QEMU):
        sides.append(("QEMU 7.2", QEMU, ["-accel", "tcg"]))
    for name, binary, extra in sides:
        rows.append((name, measure(binary, extra, args.runs, args.machines)))
    print("| side | start to greeting (ms, median of %d) | Pss (kB, mean of "
          "%d running) | Private_Dirty (kB) | Rss (kB) |"
          % (args.runs, args.machines))
    print("| --- | --- | --- | --- | --- |")
    for name, r in rows:
        print("| %s | %.2f | %.0f | %.0f | %.0f |"
              % (name, r["start_ms"], r["pss"], r["dirty"], r["rss"]))
    for name, r in rows:
        side = "qmachined" if name == "qmachined" else "QEMU 7.2"
        benchresult.record("footprint", "start to QMP greeting", side,
                           r["start_ms"], "ms")
        benchresult.record("footprint", "Pss per machine", side, r["pss"],
                           "kB")
        benchresult.record("footprint", "Private_Dirty per machine", side,
                           r["dirty"], "kB")
    if len(rows) == 2:
        q, e = rows[0][1], rows[1][1]
        print("\nqmachined / QEMU: start %.3f, Pss %.3f, Private_Dirty %.3f"
              % (q["start_ms"] / e["start_ms"], q["pss"] / e["pss"],
                 q["dirty"] / e["dirty"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
