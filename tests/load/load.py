#!/usr/bin/env python3
"""Bounded load test of qmachined: QMP, REST and SSE clients at once.

One qmachined (QMP on a unix socket, REST on a free 127.0.0.1 port, 256
DIMM slots, --guest linux) and, in one asyncio process:

  * QMP clients, each doing DIMM hotplug cycles with its own ids
    (object-add memory-backend-ram, device_add pc-dimm, wait for the
    guest's insert _OST, device_del, wait for DEVICE_DELETED, object-del),
    every few cycles a PCI cycle (device_add virtio-rng-pci, device_del,
    DEVICE_DELETED) and a query;
  * REST clients doing the same through the routes (POST /objects,
    POST /devices, DELETE /devices/ID, GET /devices/ID until 404,
    DELETE /objects/ID) on keep-alive connections, with GETs between;
  * SSE clients on GET /api/v1/events, counting events;
  * a reference QMP monitor recording every event emitted;
  * "dying" clients: they connect, send half a JSON message or half an
    HTTP request (request line, or headers and part of the body), or a
    full request whose reply they never read, or subscribe to events and
    never read them, then close.

Every reply is checked: success where success is due, and only
explained errors otherwise (a PCI device_add finding every slot taken).
Anything else is an unexpected error.

At the end (all clients gone) it prints the figures and exits 1 unless:
0 unexpected errors; every SSE client received exactly the reference
monitor's events, in order and byte for byte; the daemon's open fds are
back to their start value; VmRSS is within 2x of its start value; the
machine has no DIMM, backend or device left; the daemon is still alive
and exits 0 on quit.  RSS is read (VmRSS, VmHWM for the peak) after
start-up and 1.5 s after the clients left; fds (/proc/PID/fd) before the
first client and after the last one closed (allowing 2 s).  Figures and
findings: docs/RELIABILITY.md.

  load.py [--qmachined PATH] [--duration S] [--qmp N] [--rest N] [--sse N]
          [--quick] [--fds check|report] [--no-http-half] [--hold S]
"""
import argparse
import array
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "e2e"))
from resthttp import free_port  # noqa: E402

MIB = 1 << 20
DIMM_SIZE = 128 * MIB
EVENT_TIMEOUT = 15.0       # a hotplug event that takes longer is lost
REPLY_TIMEOUT = 15.0
SAMPLES = 5                # unexpected errors printed in full


class Stats:
    def __init__(self):
        self.ok = {}             # what -> count
        self.expected = {}       # explanation -> count
        self.unexpected = []     # (who, what, detail)
        self.unexpected_n = 0
        self.cycles = {"qmp-dimm": 0, "qmp-pci": 0, "rest-dimm": 0,
                       "rest-pci": 0}
        self.dying = {}

    def good(self, what):
        self.ok[what] = self.ok.get(what, 0) + 1

    def expect(self, why):
        self.expected[why] = self.expected.get(why, 0) + 1

    def bad(self, who, what, detail):
        self.unexpected_n += 1
        if len(self.unexpected) < SAMPLES:
            self.unexpected.append((who, what, str(detail)[:400]))


ST = Stats()


def explained_error(desc):
    """The errors a correct daemon gives this load: with one cycle at a
    time per client and ids of its own, only running out of PCI slots
    (30 slots on bus 0, more clients than that)."""
    if desc.startswith("PCI: no slot/function available for "):
        return "PCI bus full (device_add virtio-rng-pci)"
    return None


# ---------------------------------------------------------------- QMP


