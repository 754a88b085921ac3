#!/usr/bin/env python3
"""make bench: every benchmark in one run, side by side with QEMU 7.2
(and nginx for REST), and one table of the figures.

Each benchmark runs as its own program (its own output goes to
bench.log); through QM_BENCH_RESULTS it hands its figures to this one
(tests/bench/benchresult.py), which prints one Markdown table: each
figure for qmachined, the reference it is compared with, their ratio,
and issue 14's goal where there is one, with whether it is met.  A
benchmark that cannot run here (no wrk and nginx, no root for libvirt)
is listed as skipped with its reason.

    tests/bench/bench_all.py --qmachined src/qmachined [--quick]

--quick runs each benchmark small (to check that they all still run;
its figures are not the ones to quote).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# metric prefix -> (what the goal compares, bound, higher is better)
#   "value": qmachined's figure; "ratio": qmachined / reference.
GOALS = [
    ("QMP round trip, forwarded", "ratio", 1.1, False),
    ("QMP round trip", "ratio", 0.4, False),
    ("start to QMP greeting", "ratio", 0.05, False),
    ("Private_Dirty per machine", "value", 256, False),
    ("10000 machines: all up", "value", 30, False),
    ("10000 machines: total Pss", "value", 4096, False),
    ("1000 libvirt domains", "value", 120, False),
    ("full DIMM cycles/s", "value", 10000, True),
    ("FlatView commit, 4096 regions", "value", 500, False),
]


def steps(a, build):
    q = os.path.abspath(a.qmachined)
    quick = a.quick
    py = sys.executable
    b = lambda name: os.path.join(HERE, name)  # noqa: E731
    return [
        ("qmp_rtt", [os.path.join(build, "tests", "bench", "qmp_rtt"),
                     "--qmachined", q] +
         (["--iterations", "2000", "--rounds", "1"] if quick else [])),
        ("flatview_bench", [os.path.join(build, "tests", "bench",
                                         "flatview_bench")]),
        ("hotplug_bench", [py, b("hotplug_bench"), "--qmachined", q,
                           "--cycles-client",
                           os.path.join(build, "tests", "bench",
                                        "hotplug_cycles")] +
         (["--cycles", "200"] if quick else [])),
        ("rest_bench", [py, b("rest_bench"), "--qmachined", q] +
         (["--duration", "2"] if quick else [])),
        ("sse_fanout", [py, b("sse_fanout.py"), "--qmachined", q] +
         (["--subscribers", "100", "--events", "5"] if quick else [])),
        ("footprint", [py, b("footprint.py"), "--qmachined", q] +
         (["--runs", "3", "--machines", "3"] if quick else [])),
        ("scale", [py, b("scale.py"), "--qmachined", q] +
         (["--machines", "200"] if quick else [])),
        ("forward_bench", [py, b("forward_bench.py"), "--qmachined", q] +
         (["--count", "500"] if quick else [])),
        ("libvirt_bench", [py, b("libvirt_bench.py"), "--qmachined", q] +
         (["--rounds", "2"] if quick else [])),
        ("libvirt_scale", [py, b("libvirt_scale.py"), "--qmachined", q] +
         (["--domains", "20"] if quick else [])),
        ("callgrind_paths", [py, b("callgrind_paths"), "--qmachined", q] +
         (["--n1", "5", "--n2", "25"] if quick else [])),
    ]


def goal_for(metric):
    for prefix, kind, bound, higher in GOALS:
        if metric.startswith(prefix):
            return kind, bound, higher
    return None


def fmt(v):
    if v is None:
        return ""
    if abs(v) >= 100:
        return "{:,.0f}".format(v)
    if abs(v) >= 10:
        return "%.1f" % v
    return "%.3g" % v


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qmachined", default="src/qmachined")
    ap.add_argument("--builddir", default=os.environ.get("builddir", "."))
    ap.add_argument("--log", default="bench.log")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--only", action="append",
                    help="run only this benchmark (repeatable)")
    a = ap.parse_args()
    fd, results = tempfile.mkstemp(prefix="qm-bench-", suffix=".jsonl")
    os.close(fd)
    env = dict(os.environ, QM_BENCH_RESULTS=results)
    skipped = []
    t0 = time.monotonic()
    with open(a.log, "w") as log:
        for name, argv in steps(a, a.builddir):
            if a.only and name not in a.only:
                continue
            log.write("=== %s: %s\n" % (name, " ".join(argv)))
            log.flush()
            print("running %s ..." % name, file=sys.stderr, flush=True)
            t = time.monotonic()
            r = subprocess.run(argv, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, env=env, text=True,
                               errors="replace")
            log.write(r.stdout)
            log.write("=== %s: exit %d after %.1f s\n\n"
                      % (name, r.returncode, time.monotonic() - t))
            log.flush()
            if r.returncode:
                last = [ln for ln in r.stdout.splitlines() if ln.strip()]
                skipped.append((name, last[-1] if last else
                                "exit %d" % r.returncode))
    rows = {}
    order = []
    with open(results) as f:
        for line in f:
            rec = json.loads(line)
            key = rec["metric"]
            if key not in rows:
                rows[key] = {"unit": rec["unit"], "sides": {}}
                order.append(key)
            rows[key]["sides"][rec["side"]] = rec["value"]
    os.unlink(results)

    print("make bench%s, %s, %.0f s in all; each benchmark's own output "
          "is in %s" % (" --quick" if a.quick else "",
                        time.strftime("%Y-%m-%d"),
                        time.monotonic() - t0, a.log))
    print()
    print("| figure | unit | qmachined | reference | value | "
          "qmachined / reference | goal | met |")
    print("| --- | --- | ---: | --- | ---: | ---: | --- | --- |")
    for key in order:
        r = rows[key]
        sides = r["sides"]
        qm = sides.get("qmachined")
        refs = [(s, v) for s, v in sides.items() if s != "qmachined"] or \
            [("", None)]
        for i, (ref, rv) in enumerate(refs):
            ratio = qm / rv if qm is not None and rv else None
            g = goal_for(key) if i == 0 else None
            goal = met = ""
            if g:
                kind, bound, higher = g
                got = ratio if kind == "ratio" else qm
                goal = "%s %s %s" % ("ratio" if kind == "ratio" else "value",
                                     ">=" if higher else "<=", fmt(bound))
                if got is not None:
                    met = "yes" if (got >= bound if higher
                                    else got <= bound) else "no"
            print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                key if i == 0 else "", r["unit"] if i == 0 else "",
                fmt(qm) if i == 0 else "", ref, fmt(rv), fmt(ratio),
                goal, met))
    for name, why in skipped:
        print("| %s: not run or failed | | | | | | | %s |" % (name, why))
    return 0


if __name__ == "__main__":
    sys.exit(main())
