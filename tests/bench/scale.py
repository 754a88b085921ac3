#!/usr/bin/env python3
"""Many machines on one host (issue 14): N qmachined processes, one per
machine as libvirt runs them, started as fast as the host allows and all
answering QMP.

Each machine gets its QMP monitor the way libvirt 9.0 gives QEMU one: the
benchmark makes a listening unix socket, connects to it at once and hands
the listening end to the process (-chardev socket,id=mon,fd=3,server=on,
wait=off -mon chardev=mon,mode=control), so nothing polls for a socket
file.  At most --window machines are starting at any time.  A machine is
up when it has answered qmp_capabilities and query-status.

Prints: time until all N are up, the sum of their Pss (kB, from
/proc/PID/smaps_rollup), their mean Private_Dirty, and how much
MemAvailable fell (which also counts the kernel's own memory per
process).  Then stops them all (SIGTERM) and times that too.

    tests/bench/scale.py --machines 10000
"""
import argparse
import os
import resource
import selectors
import signal
import sys
import time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchlib  # noqa: E402
import benchresult  # noqa: E402


def meminfo(key):
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


class Machine:
    def __init__(self, pid, sock):
        self.pid = pid
        self.sock = sock
        self.buf = b""
        self.stage = 0  # 0 greeting, 1 capabilities, 2 query-status, 3 up


def spawn(binary, extra):
    pid, cli, _ = benchlib.spawn_machine(binary, extra)
    cli.setblocking(False)
    return Machine(pid, cli)


def advance(m):
    """Feeds what the machine sent; returns True once it is up."""
    try:
        data = m.sock.recv(65536)
    except BlockingIOError:
        return False
    if not data:
        raise SystemExit("machine %d closed its monitor" % m.pid)
    m.buf += data
    while b"\n" in m.buf:
        line, m.buf = m.buf.split(b"\n", 1)
        if b'"event"' in line:
            continue
        if m.stage == 0:
            m.sock.sendall(b'{"execute":"qmp_capabilities"}\n')
        elif m.stage == 1:
            m.sock.sendall(b'{"execute":"query-status"}\n')
        elif b'"return"' not in line:
            raise SystemExit("machine %d: %r" % (m.pid, line))
        m.stage += 1
    return m.stage >= 3


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qmachined", default="src/qmachined")
    ap.add_argument("--machines", type=int, default=10000)
    ap.add_argument("--window", type=int, default=64)
    args = ap.parse_args()
    binary = os.path.abspath(args.qmachined)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    need = args.machines + 100
    if hard < need:
        raise SystemExit("need %d descriptors, the hard limit is %d"
                         % (need, hard))
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, need), hard))
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)

    avail0 = meminfo("MemAvailable")
    sel = selectors.DefaultSelector()
    up, starting = [], 0
    t0 = time.monotonic()
    spawned = 0
    while len(up) < args.machines:
        while starting < args.window and spawned < args.machines:
            m = spawn(binary, [])
            sel.register(m.sock, selectors.EVENT_READ, m)
            spawned += 1
            starting += 1
        for key, _ in sel.select(timeout=10):
            m = key.data
            if advance(m):
                sel.unregister(m.sock)
                up.append(m)
                starting -= 1
        if time.monotonic() - t0 > 600:
            raise SystemExit("only %d of %d up after 600 s"
                             % (len(up), args.machines))
    t_up = time.monotonic() - t0
    time.sleep(1)
    avail1 = meminfo("MemAvailable")
    mem = [benchlib.smaps_rollup(m.pid) for m in up]
    pss = sum(r.get("Pss", 0) for r in mem)
    dirty = sum(r.get("Private_Dirty", 0) for r in mem) / len(mem)

    t1 = time.monotonic()
    for m in up:
        os.kill(m.pid, signal.SIGTERM)
    for m in up:
        os.waitpid(m.pid, 0)
        m.sock.close()
    t_down = time.monotonic() - t1

    for metric, value, unit in (
            ("%d machines: all up" % args.machines, t_up, "s"),
            ("%d machines: total Pss" % args.machines, pss / 1024, "MiB")):
        benchresult.record("scale", metric, "qmachined", value, unit)
    print("| machines | all up (s) | total Pss (MiB) | Pss per machine (kB) "
          "| Private_Dirty per machine (kB) | MemAvailable fell by (MiB) "
          "| all stopped (s) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print("| %d | %.1f | %.0f | %.0f | %.0f | %.0f | %.1f |"
          % (args.machines, t_up, pss / 1024, pss / len(mem), dirty,
             (avail0 - avail1) / 1024, t_down))
    return 0


if __name__ == "__main__":
    sys.exit(main())