class QmpClient:
    """A QMP connection.  Replies go to the one command in flight; an
    event is parsed only if it contains this client's id tag (every
    monitor gets every event: the others are skipped unparsed)."""

    def __init__(self, tag=None, record=None):
        self.tag = tag.encode() if tag else None
        self.record = record          # array: crc32 of every event line
        self.reply = None
        self.events = []
        self.new_event = None
        self.eof = False

    async def open(self, path):
        self.r, self.w = await asyncio.open_unix_connection(path)
        self.new_event = asyncio.Event()
        self.greeting = None
        self.reader = asyncio.ensure_future(self._read())
        self.reply = asyncio.get_event_loop().create_future()
        self.greeting = await asyncio.wait_for(self.reply, REPLY_TIMEOUT)
        r = await self.cmd("qmp_capabilities")
        if r != {"return": {}}:
            raise RuntimeError("qmp_capabilities: %r" % r)

    async def _read(self):
        buf = b""
        try:
            while True:
                data = await self.r.read(262144)
                if not data:
                    break
                buf += data
                k = buf.rfind(b"\r\n")
                if k < 0:
                    continue
                done, buf = buf[:k], buf[k + 2:]
                if self.record is None and self.tag not in done and \
                        b'{"return' not in done and \
                        b'{"error' not in done and b'{"QMP' not in done:
                    continue          # nothing but other clients' events
                mine = False
                for line in done.split(b"\r\n"):
                    if line.startswith(b'{"timestamp"'):
                        if self.record is not None:
                            self.record.append(zlib.crc32(line))
                        if self.tag is not None and self.tag in line:
                            self.events.append(json.loads(line))
                            mine = True
                    elif self.reply is not None and not self.reply.done():
                        self.reply.set_result(json.loads(line))
                    else:
                        ST.bad(self.tag, "reply with no command", line)
                if mine:
                    self.new_event.set()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self.eof = True
            if self.reply is not None and not self.reply.done():
                self.reply.set_exception(EOFError("connection closed"))
            if self.new_event is not None:
                self.new_event.set()

    async def cmd(self, name, args=None):
        msg = {"execute": name}
        if args is not None:
            msg["arguments"] = args
        self.reply = asyncio.get_event_loop().create_future()
        self.w.write(json.dumps(msg).encode())
        return await asyncio.wait_for(self.reply, REPLY_TIMEOUT)

    async def wait_event(self, match):
        """Waits for (and consumes) this client's event match(ev)."""
        deadline = time.monotonic() + EVENT_TIMEOUT
        while True:
            for i, ev in enumerate(self.events):
                if match(ev):
                    del self.events[i]
                    return ev
            left = deadline - time.monotonic()
            if left <= 0 or self.eof:
                return None
            self.new_event.clear()
            try:
                await asyncio.wait_for(self.new_event.wait(), left)
            except asyncio.TimeoutError:
                return None

    async def close(self):
        self.w.close()
        self.reader.cancel()
        try:
            await self.reader
        except BaseException:
            pass


def ost_insert(dev):
    def m(ev):
        if ev.get("event") != "ACPI_DEVICE_OST":
            return False
        info = ev["data"]["info"]
        return info.get("device") == dev and info.get("source") == 1
    return m


def deleted(dev):
    def m(ev):
        return ev.get("event") == "DEVICE_DELETED" and \
            ev["data"].get("device") == dev
    return m


