"""The web app in a real browser: Debian's chromium driven by playwright-core
(tests/e2e/web/browser_test.mjs). dzvin serves the built app (web/dist) and the API on one
origin; baresip places one answered call 1001 -> 2001 first. In the browser the admin from the
config file logs in through the form (a wrong password shows the refusal), sees the call on the
dashboard and in the call log with its timeline, opens the heatmap (the cells add up to the API's
total), adds a user through the form (a refused field shows next to that field) and deletes it,
switches the language, reloads (still logged in) and logs out.

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
from dzvin_e2e import (Dzvin, TestFailure, check, free_port, main, softphone, wait_until)
from test_api_baresip import Client

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WEB = os.path.join(ROOT, "web")
CHROMIUM = "/usr/bin/chromium"
BROWSER_SCRIPT = os.path.join(os.path.dirname(__file__), "web", "browser_test.mjs")
SERVER_IP = "127.0.0.2"
ADMIN_EMAIL = "admin@web.test"
ADMIN_PASSWORD = "admin-web-secret"


def write_config(path, data, port, http_port):
    with open(path, "w") as f:
        f.write(f'''[server]
data_dir = "{data}"

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
        result = subprocess.run(
            ["node", BROWSER_SCRIPT, app_url, ADMIN_EMAIL, ADMIN_PASSWORD, shots],
            cwd=ROOT, capture_output=True, text=True, timeout=150)
        with open(os.path.join(work, "browser.log"), "w") as f:
            f.write(result.stdout + result.stderr)
        if result.returncode != 0:
            print(result.stdout[-4000:], result.stderr[-4000:], sep="\n", file=sys.stderr)
        check(result.returncode == 0, f"the browser test failed (exit {result.returncode})")
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
