#!/usr/bin/env python3
"""REST end-to-end checks of the memory hotplug flow and the routes built
on object-add, object-del, device_add, device_del, query-memory-devices,
query-memory-size-summary, query-acpi-ospm-status and the guest-policy
extension commands: POST /objects + POST /devices, GET /memory-devices,
DELETE /devices/ID (DEVICE_DELETED seen over SSE and QMP), DELETE
/objects/ID, 409 for duplicates and in-use objects, 404s.

Exits 77 (skipped) while those QMP commands do not exist yet.

Run: QMACHINED=src/qmachined python3 tests/e2e/rest_hotplug.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import Checker, Daemon  # noqa: E402

NEEDED = ["object-add", "object-del", "device_add", "device_del",
          "query-memory-devices", "query-memory-size-summary"]
# Parts that are skipped (with a note) while these are missing.
OPTIONAL = ["query-acpi-ospm-status", "__org.qmachined_set-guest-policy",
            "__org.qmachined_query-guest-policy"]
GiB = 1 << 30
check = Checker()


def names(evs):
    return [e["event"] for e in evs]


def main():
    d = Daemon(extra=["-m", "1G,slots=4,maxmem=8G"])
    try:
        r = d.rest.post("/qmp", {"execute": "query-commands"})
        have = {c["name"] for c in r.json["return"]}
        missing = [c for c in NEEDED if c not in have]
        if missing:
            print("SKIP: QMP commands not implemented yet: " +
                  ", ".join(missing))
            return 77
        run(d, have)
    finally:
        d.stop()
    return check.finish()


def test_guest(d, m):
    r = d.rest.get("/machine/guest")
    check(r.status == 200 and isinstance(r.json.get("policy"), str),
          "GET /machine/guest", r)
    policy = r.json["policy"]
    check(m["guest-policy"] == policy, "machine shows guest policy")
    r = d.rest.request("PUT", "/machine/guest", body={"policy": policy})
    check(r.status == 200 and r.json == {"policy": policy},
          "PUT /machine/guest", r)
    r = d.rest.request("PUT", "/machine/guest", body={"policy": 5})
    check(r.status == 400 and r.json["error"]["class"] == "GenericError",
          "PUT /machine/guest bad type 400", r)
    r = d.rest.request("PUT", "/machine/guest", body={"policy": "bogus!"})
    check(r.status == 400, "PUT /machine/guest bad value 400", r)


def run(d, have):
    q = d.qmp()
    sse = d.sse()
    r = d.rest.post("/machine/actions/cont")
    check(r.status == 200, "cont", r)

    for c in OPTIONAL:
        if c not in have:
            print("SKIP (part): %s not implemented yet" % c)
    m = d.rest.get("/machine").json
    check(m["memory"]["base"] == GiB and m["memory"]["plugged"] == 0,
          "machine memory base/plugged", m)
    # slots/maxmem come from /machine's "memory" property (QEMU 7.2's
    # MemorySizeConfiguration: size, max-size, slots).
    if "error" in d.rest.post("/qmp", {"execute": "qom-get", "arguments": {
            "path": "/machine", "property": "memory"}}).json:
        print("SKIP (part): /machine has no 'memory' property yet")
    else:
        check(m["memory"]["slots"] == 4 and
              m["memory"]["maxmem"] == 8 * GiB, "machine slots/maxmem", m)
    if "__org.qmachined_query-guest-policy" in have:
        test_guest(d, m)

    # Backend, then DIMM.
    obj = {"qom-type": "memory-backend-ram", "id": "mem1", "size": GiB}
    r = d.rest.post("/objects", obj)
    check(r.status == 201 and
          r.headers["Location"] == "/api/v1/objects/mem1" and
          r.json["id"] == "mem1" and
          r.json["qom-type"] == "memory-backend-ram", "POST /objects", r)
    r = d.rest.post("/objects", obj)
    check(r.status == 409 and "duplicate" in r.json["error"]["desc"],
          "duplicate object 409", r)
    r = d.rest.post("/objects", {"qom-type": "memory-backend-ram"})
    check(r.status == 400, "object-add without id 400", r)
    r = d.rest.get("/objects")
    check(r.status == 200 and "mem1" in [o["id"] for o in r.json],
          "GET /objects lists mem1", r)
    r = d.rest.get("/objects/mem1")
    check(r.status == 200 and r.json["properties"].get("size") == GiB,
          "GET /objects/mem1 properties", r)

    dimm = {"driver": "pc-dimm", "id": "dimm1", "memdev": "mem1"}
    r = d.rest.post("/devices", dimm)
    check(r.status == 201 and
          r.headers["Location"] == "/api/v1/devices/dimm1" and
          r.json["driver"] == "pc-dimm" and
          r.json["path"] == "/machine/peripheral/dimm1",
          "POST /devices pc-dimm", r)
    r = d.rest.post("/devices", dimm)
    check(r.status == 409 and "Duplicate device ID" in
          r.json["error"]["desc"], "duplicate device 409", r)
    r = d.rest.post("/devices", {"driver": "no-such-device"})
    check(r.status == 400 and r.json["error"]["class"] == "GenericError",
          "unknown driver 400", r)
    r = d.rest.post("/devices", {"id": "x"})
    check(r.status == 400 and r.json["error"]["desc"] ==
          "Parameter 'driver' is missing", "device_add argument check", r)

    r = d.rest.get("/devices")
    check(r.status == 200 and any(x["id"] == "dimm1" for x in r.json),
          "GET /devices lists dimm1", r)
    r = d.rest.get("/devices/dimm1")
    check(r.status == 200 and r.json["properties"].get("memdev") ==
          "/objects/mem1", "GET /devices/dimm1", r)
    r = d.rest.get("/memory-devices")
    check(r.status == 200 and len(r.json) == 1 and
          r.json[0]["data"]["id"] == "dimm1" and
          r.json[0]["data"]["size"] == GiB, "GET /memory-devices", r)
    check(r.json == q.cmd("query-memory-devices")["return"],
          "REST and QMP agree on memory devices")
    m = d.rest.get("/machine").json
    check(m["memory"]["plugged"] == GiB, "plugged memory 1 GiB", m)
    if "query-acpi-ospm-status" in have:
        r = d.rest.get("/acpi/ospm")
        check(r.status == 200 and isinstance(r.json, list),
              "GET /acpi/ospm", r)
    r = d.rest.get("/memory/map")
    check(any(x["region"] == "mem1" for x in r.json["ranges"]),
          "backend mapped in the memory map", r)

    r = d.rest.delete("/objects/mem1")
    check(r.status == 409 and "in use" in r.json["error"]["desc"],
          "DELETE in-use object 409", r)

    # Unplug: the guest acknowledges; DEVICE_DELETED over SSE and QMP.
    r = d.rest.delete("/devices/dimm1")
    check(r.status in (202, 204), "DELETE /devices/dimm1 202/204", r)
    if r.status == 202:
        r2 = d.rest.delete("/devices/dimm1")
        check(r2.status in (409, 404, 202), "second DELETE 409/404", r2)
    recs = sse.records(10, until=lambda rs: any(
        x.get("event") == "DEVICE_DELETED" and
        x["data"]["data"].get("device") == "dimm1" for x in rs))
    evs = [x for x in recs if "event" in x]
    deleted = [e for e in evs if e["event"] == "DEVICE_DELETED"]
    check(deleted, "SSE: DEVICE_DELETED dimm1", evs)
    check(any(e["event"] == "DEVICE_DELETED" for e in q.pending(1)),
          "QMP: DEVICE_DELETED")
    r = d.rest.get("/devices/dimm1")
    check(r.status == 404 and r.json["error"]["class"] == "DeviceNotFound",
          "gone after unplug", r)
    r = d.rest.delete("/devices/dimm1")
    check(r.status == 404 and r.json["error"]["class"] == "DeviceNotFound",
          "DELETE unknown device 404", r)
    r = d.rest.get("/memory-devices")
    check(r.status == 200 and r.json == [], "no memory devices left", r)

    r = d.rest.delete("/objects/mem1")
    check(r.status == 204 and r.data == b"", "DELETE /objects/mem1 204", r)
    r = d.rest.delete("/objects/mem1")
    check(r.status == 404, "DELETE unknown object 404", r)
    r = d.rest.get("/objects/mem1")
    check(r.status == 404, "object gone", r)
    sse.close()


if __name__ == "__main__":
    sys.exit(main())
