#!/usr/bin/env python3
"""virsh attach-device / detach-device --live of virtio-serial channels
(issue 13): libvirt 9.0 runs the same domains once with QEMU 7.2 and
once with qmachined as their emulator, and must see the same.

A domain with a virtio-serial controller and channels in its XML (unix
sockets libvirt binds, with and without a path of its own choosing, and
a pty) starts: libvirt passes them as -chardev socket,fd=N,server=on and
-chardev pty with -device virtserialport.  Then, live: a unix channel
named org.qemu.guest_agent.0 (no path: libvirt makes one), one with a
path and a custom name, a pty channel and a virtio console (getfd +
chardev-add with an fd address, chardev-add pty, device_add), and
detach of each and of a cold-plugged one (device_del, DEVICE_DELETED,
chardev-remove).  After every step the whole dumpxml of the two domains
is identical (normalised: name, uuid, domain id, emulator, paths
containing the name, pty numbers), and so are query-chardev and the
qom-list of /machine/peripheral and of the virtio-serial bus, read with
virsh qemu-monitor-command; a detached channel is gone from all of them.
At the end, every QMP exchange libvirtd logged with each domain (its
debug log) is the same for both, message for message.

A domain without a controller: libvirt refuses a live channel ("no
virtio-serial controllers are available") and a live controller, for
both; attach-device --config adds the channel and libvirt adds and
places a controller in the persistent definition (identical); after a
restart the channel runs on it, and a live pty channel is attached to
it and detached again.

Skipped (77) without root or without libvirt installed.
"""
import json
import os
import re
import sys
import uuid
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import QMACHINED  # noqa: E402
import libvirtd  # noqa: E402

QEMU = "/usr/bin/qemu-system-x86_64"
BUS = "/machine/peripheral/virtio-serial0/virtio-backend/virtio-serial0.0"

CONTROLLER = "<controller type='virtio-serial' index='0'/>"
COLD = """\
    <channel type='unix'>
      <source mode='bind'/>
      <target type='virtio' name='org.example.cold'/>
    </channel>
    <channel type='unix'>
      <source mode='bind' path='{dir}/{name}.cold.sock'/>
      <target type='virtio' name='org.example.cold-path'/>
    </channel>
    <channel type='pty'>
      <target type='virtio' name='org.example.pty'/>
    </channel>
"""
HOT = [
    ("unix, no path, guest agent", """\
<channel type='unix'>
  <source mode='bind'/>
  <target type='virtio' name='org.qemu.guest_agent.0'/>
</channel>"""),
    ("unix, a path, custom name", """\
<channel type='unix'>
  <source mode='bind' path='{dir}/{name}.test.sock'/>
  <target type='virtio' name='org.example.test'/>
</channel>"""),
    ("pty", """\
<channel type='pty'>
  <target type='virtio' name='org.example.pty2'/>
</channel>"""),
    ("virtio console", """\
<console type='pty'>
  <target type='virtio'/>
</console>"""),
]


def normal(text, name):
    """text of a domain named name with what differs between the two
    runs replaced: the name, uuid, domain id, emulator, pty numbers."""
    text = re.sub(r"<domain type='qemu' id='\d+'>", "<domain type='qemu'>",
                  text)
    text = re.sub(r"<uuid>[^<]*</uuid>", "<uuid/>", text)
    text = re.sub(r"<emulator>[^<]*</emulator>", "<emulator/>", text)
    # libvirt's per-domain directories (the name cut to 20 characters).
    text = re.sub(r"domain-\d+-[^/']*", "domain-N-NAME", text)
    text = re.sub(r"/dev/pts/\d+", "/dev/pts/N", text)
    return text.replace(name, "NAME")


def monitor(d, name, cmd, **args):
    msg = {"execute": cmd}
    if args:
        msg["arguments"] = args
    r = d.virsh("qemu-monitor-command", name, json.dumps(msg))
    try:
        reply = json.loads(r.stdout)
    except ValueError:
        return {"virsh": r.stderr.strip()}
    reply.pop("id", None)
    return json.loads(normal(json.dumps(reply), name))


def chardev_labels(d, name):
    return sorted(c["label"] for c in
                  monitor(d, name, "query-chardev").get("return", []))


def devices(xml_text, tags):
    """The <devices> children with one of tags, as elements."""
    return [e for e in ET.fromstring(xml_text).find("devices")
            if e.tag in tags]


def write(d, text):
    path = os.path.join(d.tmp, "dev-%s.xml" % uuid.uuid4().hex)
    with open(path, "w") as f:
        f.write(text)
    return path


MONITOR_LOG = re.compile(
    r"QEMU_MONITOR_(NEW|SEND_MSG|RECV_REPLY|RECV_EVENT): mon=(0x[0-9a-f]+) "
    r"(.*?)(?=\n\d{4}-\d\d-\d\d |\Z)", re.S)


