"""The REST API against the running binary (issue 5, first part): the admin from the config
file logs in (session cookie + CSRF token), creates extension 2001 through the API, and a
baresip phone registers as 2001 at once (the accounts are reloaded); a schedule, a scheme
ringing 2001 and the number 500 are created through the API (a scheme naming an unknown user
is refused with the step named); 1001 calls 500, the new scheme rings 2001, who answers; the call is in GET /api/v1/calls with its timeline, its recording streams with a 206
range response, and it is in the heatmap cell of its local weekday and hour. 2001 (a manager) sees its own call but not the users list; an API token
works without the cookie; a state-changing request without the CSRF header, malformed JSON,
unknown fields, oversized bodies, SQL-looking input and path tricks are refused and change
nothing. /metrics and /api/v1/openapi.json are served."""
import datetime
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.request
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import (ApiClient as Client, Dzvin, check, free_port, main, softphone,
                       wait_until)

SERVER_IP = "127.0.0.2"


def write_config(path, data, port, http_port):
    with open(path, "w") as f:
        f.write(f'''[server]
data_dir = "{data}"

[sip]
listen = ["udp:{SERVER_IP}:{port}"]

[http]
listen = "{SERVER_IP}:{http_port}"

[company]
name = "API Test"
sip_domain = "api.test"

[[company.users]]
username = "1001"
password = "pw-1001-secret"
email = "Admin@API.test"
role = "admin"
web_password = "admin-web-secret"

[routing.recording]
mode = "all"
''')


