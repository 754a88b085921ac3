#!/usr/bin/env python3
"""libvirt 9.0 drives qmachined as a domain's <emulator>, and sees what it
sees with QEMU 7.2.

A private libvirtd (tests/e2e/libvirtd.py) defines and starts the same
domain XML twice, once with qemu-system-x86_64 and once with qmachined as
its emulator, then on both: attach-device --live of a DIMM, of a
virtio-rng with an rng-random backend, of one with rng-builtin and of a
user-mode virtio NIC; the devices' dumpxml (alias, address, backend) and
currentMemory must be identical.  On qmachined, whose simulated guest
completes removals as Linux does, detach-device of each really removes it
(gone from dumpxml and from QMP); with the guest's policy set to reject,
detaching a DIMM gives libvirt's rejection error and the DIMM stays.
virsh qemu-monitor-command works (QMP and HMP), domcapabilities
--emulatorbin agrees with QEMU's on machine, vcpu, memoryBacking and rng,
and destroy/undefine leave no domain.

Skipped (77) without root or without libvirt installed.
"""
import json
import os
import re
import sys
import uuid
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import QMACHINED  # noqa: E402
import libvirtd  # noqa: E402

QEMU = "/usr/bin/qemu-system-x86_64"

DEVICES = [
    ("dimm", "memory", """\
<memory model='dimm'>
  <target><size unit='KiB'>524288</size><node>0</node></target>
</memory>"""),
    ("rng-random", "rng", """\
<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>"""),
    ("rng-builtin", "rng", """\
<rng model='virtio'><backend model='builtin'/></rng>"""),
    ("nic", "interface", """\
<interface type='user'>
  <mac address='52:54:00:4a:1c:01'/>
  <model type='virtio'/>
</interface>"""),
]


def devices_of(xml_text, tag):
    """The domain's <devices> children named tag, as canonical strings."""
    root = ET.fromstring(xml_text)
    out = []
    for dev in root.find("devices"):
        if dev.tag == tag:
            out.append(ET.tostring(dev, encoding="unicode").strip())
    return out


def current_memory(xml_text):
    e = ET.fromstring(xml_text).find("currentMemory")
    return (e.text, dict(e.attrib)) if e is not None else None


def qmp(d, name, cmd, **args):
    msg = {"execute": cmd}
    if args:
        msg["arguments"] = args
    r = d.virsh("qemu-monitor-command", name, json.dumps(msg))
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {"virsh-error": r.stderr.strip()}


def attach(d, name, xml, live=True):
    path = os.path.join(d.tmp, "dev-%s.xml" % uuid.uuid4().hex)
    with open(path, "w") as f:
        f.write(xml)
    return d.virsh("attach-device", name, path, "--live" if live else
                   "--config")


def detach(d, name, xml):
    path = os.path.join(d.tmp, "dev-%s.xml" % uuid.uuid4().hex)
    with open(path, "w") as f:
        f.write(xml)
    return d.virsh("detach-device", name, path, "--live")


def section(xml_text, path):
    e = ET.fromstring(xml_text).find(path)
    return ET.tostring(e, encoding="unicode").strip() if e is not None \
        else None


def main():
    return libvirtd.test_main(
        lambda check, d: run(check, d, os.path.abspath(QMACHINED)))


