#!/usr/bin/env python3
"""The KVM-style memslot table (__org.qmachined_query-memslots) follows the
memory address space: RAM and ROM sections page-aligned, ROM read-only,
and a hot-plugged DIMM adds exactly one slot at its address, through the
memory listener that sees the device-memory commit.

Run: QMACHINED=src/qmachined python3 tests/e2e/memslots.py
"""
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

QMACHINED = os.environ.get("QMACHINED", "src/qmachined")
passed = failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def main():
    tmp = tempfile.mkdtemp()
    sock = os.path.join(tmp, "qmp.sock")
    proc = subprocess.Popen([QMACHINED, "-machine", "pc", "-nodefaults", "-S",
                             "-m", "4G,slots=2,maxmem=8G",
                             "-qmp", "unix:%s,server=on,wait=off" % sock])
    try:
        for _ in range(200):
            if os.path.exists(sock):
                break
            time.sleep(0.025)
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(10)
        s.connect(sock)
        f = s.makefile("rb")
        f.readline()

        def cmd(name, **args):
            s.sendall(json.dumps({"execute": name,
                                  "arguments": args}).encode())
            while True:
                r = json.loads(f.readline())
                if "event" not in r:
                    return r

        cmd("qmp_capabilities")
        before = cmd("__org.qmachined_query-memslots")["return"]
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
        cmd("object-add", **{"qom-type": "memory-backend-ram", "id": "m1",
                             "size": 1 << 30})
        r = cmd("device_add", driver="pc-dimm", id="d1", memdev="m1")
        check(r == {"return": {}}, "DIMM plugged")
        after = cmd("__org.qmachined_query-memslots")["return"]
        new = [m for m in after if m not in before]
        check(len(after) == len(before) + 1 and len(new) == 1,
              "one new slot")
        check(new and new[0]["guest-phys-addr"] == 0x140000000 and
              new[0]["memory-size"] == 1 << 30 and new[0]["region"] == "m1",
              "the DIMM's slot at device-memory's base")
        cmd("quit")
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
