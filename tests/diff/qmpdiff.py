#!/usr/bin/env python3
"""qmpdiff: play one script against QEMU and against qmachined, compare live.

Usage:
    python3 tests/diff/qmpdiff.py [--qemu PATH] [--qmachined PATH]
                                  [--self-test] [-v] [--timeout S]
                                  [--reply-timeout S] SCRIPT...
    python3 tests/diff/qmpdiff.py --explore SECONDS SCRIPT...

Both programs are started, each in its own temporary directory, with the
script's machine arguments followed by

    -S -display none -accel tcg
    -qmp unix:DIR/qmp.sock,server=on,wait=off
    -qtest unix:DIR/qtest.sock,server=on,wait=off

Every step of the script is played on both sides and the replies are
compared; a mismatch is printed with the step number, the script line and
what each side answered.  The last line of output is "N passed, N failed"
(counting steps).  Exit status: 0 all passed, 1 something failed, 77 skipped
(only when qemu-system-x86_64 cannot be found and QMPDIFF_ALLOW_SKIP=1).

--self-test plays the script against a second QEMU instead of qmachined,
which checks that a script is meaningful and deterministic.  -v shows every
step with both sides' records.  --explore runs QEMU alone and prints all it
sends within SECONDS after each qmp/raw step, ignoring reply counts: a help
for finding out how many replies a raw step produces (not a test).

Defaults: QEMU is qemu-system-x86_64 from PATH; qmachined is $QMACHINED, or
src/qmachined below $builddir (or below the current directory).

Script format (one step per line; blank lines and lines starting with '#'
are ignored; leading and trailing white space of a line is dropped):

  args: ARGS         machine arguments, split like a shell would (quotes
                     allowed); only as the first non-comment line.  Default:
                     -machine pc -nodefaults
  greeting           compare the QMP greeting read when connecting
  qmp: TEXT          send TEXT plus "\\n" on QMP, read until one reply
                     (a message with "return" or "error") arrives
  raw[N]: BYTES      send BYTES (Python bytes escapes: \\xHH \\n \\r \\t \\\\
                     \\' \\"; write a space at either end as \\x20), then read
                     until N replies arrived (N may be 0)
  raw[N] xK: BYTES   the same with BYTES repeated K times (for inputs too
                     long to write out, such as deep nesting)
  qtest: LINE        send LINE plus "\\n" on the qtest socket, read until a
                     line starting with OK, FAIL or ERR arrives
  event: NAME        read QMP messages until the event NAME arrives
  flatview: AS [P..] HMP `info mtree -f`, comparing only the FlatView of
                     address space AS (root line and ranges); with
                     prefixes P, only ranges of regions named P...
  reconnect          close the QMP connection, open a new one and compare
                     the new greeting
  eof                read QMP messages until the server closes the connection
  wait-exit          wait until the program exits; compare exit statuses
  sleep: MS          pause both sides for MS milliseconds (not a step)
  ignore-keys: K...  from here on, drop members named K (at any depth) from
                     QMP messages before comparing; "ignore-keys:" with no
                     names ends that (not a step)

Everything read during a step is compared, in order: QMP events that arrive
while waiting for a reply, "IRQ raise/lower N" lines on qtest, and so on.
A step that times out (10 s per read; see --reply-timeout) or meets an
unexpected end of connection fails on that side, and the rest of the script
is not run (those steps count as failed).

Comparison: QMP messages are parsed as JSON and compared as values (member
order does not matter, but types do: 1, 1.0 and true all differ; duplicate
members are an error).  Each QMP line must end in "\\r\\n".  Normalisation is
kept to a minimum:
  - an event's "timestamp" member is replaced by a placeholder when it is an
    object with integer "seconds" and "microseconds" (anything else stays
    and shows up as a difference);
  - the package string each side announces in its greeting
    (QMP.version.package) is replaced by "<package>" wherever it occurs
    inside a string of a QMP message (greeting, query-version, HMP
    "info version").  qmachined should therefore announce a distinctive
    package string (say "qmachined 0.1"), not a short or empty one;
  - each side's own temporary directory (where its QMP and qtest sockets
    are) is replaced by "<dir>" inside strings (query-chardev filenames).
qtest lines are compared byte for byte.  At the end of the script (unless
the connection was closed) the runner sends {"execute": "query-status",
"id": "qmpdiff-sync"} and reads up to its reply: any reply before it was
left unread by the script and counts as a failure (unread events are not
looked at).
"""

