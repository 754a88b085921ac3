#!/usr/bin/env python3
"""qtest under hostile clients: a NUL byte in a line is part of its word
(never cut short into another command or path), a client that never reads
its 16 MiB replies holds the daemon to a bounded backlog, and big reads are
written out piece by piece while other clients are served.

Run: QMACHINED=src/qmachined python3 tests/e2e/qtest_limits.py
"""
import base64
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import Checker, Daemon, rss_kib, rss_within  # noqa: E402

BIG = 16 << 20


def main():
    check = Checker()
    # A daemon of our own with a qtest socket.
    d = Daemon(extra=["-m", "128M"], qtest=True)
    try:
        q = d.qtest()
        # NUL bytes: the whole word counts.
        check(q.cmd(b"outb 0x70 0x0e").startswith(b"OK"), "plain command")
        r = q.cmd(b"inb 0x71\x00zz")
        check(r == b"FAIL invalid arguments", "NUL in a number", r)
        r = q.cmd(b"inb\x00x 0x71")
        check(r.startswith(b"FAIL Unknown command"), "NUL in the command", r)
        r = q.cmd(b"irq_intercept_in ioapic\x00zz")
        check(r == b"FAIL Unknown device", "NUL in a path", r)
        r = q.cmd(b"\x00\r")
        check(r.startswith(b"FAIL Unknown command"), "NUL alone", r)
        r = q.cmd(b"readb 0x0\x00" + b"A" * 5000)
        check(r == b"FAIL invalid arguments", "NUL then a long tail", r)
        r = q.cmd(b"writeb 0x1000 0x5a\x00")
        check(r == b"FAIL invalid arguments", "NUL after a value", r)
        check(q.cmd(b"readb 0x1000") == b"OK 0x0000000000000000",
              "the write with a NUL did not happen")
        r = q.cmd(b"write 0x2000 2 0x12\x0034")
        check(r == b"OK", "hex data with a NUL: written as QEMU parses hex", r)
        check(q.cmd(b"readw 0x2000") == b"OK 0x0000000000000312",
              "a NUL, like any non-hex digit, is a zero nibble")

        # A client that never reads: eight 16 MiB reads.
        base = rss_kib(d.proc.pid)
        hog = socket.socket(socket.AF_UNIX)
        hog.connect(d.qtest_path)
        hog.sendall(b"read 0x0 %d\n" % BIG * 8 + b"inb 0x92\n")
        time.sleep(1.0)
        # Meanwhile another client is served at once.
        t0 = time.monotonic()
        r = q.cmd(b"inb 0x92")
        dt = time.monotonic() - t0
        check(r.startswith(b"OK"), "other client served", r)
        check(dt < 0.5, "other client answered without waiting for the "
              "big reads (%.3f s)" % dt)
        qmp = d.qmp()
        t0 = time.monotonic()
        check("return" in qmp.cmd("query-status"), "QMP served")
        check(time.monotonic() - t0 < 0.5, "QMP answered at once")
        grown = rss_kib(d.proc.pid) - base
        rss_within(check, grown, 48 * 1024,
                   "RSS growth bounded while the client does not read")
        # Now it reads: every reply whole and in order.
        hog.settimeout(20)
        want = (len(b"OK 0x") + 2 * BIG + 1) * 8 + len(b"OK 0x0000\n")
        got = 0
        tail = b""
        peak = 0
        while got < want:
            data = hog.recv(1 << 20)
            if not data:
                break
            got += len(data)
            tail = (tail + data)[-64:]
            peak = max(peak, rss_kib(d.proc.pid) - base)
        check(got == want, "all eight replies and the last one arrive",
              (got, want))
        check(tail.endswith(b"00000000\nOK 0x0000\n"), "replies in order",
              tail)
        rss_within(check, peak, 48 * 1024, "RSS growth bounded while draining")
        hog.close()

        # Big b64 reads are whole too (pieces join on 3-byte boundaries).
        q.cmd(b"write 0x3000 4 0x01020304")
        r = q.cmd(b"b64read 0x3000 100003")
        raw = base64.b64decode(r[3:])
        check(r.startswith(b"OK ") and len(raw) == 100003 and
              raw[:4] == b"\x01\x02\x03\x04", "b64read across pieces")
        r = q.cmd(b"read 0x3000 70000")
        check(len(r) == 5 + 140000 and r.startswith(b"OK 0x01020304"),
              "hex read across pieces")
        check(q.cmd(b"inb 0x92").startswith(b"OK"), "still serving")
    finally:
        d.stop()
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
