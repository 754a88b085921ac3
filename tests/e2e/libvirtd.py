"""A private libvirtd for the tests and the benchmark.

libvirtd 9.0 runs in its own mount namespace, with its configuration,
state, cache, runtime and log directories bound over the system ones from
a temporary directory, so nothing of the host's libvirt is touched and
nothing is left behind.  qemu.conf holds the container settings of
shared/reference/observed.md (no security driver, no cgroups, no
namespaces, root) and writes each domain's output to a file.  Clients
connect through the socket in the temporary directory.

Needs root, libvirtd and virsh (contrib/setup.sh installs libvirt-daemon,
libvirt-daemon-driver-qemu and libvirt-clients and creates the users and
groups libvirt expects).
"""
import os
import shutil
import sys
import subprocess
import tempfile
import time
import uuid

QEMU_CONF = """\
security_driver = "none"
cgroup_controllers = [ ]
namespaces = [ ]
user = "root"
group = "root"
remember_owner = 0
stdio_handler = "file"
"""

DOMAIN = """\
<domain type='qemu'>
  <name>{name}</name>
  <uuid>{uuid}</uuid>
  <maxMemory slots='4' unit='KiB'>8388608</maxMemory>
  <memory unit='KiB'>1048576</memory>
  <currentMemory unit='KiB'>1048576</currentMemory>
  <vcpu placement='static'>1</vcpu>
  <os><type arch='x86_64' machine='pc-i440fx-7.2'>hvm</type></os>
  <features><acpi/><apic/></features>
{cpu}  <on_crash>destroy</on_crash>
  <devices>
    <emulator>{emulator}</emulator>
    <controller type='usb' model='none'/>
    <memballoon model='virtio'/>
  </devices>
</domain>
"""

CPU_NUMA = """\
  <cpu mode='custom' match='exact' check='none'>
    <model fallback='forbid'>qemu64</model>
    <numa><cell id='0' cpus='0' memory='1048576' unit='KiB'/></numa>
  </cpu>
"""


def domain_xml(name, emulator, numa=True):
    """A 1 GiB, 1 vCPU pc-i440fx-7.2 domain ready for memory hotplug
    (4 slots, maxMemory 8 GiB, one NUMA cell; ACPI, which PCI hotplug
    needs), with a virtio balloon;
    without numa, no <cpu> element and no <maxMemory>."""
    xml = DOMAIN.format(name=name, uuid=uuid.uuid4(), emulator=emulator,
                        cpu=CPU_NUMA if numa else "")
    if not numa:
        xml = "\n".join(l for l in xml.split("\n") if "maxMemory" not in l)
    return xml


# libvirt starts each emulator daemonized, so it is reparented to the
# nearest subreaper, normally init, which reaps it at once.  A container's
# init may not; this wrapper is the subreaper: it runs the command and
# reaps every process that ends under it, so libvirt sees an emulator gone
# when it has gone.  It ends (with the command's status) when the command
# does, and passes SIGTERM on.
REAPER = """
import ctypes, os, signal, sys
ctypes.CDLL(None).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
signal.signal(signal.SIGTERM, lambda s, f: os.kill(pid, signal.SIGTERM))
status = 0
while True:
    try:
        p, st = os.wait()
    except ChildProcessError:
        break
    except InterruptedError:
        continue
    if p == pid:
        status = os.waitstatus_to_exitcode(st)
sys.exit(status if status >= 0 else 1)
"""

BINDS = (("etc", "/etc/libvirt"), ("run", "/var/run/libvirt"),
         ("lib", "/var/lib/libvirt"), ("cache", "/var/cache/libvirt"),
         ("log", "/var/log/libvirt"))


def missing():
    """Why a private libvirtd cannot run here, or None."""
    if os.geteuid() != 0:
        return "not root"
    for prog in ("/usr/sbin/libvirtd", "/usr/bin/virsh", "/usr/bin/unshare"):
        if not os.path.exists(prog):
            return prog + " is not installed"
    # The private libvirtd needs its own mount namespace (CAP_SYS_ADMIN).
    r = subprocess.run(["unshare", "-m", "--propagation", "private", "true"],
                       capture_output=True)
    if r.returncode:
        return "no mount namespace here: %s" % r.stderr.decode().strip()
    return None


