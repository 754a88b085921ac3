#!/bin/sh
# Installs what qmachined needs to build, run and test on Debian 12:
# the toolchain, the libraries configure looks for, QEMU 7.2 (the
# reference the differential tests compare against), and clang with
# libFuzzer (make fuzz-smoke), clang-format (the format check in
# make check) and libvirt 9.0's daemon and client (the libvirt end-to-end
# tests start a private libvirtd), with the users and groups libvirt's
# QEMU driver expects, and debhelper and lintian (make deb-check builds
# and checks the Debian package), and chromium with chromium-driver
# (tests/e2e/page_browser.py drives the REST page in headless Chromium),
# and libtirpc-dev (make check-sanitize links it: see Makefile.am).
# With --bench, also wrk and nginx for the REST benchmark.
# Run as root (or it uses sudo).  Safe to run again.
set -eu

PACKAGES="
    autoconf automake make gcc libc6-dev pkg-config
    libjansson-dev libmicrohttpd-dev libvirt-dev libtirpc-dev check
    python3 qemu-system-x86 curl
    clang libclang-rt-14-dev clang-format
    libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
    debhelper lintian
    chromium chromium-driver
"
# The benchmarks' load generator and reference server: only with --bench.
BENCH_PACKAGES="wrk nginx"
if [ "${1:-}" = "--bench" ]; then
    PACKAGES="$PACKAGES $BENCH_PACKAGES"
fi

if [ "$(id -u)" -ne 0 ]; then
    exec sudo "$0" "$@"
fi

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
        grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done

if [ -n "$missing" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing
fi

# libvirt's QEMU driver wants these to exist even when it runs domains as
# root (a container may have no such entries).
getent group kvm >/dev/null || groupadd -r kvm
getent group libvirt-qemu >/dev/null || groupadd -r libvirt-qemu
getent passwd libvirt-qemu >/dev/null ||
    useradd -r -g libvirt-qemu -d /var/lib/libvirt -s /usr/sbin/nologin \
        libvirt-qemu
