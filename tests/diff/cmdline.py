#!/usr/bin/env python3
"""Command-line differential test: each argument vector below is given to
the live qemu-system-x86_64 (QEMU 7.2) and to qmachined, and their exit
status and standard error must agree byte for byte (QEMU's program name
prefix replaced by qmachined's).  Nothing is recorded: QEMU's answer is
found by running it.

Both get `-machine pc -display none -accel tcg -S -nodefaults -qmp
unix:DIR/qmp.sock,server=on,wait=off` before the case's arguments, each in
its own temporary directory (cases that choose an accelerator themselves
get no -accel tcg), with a 1 MiB disk.img of zeros there for -drive.
An input is "accepted" when QMP answers
qmp_capabilities (QEMU's main loop runs only once the machine is built;
its greeting alone comes earlier, from the monitor thread) or when it is
still running after ACCEPT_WAIT seconds; both sides are then killed and
must both have accepted it with the same warnings.  Rejected inputs must exit with the same status.

The error cases of tests/check_options.c are included (read from that
file), so the texts recorded there are checked against QEMU too.

Run: QMACHINED=src/qmachined python3 tests/diff/cmdline.py [-v] [FILTER]
The last line is `N passed, N failed`; exit 0 when none failed.
"""
import concurrent.futures
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ACCEPT_WAIT = 8.0       # seconds without an answer or exit: accepted
BASE = ["-machine", "pc", "-display", "none", "-accel", "tcg", "-S",
        "-nodefaults"]

M64 = "memory-backend-ram,id=m0,size=64M"
M64B = "memory-backend-ram,id=m1,size=64M"
M128 = "memory-backend-ram,id=m0,size=128M"
TWO = ["-object", M64, "-object", M64B]
TWO_NODES = TWO + ["-numa", "node,memdev=m0", "-numa", "node,memdev=m1"]


def three_nodes():
    v = []
    for i in range(3):
        v += ["-object", "memory-backend-ram,id=n%d,size=%dM"
              % (i, 32 if i < 2 else 64),
              "-numa", "node,memdev=n%d" % i]
    return v