import argparse
import codecs
import json
import os
import select
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

DEFAULT_ARGS = "-machine pc -nodefaults"
SOCKET_TIMEOUT = 10.0
EVENT_TIMEOUT = 5.0
SYNC_ID = "qmpdiff-sync"
SYNC_COMMAND = b'{"execute": "query-status", "id": "qmpdiff-sync"}\n'


class ScriptError(Exception):
    pass


class Timeout(Exception):
    pass


class Step:
    def __init__(self, lineno, text, kind, arg=None, count=None):
        self.lineno = lineno
        self.text = text
        self.kind = kind
        self.arg = arg
        self.count = count


def decode_raw(text):
    try:
        return codecs.escape_decode(text.encode("utf-8"))[0]
    except ValueError as e:
        raise ScriptError("bad escape: %s" % e)


def parse_script(path):
    """Return (machine argument list, [Step])."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    args = None
    steps = []
    seen_step = False
    for lineno, line in enumerate(lines, 1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue

        def fail(msg):
            raise ScriptError("%s:%d: %s" % (path, lineno, msg))

        head, sep, rest = text.partition(":")
        head = head.strip()
        rest = rest.strip()
        if not sep:
            if text in ("greeting", "reconnect", "eof", "wait-exit"):
                steps.append(Step(lineno, text, text))
                seen_step = True
                continue
            fail("unknown step %r" % text)
        if head == "args":
            if seen_step or args is not None:
                fail("args: must be the first line")
            try:
                args = shlex.split(rest)
            except ValueError as e:
                fail("bad args: %s" % e)
            continue
        seen_step = True
        if head == "qmp":
            if not rest:
                fail("qmp: needs text")
            steps.append(Step(lineno, text, "qmp", rest.encode("utf-8") + b"\n", 1))
        elif head.startswith("raw["):
            count_text, _, times = head[4:].partition("]")
            times = times.strip()
            repeat = 1
            if times:
                if not times.startswith("x"):
                    fail("raw[N] xK: K must follow an 'x'")
                try:
                    repeat = int(times[1:])
                except ValueError:
                    fail("raw[N] xK: K must be a number")
                if repeat < 1:
                    fail("raw[N] xK: K must be at least 1")
            try:
                count = int(count_text)
            except ValueError:
                fail("raw[N]: N must be a number")
            if count < 0:
                fail("raw[N]: N must not be negative")
            try:
                data = decode_raw(rest)
            except ScriptError as e:
                fail(str(e))
            steps.append(Step(lineno, text, "raw", data * repeat, count))
        elif head == "raw":
            fail("raw needs a reply count: raw[N]: BYTES")
        elif head == "qtest":
            if not rest:
                fail("qtest: needs a command")
            steps.append(Step(lineno, text, "qtest", rest.encode("utf-8") + b"\n"))
        elif head == "event":
            if not rest:
                fail("event: needs a name")
            steps.append(Step(lineno, text, "event", rest))
        elif head == "sleep":
            try:
                ms = int(rest)
            except ValueError:
                fail("sleep: needs milliseconds")
            steps.append(Step(lineno, text, "sleep", ms))
        elif head == "flatview":
            if not rest:
                fail("flatview: needs an address-space name")
            cmd = json.dumps({"execute": "human-monitor-command",
                              "arguments": {"command-line": "info mtree -f"}})
            words = shlex.split(rest)
            steps.append(Step(lineno, text, "flatview",
                              (words[0], words[1:],
                               cmd.encode("utf-8") + b"\n"), 1))
        elif head == "ignore-keys":
            steps.append(Step(lineno, text, "ignore-keys", rest.split()))
        elif head == "file":
            words = rest.split(None, 2)
            if len(words) < 2 or "/" in words[0]:
                fail("file: needs NAME SIZE [BYTES] (NAME without '/')")
            try:
                size = int(words[1], 0)
            except ValueError:
                fail("file: SIZE must be a number")
            try:
                data = decode_raw(words[2]) if len(words) > 2 else b""
            except ScriptError as e:
                fail(str(e))
            steps.append(Step(lineno, text, "file", (words[0], size, data)))
        else:
            fail("unknown step %r" % head)
    if args is None:
        args = shlex.split(DEFAULT_ARGS)
    return args, steps


# ---------------------------------------------------------------------------
# Values and records

def pairs_no_dups(pairs):
    d = {}
    for k, v in pairs:
        if k in d:
            raise ValueError("duplicate member %r" % k)
        d[k] = v
    return d


def canon(v):
    """A hashable, type-strict form of a JSON value."""
    if isinstance(v, dict):
        return ("o", tuple(sorted((k, canon(x)) for k, x in v.items())))
    if isinstance(v, list):
        return ("a", tuple(canon(x) for x in v))
    if isinstance(v, bool):
        return ("b", v)
    if isinstance(v, int):
        return ("i", v)
    if isinstance(v, float):
        return ("f", v)
    if isinstance(v, str):
        return ("s", v)
    if v is None:
        return ("n",)
    raise TypeError(type(v))


def replace_strings(v, old, new):
    if isinstance(v, dict):
        return {k: replace_strings(x, old, new) for k, x in v.items()}
    if isinstance(v, list):
        return [replace_strings(x, old, new) for x in v]
    if isinstance(v, str):
        return v.replace(old, new)
    return v


def drop_keys(v, keys):
    if isinstance(v, dict):
        return {k: drop_keys(x, keys) for k, x in v.items() if k not in keys}
    if isinstance(v, list):
        return [drop_keys(x, keys) for x in v]
    return v


def valid_timestamp(ts):
    return (isinstance(ts, dict) and set(ts) == {"seconds", "microseconds"}
            and all(type(ts[k]) is int for k in ts))


class Record:
    """One thing a side produced during a step."""

    def __init__(self, kind, raw=b"", value=None, note=None):
        self.kind = kind      # qmp, badjson, qtest, timeout, eof, exit
        self.raw = raw
        self.value = value
        self.note = note
        self.key = None

    def is_reply(self):
        return self.kind == "badjson" or (
            self.kind == "qmp" and isinstance(self.value, dict)
            and ("return" in self.value or "error" in self.value))

    def is_event(self, name=None):
        return (self.kind == "qmp" and isinstance(self.value, dict)
                and "event" in self.value
                and (name is None or self.value["event"] == name))

    def finish(self, package, ignore, workdir=None):
        """Compute the comparison key after normalisation."""
        if self.kind == "qmp":
            v = self.value
            if workdir:
                v = replace_strings(v, workdir, "<dir>")
            if isinstance(v, dict) and "event" in v and "timestamp" in v \
                    and valid_timestamp(v["timestamp"]):
                v = dict(v)
                v["timestamp"] = "<timestamp>"
            if package:
                v = replace_strings(v, package, "<package>")
            if ignore:
                v = drop_keys(v, ignore)
            crlf = self.raw.endswith(b"\r\n")
            self.key = ("qmp", canon(v), crlf)
        elif self.kind == "badjson":
            self.key = ("badjson", self.raw)
        elif self.kind == "qtest":
            self.key = ("qtest", self.raw)
        elif self.kind == "exit":
            self.key = ("exit", self.value)
        else:
            self.key = (self.kind,)

    def show(self):
        if self.kind in ("qmp", "badjson", "qtest"):
            s = self.raw.decode("utf-8", "backslashreplace")
            if self.kind != "qtest" and not self.raw.endswith(b"\r\n"):
                s = s.rstrip("\n") + "   <-- line does not end in \\r\\n"
            else:
                s = s.rstrip("\r\n")
            if self.note:
                s += "   <-- " + self.note
            return s
        if self.kind == "exit":
            return "<exited with status %s>" % self.value
        return "<%s>" % self.kind


def extract_flatview(text, as_name, only=()):
    """The FlatView of one address space from `info mtree -f` text: its
    root line and ranges.  QEMU numbers FlatViews and lists the address
    spaces sharing one in an order that varies from run to run, so only
    the rendered ranges are compared.  With `only`, just the ranges of
    regions whose names start with one of those prefixes."""
    blocks, cur = [], None
    for line in text.split("\r\n"):
        if line.startswith("FlatView #"):
            cur = []
            blocks.append(cur)
        elif cur is not None and line:
            cur.append(line)
    marker = ' AS "%s", root: ' % as_name
    for b in blocks:
        if any(line.startswith(marker) for line in b):
            lines = [line for line in b if not line.startswith(' AS "')]
            if only:
                lines = [line for line in lines if "): " in line and
                         line.split("): ", 1)[1].startswith(tuple(only))]
            return lines
    return None


def fatal_record(records):
    return any(r.kind in ("timeout", "eof") for r in records)


# ---------------------------------------------------------------------------
# One program under test

class LineSocket:
    def __init__(self, path, deadline):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        while True:
            try:
                self.sock.connect(path)
                break
            except (ConnectionRefusedError, FileNotFoundError):
                if time.monotonic() > deadline:
                    raise Timeout("cannot connect to %s" % path)
                time.sleep(0.01)
        self.sock.setblocking(False)
        self.buf = b""
        self.closed = False

    def send(self, data):
        self.sock.setblocking(True)
        try:
            self.sock.sendall(data)
        except OSError:
            pass  # seen later as end of connection
        self.sock.setblocking(False)

    def _fill(self, timeout):
        if self.closed:
            return False
        r, _, _ = select.select([self.sock], [], [], max(timeout, 0))
        if not r:
            return True
        try:
            data = self.sock.recv(65536)
        except BlockingIOError:
            return True
        except OSError:
            data = b""
        if not data:
            self.closed = True
            return False
        self.buf += data
        return True

    def readline(self, deadline):
        """Return a line (with its end), b"" at end of connection,
        None on timeout."""
        while True:
            i = self.buf.find(b"\n")
            if i >= 0:
                line, self.buf = self.buf[:i + 1], self.buf[i + 1:]
                return line
            if self.closed:
                return b""
            remain = deadline - time.monotonic()
            if remain <= 0:
                return None
            self._fill(remain)

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class Side:
    def __init__(self, name, program, machine_args, reply_timeout):
        self.name = name
        self.program = program
        self.reply_timeout = reply_timeout
        self.dir = tempfile.mkdtemp(prefix="qmpdiff-%s-" % name)
        self.qmp_path = os.path.join(self.dir, "qmp.sock")
        self.qtest_path = os.path.join(self.dir, "qtest.sock")
        self.argv = [program] + machine_args + [
            "-S", "-display", "none", "-accel", "tcg",
            "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path,
            "-qtest", "unix:%s,server=on,wait=off" % self.qtest_path]
        self.proc = None
        self.qmp = None
        self.qtest = None
        self.package = None
        self.greeting = None
        self.log_path = os.path.join(self.dir, "output.log")

    def make_files(self, steps):
        """Creates the script's files in this side's directory (its cwd)."""
        for step in steps:
            if step.kind == "file":
                name, size, data = step.arg
                with open(os.path.join(self.dir, name), "wb") as f:
                    f.write(data)
                    f.truncate(max(size, len(data)))

    def start(self):
        self.log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(self.argv, cwd=self.dir,
                                     stdin=subprocess.DEVNULL,
                                     stdout=self.log, stderr=self.log,
                                     start_new_session=True)

    def wait_ready(self, deadline):
        while not (os.path.exists(self.qmp_path)
                   and os.path.exists(self.qtest_path)):
            if self.proc.poll() is not None:
                raise Timeout("%s exited with status %s before opening its "
                              "sockets" % (self.name, self.proc.returncode))
            if time.monotonic() > deadline:
                raise Timeout("%s did not open its sockets in time"
                              % self.name)
            time.sleep(0.005)
        self.connect_qmp(deadline)
        if self.greeting.kind != "qmp":
            raise Timeout("%s sent no greeting: %s"
                          % (self.name, self.greeting.show()))

    def connect_qmp(self, deadline):
        self.qmp = LineSocket(self.qmp_path, deadline)
        self.greeting = self.read_qmp(deadline)
        pkg = None
        if self.greeting.kind == "qmp":
            try:
                pkg = self.greeting.value["QMP"]["version"]["package"]
            except (KeyError, TypeError):
                pkg = None
        self.package = pkg if isinstance(pkg, str) and pkg else None
        return self.greeting

    def read_qmp(self, deadline):
        line = self.qmp.readline(deadline)
        if line is None:
            return Record("timeout")
        if line == b"":
            return Record("eof")
        return self.parse_qmp(line)

    @staticmethod
    def parse_qmp(line):
        try:
            value = json.loads(line.decode("utf-8"),
                               object_pairs_hook=pairs_no_dups)
        except (ValueError, UnicodeDecodeError) as e:
            return Record("badjson", line, note="not JSON: %s" % e)
        return Record("qmp", line, value)

    def run_step(self, step):
        """Play one step; return the list of Records it produced."""
        now = time.monotonic()
        if step.kind == "greeting":
            return [self.greeting]
        if step.kind in ("qmp", "raw"):
            self.qmp.send(step.arg)
            return self.collect_replies(step.count,
                                        now + self.reply_timeout)
        if step.kind == "flatview":
            name, only, data = step.arg
            self.qmp.send(data)
            records = self.collect_replies(step.count,
                                           now + self.reply_timeout)
            for r in records:
                if r.is_reply() and isinstance(r.value.get("return"), str):
                    r.value = {"flatview": extract_flatview(
                        r.value["return"], name, only)}
            return records
        if step.kind == "event":
            return self.collect_event(step.arg, now + EVENT_TIMEOUT)
        if step.kind == "qtest":
            return self.qtest_command(step.arg, now + self.reply_timeout)
        if step.kind == "reconnect":
            self.qmp.close()
            return [self.connect_qmp(now + SOCKET_TIMEOUT)]
        if step.kind == "eof":
            return self.collect_eof(now + EVENT_TIMEOUT)
        if step.kind == "wait-exit":
            try:
                code = self.proc.wait(EVENT_TIMEOUT)
            except subprocess.TimeoutExpired:
                return [Record("timeout")]
            return [Record("exit", value=code)]
        raise AssertionError(step.kind)

    def collect_replies(self, count, deadline):
        out = []
        replies = 0
        while replies < count:
            r = self.read_qmp(deadline)
            out.append(r)
            if r.kind in ("timeout", "eof"):
                break
            if r.is_reply():
                replies += 1
        return out

    def collect_event(self, name, deadline):
        out = []
        while True:
            r = self.read_qmp(deadline)
            out.append(r)
            if r.kind in ("timeout", "eof") or r.is_event(name):
                return out

    def collect_eof(self, deadline):
        out = []
        while True:
            line = self.qmp.readline(deadline)
            if line is None:
                out.append(Record("timeout"))
                return out
            if line == b"":
                out.append(Record("end of connection"))
                return out
            out.append(self.parse_qmp(line))

    def qtest_command(self, data, deadline):
        if self.qtest is None:
            self.qtest = LineSocket(self.qtest_path, deadline)
        self.qtest.send(data)
        out = []
        while True:
            line = self.qtest.readline(deadline)
            if line is None:
                out.append(Record("timeout"))
                return out
            if line == b"":
                out.append(Record("eof"))
                return out
            out.append(Record("qtest", line))
            if line.startswith((b"OK", b"FAIL", b"ERR")):
                return out

    def sync(self):
        """Send SYNC_COMMAND and read up to its reply; return the replies
        read (events are dropped)."""
        self.qmp.send(SYNC_COMMAND)
        deadline = time.monotonic() + self.reply_timeout
        out = []
        while True:
            r = self.read_qmp(deadline)
            if r.kind in ("timeout", "eof"):
                out.append(r)
                return out
            if r.is_reply():
                out.append(r)
                if isinstance(r.value, dict) and r.value.get("id") == SYNC_ID:
                    return out

    def stop(self):
        for s in (self.qmp, self.qtest):
            if s is not None:
                s.close()
        if self.proc is not None:
            # The program runs in a process group of its own (its id is the
            # program's pid): end the whole group, so that nothing a wrapper
            # script started is left behind.
            self._signal_group(signal.SIGTERM)
            try:
                self.proc.wait(2)
            except subprocess.TimeoutExpired:
                self._signal_group(signal.SIGKILL)
                self.proc.wait()
            self._signal_group(signal.SIGKILL)
        if getattr(self, "log", None):
            self.log.close()

    def _signal_group(self, sig):
        try:
            os.killpg(self.proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def log_tail(self, n=15):
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return []
        # qtest's own traffic log is noise here
        lines = [l for l in lines if not l.startswith("[")]
        return lines[-n:]

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


# ---------------------------------------------------------------------------
# Running a script

class ScriptTimeout(Exception):
    pass


def on_alarm(signum, frame):
    raise ScriptTimeout()


def counted(steps):
    return [s for s in steps if s.kind not in ("sleep", "ignore-keys", "file")]


def print_mismatch(idx, path, step, sides, records, why):
    where = "%s:%d" % (path, step.lineno) if step.lineno else path
    print("FAIL step %d (%s): %s" % (idx, where, step.text))
    if why:
        print("  " + why)
    width = max(len(s.name) for s in sides)
    for side, recs in zip(sides, records):
        if not recs:
            print("  %-*s  (nothing)" % (width, side.name + ":"))
        for i, r in enumerate(recs):
            label = side.name + ":" if i == 0 else ""
            print("  %-*s  %s" % (width + 1, label, r.show()))


def run_script(path, opts):
    try:
        machine_args, steps = parse_script(path)
    except (OSError, ScriptError) as e:
        print("ERROR %s" % e)
        return 0, 1
    total = len(counted(steps))
    second = ("qemu-2", opts.qemu) if opts.self_test \
        else ("qmachined", opts.qmachined)
    sides = [Side("qemu", opts.qemu, machine_args, opts.reply_timeout),
             Side(second[0], second[1], machine_args, opts.reply_timeout)]
    passed = failed = 0
    idx = 0
    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(opts.timeout))
    try:
        for s in sides:
            s.make_files(steps)
            s.start()
        deadline = time.monotonic() + SOCKET_TIMEOUT
        for s in sides:
            s.wait_ready(deadline)
        ignore = set()
        for step in steps:
            if step.kind == "file":
                continue
            if step.kind == "sleep":
                time.sleep(step.arg / 1000.0)
                continue
            if step.kind == "ignore-keys":
                ignore = set(step.arg)
                continue
            idx += 1
            records = [s.run_step(step) for s in sides]
            for s, recs in zip(sides, records):
                for r in recs:
                    r.finish(s.package, ignore, s.dir)
            keys = [[r.key for r in recs] for recs in records]
            fatal = any(fatal_record(r) for r in records)
            bad_end = any(r.kind == "qmp" and not r.raw.endswith(b"\r\n")
                          for recs in records for r in recs)
            if keys[0] == keys[1] and not fatal and not bad_end:
                passed += 1
                if opts.verbose:
                    print("ok   step %d (%s:%d): %s" % (idx, path, step.lineno,
                                                      step.text))
                    for s, recs in zip(sides, records):
                        for r in recs:
                            print("       %s: %s" % (s.name, r.show()))
                continue
            failed += 1
            why = None
            if fatal:
                why = "timeout or end of connection"
            elif keys[0] == keys[1]:
                why = "replies agree but a line does not end in \\r\\n"
            print_mismatch(idx, path, step, sides, records, why)
            if fatal:
                rest = total - idx
                if rest:
                    print("  stopping: %d remaining step(s) not run" % rest)
                    failed += rest
                break
        else:
            # Replies nobody read mean the script or a side is out of step.
            # A final command with a known id flushes them out.
            if not any(s.qmp.closed or s.proc.poll() is not None
                       for s in sides):
                records = [s.sync() for s in sides]
                for s, recs in zip(sides, records):
                    for r in recs:
                        r.finish(s.package, ignore, s.dir)
                keys = [[r.key for r in recs] for recs in records]
                if keys[0] != keys[1] or any(len(r) != 1 or r[0].kind != "qmp"
                                             for r in records):
                    failed += 1
                    step = Step(0, "end of script (replies left unread?): "
                                + SYNC_COMMAND.decode().strip(), "sync")
                    print_mismatch(idx + 1, path, step, sides, records,
                                   "the last record of each side should be "
                                   "the reply to this command")
    except (Timeout, ScriptTimeout, OSError) as e:
        if isinstance(e, ScriptTimeout):
            msg = "script timed out after %ss" % opts.timeout
        else:
            msg = str(e)
        print("ERROR %s: %s (at step %d)" % (path, msg, idx))
        failed += max(total - passed - failed, 1)
        for s in sides:
            tail = s.log_tail()
            if tail:
                print("  output of %s:" % s.name)
                for l in tail:
                    print("    " + l)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
        for s in sides:
            s.stop()
        for s in sides:
            s.cleanup()
    if failed and opts.verbose:
        print("  command: %s" % " ".join(shlex.quote(a) for a in sides[1].argv))
    return passed, failed


def explore_script(path, opts):
    """Play the script against QEMU alone and print everything it sends,
    waiting a fixed time after each step instead of counting replies.
    A help for writing scripts (to find out how many replies a raw step
    produces), not a test."""
    machine_args, steps = parse_script(path)
    side = Side("qemu", opts.qemu, machine_args, opts.reply_timeout)
    try:
        side.make_files(steps)
        side.start()
        side.wait_ready(time.monotonic() + SOCKET_TIMEOUT)
        print("greeting: %s" % side.greeting.show())
        for step in steps:
            print("%s:%d: %s" % (path, step.lineno, step.text))
            if step.kind in ("qmp", "raw"):
                side.qmp.send(step.arg)
                end = time.monotonic() + opts.explore
                n = 0
                while True:
                    line = side.qmp.readline(end)
                    if not line:
                        break
                    r = side.parse_qmp(line)
                    n += r.is_reply()
                    print("    %s" % r.show())
                print("    (%d repl%s)" % (n, "y" if n == 1 else "ies"))
                if line == b"":
                    print("    <end of connection>")
                    break
            elif step.kind == "sleep":
                time.sleep(step.arg / 1000.0)
            elif step.kind not in ("ignore-keys", "file"):
                for r in side.run_step(step):
                    print("    %s" % r.show())
    finally:
        side.stop()
        side.cleanup()


def find_program(name):
    if os.sep in name:
        return name if os.access(name, os.X_OK) else None
    return shutil.which(name)


def main(argv):
    ap = argparse.ArgumentParser(
        description="Play QMP/qtest scripts against QEMU and qmachined "
                    "and compare every reply.")
    ap.add_argument("--qemu", default="qemu-system-x86_64")
    ap.add_argument("--qmachined", default=None)
    ap.add_argument("--self-test", action="store_true",
                    help="compare QEMU against a second QEMU")
    ap.add_argument("--timeout", type=float,
                    default=float(os.environ.get("QMPDIFF_TIMEOUT", 120)),
                    help="seconds allowed per script (default 120)")
    ap.add_argument("--reply-timeout", type=float, default=10.0,
                    help="seconds to wait for one reply (default 10)")
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="show every step and reply")
    ap.add_argument("--explore", type=float, metavar="SECONDS",
                    help="run QEMU alone, wait SECONDS after each qmp/raw "
                         "step and print all it sent (for writing scripts)")
    ap.add_argument("scripts", nargs="+", metavar="SCRIPT")
    opts = ap.parse_args(argv)

    qemu = find_program(opts.qemu)
    if qemu is None:
        if os.environ.get("QMPDIFF_ALLOW_SKIP") == "1":
            print("SKIP: %s not found" % opts.qemu)
            return 77
        print("ERROR: %s not found (set QMPDIFF_ALLOW_SKIP=1 to skip)"
              % opts.qemu)
        print("0 passed, 1 failed")
        return 1
    opts.qemu = os.path.abspath(qemu)
    if opts.explore is not None:
        for script in opts.scripts:
            explore_script(script, opts)
        return 0
    if not opts.self_test:
        path = opts.qmachined or os.environ.get("QMACHINED")
        if not path:
            path = os.path.join(os.environ.get("builddir") or os.getcwd(),
                                "src", "qmachined")
        found = find_program(path if os.sep in path else "./" + path)
        if found is None:
            print("ERROR: qmachined not found at %s" % path)
            print("0 passed, 1 failed")
            return 1
        opts.qmachined = os.path.abspath(found)

    passed = failed = 0
    for script in opts.scripts:
        p, f = run_script(script, opts)
        passed += p
        failed += f
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
