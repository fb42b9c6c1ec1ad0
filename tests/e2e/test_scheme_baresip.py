"""A routing scheme from the config file, with real baresip phones (seed 000, way 1):
number 500 -> ring the duty manager (1002) for 3 s -> he does not answer -> ring two colleagues
(1003, 1004) at once -> 1003 answers, 1004 stops ringing -> audio both ways -> the caller hangs
up and everyone's call ends; the log carries the scheme's timeline. Number 600 is routed by a
schedule that is closed right now: the caller lands in the after-hours branch (a voicemail
box: Dzvin answers, greets, and records a message until the caller hangs up)."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import (Dzvin, check, free_port, main, run_cli, softphone, tone_seconds,
                       wait_for_calls, wait_until)

SERVER_IP = "127.0.0.2"
DOMAIN = "scheme.test"
CALLER_HZ, CALLEE_HZ = 1000, 1600
USERS = {"1001": "Caller", "1002": "Duty manager", "1003": "Colleague A", "1004": "Colleague B"}


def password(user):
    return f"pw-{user}-secret"


def write_config(path, data, port):
    with open(path, "w") as f:
        f.write(f'[server]\ndata_dir = "{data}"\nlog_level = "info"\n\n'
                f'[sip]\nlisten = ["udp:{SERVER_IP}:{port}"]\n\n'
                f'[company]\nname = "Scheme Test"\nsip_domain = "{DOMAIN}"\n')
        for user, name in USERS.items():
            f.write(f'\n[[company.users]]\nusername = "{user}"\ndisplay_name = "{name}"\n'
                    f'password = "{password(user)}"\n')
        # A schedule with no open hours at all: always closed.
        f.write('''
[routing.schedules.never]
time_zone = "Europe/Kyiv"
weekly = {}

[routing.schemes.duty]
steps = [
  { type = "ring", targets = ["user:1002"], timeout = 3 },
  { type = "ring", targets = ["user:1003", "user:1004"], strategy = "simultaneous", timeout = 20 },
]

[routing.schemes.after-hours]
steps = [
  { type = "when", schedule = "never", open = [ { type = "ring", targets = ["user:1002"] } ], closed = [ { type = "voicemail", box = "1002" } ] },
]

[routing.numbers]
"500" = "duty"
"600" = "after-hours"
''')


def test(work):
    data = os.path.join(work, "data")
    port = free_port(SERVER_IP)
    cfg = os.path.join(work, "dzvin.toml")
    write_config(cfg, data, port)
    dz = Dzvin(work, ["serve", "--config", cfg]).start()
    phones = []
    try:
        server = dz.listen["udp"]
        caller = softphone(work, "caller", "127.0.0.3", "1001", password("1001"), server, CALLER_HZ)
        duty = softphone(work, "duty", "127.0.0.4", "1002", password("1002"), server, CALLEE_HZ)
        a = softphone(work, "colleague_a", "127.0.0.5", "1003", password("1003"), server,
                      CALLEE_HZ)
        b = softphone(work, "colleague_b", "127.0.0.6", "1004", password("1004"), server,
                      CALLEE_HZ)
        phones += [caller, duty, a, b]
        for p in phones:
            p.wait_registration(want_ok=True)

        caller.cmd("dial", f"sip:500@{server[0]}:{server[1]}")
        duty.wait_event("CALL_INCOMING")
        check(not [e for e in a.events + b.events if e.get("type") == "CALL_INCOMING"],
              "the colleagues ring before the duty manager's 3 s are over")
        duty.wait_event("CALL_CLOSED", timeout=10, fail_on=())  # not answered: cancelled
        a.wait_event("CALL_INCOMING", timeout=10)
        b.wait_event("CALL_INCOMING", timeout=10)
        a.cmd("accept")
        a.wait_event("CALL_ESTABLISHED")
        caller.wait_event("CALL_ESTABLISHED")
        b.wait_event("CALL_CLOSED", timeout=10, fail_on=())  # answered elsewhere: cancelled
        time.sleep(3)
        caller.cmd("hangup")
        a.wait_event("CALL_CLOSED", fail_on=())
        caller.wait_event("CALL_CLOSED", fail_on=())
        rec = caller.recordings("dec")
        check(len(rec) == 1, f"caller recordings: {rec}")
        heard = tone_seconds(rec[0], CALLEE_HZ)
        check(heard >= 1.5, f"the caller heard colleague A for {heard} s only")
        rec = a.recordings("dec")
        heard = tone_seconds(rec[0], CALLER_HZ)
        check(heard >= 1.5, f"colleague A heard the caller for {heard} s only")
        log = dz.log()
        check("event=pbx.scheme" in log and "answered" in log, "no scheme result in the log")

        # The call record: one call with the scheme's timeline in order.
        listing = wait_for_calls(cfg, "answered: caller hung up")
        print(listing)
        first = listing.split("\n    +")
        header, events = first[0], [line.split()[2:4] for line in first[1:]]
        check("1001 -> 500" in header and "answered by 1003@" in header,
              f"call record header: {header}")
        kinds = [e[0] for e in events]
        targets = [e[1].split("@")[0] if len(e) > 1 else "" for e in events]
        expect = [("started", None), ("ringing", "1002"), ("attempt", "1002"),
                  ("ringing", None), ("ringing", None), ("answered", "1003"), ("attempt", "1004")]
        for i, (kind, target) in enumerate(expect):
            check(kinds[i] == kind and (target is None or targets[i] == target),
                  f"timeline step {i}: want {kind} {target}, got {events[i]}")
        check(set(targets[3:5]) == {"1003", "1004"}, f"the colleagues did not both ring: {events}")
        check(kinds[-1] == "ended", f"timeline does not end with the end: {kinds}")

        # After hours: the closed branch.
        caller.cmd("dial", f"sip:600@{server[0]}:{server[1]}")
        caller.wait_event("CALL_ESTABLISHED")  # Dzvin answers for the voicemail greeting
        wait_until(lambda: "event=pbx.voicemail_recording" in dz.log(), 15,
                   "the after-hours call did not reach the voicemail recording")
        time.sleep(1.5)
        caller.cmd("hangup")
        caller.wait_event("CALL_CLOSED", fail_on=())
        check(not [e for e in duty.events if e.get("type") == "CALL_INCOMING"],
              "the open branch rang outside hours")
        wait_until(lambda: "voicemail: 1002" in dz.log(), 5,
                   "the after-hours outcome is not logged")
        print("scheme: duty 3 s -> colleagues, A answered, B cancelled; after hours -> voicemail")
    finally:
        for p in phones:
            p.quit(timeout=5)
        dz.stop()


if __name__ == "__main__":
    main(test, "scheme_baresip")
