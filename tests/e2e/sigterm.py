#!/usr/bin/env python3
"""A signal ends qmachined as it ends QEMU 7.2, which libvirt relies on:
for SIGTERM, SIGINT and SIGHUP sent by this process, qmachined prints
"PROG: terminating on signal N from pid PID (NAME)" on stderr, NAME being
the sender's argv[0] as /proc/PID/cmdline gives it (QEMU 7.2 prints
"qemu-system-x86_64: terminating on signal 15 from pid 24074 (bash)"),
exits with status 0, and removes the unix sockets it created (QMP and
REST), as QEMU removes its server sockets.
"""
import os
import signal
import socket
import subprocess
import sys
import tempfile
import shutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import QMACHINED, Checker, wait_for_paths  # noqa: E402


def main():
    check = Checker()
    tmp = tempfile.mkdtemp()
    with open("/proc/self/cmdline", "rb") as f:
        me = f.read().split(b"\0")[0].decode(errors="replace")
    try:
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            sock = os.path.join(tmp, "qmp.sock")
            rest = os.path.join(tmp, "rest.sock")
            p = subprocess.Popen(
                [QMACHINED, "-qmp", "unix:%s,server=on,wait=off" % sock,
                 "--rest", "unix:" + rest],
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            if not check(wait_for_paths(p, sock, rest), "starts"):
                p.kill()
                p.communicate()
                continue
            c = socket.socket(socket.AF_UNIX)
            c.settimeout(20)
            c.connect(sock)
            c.recv(4096)  # the greeting: the loop runs
            p.send_signal(sig)
            try:
                _, err = p.communicate(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.communicate()
                check(False, "ends on %s" % sig.name)
                continue
            finally:
                c.close()
            want = "qmachined: terminating on signal %d from pid %d (%s)" % (
                sig, os.getpid(), me)
            lines = [l for l in err.decode(errors="replace").splitlines()
                     if "terminating on signal" in l]
            check(lines == [want], "the line on %s" % sig.name,
                  "got %r, want %r" % (lines, want))
            check(p.returncode == 0, "exit status 0 on %s" % sig.name,
                  p.returncode)
            check(not os.path.exists(sock) and not os.path.exists(rest),
                  "the sockets removed on %s" % sig.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
