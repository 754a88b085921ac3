"""Figures a benchmark hands to tests/bench/bench_all.py (make bench).

When QM_BENCH_RESULTS names a file, record() appends one JSON line per
figure: the benchmark, what was measured, on which side (qmachined, or the
reference it is compared with: QEMU 7.2, nginx, the socket floor) and the
value with its unit.  Without it, record() does nothing, so every
benchmark still runs on its own and prints its own table.
"""
import json
import os


def record(bench, metric, side, value, unit):
    path = os.environ.get("QM_BENCH_RESULTS")
    if not path:
        return
    with open(path, "a") as f:
        f.write(json.dumps({"bench": bench, "metric": metric, "side": side,
                            "value": value, "unit": unit}) + "\n")