def run(check, d, qmachined):
    # domcapabilities: the parts libvirt derives from the probe.
    caps = {}
    for emu in (QEMU, qmachined):
        r = d.virsh("domcapabilities", "--emulatorbin", emu, "--virttype",
                    "qemu", "--machine", "pc-i440fx-7.2")
        check(r.returncode == 0, "domcapabilities of %s" % emu, r.stderr)
        caps[emu] = r.stdout
    for part in ("machine", "vcpu", "memoryBacking", "devices/rng"):
        a, b = (section(caps[e], part) if caps[e] else None
                for e in (QEMU, qmachined))
        check(a is not None and a == b, "domcapabilities %s as QEMU's" % part,
              "qemu %s\nqmachined %s" % (a, b))

    names = {QEMU: "qm-e2e-qemu", qmachined: "qm-e2e-qmachined"}
    started = {}
    for emu, name in names.items():
        path = os.path.join(d.tmp, name + ".xml")
        with open(path, "w") as f:
            f.write(libvirtd.domain_xml(name, emu))
        r = d.virsh("define", path)
        check(r.returncode == 0, "define with %s" % os.path.basename(emu),
              r.stderr)
        r = d.virsh("start", name)
        started[emu] = r.returncode == 0
        check(started[emu], "start with %s" % os.path.basename(emu),
              r.stderr + d.domain_log(name)[-2000:])
    if not all(started.values()):
        return

    # Hot-plug the same devices into both; libvirt's view must agree.
    for what, tag, xml in DEVICES:
        for emu, name in names.items():
            r = attach(d, name, xml)
            check(r.returncode == 0, "attach %s to %s" % (
                what, os.path.basename(emu)), r.stderr)
    xmls = {emu: d.virsh("dumpxml", name).stdout
            for emu, name in names.items()}
    for tag in ("memory", "rng", "interface"):
        a, b = (devices_of(xmls[e], tag) for e in (QEMU, qmachined))
        check(a == b and len(a) >= 1, "dumpxml <%s> devices as QEMU's" % tag,
              "qemu %s\nqmachined %s" % (a, b))
    a, b = (current_memory(xmls[e]) for e in (QEMU, qmachined))
    check(a == b, "currentMemory as QEMU's", (a, b))

    # qemu-monitor-command, QMP and HMP.
    qm = names[qmachined]
    r = qmp(d, qm, "query-status")
    check(r.get("return", {}).get("status") == "running",
          "qemu-monitor-command query-status", r)
    r = d.virsh("qemu-monitor-command", qm, "--hmp", "info network")
    check(r.returncode == 0 and "type=user" in r.stdout,
          "qemu-monitor-command --hmp info network", r.stdout + r.stderr)

    # Reject: the DIMM stays, libvirt reports the guest's refusal.
    r = qmp(d, qm, "__org.qmachined_set-guest-policy", policy="reject")
    check(r.get("return") == {}, "guest policy reject", r)
    r = detach(d, qm, DEVICES[0][2].replace(
        "<memory model='dimm'>",
        "<memory model='dimm'><alias name='dimm0'/>"))
    check(r.returncode != 0 and
          "unplug of device was rejected by the guest" in r.stderr,
          "detach under reject: libvirt's rejection error", r.stderr)
    x = d.virsh("dumpxml", qm).stdout
    check(len(devices_of(x, "memory")) == 1, "the rejected DIMM stays")
    r = qmp(d, qm, "__org.qmachined_set-guest-policy", policy="linux")
    check(r.get("return") == {}, "guest policy linux", r)

    # Detach each from qmachined: really gone, in libvirt and in QMP.
    for tag in ("memory", "rng", "interface"):
        for dev in devices_of(d.virsh("dumpxml", qm).stdout, tag):
            r = detach(d, qm, dev)
            check(r.returncode == 0, "detach %s" % tag, r.stderr)
    x = d.virsh("dumpxml", qm).stdout
    for tag in ("memory", "rng", "interface"):
        check(devices_of(x, tag) == [], "no <%s> left after detach" % tag,
              devices_of(x, tag))
    r = qmp(d, qm, "query-memory-devices")
    check(r.get("return") == [], "no DIMM left in QMP", r)
    r = qmp(d, qm, "qom-list", path="/machine/peripheral")
    left = [p["name"] for p in r.get("return", [])
            if p["type"].startswith("child<")]
    check(left == ["balloon0"], "only the balloon left in QOM", left)
    r = qmp(d, qm, "qom-list", path="/objects")
    objs = sorted(p["name"] for p in r.get("return", [])
                  if p["type"].startswith("child<"))
    check(not [o for o in objs if re.match(r"(memdimm|objrng)", o)],
          "backends removed by libvirt", objs)
    r = d.virsh("qemu-monitor-command", qm, "--hmp", "info network")
    check("hostnet" not in r.stdout, "netdev removed by libvirt", r.stdout)

    # Destroy and undefine: nothing left.
    d.destroy_all(check, names.values())


if __name__ == "__main__":
    sys.exit(main())
