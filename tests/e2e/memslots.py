#!/usr/bin/env python3
"""The KVM-style memslot table (__org.qmachined_query-memslots) follows the
memory address space: RAM and ROM sections page-aligned, ROM read-only,
and a hot-plugged DIMM adds exactly one slot at its address, through the
memory listener that sees the device-memory commit.

Run: QMACHINED=src/qmachined python3 tests/e2e/memslots.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import Checker, Daemon  # noqa: E402


def main():
    check = Checker()
    d = Daemon(extra=["-m", "4G,slots=2,maxmem=8G"])
    try:
        qmp = d.qmp()
        before = qmp.cmd("__org.qmachined_query-memslots")["return"]
        by_gpa = {m["guest-phys-addr"]: m for m in before}
        check(by_gpa.get(0, {}).get("region") == "pc.ram" and
              by_gpa[0]["memory-size"] == 0xc0000, "low RAM up to 0xc0000")
        check(by_gpa.get(0xc0000, {}).get("readonly") is True,
              "pc.rom read-only")
        check(by_gpa.get(0x100000000, {}).get("memory-size") == 1 << 30,
              "RAM above 4G (4G machine: 1 GiB above the 3 GiB split)")
        check(by_gpa.get(0xfffc0000, {}).get("region") == "pc.bios",
              "BIOS at the top of 4G")
        check(all(m["guest-phys-addr"] % 4096 == 0 and
                  m["memory-size"] % 4096 == 0 for m in before),
              "slots are page-aligned")
        qmp.cmd("object-add", **{"qom-type": "memory-backend-ram",
                                 "id": "m1", "size": 1 << 30})
        r = qmp.cmd("device_add", driver="pc-dimm", id="d1", memdev="m1")
        check(r == {"return": {}}, "DIMM plugged")
        after = qmp.cmd("__org.qmachined_query-memslots")["return"]
        new = [m for m in after if m not in before]
        check(len(after) == len(before) + 1 and len(new) == 1,
              "one new slot")
        check(new and new[0]["guest-phys-addr"] == 0x140000000 and
              new[0]["memory-size"] == 1 << 30 and new[0]["region"] == "m1",
              "the DIMM's slot at device-memory's base")
    finally:
        d.stop()
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
