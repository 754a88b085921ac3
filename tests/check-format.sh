#!/bin/sh
# make check: every C source and header in the tree is formatted as
# .clang-format says (clang-format 14, Debian 12's, installed by
# contrib/setup.sh).  Lists the files that are not, with the first lines
# of the change clang-format would make; `make format` fixes them.
srcdir=${srcdir:-.}
if ! command -v clang-format >/dev/null 2>&1; then
    echo "check-format: clang-format is not installed (contrib/setup.sh)" >&2
    exit 1
fi
bad=0
for f in $(cd "$srcdir" && find src acpi qmp rest tests -name '*.[ch]' \
           ! -name openapi-data.c ! -name page-data.c | sort); do
    if ! clang-format --style=file "$srcdir/$f" | cmp -s - "$srcdir/$f"; then
        echo "not formatted: $f"
        clang-format --style=file "$srcdir/$f" | diff -u "$srcdir/$f" - |
            sed -n '3,12p'
        bad=1
    fi
done
exit $bad
