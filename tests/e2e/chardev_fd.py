#!/usr/bin/env python3
"""Socket chardevs on descriptors, against the live QEMU 7.2, as libvirt
uses them: `-chardev socket,id=ID,fd=N,server=on,wait=off` for the
channels of a domain it starts, and getfd + chardev-add with an "fd"
socket address for the ones it hot-plugs.  The differential runner
cannot pass descriptors, so this test does (inherited ones on the
command line, SCM_RIGHTS on QMP).

Both sides get the same kinds of sockets (each its own, in its own
directory) and the same commands; every reply is compared with the
directory, pty numbers and TCP ports normalised.  Covered: listening,
bound-only, unbound, connected and non-socket descriptors, unix and TCP,
servers and clients, a server given no descriptor, the names getfd
gave (taken by chardev-add, left when it fails before), a virtserialport
on such a chardev, and that chardev-remove closes the descriptor (the
socket refuses connections afterwards).

Run: QMACHINED=src/qmachined python3 tests/e2e/chardev_fd.py
"""
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import (QMACHINED, Checker, read_line,  # noqa: E402
                      wait_for_paths)

QEMU = os.environ.get("QEMU_SYSTEM_X86_64") or "qemu-system-x86_64"
ARGS = ["-machine", "pc", "-nodefaults", "-S", "-display", "none",
        "-accel", "tcg"]


class Side:
    def __init__(self, prog, tmp):
        self.dir = tmp
        self.sock = os.path.join(tmp, "qmp.sock")
        self.ports = []
        # Descriptors the command line names, as libvirt passes them.
        listening = self.unix("cl.sock", listen=True)
        bound = self.unix("cb.sock")
        ours, theirs = socket.socketpair()
        self.keep = [ours]
        self.fdnums = [theirs.fileno()]
        fds = [listening, bound, theirs]
        args = ARGS + [
            "-qmp", "unix:%s,server=on,wait=off" % self.sock,
            "-chardev", "socket,id=cl,fd=%d,server=on,wait=off"
            % listening.fileno(),
            "-chardev", "socket,id=cb,fd=%d,server=on,wait=off"
            % bound.fileno(),
            "-chardev", "socket,id=cc,fd=%d" % theirs.fileno(),
            "-chardev", "socket,id=cn,server=on,wait=off",
            "-chardev", "socket,id=cp,path=%s,server=on,wait=off"
            % os.path.join(tmp, "cp.sock"),
            "-chardev", "pty,id=cy",
            "-device", "virtio-serial-pci,id=vs",
            "-device", "virtserialport,bus=vs.0,nr=1,chardev=cl,id=ch0,"
            "name=org.example.cold",
            "-device", "virtserialport,bus=vs.0,nr=2,chardev=cy,id=ch1"]
        self.proc = subprocess.Popen(
            [prog] + args, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL, pass_fds=[f.fileno() for f in fds],
            start_new_session=True)
        for f in fds:
            f.close()
        if not wait_for_paths(self.proc, self.sock):
            raise RuntimeError("%s did not start" % prog)
        # QEMU's socket may exist a moment before it listens.
        for _ in range(200):
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(10)
            try:
                s.connect(self.sock)
                break
            except ConnectionRefusedError:
                s.close()
                time.sleep(0.02)
        self.s, self.buf = s, b""
        self.read()
        self.cmd("qmp_capabilities")

    def unix(self, name, listen=False):
        s = socket.socket(socket.AF_UNIX)
        s.bind(os.path.join(self.dir, name))
        if listen:
            s.listen(1)
        return s

    def tcp(self):
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        self.ports.append(s.getsockname()[1])
        return s

    def read(self):
        return json.loads(read_line(self))

    def cmd(self, _name, fd=None, **args):
        """Runs a command (sending fd, a socket or file, with it, then
        closing our copy); the reply, events skipped."""
        msg = {"execute": _name}
        if args:
            msg["arguments"] = args
        data = json.dumps(msg).encode()
        if fd is not None:
            socket.send_fds(self.s, [data], [fd.fileno()])
            fd.close()
        else:
            self.s.sendall(data)
        while True:
            r = self.read()
            if "event" not in r:
                return r

    def normal(self, v):
        text = json.dumps(v).replace(self.dir, "<dir>")
        text = re.sub(r"/dev/pts/\d+", "/dev/pts/N", text)
        for n in self.fdnums:
            text = text.replace('"str": "%d"' % n, '"str": "<fd>"')
        for p in self.ports:
            text = text.replace(":%d," % p, ":<port>,")
            text = text.replace('"%d"' % p, '"<port>"')
        return json.loads(text)

    def connect_to(self, name):
        """What connecting to the socket at name gives: "connected",
        "refused" (no one holds its listening end) or "absent"."""
        c = socket.socket(socket.AF_UNIX)
        try:
            c.connect(os.path.join(self.dir, name))
            return "connected"
        except ConnectionRefusedError:
            return "refused"
        except FileNotFoundError:
            return "absent"
        finally:
            c.close()

    def stop(self):
        self.s.close()
        self.proc.kill()
        self.proc.wait()


def sock_backend(addr, **data):
    data["addr"] = addr
    return {"type": "socket", "data": data}


def fd_addr(name):
    return {"type": "fd", "data": {"str": name}}


