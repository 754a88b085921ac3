#!/usr/bin/env python3
"""--forward: qmachined in front of a real QEMU 7.2's QMP monitor.

Two QEMUs run with the same arguments; one is reached directly, the other
through qmachined.  The greeting and the replies to a script of commands
(with ids of every JSON type, errors, a command QEMU lacks, malformed
requests, OOB) must equal QEMU's own.  Eight clients at once, each with
its own ids, each get exactly their replies, in their order, with their
ids; a client that sends 100 commands at once gets all 100.  QEMU's
events reach every client.  When QEMU dies with a command in flight, the
waiting client gets an error carrying its id, later commands too, and
the daemon keeps serving; a new QEMU at the same socket is found again
(commands and events flow).  Attached to a QEMU that already has a
DIMM, the model catches up.  Forwarding over TCP works the same.
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import (QMACHINED, Checker, Qmp, Rest, free_port,  # noqa: E402
                      read_line, wait_for_paths)

QEMU = os.environ.get("QEMU_SYSTEM_X86_64", "qemu-system-x86_64")
ARGS = ["-machine", "pc", "-nodefaults", "-S", "-display", "none",
        "-accel", "tcg", "-m", "1G,slots=4,maxmem=8G"]

IDS = [1, -7, 2.5, 1e300, "plain", "\u00e9\u4e2d\U0001f600", "",
       None, True, [1, [2, {"a": None}]], {"nested": {"k": [1, "x"]}}]


def wait_path(path, proc):
    return wait_for_paths(proc, path)


def start_qemu(tmp, name):
    sock = os.path.join(tmp, name)
    p = subprocess.Popen([QEMU] + ARGS + [
        "-qmp", "unix:%s,server=on,wait=off" % sock],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if not wait_path(sock, p):
        raise RuntimeError("QEMU did not start")
    return p, sock


class Raw:
    """A QMP connection that reads messages as they come (events too)."""

    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.settimeout(20)
        self.s.connect(path)
        self.buf = b""
        self.greeting = self.read()

    def read(self):
        return json.loads(read_line(self))

    def send(self, data):
        self.s.sendall(data if isinstance(data, bytes) else
                       json.dumps(data).encode())

    def reply(self):
        """The next message that is not an event."""
        while True:
            m = self.read()
            if "event" not in m:
                return m

    def close(self):
        self.s.close()


def script():
    steps = [b'{"execute": "qmp_capabilities", "arguments": {"enable": ["oob"]}}']
    for i, ident in enumerate(IDS):
        cmd = ["query-status", "query-name", "query-kvm", "nosuch",
               "query-version"][i % 5]
        steps.append(json.dumps({"execute": cmd, "id": ident}).encode())
    steps += [
        b'{"execute": "device_add", "arguments": {"driver": "nosuch"}, "id": 3}',
        b'{"execute": "object-add", "arguments": {"qom-type": "memory-backend-ram", "id": "m", "size": 1048576}}',
        b'{"execute": "qom-list", "arguments": {"path": "/objects"}, "id": "l"}',
        b'{"execute": "query-status", "extra": 1, "id": 9}',
        b'[1, 2]',
        b'{"exec-oob": "migrate-pause", "id": "oob"}',
        b'{"exec-oob": "query-status", "id": "oob2"}',
        b'{"execute": "qmp_capabilities", "id": "again"}',
        b'{"execute": "query-status"}',
    ]
    return steps


def odd_qemu(path, answer):
    """A monitor that greets and negotiates like QEMU, then answers every
    command with answer(request) (a dict, or None to close): what
    qmachined makes of a QEMU it cannot read.  Serves one connection."""
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(path)
    srv.listen(1)

    def serve():
        c, _ = srv.accept()
        f = c.makefile("rwb")
        f.write(b'{"QMP": {"version": {"qemu": {"micro": 0, "minor": 2, '
                b'"major": 7}, "package": ""}, "capabilities": []}}\r\n')
        f.flush()
        for line in f:
            req = json.loads(line)
            if req.get("execute") == "qmp_capabilities":
                rsp = {"return": {}}
            else:
                rsp = answer(req)
                if rsp is None:
                    break
            if "id" in req:
                rsp["id"] = req["id"]
            f.write(json.dumps(rsp).encode() + b"\r\n")
            f.flush()
        c.close()
        srv.close()
    t = threading.Thread(target=serve, daemon=True)
    t.start()
    return t


def main():
    check = Checker()
    tmp = tempfile.mkdtemp()
    procs = []
    try:
        direct, dsock = start_qemu(tmp, "direct.sock")
        behind, bsock = start_qemu(tmp, "behind.sock")
        procs += [direct, behind]
        qsock = os.path.join(tmp, "qm.sock")
        rport = free_port()
        qm = subprocess.Popen([QMACHINED] + ARGS + [
            "--forward", "unix:" + bsock,
            "-qmp", "unix:%s,server=on,wait=off" % qsock,
            "--rest", "tcp:127.0.0.1:%d" % rport],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(qm)
        if not check(wait_path(qsock, qm), "qmachined starts forwarding"):
            return check.finish()

        # The same script straight to QEMU and through qmachined.
        a, b = Raw(dsock), Raw(qsock)
        check(a.greeting == b.greeting, "QEMU's greeting",
              (a.greeting, b.greeting))
        for step in script():
            a.send(step)
            b.send(step)
            ra, rb = a.reply(), b.reply()
            check(ra == rb, "reply to %s" % step.decode(), (ra, rb))
        a.close()
        b.close()

        # The model follows what QEMU did: no drift.
        m = Qmp(qsock, timeout=20)
        steps = [
            ("object-add", {"qom-type": "memory-backend-ram", "id": "mem1",
                            "size": 536870912}),
            ("device_add", {"driver": "pc-dimm", "id": "dimm1",
                            "memdev": "mem1"}),
            ("device_add", {"driver": "virtio-rng-pci", "id": "rng1"}),
            ("netdev_add", {"type": "user", "id": "n1"}),
            ("device_add", {"driver": "virtio-net-pci", "id": "net1",
                            "netdev": "n1", "mac": "52:54:00:00:00:01"}),
            ("device_add", {"driver": "virtio-balloon-pci", "id": "b1"}),
            ("balloon", {"value": 1073741824}),
            ("device_del", {"id": "rng1"}),
            ("device_add", {"driver": "nosuch"}),
        ]
        for name, args in steps:
            r = m.cmd(name, **args)
            check(("return" in r) == (name != "device_add" or
                                      args["driver"] != "nosuch"),
                  "%s through qmachined" % name, r)
        r = m.cmd("__org.qmachined_query-forward-drift")
        check(r.get("return", {}).get("differences") == [] and
              r["return"].get("replay-failures") == 0,
              "no drift after the hotplug steps", r)
        r = m.cmd("__org.qmachined_set-guest-policy", policy="reject")
        check("error" in r, "the guest policy is QEMU's guest's", r)
        # A change the model cannot see (HMP) shows up as drift.
        m.cmd("human-monitor-command",
              **{"command-line": "device_add virtio-rng-pci,id=hidden"})
        r = m.cmd("__org.qmachined_query-forward-drift")
        diffs = r.get("return", {}).get("differences", [])
        check([d["query"] for d in diffs] == ["query-pci"],
              "a change behind the model's back is reported", diffs)

        # REST: reads from the model, changes through QEMU.
        rest = Rest(port=rport)
        r = rest.get("/memory-devices")
        check(r.status == 200 and [d["data"]["id"] for d in r.json] ==
              ["dimm1"], "REST reads the model's DIMMs", (r.status, r.data))
        r = rest.post("/objects", {"qom-type": "memory-backend-ram",
                                          "id": "mem2", "size": 268435456})
        check(r.status in (200, 201, 204), "REST object-add", (r.status, r.data))
        r = rest.post("/devices", {"driver": "pc-dimm", "id": "dimm2",
                                          "memdev": "mem2"})
        check(r.status in (200, 201), "REST device_add", (r.status, r.data))
        r = m.cmd("query-memory-devices")
        check([d["data"]["id"] for d in r.get("return", [])] ==
              ["dimm1", "dimm2"], "the DIMM REST added is in QEMU", r)
        r = rest.post("/devices", {"driver": "pc-dimm", "id": "dimm3",
                                          "memdev": "nosuch"})
        check(r.status >= 400 and "nosuch" in r.data.decode(errors="replace"),
              "QEMU's error through REST", (r.status, r.data))
        # The page works in front of QEMU: its files, and every GET route
        # it reads, answered from the model.
        r = rest.request("GET", "~/")
        check(r.status == 200 and b"<html" in r.data.lower(),
              "the page is served in front of QEMU", r.status)
        for route in ("/machine", "/machine/guest", "/devices", "/objects",
                      "/memory-devices", "/memory/map", "/pci", "/acpi/ospm",
                      "/interrupts"):
            r = rest.get(route)
            check(r.status == 200, "GET %s in front of QEMU" % route,
                  (r.status, r.data[:200]))
        r = rest.post("/qmp", {"execute": "query-status", "id": [7]})
        check(r.status == 200 and r.json.get("id") == [7] and
              r.json.get("return", {}).get("status") == "prelaunch",
              "POST /api/v1/qmp goes to QEMU", (r.status, r.data))
        r = rest.post("/qmp",
                      {"execute": "__org.qmachined_query-forward-drift"})
        diffs = (r.json or {}).get("return", {}).get("differences")
        check([d["query"] for d in diffs or []] == ["query-pci"],
              "after REST changes, only the HMP change differs",
              (r.status, r.data[:500]))
        m.s.close()

        # Eight clients at once, each with its own ids.
        errors = []

        def client(n):
            try:
                c = Qmp(qsock, timeout=20)
                for i in range(40):
                    ident = {"client": n, "i": i, "v": IDS[i % len(IDS)]}
                    c.send({"execute": "query-status", "id": ident})
                    r = c.read()
                    while "event" in r:
                        r = c.read()
                    if r.get("id") != ident or "return" not in r:
                        errors.append((n, i, r))
                c.s.close()
            except Exception as e:  # noqa: BLE001
                errors.append((n, "exception", repr(e)))
        threads = [threading.Thread(target=client, args=(n,))
                   for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        check(errors == [], "8 clients each get their own replies",
              errors[:5])

        # One client floods 100 commands: all answered, in order.
        c = Raw(qsock)
        c.send(b'{"execute": "qmp_capabilities"}')
        c.reply()
        c.send(b"".join(json.dumps({"execute": "query-kvm", "id": i})
                        .encode() for i in range(100)))
        got = [c.reply().get("id") for _ in range(100)]
        check(got == list(range(100)), "100 at once, all in order", got[:10])

        # QEMU's events go to every client.
        listeners = [Raw(qsock) for _ in range(3)]
        for l in listeners:
            l.send(b'{"execute": "qmp_capabilities"}')
            l.reply()
        c.send(b'{"execute": "cont", "id": "go"}')
        for n, l in enumerate(listeners + [c]):
            m = l.read()
            check(m.get("event") == "RESUME", "RESUME to client %d" % n, m)
        check(c.reply() == {"return": {}, "id": "go"}, "cont's reply")

        # QEMU dies with a command in flight.
        c.send(b'{"execute": "query-qmp-schema", "id": "last"}')
        behind.send_signal(signal.SIGKILL)
        behind.wait()
        r = c.reply()
        check(r.get("id") == "last" and
              r.get("error", {}).get("class") == "GenericError",
              "the waiting command gets an error with its id", r)
        c.send(b'{"execute": "query-status", "id": "later"}')
        r = c.reply()
        check(r.get("id") == "later" and "error" in r,
              "later commands get the error too", r)
        d = Raw(qsock)
        d.send(b'{"execute": "qmp_capabilities"}')
        check(d.reply() == {"return": {}}, "the daemon still serves")
        # REST says so: the machine disconnected, the rest unavailable.
        r = rest.get("/machine")
        check(r.status == 200 and (r.json or {}).get("forward") ==
              {"qemu": "unix:" + bsock, "connected": False},
              "REST: the machine is disconnected", (r.status, r.data))
        r = rest.get("/pci")
        check(r.status == 503 and (r.json or {}).get("error", {}).get(
            "class") == "GenericError" and "closed" in
            r.json["error"]["desc"], "REST: 503 while QEMU is away",
            (r.status, r.data))

        # A new QEMU at the same socket: qmachined reconnects.
        os.unlink(bsock)
        again, _ = start_qemu(tmp, "behind.sock")
        procs.append(again)
        r = None
        for _ in range(100):
            d.send(b'{"execute": "query-status", "id": "back"}')
            r = d.reply()
            if "return" in r:
                break
            time.sleep(0.1)
        check(r == {"return": {"status": "prelaunch", "singlestep": False,
                               "running": False}, "id": "back"},
              "reconnected to the new QEMU", r)
        r = rest.get("/machine")
        check((r.json or {}).get("forward", {}).get("connected") is True,
              "REST: connected again", (r.status, r.data))
        check(rest.get("/pci").status == 200, "REST: routes answer again")
        d.send(b'{"execute": "cont"}')
        m = c.read()
        check(m.get("event") == "RESUME", "events from the new QEMU", m)
        for l in listeners + [c, d]:
            l.close()
        check(qm.poll() is None, "qmachined still runs")

        # Attaching to a QEMU that already has memory and PCI devices
        # plugged: the model catches up and shows no drift.
        pre, psock = start_qemu(tmp, "pre.sock")
        procs.append(pre)
        direct = Qmp(psock, timeout=20)
        direct.cmd("object-add", **{"qom-type": "memory-backend-ram",
                                    "id": "early", "size": 268435456})
        direct.cmd("device_add", driver="pc-dimm", id="earlydimm",
                   memdev="early")
        direct.cmd("device_add", driver="virtio-balloon-pci", id="earlyb",
                   addr="0x7")
        direct.cmd("device_add", driver="virtio-rng-pci", id="earlyr")
        # Enough that catching up takes many round trips: the first
        # client command must wait for all of them.
        early_dimms = ["earlydimm"]
        for n in range(1, 3):
            direct.cmd("object-add", **{"qom-type": "memory-backend-ram",
                                        "id": "early%d" % n,
                                        "size": 134217728})
            direct.cmd("device_add", driver="pc-dimm", id="earlydimm%d" % n,
                       memdev="early%d" % n)
            early_dimms.append("earlydimm%d" % n)
        for n in range(1, 4):
            direct.cmd("device_add", driver="virtio-rng-pci",
                       id="earlyr%d" % n)
        # Without ids (/machine/peripheral-anon).
        for n in range(3):
            direct.cmd("device_add", driver="virtio-rng-pci")
        # Other objects: their properties are read back.
        direct.cmd("object-add", **{"qom-type": "iothread", "id": "earlyio",
                                    "poll-max-ns": 1234, "aio-max-batch": 3})
        direct.cmd("object-add", **{"qom-type": "rng-random",
                                    "id": "earlyrng",
                                    "filename": "/dev/urandom"})
        direct.s.close()
        time.sleep(0.2)
        asock = os.path.join(tmp, "qm-attach.sock")
        aport = free_port()
        # No machine options: the model is QEMU's machine as its monitor
        # tells it.
        aq = subprocess.Popen([QMACHINED,
            "--forward", "unix:" + psock,
            "-qmp", "unix:%s,server=on,wait=off" % asock,
            "--rest", "tcp:127.0.0.1:%d" % aport],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(aq)
        if check(wait_path(asock, aq), "attaching to a busy QEMU"):
            g = Qmp(asock, timeout=20)
            r = g.cmd("__org.qmachined_query-forward-drift")
            check(r.get("return", {}).get("differences") == [] and
                  r["return"]["replay-failures"] == 0,
                  "the model caught up with QEMU's memory and devices", r)
            r = Rest(port=aport).post(
                "/qmp", {"execute": "__org.qmachined_query-forward-drift"})
            check(r.status == 200 and
                  (r.json or {}).get("return", {}).get("differences") == [],
                  "REST's drift query: none", (r.status, r.data))
            r = Rest(port=aport).get("/machine")
            check((r.json or {}).get("memory") == {
                "base": 1 << 30, "maxmem": 8 << 30, "slots": 4,
                "plugged": 512 << 20},
                "the model's memory is QEMU's", (r.status, r.data))
            r = Rest(port=aport).get("/objects/earlyrng")
            check(r.status == 200 and (r.json or {}).get(
                "properties", {}).get("filename") == "/dev/urandom",
                "the model has QEMU's rng-random", (r.status, r.data))
            r = Rest(port=aport).get("/memory-devices")
            check([m["data"]["id"] for m in r.json or []] == early_dimms,
                  "REST lists the DIMM QEMU had", (r.status, r.data))
            g.s.close()

        # A QEMU whose machine cannot be read (every command an error, or
        # odd values), with no machine options: a clear error, exit 1.
        for n, answer in enumerate((
                lambda r: {"error": {"class": "GenericError",
                                     "desc": "no"}},
                lambda r: {"return": {"x": [1, None]}},
                lambda r: None)):
            osock = os.path.join(tmp, "odd%d.sock" % n)
            odd_qemu(osock, answer)
            o = subprocess.run([QMACHINED, "--forward", "unix:" + osock,
                                "-qmp", "unix:%s.qm,server=on,wait=off" %
                                osock, "--rest", "unix:%s.rest" % osock],
                               capture_output=True, timeout=30)
            check(o.returncode == 1 and b"QEMU did not tell its machine "
                  b"type" in o.stderr, "an unreadable QEMU (%d): error" % n,
                  (o.returncode, o.stderr[-300:]))

        # One that answers everything with the machine type: string
        # properties get a value no machine has; qmachined says what it
        # read and that it cannot model it.
        osock = os.path.join(tmp, "odd-type.sock")
        odd_qemu(osock, lambda r: {"return": "pc-i440fx-7.2-machine"})
        o = subprocess.run([QMACHINED, "--forward", "unix:" + osock,
                            "-qmp", "unix:%s.qm,server=on,wait=off" % osock,
                            "--rest", "unix:%s.rest" % osock],
                           capture_output=True, timeout=30)
        check(o.returncode == 1 and b"cannot be modelled: -machine "
              b"pc-i440fx-7.2," in o.stderr and b"usb=" not in o.stderr,
              "odd answers: the options read, and an error",
              (o.returncode, o.stderr[-400:]))

        # One that tells its machine type and answers {} to everything
        # else: the model is that machine with QEMU's defaults, and
        # catching up survives the answers.
        osock = os.path.join(tmp, "odd-empty.sock")
        odd_qemu(osock, lambda r: {"return": "pc-i440fx-7.2-machine"}
                 if r.get("arguments", {}).get("property") == "type" and
                 r["arguments"].get("path") == "/machine"
                 else {"return": {}})
        o = subprocess.Popen([QMACHINED, "--forward", "unix:" + osock,
                              "-qmp", "unix:%s.qm,server=on,wait=off" % osock,
                              "--rest", "unix:%s.rest" % osock],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        procs.append(o)
        if check(wait_path(osock + ".qm", o), "empty answers: it starts"):
            g = Qmp(osock + ".qm", timeout=20)
            r = g.cmd("__org.qmachined_query-forward-drift")
            check("return" in r, "empty answers: the drift query answers", r)
            g.s.close()
            check(o.poll() is None, "empty answers: still running")

        # Wrapper mode by hand: QEMU under qmachined, gone with it.
        wsock = os.path.join(tmp, "qm-wrap.sock")
        # qmachined's own options (with and without an argument) are not
        # passed to QEMU, which would refuse them.
        w = subprocess.Popen([QMACHINED, "--wrap=" + shutil.which(QEMU)] +
                             ARGS + ["-qmp",
                                     "unix:%s,server=on,wait=off" % wsock,
                                     "--forward-poll-us", "500",
                                     "--forward-read-only"],
                             stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        procs.append(w)
        if check(wait_path(wsock, w), "wrapper mode starts"):
            h = Qmp(wsock, timeout=20)
            r = h.cmd("query-version")
            check(r.get("return", {}).get("package") ==
                  a.greeting["QMP"]["version"]["package"],
                  "the wrapped QEMU answers", r)
            kids = subprocess.run(["pgrep", "-P", str(w.pid)],
                                  capture_output=True, text=True).stdout.split()
            check(len(kids) == 1, "one QEMU under the wrapper", kids)
            w.kill()
            w.wait()
            gone = False
            for _ in range(100):
                try:
                    with open("/proc/%s/stat" % kids[0]) as f:
                        # A zombie is gone too (its reaper may be slow).
                        gone = f.read().split(")")[-1].split()[0] == "Z"
                except (OSError, IndexError):
                    gone = True
                if gone:
                    break
                time.sleep(0.02)
            check(gone, "QEMU ends when qmachined is killed")
            h.s.close()

        # TCP.
        port = free_port()
        t = subprocess.Popen([QEMU] + ARGS + [
            "-qmp", "tcp:127.0.0.1:%d,server=on,wait=off" % port],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(t)
        for _ in range(400):
            try:
                socket.create_connection(("127.0.0.1", port), 1).close()
                break
            except OSError:
                time.sleep(0.025)
        tsock = os.path.join(tmp, "qm-tcp.sock")
        tq = subprocess.Popen([QMACHINED] + ARGS + [
            "--forward", "tcp:127.0.0.1:%d" % port,
            "-qmp", "unix:%s,server=on,wait=off" % tsock],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        procs.append(tq)
        if check(wait_path(tsock, tq), "forwarding over TCP starts"):
            e = Raw(tsock)
            e.send(b'{"execute": "qmp_capabilities"}')
            e.reply()
            e.send(b'{"execute": "query-status", "id": {"t": 1}}')
            r = e.reply()
            check(r.get("id") == {"t": 1} and "return" in r,
                  "a command over TCP", r)
            e.close()
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
            p.wait()
        shutil.rmtree(tmp, ignore_errors=True)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