def conversations(log_path):
    """Each monitor connection of libvirtd's debug log, in order: the
    directory of the domain it belongs to (libvirt's domain-N-NAME, the
    name cut to 20 characters) and what libvirt sent and received, with
    ids, timestamps, descriptor numbers and thread ids left out."""
    with open(log_path, errors="replace") as f:
        text = f.read()
    convs, current = [], {}
    for kind, mon, body in MONITOR_LOG.findall(text):
        if kind == "NEW":
            current[mon] = {"dir": None, "lines": []}
            convs.append(current[mon])
            continue
        conv = current.get(mon)
        if conv is None:
            continue
        m = re.search(r"/domain-\d+-([^/]+)/monitor\.sock", body)
        if m and not conv["dir"]:
            conv["dir"] = m.group(1)
        body = re.sub(r'"id": ?"libvirt-\d+"', "", body.replace("\n", " "))
        body = re.sub(r'"timestamp": \{[^}]*\}', "", body)
        body = re.sub(r"fd=-?\d+", "", body)
        body = re.sub(r'"thread-id": \d+', '"thread-id": T', body)
        conv["lines"].append("%s %s" % (kind, body.strip()))
    return convs


def main():
    return libvirtd.test_main(
        lambda check, d: run(check, d, os.path.abspath(QMACHINED)))


class Pair:
    """The same domain run by QEMU and by qmachined."""

    def __init__(self, check, d, qmachined, base, extra):
        self.check, self.d = check, d
        self.names = {QEMU: base + "-qemu", qmachined: base + "-qmachined"}
        for emu, name in self.names.items():
            xml = libvirtd.domain_xml(name, emu, numa=False)
            xml = xml.replace("    <memballoon",
                              extra.format(dir=d.tmp, name=name) +
                              "    <memballoon")
            r = d.virsh("define", write(d, xml))
            check(r.returncode == 0, "define %s" % name, r.stderr)

    def start(self):
        ok = True
        for name in self.names.values():
            r = self.d.virsh("start", name)
            ok &= self.check(r.returncode == 0, "start %s" % name,
                             r.stderr + self.d.domain_log(name)[-2000:])
        return ok

    def each(self, fn):
        """fn(name) for each domain, QEMU's first, as a list."""
        return [fn(name) for name in self.names.values()]

    def same(self, label, fn):
        """Checks that fn(name) is the same for both (normalised)."""
        got = self.each(fn)
        self.check(got[0] == got[1], label,
                   "\n  qemu:      %s\n  qmachined: %s" % (got[0], got[1]))
        return got[1]

    def dumpxml(self, label, *flags):
        return self.same("dumpxml%s %s" % ("".join(" " + f for f in flags),
                                           label),
                         lambda n: normal(self.d.virsh("dumpxml", n,
                                                       *flags).stdout, n))

    def state(self, label):
        """dumpxml, query-chardev and the qom-lists identical."""
        self.dumpxml(label)
        self.same("query-chardev " + label,
                  lambda n: monitor(self.d, n, "query-chardev"))
        self.same("qom-list /machine/peripheral " + label,
                  lambda n: monitor(self.d, n, "qom-list",
                                    path="/machine/peripheral"))
        self.same("qom-list of the virtio-serial bus " + label,
                  lambda n: monitor(self.d, n, "qom-list", path=BUS))

    def attach(self, what, template):
        for name in self.names.values():
            path = write(self.d, template.format(dir=self.d.tmp, name=name))
            r = self.d.virsh("attach-device", name, path, "--live")
            self.check(r.returncode == 0, "attach %s to %s" % (what, name),
                       r.stderr)

    def detach(self, what, alias):
        """Detaches the device with that alias, as dumpxml shows it."""
        for name in self.names.values():
            text = self.d.virsh("dumpxml", name).stdout
            dev = [e for e in devices(text, ("channel", "console"))
                   if e.find("alias") is not None and
                   e.find("alias").get("name") == alias]
            if not self.check(len(dev) == 1, "%s has %s" % (name, alias)):
                continue
            path = write(self.d, ET.tostring(dev[0], encoding="unicode"))
            before = chardev_labels(self.d, name)
            r = self.d.virsh("detach-device", name, path, "--live")
            self.check(r.returncode == 0, "detach %s from %s" % (what, name),
                       r.stderr)
            text = self.d.virsh("dumpxml", name).stdout
            self.check(alias not in [e.get("name") for e in
                                     ET.fromstring(text).iter("alias")],
                       "%s gone from %s's dumpxml" % (alias, name))
            after = chardev_labels(self.d, name)
            self.check("char" + alias in before and
                       "char" + alias not in after,
                       "char%s gone from %s's query-chardev" % (alias, name),
                       (before, after))
            peripheral = [p["name"] for p in monitor(
                self.d, name, "qom-list",
                path="/machine/peripheral").get("return", [])]
            self.check(alias not in peripheral,
                       "%s gone from %s's /machine/peripheral" % (alias, name),
                       peripheral)


