"""The web app in a real browser: Debian's chromium driven by playwright-core
(tests/e2e/web/browser_test.mjs). dzvin serves the built app (web/dist) and the API on one
origin; baresip places one answered call 1001 -> 2001 first, then leaves a voicemail in 2001's
box (number 800, a scheme put through the API). In the browser the admin from the config file
logs in through the form (a wrong password shows the refusal), sees the calls on the dashboard,
builds a scheme in the editor (a ring step for 2001 with its timeout, steps dragged and moved)
and gives it number 700; then, on the browser's request (lines "@@dial 700", "@@answer",
"@@hangup" on its stdout, answered "ok" on its stdin), baresip calls 700 and the dashboard
must show the call live (ringing 2001, then answered) before it ends, and both phones online.
Then the call log with its timeline, the heatmap (the cells add up to the API's total), a
scheme the server refuses (its message next to the step it names), a schedule and a group
through their forms, the voicemail inbox (the unheard count in the navigation, listening marks
it heard), a user added through the form (a refused field shows next to that field) and
deleted, the language picker, a reload (still logged in) and the logout.

  DZVIN_SCREENSHOTS=DIR   also save PNG screenshots there (scripts/screenshots.sh: docs/screenshots)
  DZVIN_WEB_PREVIEW=1     serve the app from Vite's preview server with a proxy to dzvin's API
                          instead of dzvin itself (for working on the app alone)

Needs /usr/bin/chromium (scripts/setup.sh --test), node, and web/ built by scripts/build.sh
(web/dist and web/node_modules with playwright-core)."""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import (Dzvin, TestFailure, check, free_port, main, run_browser, softphone,
                       wait_until)
from test_api_baresip import Client

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WEB = os.path.join(ROOT, "web")
CHROMIUM = "/usr/bin/chromium"
SERVER_IP = "127.0.0.2"
ADMIN_EMAIL = "admin@web.test"
ADMIN_PASSWORD = "admin-web-secret"


def write_config(path, data, port, http_port):
    with open(path, "w") as f:
        f.write(f'''[server]
data_dir = "{data}"
log_level = "info"

[sip]
listen = ["udp:{SERVER_IP}:{port}"]

[http]
listen = "{SERVER_IP}:{http_port}"

[company]
name = "Web Test"
sip_domain = "web.test"

[[company.users]]
username = "1001"
display_name = "Олена Бондар"
password = "pw-1001-secret"
email = "{ADMIN_EMAIL}"
role = "admin"
web_password = "{ADMIN_PASSWORD}"

[[company.users]]
username = "2001"
display_name = "Андрій Мельник"
password = "pw-2001-secret"
''')


def check_tools():
    """Fails at once, saying what to run, when a tool of the browser test is missing."""
    check(os.access(CHROMIUM, os.X_OK),
          f"{CHROMIUM} is missing: the browser test drives Debian's chromium "
          "(install it with: scripts/setup.sh --test)")
    check(shutil.which("node"), "node is missing (scripts/setup.sh installs nodejs)")
    check(os.path.exists(os.path.join(WEB, "dist", "index.html")),
          "web/dist/index.html is missing: build the web app with scripts/build.sh")
    check(os.path.exists(os.path.join(WEB, "node_modules", "playwright-core", "package.json")),
          "web/node_modules/playwright-core is missing: scripts/build.sh runs npm ci in web/")