class Libvirtd:
    def __init__(self, debug_log=True):
        self.tmp = tempfile.mkdtemp(prefix="qm-libvirt-")
        self.sock = os.path.join(self.tmp, "sock")
        os.makedirs(self.sock)
        for d, target in BINDS:
            os.makedirs(os.path.join(self.tmp, d), exist_ok=True)
            os.makedirs(target, exist_ok=True)
        for sub in ("lib/qemu", "cache/qemu", "log/qemu", "run/qemu"):
            os.makedirs(os.path.join(self.tmp, sub), exist_ok=True)
        with open(os.path.join(self.tmp, "etc", "qemu.conf"), "w") as f:
            f.write(QEMU_CONF)
        self.log = os.path.join(self.tmp, "libvirtd.log")
        conf = ['unix_sock_dir = "%s"' % self.sock,
                'auth_unix_rw = "none"', 'auth_unix_ro = "none"']
        if debug_log:
            conf += ['log_filters = "1:qemu.qemu_monitor 3:util 2:qemu"',
                     'log_outputs = "1:file:%s"' % self.log]
        with open(os.path.join(self.tmp, "etc", "libvirtd.conf"), "w") as f:
            f.write("\n".join(conf) + "\n")
        script = "".join("mount --bind %s %s && " % (
            os.path.join(self.tmp, d), target) for d, target in BINDS)
        # Its own PID file: two test libvirtds may run at once.
        script += ("exec /usr/sbin/libvirtd --config /etc/libvirt/libvirtd.conf"
                   " --pid-file %s" % os.path.join(self.tmp, "libvirtd.pid"))
        self.out = open(os.path.join(self.tmp, "libvirtd.out"), "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", REAPER, "unshare", "-m", "--propagation",
             "private", "sh", "-c", script],
            stdout=self.out, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.uri = "qemu:///system?socket=%s/libvirt-sock" % self.sock
        deadline = time.monotonic() + 30
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError("libvirtd exited: %s" % self.output())
            if os.path.exists(os.path.join(self.sock, "libvirt-sock")) and \
                    self.virsh("version").returncode == 0:
                break
            if time.monotonic() > deadline:
                raise RuntimeError("libvirtd did not start: %s"
                                   % self.output())
            time.sleep(0.1)

    def output(self):
        with open(os.path.join(self.tmp, "libvirtd.out"), "rb") as f:
            return f.read().decode(errors="replace")

    def virsh(self, *args, input=None, timeout=120):
        """Runs virsh on this libvirtd; returns the CompletedProcess (text)."""
        return subprocess.run(["virsh", "-q", "-c", self.uri] + list(args),
                              input=input, capture_output=True, text=True,
                              timeout=timeout)

    def domain_log(self, name):
        path = os.path.join(self.tmp, "log", "qemu", name + ".log")
        try:
            with open(path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        for name in self.virsh("list", "--all", "--name").stdout.split():
            self.virsh("destroy", name)
            self.virsh("undefine", name)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.out.close()

    def cleanup(self):
        shutil.rmtree(self.tmp, ignore_errors=True)

    def destroy_all(self, check, names):
        """Destroys and undefines each domain, checking each step, then
        that no domain is left."""
        for name in names:
            r = self.virsh("destroy", name)
            check(r.returncode == 0, "destroy %s" % name, r.stderr)
            r = self.virsh("undefine", name)
            check(r.returncode == 0, "undefine %s" % name, r.stderr)
        r = self.virsh("list", "--all", "--name")
        check(r.stdout.split() == [], "no domain left", r.stdout)

    def finish(self, failed):
        """Stops libvirtd; its directory (logs) is kept when a test failed."""
        self.stop()
        if failed:
            print("libvirtd log kept in", self.tmp)
        else:
            self.cleanup()


def test_main(body):
    """The frame of a libvirt end-to-end test: skipped (77) where a private
    libvirtd cannot run, else body(check, d) against one (d), stopped at
    the end with its logs kept if a check failed; the Checker's status."""
    from resthttp import Checker

    why = missing()
    if why:
        print("SKIP: %s" % why)
        return 77
    check = Checker()
    d = Libvirtd()
    try:
        body(check, d)
    finally:
        d.finish(check.failed)
    return check.finish()
