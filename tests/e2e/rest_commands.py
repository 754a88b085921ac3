#!/usr/bin/env python3
"""Every read-only REST view is its QMP command's reply: GET /memory/map
is __org.qmachined_query-memory-map, GET /interrupts is
__org.qmachined_query-interrupts (and /memory/slots, /memory-devices,
/pci, /acpi/ospm, /machine/guest likewise), the same value through a
QMP monitor and through POST /api/v1/qmp.  The vendor commands are listed
by query-commands, and their replies conform to the return types
query-qmp-schema gives them.

Run: QMACHINED=src/qmachined python3 tests/e2e/rest_commands.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import Checker, Daemon  # noqa: E402

VIEWS = [
    ("/memory/map", "__org.qmachined_query-memory-map"),
    ("/interrupts", "__org.qmachined_query-interrupts"),
    ("/memory/slots", "__org.qmachined_query-memslots"),
    ("/memory-devices", "query-memory-devices"),
    ("/pci", "query-pci"),
    ("/acpi/ospm", "query-acpi-ospm-status"),
    ("/machine/guest", "__org.qmachined_query-guest-policy"),
]
NEW = ["__org.qmachined_query-memory-map", "__org.qmachined_query-interrupts"]
JSON_TYPES = {"string": str, "boolean": bool, "null": type(None),
              "int": int, "number": (int, float)}
check = Checker()


def conforms(schema, name, v, where):
    """Why v does not fit schema type name (None when it does)."""
    e = schema[name]
    mt = e["meta-type"]
    if mt == "builtin":
        jt = e["json-type"]
        if jt == "value":
            return None
        ok = isinstance(v, JSON_TYPES[jt])
        if jt in ("int", "number") and isinstance(v, bool):
            ok = False
        return None if ok else "%s: %r is not %s" % (where, v, jt)
    if mt == "enum":
        return None if v in e["values"] else \
            "%s: %r not in %r" % (where, v, e["values"])
    if mt == "array":
        if not isinstance(v, list):
            return "%s: not an array" % where
        for i, x in enumerate(v):
            why = conforms(schema, e["element-type"], x, "%s[%d]" % (where, i))
            if why:
                return why
        return None
    if mt == "alternate":
        whys = [conforms(schema, m["type"], v, where) for m in e["members"]]
        return None if None in whys else " / ".join(whys)
    if mt == "object":
        if not isinstance(v, dict):
            return "%s: not an object" % where
        members = {m["name"]: m for m in e["members"]}
        for k in v:
            if k not in members:
                return "%s: member %s not in the schema" % (where, k)
        for k, m in members.items():
            if k not in v:
                if "default" not in m:
                    return "%s: member %s missing" % (where, k)
                continue
            why = conforms(schema, m["type"], v[k], where + "." + k)
            if why:
                return why
        return None
    return "%s: meta-type %s" % (where, mt)


def main():
    d = Daemon(extra=["-m", "1G,slots=2,maxmem=4G"])
    try:
        qmp = d.qmp()
        r = qmp.cmd("object-add", **{"qom-type": "memory-backend-ram",
                                     "id": "m1", "size": 1 << 30})
        check(r == {"return": {}}, "backend added", r)
        r = qmp.cmd("device_add", driver="pc-dimm", id="d1", memdev="m1")
        check(r == {"return": {}}, "DIMM plugged", r)
        r = qmp.cmd("device_add", driver="virtio-net-pci", id="n1")
        check(r == {"return": {}}, "virtio-net plugged", r)

        names = {c["name"] for c in qmp.cmd("query-commands")["return"]}
        schema = {e["name"]: e
                  for e in qmp.cmd("query-qmp-schema")["return"]}
        for cmd in NEW:
            check(cmd in names, "query-commands lists " + cmd)
            e = schema.get(cmd, {})
            check(e.get("meta-type") == "command" and "ret-type" in e,
                  "query-qmp-schema describes " + cmd, e)

        for path, cmd in VIEWS:
            rest = d.rest.get(path)
            check(rest.status == 200, "GET %s 200" % path, rest)
            mon = qmp.cmd(cmd)
            tunnel = d.rest.post("/qmp", {"execute": cmd})
            check("return" in mon and rest.json == mon["return"],
                  "GET %s == %s over QMP" % (path, cmd))
            check(tunnel.status == 200 and
                  tunnel.json == {"return": rest.json},
                  "GET %s == %s through POST /qmp" % (path, cmd))
            if cmd in NEW and cmd in schema:
                why = conforms(schema, schema[cmd]["ret-type"],
                               mon.get("return"), cmd)
                check(why is None, "%s fits its ret-type" % cmd, why)

        m = qmp.cmd(NEW[0])["return"]
        check(m["address-space"] == "memory" and
              any(x["region"] == "m1" for x in m["ranges"]),
              "the memory map shows the DIMM's backend", m["ranges"])
        i = qmp.cmd(NEW[1])["return"]
        check(len(i["pic"]) == 2 and len(i["ioapic"]["pins"]) == 24 and
              len(i["gsi"]) == 24 and i["gsi"][16]["isa-irq"] is None,
              "interrupts: 2 PICs, 24 IOAPIC pins, 24 GSIs")
        r = qmp.cmd(NEW[0], bogus=1)
        check(r.get("error", {}).get("class") == "GenericError",
              "the vendor commands take no arguments", r)
    finally:
        d.stop()
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
