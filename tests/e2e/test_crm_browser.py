"""The CRM's web pages in a real browser (tests/e2e/web/crm_browser_test.mjs), with dzvin set up
as tests/e2e/test_crm_baresip.py sets it up: customers are baresip phones on the "public
network" reaching dzvin through a trunk, today is a holiday of the office schedule (the main
number turns callers away), the head of the call centre (1007) gets the call-backs nobody else
owns. Here the sales number rings Olena (1003, a manager) for a minute, and both log in to the web
app, each in their own browser.

Through the API first: Taras (a contact) with an open deal of Olena's, and a task of hers past
its deadline. In the browser: contacts (search, a new contact whose second number is Taras's is
refused at that number, then saved; a deal made, changed and closed); Taras calls the sales
number and his caller card must appear on Olena's page (his name, company, deal; the time from
the event to the card is printed, `data-card-ms`) and the head's; Olena takes his request from
the card (the contact updated, a task for her linked to the call); he hangs up: the cards go,
Olena is told of her new call-back task. Then an unknown number calls the main number and is
turned away: the call-back task shows on the head's tasks page live; the head's filters; the
head takes a request on the tasks page (a wrong number refused at the field) that makes a contact
and a task for Olena, closes the call-back; Olena sees her own tasks and cancels the overdue one;
then she calls Taras back with the task's Call button (click-to-call: her phone rings, she
answers, his phone is dialled and answers) and the call-back task closes itself. The card's
times from the live event and from Dzvin taking the INVITE are printed (`data-card-ms`,
`data-invite-ms`). Everything the pages did is checked through the API.

  DZVIN_SCREENSHOTS=DIR   also save contacts, contact, caller-card and tasks PNGs there
                          (scripts/screenshots.sh: docs/screenshots)

Needs what tests/e2e/test_web_browser.py needs: /usr/bin/chromium, node, web/dist and
web/node_modules (scripts/build.sh)."""
import datetime
import json
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import (ApiClient, Dzvin, TestFailure, check, customer, free_port, local_today,
                       main, run_browser, softphone)
from test_crm_baresip import (KNOWN, KNOWN_IP, MAIN_DID, SALES_DID, SERVER_IP, UNKNOWN,
                              UNKNOWN_IP, ZONE, write_config)
from test_web_browser import check_tools, serves_app

CRM_SCRIPT = os.path.join(os.path.dirname(__file__), "web", "crm_browser_test.mjs")
OLENA = {"email": "olena@crm.test", "password": "olena-web-secret"}
HEAD = {"email": "head@crm.test", "password": "head-web-secret"}
RING_SECONDS = 60  # long enough to read the card and take the request while it rings


class CustomerDesk:
    """Does what the browser asks of the customers' phones: "dial known sales" (and waits for
    Olena's phone to ring), "hangup known", "dial unknown main" (turned away: waits for the end)."""

    def __init__(self, customers, olena, server):
        self.customers, self.olena, self.server = customers, olena, server
        self.numbers = {"sales": SALES_DID, "main": MAIN_DID}

    def handle(self, request):
        words = request.split()
        try:
            if words[0] == "dial" and len(words) == 3:
                phone = self.customers[words[1]]
                phone.cmd("dial", f"sip:{self.numbers[words[2]]}@{self.server[0]}:{self.server[1]}")
                if words[2] == "sales":
                    self.olena.wait_event("CALL_INCOMING", timeout=20)
                else:
                    phone.wait_event("CALL_CLOSED", timeout=20, fail_on=())
            elif words[0] == "answer" and len(words) == 3:
                # Click-to-call: the user's phone rings first; once it answers, the customer's
                # (auto-answering) phone is called; they talk a moment and the user hangs up.
                user, phone = self.olena, self.customers[words[2]]
                user.wait_event("CALL_INCOMING", timeout=20)
                user.cmd("accept")
                user.wait_event("CALL_ESTABLISHED")
                phone.wait_event("CALL_ESTABLISHED", timeout=20)
                time.sleep(1)
                user.cmd("hangup")
                user.wait_event("CALL_CLOSED", fail_on=())
                phone.wait_event("CALL_CLOSED", fail_on=())
            elif words[0] == "hangup" and len(words) == 2:
                phone = self.customers[words[1]]
                phone.cmd("hangup")
                phone.wait_event("CALL_CLOSED", fail_on=())
                self.olena.wait_event("CALL_CLOSED", fail_on=())
            else:
                return f"error: unknown request {request!r}"
        except (TestFailure, KeyError) as e:
            return f"error: {e}"
        return "ok"


