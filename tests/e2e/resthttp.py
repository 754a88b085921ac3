"""Helpers shared by the REST end-to-end tests (tests/e2e/rest*.py):
starting a daemon, an HTTP client (TCP or unix socket), a Server-Sent
Events reader and a QMP client."""
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
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.unix_path)


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
            self.s = socket.socket(socket.AF_UNIX)
            self.s.settimeout(5)
            self.s.connect(unix)
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


class Qmp:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX)
        self.s.settimeout(5)
        self.s.connect(path)
        self.buf = b""
        self.events = []
        self.read()
        self.cmd("qmp_capabilities")

    def read(self):
        while b"\r\n" not in self.buf:
            data = self.s.recv(65536)
            if not data:
                raise EOFError
            self.buf += data
        line, self.buf = self.buf.split(b"\r\n", 1)
        return json.loads(line)

    def cmd(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.s.sendall(json.dumps(msg).encode())
        while True:
            r = self.read()
            if "event" in r:
                self.events.append(r)
            else:
                return r

    def pending(self, wait=0.3):
        self.s.settimeout(wait)
        try:
            while True:
                self.events.append(self.read())
        except (socket.timeout, TimeoutError, EOFError):
            pass
        finally:
            self.s.settimeout(5)
        ev, self.events = self.events, []
        return ev


class Daemon:
    """qmachined with a QMP unix socket, REST on TCP and a unix socket."""

    def __init__(self, extra=(), token=None, env=None):
        self.tmp = tempfile.mkdtemp()
        self.qmp_path = os.path.join(self.tmp, "qmp.sock")
        self.rest_path = os.path.join(self.tmp, "rest.sock")
        self.port = free_port()
        args = [QMACHINED, "-machine", "pc", "-nodefaults", "-S",
                "-display", "none",
                "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path,
                "--rest", "tcp:127.0.0.1:%d" % self.port,
                "--rest", "unix:%s" % self.rest_path] + list(extra)
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
            if os.path.exists(self.rest_path) and self._connectable():
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
