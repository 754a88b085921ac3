#!/usr/bin/env python3
"""Layering check (make check): includes point down only.

Reads every #include "..." in src/, acpi/, qmp/ and rest/, resolves it as
the compiler does (the including file's directory, then the top source
directory, then src/: AM_CPPFLAGS) and fails when

  - a file includes one from a higher layer.  The layers, top down:
      front ends  src/main.c, src/qtest.[ch], qmp/monitor.[ch], rest/*
      commands    qmp/* (the rest of it)
      model       src/*, acpi/* (the rest of them)
    so the model includes nothing from qmp/ or rest/, and qmp/ (but
    qmp/monitor.c) nothing from rest/ or qmp/monitor.h;
  - the layers, or the modules (X.c with X.h), include each other in a
    cycle: X includes Y.h and Y includes X.h, directly or through others.
    src/ and acpi/ are one layer: the machine (src/pc.c) wires the ACPI
    device in, and the ACPI device uses the model's core, so only their
    modules must not form a cycle;
  - a quoted include resolves to nothing in the tree (but config.h).

KNOWN_CYCLES lists module cycles that exist and are tolerated until
their owners break them; the check reports them and fails on any other.

Before it checks the tree it checks itself on small trees with one
violation each, so a check that could not fail fails.
Usage: check-includes.py [TOP_SRCDIR]
"""
import os
import re
import sys
import tempfile

DIRS = ("src", "acpi", "qmp", "rest")
FRONT_ENDS = {"src/main.c", "src/qtest.c", "src/qtest.h", "qmp/monitor.c",
              "qmp/monitor.h"}
LAYER_NAMES = ("model", "commands", "front ends")
INCLUDE_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*"([^"]+)"', re.M)
GENERATED = {"config.h"}

# Tolerated module cycles (a cycle found must lie inside one of these).
KNOWN_CYCLES = []


def layer_of(path):
    if path in FRONT_ENDS or path.startswith("rest/"):
        return 2
    if path.startswith("qmp/"):
        return 1
    return 0


def read_tree(root):
    """{path: [included paths]} for every .c/.h/.inc in DIRS; errors."""
    files = []
    for d in DIRS:
        top = os.path.join(root, d)
        if not os.path.isdir(top):
            continue
        for name in sorted(os.listdir(top)):
            if name.endswith((".c", ".h", ".inc")):
                files.append(d + "/" + name)
    known = set(files)
    graph, errors = {}, []
    for f in files:
        with open(os.path.join(root, f), encoding="utf-8",
                  errors="replace") as fh:
            text = fh.read()
        graph[f] = []
        for name in INCLUDE_RE.findall(text):
            for base in (os.path.dirname(f), "", "src"):
                cand = os.path.normpath(os.path.join(base, name))
                if cand in known:
                    graph[f].append(cand)
                    break
            else:
                if name not in GENERATED:
                    errors.append('%s: #include "%s" is not in the tree'
                                  % (f, name))
    return graph, errors


def cycles(edges):
    """Strongly connected components of more than one node, sorted."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []
    counter = [0]
    nodes = sorted(set(edges) | {t for ts in edges.values() for t in ts})

    def visit(v):
        # Iterative Tarjan: (node, iterator over its successors).
        work = [(v, iter(sorted(edges.get(v, ()))))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        while work:
            node, succ = work[-1]
            for w in succ:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                    break
                if w in on_stack:
                    low[node] = min(low[node], index[w])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == node:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))

    for v in nodes:
        if v not in index:
            visit(v)
    return sorted(out)


def check(root, known_cycles=()):
    """Errors, and notes on tolerated cycles."""
    graph, errors = read_tree(root)
    notes = []
    layer_edges, module_edges = {}, {}
    for f, targets in sorted(graph.items()):
        for t in targets:
            a, b = layer_of(f), layer_of(t)
            if b > a:
                errors.append("%s (%s) includes %s (%s): includes point down"
                              % (f, LAYER_NAMES[a], t, LAYER_NAMES[b]))
            if a != b:
                layer_edges.setdefault(LAYER_NAMES[a], set()).add(
                    LAYER_NAMES[b])
            mf, mt = os.path.splitext(f)[0], os.path.splitext(t)[0]
            if mf != mt:
                module_edges.setdefault(mf, set()).add(mt)
    for comp in cycles(layer_edges):
        errors.append("layers include each other: " + " <-> ".join(comp))
    for comp in cycles(module_edges):
        text = "modules include each other in a cycle: " + ", ".join(comp)
        if any(set(comp) <= known for known in known_cycles):
            notes.append(text + " (known, tolerated)")
        else:
            errors.append(text)
    return errors, notes


# Each: files {path: text}, and a word the error must contain.
SELF_TESTS = [
    ({"src/a.c": '#include "qmp/qmp.h"\n', "qmp/qmp.h": ""},
     "includes point down"),
    ({"acpi/a.h": '#include "rest/rest.h"\n', "rest/rest.h": ""},
     "includes point down"),
    ({"qmp/a.c": '#include "monitor.h"\n', "qmp/monitor.h": ""},
     "includes point down"),
    ({"src/x.c": '#include "y.h"\n', "src/x.h": "",
      "src/y.c": '#include "x.h"\n', "src/y.h": ""},
     "cycle"),
    ({"src/a.c": '#include "nowhere.h"\n'}, "not in the tree"),
]


def self_test():
    for files, want in SELF_TESTS:
        with tempfile.TemporaryDirectory() as tmp:
            for path, text in files.items():
                os.makedirs(os.path.join(tmp, os.path.dirname(path)),
                            exist_ok=True)
                with open(os.path.join(tmp, path), "w") as fh:
                    fh.write(text)
            errors, _ = check(tmp)
            if not any(want in e for e in errors):
                print("check-includes: self-test missed %r in %s (got %s)"
                      % (want, sorted(files), errors))
                return False
    with tempfile.TemporaryDirectory() as tmp:
        # Allowed: model -> model, commands -> model, front end -> all.
        for path, text in {"src/m.h": "", "src/m.c": '#include "m.h"\n',
                           "qmp/c.c": '#include "src/m.h"\n',
                           "rest/r.c": '#include "qmp/c.h"\n',
                           "qmp/c.h": '#include "src/m.h"\n',
                           "src/main.c": '#include "rest/r.h"\n',
                           "rest/r.h": ""}.items():
            os.makedirs(os.path.join(tmp, os.path.dirname(path)),
                        exist_ok=True)
            with open(os.path.join(tmp, path), "w") as fh:
                fh.write(text)
        errors, _ = check(tmp)
        if errors:
            print("check-includes: self-test rejected a good tree: %s"
                  % errors)
            return False
    with tempfile.TemporaryDirectory() as tmp:
        # A known cycle is tolerated; a bigger one is not.
        for path, text in {"src/x.c": '#include "y.h"\n',
                           "src/y.c": '#include "x.h"\n',
                           "src/x.h": "", "src/y.h": ""}.items():
            os.makedirs(os.path.join(tmp, os.path.dirname(path)),
                        exist_ok=True)
            with open(os.path.join(tmp, path), "w") as fh:
                fh.write(text)
        if check(tmp, [{"src/x", "src/y"}])[0] or \
                not check(tmp, [{"src/x", "src/z"}])[0]:
            print("check-includes: self-test: known cycles mishandled")
            return False
    return True


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..")
    if not self_test():
        return 1
    errors, notes = check(root, KNOWN_CYCLES)
    for e in notes + errors:
        print("check-includes: " + e)
    if errors:
        return 1
    print("check-includes: %s: includes point down, no %scycles"
          % (os.path.normpath(root), "other " if notes else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
