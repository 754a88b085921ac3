#!/usr/bin/env python3
"""Writes src/x86-cpu-models.inc and src/x86-cpu-props.inc from QEMU 7.2.

The facts about QEMU 7.2's x86 CPUs come from the installed
qemu-system-x86_64 itself, asked under TCG:

  - the feature flags: the boolean properties of qemu64-x86_64-cpu that
    appear in a static model expansion (the other spellings are aliases);
  - each flag's feature word and bit, and whether TCG supports it: a vCPU
    is started with `-cpu base,FLAG=on` and its feature-words and
    filtered-features are read (for MSR words, and for flags that need
    another one, QEMU's warning names the word and bit);
  - the word order: feature-words lists the CPUID words in QEMU's order,
    the MSR words sit after XCR0 as in QEMU's FeatureWord enum;
  - every model: query-cpu-definitions (name, type, alias, flags) and its
    static and full expansions (vendor, family, model, stepping, model-id,
    levels, features, legacy-cache, pmu);
  - the x86_64-cpu class properties: device-list-properties and
    qom-list-properties of qemu64 (type, default, description), in the
    order QEMU 7.2 registers them (x86_cpu_properties, then the CPUID
    version properties, then the feature flags in word and bit order).

Run: python3 contrib/gen-x86-cpu-tables.py [QEMU]   (from the top directory)
"""
import json
import re
import subprocess
import sys

QEMU = sys.argv[1] if len(sys.argv) > 1 else "qemu-system-x86_64"
CPU0 = "/machine/unattached/device[0]"


def qmp(cmds, args=()):
    """Runs QEMU with args, sends cmds; returns (replies, stderr)."""
    lines = ['{"execute":"qmp_capabilities"}']
    lines += [json.dumps(c) for c in cmds] + ['{"execute":"quit"}']
    p = subprocess.run([QEMU, "-S", "-nodefaults", "-display", "none",
                        "-machine", "pc", "-accel", "tcg", "-qmp", "stdio"]
                       + list(args), input=("\n".join(lines) + "\n").encode(),
                       capture_output=True, timeout=120)
    out = [json.loads(x) for x in p.stdout.decode().splitlines()[1:]]
    out = [x for x in out if "event" not in x][1:len(cmds) + 1]
    return out, p.stderr.decode()


def cmd(name, **arguments):
    return {"execute": name, "arguments": arguments}


def word_key(w):
    return (w["cpuid-input-eax"], w.get("cpuid-input-ecx"),
            w["cpuid-register"])


# ---- what QEMU says about the models and the properties ----
base = [cmd("device-list-properties", typename="qemu64-x86_64-cpu"),
        cmd("qom-list-properties", typename="qemu64-x86_64-cpu"),
        {"execute": "query-cpu-definitions"}]
(dlp, qlp, defs), _ = qmp(base)
dlp = {x["name"]: x for x in dlp["return"]}
qlp = qlp["return"]
defs = defs["return"]
exp = [cmd("query-cpu-model-expansion", type=t, model={"name": d["name"]})
       for t in ("static", "full") for d in defs]
replies, _ = qmp(exp)
static = {d["name"]: replies[i]["return"]["model"]["props"]
          for i, d in enumerate(defs)}
full = {d["name"]: replies[len(defs) + i]["return"]["model"]["props"]
        for i, d in enumerate(defs)}

flags = [n for n, x in dlp.items() if x["type"] == "bool"
         and "description" not in x and "default-value" not in x
         and any(n in p for p in static.values())]

# ---- each flag's word and bit ----
(fw0, ff0), _ = qmp([cmd("qom-get", path=CPU0, property="feature-words"),
                     cmd("qom-get", path=CPU0, property="filtered-features")],
                    ["-cpu", "base"])
cpuid_words = [word_key(w) for w in reversed(fw0["return"])]
fw0 = {word_key(w): w["features"] for w in fw0["return"]}
ff0 = {word_key(w): w["features"] for w in ff0["return"]}
MSR_WORDS = [0x10a, 0xcf, 0x345, 0x48e, 0x48b, 0x48d, 0x48f, 0x490, 0x485,
             0x48c, 0x480, 0x491]
words = []
for k in cpuid_words:
    words.append(("cpuid", k))
    if k == (13, 0, "EDX"):
        words += [("msr", m) for m in MSR_WORDS]

PREREQ = [("MSR(10AH)", "arch-capabilities"), ("MSR(345H)", "pdcm"),
          ("CPUID.8000000AH", "svm")]


