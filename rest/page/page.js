/*
 * The qmachined page: everything it shows and does goes through the
 * REST API under /api/v1 (docs/REST.md).  Names that come from clients
 * (device and object ids, event data) reach the DOM only as text nodes
 * or attribute values set through the DOM, never as markup.
 */
"use strict";

const API = "/api/v1";
const GiB = 1024 * 1024 * 1024;
const FOUR_GIB = 4 * GiB;
const LOG_MAX = 200;
const POLL_MS = 3000; /* changes no event announces (a paused machine) */

let refreshing = false;
let refreshAgain = false;

/* ---- Small helpers ------------------------------------------------- */

function $(id) {
    return document.getElementById(id);
}

/* An element; attrs: className, title, dataset, type, onclick...;
 * children: nodes or strings (as text). */
function el(tag, attrs, ...children) {
    const e = document.createElement(tag);

    for (const [k, v] of Object.entries(attrs || {})) {
        if (k === "dataset") {
            Object.assign(e.dataset, v);
        } else if (k.startsWith("on")) {
            e.addEventListener(k.slice(2), v);
        } else {
            e[k] = v;
        }
    }
    for (const c of children) {
        if (c !== null && c !== undefined) {
            e.append(c instanceof Node ? c : String(c));
        }
    }
    return e;
}

function hex(n, width) {
    return "0x" + Number(n).toString(16).padStart(width || 1, "0");
}

function size(n) {
    const units = ["B", "KiB", "MiB", "GiB", "TiB"];
    let i = 0;

    while (n >= 1024 && i < units.length - 1 && n % 1024 === 0) {
        n /= 1024;
        i++;
    }
    if (n >= 1024 && i < units.length - 1) {
        return (n / 1024).toFixed(1) + " " + units[i + 1];
    }
    return n + " " + units[i];
}

function token() {
    return sessionStorage.getItem("qmachined-token") || "";
}

function headers(extra) {
    const h = Object.assign({}, extra);
    const t = token();

    if (t) {
        h.Authorization = "Bearer " + t;
    }
    return h;
}

function showError(text) {
    const p = $("error");

    p.textContent = text || "";
    p.hidden = !text;
}

function errorText(status, data) {
    if (data && data.error) {
        return status + " " + data.error.class + ": " + data.error.desc;
    }
    return "HTTP " + status;
}

async function api(method, path, body) {
    const opt = { method: method, headers: headers(), cache: "no-store" };

    if (body !== undefined) {
        opt.headers["Content-Type"] = "application/json";
        opt.body = JSON.stringify(body);
    }
    const r = await fetch(API + path, opt);
    const text = await r.text();
    let data = null;

    if (text) {
        try {
            data = JSON.parse(text);
        } catch (e) {
            data = null;
        }
    }
    if (r.status === 401) {
        $("token-form").classList.add("needed");
    }
    if (!r.ok) {
        throw new Error(method + " " + path + ": " + errorText(r.status, data));
    }
    return data;
}

/* A QMP command through POST /api/v1/qmp; its "return" or an Error. */
async function qmp(execute, args) {
    const req = { execute: execute };

    if (args) {
        req.arguments = args;
    }
    const r = await api("POST", "/qmp", req);
    if (r && r.error) {
        throw new Error(execute + ": " + r.error.class + ": " + r.error.desc);
    }
    return r ? r.return : null;
}

/* A read whose failure leaves that part empty (e.g. a build without it). */
function optional(promise) {
    return promise.catch(() => null);
}

/* ---- Reading the machine ------------------------------------------- */

async function load() {
    const [machine, map, memdevs, pci, devices, irqs, ospm, guest, cpus,
           holeStart, devmemSize, objects] = await Promise.all([
        api("GET", "/machine"),
        optional(api("GET", "/memory/map")),
        optional(api("GET", "/memory-devices")),
        optional(api("GET", "/pci")),
        optional(api("GET", "/devices")),
        optional(api("GET", "/interrupts")),
        optional(api("GET", "/acpi/ospm")),
        optional(api("GET", "/machine/guest")),
        optional(qmp("query-hotpluggable-cpus")),
        optional(qmp("qom-get", { path: "/machine/i440fx",
                                  property: "pci-hole-start" })),
        optional(qmp("qom-get", { path: "/machine",
                                  property: "device-memory-region-size" })),
        optional(api("GET", "/objects")),
    ]);
    return { machine, map, memdevs, pci, devices, irqs, ospm, guest, cpus,
             holeStart, devmemSize, objects };
}

