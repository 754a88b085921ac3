"""Helpers shared by the end-to-end tests (tests/e2e/*.py): a check
counter, starting a daemon, an HTTP client (TCP or unix socket), a
Server-Sent Events reader, a QMP client and a qtest client."""
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

QMACHINED = os.environ.get("QMACHINED", "src/qmachined")


class Checker:
    def __init__(self):
        self.passed = self.failed = 0

    def __call__(self, cond, what, detail=None):
        if cond:
            self.passed += 1
        else:
            self.failed += 1
            print("FAIL:", what, "" if detail is None else detail)
            sys.stdout.flush()
        return cond

    def finish(self):
        print("%d passed, %d failed" % (self.passed, self.failed))
        return 1 if self.failed else 0

# Under ASan (make check-sanitize) RSS says nothing about leaks or bounds:
# its quarantine keeps freed memory.  RSS limits are checked only without.
RSS_CHECKED = not os.environ.get("QMACHINED_SANITIZED")


def rss_within(check, kib, limit_kib, what):
    """Checks an RSS figure against its bound, unless sanitized."""
    if RSS_CHECKED:
        return check(kib < limit_kib, "%s (%d KiB)" % (what, kib))
    print("not checked under a sanitizer: %s (%d KiB)" % (what, kib))
    return True


def cpu_seconds(pid):
    """User plus system CPU time of process pid, in seconds."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid):
    """Resident set size of process pid, in KiB."""
    with open("/proc/%d/status" % pid) as f:
        for ln in f:
            if ln.startswith("VmRSS:"):
                return int(ln.split()[1])
    return 0


def unix_socket(path, timeout):
    """A stream socket connected to the unix socket path."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(timeout)
    s.connect(path)
    return s


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path, timeout=10):
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self):
        self.sock = unix_socket(self.unix_path, self.timeout)


class Reply:
    def __init__(self, status, headers, data):
        self.status = status
        self.headers = headers
        self.data = data
        try:
            self.json = json.loads(data) if data else None
        except ValueError:
            self.json = None

    def error_class(self):
        try:
            return self.json["error"]["class"]
        except (TypeError, KeyError):
            return None

    def __repr__(self):
        return "<%d %r>" % (self.status, self.data[:300])


class Rest:
    def __init__(self, port=None, unix=None, token=None):
        self.port, self.unix, self.token = port, unix, token

    def conn(self):
        if self.unix:
            return UnixHTTPConnection(self.unix)
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)

    def request(self, method, path, body=None, headers=None, raw=None):
        h = dict(headers or {})
        if self.token and "Authorization" not in h:
            h["Authorization"] = "Bearer " + self.token
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
            h.setdefault("Content-Type", "application/json")
        c = self.conn()
        try:
            # "~/x" is sent as "/x"; other paths are below /api/v1.
            url = path[1:] if path.startswith("~") else "/api/v1" + path
            c.request(method, url, body=data, headers=h)
            r = c.getresponse()
            return Reply(r.status, r.headers, r.read())
        finally:
            c.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body=body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


