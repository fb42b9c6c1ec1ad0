"""Click-to-call (issue 6) with baresip and the running binary. Olena (a manager, 1003) clicks
"call" on a customer in the web app: Dzvin rings her own phone first, showing the customer's
number and the CRM's name for it; the customer's phone (a baresip on the "public network"
behind a trunk) rings only once she has answered; they talk through Dzvin (each hears the
other's tone), the call is in the log as Olena's call to the customer, and her open "call back"
task for that customer closes itself with this call. Then: her phone not answered (the customer
is never dialled, the call is logged as failed), a click-to-call to an extension, and the API's
refusals (another user's phone for a manager, an unknown user, a user with no phone registered,
a number that cannot be dialled, bad fields)."""
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import (ApiClient, Baresip, Dzvin, TestFailure, check, free_port, main, softphone,
                       tone_seconds, wait_until)

SERVER_IP = "127.0.0.2"
CUSTOMER_IP = "127.0.0.6"
CUSTOMER = "+380671112244"
SALES_DID = "+380441110001"


def write_config(path, data, port, http_port, customer_port):
    with open(path, "w") as f:
        f.write(f'''[server]
data_dir = "{data}"

[sip]
listen = ["udp:{SERVER_IP}:{port}"]

[http]
listen = "{SERVER_IP}:{http_port}"

[company]
name = "Click Test"
sip_domain = "click.test"

[[company.users]]
username = "1001"
password = "pw-1001-secret"
email = "admin@click.test"
role = "admin"
web_password = "admin-web-secret"
display_name = "Duty"

[[company.users]]
username = "1003"
password = "pw-1003-secret"
email = "olena@click.test"
web_password = "olena-web-secret"
display_name = "Olena"

[[company.users]]
username = "1005"
password = "pw-1005-secret"

[[trunks]]
name = "public"
address = "{CUSTOMER_IP}:{customer_port}"
inbound = ["{CUSTOMER_IP}"]
dids = ["{SALES_DID}"]

[routing.schemes.sales]
steps = [ {{ type = "ring", targets = ["user:1003"], timeout = 3 }} ]

[routing.numbers]
"{SALES_DID}" = "sales"
''')


def rang(phone, seconds):
    """Whether `phone` got a call within `seconds` (an auto-answering phone reports it
    established, with no CALL_INCOMING)."""
    try:
        phone.wait_event(("CALL_INCOMING", "CALL_ESTABLISHED"), timeout=seconds, fail_on=())
        return True
    except TestFailure:
        return False