async function refresh() {
    if (refreshing) {
        refreshAgain = true;
        return;
    }
    refreshing = true;
    try {
        do {
            refreshAgain = false;
            const s = await load();
            render(s);
            $("token-form").classList.remove("needed");
            showError("");
        } while (refreshAgain);
    } catch (e) {
        showError(e.message);
    } finally {
        refreshing = false;
    }
}

/* ---- Rendering ----------------------------------------------------- */

function replace(id, ...children) {
    $(id).replaceChildren(...children);
}

function table(id, head, rows) {
    replace(id, el("thead", null, el("tr", null,
                                     ...head.map((h) => el("th", null, h)))),
            el("tbody", null, ...rows));
}

function unplugButton(id) {
    return el("button", {
        className: "unplug",
        type: "button",
        title: "DELETE /api/v1/devices/" + id,
        onclick: () => unplug(id),
    }, "unplug");
}

function ospmFor(ospm, type, slot) {
    return (ospm || []).find((o) => o["slot-type"] === type &&
                             o.slot === String(slot));
}

function ospmText(o) {
    if (!o || (!o.source && !o.status)) {
        return "";
    }
    return "_OST " + o.source + "/" + hex(o.status);
}

function render(s) {
    renderMachine(s);
    renderMemory(s);
    renderDimms(s);
    renderCpus(s);
    renderPci(s);
    renderDevices(s);
    renderGuest(s);
    renderIrqs(s);
}

function renderMachine(s) {
    const m = s.machine;
    const mem = m.memory || {};
    const parts = [m.type, m.status ? m.status.status : "?",
                   "RAM " + size(mem.base || 0)];

    if (mem.plugged) {
        parts.push("+" + size(mem.plugged) + " plugged");
    }
    if (mem.maxmem) {
        parts.push("maxmem " + size(mem.maxmem));
    }
    if (m.forward) {
        parts.push("forwarding " + m.forward.qemu +
                   (m.forward.connected ? "" : " (disconnected)"));
    }
    $("machine").textContent = parts.join(" · ");
}

function dimmList(s) {
    return (s.memdevs || []).filter((d) => d.type === "dimm" ||
                                    d.type === "nvdimm");
}

/* The RAM in the flat view: [low end, high end] of pc.ram's ranges. */
function ramExtent(ranges) {
    let low = 0;
    let high = FOUR_GIB;

    for (const r of ranges) {
        if (r.region !== "pc.ram") {
            continue;
        }
        if (r.start < FOUR_GIB) {
            low = Math.max(low, r.end + 1);
        } else {
            high = Math.max(high, r.end + 1);
        }
    }
    return [low, high];
}

function renderMemory(s) {
    const ranges = (s.map && s.map.ranges) || [];
    const [lowEnd, highEnd] = ramExtent(ranges);
    const hole = typeof s.holeStart === "number" ? s.holeStart : lowEnd;
    /* QEMU 7.2's pc machine puts device memory at the first GiB boundary
     * at or above the end of RAM above 4 GiB. */
    const dmBase = Math.ceil(highEnd / GiB) * GiB;
    const dmSize = s.devmemSize || 0;
    const segs = [
        { cls: "ram", name: "RAM below 4 GiB", start: 0, size: lowEnd },
    ];

    if (hole > lowEnd) {
        segs.push({ cls: "gap", name: "unused", start: lowEnd,
                    size: hole - lowEnd });
    }
    segs.push({ cls: "hole", name: "PCI hole", start: hole,
                size: FOUR_GIB - hole });
    if (highEnd > FOUR_GIB) {
        segs.push({ cls: "ram", name: "RAM above 4 GiB", start: FOUR_GIB,
                    size: highEnd - FOUR_GIB });
    }
    if (dmSize) {
        segs.push({ cls: "devmem", name: "device memory", start: dmBase,
                    size: dmSize });
    }
    const total = segs.reduce((a, g) => a + g.size, 0) || 1;
    const bar = segs.map((g) => {
        const d = el("div", {
            className: "seg " + g.cls,
            title: g.name + ": " + hex(g.start) + " - " +
                   hex(g.start + g.size - 1) + " (" + size(g.size) + ")",
        }, el("span", { className: "seg-label" }, g.name));

        d.style.flexGrow = String(Math.max(g.size / total, 0.08));
        if (g.cls === "devmem") {
            for (const m of dimmList(s)) {
                const b = el("div", {
                    className: "dimm-block",
                    title: (m.data.id || "(no id)") + ": " + hex(m.data.addr) +
                           " (" + size(m.data.size) + ")",
                    dataset: { device: m.data.id || "" },
                }, m.data.id || "dimm");

                b.style.left = (100 * (m.data.addr - dmBase) / dmSize) + "%";
                b.style.width = (100 * m.data.size / dmSize) + "%";
                d.append(b);
            }
        }
        return d;
    });
    replace("membar", ...bar);
    replace("memlegend", ...segs.map((g) => el("span", null,
        el("i", { className: "swatch " + g.cls }),
        g.name + " " + hex(g.start) + " +" + size(g.size))));
    table("ranges", ["start", "end", "size", "type", "region", "owner"],
          ranges.map((r) => el("tr", { className: "range-" + r.type },
              el("td", null, hex(r.start)), el("td", null, hex(r.end)),
              el("td", null, size(r.size)), el("td", null, r.type),
              el("td", null, r.region), el("td", null, r.owner || ""))));
}

