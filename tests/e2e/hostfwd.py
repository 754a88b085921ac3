#!/usr/bin/env python3
"""A user netdev's host forwarding rules listen on the host ports they
name, as QEMU's do: a rule on a free port listens (a client connects),
the same port again fails with QEMU's "Could not set up host forwarding
rule '...'" and nothing of the failed netdev is left (its other rules'
ports are free again), netdev_del closes the port, a UDP rule binds its
port, and after all that the daemon has the descriptors it started with.
(tests/diff/netdev.qmp compares the rest with QEMU; two processes cannot
share one port, so the conflict is tested here.)
"""
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import Checker, Daemon, free_port  # noqa: E402


def listening(port):
    try:
        socket.create_connection(("127.0.0.1", port), 2).close()
        return True
    except OSError:
        return False


def udp_bound(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind(("127.0.0.1", port))
        return False
    except OSError:
        return True
    finally:
        s.close()


def fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


def main():
    check = Checker()
    d = Daemon()
    try:
        q = d.qmp()
        start_fds = fds(d.proc.pid)
        p1, p2, p3 = free_port(), free_port(), free_port()
        rule = "tcp:127.0.0.1:%d-:22" % p1
        r = q.cmd("netdev_add", type="user", id="u1",
                  hostfwd=[{"str": rule}])
        check(r == {"return": {}}, "a rule on a free port", r)
        check(listening(p1), "its port listens")
        r = q.cmd("netdev_add", type="user", id="u2",
                  hostfwd=[{"str": "tcp:127.0.0.1:%d-:22" % p2},
                           {"str": rule}])
        want = "Could not set up host forwarding rule '%s'" % rule
        check(r.get("error", {}).get("desc") == want,
              "the same port again: QEMU's error", r)
        check(not listening(p2), "the failed netdev's other rule is gone")
        r = q.cmd("human-monitor-command", **{"command-line": "info network"})
        check("u2" not in r.get("return", ""), "the failed netdev is gone", r)
        r = q.cmd("netdev_add", type="user", id="u3",
                  hostfwd=[{"str": "udp:127.0.0.1:%d-:53" % p3}])
        check(r == {"return": {}} and udp_bound(p3), "a UDP rule binds", r)
        r = q.cmd("netdev_del", id="u1")
        check(r == {"return": {}} and not listening(p1),
              "netdev_del closes the port", r)
        r = q.cmd("netdev_add", type="user", id="u1",
                  hostfwd=[{"str": rule}])
        check(r == {"return": {}} and listening(p1), "the port again", r)
        for n in ("u1", "u3"):
            q.cmd("netdev_del", id=n)
        check(not udp_bound(p3), "the UDP port is free again")
        check(fds(d.proc.pid) == start_fds, "descriptors back to the start",
              (fds(d.proc.pid), start_fds))
    finally:
        d.proc.kill()
        d.proc.wait()
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
