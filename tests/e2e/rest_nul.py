#!/usr/bin/env python3
"""REST regression checks for wire strings with U+0000 that go through
the QMP core: POST /api/v1/qmp with a JSON object key holding \\u0000
(it crashed the daemon) must answer and echo the id as QEMU does, and
DELETE /api/v1/objects/mem1%00zzz must not delete mem1 (404, "object
'mem1\\u0000zzz' not found").  REST passes both with their length
(tests/e2e/rest_robust.py checks the REST-only side); these also need
the QMP core (JSON writer, dispatch, object-del) to keep the length.

Run: QMACHINED=src/qmachined python3 tests/e2e/rest_nul.py
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import Checker, Daemon  # noqa: E402

check = Checker()


def test_nul_key():
    """A JSON object key with U+0000, through the QMP tunnel (own daemon:
    this crashed it)."""
    d = Daemon()
    try:
        body = b'{"execute": "query-status", "id": {"a\\u0000b": 1}}'
        try:
            r = d.rest.post("/qmp", raw=body,
                            headers={"Content-Type": "application/json"})
        except OSError as e:
            r = None
            check(False, "POST /qmp with a \\u0000 key answered", e)
        time.sleep(0.2)
        alive = d.proc.poll() is None
        check(alive, "POST /qmp with a \\u0000 key: daemon alive")
        if alive and r is not None:
            q = d.qmp()
            want = {"return": q.cmd("query-status")["return"],
                    "id": {"a\x00b": 1}}
            check(r.status == 200 and r.json == want,
                  "POST /qmp echoes the id with its \\u0000 key", r)
    finally:
        d.stop()


def test_delete_nul():
    d = Daemon()
    try:
        obj = {"qom-type": "memory-backend-ram", "id": "mem1",
               "size": 1 << 20}
        r = d.rest.post("/objects", obj)
        check(r.status == 201, "POST /objects mem1", r)
        r = d.rest.delete("/objects/mem1%00zzz")
        check(r.status == 404 and r.json and r.json["error"]["desc"] ==
              "object 'mem1\x00zzz' not found",
              "DELETE /objects/mem1%00zzz 404", r)
        r = d.rest.get("/objects/mem1")
        check(r.status == 200, "mem1 still there after DELETE mem1%00zzz",
              r)
        check(d.proc.poll() is None, "daemon alive")
    finally:
        d.stop()


def main():
    test_nul_key()
    test_delete_nul()
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