# Each case: a list of arguments (after BASE).
CASES = [
    # ---- -numa node ----
    ["-numa", "node,nodeid=128"],
    ["-numa", "node,nodeid=127"],
    ["-numa", "node,nodeid=70000"],
    ["-numa", "node,nodeid=-1"],
    ["-numa", "node,nodeid=0", "-numa", "node,nodeid=0"],
    ["-numa", "node,nodeid=1"],
    ["-numa", "node", "-numa", "node,nodeid=3"],
    ["-numa", "node,nodeid=1,nodeid=2"],
    ["-numa", "node"],
    ["-numa", "node,cpus=3-1"],
    ["-numa", "node,cpus=a"],
    ["-numa", "node,cpus=0-"],
    ["-numa", "node,cpus=0-70000"],
    ["-numa", "node,cpus=65536"],
    ["-numa", "node,cpus=5"],
    ["-smp", "4", "-numa", "node,cpus=0-4"],
    ["-numa", "node,src=1"],
    ["-numa", "node,src=1,nodeid=x"],
    ["-numa", "node,initiator=0"],
    ["-numa", "node,memdev=m0"],
    ["-numa", "node,memdev=m0,mem=1G"],
    ["-object", M64, "-numa", "node,memdev=m0"],
    ["-object", M128, "-numa", "node,memdev=m0"],
    ["-object", M128, "-numa", "node,memdev=m0", "-machine",
     "memory-backend=m0"],
    ["-object", M64, "-numa", "node,memdev=m0", "-numa", "node,mem=64M"],
    ["-numa", "node,mem=64M"],
    TWO_NODES,
    TWO + ["-numa", "node,memdev=m0", "-numa", "node,memdev=m1,nodeid=2"],
    TWO + ["-numa", "node,memdev=m0,nodeid=1", "-numa", "node,memdev=m1"],
    ["-smp", "2"] + TWO + ["-numa", "node,cpus=0,memdev=m0",
                           "-numa", "node,memdev=m1"],
    ["-smp", "2"] + TWO + ["-numa", "node,cpus=0,memdev=m0",
                           "-numa", "node,cpus=0,memdev=m1"],
    ["-smp", "2"] + TWO + ["-numa", "node,cpus=0-1,memdev=m0",
                           "-numa", "node,memdev=m1"],
    ["-smp", "4"] + TWO + ["-numa", "node,cpus=0,cpus=2,memdev=m0",
                           "-numa", "node,memdev=m1,cpus=1"],
    ["-smp", "4,sockets=2,dies=2,cores=1"] + TWO +
    ["-numa", "node,cpus=0,memdev=m0", "-numa", "node,memdev=m1"],
    ["-numa", "node,bogus=1", "-object", "nosuch,id=x"],
    ["-numa", "node,nodeid=200", "-smp", "2,bogus=1"],
    ["-numa", "node,nodeid=200", "-m", "1G,maxmem=foo"],
    # ---- -numa dist ----
    ["-numa", "node", "-numa", "dist,src=0,dst=1,val=20"],
    TWO_NODES + ["-numa", "dist,src=0,dst=1,val=5"],
    TWO_NODES + ["-numa", "dist,src=0,dst=0,val=20"],
    TWO_NODES + ["-numa", "dist,src=0,dst=0,val=10"],
    TWO_NODES + ["-numa", "dist,src=0,dst=1,val=20"],
    TWO_NODES + ["-numa", "dist,src=0,dst=1,val=20",
                 "-numa", "dist,src=1,dst=0,val=30"],
    three_nodes() + ["-numa", "dist,src=0,dst=1,val=20"],
    three_nodes() + ["-numa", "dist,src=0,dst=1,val=20",
                     "-numa", "dist,src=1,dst=2,val=20",
                     "-numa", "dist,src=2,dst=0,val=20"],
    three_nodes() + ["-numa", "dist,src=0,dst=1,val=20",
                     "-numa", "dist,src=1,dst=0,val=30",
                     "-numa", "dist,src=1,dst=2,val=20",
                     "-numa", "dist,src=2,dst=0,val=20"],
    ["-numa", "dist,src=200,dst=1,val=20"],
    ["-numa", "dist,src=0,dst=300,val=20"],
    ["-numa", "dist,src=0,dst=1"],
    ["-numa", "dist,src=0,val=1"],
    ["-numa", "dist,dst=0,val=1"],
    ["-numa", "dist,src=0,dst=1,val=300"],
    ["-numa", "dist,src=0,dst=1,val=20,nodeid=1"],
    # ---- -numa cpu, hmat ----
    ["-numa", "cpu"],
    ["-numa", "cpu,node-id=0"],
    ["-numa", "cpu,node-id=200"],
    ["-smp", "2"] + TWO_NODES + ["-numa", "cpu,node-id=1,socket-id=1"],
    ["-smp", "2"] + TWO_NODES + ["-numa", "cpu,node-id=1,core-id=0"],
    ["-smp", "2"] + TWO_NODES + ["-numa", "cpu,node-id=1,core-id=0",
                                 "-numa", "cpu,node-id=0,core-id=1"],
    ["-smp", "2"] + TWO_NODES + ["-numa", "cpu,node-id=1,core-id=0",
                                 "-numa", "cpu,node-id=0,core-id=0"],
    ["-smp", "2"] + TWO_NODES + ["-numa", "cpu,node-id=1,die-id=0"],
    ["-smp", "2"] + TWO_NODES + ["-numa", "cpu,node-id=1,cluster-id=0"],
    ["-smp", "4,dies=2"] + TWO_NODES + ["-numa", "cpu,node-id=1,die-id=1"],
    ["-numa", "hmat-lb"],
    ["-numa", "hmat-cache"],
    ["-numa", "hmat-lb,initiator=0,target=0,hierarchy=memory,"
     "data-type=access-latency,latency=5"],
    # ---- -m ----
    ["-m", "1G,slots=8,maxmem=1G"],
    ["-m", "1G,slots=8,maxmem=2G"],
    ["-m", "1G,maxmem=1G"],
    ["-m", "1G,maxmem=2G"],
    ["-m", "1G,slots=2,maxmem=1073745920"],
    ["-m", "1G,slots=2,maxmem=1073741825"],
    ["-m", "1G,maxmem=1073741825"],
    ["-m", "1G,slots=256,maxmem=2G"],
    ["-m", "1G,slots=257,maxmem=2G"],
    ["-m", "1G,slots=257,maxmem=1G"],
    ["-m", "1G,slots=8,maxmem=512M"],
    ["-m", "1G,slots=0,maxmem=1G"],
    ["-m", "1000k"],
    ["-m", "1G,slots=1,maxmem=2G", "-machine", "none"],
    # ---- -machine ----
    ["-machine", "pc,max-ram-below-4g=8G"],
    ["-machine", "pc,max-ram-below-4g=4G"],
    ["-machine", "pc,max-ram-below-4g=1K"],
    ["-machine", "pc,max-ram-below-4g=0"],
    ["-machine", "pc,max-ram-below-4g=2G"],
    ["-m", "4G", "-machine", "pc,max-ram-below-4g=2G"],
    ["-m", "4G", "-machine", "pc,max-ram-below-4g=2500M"],
    ["-m", "4G", "-machine", "pc,max-ram-below-4g=3584M"],
    ["-machine", "pc,memory-backend=nosuch"],
    ["-machine", "pc,memory-backend="],
    ["-object", M64, "-machine", "memory-backend=m0"],
    ["-object", M128, "-machine", "memory-backend=m0"],
    ["-object", M128, "-machine", "memory-backend=m0", "-m", "256M"],
    ["-object", M128, "-machine", "memory-backend=m0", "-m", "128M"],
    ["-object", M128, "-machine", "memory-backend=m0", "-m",
     "128M,slots=2,maxmem=1G"],
    ["-machine", "pc,confidential-guest-support=x"],
    ["-machine", "pc,confidential-guest-support="],
    ["-object", M128, "-machine", "confidential-guest-support=m0"],
    ["-machine", "pc,confidential-guest-support=x,memory-backend=y"],
    ["-machine", "pc,confidential-guest-support=machine"],
    ["-machine", "pc,confidential-guest-support=/machine/unattached"],
    ["-machine", "pc,confidential-guest-support=/machine/unattached/x"],
    ["-machine", "pc,confidential-guest-support=/"],
    ["-machine", "pc,confidential-guest-support=/objects"],
    ["-machine", "pc,confidential-guest-support=compat_monitor0"],
    ["-chardev", "null,id=c1", "-machine",
     "pc,confidential-guest-support=c1"],
    ["-chardev", "null,id=c1", "-machine",
     "pc,confidential-guest-support=/chardevs"],
    ["-chardev", "file,id=f"],
    ["-chardev", "file,id=f,path=/nonexistent-dir/x"],
    ["-chardev", "file,id=f,path=/dev/null,append=on"],
    ["-chardev", "file,id=f,path=/dev/null,append=maybe"],
    ["-chardev", "null,id=n,foo=1"],
    ["-chardev", "null,id=n", "-chardev", "file,id=n,path=/dev/null"],
    # Socket chardevs no monitor serves on (libvirt's channels).
    ["-chardev", "socket,id=s,path=s.sock,server=on,wait=off"],
    ["-chardev", "socket,id=s,path=s.sock,server=on,wait=off", "-device",
     "virtio-serial-pci", "-device", "virtserialport,chardev=s,nr=1"],
    ["-chardev", "socket,id=s,host=127.0.0.1,port=0,server=on,wait=off"],
    ["-chardev", "socket,id=s,path=s.sock,wait=off"],
    ["-chardev", "socket,id=s,path=none.sock"],
    ["-chardev", "socket,id=s,fd=0,server=on,wait=off"],
    ["-chardev", "socket,id=s,fd=99,server=on,wait=off"],
    ["-chardev", "socket,id=s,fd=x,server=on,wait=off"],
    ["-chardev", "socket,id=s,server=on,wait=off"],
    ["-chardev", "socket,id=s,path=s.sock,server=on,wait=off",
     "-chardev", "socket,id=s2,path=s.sock,server=on,wait=off"],
    ["-object", M128, "-machine", "memory-backend="],
    ["-object", "memory-backend-ram,id=m0,size=128M", "-object",
     "memory-backend-ram,id=m1,size=128M", "-machine", "memory-backend=m1",
     "-numa", "node,memdev=m0"],
    ["-machine", "pc,max-fw-size=32M"],
    ["-machine", "pc,max-fw-size=0"],
    ["-machine", "pc,max-ram-below-4g=5G,max-fw-size=32M"],
    ["-m", "1G,slots=2,maxmem=1T"],
    ["-m", "1G,maxmem=1000G"],
    ["-m", "1G,maxmem=1010G"],
    ["-m", "1G,slots=2,maxmem=16000P"],
    ["-m", "1G,slots=2,maxmem=500G", "-cpu", "kvm64"],
    ["-m", "1G,slots=2,maxmem=1010G", "-cpu", "kvm64"],
    ["-m", "1G,slots=2,maxmem=1T", "-cpu", "kvm64"],
    ["-m", "1G,slots=2,maxmem=1T", "-cpu", "core2duo"],
    ["-m", "1G,slots=300,maxmem=2T"],
    ["-m", "1G,slots=2,maxmem=1073741825000"],
    ["-m", "1G,slots=2,maxmem=2T", "-cpu", "qemu32"],
    ["-m", "1G,slots=2,maxmem=2T", "-cpu", "n270"],
    ["-m", "1G,slots=2,maxmem=2T", "-cpu", "486"],
    ["-m", "1G,slots=2,maxmem=2T", "-cpu", "pentium3"],
    ["-m", "1G,slots=2,maxmem=2T", "-cpu", "kvm32"],
    ["-m", "1G,slots=2,maxmem=2T", "-cpu", "max"],
    # ---- -cpu: models, TCG's warnings for what it filters, errors ----
    ["-cpu", "qemu64"],
    ["-cpu", "qemu64-v1"],
    ["-cpu", "qemu64-v9"],
    ["-cpu", "nosuch"],
    ["-cpu", ""],
    ["-cpu", "host"],
    ["-cpu", "base"],
    ["-cpu", "Skylake-Client"],
    ["-cpu", "Skylake-Client-v4"],
    ["-cpu", "Skylake-Server-noTSX-IBRS"],
    ["-cpu", "Cooperlake"],
    ["-cpu", "Snowridge"],
    ["-cpu", "EPYC-Milan"],
    ["-cpu", "Dhyana"],
    ["-cpu", "Opteron_G5"],
    ["-cpu", "core2duo"],
    ["-smp", "2,maxcpus=4", "-cpu", "Westmere-IBRS"],
    ["-machine", "none", "-cpu", "qemu64"],
    # -cpu's feature string: +/- flags at realize, NAME=VALUE as globals
    ["-cpu", "qemu64,+avx512f"],
    ["-cpu", "qemu64,+nosuch"],
    ["-cpu", "qemu64,-nosuch"],
    ["-cpu", "qemu64,+family"],
    ["-cpu", "qemu64,foo=bar"],
    ["-cpu", "qemu64,level=abc"],
    ["-cpu", "qemu64,node-id=abc"],
    ["-cpu", "qemu64,level=0x10"],
    ["-cpu", "qemu64,level=-1"],
    ["-cpu", "qemu64,level="],
    ["-cpu", "qemu64,pmu=maybe"],
    ["-cpu", "qemu64,vendor=x"],
    ["-cpu", "qemu64,family=999"],
    ["-cpu", "qemu64,hv-no-nonarch-coresharing=x"],
    ["-cpu", "qemu64,,+aes,"],
    ["-cpu", "qemu64,+sse4_1,-sse4.1,sse4_2=on"],
    ["-cpu", "Skylake-Client,-pcid,-x2apic,-tsc-deadline"],
    ["-cpu", "max,migratable=off"],
    ["-m", "1G,slots=2,maxmem=16383P"],
    ["-m", "1G,slots=2,maxmem=18446744073709547520"],
    ["-smp", "8,sockets=2,cores=2,threads=2", "-cpu", "max"],
    ["-smp", "8,sockets=2,cores=2,threads=2", "-cpu", "qemu32"],
    ["-smp", "8,sockets=2,cores=2,threads=2", "-m", "1G,slots=300,maxmem=2G"],
    ["-m", "1G,slots=300,maxmem=2G", "-numa", "node,nodeid=200"],
    ["-machine", "none", "-numa", "node"],
    ["-machine", "none", "-numa", "node,bogus=1"],
    ["-numa", "node,id=a", "-numa", "node,id=a"],
    ["-numa", "node,id=a"],
    ["-numa", "node,id=0a"],
    ["-object", M64, "-numa", "node,memdev=m0", "-numa", "node,memdev=m0"],
    ["-numa", "node,nodeid=0x1"],
    ["-numa", "node,nodeid=010"],
    ["-numa", "node,cpus=0-65535"],
    ["-numa", "node,cpus=0-65536"],
    ["-numa", "node,cpus=1-1,cpus=3"],
    ["-numa", "node,cpus="],
    ["-numa", "node,cpus=0x1"],
    ["-numa", "node,mem=x"],
    ["-numa", "node,mem=1G,bogus=1"],
    ["-numa", "cpu,node-id=x"],
    ["-numa", "cpu,socket-id=-5"],
    ["-numa", "hmat-lb,initiator=0,target=0,hierarchy=x,data-type=y"],
    ["-numa", "hmat-cache,node-id=0,size=x,level=1,associativity=none,"
     "policy=none,line=8"],
    ["-numa", "hmat-cache,node-id=0,size=1K,level=1,associativity=none,"
     "policy=none,line=8"],
    ["-numa", "node,cpus=0,nodeid=300"],
    ["-numa", "type=node"],
    ["-numa", "nodeid=1"],
    ["-numa", ",nodeid=1"],
    ["-numa", "node,memdev="],
    ["-numa", "node,type=dist"],
    ["-numa", "dist,src=0,dst=1,val=0x20"],
    ["-smp", "2,maxcpus=4", "-object", M128, "-numa",
     "node,memdev=m0,cpus=0"],
    ["-smp", "2,maxcpus=4", "-object", M128, "-numa",
     "node,memdev=m0,cpus=0", "-qtest",
     "unix:qtest.sock,server=on,wait=off"],
    ["-object", M128, "-numa", "node,memdev=m0", "-m",
     "128M,slots=2,maxmem=1G"],
    ["-object", M128, "-machine", "memory-backend=m0", "-m",
     "128M,slots=2,maxmem=1G", "-device", "pc-dimm,memdev=m0"],
    ["-smp", "4"] + TWO + ["-numa", "node,memdev=m0,cpus=0-1",
                           "-numa", "node,memdev=m1,cpus=2-65535"],
    ["-numa", "node,cpus=65530-65540"],
    ["-machine", "pc,memory-backend=y", "-numa", "node,nodeid=500"],
    ["-machine", "pc,max-ram-below-4g=8G,usb=maybe"],
    ["-machine", "pc,hpet=maybe"],
    ["-machine", "pc,max-fw-size=16M"],
    ["-machine", "pc,max-fw-size=x"],
    ["-machine", "pc,nosuchprop=1"],
    ["-machine", "none,max-ram-below-4g=1G"],
    ["-machine", "pc,acpi=auto"],
    ["-machine", "pc,smm=x"],
    ["-machine", "pc,graphics=x"],
    ["-machine", "pc,phandle-start=x"],
    ["-machine", "pc,bus-lock-ratelimit=-1"],
    ["-machine", "pc,x-oem-id=toolongid"],
    ["-machine", "pc,x-oem-table-id=123456789"],
    ["-machine", "pc,smbios-entry-point-type=x"],
    ["-machine", "pc,smbios-entry-point-type=64"],
    ["-machine", "pc,memory-encryption=x"],
    ["-machine", "pc,default-bus-bypass-iommu=x"],
    ["-machine", "pc,max-fw-size=1K"],
    ["-machine", "pc,append=x"],
    ["-machine", "pc,initrd=x"],
    ["-machine", "pc,dumpdtb=x"],
    ["-machine", "pc,pit=off"],
    ["-machine", "pc,vmport=x"],
    ["-machine", "pc,suppress-vmdesc=on"],
    ["-machine", "pc,mem-merge=x"],
    ["-machine", "none,usb=x"],
    ["-machine", "none,hpet=off"],
    ["-machine", "pc,max-ram-below-4g=4G+1"],
    ["-machine", "pc,max-ram-below-4g=-1"],
    ["-machine", "pc,max-ram-below-4g=0x100000000"],
    ["-machine", "pc,smbios-entry-point-type=auto"],
    ["-machine", "pc,memory-encryption="],
    ["-machine", "pc,append=x", "-numa", "node,bogus=1"],
    ["-machine", "pc,append=x,usb=x"],
    ["-machine", "pc,append=x", "-m", "1G,slots=2,maxmem=1G"],
    ["-machine", "pc,initrd=x,append=y"],
    ["-machine", "q35x,append=x"],
    ["-rtc", "base=foo", "-machine", "pc,append=x"],
    ["-machine", "none,append=x"],
    ["-machine", "pc,x-oem-id=1234567,x-oem-table-id=123456789"],
    ["-machine", "pc,x-oem-id=123456,x-oem-table-id=12345678"],
    ["-machine", "pc,memory-encryption=x,usb=x"],
    # ---- -smp ----
    ["-smp", "2,dies=2"],
    ["-smp", "4,clusters=2"],
    ["-smp", "cpus=2,maxcpus=300"],
    ["-smp", "8,sockets=2,cores=2,threads=2"],
    ["-smp", "8,sockets=3"],
    ["-smp", "sockets=2,maxcpus=3"],
    ["-smp", "4,threads=3"],
    ["-smp", "cpus=4,sockets=2,cores=2,threads=2"],
    ["-smp", "maxcpus=256"],
    ["-smp", "256"],
    ["-smp", "255"],
    ["-smp", "1,maxcpus=2,dies=0"],
    ["-smp", "2,cores=0"],
    ["-smp", "2,clusters=1"],
    ["-smp", "4,dies=2,sockets=1,cores=2"],
    ["-smp", "cores=2,threads=2"],
    ["-smp", "2,maxcpus=4", "-machine", "none"],
    ["-smp", "2", "-machine", "none"],
    ["-smp", "4", "-smp", "sockets=2"],
    # ---- -netdev (QemuOpts and JSON) ----
    ["-netdev", "user,id=n1,net=bad"],
    ["-netdev", "user,id=n1,restrict=maybe"],
    ["-netdev", "user,id=n1,bogus=1"],
    ["-netdev", "tap2,id=n1"],
    ["-netdev", "user,id=n1,hostfwd=tcp::0-:22,hostfwd=bad"],
    ["-netdev", "user,id=n1,ipv6-prefixlen=x"],
    ["-netdev", "user"],
    ["-netdev", "user,id=1n"],
    ["-netdev", "user,id=n1", "-netdev", "user,id=n1"],
    ["-netdev", '{"type":"user","id":"n1","net":"bad"}'],
    ["-netdev", '{"type":"user","id":"n1"}', "-netdev", '{"type":"user","id":"n1"}'],
    ["-netdev", "user,id=n1,ipv4=off,ipv6=off"],
    ["-netdev", "user,id=n1", "-device", "virtio-net-pci,netdev=nosuch"],
    ["-netdev", "user,id=n1", "-device", "virtio-net-pci,netdev=n1",
     "-device", "e1000,netdev=n1"],
    ["-netdev", "user,id=n1,dnssearch=a.org,dnssearch=b.org,restrict=on,"
     "hostfwd=tcp:127.0.0.1:0-:22,hostfwd=udp::0-:53"],
    ["-netdev", '{"type":"user","id":"hostnet0"}', "-device",
     '{"driver":"virtio-net-pci","netdev":"hostnet0","id":"net0",'
     '"mac":"52:54:00:11:22:33","bus":"pci.0","addr":"0x3"}'],
    # ---- -object: where errors are reported, how values convert ----
    ["-object", "memory-backend-ram,id=m,size=0"],
    ["-object", "memory-backend-ram,id=m,size=1M,policy=bind"],
    ["-object", "memory-backend-ram,id=m,size=2X"],
    ["-object", "memory-backend-ram,id=m,size=99999999999999999999"],
    ["-object", "memory-backend-ram,id=m,size=1M,prealloc-threads=x"],
    ["-object", "memory-backend-ram,id=m,size=1M,prealloc-threads=-1"],
    ["-object", "memory-backend-ram,id=m,size=1M,prealloc-threads=4294967296"],
    ["-object", "memory-backend-ram,id=m,size=1M,prealloc-threads=0"],
    ["-object", "secret,id=s,file=/nonexistent"],
    # ---- memory-backend-memfd ----
    ["-object", "memory-backend-memfd,id=m,size=1M,hugetlbsize=0"],
    ["-object", "memory-backend-memfd,id=m,size=1M,hugetlbsize=2X"],
    ["-object", "memory-backend-memfd,id=m,size=1M,hugetlbsize=3M"],
    ["-object", "memory-backend-memfd,id=m,size=1M,seal=maybe"],
    ["-object", "memory-backend-memfd,id=m,size=1M,hugetlb=on"],
    ["-object", "memory-backend-memfd,id=m,size=1M,bogus=1"],
    ["-object", "memory-backend-memfd,id=m,size=4097"],
    ["-object", "memory-backend-memfd,id=m"],
    ["-object", "memory-backend-memfd,id=m,size=1M,hugetlbsize=2M,seal=off"],
    ["-object", '{"qom-type":"memory-backend-memfd","id":"m","size":1048576,'
     '"hugetlbsize":0}'],
    ["-object", "memory-backend-memfd,id=m0,size=128M", "-numa",
     "node,memdev=m0"],
    # ---- iothread, main-loop ----
    ["-object", "iothread,id=io0,poll-max-ns=abc"],
    ["-object", "iothread,id=io0,poll-max-ns=-1"],
    ["-object", "iothread,id=io0,poll-max-ns=1k"],
    ["-object", "iothread,id=io0,poll-max-ns=9223372036854775808"],
    ["-object", "iothread,id=io0,poll-grow="],
    ["-object", "iothread,id=io0,poll-grow=-0x10"],
    ["-object", "iothread,id=io0,aio-max-batch=1.5"],
    ["-object", "iothread,id=io0,bogus=1"],
    ["-object", "iothread"],
    ["-object", "iothread,id=io0,thread-pool-max=0"],
    ["-object", "iothread,id=io0,thread-pool-min=3,thread-pool-max=2"],
    ["-object", "iothread,id=io0", "-object", "iothread,id=io0"],
    ["-object", '{"qom-type":"iothread","id":"io0","poll-grow":-1}'],
    ["-object", '{"qom-type":"iothread","id":"io0","poll-grow":"1"}'],
    ["-object", "main-loop,id=ml", "-object", "main-loop,id=ml2"],
    ["-object", "iothread,id=io0,poll-max-ns=0x10,thread-pool-max=2",
     "-object", "main-loop,id=ml"],
    # ---- libvirt's JSON forms ----
    ["-object", '{"qom-type":"iothread","id":"iothread1","poll-max-ns":100,'
     '"poll-grow":2,"poll-shrink":2}'],
    ["-object", '{"qom-type":"memory-backend-memfd","id":"pc.ram",'
     '"x-use-canonical-path-for-ramblock-id":false,"share":true,'
     '"size":134217728}', "-machine", "pc,memory-backend=pc.ram"],
    # ---- USB: -usb, usb=on, piix3-usb-uhci ----
    ["-usb", "-device", "piix3-usb-uhci,id=usb,bus=pci.0,addr=0x1.0x2"],
    ["-machine", "pc,usb=on", "-device", "piix3-usb-uhci,addr=0x1.0x2"],
    ["-device", "piix3-usb-uhci,id=usb,bus=pci.0,addr=0x1.0x2,bandwidth=-1"],
    ["-device", "piix3-usb-uhci,maxframes=x"],
    ["-device", "piix3-usb-uhci,masterbus=usb.0"],
    ["-device", "piix3-usb-uhci,id=usb", "-device", "piix3-usb-uhci,id=usb"],
    ["-machine", "pc,usb=maybe"],
    ["-usb", "-machine", "usb=off"],
    ["-machine", "usb=off", "-usb"],
    ["-device", "pci-uhci-usb"],
    # ---- -drive (disk.img: 1 MiB of zeros in each directory) ----
    ["-drive", "if=none,id=d0,file=disk.img"],
    ["-drive", "if=none,id=d0,file=disk.img,readonly=on"],
    ["-drive", "if=none,file=disk.img,format=raw"],
    ["-drive", "if=none,id=d0,file=nope.img"],
    ["-drive", "if=foo,file=disk.img"],
    ["-drive", "id=d0,file=disk.img,if=none,foo=1"],
    ["-drive", "id=d0,file=disk.img,if=none,format=raw,foo=1"],
    ["-drive", "id=d0,file=disk.img,if=none,format=raw,file.foo=1"],
    ["-drive", "id=d0,if=none,cache=bogus"],
    ["-drive", "id=d0,if=none,werror=x"],
    ["-drive", "id=d0,if=none,rerror=enospc"],
    ["-drive", "id=d0,if=none,format=nope,file=disk.img"],
    ["-drive", "id=0d,if=none"],
    ["-drive", "id=d0,if=none,media=tape"],
    ["-drive", "id=d0,if=none,index=1,unit=0"],
    ["-drive", "id=d0,if=none,aio=bad"],
    ["-drive", "id=d0,if=none,detect-zeroes=bad"],
    ["-drive", "id=d0,if=none,format=raw"],
    ["-drive", "id=d0,if=none,file=disk.img,format=raw,aio=native"],
    ["-drive", "id=d0,if=none,file=disk.img,format=raw,aio=native,"
     "cache=none"],
    ["-drive", "id=d0,if=none,file=disk.img,format=qcow2"],
    ["-drive", "id=x,if=none,file=disk.img,format=raw,node-name=x"],
    ["-drive", "id=x,if=none,file=disk.img,format=raw,copy-on-read=on,"
     "readonly=on"],
    ["-drive", "id=x,if=none,readonly=on,read-only=on"],
    ["-drive", "id=x,if=none,readonly=maybe"],
    ["-drive", "id=x,if=none,index=x"],
    ["-drive", "if=none,id=d0,file=disk.img,format=raw",
     "-drive", "if=none,id=d0,file=disk.img,format=raw"],
    ["-blockdev", "null-co,node-name=d0",
     "-drive", "if=none,id=d0,file=disk.img,format=raw"],
    ["-drive", "if=virtio,file=disk.img,format=raw",
     "-device", "virtio-blk-pci,drive=virtio0"],
    ["-drive", "if=virtio,file=disk.img,format=raw,index=2",
     "-drive", "if=virtio,file=disk.img,format=raw,index=2,"
     "file.locking=off"],
    ["-drive", "if=none,id=d0", "-device", "virtio-blk-pci,drive=d0"],
    # if=scsi: made, then refused once the board is built (no pc board
    # device takes it; QEMU 7.2 makes no SCSI controller for it)
    ["-drive", "if=scsi,file=disk.img,format=raw"],
    ["-drive", "if=scsi,file=disk.img,format=raw",
     "-drive", "if=scsi,file=disk.img,format=raw,readonly=on,index=9,"
     "media=cdrom"],
    ["-drive", "if=scsi,file=disk.img,format=raw",
     "-device", "virtio-scsi-pci", "-device", "scsi-hd,drive=scsi0-hd0"],
    ["-drive", "if=scsi,file=disk.img,format=raw,id=foo", "-device", "nope"],
    ["-drive", "if=scsi,file=disk.img,format=raw,unit=7"],
    ["-drive", "if=scsi,file=disk.img,format=raw",
     "-drive", "if=none,id=scsi0-hd0"],
    ["-drive", "if=scsi,media=cdrom", "-drive", "if=none,id=scsi0-cd0"],
    ["-drive", "if=scsi,file=nope.img"],
    # scsi-hd and scsi-cd on virtio-scsi-pci from the command line
    ["-drive", "if=none,id=d0,file=disk.img,format=raw",
     "-device", "virtio-scsi-pci,id=scsi0",
     "-device", "scsi-hd,drive=d0,bus=scsi0.0,scsi-id=3,lun=1"],
    ["-device", "virtio-scsi-pci,id=scsi0", "-device", "scsi-cd,bus=scsi0.0",
     "-device", "scsi-cd,bus=scsi0.0,scsi-id=0,lun=0"],
    ["-device", "scsi-hd,drive=x"],
    ["-drive", "if=none,id=d0", "-device", "virtio-scsi-pci",
     "-device", "scsi-hd,drive=d0"],
    ["-device", "virtio-scsi-pci,num_queues=0"],
    ["-device", "virtio-scsi-pci,id=s", "-device", "scsi-hd,bus=s.0,lun=99999"],
    ["-drive", "id=x,file=disk.img,format=raw,if=none",
     "-device", "virtio-blk-pci,drive=x", "-device", "virtio-blk-pci,drive=x"],
    ["-drive", "id=x,file=disk.img,format=raw,if=none",
     "-drive", "id=y,file=disk.img,format=raw,if=none",
     "-device", "virtio-blk-pci,drive=x", "-device", "virtio-blk-pci,drive=y"],
    ["-drive", "if=virtio,file=disk.img,format=raw,cache=writethrough",
     "-device", "virtio-blk-pci,drive=nope"],
    ["-device", "virtio-blk-pci,drive=nope"],
    ["-device", "virtio-blk-pci"],
    # ---- bytes that are not UTF-8 (\udcXX: the raw byte XX) ----
    ["-object", "memory-backend-ram,id=m\udcff,size=1M"],
    ["-object", "memory-backend-ram\udcc0\udc80,id=m,size=1M"],
    ["-device", "pc-dimm\udcff"],
    ["-machine", "pc,x\udcff=1"],
    ["-numa", "node,nodeid=\udcff"],
    ["-m", "1G\udcff"],
    ["-name", "gu\udcffest"],
    # ---- good inputs ----
    [],
    ["-m", "512M"],
    ["-m", "1G,slots=4,maxmem=4G"],
    ["-smp", "4,sockets=2,cores=2"],
    ["-machine", "pc-i440fx-7.2,usb=off,hpet=off"],
    ["-name", "guest=x", "-uuid", "12345678-1234-1234-1234-123456789abc"],
]


