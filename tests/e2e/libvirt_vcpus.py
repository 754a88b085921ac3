#!/usr/bin/env python3
"""virsh setvcpus --live (issue 13): libvirt 9.0 hot-plugs vCPUs into the
same domain (4 possible, 1 at start) run once by QEMU 7.2 and once by
qmachined, and sees the same: setvcpus 2 and then 3 succeed, vcpucount
and dumpxml's <vcpu>/<vcpus> agree with QEMU's domain, query-cpus-fast
lists the new vCPUs in both.  Taking one away (setvcpus 2) asks the
guest: see the comment there for what each answers and why.

Skipped (77) without root or without libvirt installed.
"""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import QMACHINED  # noqa: E402
import libvirtd  # noqa: E402

QEMU = "/usr/bin/qemu-system-x86_64"


def vcpu_xml(text):
    """<vcpu> and <vcpus> of a dumpxml, as text."""
    root = ET.fromstring(text)
    return "".join(ET.tostring(e, encoding="unicode").strip()
                   for tag in ("vcpu", "vcpus")
                   for e in root.findall(tag))


def qmp(d, name, cmd):
    r = d.virsh("qemu-monitor-command", name,
                json.dumps({"execute": cmd}))
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {"virsh": r.stderr}


def main():
    return libvirtd.test_main(
        lambda check, d: run(check, d, os.path.abspath(QMACHINED)))


def run(check, d, qmachined):
    names = {QEMU: "qm-vcpu-qemu", qmachined: "qm-vcpu-qmachined"}
    for emu, name in names.items():
        xml = libvirtd.domain_xml(name, emu, numa=False)
        xml = re.sub(r"<vcpu placement='static'>1</vcpu>",
                     "<vcpu placement='static' current='1'>4</vcpu>", xml)
        path = os.path.join(d.tmp, name + ".xml")
        with open(path, "w") as f:
            f.write(xml)
        r = d.virsh("define", path)
        check(r.returncode == 0, "define %s" % name, r.stderr)
        r = d.virsh("start", name)
        if not check(r.returncode == 0, "start %s" % name,
                     r.stderr + d.domain_log(name)[-2000:]):
            return
    for n in (2, 3):
        for emu, name in names.items():
            r = d.virsh("setvcpus", name, str(n), "--live")
            check(r.returncode == 0, "setvcpus %d --live on %s" % (n, name),
                  r.stderr)
        counts = {emu: d.virsh("vcpucount", name, "--live").stdout
                  for emu, name in names.items()}
        check(counts[QEMU] == counts[qmachined] and str(n) in
              counts[qmachined], "vcpucount after %d as QEMU's" % n, counts)
        xmls = {emu: vcpu_xml(d.virsh("dumpxml", name).stdout)
                for emu, name in names.items()}
        check(xmls[QEMU] == xmls[qmachined],
              "dumpxml <vcpu>/<vcpus> after %d as QEMU's" % n,
              "qemu %s\nqmachined %s" % (xmls[QEMU], xmls[qmachined]))
        cpus = {emu: [c.get("cpu-index") for c in
                      qmp(d, name, "query-cpus-fast").get("return", [])]
                for emu, name in names.items()}
        check(cpus[QEMU] == cpus[qmachined] and len(cpus[qmachined]) == n,
              "query-cpus-fast after %d as QEMU's" % n, cpus)

    # Taking one away.  QEMU here has no guest OS, so its CPU hotplug
    # interface is still the legacy one, which cannot unplug: libvirt
    # passes QEMU's error on.  qmachined's guest booted as Linux does and
    # switched to the modern interface, so it ejects the vCPU; like QEMU
    # 7.2 with TCG under a Linux guest (checked against QEMU by
    # tests/diff/cpuhp-plug.qmp), only the vCPU's lapic is reported
    # deleted, so libvirt times out waiting and says so, and the vCPU is
    # gone from query-cpus-fast.
    r = d.virsh("setvcpus", names[QEMU], "2", "--live")
    check(r.returncode == 1 and "acpi: device unplug request for not "
          "supported device type: qemu64-x86_64-cpu" in r.stderr,
          "QEMU without a guest: the legacy interface's error", r.stderr)
    qm = names[qmachined]
    r = d.virsh("setvcpus", qm, "2", "--live")
    check(r.returncode == 1 and "vcpu unplug request timed out" in
          r.stderr, "qmachined: libvirt waits for the vCPU, as with QEMU "
          "and a Linux guest under TCG", r.stderr)
    cpus = qmp(d, qm, "query-cpus-fast").get("return", [])
    check(len(cpus) == 2, "qmachined's guest ejected the vCPU", cpus)

    d.destroy_all(check, names.values())


if __name__ == "__main__":
    sys.exit(main())
