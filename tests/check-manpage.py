#!/usr/bin/env python3
"""The man page, --help and the option table agree (make check).

Every option in src/options.c's table (opt_defs) is described in
docs/qmachined.1 and listed by `qmachined --help`, and neither names an
option the table lacks (--wrap=QEMU, read before the table, is the one
option outside it).  Options are the words written -name or --name: in
the man page on its .B/.BR/.BI/.TP lines, in --help anywhere.
Usage: check-manpage.py [TOP_SRCDIR [QMACHINED]]
"""
import os
import re
import subprocess
import sys

OUTSIDE = {"wrap"}


def table(src):
    with open(os.path.join(src, "src", "options.c")) as f:
        text = f.read()
    body = text[text.index("opt_defs[] = {"):]
    body = body[:body.index("};")]
    return set(re.findall(r'\{ "([^"]+)", OPT_\w+, (?:true|false), '
                          r'(?:true|false) \}', body))


def words(text):
    return {m.group(1) for m in
            re.finditer(r"(?<![\w\\-])--?([A-Za-z][A-Za-z0-9-]*)", text)}


def man_options(src):
    found = set()
    with open(os.path.join(src, "docs", "qmachined.1")) as f:
        for line in f:
            if re.match(r"\.(B|BR|BI|TP)\b", line):
                # roff's \- is a minus; \fB..\fR are font changes.
                plain = re.sub(r"\\f[BIRP]", " ", line).replace("\\-", "-")
                plain = re.sub(r"\\e", "", plain)
                found |= {w for w in words(plain)}
    return found


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..")
    prog = sys.argv[2] if len(sys.argv) > 2 else os.environ.get(
        "QMACHINED", os.path.join(os.environ.get("builddir", "."), "src",
                                  "qmachined"))
    opts = table(src)
    if len(opts) < 20:
        print("FAIL: could not read the option table (%d)" % len(opts))
        return 1
    man = man_options(src)
    helptext = subprocess.run([prog, "--help"], capture_output=True,
                              text=True, check=True).stdout
    helped = words(helptext)
    fails = []
    known = opts | OUTSIDE
    for name, got in (("the man page", man), ("--help", helped)):
        missing = sorted(known - got)
        extra = sorted(o for o in got - known if o not in known)
        if missing:
            fails.append("%s does not describe: %s" % (name, " ".join(missing)))
        if extra:
            fails.append("%s names options the table lacks: %s"
                         % (name, " ".join(extra)))
    for f in fails:
        print("FAIL: " + f)
    if not fails:
        print("PASS: %d options in the table, the man page and --help"
              % len(opts))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
