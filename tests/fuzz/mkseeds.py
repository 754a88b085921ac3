#!/usr/bin/env python3
"""Writes the libFuzzer seed corpora from the differential scripts.

    mkseeds.py OUTDIR SCRIPT.qmp... [--rest-seeds DIR]

OUTDIR/qmp gets, per script, the whole client stream of its qmp: and
raw: steps, and each distinct request alone after qmp_capabilities;
OUTDIR/qtest the script's qtest: lines together and in short runs;
OUTDIR/cmdline each args: line as NUL-separated arguments;
OUTDIR/rest the committed REST seeds (tests/fuzz/rest-seeds).
The scripts are read with qmpdiff.py's own parser.  Generated at build
time, never committed.
"""
import hashlib
import os
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "diff"))
import qmpdiff  # noqa: E402

NEGOTIATE = b"{'execute':'qmp_capabilities'}\n"
QTEST_RUN = 8   # qtest lines per short seed
# What qmpdiff.py adds to every script's arguments (front ends, -S).
FRONT_ENDS = ["-S", "-display", "none", "-accel", "tcg",
              "-qmp", "unix:/tmp/fuzz-qmp.sock,server=on,wait=off",
              "-qtest", "unix:/tmp/fuzz-qtest.sock,server=on,wait=off"]


def write(outdir, kind, data):
    d = os.path.join(outdir, kind)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main(argv):
    rest_dir = None
    if "--rest-seeds" in argv:
        i = argv.index("--rest-seeds")
        rest_dir = argv[i + 1]
        del argv[i:i + 2]
    if len(argv) < 2:
        sys.stderr.write(__doc__)
        return 2
    outdir = argv[0]
    if os.path.exists(outdir):
        shutil.rmtree(outdir)
    for kind in ("qmp", "qtest", "cmdline", "rest"):
        os.makedirs(os.path.join(outdir, kind))
    for path in argv[1:]:
        args, steps = qmpdiff.parse_script(path)
        write(outdir, "cmdline", b"\0".join(a.encode() for a in args))
        write(outdir, "cmdline",
              b"\0".join(a.encode() for a in args + FRONT_ENDS))
        stream = b"".join(s.arg for s in steps if s.kind in ("qmp", "raw"))
        if stream:
            write(outdir, "qmp", stream)
        for s in steps:
            if s.kind in ("qmp", "raw"):
                write(outdir, "qmp", NEGOTIATE + s.arg)
        qtest = [s.arg for s in steps if s.kind == "qtest"]
        if qtest:
            write(outdir, "qtest", b"".join(qtest))
            for i in range(0, len(qtest), QTEST_RUN):
                write(outdir, "qtest", b"".join(qtest[i:i + QTEST_RUN]))
    if rest_dir:
        for name in sorted(os.listdir(rest_dir)):
            with open(os.path.join(rest_dir, name), "rb") as f:
                write(outdir, "rest", f.read())
    for kind in ("qmp", "qtest", "cmdline", "rest"):
        n = len(os.listdir(os.path.join(outdir, kind)))
        print("%s: %d seeds" % (kind, n))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
