#!/usr/bin/env python3
"""The page at / (rest/page/) in headless Chromium, driven with the W3C
WebDriver protocol (chromedriver; urllib only).

qmachined runs with --rest-token-file: the page's files load without
the token (with their Content-Types), the API answers 401 without it.
In the browser: the token is entered in the page, the event stream goes
live, a DIMM hot-plugged by REST shows in its slot within a second,
clicking its unplug button brings DEVICE_DELETED into the page's log and
frees the slot, the page's own "Add DIMM" and policy buttons change the
machine (checked by REST), and a screenshot is saved as page.png in the
build directory (make page-screenshot copies it to docs/page.png).

Exits 77 (skipped) when chromium or chromedriver is not installed.
Every process it starts (chromedriver, Chromium, qmachined) is gone when
it ends: chromedriver and its browser run in their own session, which is
killed and then checked to be empty.

Run: QMACHINED=src/qmachined python3 tests/e2e/page_browser.py
"""
import base64
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resthttp import Checker, Daemon, free_port  # noqa: E402

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"
TOKEN = "page-test-token"
MiB = 1 << 20
check = Checker()


def find_program(names, env):
    if os.environ.get(env):
        return os.environ[env]
    for n in names:
        p = shutil.which(n)
        if p:
            return p
    return None


class WebDriverError(Exception):
    pass


class Browser:
    """chromedriver (in its own session) and one WebDriver session."""

    def __init__(self, chromium, chromedriver, tmp):
        self.port = free_port()
        self.log = open(os.path.join(tmp, "chromedriver.log"), "w")
        self.proc = subprocess.Popen(
            [chromedriver, "--port=%d" % self.port],
            stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        self.base = "http://127.0.0.1:%d" % self.port
        self.sid = None
        self.chromium, self.tmp = chromium, tmp

    def open(self):
        """Waits for chromedriver and starts a browser session."""
        chromium, tmp = self.chromium, self.tmp
        self._wait(lambda: self._ready(), 20, "chromedriver ready")
        caps = {"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox",
                         "--disable-gpu", "--disable-dev-shm-usage",
                         "--no-first-run", "--window-size=1400,1900",
                         "--user-data-dir=" + os.path.join(tmp, "profile")],
            },
        }}}
        self.sid = self.call("POST", "/session", caps)["sessionId"]

    def _ready(self):
        try:
            return self.call("GET", "/status").get("ready")
        except (OSError, WebDriverError):
            return False

    @staticmethod
    def _wait(cond, timeout, what):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            v = cond()
            if v:
                return v
            time.sleep(0.05)
        raise WebDriverError("timed out: " + what)

    def call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data,
                                     method=method)
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=60) as r:
                reply = json.loads(r.read() or b"{}")
        except urllib.error.HTTPError as e:
            raise WebDriverError("%s %s: %d %s" % (method, path, e.code,
                                                   e.read()[:500]))
        return reply.get("value", reply) if "value" in reply else reply

    def s(self, method, path, body=None):
        return self.call(method, "/session/%s%s" % (self.sid, path), body)

    def get(self, url):
        self.s("POST", "/url", {"url": url})

    def js(self, script, *args):
        return self.s("POST", "/execute/sync",
                      {"script": script, "args": list(args)})

    def find(self, css):
        els = self.s("POST", "/elements", {"using": "css selector",
                                           "value": css})
        return [e[ELEMENT] for e in els]

    def wait_for(self, css, timeout):
        """The first element matching css, polling until timeout; None
        if none appeared."""
        end = time.monotonic() + timeout
        while True:
            els = self.find(css)
            if els:
                return els[0]
            if time.monotonic() >= end:
                return None
            time.sleep(0.02)

    def wait_js(self, script, timeout, *args):
        end = time.monotonic() + timeout
        while True:
            v = self.js(script, *args)
            if v or time.monotonic() >= end:
                return v
            time.sleep(0.02)

    def click(self, el):
        self.s("POST", "/element/%s/click" % el, {})

    def type(self, el, text):
        self.s("POST", "/element/%s/clear" % el, {})
        self.s("POST", "/element/%s/value" % el, {"text": text})

    def screenshot(self):
        return base64.b64decode(self.s("GET", "/screenshot"))

    def close(self):
        """Ends the session, then the whole session of processes."""
        if self.sid:
            try:
                self.s("DELETE", "")
            except (OSError, WebDriverError):
                pass
            self.sid = None
        pgid = self.proc.pid
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(pgid, signal.SIGKILL)
            self.proc.wait()
        end = time.monotonic() + 10
        while self.members(pgid) and time.monotonic() < end:
            time.sleep(0.05)
        left = self.members(pgid)
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log.close()
        return left


    def members(self, sid):
        """Live (not zombie) processes of ours: in session sid, or naming
        our profile directory (Chromium's crash handler leaves the
        session: it daemonizes)."""
        out = []
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % d) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                with open("/proc/%s/cmdline" % d, "rb") as f:
                    cmd = f.read()
            except OSError:
                continue
            if fields[0] != "Z" and (int(fields[3]) == sid or
                                     self.tmp.encode() in cmd):
                out.append(int(d))
        return out


