#!/bin/sh
# Every REST route driven with curl (the client the README's tour uses),
# over a unix socket: status codes and bodies, an SSE stream (curl -N)
# that sees DEVICE_DELETED after DELETE /devices/ID with the simulated
# guest acting, errors, and the bearer token on a second daemon.
#
# Run: QMACHINED=src/qmachined sh tests/e2e/rest_curl.sh
set -u
QMACHINED=${QMACHINED:-src/qmachined}
command -v curl >/dev/null || { echo "curl not installed"; exit 1; }
tmp=$(mktemp -d)
sock=$tmp/rest.sock
pass=0
fail=0
pids=""
cleanup() {
    for p in $pids; do kill "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$tmp"
}
trap cleanup EXIT

check() { # check DESCRIPTION COMMAND...
    what=$1
    shift
    if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $what"; fi
}

# req METHOD PATH [BODY] -> $status, $body (files in $tmp)
req() {
    if [ $# -ge 3 ]; then
        status=$(curl -s --unix-socket "$sock" -o "$tmp/body" -w '%{http_code}' \
            -X "$1" -H 'Content-Type: application/json' -d "$3" "http://x/api/v1$2")
    else
        status=$(curl -s --unix-socket "$sock" -o "$tmp/body" -w '%{http_code}' \
            -X "$1" "http://x/api/v1$2")
    fi
    body=$(cat "$tmp/body")
}
has() { printf '%s' "$body" | grep -q -- "$1"; }

wait_for() {
    i=0
    while [ ! -S "$1" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
}

"$QMACHINED" -machine pc -nodefaults -m 1G,slots=4,maxmem=8G \
    --guest linux --rest "unix:$sock" &
pids="$pids $!"
wait_for "$sock"

check "socket mode 0600" [ "$(stat -c %a "$sock")" = 600 ]
req GET /machine
check "GET /machine 200" [ "$status" = 200 ]
check "machine type" has '"pc-i440fx-7.2"'
check "running" has '"running"'
req POST /machine/actions/stop
check "stop 200" [ "$status" = 200 ]
check "stop leaves it paused" has '"paused"'
req POST /machine/actions/cont
check "cont 200 running" sh -c "[ $status = 200 ] && printf '%s' '$body' | grep -q running"
req POST /machine/actions/system_powerdown
check "system_powerdown 200" [ "$status" = 200 ]
req POST /machine/actions/frobnicate
check "unknown action 404" [ "$status" = 404 ]
req PUT /machine/guest '{"policy": "delay:10"}'
check "PUT /machine/guest" [ "$status" = 200 ]
req GET /machine/guest
check "policy read back" has 'delay:10'
req PUT /machine/guest '{"policy": "linux"}'

# Events: an SSE client watching while a DIMM comes and goes.
curl -sN --unix-socket "$sock" http://x/api/v1/events > "$tmp/events" &
pids="$pids $!"
sleep 0.3
req POST /objects '{"qom-type": "memory-backend-ram", "id": "mem1", "size": 1073741824}'
check "POST /objects 201" [ "$status" = 201 ]
req POST /objects '{"qom-type": "memory-backend-ram", "id": "mem1", "size": 1073741824}'
check "duplicate object 409" [ "$status" = 409 ]
req GET /objects
check "GET /objects lists mem1" has mem1
req GET /objects/mem1
check "GET /objects/mem1" [ "$status" = 200 ]
req POST /devices '{"driver": "pc-dimm", "id": "dimm1", "memdev": "mem1"}'
check "POST /devices 201" [ "$status" = 201 ]
req POST /devices '{"driver": "pc-dimm", "id": "dimm1", "memdev": "mem1"}'
check "duplicate device 409" [ "$status" = 409 ]
req POST /devices '{"driver": "no-such-device"}'
check "bad driver 400" sh -c "[ $status = 400 ] && printf '%s' '$body' | grep -q 'is not a valid device model name'"
req GET /devices
check "GET /devices lists dimm1" has dimm1
req GET /devices/dimm1
check "GET /devices/dimm1" [ "$status" = 200 ]
req GET /memory-devices
check "memory-devices shows the DIMM" has '"dimm1"'
req GET /memory/map
check "memory map has the DIMM's region" has mem1
req GET /memory/slots
check "memslots include the DIMM" has mem1
req GET /acpi/ospm
check "ospm status" has '"DIMM"'
req DELETE /objects/mem1
check "in-use object 409" [ "$status" = 409 ]
req DELETE /devices/dimm1
check "DELETE /devices/dimm1 202" [ "$status" = 202 ]
i=0
while ! grep -q 'DEVICE_DELETED' "$tmp/events" && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
check "SSE sees DEVICE_DELETED" grep -q 'event: DEVICE_DELETED' "$tmp/events"
check "SSE data names dimm1" grep -q '"device": "dimm1"' "$tmp/events"
req DELETE /devices/dimm1
check "deleted device 404" [ "$status" = 404 ]
req DELETE /objects/mem1
check "DELETE /objects/mem1 204" [ "$status" = 204 ]

req GET /pci
check "GET /pci" has '"class_info"'
req GET /interrupts
check "GET /interrupts" [ "$status" = 200 ]
req POST /qmp '{"execute": "query-status"}'
check "POST /qmp" has '"return"'
req POST /qmp '{"execute": "no-such-command"}'
check "POST /qmp error" has 'CommandNotFound'
req GET /openapi.json
check "openapi" has '"openapi"'
req GET /no/such/route
check "unknown route 404" [ "$status" = 404 ]
req DELETE /machine
check "wrong method 405" [ "$status" = 405 ]
status=$(curl -s --unix-socket "$sock" -o /dev/null -w '%{http_code}' \
    -X POST -H 'Content-Type: text/plain' -d 'hello' http://x/api/v1/devices)
check "non-JSON body 415" [ "$status" = 415 ]

# A second daemon with a token: requests without it get 401.
echo secret-token > "$tmp/token"
"$QMACHINED" -machine pc -nodefaults --rest "unix:$tmp/auth.sock" \
    --rest-token-file "$tmp/token" &
pids="$pids $!"
wait_for "$tmp/auth.sock"
status=$(curl -s --unix-socket "$tmp/auth.sock" -o /dev/null -w '%{http_code}' http://x/api/v1/machine)
check "no token 401" [ "$status" = 401 ]
status=$(curl -s --unix-socket "$tmp/auth.sock" -o /dev/null -w '%{http_code}' \
    -H 'Authorization: Bearer secret-token' http://x/api/v1/machine)
check "token 200" [ "$status" = 200 ]

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
