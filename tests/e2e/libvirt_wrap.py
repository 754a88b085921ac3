#!/usr/bin/env python3
"""Wrapper mode under libvirt: <emulator> is qmachined-wrap (a link to
qmachined), which runs the real QEMU 7.2 behind it.

On a private libvirtd (tests/e2e/libvirtd.py): domcapabilities through the
wrapper equal QEMU's own (libvirt's probe is answered by the real QEMU);
the domain starts, and a real qemu-system-x86_64 runs under qmachined;
virsh attach-device of a DIMM reaches QEMU (query-memory-devices through
qemu-monitor-command) and the same DIMM is listed by qmachined's REST API
on /run/qmachined/NAME.sock; the model shows no drift; destroy ends both
processes and removes the REST socket.

Skipped (77) without root or without libvirt installed.
"""
import json
import os
import subprocess
import sys
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import QMACHINED, Checker, Rest  # noqa: E402
import libvirtd  # noqa: E402
import libvirt as lv  # noqa: E402

QEMU = "/usr/bin/qemu-system-x86_64"
REST_DIR = "/run/qmachined"


def children_of(pid):
    out = subprocess.run(["ps", "-o", "pid=,args=", "--ppid", str(pid)],
                         capture_output=True, text=True).stdout
    return [l.strip() for l in out.splitlines() if l.strip()]


def main():
    why = libvirtd.missing()
    if why:
        print("SKIP: %s" % why)
        return 77
    check = Checker()
    d = libvirtd.Libvirtd()
    wrap = os.path.join(d.tmp, "qmachined-wrap")
    os.symlink(os.path.abspath(QMACHINED), wrap)
    name = "qm-wrap-%s" % uuid.uuid4().hex[:8]
    sock = os.path.join(REST_DIR, name + ".sock")
    try:
        caps = []
        for emu in (QEMU, wrap):
            r = d.virsh("domcapabilities", "--emulatorbin", emu,
                        "--virttype", "qemu", "--machine", "pc-i440fx-7.2")
            caps.append(r.stdout.replace(emu, "EMULATOR"))
        check(caps[0] and caps[0] == caps[1],
              "domcapabilities through the wrapper are QEMU's",
              [c[:300] for c in caps])

        path = os.path.join(d.tmp, name + ".xml")
        with open(path, "w") as f:
            f.write(libvirtd.domain_xml(name, wrap))
        r = d.virsh("define", path)
        check(r.returncode == 0, "define", r.stderr)
        r = d.virsh("start", name)
        if not check(r.returncode == 0, "start",
                     r.stderr + d.domain_log(name)[-2000:]):
            return check.finish()
        pid = int(open(os.path.join(d.tmp, "run", "qemu",
                                    name + ".pid")).read().strip())
        kids = children_of(pid)
        check(len(kids) == 1 and QEMU in kids[0] and "charmonitor" not in
              kids[0], "a real QEMU runs under qmachined, without "
              "libvirt's monitor", kids)

        r = lv.attach(d, name, lv.DEVICES[0][2])
        check(r.returncode == 0, "attach a DIMM", r.stderr)
        r = lv.qmp(d, name, "query-memory-devices")
        ids = [m["data"]["id"] for m in r.get("return", [])]
        check(ids == ["dimm0"], "the DIMM is in QEMU", r)
        rest = Rest(unix=sock)
        r = rest.get("/memory-devices")
        check(r.status == 200 and
              [m["data"]["id"] for m in r.json or []] == ["dimm0"],
              "qmachined's REST lists the same DIMM", (r.status, r.data))
        r = lv.qmp(d, name, "__org.qmachined_query-forward-drift")
        check(r.get("return", {}).get("differences") == [] and
              r["return"].get("replay-failures") == 0,
              "no drift between QEMU and the model", r)

        r = d.virsh("destroy", name)
        check(r.returncode == 0, "destroy", r.stderr)
        for _ in range(100):
            if not os.path.exists("/proc/%d" % pid):
                break
            time.sleep(0.05)
        check(not os.path.exists("/proc/%d" % pid), "qmachined is gone")
        left = subprocess.run(["pgrep", "-f", "guest=%s," % name],
                              capture_output=True, text=True).stdout.split()
        check(left == [], "no QEMU of the domain is left", left)
        check(not os.path.exists(sock), "the REST socket is removed")
        r = d.virsh("undefine", name)
        check(r.returncode == 0, "undefine", r.stderr)
    finally:
        d.finish(check.failed)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
