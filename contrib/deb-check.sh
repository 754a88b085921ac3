#!/bin/sh
# make deb-check: builds the Debian package from a copy of this tree
# (dpkg-buildpackage -b -us -uc), runs lintian on it (no errors
# allowed), then, as root on a machine where qmachined is not installed
# already, installs it, runs its systemd unit by hand as systemd would
# in a container (tests/e2e/deb_unit.py: the socket unit's REST socket
# handed over as descriptor 3, the service's ExecStart), checks QMP and
# REST, and purges it again.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
mkdir "$work/qmachined"
if ! git -C "$top" rev-parse --git-dir >/dev/null 2>&1; then
    echo "deb-check: $top is not a git checkout (the package is built from its files)" >&2
    exit 1
fi
git -C "$top" ls-files -co --exclude-standard -z |
    (cd "$top" && xargs -0 tar -cf -) | tar -xf - -C "$work/qmachined"
(cd "$work/qmachined" && dpkg-buildpackage -b -us -uc) >"$work/build.log" 2>&1 || {
    tail -40 "$work/build.log" >&2
    echo "deb-check: dpkg-buildpackage failed" >&2
    exit 1
}
deb=$(ls "$work"/qmachined_*_*.deb)
echo "deb-check: built $(basename "$deb")"
lintian --fail-on error "$deb"
echo "deb-check: lintian: no errors"
if [ "$(id -u)" -ne 0 ]; then
    echo "deb-check: not root: the package is not installed"
    exit 0
fi
if dpkg-query -W -f='${Status}' qmachined 2>/dev/null | grep -q "ok installed"; then
    echo "deb-check: qmachined is installed already: not installing over it"
    exit 0
fi
dpkg -i "$deb"
rc=0
python3 "$top/tests/e2e/deb_unit.py" || rc=$?
dpkg --purge qmachined
[ ! -e /usr/bin/qmachined ] || { echo "deb-check: /usr/bin/qmachined left behind" >&2; rc=1; }
exit $rc