def test(work):
    data = os.path.join(work, "data")
    port = free_port(SERVER_IP)
    http_port = free_port(SERVER_IP, socket.SOCK_STREAM)
    customer_port = free_port(CUSTOMER_IP)
    cfg = os.path.join(work, "dzvin.toml")
    write_config(cfg, data, port, http_port, customer_port)
    dz = Dzvin(work, ["serve", "--config", cfg]).start()
    base = f"http://{SERVER_IP}:{http_port}"
    phones = []
    try:
        server = dz.listen["udp"]
        admin = ApiClient(base)
        admin.login("admin@click.test", "admin-web-secret")
        olena_web = ApiClient(base)
        olena_web.login("olena@click.test", "olena-web-secret")
        olena = softphone(work, "olena", "127.0.0.4", "1003", "pw-1003-secret", server, 1300)
        duty = softphone(work, "duty", "127.0.0.3", "1001", "pw-1001-secret", server, 1100)
        # The customer: answers by itself and records what it hears.
        customer = Baresip(work, "customer", CUSTOMER_IP,
                           f"<sip:{CUSTOMER}@{server[0]}:{server[1]}>;regint=0;answermode=auto;"
                           f"audio_codecs=PCMA,PCMU", tone_hz=900,
                           extra_config="module\tsndfile.so\n", sip_port=customer_port)
        phones += [olena, duty, customer]
        for p in (olena, duty):
            p.wait_registration(want_ok=True)

        # Olena's customer called and she missed it: her "call back" task.
        status, contact = admin.call("POST", "/api/v1/contacts", {
            "name": "Taras Shevchuk", "owner": "1003", "phones": ["067 111 22 44"]})
        check(status == 201, f"contact: {status} {contact}")
        customer.cmd("dial", f"sip:{SALES_DID}@{server[0]}:{server[1]}")
        olena.wait_event("CALL_INCOMING", timeout=5)
        customer.wait_event("CALL_CLOSED", timeout=10, fail_on=())
        olena.wait_event("CALL_CLOSED", fail_on=())
        def open_task():
            s, b = olena_web.call("GET", "/api/v1/tasks?state=open")
            items = [t for t in b.get("items", []) if t["number"] == CUSTOMER] if s == 200 else []
            return items[0] if items else None
        task = wait_until(open_task, 5, "no call-back task for olena after the missed call")
        check(task["assignee"] == "1003" and task["kind"] == "call_back", f"task: {task}")

        # 1. Olena clicks "call": her phone rings first, showing the customer.
        status, started = olena_web.call("POST", "/api/v1/click-to-call", {"number": "067 111 22 44"})
        check(status == 202 and started["user"] == "1003" and started["call_id"],
              f"click-to-call: {status} {started}")
        incoming = olena.wait_event("CALL_INCOMING", timeout=5)
        shown = f"{incoming.get('peeruri', '')} {incoming.get('peerdisplayname', '')}"
        check(CUSTOMER in shown and "Taras Shevchuk" in shown,
              f"olena's phone should show the customer: {incoming}")
        check(not rang(customer, 1.0), "the customer rang before Olena answered")
        olena.cmd("accept")
        olena.wait_event("CALL_ESTABLISHED")
        customer.wait_event("CALL_ESTABLISHED", timeout=10)
        time.sleep(3)
        customer.cmd("hangup")
        customer.wait_event("CALL_CLOSED", fail_on=())
        olena.wait_event("CALL_CLOSED", fail_on=())
        # Each heard the other (the tones went through the relay both ways).
        heard_by_olena = wait_until(lambda: olena.recordings(), 5, "olena recorded nothing")
        heard_by_customer = wait_until(lambda: customer.recordings(), 5, "customer recorded nothing")
        time.sleep(0.5)  # the recordings are closed when the calls end
        check(tone_seconds(heard_by_olena[-1], 900) >= 1.5,
              f"olena heard {tone_seconds(heard_by_olena[-1], 900)} s of the customer")
        check(tone_seconds(heard_by_customer[-1], 1300) >= 1.5,
              f"the customer heard {tone_seconds(heard_by_customer[-1], 1300)} s of olena")

        # In the call log as Olena's call to the customer; the task closed itself with it.
        def logged():
            s, c = admin.call("GET", f"/api/v1/calls/{started['call_id']}")
            return c if s == 200 and c.get("ended_at") else None
        call = wait_until(logged, 5, "the click-to-call is not in the call log")
        check(call["caller"] == "1003" and call["called"] == CUSTOMER and call["answered_at"] and
              call["outcome"].startswith("answered"), f"call record: {call}")
        def closed_task():
            s, t = admin.call("GET", f"/api/v1/tasks/{task['id']}")
            return t if s == 200 and t["state"] == "done" else None
        done = wait_until(closed_task, 5, "the call-back task did not close itself")
        check(done["closed_by_call"] == started["call_id"], f"closed by: {done}")

        # 2. Her phone not answered: the customer is never dialled; logged as failed.
        status, second = admin.call("POST", "/api/v1/click-to-call",
                                    {"number": CUSTOMER, "user": "1003", "ring_seconds": 5})
        check(status == 202, f"click-to-call for olena by the admin: {status} {second}")
        olena.wait_event("CALL_INCOMING", timeout=5)
        olena.wait_event("CALL_CLOSED", timeout=10, fail_on=())
        check(not rang(customer, 0.5), "the customer rang although olena did not answer")
        def failed():
            s, c = admin.call("GET", f"/api/v1/calls/{second['call_id']}")
            return c if s == 200 and c.get("ended_at") else None
        call = wait_until(failed, 5, "the unanswered click-to-call is not in the call log")
        check(call["outcome"].startswith("failed") and not call.get("answered_at"),
              f"unanswered click-to-call: {call}")

        # 3. To an extension: Olena's phone, then the duty phone.
        status, third = olena_web.call("POST", "/api/v1/click-to-call", {"number": "1001"})
        check(status == 202, f"click-to-call to 1001: {status} {third}")
        olena.wait_event("CALL_INCOMING", timeout=5)
        olena.cmd("accept")
        olena.wait_event("CALL_ESTABLISHED")
        duty.wait_event("CALL_INCOMING", timeout=5)
        duty.cmd("accept")
        duty.wait_event("CALL_ESTABLISHED")
        olena.cmd("hangup")
        olena.wait_event("CALL_CLOSED", fail_on=())
        duty.wait_event("CALL_CLOSED", fail_on=())

        # 4. Refusals, each a JSON error naming the field.
        for who, body, want, field in (
                (olena_web, {"number": CUSTOMER, "user": "1001"}, 403, "user"),
                (admin, {"number": CUSTOMER, "user": "9999"}, 404, None),
                (admin, {"number": CUSTOMER, "user": "1005"}, 409, "user"),
                (olena_web, {"number": "not a number"}, 422, "number"),
                (olena_web, {"number": "1003"}, 422, "number"),
                (olena_web, {}, 400, "number"),
                (olena_web, {"number": CUSTOMER, "ring_seconds": 1}, 400, "ring_seconds"),
                (olena_web, {"number": CUSTOMER, "colour": "red"}, 400, None)):
            status, answer = who.call("POST", "/api/v1/click-to-call", body)
            check(status == want and "message" in answer.get("error", {}) and
                  (field is None or answer["error"].get("field") == field),
                  f"{body}: want {want} ({field}), got {status} {answer}")
        check(not rang(olena, 0.3), "a refused click-to-call rang olena's phone")
        status, _ = ApiClient(base).call("POST", "/api/v1/click-to-call", {"number": CUSTOMER})
        check(status == 401, f"without a login: {status}")
    finally:
        for p in phones:
            p.quit(timeout=5)
        dz.stop()


if __name__ == "__main__":
    main(test, "click_to_call_baresip")