class Sse:
    """A Server-Sent Events client speaking HTTP/1.1 (chunked)."""

    def __init__(self, port=None, unix=None, token=None):
        if unix:
            self.s = unix_socket(unix, 5)
        else:
            self.s = socket.create_connection(("127.0.0.1", port), timeout=5)
        auth = "Authorization: Bearer %s\r\n" % token if token else ""
        self.s.sendall(("GET /api/v1/events HTTP/1.1\r\nHost: x\r\n%s"
                        "Accept: text/event-stream\r\n\r\n" % auth).encode())
        self.raw = b""
        self.text = ""
        while b"\r\n\r\n" not in self.raw:
            self._recv()
        head, self.raw = self.raw.split(b"\r\n\r\n", 1)
        lines = head.decode().split("\r\n")
        self.status = int(lines[0].split()[1])
        self.headers = {k.lower(): v.strip() for k, v in
                        (x.split(":", 1) for x in lines[1:])}

    def _recv(self):
        data = self.s.recv(65536)
        if not data:
            raise EOFError
        self.raw += data

    def _dechunk(self):
        while True:
            if b"\r\n" not in self.raw:
                return
            size_line, rest = self.raw.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            if len(rest) < size + 2:
                return
            self.text += rest[:size].decode()
            self.raw = rest[size + 2:]

    def records(self, wait=2.0, until=None):
        """Collects SSE records (dicts with event/data/comment) for up to
        wait seconds, or until until(records) is true."""
        out = []
        deadline = time.time() + wait
        while time.time() < deadline:
            self._dechunk()
            while "\n\n" in self.text:
                rec, self.text = self.text.split("\n\n", 1)
                r = {}
                for line in rec.split("\n"):
                    if line.startswith(":"):
                        r["comment"] = line[1:].strip()
                    elif ":" in line:
                        k, v = line.split(":", 1)
                        r[k] = v[1:] if v.startswith(" ") else v
                if "data" in r:
                    r["data"] = json.loads(r["data"])
                out.append(r)
            if until and until(out):
                return out
            self.s.settimeout(max(0.01, deadline - time.time()))
            try:
                self._recv()
            except (socket.timeout, TimeoutError):
                break
        return out

    def events(self, wait=2.0, count=None):
        recs = self.records(wait, (lambda rs: len(
            [r for r in rs if "event" in r]) >= count) if count else None)
        return [r for r in recs if "event" in r]

    def close(self):
        self.s.close()


def wait_for_paths(proc, *paths, tries=400, step=0.025):
    """Waits until every path exists (a daemon's sockets); False if proc
    exits first or they do not appear in time."""
    for _ in range(tries):
        if all(os.path.exists(p) for p in paths):
            return True
        if proc is not None and proc.poll() is not None:
            return False
        time.sleep(step)
    return False


def read_line(conn, end=b"\r\n"):
    """The next line a client reads from its socket conn.s (what it has
    read past that line stays in conn.buf), without its end: QMP's CRLF
    unless told otherwise."""
    while end not in conn.buf:
        data = conn.s.recv(1 << 16)
        if not data:
            raise EOFError
        conn.buf += data
    line, conn.buf = conn.buf.split(end, 1)
    return line


class Qmp:
    """A QMP client on a unix socket (path) or on TCP (tcp=(host, port)).

    It reads the greeting (kept in .greeting) and, unless negotiate is
    false, leaves capabilities negotiation.  Events read while a command
    waits for its reply are queued in .events; with stamp, each one gets
    "_t", its arrival time on the monotonic clock.  timeout is the
    socket's, for every read unless one says otherwise."""

    def __init__(self, path=None, tcp=None, timeout=5, negotiate=True,
                 stamp=False):
        self.timeout = timeout
        if tcp:
            self.s = socket.create_connection(tcp, timeout=timeout)
        else:
            self.s = unix_socket(path, timeout)
        self.buf = b""
        self.events = []
        self.stamp = stamp
        self.greeting = self.read()
        if negotiate:
            self.cmd("qmp_capabilities")

    def line(self):
        """One line as sent, without its CRLF."""
        return read_line(self)

    def read(self, timeout=None):
        """The next message, waiting timeout seconds (default: the
        socket's) for it."""
        if timeout is None:
            return json.loads(self.line())
        self.s.settimeout(timeout)
        try:
            return json.loads(self.line())
        finally:
            self.s.settimeout(self.timeout)

    def send(self, data):
        """Sends bytes as they are, anything else as JSON."""
        self.s.sendall(data if isinstance(data, bytes) else
                       json.dumps(data).encode())

    def _queue(self, m):
        if self.stamp:
            m["_t"] = time.monotonic()
        self.events.append(m)

    def cmd(self, name, **args):
        """Executes name; returns its reply, queueing the events before."""
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.send(msg)
        while True:
            r = self.read()
            if "event" in r:
                self._queue(r)
            else:
                return r

    def cmd_events(self, name, **args):
        """Executes name; returns its reply and the events read before it
        (which are not queued)."""
        first = len(self.events)
        r = self.cmd(name, **args)
        ev = self.events[first:]
        del self.events[first:]
        return r, ev

    def pending(self, wait=0.3):
        """The queued events, then every message that arrives within wait
        seconds (or until the monitor closes); the queue is emptied."""
        try:
            while True:
                self.events.append(self.read(wait))
        except (socket.timeout, TimeoutError, EOFError):
            pass
        ev, self.events = self.events, []
        return ev

    def wait_events(self, count, timeout, names=None):
        """Reads events until count of them (those named in names, if
        given) are queued, or timeout seconds have passed; returns those
        events, which stay queued."""
        end = time.monotonic() + timeout
        got = [e for e in self.events if not names or e["event"] in names]
        while len(got) < count and time.monotonic() < end:
            try:
                m = self.read(max(0.01, end - time.monotonic()))
            except (socket.timeout, TimeoutError):
                break
            if "event" in m:
                self._queue(m)
                if not names or m["event"] in names:
                    got.append(m)
        return got

    def take(self):
        """The queued events; the queue is emptied."""
        ev, self.events = self.events, []
        return ev

    def close(self):
        self.s.close()


