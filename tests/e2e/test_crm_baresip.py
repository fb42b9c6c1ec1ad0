"""Nobody forgotten (issue 6) with baresip and the running binary. Two customers on the
"public network" are baresip phones that reach Dzvin through a trunk (their calls come from
its address, the caller ID in From): an unknown number calls the main number on a day the
office is closed (today is a holiday in the schedule) and is turned away → a call-back task
for the head of the call centre due tomorrow at 10:00 Kyiv time; the caller card says "new
caller". A known contact whose open deal belongs to 1003 calls the sales number, 1001's phone
rings and nobody answers → the task goes to 1003, and the contact's card shows the deal; a
second missed call adds to the same task. 1003 calls the customer back from their phone
through the trunk and they talk → the task closes itself, naming that call. 1003's direct
number is protected: the customer on her list rings her, the unknown caller rings the duty
phone instead. A CRM's webhook endpoint gets the calls and tasks, HMAC-signed; its first
answer is a 500, and that delivery comes again."""
import datetime
import hashlib
import hmac
import http.server
import json
import os
import socket
import sys
import threading
import time
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import (ApiClient, Dzvin, TestFailure, check, customer, free_port, local_today,
                       main, softphone, wait_until)

SERVER_IP = "127.0.0.2"
UNKNOWN_IP, KNOWN_IP = "127.0.0.5", "127.0.0.6"
UNKNOWN, KNOWN = "+380501112233", "+380671112244"
MAIN_DID, SALES_DID, OLENA_DID = "+380441110000", "+380441110001", "+380441110002"
ZONE = "Europe/Kyiv"


WEBHOOK_SECRET = "whsec-crm-test-0123456789"


def webhook_table(url):
    if url is None:
        return ""
    return f'''[[webhooks]]
name = "crm"
url = "{url}"
secret = "{WEBHOOK_SECRET}"
'''


