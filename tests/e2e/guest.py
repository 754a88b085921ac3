#!/usr/bin/env python3
"""End-to-end checks of the simulated guest (acpi/ospm.c) against what a
real Linux 6.1 guest did under QEMU 7.2 (docs/GUEST.md): the state left
after the first cont, libvirt's DIMM sequence with policies linux,
reject, passive and delay:MS, a paused machine, and PCI add/del of
virtio-balloon-pci, virtio-rng-pci, virtio-net-pci, virtio-serial-pci
and e1000 (DRIVER_OK in between for the virtio ones).  Parts whose hotplug registers are not in the model yet are
reported as skipped.

Run: QMACHINED=src/qmachined python3 tests/e2e/guest.py
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import QMACHINED, Qmp, Qtest, wait_for_paths  # noqa: E402

passed = failed = skipped = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def skip(what):
    global skipped
    skipped += 1
    print("SKIP:", what)


def ost(e):
    i = e["data"]["info"]
    return (i.get("device"), i["source"], i["status"])


def main():
    tmp = tempfile.mkdtemp(prefix="qm-guest-")
    qmp_path, qt_path = tmp + "/qmp.sock", tmp + "/qt.sock"
    argv = [QMACHINED, "-machine", "pc", "-accel", "tcg", "-nodefaults",
            "-m", "1G,slots=4,maxmem=8G", "-smp", "1,maxcpus=4",
            "-object", "memory-backend-ram,id=m0,size=1G",
            "-numa", "node,memdev=m0",
            "-device", "virtio-rng-pci,id=coldrng",
            "-qmp", "unix:%s,server=on,wait=off" % qmp_path,
            "-qtest", "unix:%s,server=on,wait=off" % qt_path,
            "--guest", "linux"]
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)
    try:
        wait_for_paths(proc, qmp_path, qt_path)
        qmp, qt = Qmp(qmp_path, stamp=True), Qtest(qt_path)
        run(qmp, qt)
        qmp.cmd("quit")
        proc.wait(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    # A bad --guest value: QEMU-style error, exit 1.
    r = subprocess.run([QMACHINED, "-machine", "pc", "--guest", "often"],
                       capture_output=True, text=True, timeout=10)
    check(r.returncode == 1, "bad --guest exits 1")
    check(r.stderr.startswith("qmachined: --guest often: "),
          "bad --guest message: %r" % r.stderr)

    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


def run(qmp, qt):
    # ---- (a) the state after the first cont (docs/GUEST.md table) ----
    check(qmp.cmd("query-status")["return"]["status"] == "running",
          "running")
    check(qt.cfg(0x0b, 0x40) == 0x601, "PMBA 0x601")
    check(qt.cfg(0x0b, 0x80) & 0xff == 0x01, "PM io enabled")
    check(qt.cfg(0x0b, 0x04) == 0x02800103, "PM command/status")
    check(qt.cfg(0x0b, 0x90) == 0x701, "SMBus base 0x700")
    check(qt.cfg(0x08, 0x60) == 0x8b8b0a8a, "PIRQ routing 8a 0a 8b 8b")
    check(qt.cfg(0x09, 0x20) == 0xc021, "IDE BAR4 0xc020")
    check(qt.cfg(0x09, 0x40) == 0x80008000, "IDE decode")
    check(qt.cfg(0x00, 0x58) == 0x11111000 and
          qt.cfg(0x00, 0x5c) == 0x33111111, "PAM")
    check(qt.cfg(0x10, 0x04) & 0xffff == 0x0507, "cold virtio COMMAND")
    check(qt.cfg(0x10, 0x10) == 0xc001, "cold virtio BAR0")
    check(qt.cfg(0x10, 0x14) == 0xfebff000, "cold virtio BAR1")
    check(qt.cfg(0x10, 0x20) == 0xfebf800c and qt.cfg(0x10, 0x24) == 0,
          "cold virtio BAR4")
    check(qt.cfg(0x10, 0x3c) & 0xff == 10, "cold virtio IRQ 10")
    check(qt.inl(0x604) & 0xffff == 0x0001, "SCI_EN")
    check(qt.inl(0x602) & 0xffff == 0x0020, "PM1_EN GBL")
    check(qt.inb(0xafe2) == 0x0e, "GPE enable 0x0e")
    check(qt.inb(0xafe0) == 0x00, "GPE status clear")
    check(qt.inb(0x4d1) == 0x0c and qt.inb(0x4d0) == 0, "ELCR")
    check(qt.inb(0xb2) == 0xf1, "APM 0xb2")
    pic = qmp.cmd("human-monitor-command",
                  **{"command-line": "info pic"})["return"]
    check("irq_base=30" in pic and "irq_base=38" in pic, "PIC bases")
    check("0x0100000000008821" in pic, "IOAPIC pin 9 level vector 33")
    vs = qmp.cmd("x-query-virtio-status",
                 path="/machine/peripheral/coldrng/virtio-backend")
    if "return" in vs:
        st = " ".join(vs["return"]["status"]["statuses"])
        check("DRIVER_OK" in st, "cold virtio DRIVER_OK")
    else:
        skip("x-query-virtio-status: %s" % vs["error"]["desc"])
    check(qmp.cmd("__org.qmachined_query-guest-policy")["return"] ==
          {"policy": "linux"}, "policy linux")
    r = qmp.cmd("__org.qmachined_set-guest-policy", policy="sometimes")
    check(r.get("error", {}).get("class") == "GenericError",
          "bad policy rejected")
    qmp.take()

    if qt.inl(0x0a14) == 0xffffffff:
        skip("memory hotplug block (0x0a00) not in the model yet")
    else:
        dimm_tests(qmp)
    cpu_tests(qmp, qt)
    if qt.inl(0xae0c) == 0xffffffff:
        skip("PCI hotplug block (0xae00) not in the model yet")
    else:
        pci_tests(qmp, qt)

    # system_reset of a running machine: firmware and OS run again.
    qmp.cmd("system_reset")
    qmp.wait_events(1, 0.1)
    check(qt.cfg(0x0b, 0x40) == 0x601 and qt.inb(0xafe2) == 0x0e and
          qt.inl(0x604) & 1 == 1, "state restored after system_reset")


def dimm_add(qmp, n):
    r1 = qmp.cmd("object-add", **{"qom-type": "memory-backend-ram",
                                  "id": "mem%d" % n, "size": 536870912})
    r2 = qmp.cmd("device_add", driver="pc-dimm", id="dimm%d" % n,
                 memdev="mem%d" % n)
    return "return" in r1 and "return" in r2


def dimm_tests(qmp):
    # linux: libvirt's sequence.
    check(dimm_add(qmp, 1), "object-add + device_add dimm1")
    ev = qmp.wait_events(1, 2, ["ACPI_DEVICE_OST"])
    check([ost(e) for e in ev] == [("dimm1", 1, 0)], "insert _OST(1,0)")
    qmp.take()
    t0 = time.monotonic()
    check("return" in qmp.cmd("device_del", id="dimm1"), "device_del")
    ev = qmp.wait_events(3, 2, ["ACPI_DEVICE_OST", "DEVICE_DELETED"])
    seq = [(e["event"], ost(e) if e["event"] == "ACPI_DEVICE_OST"
            else e["data"].get("device")) for e in ev]
    check(seq == [("ACPI_DEVICE_OST", ("dimm1", 3, 0x84)),
                  ("DEVICE_DELETED", "dimm1"),
                  ("ACPI_DEVICE_OST", (None, 3, 0))],
          "removal sequence: %r" % seq)
    check(ev and ev[-1]["_t"] - t0 < 0.5, "linux acts at once")
    check("return" in qmp.cmd("object-del", id="mem1"), "object-del")
    qmp.take()

    # reject: libvirt's DEVICE_REMOVAL_FAILED values, the DIMM stays.
    qmp.cmd("__org.qmachined_set-guest-policy", policy="reject")
    check(dimm_add(qmp, 2), "dimm2 added")
    qmp.wait_events(1, 2, ["ACPI_DEVICE_OST"])
    qmp.take()
    qmp.cmd("device_del", id="dimm2")
    ev = qmp.wait_events(3, 0.5, ["ACPI_DEVICE_OST", "DEVICE_DELETED"])
    check([ost(e) if e["event"] == "ACPI_DEVICE_OST" else e["event"]
           for e in ev] == [("dimm2", 3, 0x84), ("dimm2", 3, 1)],
          "reject sequence")
    mds = qmp.cmd("query-memory-devices")["return"]
    check([d["data"].get("id") for d in mds] == ["dimm2"], "dimm2 stays")
    r = qmp.cmd("object-del", id="mem2")
    check("error" in r, "backend still in use")
    qmp.take()

    # passive: nothing; switching back to linux handles what is pending.
    qmp.cmd("__org.qmachined_set-guest-policy", policy="passive")
    qmp.cmd("device_del", id="dimm2")
    check(qmp.wait_events(1, 0.4) == [], "passive: nothing happens")
    qmp.cmd("__org.qmachined_set-guest-policy", policy="linux")
    ev = qmp.wait_events(1, 2, ["DEVICE_DELETED"])
    check(len(ev) == 1, "pending removal handled after policy change")
    qmp.cmd("object-del", id="mem2")
    qmp.take()

    # delay:200.
    qmp.cmd("__org.qmachined_set-guest-policy", policy="delay:200")
    check(qmp.cmd("__org.qmachined_query-guest-policy")["return"] ==
          {"policy": "delay:200"}, "policy delay:200")
    dimm_add(qmp, 3)
    qmp.wait_events(1, 2, ["ACPI_DEVICE_OST"])
    qmp.take()
    t0 = time.monotonic()
    qmp.cmd("device_del", id="dimm3")
    ev = qmp.wait_events(1, 2, ["DEVICE_DELETED"])
    dt = ev[0]["_t"] - t0 if ev else -1
    check(0.18 <= dt < 1.0, "delay:200 acts after ~200 ms (%.3f s)" % dt)
    qmp.cmd("object-del", id="mem3")
    qmp.cmd("__org.qmachined_set-guest-policy", policy="linux")
    qmp.take()

    # Paused: like a paused QEMU, nothing until cont.
    qmp.cmd("stop")
    dimm_add(qmp, 4)
    check(qmp.wait_events(1, 0.3, ["ACPI_DEVICE_OST"]) == [],
          "paused: no _OST")
    qmp.cmd("cont")
    ev = qmp.wait_events(1, 2, ["ACPI_DEVICE_OST"])
    check([ost(e) for e in ev] == [("dimm4", 1, 0)], "_OST after cont")
    qmp.cmd("device_del", id="dimm4")
    qmp.wait_events(1, 2, ["DEVICE_DELETED"])
    qmp.cmd("object-del", id="mem4")
    qmp.take()


def cpu_add(qmp, name, core):
    r = qmp.cmd("device_add", driver="qemu64-x86_64-cpu", id=name,
                **{"socket-id": 0, "core-id": core, "thread-id": 0})
    return "return" in r


def cpu_paths(qmp):
    return [c["qom-path"] for c in qmp.cmd("query-cpus-fast")["return"]]


def cpu_tests(qmp, qt):
    # Boot: _INI switched to the modern interface (the status byte of the
    # boot CPU at +4; the legacy bitmap's byte 4 would read 0), and
    # query-acpi-ospm-status lists the four CPU slots.
    qt.q("outl 0xaf00 0")
    check(qt.inb(0xaf04) == 0x01, "modern CPU hotplug after boot")
    slots = [i for i in qmp.cmd("query-acpi-ospm-status")["return"]
             if i["slot-type"] == "CPU"]
    check(len(slots) == 4, "four CPU slots in query-acpi-ospm-status")
    qmp.take()

    # linux: CSCN notifies and clears the insert, Linux's _OST(1, 0).
    check(cpu_add(qmp, "vcpu1", 1), "device_add vcpu1")
    ev = qmp.wait_events(1, 2, ["ACPI_DEVICE_OST"])
    check([ost(e) for e in ev] == [("vcpu1", 1, 0)], "vCPU insert _OST(1,0)")
    qt.q("outl 0xaf00 1")
    check(qt.inb(0xaf04) == 0x01, "vcpu1 enabled, insert event cleared")
    check(qt.inb(0xafe0) == 0, "GPE status cleared")
    qmp.take()
    check("return" in qmp.cmd("device_del", id="vcpu1"), "device_del vcpu1")
    ev = qmp.wait_events(3, 2, ["ACPI_DEVICE_OST", "DEVICE_DELETED"])
    seq = [(e["event"], ost(e) if e["event"] == "ACPI_DEVICE_OST"
            else e["data"]["path"]) for e in ev]
    check(seq == [("ACPI_DEVICE_OST", ("vcpu1", 3, 0x84)),
                  ("DEVICE_DELETED", "/machine/peripheral/vcpu1/lapic"),
                  ("ACPI_DEVICE_OST", (None, 3, 0))],
          "vCPU removal sequence: %r" % seq)
    check(cpu_paths(qmp) == ["/machine/unattached/device[0]"],
          "vcpu1 gone from query-cpus-fast")
    qmp.take()

    # reject: _OST(3, 0x84) then _OST(3, 1), the vCPU stays.
    qmp.cmd("__org.qmachined_set-guest-policy", policy="reject")
    check(cpu_add(qmp, "vcpu2", 2), "device_add vcpu2")
    ev = qmp.wait_events(1, 2, ["ACPI_DEVICE_OST"])
    check([ost(e) for e in ev] == [("vcpu2", 1, 0)], "reject: insert works")
    qmp.take()
    qmp.cmd("device_del", id="vcpu2")
    ev = qmp.wait_events(3, 0.5, ["ACPI_DEVICE_OST", "DEVICE_DELETED"])
    check([ost(e) if e["event"] == "ACPI_DEVICE_OST" else e["event"]
           for e in ev] == [("vcpu2", 3, 0x84), ("vcpu2", 3, 1)],
          "vCPU reject sequence")
    check("/machine/peripheral/vcpu2" in cpu_paths(qmp), "vcpu2 stays")
    qmp.take()

    # passive: the remove event waits; linux handles it.
    qmp.cmd("__org.qmachined_set-guest-policy", policy="passive")
    qmp.cmd("device_del", id="vcpu2")
    check(qmp.wait_events(1, 0.3) == [], "passive: no vCPU removal")
    qmp.cmd("__org.qmachined_set-guest-policy", policy="linux")
    ev = qmp.wait_events(1, 2, ["DEVICE_DELETED"])
    check([e["data"]["path"] for e in ev] ==
          ["/machine/peripheral/vcpu2/lapic"], "vcpu2 removed after linux")
    check(len(cpu_paths(qmp)) == 1, "one vCPU left")
    qmp.take()


def pci_tests(qmp, qt):
    r = qmp.cmd("device_add", driver="virtio-balloon-pci", id="bal0")
    check("return" in r, "device_add virtio-balloon-pci: %r" % r)
    qmp.wait_events(1, 0.1)
    vs = qmp.cmd("x-query-virtio-status",
                 path="/machine/peripheral/bal0/virtio-backend")
    if "return" in vs:
        st = " ".join(vs["return"]["status"]["statuses"])
        check("DRIVER_OK" in st, "balloon DRIVER_OK")
    else:
        skip("x-query-virtio-status for the balloon")
    devs = qmp.cmd("query-pci")["return"][0]["devices"]
    bal = [d for d in devs if d["qdev_id"] == "bal0"]
    check(len(bal) == 1, "balloon in query-pci")
    if bal:
        regs = {r["bar"]: r["address"] for r in bal[0]["regions"]}
        check(regs.get(0) == 0x1000, "balloon BAR0 at 0x1000: %r" % regs)
        check(regs.get(4) == 0x3c0000000, "balloon BAR4 at 0x3c0000000")
    devfn = bal[0]["slot"] << 3 if bal else 0x18
    check(qt.cfg(devfn, 0x04) & 0xffff == 0x0007, "balloon COMMAND 0x0007")
    check(qt.cfg(0x08, 0x60) == 0x8b0b0a8a, "PIRQC enabled")
    qmp.take()
    check("return" in qmp.cmd("device_del", id="bal0"), "device_del bal0")
    ev = qmp.wait_events(2, 2, ["DEVICE_DELETED"])
    check([e["data"].get("path") for e in ev] ==
          ["/machine/peripheral/bal0/virtio-backend",
           "/machine/peripheral/bal0"], "balloon DEVICE_DELETED order: %r" % ev)
    qmp.take()
    for driver in ("virtio-balloon-pci", "virtio-rng-pci", "virtio-net-pci",
                   "virtio-serial-pci", "e1000"):
        pci_add_del(qmp, driver)


def pci_add_del(qmp, driver):
    """device_add, the guest's DRIVER_OK (virtio), device_del, eject."""
    dev = driver.replace("-", "")
    r = qmp.cmd("device_add", driver=driver, id=dev)
    check("return" in r, "device_add %s: %r" % (driver, r))
    qmp.wait_events(1, 0.1)
    virtio = driver.startswith("virtio-")
    if virtio:
        vs = qmp.cmd("x-query-virtio-status",
                     path="/machine/peripheral/%s/virtio-backend" % dev)
        st = vs.get("return", {}).get("status", {}).get("statuses", [])
        check(any(x.startswith("VIRTIO_CONFIG_S_DRIVER_OK") for x in st),
              "%s DRIVER_OK after hotplug: %r" % (driver, vs))
    qmp.take()
    check("return" in qmp.cmd("device_del", id=dev), "device_del " + dev)
    want = ["/machine/peripheral/%s/virtio-backend" % dev] if virtio else []
    want.append("/machine/peripheral/" + dev)
    ev = qmp.wait_events(len(want), 2, ["DEVICE_DELETED"])
    check([e["data"].get("path") for e in ev] == want,
          "%s DEVICE_DELETED: %r" % (driver, ev))
    check(ev[-1:] and ev[-1]["data"].get("device") == dev,
          "%s DEVICE_DELETED names the device" % driver)
    gone = [d for d in qmp.cmd("query-pci")["return"][0]["devices"]
            if d["qdev_id"] == dev]
    check(not gone, "%s gone from query-pci" % driver)
    qmp.take()


if __name__ == "__main__":
    sys.exit(main())