def run(check, d, qmachined):
    # ---- A domain with a controller and cold-plugged channels ----
    with_ctl = Pair(check, d, qmachined, "qm-chan",
                    "    " + CONTROLLER + "\n" + COLD)
    if not with_ctl.start():
        return
    with_ctl.state("at start")
    for name in with_ctl.names.values():
        states = [t.get("state") for t in
                  ET.fromstring(d.virsh("dumpxml", name).stdout).iter(
                      "target") if t.get("type") == "virtio"]
        check(states == ["disconnected"] * 3,
              "%s: cold channels' state from query-chardev" % name, states)
    for what, template in HOT:
        with_ctl.attach(what, template)
        with_ctl.state("after attaching the " + what)
    # The live ones, then a cold one.
    for what, alias in (("guest agent channel", "channel3"),
                        ("custom channel", "channel4"),
                        ("pty channel", "channel5"),
                        ("console", "console0"),
                        ("cold pty channel", "channel2")):
        with_ctl.detach(what, alias)
        with_ctl.state("after detaching the " + what)
    for name in with_ctl.names.values():
        check(not os.path.exists(os.path.join(d.tmp, name + ".test.sock")),
              "%s: the custom channel's socket removed" % name)

    # ---- A domain without: libvirt chooses the controller ----
    bare = Pair(check, d, qmachined, "qm-chan-bare", "")
    if not bare.start():
        return
    # libvirt's errors (their last line: the first names the file).
    errors = bare.each(lambda n: d.virsh(
        "attach-device", n, write(d, HOT[0][1]),
        "--live").stderr.strip().split("\n")[-1])
    check(errors == ["error: internal error: no virtio-serial controllers "
                     "are available"] * 2,
          "no controller: libvirt refuses a live channel on both", errors)
    errors = bare.each(lambda n: d.virsh(
        "attach-device", n, write(d, CONTROLLER),
        "--live").stderr.strip().split("\n")[-1])
    check(errors == ["error: Operation not supported: 'virtio-serial' "
                     "controller cannot be hot plugged."] * 2,
          "libvirt refuses a live controller on both", errors)
    for name in bare.names.values():
        r = d.virsh("attach-device", name, write(d, HOT[0][1]), "--config")
        check(r.returncode == 0, "attach --config to %s" % name, r.stderr)
    inactive = bare.dumpxml("after attach --config", "--inactive")
    check("<controller type='virtio-serial' index='0'>" in inactive,
          "libvirt added a controller", inactive)
    for name in bare.names.values():
        r = d.virsh("destroy", name)
        check(r.returncode == 0, "destroy %s" % name, r.stderr)
    if not bare.start():
        return
    bare.state("restarted with libvirt's controller")
    bare.attach("pty", HOT[2][1])
    bare.state("after attaching a pty channel")
    bare.detach("pty channel", "channel1")
    bare.state("after detaching it")

    # What libvirt sent each domain and what it was answered.
    convs = conversations(d.log)
    for pair in (with_ctl, bare):
        runs = [[normal("\n".join(c["lines"]), name)
                 for c in convs if c["dir"] == name[:20]]
                for name in pair.names.values()]
        check(len(runs[0]) == len(runs[1]) == (1 if pair is with_ctl
                                               else 2),
              "one monitor conversation per start", [len(r) for r in runs])
        for i, (q, m) in enumerate(zip(*runs)):
            diff = [(x, y) for x, y in zip(q.split("\n"), m.split("\n"))
                    if x != y]
            check(q == m, "libvirt's QMP conversation %d with %s as with "
                  "%s" % (i, pair.names[qmachined], pair.names[QEMU]),
                  diff[:1] or (len(q), len(m)))
    sent = "\n".join(line for c in convs
                     if c["dir"] == with_ctl.names[qmachined][:20]
                     for line in c["lines"])
    check(all(w in sent for w in ('"execute":"getfd"', '"type":"fd"',
                                  '"execute":"chardev-add"',
                                  '"driver":"virtserialport"',
                                  '"execute":"device_del"',
                                  '"event": "DEVICE_DELETED"',
                                  '"execute":"chardev-remove"')),
          "the conversation compared is libvirt's hot-plug")

    d.destroy_all(check, list(with_ctl.names.values()) +
                  list(bare.names.values()))


if __name__ == "__main__":
    sys.exit(main())
