#!/usr/bin/env python3
"""Benchmark (issue 14): N libvirt 9.0 domains with qmachined as their
<emulator>, each defined, started, given a DIMM (attach-device --live),
destroyed and undefined, by --workers virsh clients at a time on one
private libvirtd (tests/e2e/libvirtd.py).  Prints the total time, the
domains per second and each step's median and 99th percentile (ms, each
virsh command timed as a whole process, as a script sees it).

    tests/bench/libvirt_scale.py --domains 1000 --workers 16
    tests/bench/libvirt_scale.py --domains 100 --workers 16 --qemu

Needs root and libvirt (contrib/setup.sh).  libvirtd's own limits apply:
it runs 20 worker threads by default, and `destroy` waits about 200 ms
for the emulator to exit before it looks again, which is why the domains
go through their cycle side by side.
"""
import argparse
import concurrent.futures
import os
import statistics
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import libvirtd  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchresult  # noqa: E402

STEPS = ("define", "start", "attach-dimm", "destroy", "undefine")
DIMM = """<memory model='dimm'>
  <target><size unit='KiB'>131072</size><node>0</node></target>
</memory>
"""


def cycle(d, emu, name, times, lock):
    path = os.path.join(d.tmp, name + ".xml")
    with open(path, "w") as f:
        f.write(libvirtd.domain_xml(name, emu, numa=True))
    dimm = os.path.join(d.tmp, "dimm.xml")
    for step in STEPS:
        if step == "define":
            args = ("define", path)
        elif step == "attach-dimm":
            args = ("attach-device", name, dimm, "--live")
        else:
            args = (step, name)
        t0 = time.monotonic()
        r = d.virsh(*args)
        dt = (time.monotonic() - t0) * 1000
        if r.returncode:
            raise RuntimeError("%s %s: %s %s" % (name, step, r.stderr,
                                                 d.domain_log(name)[-500:]))
        with lock:
            times[step].append(dt)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--domains", type=int, default=1000)
    ap.add_argument("--workers", type=int, default=16)
    ap.add_argument("--qmachined", default=os.path.join(
        os.environ.get("builddir", os.getcwd()), "src", "qmachined"))
    ap.add_argument("--qemu", action="store_true",
                    help="the same with qemu-system-x86_64 7.2 instead "
                    "(about 20 MiB per running domain)")
    a = ap.parse_args()
    why = libvirtd.missing()
    if why:
        print("cannot run: %s" % why)
        return 1
    emu = ("/usr/bin/qemu-system-x86_64" if a.qemu
           else os.path.abspath(a.qmachined))
    d = libvirtd.Libvirtd(debug_log=False)
    times = {s: [] for s in STEPS}
    lock = threading.Lock()
    try:
        with open(os.path.join(d.tmp, "dimm.xml"), "w") as f:
            f.write(DIMM)
        r = d.virsh("domcapabilities", "--emulatorbin", emu,
                    "--virttype", "qemu")
        if r.returncode:
            print("probe failed: %s" % r.stderr)
            return 1
        t0 = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(a.workers) as pool:
            futs = [pool.submit(cycle, d, emu, "scale-%d" % i, times, lock)
                    for i in range(a.domains)]
            for f in futs:
                f.result()
        total = time.monotonic() - t0
    finally:
        d.finish(False)
    print("libvirt 9.0, private libvirtd, %s, %d domains, %d at a time"
          % ("QEMU 7.2" if a.qemu else "qmachined", a.domains, a.workers))
    print("| step | median (ms) | p99 (ms) |")
    print("| --- | ---: | ---: |")
    for step in STEPS:
        v = sorted(times[step])
        print("| %s | %.1f | %.1f |" % (step, statistics.median(v),
                                        v[min(len(v) - 1,
                                              int(len(v) * 0.99))]))
    benchresult.record("libvirt_scale", "%d libvirt domains through "
                       "define/start/DIMM/destroy/undefine" % a.domains,
                       "QEMU 7.2" if a.qemu else "qmachined", total, "s")
    print("\nall %d domains through their cycle: %.1f s (%.1f domains/s)"
          % (a.domains, total, a.domains / total))
    return 0


if __name__ == "__main__":
    sys.exit(main())