def serves_app(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            body = r.read().decode("utf-8", "replace")
            return r.status, r.headers.get("Content-Type", ""), body
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read().decode("utf-8", "replace")


def start_preview(work, api_base):
    """Vite's preview server for web/dist with /api proxied to dzvin; returns (process, url)."""
    port = free_port("127.0.0.1", socket.SOCK_STREAM)
    log = open(os.path.join(work, "vite-preview.log"), "w")
    proc = subprocess.Popen(
        ["node", os.path.join(WEB, "node_modules", "vite", "bin", "vite.js"), "preview",
         "--port", str(port), "--strictPort"],
        cwd=WEB, env=dict(os.environ, DZVIN_API=api_base), stdin=subprocess.DEVNULL,
        stdout=log, stderr=subprocess.STDOUT)

    def up():
        if proc.poll() is not None:
            raise TestFailure(f"vite preview exited: {open(log.name).read()[-1000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return True
        except OSError:
            return False
    wait_until(up, 15, "vite preview did not listen")
    return proc, f"http://127.0.0.1:{port}"


def place_call(caller, callee, server, to, how, talk_seconds=0):
    """caller dials `to`; the callee answers (and the caller hangs up after `talk_seconds`),
    or the caller gives up while it rings, or the callee refuses."""
    caller.cmd("dial", f"sip:{to}@{server[0]}:{server[1]}")
    callee.wait_event("CALL_INCOMING")
    if how == "answer":
        callee.cmd("accept")
        callee.wait_event("CALL_ESTABLISHED")
        time.sleep(talk_seconds)  # a talk time above zero
        caller.cmd("hangup")
    elif how == "give_up":
        caller.cmd("hangup")
    else:
        callee.cmd("hangup")
    caller.wait_event("CALL_CLOSED", fail_on=())
    callee.wait_event("CALL_CLOSED", fail_on=())


def leave_voicemail(dz, api, caller, server):
    """A scheme that sends number 800 to 2001's own box; 1001 calls it and speaks (its test
    tone) for a few seconds after the beep."""
    status, body = api.call("PUT", "/api/v1/schemes/leave-message", {
        "description": "Straight to 2001's voicemail",
        "steps": [{"type": "voicemail", "box": "2001"}]})
    check(status == 200, f"the voicemail scheme: {status} {body}")
    status, body = api.call("PUT", "/api/v1/numbers/800", {"scheme": "leave-message"})
    check(status == 200, f"number 800: {status} {body}")
    before = dz.log().count("event=pbx.voicemail_recording")
    caller.cmd("dial", f"sip:800@{server[0]}:{server[1]}")
    caller.wait_event("CALL_ESTABLISHED")
    wait_until(lambda: dz.log().count("event=pbx.voicemail_recording") > before, 20,
               "the recording of the voicemail did not start")
    time.sleep(2.5)
    caller.cmd("hangup")
    caller.wait_event("CALL_CLOSED", timeout=10, fail_on=())

    def listed():
        status, body = api.call("GET", "/api/v1/voicemails?limit=5")
        return body["items"] if status == 200 and body.get("items") else None
    items = wait_until(listed, 10, "the voicemail is not listed by GET /api/v1/voicemails")
    check(items[0]["box"] == "2001" and items[0]["heard"] is False, f"the voicemail: {items[0]}")


class PhoneDesk:
    """Does what the browser asks of the phones (it cannot drive baresip itself): 1001 dials a
    number and 2001 rings, answers, 1001 hangs up."""

    def __init__(self, caller, callee, server):
        self.caller, self.callee, self.server = caller, callee, server

    def handle(self, request):
        words = request.split()
        try:
            if words[0] == "dial" and len(words) == 2:
                self.caller.cmd("dial", f"sip:{words[1]}@{self.server[0]}:{self.server[1]}")
                self.callee.wait_event("CALL_INCOMING")
            elif words == ["answer"]:
                self.callee.cmd("accept")
                self.callee.wait_event("CALL_ESTABLISHED")
            elif words == ["hangup"]:
                self.caller.cmd("hangup")
                self.caller.wait_event("CALL_CLOSED", fail_on=())
                self.callee.wait_event("CALL_CLOSED", fail_on=())
            else:
                return f"error: unknown request {request!r}"
        except TestFailure as e:
            return f"error: {e}"
        return "ok"


def test(work):
    check_tools()
    data = os.path.join(work, "data")
    port = free_port(SERVER_IP)
    http_port = free_port(SERVER_IP, socket.SOCK_STREAM)
    cfg = os.path.join(work, "dzvin.toml")
    write_config(cfg, data, port, http_port)
    dz = Dzvin(work, ["serve", "--config", cfg]).start()
    base = f"http://{SERVER_IP}:{http_port}"
    phones, preview = [], None
    try:
        server = dz.listen["udp"]
        caller = softphone(work, "caller", "127.0.0.3", "1001", "pw-1001-secret", server, 900)
        callee = softphone(work, "callee", "127.0.0.4", "2001", "pw-2001-secret", server, 1600)
        phones += [caller, callee]
        for p in phones:
            p.wait_registration(want_ok=True)
        shots = os.environ.get("DZVIN_SCREENSHOTS", "")
        if shots:
            # A fuller log for the pictures: a call the other way, one given up while ringing,
            # one refused.
            place_call(callee, caller, server, "1001", "answer", 2)
            place_call(caller, callee, server, "2001", "give_up")
            place_call(caller, callee, server, "2001", "refuse")
        place_call(caller, callee, server, "2001", "answer", 1)

        api = Client(base)
        api.login(ADMIN_EMAIL, ADMIN_PASSWORD)

        def ended_call():
            status, body = api.call("GET", "/api/v1/calls?limit=5")
            items = body.get("items", []) if status == 200 else []
            return items[0] if items and items[0].get("ended_at") else None
        call = wait_until(ended_call, 5, "the call is not in the call log")
        check(call["caller"] == "1001" and call["called"] == "2001", f"{call}")
        leave_voicemail(dz, api, caller, server)

        if os.environ.get("DZVIN_WEB_PREVIEW") == "1":
            preview, app_url = start_preview(work, base)
        else:
            app_url = base
            status, ctype, body = serves_app(app_url + "/")
            check(status == 200 and "text/html" in ctype and 'id="app"' in body,
                  f"dzvin does not serve the web app at {app_url}/ ({status} {ctype}): the static "
                  "route for web/dist is missing or web/dist is not where dzvin looks "
                  "(DZVIN_WEB_PREVIEW=1 runs this test against Vite's preview server instead)")

        if shots:
            os.makedirs(shots, exist_ok=True)
        code, output = run_browser([app_url, ADMIN_EMAIL, ADMIN_PASSWORD, shots],
                                   PhoneDesk(caller, callee, server),
                                   os.path.join(work, "browser.log"), 300)
        if code != 0:
            print(output[-6000:], file=sys.stderr)
        check(code == 0, f"the browser test failed (exit {code})")
        check(dz.alive(), "dzvin died during the browser test")
    finally:
        if preview and preview.poll() is None:
            preview.terminate()
            try:
                preview.wait(timeout=5)
            except subprocess.TimeoutExpired:
                preview.kill()
                preview.wait()
        for p in phones:
            p.quit(timeout=5)
        dz.stop()


if __name__ == "__main__":
    main(test, "web_browser")