class WebhookReceiver:
    """A CRM's webhook endpoint: keeps every request; the very first is answered 500 (Dzvin
    must retry it), the rest 200."""

    def __init__(self, ip):
        self.requests, self.lock = [], threading.Lock()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with receiver.lock:
                    receiver.requests.append((dict(self.headers), body))
                    first = len(receiver.requests) == 1
                self.send_response(500 if first else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer((ip, 0), Handler)
        self.url = f"http://{ip}:{self.server.server_address[1]}/hooks/dzvin"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def received(self):
        with self.lock:
            return list(self.requests)

    def stop(self):
        self.server.shutdown()


def signature_ok(headers, body):
    parts = dict(p.split("=", 1) for p in headers.get("X-Dzvin-Signature", "").split(","))
    want = hmac.new(WEBHOOK_SECRET.encode(), parts.get("t", "").encode() + b"." + body,
                    hashlib.sha256).hexdigest()
    return hmac.compare_digest(parts.get("v1", ""), want) and abs(int(parts["t"]) - time.time()) < 600


def write_config(path, data, port, http_port, known_port, today, webhook_url=None):
    with open(path, "w") as f:
        f.write(f'''[server]
data_dir = "{data}"

[sip]
listen = ["udp:{SERVER_IP}:{port}"]

[http]
listen = "{SERVER_IP}:{http_port}"

[company]
name = "CRM Test"
sip_domain = "crm.test"

[[company.users]]
username = "1001"
password = "pw-1001-secret"
email = "admin@crm.test"
role = "admin"
web_password = "admin-web-secret"

[[company.users]]
username = "1003"
password = "pw-1003-secret"
display_name = "Olena"

[[company.users]]
username = "1007"
password = "pw-1007-secret"
display_name = "Head of the call centre"

[crm]
head = "1007"
after_hours_by = "10:00"

{webhook_table(webhook_url)}
# The customers' side: calls from these addresses are the public network; calls out go to the
# known customer's phone.
[[trunks]]
name = "public"
address = "{KNOWN_IP}:{known_port}"
inbound = ["{UNKNOWN_IP}", "{KNOWN_IP}"]
dids = ["{MAIN_DID}", "{SALES_DID}", "{OLENA_DID}"]

[routing.schedules.office]
time_zone = "{ZONE}"
weekly = {{ mon = ["09:00-18:00"], tue = ["09:00-18:00"], wed = ["09:00-18:00"], thu = ["09:00-18:00"], fri = ["09:00-18:00"], sat = ["09:00-18:00"], sun = ["09:00-18:00"] }}
holidays = ["{today}"]

[routing.schemes.main]
steps = [ {{ type = "when", schedule = "office", open = [ {{ type = "ring", targets = ["user:1001"], timeout = 5 }} ], closed = [ {{ type = "hangup", status = 480, reason = "Closed" }} ] }} ]

[routing.schemes.sales]
steps = [ {{ type = "ring", targets = ["user:1001"], timeout = 3 }} ]

# Olena's direct line: only the customers on her list reach her; the others, the duty phone.
[routing.caller_lists.olena-vip]
numbers = ["067 111 22 44"]

[routing.schemes.olena-direct]
description = "Olena's direct line"
steps = [ {{ type = "when", caller_in = "olena-vip", listed = [ {{ type = "ring", targets = ["user:1003"], timeout = 10 }} ], others = [ {{ type = "ring", targets = ["user:1001"], timeout = 10 }} ] }} ]

[routing.numbers]
"{MAIN_DID}" = "main"
"{SALES_DID}" = "sales"
"{OLENA_DID}" = "olena-direct"
''')


def rang(phone, seconds):
    """Whether `phone` got an incoming call within `seconds`."""
    try:
        phone.wait_event("CALL_INCOMING", timeout=seconds, fail_on=())
        return True
    except TestFailure:
        return False


def test(work):
    data = os.path.join(work, "data")
    port = free_port(SERVER_IP)
    http_port = free_port(SERVER_IP, socket.SOCK_STREAM)
    known_port = free_port(KNOWN_IP)
    today = local_today(ZONE)
    cfg = os.path.join(work, "dzvin.toml")
    hooks = WebhookReceiver(SERVER_IP)
    write_config(cfg, data, port, http_port, known_port, today.isoformat(), hooks.url)
    dz = Dzvin(work, ["serve", "--config", cfg]).start()
    base = f"http://{SERVER_IP}:{http_port}"
    phones = []
    try:
        server = dz.listen["udp"]
        admin = ApiClient(base)
        admin.login("admin@crm.test", "admin-web-secret")
        duty = softphone(work, "duty", "127.0.0.3", "1001", "pw-1001-secret", server, 1100)
        olena = softphone(work, "olena", "127.0.0.4", "1003", "pw-1003-secret", server, 1300)
        unknown = customer(work, "unknown", UNKNOWN_IP, UNKNOWN, server)
        known = customer(work, "known", KNOWN_IP, KNOWN, server, sip_port=known_port)
        phones += [duty, olena, unknown, known]
        for p in (duty, olena):
            p.wait_registration(want_ok=True)

        # The known customer: a contact with an open deal owned by 1003 (numbers as typed).
        status, contact = admin.call("POST", "/api/v1/contacts", {
            "name": "Taras Shevchuk", "company": "Kobzar LLC", "owner": "1001",
            "phones": ["067 111 22 44"]})
        check(status == 201 and contact["phones"][0]["number"] == KNOWN, f"contact: {status} {contact}")
        status, deal = admin.call("POST", "/api/v1/deals", {
            "contact_id": contact["id"], "title": "20 laptops", "stage": "proposal",
            "owner": "1003"})
        check(status == 201, f"deal: {status} {deal}")
        status, body = admin.call("POST", "/api/v1/contacts", {
            "name": "Somebody else", "phones": ["+380671112244"]})
        check(status == 409 and body["error"].get("field") == "phones[0]",
              f"a taken number: {status} {body}")

        # 1. An unknown number on a holiday: turned away, a task for the head.
        status, card = admin.call("GET", "/api/v1/caller-card?number=%2B380501112233")
        check(status == 200 and card["primary"] and card["contact"] is None,
              f"new caller's card: {status} {card}")
        unknown.cmd("dial", f"sip:{MAIN_DID}@{server[0]}:{server[1]}")
        unknown.wait_event("CALL_CLOSED", timeout=10, fail_on=())

        def task_for(number, state="open"):
            s, b = admin.call("GET", f"/api/v1/tasks?state={state}")
            items = [t for t in b.get("items", []) if t["number"] == number] if s == 200 else []
            return items[0] if items else None
        task = wait_until(lambda: task_for(UNKNOWN), 5, "no call-back task for the unknown caller")
        check(task["assignee"] == "1007" and task["assigned_by"] == "head", f"assignee: {task}")
        due = datetime.datetime.fromisoformat(task["due_at"].replace("Z", "+00:00"))
        want = datetime.datetime.combine(today + datetime.timedelta(days=1), datetime.time(10, 0),
                                         tzinfo=ZoneInfo(ZONE))
        check(due == want, f"due {due.astimezone(ZoneInfo(ZONE))}, want {want}")
        check(task["title"] == f"Call back {UNKNOWN}" and task["first_call_id"], f"{task}")

        # 2. The known customer calls sales; 1001 rings, nobody answers: the deal owner's task.
        for attempt in (1, 2):
            known.cmd("dial", f"sip:{SALES_DID}@{server[0]}:{server[1]}")
            duty.wait_event("CALL_INCOMING")
            known.wait_event("CALL_CLOSED", timeout=15, fail_on=())
            duty.wait_event("CALL_CLOSED", fail_on=())
            task = wait_until(lambda: (t := task_for(KNOWN)) and t["calls"] == attempt and t,
                              5, f"no task after missed call {attempt}")
            check(task["assignee"] == "1003" and task["assigned_by"] == "deal_owner",
                  f"the deal owner should call back: {task}")
            check(task["title"] == f"Call back Taras Shevchuk ({KNOWN})", f"{task}")
        status, card = admin.call("GET", "/api/v1/caller-card?number=0671112244")
        check(status == 200 and not card["primary"] and card["contact"]["name"] == "Taras Shevchuk"
              and card["deals"][0]["owner"] == "1003" and len(card["recent_calls"]) == 2 and
              card["open_task"]["id"] == task["id"], f"known caller's card: {status} {card}")
        # Primary (a first contact) or secondary (a client): on the call records and weekly.
        status, calls = admin.call("GET", "/api/v1/calls?limit=10")
        kinds = {(c["caller"], c["caller_kind"]) for c in calls.get("items", [])}
        check(status == 200 and kinds == {(UNKNOWN, "primary"), (KNOWN, "secondary")},
              f"caller kinds: {kinds}")
        status, report = admin.call("GET", f"/api/v1/reports/first-contacts?tz={ZONE}")
        week = report["weeks"][-1] if status == 200 and report.get("weeks") else {}
        total = week.get("total", {})
        captured = {o["user"]: o["contacts_captured"] for o in week.get("operators", [])}
        check(total.get("primary") == 1 and total.get("secondary") == 2 and
              captured.get("1001") == 1, f"weekly report: {status} {report}")

        # Olena (a manager) sees her task, not the head's.
        olena_web = ApiClient(base)
        status, body = admin.call("PATCH", "/api/v1/users/1003",
                                  {"email": "olena@crm.test", "password": "olena-web-secret"})
        check(status == 200, f"olena's login: {status} {body}")
        olena_web.login("olena@crm.test", "olena-web-secret")
        status, body = olena_web.call("GET", "/api/v1/tasks")
        check(status == 200 and [t["number"] for t in body["items"]] == [KNOWN],
              f"olena's tasks: {status} {body}")

        # 3. Olena calls the customer back through the trunk and they talk: the task closes.
        olena.cmd("dial", f"sip:0671112244@{server[0]}:{server[1]}")
        known.wait_event("CALL_ESTABLISHED", timeout=10)
        olena.wait_event("CALL_ESTABLISHED")
        time.sleep(2)
        olena.cmd("hangup")
        olena.wait_event("CALL_CLOSED", fail_on=())
        known.wait_event("CALL_CLOSED", fail_on=())
        closed = wait_until(lambda: task_for(KNOWN, "done"), 5, "the task did not close itself")
        check(closed["id"] == task["id"] and closed["closed_by_call"] and
              closed["closed_by_call"] != task["last_call_id"], f"closed: {closed}")
        status, call = admin.call("GET", f"/api/v1/calls/{closed['closed_by_call']}")
        check(status == 200 and call["called"] == KNOWN and call["answered_at"],
              f"the closing call: {status} {call}")
        # The head's task for the unknown caller is still open.
        check(task_for(UNKNOWN) is not None, "the other task closed too")

        # 4. Olena's protected line: the listed customer rings her, the unknown one the duty
        # phone (the secretary), each answered there and nowhere else.
        for caller, reached, spared in ((known, olena, duty), (unknown, duty, olena)):
            caller.cmd("dial", f"sip:{OLENA_DID}@{server[0]}:{server[1]}")
            reached.wait_event("CALL_INCOMING")
            reached.cmd("accept")
            reached.wait_event("CALL_ESTABLISHED")
            check(not rang(spared, 0.5), f"{spared.name} rang for a call of {caller.name}")
            caller.cmd("hangup")
            caller.wait_event("CALL_CLOSED", fail_on=())
            reached.wait_event("CALL_CLOSED", fail_on=())
        status, calls = admin.call("GET", f"/api/v1/calls?number=%2B{OLENA_DID[1:]}&limit=5")
        answered_by = [c.get("answered_by", "").split("@")[0] for c in calls.get("items", [])]
        check(status == 200 and answered_by[:2] == ["1001", "1003"],
              f"the protected line's calls were answered by {answered_by}")

        # 5. The CRM's webhook got the calls and the tasks, signed; the first delivery, refused
        # with a 500, came again (retried after 10 s).
        def webhook_types():
            got = hooks.received()
            types = {json.loads(body)["type"] for _, body in got}
            first = got[0][0].get("X-Dzvin-Delivery") if got else None
            retried = [h for h, _ in got[1:] if h.get("X-Dzvin-Delivery") == first]
            wanted = {"call.started", "call.answered", "call.ended", "task.created", "task.closed"}
            return got if wanted <= types and retried else None
        got = wait_until(webhook_types, 30, f"webhooks: {[json.loads(b)['type'] for _, b in hooks.received()]}")
        check(all(signature_ok(h, b) for h, b in got), "a webhook signature does not verify")
        check(all(h.get("X-Dzvin-Event") == json.loads(b)["type"] for h, b in got), "X-Dzvin-Event")
        created = [json.loads(b) for _, b in got if json.loads(b)["type"] == "task.created"]
        check(any(c["task"]["number"] == UNKNOWN and c["task"]["assignee"] == "1007" for c in created),
              f"task.created: {created}")
        status, log = admin.call("GET", "/api/v1/webhooks/deliveries?limit=200")
        retried = [d for d in log.get("items", []) if d["attempts"] >= 2 and d["state"] == "delivered"]
        check(status == 200 and retried and retried[0]["last_status"] == 200,
              f"the delivery log: {status} {log}")

        # 6. Olena leaves the company: her open task goes to the head of the call centre, her
        # deal has no owner (Taras's next missed call goes to the contact's owner, not to her).
        status, leftover = admin.call("POST", "/api/v1/tasks", {
            "title": "Send Taras the invoice", "assignee": "1003", "number": KNOWN})
        check(status == 201, f"a task for olena: {status} {leftover}")
        status, _ = admin.call("DELETE", "/api/v1/users/1003")
        check(status == 204, f"deleting olena: {status}")
        status, moved = admin.call("GET", f"/api/v1/tasks/{leftover['id']}")
        check(status == 200 and moved["assignee"] == "1007" and moved["assigned_by"] == "reassigned",
              f"olena's open task after she left: {status} {moved}")
        status, taras = admin.call("GET", f"/api/v1/contacts/{contact['id']}")
        check(status == 200 and taras["deals"][0]["owner"] == "", f"her deal: {status} {taras}")
    finally:
        hooks.stop()
        for p in phones:
            p.quit(timeout=5)
        dz.stop()


if __name__ == "__main__":
    main(test, "crm_baresip")
