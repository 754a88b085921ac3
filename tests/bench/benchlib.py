"""Pieces the Python benchmarks share: starting a machine the way libvirt
starts a domain's emulator, and reading a process's memory figures."""
import os
import socket
import time


def spawn_machine(binary, extra=()):
    """Starts `binary -machine pc -nodefaults -S` with its QMP monitor on
    a listening unix socket passed as fd 3 (-chardev socket,fd=3 and -mon,
    as libvirt 9.0 gives QEMU its monitor), connected to before the process
    starts; its stdout and stderr go to /dev/null.  Returns (pid, the
    connected client socket, time.monotonic() just before the spawn)."""
    lsn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    lsn.bind("")  # autobind: an abstract address, nothing to clean up
    lsn.listen(1)
    cli = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    cli.connect(lsn.getsockname())
    t0 = time.monotonic()
    pid = os.posix_spawn(binary, [binary] + list(extra) + [
        "-machine", "pc", "-nodefaults", "-S",
        "-chardev", "socket,id=mon,fd=3,server=on,wait=off",
        "-mon", "chardev=mon,mode=control"], os.environ,
        file_actions=[(os.POSIX_SPAWN_DUP2, lsn.fileno(), 3),
                      (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                      (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)])
    lsn.close()
    return pid, cli, t0


def smaps_rollup(pid):
    """Rss, Pss and Private_Dirty (kB) from /proc/PID/smaps_rollup; {}
    once the process is gone."""
    r = {}
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            for line in f:
                parts = line.split()
                if parts and parts[0] in ("Rss:", "Pss:", "Private_Dirty:"):
                    r[parts[0][:-1]] = int(parts[1])
    except OSError:
        pass
    return r
