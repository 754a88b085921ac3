#!/usr/bin/env python3
"""--forward libvirt:URI#DOMAIN: qmachined in front of a QEMU 7.2 domain
that a (private) libvirtd manages, through libvirt's API.

qmachined is given no machine options: its model is the domain's
machine as QEMU's monitor tells it (forward-machine.c).  The greeting is QEMU's version; commands from qmachined's clients reach
QEMU (query-status says running; a DIMM device_add shows in QEMU's
query-memory-devices and in the model, with no drift); QEMU's events come
back (virsh suspend gives STOP to every client); with
--forward-read-only, device_add is refused with qmachined's error and
queries still work.

Skipped (77) without root or without libvirt installed.
"""
import os
import subprocess
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import QMACHINED, Checker, Qmp, wait_for_paths  # noqa: E402
import libvirtd  # noqa: E402

QEMU = "/usr/bin/qemu-system-x86_64"


def wait_path(path, proc):
    return wait_for_paths(proc, path)


def front(d, name, tmp, extra=()):
    sock = os.path.join(tmp, "qm-%s.sock" % uuid.uuid4().hex[:6])
    # No machine options: the model is built from what QEMU tells.
    p = subprocess.Popen([QMACHINED,
                          "--forward", "libvirt:%s#%s" % (d.uri, name),
                          "-qmp", "unix:%s,server=on,wait=off" % sock,
                          # (else the default REST port: one per host)
                          "--rest", "unix:" + sock + ".rest"]
                         + list(extra),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return p, sock


def main():
    why = libvirtd.missing()
    if why:
        print("SKIP: %s" % why)
        return 77
    check = Checker()
    d = libvirtd.Libvirtd()
    tmp = tempfile.mkdtemp()
    name = "qm-fwd-%s" % uuid.uuid4().hex[:8]
    procs = []
    try:
        path = os.path.join(d.tmp, name + ".xml")
        with open(path, "w") as f:
            f.write(libvirtd.domain_xml(name, QEMU))
        r = d.virsh("define", path)
        check(r.returncode == 0, "define", r.stderr)
        r = d.virsh("start", name)
        if not check(r.returncode == 0, "start a QEMU domain", r.stderr):
            return check.finish()

        p, sock = front(d, name, tmp)
        procs.append(p)
        if not check(wait_path(sock, p), "qmachined forwards to the domain",
                     p.stderr.read().decode() if p.poll() is not None
                     else None):
            return check.finish()
        a, b = Qmp(sock, timeout=20), Qmp(sock, timeout=20)
        ver = a.greeting["QMP"]["version"]["qemu"]
        check((ver["major"], ver["minor"]) == (7, 2), "QEMU's version",
              a.greeting)
        r = a.cmd("query-status")
        check(r.get("return", {}).get("status") == "running",
              "query-status reaches QEMU", r)
        r = a.cmd("object-add", **{"qom-type": "memory-backend-ram",
                                   "id": "fmem", "size": 268435456})
        check(r == {"return": {}}, "object-add", r)
        r = a.cmd("device_add", driver="pc-dimm", id="fdimm", memdev="fmem")
        check(r == {"return": {}}, "device_add of a DIMM", r)
        r = a.cmd("query-memory-devices")
        check([m["data"]["id"] for m in r.get("return", [])] == ["fdimm"],
              "the DIMM is in QEMU", r)
        r = a.cmd("__org.qmachined_query-forward-drift")
        check(r.get("return", {}).get("differences") == [] and
              r["return"]["replay-failures"] == 0, "no drift", r)
        r = d.virsh("suspend", name)
        check(r.returncode == 0, "virsh suspend", r.stderr)
        for c, n in ((a, "a"), (b, "b")):
            m = c.read(timeout=10)
            check(m.get("event") == "STOP", "STOP reaches client %s" % n, m)
        a.s.close()
        b.s.close()

        p2, sock2 = front(d, name, tmp, ["--forward-read-only"])
        procs.append(p2)
        if check(wait_path(sock2, p2), "read-only forwarding starts",
                 p2.stderr.read().decode() if p2.poll() is not None
                 else None):
            c = Qmp(sock2, timeout=20)
            r = c.cmd("query-status")
            check(r.get("return", {}).get("status") == "paused",
                  "read-only: queries work", r)
            r = c.cmd("device_add", driver="pc-dimm", id="x", memdev="fmem")
            check("error" in r and "read-only" in r["error"]["desc"],
                  "read-only: device_add refused", r)
            c.s.close()
        r = d.virsh("destroy", name)
        check(r.returncode == 0, "destroy", r.stderr)
        d.virsh("undefine", name)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()
        d.finish(check.failed)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
