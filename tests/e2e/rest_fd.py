#!/usr/bin/env python3
"""--rest fd:N, as systemd's socket activation hands qmachined its REST
socket (contrib/qmachined.socket): a listening socket already bound is
served (the startup line gives its address); one bound to a non-loopback
address is refused without --rest-token-file, as --rest tcp: is; a
descriptor that is no listening socket and a malformed fd: are errors.
"""
import os
import socket
import subprocess
import sys
import tempfile
import time
import shutil

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import (QMACHINED, Checker, Rest, free_port,  # noqa: E402
                      wait_for_paths)


def start(tmp, lsock, extra=()):
    """qmachined with lsock as its descriptor 3 (--rest fd:3).  Descriptor
    3 of this process holds /dev/null (main() makes sure), so the
    sockets are above it; it is lsock only while the child starts."""
    qmp = os.path.join(tmp, "qmp.sock")
    if os.path.exists(qmp):
        os.unlink(qmp)
    os.dup2(lsock.fileno(), 3)
    try:
        return subprocess.Popen(
            [QMACHINED, "-qmp", "unix:%s,server=on,wait=off" % qmp,
             "--rest", "fd:3"] + list(extra), pass_fds=(3,),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE), qmp
    finally:
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 3)
        os.close(null)


def main():
    check = Checker()
    held = []
    while True:  # descriptors up to 3 taken, so sockets come above
        fd = os.open(os.devnull, os.O_RDONLY)
        if fd >= 3:
            if fd > 3:
                os.dup2(fd, 3)
                os.close(fd)
            break
        held.append(fd)
    tmp = tempfile.mkdtemp()
    try:
        s = socket.socket()
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        port = s.getsockname()[1]
        p, qmp = start(tmp, s)
        if check(wait_for_paths(p, qmp), "starts with --rest fd:3"):
            r = Rest(port=port).get("/machine")
            check(r.status == 200 and (r.json or {}).get("type") ==
                  "pc-i440fx-7.2", "serves REST on the socket", r.status)
            p.terminate()
            out = p.communicate(timeout=20)[0].decode()
            check("REST: http://127.0.0.1:%d/api/v1/machine" % port in out,
                  "the startup line gives the socket's address", out)
        else:
            p.kill()
            p.communicate()
        s.close()

        s = socket.socket()
        s.bind(("0.0.0.0", 0))
        s.listen(8)
        p, _ = start(tmp, s)
        out, err = p.communicate(timeout=20)
        check(p.returncode == 1 and b"refusing to serve the REST API on a "
              b"non-loopback address without --rest-token-file" in err,
              "a non-loopback socket needs a token", (p.returncode, err))
        s.close()

        with open(os.devnull, "rb") as f:
            p, _ = start(tmp, f)
            out, err = p.communicate(timeout=20)
        check(p.returncode == 1 and b"--rest fd:3" in err,
              "a descriptor that is no socket: an error", (p.returncode, err))

        # systemd's own socket activation, where its tool is installed:
        # the socket comes as descriptor 3 with LISTEN_FDS set.
        tool = shutil.which("systemd-socket-activate")
        if tool:
            port = free_port()
            qmp = os.path.join(tmp, "sa.sock")
            p = subprocess.Popen(
                [tool, "-l", "127.0.0.1:%d" % port, QMACHINED, "--rest",
                 "fd:3", "-qmp", "unix:%s,server=on,wait=off" % qmp],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            r = None
            for _ in range(100):
                try:
                    r = Rest(port=port).get("/machine")
                    break
                except OSError:
                    time.sleep(0.05)
            check(r is not None and r.status == 200,
                  "under systemd-socket-activate", r and r.status)
            p.terminate()
            p.communicate(timeout=20)

        for bad in ("fd:", "fd:x", "fd:-1", "fd:99999999"):
            r = subprocess.run([QMACHINED, "--rest", bad],
                               capture_output=True, timeout=20)
            check(r.returncode == 1 and r.stderr.decode() ==
                  "qmachined: --rest %s: expected fd:N, a listening "
                  "socket's descriptor\n" % bad, "--rest %s refused" % bad,
                  r.stderr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
