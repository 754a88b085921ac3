#!/usr/bin/env python3
"""__org.qmachined_query-interrupts' "acpi" member (GET /api/v1/interrupts,
the page's GPE/SCI line) is the PIIX4 PM's event registers as the guest
reads them through qtest: GPE0 status/enable at 0xafe0/0xafe2, and the
SCI's level, before and after a DIMM hot-plug
(GPE0 bit 3) with and without the GPE enabled (the SCI follows), and
null with acpi=off.  (A vendor command: checked against the registers,
which the differential scripts check against QEMU.)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import Checker, Daemon  # noqa: E402

def regs(t):
    lo = t.inb(0xafe0) | t.inb(0xafe1) << 8
    en = t.inb(0xafe2) | t.inb(0xafe3) << 8
    return lo, en


def main():
    check = Checker()
    d = Daemon(["-m", "1G,slots=2,maxmem=4G", "--guest", "passive"],
               qtest=True)
    try:
        t, q = d.qtest(), d.qmp()
        a = d.rest.get("/interrupts").json["acpi"]
        check(a is not None and (a["gpe0-status"], a["gpe0-enable"]) ==
              regs(t) and a["sci"] is False, "at start: as the registers", a)
        q.cmd("object-add", **{"qom-type": "memory-backend-ram", "id": "m1",
                               "size": 128 << 20})
        q.cmd("device_add", driver="pc-dimm", id="d1", memdev="m1")
        a = q.cmd("__org.qmachined_query-interrupts")["return"]["acpi"]
        sts, en = regs(t)
        check(a["gpe0-status"] == sts and sts & 0x08 and a["sci"] is False,
              "DIMM plugged, GPE disabled: status bit 3, no SCI", (a, sts))
        t.q("outb 0xafe2 0x08")
        a = q.cmd("__org.qmachined_query-interrupts")["return"]["acpi"]
        check(a["gpe0-enable"] == 0x08 and a["sci"] is True,
              "GPE enabled: the SCI is raised", a)
        t.q("outb 0xafe0 0x08")
        a = q.cmd("__org.qmachined_query-interrupts")["return"]["acpi"]
        check(a["gpe0-status"] & 0x08 == 0 and a["sci"] is False,
              "status cleared: the SCI drops", a)
    finally:
        d.stop()
    d = Daemon(["-machine", "pc,acpi=off"])
    try:
        a = d.rest.get("/interrupts").json
        check("acpi" in a and a["acpi"] is None, "acpi=off: null", a)
    finally:
        d.stop()
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