def static_files(d):
    for path, ctype in [("/", "text/html"), ("/index.html", "text/html"),
                        ("/page.css", "text/css"),
                        ("/page.js", "text/javascript")]:
        r = d.rest.request("GET", "~" + path, headers={"Authorization": ""})
        check(r.status == 200 and
              r.headers["Content-Type"].startswith(ctype) and
              "script-src 'self'" in r.headers.get(
                  "Content-Security-Policy", ""),
              "GET %s without the token: 200 %s" % (path, ctype), r)
    r = d.rest.request("GET", "/machine", headers={"Authorization": ""})
    check(r.status == 401, "the API still wants the token", r)
    r = d.rest.request("POST", "~/", headers={"Authorization": ""})
    check(r.status == 405 and r.headers.get("Allow") == "GET, HEAD",
          "POST / is 405", r)
    r = d.rest.request("GET", "~/nothing-here")
    check(r.status == 404, "another path outside /api/v1 is 404", r)


def dimm_ids(d):
    r = d.rest.get("/memory-devices")
    return [m["data"].get("id") for m in r.json or []]


def run(d, b, outdir):
    url = "http://127.0.0.1:%d/" % d.port
    b.get(url)
    check(b.js("return document.title") == "qmachined", "page loaded")
    # Without the token the page says so instead of showing the machine.
    check(b.wait_for(".token.needed", 5) is not None,
          "page asks for the token")
    b.type(b.find("#token")[0], TOKEN)
    b.click(b.find("#token-form button")[0])
    live = b.wait_js("return document.getElementById('conn').textContent"
                     " === 'live'", 10)
    check(live, "event stream live with the token",
          b.js("return document.getElementById('conn').textContent"))
    n = b.wait_js("return document.querySelectorAll('.dimm-slot').length",
                  5)
    check(n == 4, "4 DIMM slots shown", n)
    check(b.wait_for(".cpu-slot.used", 5) is not None and
          len(b.find(".cpu-slot")) == 4, "CPU slots: 4, one used")
    check(b.wait_for('#pci tr[data-device="bal0"]', 5) is not None,
          "PCI table shows bal0")
    bars = b.js("var r = document.querySelector("
                "'#pci tr[data-device=\"bal0\"]'); "
                "return r ? r.textContent : ''")
    check("BAR" in bars, "bal0's BARs shown", bars)
    check(b.wait_for(".line.sci", 5) is not None, "the SCI line is marked")
    # The ACPI event registers, as __org.qmachined_query-interrupts has them.
    acpi = d.rest.get("/interrupts").json["acpi"]
    want = "GPE0 status 0x%04x enable 0x%04x" % (acpi["gpe0-status"],
                                                 acpi["gpe0-enable"])
    shown = b.wait_js("var e = document.getElementById('acpi-state'); "
                      "return e && e.textContent.indexOf(arguments[0]) >= 0 "
                      "? e.textContent : ''", 5, want)
    check(shown, "GPE0 and SCI shown as REST has them", (want, shown))

    # Hot-plug by REST: the slot fills within a second.
    r = d.rest.post("/objects", {"qom-type": "memory-backend-ram",
                                 "id": "mem-rest", "size": 256 * MiB})
    check(r.status == 201, "object-add by REST", r)
    r = d.rest.post("/devices", {"driver": "pc-dimm", "id": "restdimm",
                                 "memdev": "mem-rest"})
    t0 = time.monotonic()
    check(r.status == 201, "device_add by REST", r)
    el = b.wait_for('.dimm-slot.used[data-device="restdimm"]', 1.0)
    dt = time.monotonic() - t0
    print("DIMM slot shown %.3f s after device_add's reply" % dt)
    check(el is not None and dt <= 1.0,
          "the new DIMM's slot appears within 1 s (%.3f s)" % dt)
    check(b.wait_for('.dimm-block[data-device="restdimm"]', 1.0)
          is not None, "the DIMM is drawn in the memory bar")

    # Unplug from the page: DEVICE_DELETED reaches the page's log.
    btn = b.find('.dimm-slot[data-device="restdimm"] button.unplug')
    check(len(btn) == 1, "the slot has an unplug button")
    if btn:
        b.click(btn[0])
    got = b.wait_js(
        "var id = arguments[0]; return Array.from(document.querySelectorAll("
        "'.log-entry[data-event=\"DEVICE_DELETED\"]')).some("
        "function (e) { return e.textContent.indexOf(id) >= 0; })",
        5, "restdimm")
    check(got, "DEVICE_DELETED for restdimm in the page's log")
    check("restdimm" not in dimm_ids(d), "restdimm is gone (REST)")
    check(b.wait_js("return !document.querySelector("
                    "'.dimm-slot[data-device=\"restdimm\"]')", 2),
          "its slot is free again")

    # The page's own buttons: add a DIMM, switch the policy.
    b.type(b.find("#dimm-id")[0], "pagedimm")
    b.type(b.find("#dimm-size")[0], "1024")
    b.click(b.find("#dimm-form button")[0])
    check(b.wait_for('.dimm-slot.used[data-device="pagedimm"]', 3)
          is not None, "Add DIMM fills a slot")
    check("pagedimm" in dimm_ids(d), "Add DIMM plugged it (REST)")
    sel = b.find("#policy-select")[0]
    b.click(sel)
    b.click(b.find('#policy-select option[value="reject"]')[0])
    b.click(b.find("#policy-form button")[0])
    check(b.wait_js("return document.getElementById('policy').textContent"
                    " === 'reject'", 3), "the page shows policy reject")
    r = d.rest.get("/machine/guest")
    check(r.json == {"policy": "reject"}, "PUT /machine/guest done", r)
    check(b.js("return document.getElementById('error').hidden"),
          "no error shown",
          b.js("return document.getElementById('error').textContent"))

    png = b.screenshot()
    check(png[:8] == b"\x89PNG\r\n\x1a\n", "screenshot is a PNG")
    path = os.path.join(outdir, "page.png")
    with open(path, "wb") as f:
        f.write(png)
    print("screenshot: %s (%d bytes)" % (path, len(png)))

    # Names reach the DOM as text: markup in event data stays text (after
    # the screenshot, which shows real events only).
    got = b.js("logEvent('X<i>', {data: {device: '<img id=evil src=x>'}});"
               "var e = document.querySelector('#log li');"
               "return [e.textContent, !!document.getElementById('evil'),"
               "        e.querySelectorAll('img, i').length];")
    check(got[0].find("<img id=evil src=x>") > 0 and "X<i>" in got[0] and
          not got[1] and got[2] == 0, "event text is escaped", got)


def main():
    chromium = find_program(["chromium", "chromium-browser"], "CHROMIUM")
    driver = find_program(["chromedriver"], "CHROMEDRIVER")
    if not chromium or not driver:
        print("SKIP: chromium and chromium-driver are not installed "
              "(contrib/setup.sh)")
        return 77
    outdir = os.environ.get("builddir", ".")
    tmp = tempfile.mkdtemp(prefix="qmachined-page-")
    d = Daemon(extra=["-m", "1G,slots=4,maxmem=8G", "-smp", "1,maxcpus=4",
                      "-device", "virtio-balloon-pci,id=bal0"],
               token=TOKEN)
    b = None
    try:
        r = d.rest.post("/machine/actions/cont")
        check(r.status == 200, "cont", r)
        static_files(d)
        b = Browser(chromium, driver, tmp)
        b.open()
        run(d, b, outdir)
    except (WebDriverError, OSError, socket.timeout) as e:
        check(False, "browser session", e)
    finally:
        if b:
            left = b.close()
            check(not left, "no chromedriver/Chromium process left", left)
        d.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return check.finish()


if __name__ == "__main__":
    sys.exit(main())
