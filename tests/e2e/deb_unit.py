#!/usr/bin/env python3
"""The installed package's systemd units, run by hand as systemd runs
them (contrib/deb-check.sh calls this after dpkg -i): the REST socket of
qmachined.socket (its ListenStream, on a free port if that one is taken)
handed over as descriptor 3, the service's ExecStart with its
RuntimeDirectory made; then QMP on the service's socket answers
query-status, REST answers GET /api/v1/machine, the page is served at
/, and SIGTERM ends it.
"""
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
import urllib.request

UNITS = "/lib/systemd/system"


def unit(name):
    with open(os.path.join(UNITS, name)) as f:
        return f.read()


def main():
    service, sock_unit = unit("qmachined.service"), unit("qmachined.socket")
    argv = shlex.split(re.search(r"^ExecStart=(.*)$", service, re.M).group(1))
    rundir = re.search(r"^RuntimeDirectory=(.*)$", service, re.M).group(1)
    host, port = re.search(r"^ListenStream=(.*):(\d+)$", sock_unit,
                           re.M).groups()
    qmp = re.search(r"unix:([^,]+)", " ".join(argv)).group(1)
    os.makedirs(os.path.join("/run", rundir), exist_ok=True)
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((host, int(port)))
    except OSError:
        s.bind((host, 0))  # the unit's port is taken here
    s.listen(16)
    port = s.getsockname()[1]
    fd = s.fileno()
    if fd != 3:
        os.dup2(fd, 3)
    p = subprocess.Popen(argv, pass_fds=(3,), stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    if fd != 3:
        os.close(3)
    s.close()
    ok = True
    try:
        for _ in range(200):
            if os.path.exists(qmp):
                break
            time.sleep(0.05)
        c = socket.socket(socket.AF_UNIX)
        c.connect(qmp)
        f = c.makefile("rwb")
        json.loads(f.readline())
        f.write(b'{"execute": "qmp_capabilities"}\n')
        f.flush()
        json.loads(f.readline())
        f.write(b'{"execute": "query-status"}\n')
        f.flush()
        r = json.loads(f.readline())
        print("deb-check: QMP on %s: %s" % (qmp, r))
        ok &= r.get("return", {}).get("status") == "running"
        c.close()
        body = urllib.request.urlopen(
            "http://%s:%d/api/v1/machine" % (host, port), timeout=10).read()
        m = json.loads(body)
        print("deb-check: REST on %s:%d: type %s" % (host, port,
                                                     m.get("type")))
        ok &= m.get("type") == "pc-i440fx-7.2"
        page = urllib.request.urlopen("http://%s:%d/" % (host, port),
                                      timeout=10)
        body = page.read()
        print("deb-check: the page on %s:%d: %d bytes of %s" % (
            host, port, len(body), page.headers.get("Content-Type")))
        ok &= b"<html" in body.lower()
    except Exception as e:  # noqa: BLE001 - reported, then failed
        print("deb-check: %s" % e)
        ok = False
    p.terminate()
    out = p.communicate(timeout=20)[0].decode(errors="replace")
    ok &= p.returncode == 0 and not os.path.exists(qmp)
    if not ok:
        print(out)
    print("deb-check: the unit %s" % ("works" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