def c_unescape(s):
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t"}.get(
        m.group(1), m.group(1)), s)


def unit_test_cases():
    """The error cases recorded in tests/check_options.c (err_cases[] and
    numa_err_cases[])."""
    path = os.path.join(HERE, "..", "check_options.c")
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return []
    cases = []
    pat = re.compile(r'\{\s*"((?:[^"\\]|\\.)*)",\s*'
                     r'(NULL|"((?:[^"\\]|\\.)*)")\s*,')
    spans = []
    for table in ("err_cases[]", "numa_err_cases[]"):
        start = text.find(table)
        if start >= 0:
            spans.append((start, text.find("};", start)))
    for m in (m for start, end in spans
              for m in pat.finditer(text, start, end)):
        opt = c_unescape(m.group(1))
        if m.group(2) == "NULL":
            cases.append([opt])
        else:
            cases.append([opt, c_unescape(m.group(3))])
    return cases


def find_program(path):
    if os.sep in path:
        return path if os.access(path, os.X_OK) else None
    return shutil.which(path)


def run_one(prog, args, tmpdir):
    """Runs prog; returns (status, stderr).  status is an int exit code
    or 'accepted'."""
    sock = os.path.join(tmpdir, "qmp.sock")
    base = BASE
    if any("accel" in a or a == "-enable-kvm" for a in args):
        base = [a for a in BASE if a not in ("-accel", "tcg")]
    argv = [prog] + base + ["-qmp", "unix:%s,server=on,wait=off" % sock] \
        + args
    errpath = os.path.join(tmpdir, "stderr")
    with open(errpath, "wb") as err:
        p = subprocess.Popen(argv, cwd=tmpdir, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=err,
                             start_new_session=True)
    status = None
    deadline = time.monotonic() + ACCEPT_WAIT
    conn = None
    buf = b""
    sent = False
    while status is None:
        rc = p.poll()
        if rc is not None:
            status = rc
            break
        if time.monotonic() > deadline:
            status = "accepted"
            break
        if conn is None and os.path.exists(sock):
            c = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                c.connect(sock)
                c.settimeout(0.05)
                conn = c
            except OSError:
                c.close()
        if conn is not None:
            try:
                data = conn.recv(4096)
                if not data:
                    conn.close()
                    conn, buf, sent = None, b"", False
                    continue
                buf += data
                if not sent and b"\n" in buf:
                    # QEMU greets from its monitor thread early; only the
                    # reply to a command proves the main loop runs.
                    conn.sendall(b'{"execute": "qmp_capabilities"}\n')
                    sent = True
                elif sent and b'"return"' in buf:
                    status = "accepted"
                    break
            except socket.timeout:
                pass
            except OSError:
                conn.close()
                conn, buf, sent = None, b"", False
        else:
            time.sleep(0.02)
    if conn is not None:
        conn.close()
    if p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass
    p.wait()
    with open(errpath, "rb") as f:
        return status, f.read()


