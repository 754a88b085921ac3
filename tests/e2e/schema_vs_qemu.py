#!/usr/bin/env python3
"""Differential check of the QMP schema against the live QEMU 7.2.

qmachined implements a subset of QEMU's commands, so query-commands cannot
be compared whole.  Instead, for every command and event qmachined lists,
QEMU must list it too, and the two schemas must describe it the same way:
argument and return types compared structurally (member names, optional
or not, and the member types, recursively; enum values; array elements),
since both sides mask type names with their own numbers.  A flat union
may list fewer variants than QEMU (the object types qmachined models);
each one it lists must agree with QEMU's.

Run: QMACHINED=src/qmachined python3 tests/e2e/schema_vs_qemu.py
"""
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import QMACHINED, Qmp, wait_for_paths  # noqa: E402

QEMU = os.environ.get("QEMU_SYSTEM_X86_64") or "qemu-system-x86_64"
ARGS = ["-machine", "pc", "-nodefaults", "-S", "-display", "none",
        "-accel", "tcg"]


def query(prog, tmp, name):
    sock = os.path.join(tmp, name + ".sock")
    proc = subprocess.Popen([prog] + ARGS +
                            ["-qmp", "unix:%s,server=on,wait=off" % sock],
                            stdout=subprocess.DEVNULL)
    try:
        wait_for_paths(proc, sock)
        qmp = Qmp(sock, timeout=20, negotiate=False)
        out = {}
        for cmd in ("qmp_capabilities", "query-commands", "query-qmp-schema"):
            out[cmd] = qmp.cmd(cmd)["return"]
        qmp.close()
        return out
    finally:
        proc.kill()
        proc.wait()


def shape(schema, name, seen=()):
    """A structural description of a type, independent of masked names."""
    e = schema[name]
    mt = e["meta-type"]
    if mt == "builtin":
        return ("builtin", e["json-type"])
    if name in seen:
        return ("recursive",)
    seen = seen + (name,)
    if mt == "enum":
        return ("enum", tuple(e["values"]))
    if mt == "array":
        return ("array", shape(schema, e["element-type"], seen))
    if mt == "alternate":
        return ("alternate", tuple(sorted(
            repr(shape(schema, m["type"], seen)) for m in e["members"])))
    if mt == "object":
        members = tuple((m["name"], "default" in m,
                         shape(schema, m["type"], seen))
                        for m in e["members"])
        variants = tuple((v["case"], shape(schema, v["type"], seen))
                         for v in e.get("variants", []))
        return ("object", members, e.get("tag"), variants)
    return (mt,)


def agrees(ours, theirs):
    """Our shape must equal QEMU's, except that a flat union may describe
    fewer variants (qmachined accepts only the object types it models);
    every variant it does describe must agree with QEMU's."""
    if ours[0] != "object" or theirs[0] != "object":
        if ours[0] == theirs[0] == "array":
            return agrees(ours[1], theirs[1])
        return ours == theirs
    if len(ours[1]) != len(theirs[1]) or ours[2] != theirs[2]:
        return False
    for (n1, o1, t1), (n2, o2, t2) in zip(ours[1], theirs[1]):
        if n1 != n2 or o1 != o2 or not agrees(t1, t2):
            return False
    their_variants = dict(theirs[3])
    return all(case in their_variants and agrees(t, their_variants[case])
               for case, t in ours[3])


def main():
    passed = failed = 0
    tmp = tempfile.mkdtemp()
    try:
        ours = query(QMACHINED, tmp, "qm")
        theirs = query(QEMU, tmp, "qemu")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    qemu_cmds = {c["name"] for c in theirs["query-commands"]}
    our_schema = {e["name"]: e for e in ours["query-qmp-schema"]}
    qemu_schema = {e["name"]: e for e in theirs["query-qmp-schema"]}

    def check(cond, what):
        nonlocal passed, failed
        if cond:
            passed += 1
        else:
            failed += 1
            print("FAIL:", what)

    our_cmds = [c["name"] for c in ours["query-commands"]
                if not c["name"].startswith("__org.qmachined_")]
    for name in our_cmds:
        check(name in qemu_cmds, "QEMU has command %s" % name)
        check(our_schema.get(name, {}).get("meta-type") == "command",
              "schema lists command %s" % name)
    for name, e in our_schema.items():
        if e["meta-type"] not in ("command", "event") or \
                name.startswith("__org.qmachined_"):
            continue
        q = qemu_schema.get(name)
        check(q is not None and q["meta-type"] == e["meta-type"],
              "QEMU's schema has %s %s" % (e["meta-type"], name))
        if q is None:
            continue
        for key in ("arg-type", "ret-type"):
            if key in e or key in q:
                a = shape(our_schema, e[key]) if key in e else None
                b = shape(qemu_schema, q[key]) if key in q else None
                check(a is not None and b is not None and agrees(a, b),
                      "%s %s of %s:\n  ours %r\n  qemu %r"
                      % (e["meta-type"], key, name, a, b))
        check(e.get("allow-oob", False) == q.get("allow-oob", False),
              "allow-oob of %s" % name)
        check(e.get("features", []) == q.get("features", []),
              "features of %s" % name)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