def seed(admin):
    """Olena and the head as web users; the sales number rings Olena; Taras with a deal of
    Olena's and a task of hers already late. Returns what the browser script is told."""
    for username, who, role in (("1003", OLENA, "manager"), ("1007", HEAD, "head")):
        status, body = admin.call("PATCH", f"/api/v1/users/{username}",
                                  {"role": role, "email": who["email"], "password": who["password"]})
        check(status == 200, f"{username}'s web login: {status} {body}")
    status, body = admin.call("PUT", "/api/v1/schemes/sales", {
        "description": "Olena answers sales",
        "steps": [{"type": "ring", "targets": ["user:1003"], "timeout": RING_SECONDS}]})
    check(status == 200, f"the sales scheme: {status} {body}")
    status, contact = admin.call("POST", "/api/v1/contacts", {
        "name": "Taras Shevchuk", "company": "Kobzar LLC", "owner": "1001",
        "phones": [{"number": "067 111 22 44", "label": "mobile"}]})
    check(status == 201 and contact["phones"][0]["number"] == KNOWN, f"contact: {status} {contact}")
    status, deal = admin.call("POST", "/api/v1/deals", {
        "contact_id": contact["id"], "title": "20 laptops", "stage": "proposal", "owner": "1003"})
    check(status == 201, f"deal: {status} {deal}")
    late = datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(hours=2)
    status, task = admin.call("POST", "/api/v1/tasks", {
        "title": "Send Kobzar the contract", "assignee": "1003", "number": KNOWN,
        "contact_id": contact["id"], "due_at": late.strftime("%Y-%m-%dT%H:%M:%SZ")})
    check(status == 201, f"the late task: {status} {task}")
    return {"contact": contact["id"], "deal": deal["id"], "overdue": task["id"]}


def check_intake(admin):
    """What the head's intake form made, as the API has it: the unknown caller a contact, a
    task for Olena about the question."""
    status, body = admin.call("GET", "/api/v1/contacts?q=%2B380501112233")
    check(status == 200 and body["total"] == 1 and body["items"][0]["name"] == "Петро Іваненко",
          f"the intake's contact: {status} {body}")
    contact_id = body["items"][0]["id"]
    status, body = admin.call("GET", "/api/v1/tasks?assignee=1003&state=open")
    tasks = [t for t in body.get("items", []) if t["contact_id"] == contact_id]
    check(status == 200 and len(tasks) == 1 and tasks[0]["kind"] == "intake" and
          tasks[0]["number"] == UNKNOWN, f"the intake's task: {status} {body}")


def test(work):
    check_tools()
    data = os.path.join(work, "data")
    port = free_port(SERVER_IP)
    http_port = free_port(SERVER_IP, socket.SOCK_STREAM)
    known_port = free_port(KNOWN_IP)
    cfg = os.path.join(work, "dzvin.toml")
    write_config(cfg, data, port, http_port, known_port, local_today(ZONE).isoformat())
    dz = Dzvin(work, ["serve", "--config", cfg]).start()
    base = f"http://{SERVER_IP}:{http_port}"
    phones = []
    try:
        server = dz.listen["udp"]
        status, ctype, body = serves_app(base + "/")
        check(status == 200 and 'id="app"' in body, f"dzvin does not serve the web app: {status}")
        admin = ApiClient(base)
        admin.login("admin@crm.test", "admin-web-secret")
        olena = softphone(work, "olena", "127.0.0.4", "1003", "pw-1003-secret", server, 1300)
        known = customer(work, "known", KNOWN_IP, KNOWN, server, sip_port=known_port)
        unknown = customer(work, "unknown", UNKNOWN_IP, UNKNOWN, server)
        phones += [olena, known, unknown]
        olena.wait_registration(want_ok=True)
        setup = seed(admin)
        shots = os.environ.get("DZVIN_SCREENSHOTS", "")
        if shots:
            os.makedirs(shots, exist_ok=True)
        setup.update(base=base, shots=shots, olena=OLENA, head=HEAD, known=KNOWN, unknown=UNKNOWN)

        code, output = run_browser([json.dumps(setup)],
                                   CustomerDesk({"known": known, "unknown": unknown}, olena, server),
                                   os.path.join(work, "browser.log"), 420, script=CRM_SCRIPT)
        for who, ms in re.findall(r"^card-ms (\w+) (\d+)$", output, re.M):
            print(f"caller card on {who}'s page {ms} ms after the event")
        for who, ms in re.findall(r"^invite-card-ms (\w+) (\d+)$", output, re.M):
            print(f"caller card on {who}'s page {ms} ms after dzvin took the INVITE")
        if code != 0:
            print(output[-6000:], file=sys.stderr)
        check(code == 0, f"the CRM browser test failed (exit {code})")
        check_intake(admin)
        check(dz.alive(), "dzvin died during the browser test")
    finally:
        for p in phones:
            p.quit(timeout=5)
        dz.stop()


if __name__ == "__main__":
    main(test, "crm_browser")