def run_case(qemu, qmachined, args):
    out = []
    for prog in (qemu, qmachined):
        tmpdir = tempfile.mkdtemp(prefix="cmdline-")
        try:
            # The image -drive cases open.
            with open(os.path.join(tmpdir, "disk.img"), "wb") as img:
                img.truncate(1 << 20)
            out.append(run_one(prog, args, tmpdir))
        finally:
            shutil.rmtree(tmpdir, ignore_errors=True)
    return out


def normalise_qemu(err, qemu):
    names = {os.path.basename(qemu), qemu, "qemu-system-x86_64"}
    lines = err.split(b"\n")
    res = []
    for line in lines:
        for n in names:
            pre = n.encode() + b": "
            if line.startswith(pre):
                line = b"qmachined: " + line[len(pre):]
                break
        res.append(line)
    return b"\n".join(res)


def main(argv):
    verbose = "-v" in argv
    filters = [a for a in argv if a != "-v"]
    qemu = find_program(os.environ.get("QEMU_SYSTEM_X86_64") or
                        "qemu-system-x86_64")
    qm = os.environ.get("QMACHINED")
    if not qm:
        qm = os.path.join(os.environ.get("builddir") or os.getcwd(),
                          "src", "qmachined")
    qm = find_program(qm if os.sep in qm else "./" + qm)
    if not qemu or not qm:
        print("ERROR: %s not found" % ("qemu-system-x86_64" if not qemu
                                       else "qmachined"))
        print("0 passed, 1 failed")
        return 1
    qm = os.path.abspath(qm)
    cases = CASES + unit_test_cases()
    if filters:
        cases = [c for c in cases
                 if any(f in " ".join(c) for f in filters)]
    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda c: run_case(qemu, qm, c), cases))
    for args, ((qs, qe), (ms, me)) in zip(cases, results):
        qe = normalise_qemu(qe, qemu)
        ok = qs == ms and qe == me
        label = " ".join(args) or "(no arguments)"
        if ok:
            passed += 1
            if verbose:
                print("PASS: %s -> %s %r" % (label, qs, qe))
        else:
            failed += 1
            print("FAIL: %s" % label)
            print("  QEMU:      %s %r" % (qs, qe))
            print("  qmachined: %s %r" % (ms, me))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