function renderDimms(s) {
    const n = (s.machine.memory && s.machine.memory.slots) || 0;
    const dimms = dimmList(s);
    const out = [];

    for (let i = 0; i < n; i++) {
        const m = dimms.find((d) => d.data.slot === i);
        const o = ospmText(ospmFor(s.ospm, "DIMM", i));

        if (m) {
            const id = m.data.id;
            out.push(el("div", {
                className: "slot used dimm-slot",
                dataset: { slot: String(i), device: id || "" },
            }, el("b", null, "slot " + i), " ", el("code", null, id || "-"),
            el("br"), size(m.data.size) + " at " + hex(m.data.addr),
            el("br"), "memdev " + m.data.memdev, " ",
            el("span", { className: "ost" }, o),
            id ? unplugButton(id) : null));
        } else {
            out.push(el("div", {
                className: "slot free dimm-slot",
                dataset: { slot: String(i) },
            }, el("b", null, "slot " + i), " free ",
            el("span", { className: "ost" }, o)));
        }
    }
    if (!n) {
        out.push(el("p", null, "No DIMM slots (-m SIZE,slots=N,maxmem=M)"));
    }
    replace("dimms", ...out);
    const input = $("dimm-id");
    if (!input.value || input.dataset.auto === "1") {
        const used = new Set((s.devices || []).map((d) => d.name));
        const objs = new Set((s.objects || []).map((o) => o.id));
        let k = 0;
        while (used.has("dimm" + k) || objs.has("mem-dimm" + k)) {
            k++;
        }
        input.value = "dimm" + k;
        input.dataset.auto = "1";
    }
}

function cpuName(c) {
    return Object.entries(c.props || {})
        .filter(([k]) => k !== "node-id")
        .map(([k, v]) => k.replace("-id", "") + " " + v).join(", ");
}

function renderCpus(s) {
    if (!s.cpus) {
        replace("cpus", el("p", null, "query-hotpluggable-cpus failed"));
        return;
    }
    const cpus = s.cpus.slice().sort((a, b) => {
        const pa = a.props || {};
        const pb = b.props || {};
        return (pa["socket-id"] - pb["socket-id"]) ||
               (pa["core-id"] - pb["core-id"]) ||
               (pa["thread-id"] - pb["thread-id"]);
    });
    replace("cpus", ...cpus.map((c, i) => {
        const path = c["qom-path"];
        const id = path && path.startsWith("/machine/peripheral/")
                       ? path.slice("/machine/peripheral/".length) : null;
        const o = ospmText(ospmFor(s.ospm, "CPU", i));

        return el("div", {
            className: "slot cpu-slot " + (path ? "used" : "free"),
            dataset: { slot: String(i) },
        }, el("b", null, cpuName(c)), el("br"), c.type, el("br"),
        path ? el("code", null, path) : "free", " ",
        el("span", { className: "ost" }, o), id ? unplugButton(id) : null);
    }));
}

