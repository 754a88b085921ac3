#!/usr/bin/env python3
"""Benchmark: `virsh define` + `start` + `destroy` (+ `undefine`) of one
domain, with qemu-system-x86_64 7.2 and with qmachined as its
<emulator>, in one run on one private libvirtd (tests/e2e/libvirtd.py).

Both emulators are probed once before timing (libvirt caches the
capabilities per binary); then ROUNDS rounds alternate the two, each
round timing every virsh command as a whole process (what a script
sees).  Prints, per emulator and step, the median and the mean in
milliseconds, and the cycle's median.

Usage: tests/bench/libvirt_bench.py [--rounds N] [--numa]
(--numa: the domain with a NUMA cell and maxMemory, as for DIMM hotplug;
it needs qmachined's CPU model.)  Needs root and libvirt
(contrib/setup.sh).
"""
import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import libvirtd  # noqa: E402
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import benchresult  # noqa: E402

STEPS = ("define", "start", "destroy", "undefine")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=10)
    ap.add_argument("--numa", action="store_true")
    ap.add_argument("--qemu", default="/usr/bin/qemu-system-x86_64")
    ap.add_argument("--qmachined", default=os.path.join(
        os.environ.get("builddir", os.getcwd()), "src", "qmachined"))
    a = ap.parse_args()
    why = libvirtd.missing()
    if why:
        print("cannot run: %s" % why)
        return 1
    emus = {"qemu-7.2": a.qemu, "qmachined": os.path.abspath(a.qmachined)}
    d = libvirtd.Libvirtd(debug_log=False)
    times = {e: {s: [] for s in STEPS + ("cycle",)} for e in emus}
    try:
        for label, emu in emus.items():
            r = d.virsh("domcapabilities", "--emulatorbin", emu,
                        "--virttype", "qemu")
            if r.returncode:
                print("probe of %s failed: %s" % (label, r.stderr))
                return 1
        for rnd in range(a.rounds):
            for label, emu in emus.items():
                name = "bench-%s-%d" % (label.replace(".", ""), rnd)
                path = os.path.join(d.tmp, name + ".xml")
                with open(path, "w") as f:
                    f.write(libvirtd.domain_xml(name, emu, numa=a.numa))
                total = 0.0
                for step in STEPS:
                    args = (step, path) if step == "define" else (step, name)
                    t0 = time.monotonic()
                    r = d.virsh(*args)
                    dt = (time.monotonic() - t0) * 1000
                    if r.returncode:
                        print("%s %s failed: %s" % (label, step, r.stderr))
                        return 1
                    times[label][step].append(dt)
                    total += dt
                times[label]["cycle"].append(total)
    finally:
        d.finish(False)
    print("libvirt 9.0, private libvirtd, %d rounds, domain %s"
          % (a.rounds, "with NUMA/maxMemory" if a.numa else "plain"))
    print("%-10s %-9s %10s %10s" % ("emulator", "step", "median ms",
                                    "mean ms"))
    for label in emus:
        for step in STEPS + ("cycle",):
            v = times[label][step]
            print("%-10s %-9s %10.1f %10.1f" % (
                label, step, statistics.median(v), statistics.mean(v)))
    for k in emus:
        benchresult.record("libvirt_bench", "libvirt define+start+destroy+"
                           "undefine (median)",
                           "qmachined" if k == "qmachined" else "QEMU 7.2",
                           statistics.median(times[k]["cycle"]), "ms")
    q, m = (statistics.median(times[k]["cycle"]) for k in emus)
    print("cycle median: qmachined/qemu = %.2f" % (m / q))
    return 0


if __name__ == "__main__":
    sys.exit(main())