def probe(cpu):
    """feature-words, filtered-features (by word) and stderr of -cpu cpu."""
    (fw, ff), err = qmp([cmd("qom-get", path=CPU0, property="feature-words"),
                         cmd("qom-get", path=CPU0,
                             property="filtered-features")], ["-cpu", cpu])
    return ({word_key(w): w["features"] for w in fw["return"]},
            {word_key(w): w["features"] for w in ff["return"]}, err)


baselines = {"base": (fw0, ff0)}
feat = {}
for f in flags:
    cpu = "base"
    fw, ff, err = probe("%s,%s=on" % (cpu, f))
    if "depends on other features" in err:
        pre = "vmx" if f.startswith("vmx-") else None
        for label, name in PREREQ:
            if label in err:
                pre = name
        if f == "split-lock-detect":
            pre = "core-capability"
        if f == "intel-pt-lip":
            pre = "intel-pt"
        cpu = "base,%s=on" % pre
        if cpu not in baselines:
            baselines[cpu] = probe(cpu)[:2]
        fw, ff, err = probe("%s,%s=on" % (cpu, f))
    bw, bf = baselines[cpu]
    tcg = "TCG doesn't support" not in err
    diff = [(k, (fw[k] ^ bw[k]) | (ff[k] ^ bf[k])) for k in fw
            if (fw[k] ^ bw[k]) | (ff[k] ^ bf[k])]
    if len(diff) > 1:   # XSAVE also turns on XCR0 components
        diff = [d for d in diff if d[0][:2] != (13, 0)]
    m = re.search(r"MSR\(([0-9A-F]+)H\)\.%s \[bit (\d+)\]" % re.escape(f),
                  err)
    if diff:
        (k, mask), = diff
        feat[f] = (words.index(("cpuid", k)), mask.bit_length() - 1, tcg)
    elif m:
        feat[f] = (words.index(("msr", int(m.group(1), 16))),
                   int(m.group(2)), tcg and "requested" not in err)
# The KVM words are cleared without a trace under TCG: QEMU's bit numbers.
KVM_BITS = {"kvmclock": 0, "kvm-nopiodelay": 1, "kvm-mmu": 2,
            "kvm-asyncpf": 4, "kvm-steal-time": 5, "kvm-pv-eoi": 6,
            "kvm-pv-unhalt": 7, "kvm-pv-tlb-flush": 9,
            "kvm-asyncpf-vmexit": 10, "kvm-pv-ipi": 11,
            "kvm-poll-control": 12, "kvm-pv-sched-yield": 13,
            "kvm-asyncpf-int": 14, "kvm-msi-ext-dest-id": 15,
            "kvmclock-stable-bit": 24}
kvm_eax = words.index(("cpuid", (0x40000001, None, "EAX")))
kvm_edx = words.index(("cpuid", (0x40000001, None, "EDX")))
for f in flags:
    if f not in feat:
        feat[f] = ((kvm_edx, 0, False) if f == "kvm-hint-dedicated"
                   else (kvm_eax, KVM_BITS[f], False))
order = sorted(feat, key=lambda f: feat[f][:2])

# ---- src/x86-cpu-models.inc ----
REG = {"EAX": "R_EAX", "EBX": "R_EBX", "ECX": "R_ECX", "EDX": "R_EDX"}
ALIASES = [("sse3", "pni"), ("pclmuldq", "pclmulqdq"), ("sse4-1", "sse4.1"),
           ("sse4-2", "sse4.2"), ("xd", "nx"), ("ffxsr", "fxsr-opt"),
           ("i64", "lm"), ("ds_cpl", "ds-cpl"), ("tsc_adjust", "tsc-adjust"),
           ("fxsr_opt", "fxsr-opt"), ("lahf_lm", "lahf-lm"),
           ("cmp_legacy", "cmp-legacy"), ("nodeid_msr", "nodeid-msr"),
           ("perfctr_core", "perfctr-core"), ("perfctr_nb", "perfctr-nb"),
           ("kvm_nopiodelay", "kvm-nopiodelay"), ("kvm_mmu", "kvm-mmu"),
           ("kvm_asyncpf", "kvm-asyncpf"),
           ("kvm_asyncpf_int", "kvm-asyncpf-int"),
           ("kvm_steal_time", "kvm-steal-time"), ("kvm_pv_eoi", "kvm-pv-eoi"),
           ("kvm_pv_unhalt", "kvm-pv-unhalt"),
           ("kvm_poll_control", "kvm-poll-control"),
           ("svm_lock", "svm-lock"), ("nrip_save", "nrip-save"),
           ("tsc_scale", "tsc-scale"), ("vmcb_clean", "vmcb-clean"),
           ("pause_filter", "pause-filter"), ("sse4_1", "sse4.1"),
           ("sse4_2", "sse4.2")]
