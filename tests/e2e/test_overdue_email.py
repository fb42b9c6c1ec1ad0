"""Overdue call-back tasks by e-mail (issue 6), with the running binary and an SMTP server this
test runs (aiosmtpd). A task of Olena's (1003, a manager with an e-mail address) passes its
deadline while Dzvin is down; at the next start the CRM worker finds it overdue and Olena gets
one e-mail — Ukrainian, then English: the task, the number, when it was due (Kyiv time), a link
to the tasks page. Overdue is announced once: another restart sends nothing more. A task of a
user without an address is announced live only (no e-mail, nothing fails)."""
import datetime
import email
import email.policy
import os
import socket
import sys
import time
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import ApiClient, Dzvin, SmtpSink, check, free_port, main, wait_until

from aiosmtpd.controller import Controller

SERVER_IP = "127.0.0.2"
ZONE = "Europe/Kyiv"


def write_config(path, data, port, http_port, smtp_port):
    with open(path, "w") as f:
        f.write(f'''[server]
data_dir = "{data}"
web_url = "http://{SERVER_IP}:{http_port}/"

[sip]
listen = ["udp:{SERVER_IP}:{port}"]

[http]
listen = "{SERVER_IP}:{http_port}"

[smtp]
url = "smtp://127.0.0.1:{smtp_port}"
from = "pbx@overdue.test"
first_retry = 1

[company]
name = "Overdue Test"
sip_domain = "overdue.test"

[[company.users]]
username = "1001"
password = "pw-1001-secret"
email = "admin@overdue.test"
role = "admin"
web_password = "admin-web-secret"

[[company.users]]
username = "1003"
password = "pw-1003-secret"
email = "olena@overdue.test"
display_name = "Olena"

[[company.users]]
username = "1005"
password = "pw-1005-secret"

# The company's time zone (e-mails give times in it) is its first schedule's.
[routing.schedules.office]
time_zone = "{ZONE}"
weekly = {{ mon = ["09:00-18:00"] }}
''')


def test(work):
    data = os.path.join(work, "data")
    port = free_port(SERVER_IP)
    http_port = free_port(SERVER_IP, socket.SOCK_STREAM)
    smtp_port = free_port("127.0.0.1", socket.SOCK_STREAM)
    sink = SmtpSink()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    cfg = os.path.join(work, "dzvin.toml")
    write_config(cfg, data, port, http_port, smtp_port)
    base = f"http://{SERVER_IP}:{http_port}"
    dz = Dzvin(work, ["serve", "--config", cfg]).start()
    try:
        admin = ApiClient(base)
        admin.login("admin@overdue.test", "admin-web-secret")
        # Due a few seconds from now: it passes while Dzvin is down.
        due = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0) + \
            datetime.timedelta(seconds=3)
        due_text = due.strftime("%Y-%m-%dT%H:%M:%SZ")
        status, task = admin.call("POST", "/api/v1/tasks", {
            "title": "Call Taras about the invoice", "assignee": "1003",
            "number": "067 111 22 44", "detail": "He asked for it by Friday", "due_at": due_text})
        check(status == 201, f"olena's task: {status} {task}")
        status, quiet = admin.call("POST", "/api/v1/tasks", {
            "title": "Nobody to write to", "assignee": "1005", "number": "050 111 22 33",
            "due_at": due_text})
        check(status == 201, f"1005's task: {status} {quiet}")
        dz.stop()
        time.sleep(max(0.0, (due - datetime.datetime.now(datetime.timezone.utc)).total_seconds()) + 1)

        dz = Dzvin(work, ["serve", "--config", cfg], name="dzvin-2").start()
        got = wait_until(sink.received, 20, "no overdue e-mail after the restart")
        rcpt, content = got[0]
        check(rcpt == ["olena@overdue.test"], f"sent to {rcpt}")
        msg = email.message_from_bytes(content, policy=email.policy.default)
        subject = str(msg["Subject"])
        check("Прострочено: Call Taras about the invoice" in subject and
              "Overdue: Call Taras about the invoice" in subject, f"subject: {subject}")
        body = msg.get_body(("plain",)).get_content()
        local_due = due.astimezone(ZoneInfo(ZONE)).strftime("%d.%m.%Y %H:%M")
        for want in ("Завдання прострочене: Call Taras about the invoice", "Номер: +380671112244",
                     f"Строк був: {local_due}", "He asked for it by Friday",
                     "Overdue task: Call Taras about the invoice", f"It was due: {local_due}",
                     f"{base}/#/tasks"):
            check(want in body, f"the e-mail lacks {want!r}:\n{body}")
        status, seen = admin.call("GET", f"/api/v1/tasks?overdue=true")
        overdue = {t["id"] for t in seen.get("items", [])} if status == 200 else set()
        check({task["id"], quiet["id"]} <= overdue, f"overdue list: {status} {seen}")

        # Announced once: another start sends nothing more (the 1005 task never had an address).
        dz.stop()
        dz = Dzvin(work, ["serve", "--config", cfg], name="dzvin-3").start()
        time.sleep(2)
        check(len(sink.received()) == 1, f"{len(sink.received())} e-mails after a second restart")
        check(dz.alive(), "dzvin died")
    finally:
        dz.stop()
        controller.stop()


if __name__ == "__main__":
    main(test, "overdue_email")
