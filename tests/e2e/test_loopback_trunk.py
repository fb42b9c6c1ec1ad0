"""The demo's loopback trunk (a provider that is Dzvin itself) with baresip phones: the company
number's scheme rings a colleague's "mobile" number; the call leaves through the trunk, comes
back in from the trunk's address as a call to that DID and rings the colleague's softphone;
audio flows both ways through both calls' relays. A number whose scheme forwards to itself loops
through the trunk until Max-Forwards runs out, and the caller gets 483 instead of an endless
loop. The demo itself starts with the loopback trunk and its three numbers."""
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import (Dzvin, check, demo_credentials, free_port, main, run_cli, softphone,
                       tone_seconds, wait_for_calls, wait_until)

SERVER_IP = "127.0.0.2"
CALLER_HZ, MOBILE_HZ = 900, 1400


def write_config(path, data, port):
    with open(path, "w") as f:
        f.write(f'''[server]
data_dir = "{data}"

[sip]
listen = ["udp:{SERVER_IP}:{port}"]

[company]
name = "Loopback Test"
sip_domain = "loop.test"

[[company.users]]
username = "1001"
password = "pw-1001-secret"

[[company.users]]
username = "1002"
password = "pw-1002-secret"

[[trunks]]
name = "loopback"
address = "{SERVER_IP}:{port}"
inbound = ["{SERVER_IP}:{port}"]
caller_id = "+380441110000"
dids = ["+380441110000", "+380501110002", "+380501110009"]

[routing.schemes.main]
steps = [ {{ type = "ring", targets = ["number:+380501110002"], timeout = 20 }} ]

[routing.schemes.mobile]
steps = [ {{ type = "ring", targets = ["user:1002"], timeout = 20 }} ]

[routing.schemes.loop]
steps = [ {{ type = "forward", to = "number:+380501110009", timeout = 20 }} ]

[routing.numbers]
"+380441110000" = "main"
"+380501110002" = "mobile"
"+380501110009" = "loop"
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
        caller = softphone(work, "caller", "127.0.0.3", "1001", "pw-1001-secret", server,
                           CALLER_HZ)
        colleague = softphone(work, "colleague", "127.0.0.4", "1002", "pw-1002-secret", server,
                              MOBILE_HZ)
        phones += [caller, colleague]
        for p in phones:
            p.wait_registration(want_ok=True)

        caller.cmd("dial", f"sip:0441110000@{server[0]}:{server[1]}")
        incoming = colleague.wait_event("CALL_INCOMING")
        check("+380441110000" in str(incoming) or "1001" in str(incoming),
              f"the colleague's phone: {incoming}")
        colleague.cmd("accept")
        colleague.wait_event("CALL_ESTABLISHED")
        caller.wait_event("CALL_ESTABLISHED")
        time.sleep(3)
        caller.cmd("hangup")
        colleague.wait_event("CALL_CLOSED", fail_on=())
        caller.wait_event("CALL_CLOSED", fail_on=())
        heard = tone_seconds(caller.recordings("dec")[0], MOBILE_HZ)
        check(heard >= 1.5, f"the caller heard the colleague for {heard} s only")
        heard = tone_seconds(colleague.recordings("dec")[0], CALLER_HZ)
        check(heard >= 1.5, f"the colleague heard the caller for {heard} s only")

        # Two call records: the outer one answered by the number, the inner one from the trunk.
        listing = wait_for_calls(cfg, "answered: ", count=2)
        print(listing)
        check("1001 -> +380441110000" in listing and "answered by +380501110002" in listing,
              "the outer call")
        check("-> +380501110002" in listing and "answered by 1002@" in listing,
              "the inner call came back through the trunk to the mobile's DID")

        # A scheme that forwards a number to itself: Max-Forwards ends the loop.
        caller.cmd("dial", f"sip:0501110009@{server[0]}:{server[1]}")
        closed = caller.wait_event("CALL_CLOSED", timeout=30, fail_on=())
        print("loop:", closed.get("param"))
        wait_until(lambda: "483" in dz.log(), 10, "the loop did not end with 483")
        check(dz.alive(), "dzvin died in the loop")
        check(not re.search(r"level=(error|fatal)", dz.log()), "errors in the log")
        # kill -9 one second after the last call ended: no call record may be lost (the
        # writer commits every 200 ms).
        time.sleep(1.0)
        dz.stop(sig=signal.SIGKILL)
        listing = run_cli(["calls", "--config", cfg, "--limit", "500"]).stdout
        headers = [line for line in listing.splitlines() if "-> +380501110009" in line]
        loops = len(headers)
        check(10 <= loops <= 71, f"{loops} nested calls in the loop (Max-Forwards 70)")
        started = dz.log().count("kind=started")
        check(f"{started} calls" in listing, f"{started} calls started, records after kill -9: "
              f"{listing.splitlines()[-1]}")
        unended = [h for h in headers if "missed: " not in h]
        check(not unended, f"calls of the loop without their end recorded: {unended[:3]}")
    finally:
        for p in phones:
            p.quit(timeout=5)
        dz.stop()

    # The demo starts with its loopback trunk and numbers.
    demo_data = os.path.join(work, "demo")
    demo_port = free_port(SERVER_IP)
    demo = Dzvin(work, ["demo", "--data-dir", demo_data, "--sip-listen",
                        f"udp:{SERVER_IP}:{demo_port}"], name="demo").start()
    try:
        log = demo.log()
        check("event=trunk.configured trunk=loopback" in log, "the demo has no loopback trunk")
        check(re.search(r"event=routing.loaded schemes=3 groups=0 numbers=3", log),
              "the demo's schemes and numbers are not loaded")
        check(len(demo_credentials(demo_data)) == 3, "three demo accounts")
    finally:
        demo.stop()


if __name__ == "__main__":
    main(test, "loopback_trunk")