function renderPci(s) {
    const rows = [];

    for (const bus of s.pci || []) {
        for (const d of bus.devices || []) {
            const bars = (d.regions || []).map((r) => el("div", null,
                "BAR" + r.bar + " " + r.type +
                (r.prefetch ? " pref" : "") +
                (r.mem_type_64 ? " 64-bit" : "") + " " +
                hex(r.address) + " +" + size(r.size)));
            rows.push(el("tr", { dataset: { device: d.qdev_id || "" } },
                el("td", null, bus.bus + ":" + hex(d.slot, 2).slice(2) + "." +
                               d.function),
                el("td", null, d.class_info.desc || hex(d.class_info.class, 4)),
                el("td", null, hex(d.id.vendor, 4).slice(2) + ":" +
                               hex(d.id.device, 4).slice(2)),
                el("td", null, el("code", null, d.qdev_id || "")),
                el("td", null, d.irq !== undefined ? "IRQ " + d.irq : ""),
                el("td", null, ...bars),
                el("td", null, d.qdev_id ? unplugButton(d.qdev_id) : null)));
        }
    }
    table("pci", ["slot", "class", "id", "qdev id", "irq", "BARs", ""], rows);
}

function renderDevices(s) {
    table("devices", ["id", "driver", "path", ""],
          (s.devices || []).map((d) => el("tr", {
              dataset: { device: d.id || "" },
          }, el("td", null, el("code", null, d.id || "(anonymous)")),
          el("td", null, d.driver), el("td", null, el("code", null, d.path)),
          el("td", null, d.id ? unplugButton(d.id) : null))));
}

function renderGuest(s) {
    const p = s.guest ? s.guest.policy : s.machine["guest-policy"];

    $("policy").textContent = p || "(none)";
}

/* The SCI: the interrupt line of the PIIX4 ACPI function (class 0x0680). */
function sciLine(s) {
    for (const bus of s.pci || []) {
        for (const d of bus.devices || []) {
            if (d.class_info.class === 0x0680 && d.irq !== undefined) {
                return d.irq;
            }
        }
    }
    return null;
}

function renderIrqs(s) {
    const irqs = s.irqs || {};
    const sci = sciLine(s);
    const pins = (irqs.ioapic && irqs.ioapic.pins) || [];

    replace("irqs", ...(irqs.gsi || []).map((g) => {
        const pin = pins.find((p) => p.pin === g["ioapic-pin"]);
        const names = ["GSI " + g.gsi];

        if (g["isa-irq"] !== undefined && g["isa-irq"] !== null) {
            names.push("IRQ " + g["isa-irq"]);
        }
        if (g.gsi === sci) {
            names.push("SCI (ACPI)");
        }
        return el("div", {
            className: "line " + (g.level ? "high" : "low") +
                       (g.gsi === sci ? " sci" : ""),
            dataset: { gsi: String(g.gsi) },
            title: "level " + g.level + ", raised " + g.count + " times" +
                   (pin ? "; IOAPIC pin " + pin.pin + " " + pin.trigger +
                          (pin.masked ? " masked" : " vector " +
                           hex(pin.vector, 2)) : ""),
        }, el("b", null, names.join(" · ")), el("br"),
        "level " + g.level + " · " + g.count + "×",
        pin && !pin.masked ? el("br") : null,
        pin && !pin.masked ? pin.trigger + " " + hex(pin.vector, 2) : null);
    }));
    /* GPE0 bits: 1 PCI hotplug, 2 CPU hotplug, 3 memory hotplug. */
    const acpi = irqs.acpi;
    replace("acpi", acpi ? el("span", { className: acpi.sci ? "high" : "low",
                                        id: "acpi-state" },
        "SCI " + (acpi.sci ? "raised" : "low") + " · GPE0 status " +
        hex(acpi["gpe0-status"], 4) + " enable " +
        hex(acpi["gpe0-enable"], 4) + " · PM1 status " +
        hex(acpi["pm1-status"], 4) + " enable " +
        hex(acpi["pm1-enable"], 4) + " control " +
        hex(acpi["pm1-control"], 4))
        : el("span", null, "no ACPI device"));
    replace("pic", ...(irqs.pic || []).map((p) => el("span", null,
        "8259 " + p.chip + ": IRR " + hex(p.irr, 2) + " IMR " +
        hex(p.imr, 2) + " ISR " + hex(p.isr, 2) + " ELCR " +
        hex(p.elcr, 2) + " base " + hex(p["irq-base"], 2))));
}

/* ---- The event log, over Server-Sent Events ------------------------ */