REGISTRATION = ["qemu64", "phenom", "core2duo", "kvm64", "qemu32", "kvm32",
                "coreduo", "486", "pentium", "pentium2", "pentium3", "athlon",
                "n270", "Conroe", "Penryn", "Nehalem", "Westmere",
                "SandyBridge", "IvyBridge", "Haswell", "Broadwell",
                "Skylake-Client", "Skylake-Server", "Cascadelake-Server",
                "Cooperlake", "Icelake-Server", "Denverton", "Snowridge",
                "KnightsMill", "Opteron_G1", "Opteron_G2", "Opteron_G3",
                "Opteron_G4", "Opteron_G5", "EPYC", "Dhyana", "EPYC-Rome",
                "EPYC-Milan"]
o = ["/*",
     " * QEMU 7.2's x86 CPU facts as qemu-system-x86_64 7.2 reports them under",
     " * TCG (contrib/gen-x86-cpu-tables.py): the feature words in QEMU's order,",
     " * each feature's word, bit and whether TCG supports it, the legacy",
     " * spellings, and every CPU model's definition (vendor, family, model,",
     " * stepping, model-id, levels, features).  Generated; not edited by hand.",
     " */", "",
     "enum {", "    X86_FEATURE_WORDS = %d," % len(words),
     "    X86_FEATURE_COUNT = %d," % len(feat), "};", "",
     "static const X86FeatureWordInfo x86_feature_words[X86_FEATURE_WORDS] = {"]
for kind, k in words:
    if kind == "cpuid":
        o.append("    { .msr = false, .eax = 0x%x, .ecx = %s, .reg = %s },"
                 % (k[0], "-1" if k[1] is None else k[1], REG[k[2]]))
    else:
        o.append("    { .msr = true, .eax = 0x%x, .ecx = -1, .reg = 0 }," % k)
o += ["};", "", "/* In word and bit order, as QEMU walks them. */",
      "static const X86Feature x86_features[X86_FEATURE_COUNT] = {"]
for f in order:
    w, b, tcg = feat[f]
    o.append('    { "%s", %d, %d, %s },' % (f, w, b, "true" if tcg else "false"))
o += ["};", "", "static const X86FeatureAlias x86_feature_aliases[] = {"]
o += ['    { "%s", "%s" },' % a for a in ALIASES]
o += ["};", ""]
by_name = {d["name"]: d for d in defs}
seq = []
for b in REGISTRATION:
    seq.append(b)
    v = 1
    while "%s-v%d" % (b, v) in by_name:
        vn = "%s-v%d" % (b, v)
        seq.append(vn)
        seq += [n for n, d in by_name.items()
                if d.get("alias-of") == vn and n != b]
        v += 1
seq += ["max", "base", "host"]
assert sorted(seq) == sorted(by_name)
o.append("static const X86CpuModel x86_cpu_models[] = {")
for n in seq:
    d, p, fp = by_name[n], static[n], full[n]
    fwords = [0] * len(words)
    for f, v in p.items():
        if v is True and f in feat:
            fwords[feat[f][0]] |= 1 << feat[f][1]
    fl = []
    if d["static"]:
        fl.append("X86_MODEL_STATIC")
    if d["migration-safe"]:
        fl.append("X86_MODEL_MIGRATION_SAFE")
    if d["deprecated"]:
        fl.append("X86_MODEL_DEPRECATED")
    if "kvm" in d["unavailable-features"]:
        fl.append("X86_MODEL_NEEDS_KVM")
    if n in ("max", "host"):
        fl.append("X86_MODEL_MAX")
    if not fp["legacy-cache"]:
        fl.append("X86_MODEL_CACHE_INFO")
    if fp["pmu"]:
        fl.append("X86_MODEL_PMU")
    o += ["    {", "        .name = %s," % json.dumps(n),
          "        .type_name = %s," % json.dumps(d["typename"])]
    if d.get("alias-of"):
        o.append("        .alias_of = %s," % json.dumps(d["alias-of"]))
    o += ["        .vendor = %s," % json.dumps(p["vendor"]),
          "        .family = %d, .model = %d, .stepping = %d,"
          % (p["family"], p["model"], p["stepping"]),
          "        .model_id = %s," % json.dumps(p["model-id"]),
          "        .level = 0x%x, .xlevel = 0x%x, .level_func7 = %d,"
          % (fp["level"], fp["xlevel"], fp["level-func7"])]
    if fl:
        o.append("        .flags = %s," % " | ".join(fl))
    o.append("        .features = { %s }," % ", ".join(
        "[%d] = 0x%x" % (i, x) for i, x in enumerate(fwords) if x))
    o.append("    },")