def test(work):
    data = os.path.join(work, "data")
    port = free_port(SERVER_IP)
    http_port = free_port(SERVER_IP, socket.SOCK_STREAM)
    cfg = os.path.join(work, "dzvin.toml")
    write_config(cfg, data, port, http_port)
    dz = Dzvin(work, ["serve", "--config", cfg]).start()
    base = f"http://{SERVER_IP}:{http_port}"
    phones = []
    try:
        server = dz.listen["udp"]
        admin = Client(base)
        status, body = admin.call("GET", "/api/v1/calls")
        check(status == 401 and body["error"]["code"], f"without login: {status} {body}")
        me = admin.login("admin@api.test", "admin-web-secret")
        check(me["user"]["role"] == "admin" and me["user"]["username"] == "1001", f"{me}")
        cookie = [c for c in admin.jar][0]
        check(cookie.name == "dzvin_session" and cookie.has_nonstandard_attr("HttpOnly"),
              "the session cookie is not HttpOnly")

        # Refused input changes nothing.
        new_user = {"username": "2001", "display_name": "Olena", "email": "olena@api.test",
                    "role": "manager", "password": "olena-web-secret",
                    "sip_password": "pw-2001-secret"}
        status, body = admin.call("POST", "/api/v1/users", new_user, csrf=False)
        check(status == 403, f"no CSRF header: {status} {body}")
        status, body = admin.call("POST", "/api/v1/users", raw=b'{"username": "2001",')
        check(status == 400, f"malformed JSON: {status} {body}")
        status, body = admin.call("POST", "/api/v1/users", dict(new_user, shoe_size=44))
        check(status == 400 and body["error"].get("field") == "shoe_size", f"unknown field: {body}")
        status, body = admin.call("POST", "/api/v1/users", dict(new_user, username=42))
        check(status == 400 and body["error"].get("field") == "username", f"wrong type: {body}")
        status, body = admin.call("POST", "/api/v1/users",
                                  dict(new_user, username="x' OR 1=1 --"))
        check(status == 400, f"SQL-looking username: {status} {body}")
        status, body = admin.call("POST", "/api/v1/users", raw=b'{"a": "' + b"x" * 2_000_000 + b'"}')
        check(status == 413, f"2 MB body: {status}")
        status, body = admin.call("GET", "/api/v1/users")
        check(status == 200 and body["total"] == 1, f"something was created: {body}")
        status, body = admin.call("GET", "/media/voicemail/..%2F..%2Fdzvin.db")
        check(status in (400, 404), f"path trick: {status}")

        # Extension 2001 through the API; its phone registers at once.
        status, body = admin.call("POST", "/api/v1/users", new_user)
        check(status == 201 and body["username"] == "2001", f"create: {status} {body}")
        check("sip_password" not in json.dumps(body) and "hash" not in json.dumps(body),
              "a secret came back")
        wait_until(lambda: "event=accounts.reloaded" in dz.log(), 5, "accounts not reloaded")
        caller = softphone(work, "caller", "127.0.0.3", "1001", "pw-1001-secret", server, 900)
        olena = softphone(work, "olena", "127.0.0.4", "2001", "pw-2001-secret", server, 1600)
        phones += [caller, olena]
        for p in phones:
            p.wait_registration(want_ok=True)
        # Who is online: every registered phone, through the registrations table.
        def online():
            s2, b2 = admin.call("GET", "/api/v1/registrations")
            users = {i["user"] for i in b2.get("items", [])} if s2 == 200 else set()
            return users if {"1001", "2001"} <= users else None
        wait_until(online, 5, "the registered phones are not listed as online")
        # A schedule, a scheme and a number through the API; a wrong scheme is refused naming
        # the step and changes nothing.
        week = {d: ["00:00-23:59"] for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
        status, body = admin.call("PUT", "/api/v1/schedules/always",
                                  {"time_zone": "Europe/Kyiv", "weekly": week})
        check(status == 200, f"schedule: {status} {body}")
        status, body = admin.call("PUT", "/api/v1/schemes/broken", {"steps": [
            {"type": "ring", "targets": ["user:9999"], "timeout": 10}]})
        check(status == 400 and "steps[0].targets[0]" in body["error"]["message"] and
              "9999" in body["error"]["message"], f"a wrong scheme: {status} {body}")
        # A ring group through the API (a member who is not a user is refused, by index).
        status, body = admin.call("PUT", "/api/v1/groups/sales-team",
                                  {"members": ["2001", "9999"]})
        check(status == 400 and body["error"].get("field") == "groups.sales-team.members[1]",
              f"a wrong group: {status} {body}")
        status, body = admin.call("PUT", "/api/v1/groups/sales-team",
                                  {"description": "Sales", "members": ["2001"]})
        check(status == 200, f"group: {status} {body}")
        status, body = admin.call("PUT", "/api/v1/schemes/sales", {
            "description": "Olena in hours", "steps": [
                {"type": "when", "schedule": "always",
                 "open": [{"type": "ring", "targets": ["group:sales-team"], "timeout": 15}],
                 "closed": [{"type": "hangup"}]}]})
        check(status == 200, f"scheme: {status} {body}")
        status, body = admin.call("PUT", "/api/v1/numbers/500", {"scheme": "sales"})
        check(status == 200 and body["numbers"].get("500") == "sales", f"number: {status} {body}")
        status, body = admin.call("GET", "/api/v1/schemes")
        check(status == 200 and [i["name"] for i in body["items"]] == ["sales"],
              f"schemes: {body}")
        caller.cmd("dial", f"sip:500@{server[0]}:{server[1]}")
        olena.wait_event("CALL_INCOMING")
        olena.cmd("accept")
        olena.wait_event("CALL_ESTABLISHED")
        time.sleep(2)
        caller.cmd("hangup")
        caller.wait_event("CALL_CLOSED", fail_on=())
        olena.wait_event("CALL_CLOSED", fail_on=())

        def answered_calls():
            s, b = admin.call("GET", "/api/v1/calls?limit=50")
            items = [c for c in b.get("items", []) if (c.get("answered_by") or "").startswith("2001@")]
            return items if s == 200 and items and items[0].get("ended_at") else None
        calls = wait_until(answered_calls, 5, "the call is not in the call log")
        call = calls[0]
        check(call["caller"] == "1001" and call["called"] == "500", f"{call}")
        status, full = admin.call("GET", f"/api/v1/calls/{call['id']}")
        kinds = [e["kind"] for e in full.get("timeline", [])]
        check(status == 200 and kinds[0] == "started" and "answered" in kinds and "ended" in kinds
              and kinds.index("answered") < kinds.index("ended"), f"timeline: {status} {kinds}")
        check(full["timeline"][0].get("detail") == "sales", f"not the new scheme: {full['timeline'][0]}")

        # The call was recorded (the company records all calls): its audio streams in ranges.
        def recording_id():
            s2, b2 = admin.call("GET", f"/api/v1/calls/{call['id']}")
            return b2.get("recording_id") if s2 == 200 else None
        rid = wait_until(recording_id, 10, "the call's recording is not in its record")
        status, audio = admin.call("GET", f"/api/v1/recordings/{rid}/audio",
                                   headers={"Range": "bytes=0-99"})
        check(status == 206 and isinstance(audio, bytes) and len(audio) == 100 and
              audio.startswith(b"RIFF"), f"recording range: {status}")

        # The heatmap counts it in its Kyiv weekday and hour.
        now = datetime.datetime.now(datetime.timezone.utc)
        frm = (now - datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        to = (now + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        status, heat = admin.call("GET", f"/api/v1/reports/heatmap?from={frm}&to={to}&tz=Europe/Kyiv")
        check(status == 200 and heat["total"] >= 1, f"heatmap: {status} {heat}")
        started = datetime.datetime.fromisoformat(call["started_at"].replace("Z", "+00:00"))
        local = started.astimezone(ZoneInfo("Europe/Kyiv"))
        cell = heat["cells"][local.weekday()][local.hour]
        check(cell["total"] >= 1, f"the call's cell ({local.weekday()}, {local.hour}) is {cell}")
        check(sum(c["total"] for row in heat["cells"] for c in row) == heat["total"],
              "the cells do not add up to the total")

        # A manager sees their own call, not the users; an API token needs no cookie.
        olena_client = Client(base)
        olena_client.login("olena@api.test", "olena-web-secret")
        status, body = olena_client.call("GET", "/api/v1/users")
        check(status == 403, f"a manager listed users: {status}")
        status, body = olena_client.call("GET", "/api/v1/calls")
        check(status == 200 and [c["id"] for c in body["items"]] == [call["id"]],
              f"the manager's calls: {body}")
        status, body = olena_client.call("GET", "/api/v1/trunks")
        check(status == 403, f"a manager read the trunks: {status}")
        status, body = olena_client.call("PUT", "/api/v1/groups/sales-team", {"members": []})
        check(status == 403, f"a manager changed a group: {status}")
        status, body = olena_client.call("GET", "/api/v1/registrations")
        check(status == 200 and body["items"] and "contact" not in body["items"][0],
              f"a manager's view of who is online: {status} {body}")
        status, body = admin.call("GET", "/api/v1/trunks")
        check(status == 200 and isinstance(body.get("items"), list) and
              all("password" not in t for t in body["items"]), f"trunks: {status} {body}")
        status, body = olena_client.call("POST", "/api/v1/tokens", {"name": "crm"})
        check(status == 201 and body["token"].startswith("dzv_"), f"token: {status} {body}")
        integration = Client(base)
        integration.token = body["token"]
        status, body = integration.call("GET", "/api/v1/calls")
        check(status == 200 and len(body["items"]) == 1, f"with the token: {status} {body}")
        status, body = integration.call("GET", "/api/v1/reports/heatmap?from=0&to=1")
        check(status == 403, f"a manager's token read the heatmap: {status}")

        # Metrics and the API description.
        with urllib.request.urlopen(base + "/metrics", timeout=5) as r:
            metrics = r.read().decode()
        started = [l for l in metrics.splitlines() if l.startswith("dzvin_calls_started_total ")]
        check(started and float(started[0].split()[1]) >= 1, f"metrics: {started}")
        check("dzvin_http_requests_total{" in metrics, "no HTTP request counter")
        relayed = [l for l in metrics.splitlines() if l.startswith("dzvin_rtp_packets_relayed_total ")]
        check(relayed and float(relayed[0].split()[1]) > 50, f"the call's audio is not counted: {relayed}")
        with urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=5) as r:
            spec = json.loads(r.read())
        check("/api/v1/calls" in spec["paths"] and spec["openapi"].startswith("3."), "openapi")
    finally:
        for p in phones:
            p.quit(timeout=5)
        dz.stop()


if __name__ == "__main__":
    main(test, "api_baresip")