class Qtest:
    """A qtest client on a unix socket: cmd() sends a line of bytes and
    returns the next reply line as bytes; q() sends text and returns the
    reply as text, passing over asynchronous IRQ lines."""

    def __init__(self, path, timeout=10):
        self.s = unix_socket(path, timeout)
        self.buf = b""

    def line(self):
        return read_line(self, b"\n")

    def cmd(self, text):
        self.s.sendall(text + b"\n")
        return self.line()

    def q(self, line):
        self.s.sendall(line.encode() + b"\n")
        while True:
            r = self.line().decode().strip()
            if not r.startswith("IRQ"):
                return r

    def inl(self, port):
        return int(self.q("inl 0x%x" % port).split()[1], 16)

    def inb(self, port):
        return int(self.q("inb 0x%x" % port).split()[1], 16)

    def cfg(self, devfn, off):
        """A PCI config dword of bus 0 through ports 0xcf8/0xcfc."""
        self.q("outl 0xcf8 0x%x" % (0x80000000 | devfn << 8 | off))
        return self.inl(0xcfc)

    def close(self):
        self.s.close()


class Daemon:
    """qmachined with a QMP unix socket, REST on TCP and a unix socket."""

    def __init__(self, extra=(), token=None, env=None, qtest=False):
        self.tmp = tempfile.mkdtemp()
        self.qmp_path = os.path.join(self.tmp, "qmp.sock")
        self.rest_path = os.path.join(self.tmp, "rest.sock")
        self.port = free_port()
        args = [QMACHINED, "-machine", "pc", "-nodefaults", "-S",
                "-display", "none",
                "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path,
                "--rest", "tcp:127.0.0.1:%d" % self.port,
                "--rest", "unix:%s" % self.rest_path] + list(extra)
        self.qtest_path = None
        if qtest:
            self.qtest_path = os.path.join(self.tmp, "qtest.sock")
            args += ["-qtest", "unix:%s,server=on,wait=off" % self.qtest_path]
        if token:
            tf = os.path.join(self.tmp, "token")
            with open(tf, "w") as f:
                f.write(token + "\n")
            args += ["--rest-token-file", tf]
        e = dict(os.environ)
        e.update(env or {})
        self.proc = subprocess.Popen(args, env=e)
        self.token = token
        for _ in range(400):
            if os.path.exists(self.rest_path) and self._connectable() and \
                    (not qtest or os.path.exists(self.qtest_path)):
                break
            if self.proc.poll() is not None:
                raise RuntimeError("qmachined exited with %d"
                                   % self.proc.returncode)
            time.sleep(0.025)
        self.rest = Rest(port=self.port, token=token)
        self.urest = Rest(unix=self.rest_path, token=token)

    def _connectable(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), 1).close()
            return True
        except OSError:
            return False

    def sse(self):
        return Sse(port=self.port, token=self.token)

    def qmp(self):
        return Qmp(self.qmp_path)

    def qtest(self):
        return Qtest(self.qtest_path)

    def fd_count(self):
        return len(os.listdir("/proc/%d/fd" % self.proc.pid))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                return self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                return None
        return self.proc.returncode
