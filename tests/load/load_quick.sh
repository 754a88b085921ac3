#!/bin/sh
# make check's short run of the load test: 5 s, 8 QMP, 8 REST and 4 SSE
# clients plus the dying ones (tests/load/load.py --quick; the full run is
# make load).  Errors, events, RSS and descriptors are all checked.
exec python3 "$(dirname "$0")/load.py" --quick