o.append("};")
with open("src/x86-cpu-models.inc", "w") as fh:
    fh.write("\n".join(o) + "\n")

# ---- src/x86-cpu-props.inc ----
QDEV = """apic-id thread-id core-id die-id socket-id node-id pmu lbr-fmt
hv-spinlocks hv-relaxed hv-vapic hv-time hv-crash hv-reset hv-vpindex
hv-runtime hv-synic hv-stimer hv-frequencies hv-reenlightenment hv-tlbflush
hv-evmcs hv-ipi hv-stimer-direct hv-avic hv-emsr-bitmap hv-xmm-input
hv-tlbflush-ext hv-tlbflush-direct hv-no-nonarch-coresharing hv-syndbg
hv-passthrough hv-enforce-cpuid hv-version-id-build hv-version-id-major
hv-version-id-minor hv-version-id-spack hv-version-id-sbranch
hv-version-id-snumber check enforce x-force-features kvm phys-bits
host-phys-bits host-phys-bits-limit fill-mtrr-mask level-func7 level xlevel
xlevel2 min-level min-xlevel min-xlevel2 ucode-rev full-cpuid-auto-level
hv-vendor-id cpuid-0xb x-vendor-cpuid-only lmce l3-cache kvm-no-smi-migration
kvm-pv-enforce-cpuid vmware-cpuid-freq tcg-cpuid x-migrate-smi-count
legacy-cache x-hv-max-vps x-hv-synic-kvm-only x-intel-pt-auto-level""".split()
SPECIAL = {"family": "FAMILY", "model": "MODEL", "stepping": "STEPPING",
           "vendor": "VENDOR", "model-id": "MODEL_ID",
           "tsc-frequency": "TSC_FREQ", "unavailable-features": "UNAVAILABLE",
           "crash-information": "CRASH_INFO"}
TY = {"bool": "BOOL", "uint8": "U8", "uint16": "U16", "uint32": "U32",
      "int32": "I32", "uint64": "U64", "str": "STR", "OnOffAuto": "ONOFFAUTO"}
types = {x["name"]: x["type"] for x in qlp}
o = ["/*",
     " * x86_64-cpu's class properties in the order QEMU 7.2 registers",
     " * them (contrib/gen-x86-cpu-tables.py).  X86_CPU_CLASS_PROP(kind, name,",
     " * field, default, description): kind FEATURE (field: index in",
     " * x86_features), SPECIAL (field: X86_PROP_*) or a static property type",
     " * (BOOL, U32, ...; a _ND suffix: no default shown, field set by",
     " * instance_init from the value given).  Generated; not edited by hand.",
     " */", "#define X86_CPU_CLASS_PROPS(X) \\"]
for n in QDEV + list(SPECIAL) + order:
    if n in feat:
        o.append('    X(FEATURE, "%s", %d, 0, NULL) \\' % (n, order.index(n)))
        continue
    if n in SPECIAL:
        o.append('    X(SPECIAL, "%s", X86_PROP_%s, 0, NULL) \\'
                 % (n, SPECIAL[n]))
        continue
    e = dlp.get(n, {"name": n, "type": types[n]})
    ty = TY[e["type"]]
    if "default-value" in e:
        dv = e["default-value"]
    else:
        ty += "_ND"
        dv = full["qemu64"].get(n)
    if isinstance(dv, bool):
        dvs = "true" if dv else "false"
    elif isinstance(dv, int):
        dvs = ("%dull" % dv) if dv >= 0 else "%d" % dv
    elif ty.startswith("ONOFFAUTO"):
        dvs = "ON_OFF_AUTO_" + dv.upper()
    else:
        dvs = json.dumps(dv)
    desc = json.dumps(e["description"]) if "description" in e else "NULL"
    o.append('    X(%s, "%s", %s, %s, %s) \\'
             % (ty, n, re.sub(r"[^a-z0-9]", "_", n), dvs, desc))
o.append("    /* end */")
with open("src/x86-cpu-props.inc", "w") as fh:
    fh.write("\n".join(o) + "\n")