function logEvent(name, data) {
    const ts = data && data.timestamp;
    const when = ts ? new Date(ts.seconds * 1000 +
                               Math.floor(ts.microseconds / 1000))
                    : new Date();
    const log = $("log");

    log.prepend(el("li", { className: "log-entry", dataset: { event: name } },
                   el("time", null, when.toISOString().slice(11, 23)), " ",
                   el("b", null, name), " ",
                   el("code", null, data && data.data !== undefined
                                        ? JSON.stringify(data.data) : "")));
    while (log.children.length > LOG_MAX) {
        log.lastChild.remove();
    }
}

function setConn(text, live) {
    const c = $("conn");

    c.textContent = text;
    c.classList.toggle("live", !!live);
}

function handleRecord(rec) {
    let name = "message";
    const data = [];

    for (const line of rec.split("\n")) {
        if (line.startsWith(":")) {
            continue;
        }
        const i = line.indexOf(":");
        const field = i < 0 ? line : line.slice(0, i);
        let value = i < 0 ? "" : line.slice(i + 1);

        if (value.startsWith(" ")) {
            value = value.slice(1);
        }
        if (field === "event") {
            name = value;
        } else if (field === "data") {
            data.push(value);
        }
    }
    if (!data.length) {
        return;
    }
    let msg = null;
    try {
        msg = JSON.parse(data.join("\n"));
    } catch (e) {
        msg = { data: data.join("\n") };
    }
    logEvent(name, msg);
    refresh();
}

function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/*
 * EventSource cannot send an Authorization header, so the stream is read
 * with fetch() (which can) and parsed here; it reconnects after a failure.
 */
async function stream() {
    let backoff = 500;

    for (;;) {
        try {
            const r = await fetch(API + "/events", {
                headers: headers({ Accept: "text/event-stream" }),
                cache: "no-store",
            });
            if (r.status === 401) {
                $("token-form").classList.add("needed");
                throw new Error("token needed");
            }
            if (!r.ok || !r.body) {
                throw new Error("HTTP " + r.status);
            }
            setConn("live", true);
            backoff = 500;
            refresh();
            const reader = r.body.pipeThrough(new TextDecoderStream())
                .getReader();
            let buf = "";
            for (;;) {
                const { value, done } = await reader.read();
                if (done) {
                    break;
                }
                buf += value.replace(/\r\n?/g, "\n");
                let i;
                while ((i = buf.indexOf("\n\n")) >= 0) {
                    handleRecord(buf.slice(0, i));
                    buf = buf.slice(i + 2);
                }
            }
            setConn("stream ended");
        } catch (e) {
            setConn("events: " + e.message);
        }
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 5000);
    }
}

/* ---- Actions ------------------------------------------------------- */

async function act(fn) {
    try {
        await fn();
        showError("");
    } catch (e) {
        showError(e.message);
    }
    refresh();
}

function unplug(id) {
    return act(() => api("DELETE", "/devices/" + encodeURIComponent(id)));
}

function addDimm(ev) {
    ev.preventDefault();
    const id = $("dimm-id").value;
    const mib = Number($("dimm-size").value);
    const memdev = "mem-" + id;

    $("dimm-id").dataset.auto = "1";
    return act(async () => {
        await api("POST", "/objects", {
            "qom-type": "memory-backend-ram", id: memdev, size: mib * 1048576,
        });
        try {
            await api("POST", "/devices",
                      { driver: "pc-dimm", id: id, memdev: memdev });
        } catch (e) {
            await optional(api("DELETE", "/objects/" +
                               encodeURIComponent(memdev)));
            throw e;
        }
    });
}

function setPolicy(ev) {
    ev.preventDefault();
    let p = $("policy-select").value;

    if (p === "delay") {
        p = "delay:" + Number($("policy-delay").value);
    }
    return act(() => api("PUT", "/machine/guest", { policy: p }));
}

function useToken(ev) {
    ev.preventDefault();
    sessionStorage.setItem("qmachined-token", $("token").value.trim());
    $("token").value = "";
    /* The stream loop retries with the new token within its backoff. */
    refresh();
}

function start() {
    $("token-form").addEventListener("submit", useToken);
    $("dimm-form").addEventListener("submit", addDimm);
    $("policy-form").addEventListener("submit", setPolicy);
    $("dimm-id").addEventListener("input",
                                  () => { $("dimm-id").dataset.auto = "0"; });
    refresh();
    stream();
    setInterval(refresh, POLL_MS);
}

start();