def main():
    check = Checker()
    if not shutil.which(QEMU):
        print("QEMU not found: %s" % QEMU)
        return 77 if os.environ.get("QMPDIFF_ALLOW_SKIP") else 1
    tmp = tempfile.mkdtemp(prefix="chardev-fd.")
    sides = []
    try:
        for name, prog in (("qemu", QEMU), ("qmachined", QMACHINED)):
            d = os.path.join(tmp, name)
            os.mkdir(d)
            sides.append(Side(prog, d))

        def both(label, fn):
            got = [s.normal(fn(s)) for s in sides]
            check(got[0] == got[1], label,
                  "\n  qemu:      %s\n  qmachined: %s" % (got[0], got[1]))
            return got[1]

        def cmd(_name, **args):
            return both("%s %s" % (_name, args),
                        lambda s: s.cmd(_name, **args))

        def chardevs(label):
            return both("query-chardev: " + label,
                        lambda s: s.cmd("query-chardev"))

        def prop(chr_id, name):
            cmd("qom-get", path="/chardevs/" + chr_id, property=name)

        # The command line's.
        chardevs("command line")
        for c in ("cl", "cb", "cc", "cn", "cp"):
            prop(c, "addr")
            prop(c, "connected")
        cmd("qom-list", path="/machine/peripheral/vs/virtio-backend/vs.0")
        cmd("chardev-remove", id="cl")
        for s in sides:
            s.keep.append(socket.socket(socket.AF_UNIX))
            s.keep[-1].connect(os.path.join(s.dir, "cl.sock"))
        time.sleep(0.2)
        chardevs("a client on the cold port's socket")

        # Names that getfd did not give.
        for n in ("nope", "3"):
            cmd("chardev-add", id="a",
                backend=sock_backend(fd_addr(n), wait=False))
        for n in ("nope", ""):
            cmd("chardev-add", id="a",
                backend=sock_backend(fd_addr(n), server=False))
        # A server given no descriptor listens on nothing.
        cmd("chardev-add", id="n", backend=sock_backend(fd_addr("")))
        prop("n", "addr")

        # libvirt's hot-plug: getfd, chardev-add, device_add.
        both("getfd f1", lambda s: s.cmd("getfd", s.unix("a.sock", True),
                                         fdname="f1"))
        cmd("chardev-add", id="a",
            backend=sock_backend(fd_addr("f1"), wait=False, server=True))
        cmd("closefd", fdname="f1")
        chardevs("fd server")
        prop("a", "addr")
        cmd("device_add", driver="virtserialport", bus="vs.0", nr=3,
            chardev="a", id="ch2", name="org.qemu.guest_agent.0")
        cmd("chardev-remove", id="a")
        for s in sides:
            s.keep.append(socket.socket(socket.AF_UNIX))
            s.keep[-1].connect(os.path.join(s.dir, "a.sock"))
        time.sleep(0.2)
        chardevs("a client connected")
        prop("a", "connected")
        for s in sides:
            s.keep.pop().close()
        time.sleep(0.2)
        chardevs("the client gone")
        cmd("device_del", id="ch2")
        time.sleep(0.2)
        cmd("chardev-remove", id="a")
        both("the removed chardev's socket closed",
             lambda s: s.connect_to("a.sock"))

        # A failure before the socket is looked at leaves the name.
        both("getfd f2", lambda s: s.cmd("getfd", s.unix("b.sock", True),
                                         fdname="f2"))
        cmd("chardev-add", id="n", backend=sock_backend(fd_addr("f2")))
        cmd("chardev-add", id="b", backend=sock_backend(
            fd_addr("f2"), server=False, wait=True))
        cmd("closefd", fdname="f2")
        # Sockets that cannot serve, and what is not a socket.
        both("getfd f3", lambda s: s.cmd("getfd", socket.socket(
            socket.AF_UNIX), fdname="f3"))
        cmd("chardev-add", id="b", backend=sock_backend(fd_addr("f3")))
        cmd("closefd", fdname="f3")
        both("getfd f4", lambda s: s.cmd("getfd", open("/dev/null"),
                                         fdname="f4"))
        cmd("chardev-add", id="b", backend=sock_backend(fd_addr("f4")))
        cmd("closefd", fdname="f4")
        # Bound but not listening yet: it listens now.
        both("getfd f5", lambda s: s.cmd("getfd", s.unix("c.sock"),
                                         fdname="f5"))
        cmd("chardev-add", id="c", backend=sock_backend(fd_addr("f5")))
        both("getfd f6", lambda s: s.cmd("getfd", s.tcp(), fdname="f6"))
        cmd("chardev-add", id="t", backend=sock_backend(fd_addr("f6")))
        prop("t", "addr")
        # Clients: connected (a socket pair, a path), not connected.
        for s in sides:
            mine, its = socket.socketpair()
            s.keep.append(mine)
            s.pair = its
        both("getfd f7", lambda s: s.cmd("getfd", s.pair, fdname="f7"))
        cmd("chardev-add", id="g",
            backend=sock_backend(fd_addr("f7"), server=False))
        prop("g", "addr")
        prop("g", "connected")
        for s in sides:
            s.keep.append(s.unix("h.sock", listen=True))
            s.peer = socket.socket(socket.AF_UNIX)
            s.peer.connect(os.path.join(s.dir, "h.sock"))
        both("getfd f8", lambda s: s.cmd("getfd", s.peer, fdname="f8"))
        cmd("chardev-add", id="h",
            backend=sock_backend(fd_addr("f8"), server=False))
        both("getfd f9", lambda s: s.cmd("getfd", socket.socket(
            socket.AF_UNIX), fdname="f9"))
        cmd("chardev-add", id="i",
            backend=sock_backend(fd_addr("f9"), server=False))
        time.sleep(0.2)
        chardevs("every kind")
        prop("i", "connected")
        for c in ("c", "t", "g", "h", "i", "n", "cb", "cc", "cn", "cp"):
            cmd("chardev-remove", id=c)
        for name in ("c.sock", "cb.sock", "cp.sock"):
            r = both("after chardev-remove, connecting to " + name,
                     lambda s: s.connect_to(name))
            check(r != "connected", name + " closed", r)
        chardevs("the end")
    finally:
        for s in sides:
            s.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