async def qmp_client(o, n, end):
    who = "qmp%d" % n
    tag = "q%d-" % n
    c = QmpClient(tag)
    try:
        await c.open(o.qmp_path)
    except Exception as e:
        ST.bad(who, "connect", repr(e))
        return

    async def ok(name, args=None):
        r = await c.cmd(name, args)
        if "return" in r:
            ST.good("qmp " + name)
            return True
        why = explained_error(r["error"]["desc"])
        if why:
            ST.expect(why)
        else:
            ST.bad(who, "%s %s" % (name, json.dumps(args)), r)
        return False

    i = 0
    try:
        while time.monotonic() < end:
            i += 1
            mem, dimm = "%sm%d" % (tag, i), "%sd%d" % (tag, i)
            if await ok("object-add", {"qom-type": "memory-backend-ram",
                                       "id": mem, "size": DIMM_SIZE}):
                if await ok("device_add", {"driver": "pc-dimm", "id": dimm,
                                           "memdev": mem}):
                    if not await c.wait_event(ost_insert(dimm)):
                        ST.bad(who, "ACPI_DEVICE_OST insert %s" % dimm,
                               "not received")
                    if await ok("device_del", {"id": dimm}):
                        if not await c.wait_event(deleted(dimm)):
                            ST.bad(who, "DEVICE_DELETED %s" % dimm,
                                   "not received")
                await ok("object-del", {"id": mem})
                ST.cycles["qmp-dimm"] += 1
            if i % 4 == 0:
                dev = "%sp%d" % (tag, i)
                if await ok("device_add", {"driver": "virtio-rng-pci",
                                           "id": dev}):
                    if await ok("device_del", {"id": dev}):
                        if not await c.wait_event(deleted(dev)):
                            ST.bad(who, "DEVICE_DELETED %s" % dev,
                                   "not received")
                    ST.cycles["qmp-pci"] += 1
            if i % 8 == 0:
                await ok(("query-memory-devices", "query-pci",
                          "query-acpi-ospm-status")[i // 8 % 3])
    except Exception as e:
        ST.bad(who, "cycle %d" % i, repr(e))
    await c.close()


# ---------------------------------------------------------------- HTTP


class Http:
    """A keep-alive HTTP/1.1 client connection."""

    def __init__(self, port):
        self.port = port
        self.r = self.w = None

    async def request(self, method, path, body=None):
        if self.w is None:
            self.r, self.w = await asyncio.open_connection("127.0.0.1",
                                                           self.port)
        data = b"" if body is None else json.dumps(body).encode()
        head = "%s /api/v1%s HTTP/1.1\r\nHost: 127.0.0.1\r\n" % (method, path)
        if body is not None:
            head += "Content-Type: application/json\r\n"
        if body is not None or method in ("POST", "PUT"):
            head += "Content-Length: %d\r\n" % len(data)
        self.w.write(head.encode() + b"\r\n" + data)
        return await asyncio.wait_for(self._response(), REPLY_TIMEOUT)

    async def _response(self):
        head = await self.r.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        h = {}
        for line in lines[1:]:
            if ":" in line:
                k, v = line.split(":", 1)
                h[k.strip().lower()] = v.strip()
        if "content-length" in h:
            body = await self.r.readexactly(int(h["content-length"]))
        elif h.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int((await self.r.readuntil(b"\r\n")).split(b";")[0],
                           16)
                chunk = await self.r.readexactly(size + 2)
                if size == 0:
                    break
                body += chunk[:-2]
        else:
            body = b""
        if h.get("connection", "").lower() == "close":
            self.close()
        try:
            js = json.loads(body) if body else None
        except ValueError:
            js = None
        return status, js, body

    def close(self):
        if self.w is not None:
            self.w.close()
        self.r = self.w = None


async def rest_client(o, n, end):
    who = "rest%d" % n
    tag = "r%d-" % n
    h = Http(o.port)

    async def req(method, path, body, want):
        status, js, raw = await h.request(method, path, body)
        if status in want:
            ST.good("rest %s %d" % (method, status))
            return status
        why = None
        if isinstance(js, dict) and isinstance(js.get("error"), dict):
            why = explained_error(js["error"].get("desc", ""))
        if why and status == 400:
            ST.expect(why)
        else:
            ST.bad(who, "%s %s %s" % (method, path, json.dumps(body)),
                   "%d %r" % (status, raw[:300]))
        return None

    async def gone(path):
        """GET until 404: the guest ejects, the device leaves."""
        deadline = time.monotonic() + EVENT_TIMEOUT
        while time.monotonic() < deadline:
            status, js, raw = await h.request("GET", path)
            if status == 404:
                ST.good("rest GET 404 (gone)")
                return True
            if status != 200:
                ST.bad(who, "GET " + path, "%d %r" % (status, raw[:300]))
                return False
            await asyncio.sleep(0.002)
        ST.bad(who, "DELETE " + path, "device still there after %.0f s"
               % EVENT_TIMEOUT)
        return False

    gets = ["/machine", "/memory-devices", "/devices", "/objects", "/pci",
            "/acpi/ospm", "/interrupts", "/machine/guest"]
    i = 0
    try:
        while time.monotonic() < end:
            i += 1
            mem, dimm = "%sm%d" % (tag, i), "%sd%d" % (tag, i)
            if await req("POST", "/objects",
                         {"qom-type": "memory-backend-ram", "id": mem,
                          "size": DIMM_SIZE}, (201,)):
                if await req("POST", "/devices",
                             {"driver": "pc-dimm", "id": dimm,
                              "memdev": mem}, (201,)):
                    if await req("DELETE", "/devices/" + dimm, None,
                                 (202, 204)):
                        await gone("/devices/" + dimm)
                await req("DELETE", "/objects/" + mem, None, (204,))
                ST.cycles["rest-dimm"] += 1
            if i % 4 == 0:
                dev = "%sp%d" % (tag, i)
                if await req("POST", "/devices",
                             {"driver": "virtio-rng-pci", "id": dev},
                             (201,)):
                    if await req("DELETE", "/devices/" + dev, None,
                                 (202, 204)):
                        await gone("/devices/" + dev)
                    ST.cycles["rest-pci"] += 1
            await req("GET", gets[i % len(gets)], None, (200,))
            if i % 8 == 0:
                status, js, raw = await h.request(
                    "POST", "/qmp", {"execute": "query-status"})
                if status == 200 and isinstance(js, dict) and \
                        js.get("return", {}).get("status") == "running":
                    ST.good("rest POST /qmp")
                else:
                    ST.bad(who, "POST /qmp query-status",
                           "%d %r" % (status, raw[:300]))
    except Exception as e:
        ST.bad(who, "cycle %d" % i, repr(e))
    h.close()


# ---------------------------------------------------------------- SSE


class SseClient:
    def __init__(self, port):
        self.port = port
        self.record = array.array("L")
        self.status = None

    async def open(self):
        self.r, self.w = await asyncio.open_connection("127.0.0.1",
                                                       self.port)
        self.w.write(b"GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Accept: text/event-stream\r\n\r\n")
        head = await asyncio.wait_for(self.r.readuntil(b"\r\n\r\n"),
                                      REPLY_TIMEOUT)
        self.status = int(head.split(b" ", 2)[1])
        self.task = asyncio.ensure_future(self._read())

    async def _read(self):
        raw = b""
        text = b""
        rec = self.record
        try:
            while True:
                data = await self.r.read(262144)
                if not data:
                    break
                raw += data
                # De-chunk what is complete.
                pos = 0
                parts = []
                while True:
                    nl = raw.find(b"\r\n", pos)
                    if nl < 0:
                        break
                    size = int(raw[pos:nl].split(b";")[0], 16)
                    if len(raw) < nl + 2 + size + 2:
                        break
                    parts.append(raw[nl + 2:nl + 2 + size])
                    pos = nl + 2 + size + 2
                raw = raw[pos:]
                text += b"".join(parts)
                records = text.split(b"\n\n")
                text = records.pop()
                for r in records:
                    k = r.find(b"data: ")
                    if k >= 0 and r.startswith(b"event: "):
                        rec.append(zlib.crc32(r[k + 6:]))
        except (ConnectionError, asyncio.CancelledError):
            pass
        self.eof = True

    async def close(self):
        self.w.close()
        self.task.cancel()
        try:
            await self.task
        except BaseException:
            pass


# ---------------------------------------------------------------- dying


async def dying_clients(o, end):
    """Clients that go away mid-message, or with replies unread."""
    kinds = [
        ("qmp: half a JSON message, close", "qmp",
         b'{"execute": "query-sta', True),
        ("qmp: greeting unread, close", "qmp", None, False),
        ("qmp: query-qmp-schema + query-pci, replies unread, close", "qmp",
         b'{"execute": "query-qmp-schema"}{"execute": "query-pci"}', True),
        ("qmp: half a string in arguments, close", "qmp",
         b'{"execute": "object-add", "arguments": {"id": "x\\u00', True),
        ("http: half a request line, close", "http",
         b"GET /api/v1/mach", None),
        ("http: headers, half the body, close", "http",
         b"POST /api/v1/objects HTTP/1.1\r\nHost: x\r\n"
         b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
         b'{"qom-type": "memory-b', None),
        ("http: GET /openapi.json, reply unread, close", "http",
         b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: x\r\n\r\n", None),
        ("http: connect, close", "http", b"", None),
        ("sse: subscribe, events unread, close", "http",
         b"GET /api/v1/events HTTP/1.1\r\nHost: x\r\n\r\n", None),
    ]
    if o.no_http_half:
        kinds = [k for k in kinds if "half" not in k[0] or k[1] != "http"]
    i = 0
    while time.monotonic() < end:
        name, proto, data, negotiate = kinds[i % len(kinds)]
        i += 1
        try:
            if proto == "qmp":
                r, w = await asyncio.open_unix_connection(o.qmp_path)
                if data is not None:
                    await asyncio.wait_for(r.readuntil(b"\r\n"),
                                           REPLY_TIMEOUT)
                    if negotiate:
                        w.write(b'{"execute": "qmp_capabilities"}')
                        await asyncio.wait_for(r.readuntil(b"\r\n"),
                                               REPLY_TIMEOUT)
                    w.write(data)
                    await w.drain()
            else:
                r, w = await asyncio.open_connection("127.0.0.1", o.port)
                w.write(data)
                await w.drain()
            await asyncio.sleep(0.05)     # events/replies pile up unread
            w.close()
            ST.dying[name] = ST.dying.get(name, 0) + 1
        except Exception as e:
            ST.bad("dying", name, repr(e))
        await asyncio.sleep(max(0, min(o.dying_interval,
                                       end - time.monotonic())))


# ---------------------------------------------------------------- daemon


def proc_status(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return None


def cpu_seconds(pid):
    """User + system CPU time the process has used."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fd_count(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


TCP_STATES = {"01": "ESTABLISHED", "06": "TIME_WAIT", "07": "CLOSE",
              "08": "CLOSE_WAIT", "0A": "LISTEN"}


def socket_states():
    """inode -> description, from /proc/net/tcp and /proc/net/unix."""
    out = {}
    try:
        with open("/proc/net/tcp") as f:
            for line in list(f)[1:]:
                x = line.split()
                port = int(x[1].split(":")[1], 16)
                peer = int(x[2].split(":")[1], 16)
                out[x[9]] = "tcp :%d <-> :%d %s" % (
                    port, peer, TCP_STATES.get(x[3], x[3]))
        with open("/proc/net/unix") as f:
            for line in list(f)[1:]:
                x = line.split()
                out[x[6]] = "unix %s" % (x[7] if len(x) > 7 else "(peer)")
    except OSError:
        pass
    return out


def fd_list(pid):
    out = []
    states = socket_states()
    for fd in sorted(os.listdir("/proc/%d/fd" % pid), key=int):
        try:
            link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if link.startswith("socket:["):
            link += " " + states.get(link[8:-1], "?")
        out.append("%s -> %s" % (fd, link))
    return out


def start_daemon(o):
    o.tmp = tempfile.mkdtemp(prefix="qm-load-")
    o.qmp_path = os.path.join(o.tmp, "qmp.sock")
    o.port = free_port()
    argv = [o.qmachined, "-machine", "pc", "-nodefaults", "-display", "none",
            "-m", "1G,slots=256,maxmem=512G", "--guest", "linux",
            "-qmp", "unix:%s,server=on,wait=off" % o.qmp_path,
            "--rest", "tcp:127.0.0.1:%d" % o.port]
    o.stderr = open(os.path.join(o.tmp, "stderr"), "w+")
    p = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=o.stderr,
                         start_new_session=True)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if p.poll() is not None:
            raise RuntimeError("qmachined exited with %d" % p.returncode)
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(o.qmp_path)
            s.close()
            socket.create_connection(("127.0.0.1", o.port), 1).close()
            break
        except OSError:
            time.sleep(0.02)
    time.sleep(0.3)            # the probe connections are gone
    return p, " ".join(argv)


async def settle_fds(pid, want, wait):
    deadline = time.monotonic() + wait
    n = fd_count(pid)
    while n != want and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        n = fd_count(pid)
    return n


async def run(o, p):
    pid = p.pid
    fd_start = fd_count(pid)
    rss_start = proc_status(pid, "VmRSS")
    cpu_start = cpu_seconds(pid)
    ref = QmpClient(record=array.array("L"))
    await ref.open(o.qmp_path)
    sses = [SseClient(o.port) for _ in range(o.sse)]
    for s in sses:
        await s.open()
        if s.status != 200:
            ST.bad("sse", "GET /events", s.status)
    t0 = time.monotonic()
    end = t0 + o.duration
    tasks = [asyncio.ensure_future(qmp_client(o, i, end))
             for i in range(o.qmp)]
    tasks += [asyncio.ensure_future(rest_client(o, i, end))
              for i in range(o.rest)]
    tasks.append(asyncio.ensure_future(dying_clients(o, end)))
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - t0
    cpu = cpu_seconds(pid) - cpu_start
    # Quiescent: one more command through the reference monitor, after
    # which every event has been written to every subscriber.
    r = await ref.cmd("query-memory-devices")
    leftovers = {"memory-devices": r.get("return")}
    r = await ref.cmd("qom-list", {"path": "/objects"})
    leftovers["objects"] = sorted(x["name"] for x in r.get("return", [])
                                  if x["name"].startswith(("q", "r")))
    r = await ref.cmd("qom-list", {"path": "/machine/peripheral"})
    leftovers["devices"] = sorted(x["name"] for x in r.get("return", [])
                                  if x["type"].startswith("child<"))
    await asyncio.sleep(0.5)
    for s in sses:
        await s.close()
    await ref.close()
    fd_end = await settle_fds(pid, fd_start, o.settle)
    rss_left = proc_status(pid, "VmRSS")
    await asyncio.sleep(o.idle)
    rss_end = proc_status(pid, "VmRSS")
    rss_peak = proc_status(pid, "VmHWM")
    return dict(fd_start=fd_start, fd_end=fd_end, rss_start=rss_start,
                rss_end=rss_end, rss_left=rss_left, rss_peak=rss_peak,
                elapsed=elapsed, cpu=cpu, ref=ref, sses=sses, leftovers=leftovers)


def stop_daemon(o, p):
    """quit over a fresh QMP connection; the exit status must be 0."""
    try:
        s = socket.socket(socket.AF_UNIX)
        s.settimeout(5)
        s.connect(o.qmp_path)
        s.sendall(b'{"execute": "qmp_capabilities"}{"execute": "quit"}')
        return p.wait(10)
    except Exception:
        if p.poll() is None:
            p.kill()
            p.wait()
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--qmachined", default=os.environ.get(
        "QMACHINED", "src/qmachined"))
    ap.add_argument("--duration", type=float)
    ap.add_argument("--qmp", type=int, help="QMP clients (64)")
    ap.add_argument("--rest", type=int, help="REST clients (64)")
    ap.add_argument("--sse", type=int, help="SSE clients (16)")
    ap.add_argument("--dying-interval", type=float, default=0.02,
                    help="pause between dying clients (s)")
    ap.add_argument("--settle", type=float, default=2.0,
                    help="time allowed for fds to return (s)")
    ap.add_argument("--idle", type=float, default=1.5,
                    help="idle time before the end RSS is read (s)")
    ap.add_argument("--no-http-half", action="store_true",
                    help="no dying HTTP clients with half a request")
    ap.add_argument("--fds", choices=("check", "report"), default="check",
                    help="report: fds not back to the start value are "
                    "printed but do not fail the run")
    ap.add_argument("--hold", type=float, default=0,
                    help="keep the daemon this long after the clients "
                    "leave, to inspect it (s)")
    ap.add_argument("--quick", action="store_true",
                    help="defaults of 5 s, 8 QMP, 8 REST, 4 SSE clients")
    o = ap.parse_args()
    for k, full, quick in (("duration", 60, 5), ("qmp", 64, 8),
                           ("rest", 64, 8), ("sse", 16, 4)):
        if getattr(o, k) is None:
            setattr(o, k, quick if o.quick else full)
    # Killed (make check's or timeout's SIGTERM): the daemon, in its own
    # session, goes too.
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    p, cmdline = start_daemon(o)
    failed = []
    try:
        res = asyncio.get_event_loop().run_until_complete(run(o, p))
        alive = p.poll() is None
        fds_at_end = fd_list(p.pid) if alive else []
        if o.hold and alive:
            print("holding qmachined (pid %d) for %g s" % (p.pid, o.hold))
            sys.stdout.flush()
            time.sleep(o.hold)
        status = stop_daemon(o, p) if alive else p.returncode
    except BaseException:
        if p.poll() is None:
            p.kill()
            p.wait()
        o.stderr.seek(0)
        sys.stderr.write(o.stderr.read()[-4000:])
        shutil.rmtree(o.tmp, ignore_errors=True)
        raise
    o.stderr.seek(0)
    daemon_err = o.stderr.read()
    shutil.rmtree(o.tmp, ignore_errors=True)

    ref = list(res["ref"].record)
    print("qmachined: %s" % cmdline)
    print("clients: %d QMP, %d REST, %d SSE, 1 reference monitor, "
          "%.1f s" % (o.qmp, o.rest, o.sse, res["elapsed"]))
    print("cycles: " + ", ".join("%s %d" % kv for kv in
                                 sorted(ST.cycles.items())) +
          " (%.0f DIMM cycles/s)" % ((ST.cycles["qmp-dimm"] +
                                      ST.cycles["rest-dimm"]) /
                                     res["elapsed"]))
    print("requests ok: %d; qmachined CPU %.1f s (%.0f%% of one core)" % (
        sum(ST.ok.values()), res["cpu"], 100 * res["cpu"] / res["elapsed"]))
    print("dying clients: %d (%s)" % (sum(ST.dying.values()), "; ".join(
        "%s: %d" % kv for kv in sorted(ST.dying.items()))))
    print("expected errors: %d %s" % (sum(ST.expected.values()),
                                      ST.expected or ""))
    print("unexpected errors: %d" % ST.unexpected_n)
    for who, what, detail in ST.unexpected:
        print("  %s: %s: %s" % (who, what, detail))
    if ST.unexpected_n:
        failed.append("unexpected errors")
    print("events emitted (reference monitor): %d" % len(ref))
    lost = 0
    for i, s in enumerate(res["sses"]):
        got = list(s.record)
        if got != ref:
            lost += 1
            k = next((j for j, (a, b) in enumerate(zip(got, ref)) if a != b),
                     min(len(got), len(ref)))
            print("  SSE client %d: %d events, differs from the reference "
                  "from event %d" % (i, len(got), k))
    counts = sorted({len(s.record) for s in res["sses"]})
    print("events received per SSE client: %s%s" % (
        counts, "" if lost else " (all identical to the reference)"))
    if lost or not ref:
        failed.append("SSE events differ from the emitted ones"
                      if ref else "no events emitted")
    print("RSS: start %d KiB, peak %d KiB, when the clients had left %d "
          "KiB, %.1f s later %d KiB (end/start %.2f)" % (
              res["rss_start"], res["rss_peak"], res["rss_left"], o.idle,
              res["rss_end"], res["rss_end"] / res["rss_start"]))
    if os.environ.get("QMACHINED_SANITIZED"):
        print("RSS not checked under a sanitizer (ASan keeps freed memory)")
    elif res["rss_end"] > 2 * res["rss_start"]:
        failed.append("RSS at the end over 2x the start")
    print("fds: start %d, after all clients closed %d" % (
        res["fd_start"], res["fd_end"]))
    if res["fd_end"] != res["fd_start"]:
        if o.fds == "check":
            failed.append("fds not back to the start value")
        else:
            print("  (reported only: --fds report)")
        for line in fds_at_end:
            print("  " + line)
    lo = res["leftovers"]
    print("left over: %d memory devices, objects %s, devices %s" % (
        len(lo["memory-devices"] or []), lo["objects"], lo["devices"]))
    if lo["memory-devices"] or lo["objects"] or lo["devices"]:
        failed.append("hotplugged things left over")
    print("daemon: %s, exit status on quit %s" % (
        "alive" if alive else "DIED (%s)" % p.returncode, status))
    if status != 0:
        failed.append("daemon died or did not exit 0")
    if daemon_err.strip():
        print("daemon stderr:\n" + daemon_err[-2000:])
    if failed:
        print("FAIL: " + "; ".join(failed))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
