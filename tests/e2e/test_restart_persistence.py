"""Registrations survive a restart: after SIGTERM (graceful) and after SIGKILL (crash, one
second after the REGISTER) the restarted dzvin restores the binding from SQLite."""
import os
import re
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import Baresip, Dzvin, check, demo_credentials, free_port, main, run_cli

SERVER_IP = "127.0.0.2"


def restored_count(dz):
    m = re.search(r"event=location\.restored bindings=(\d+)", dz.log())
    return int(m.group(1)) if m else None


def test(work):
    data = os.path.join(work, "data")
    port = free_port(SERVER_IP)
    args = ["demo", "--data-dir", data, "--sip-listen", f"udp:{SERVER_IP}:{port}"]
    dz = Dzvin(work, args, "first").start()
    phone = None
    try:
        creds = demo_credentials(data)
        phone = Baresip(work, "phone", "127.0.0.3",
                        f"<sip:1001@{SERVER_IP}:{port}>;auth_pass={creds['1001']};"
                        "answermode=manual;regint=3600")
        phone.wait_registration(want_ok=True)
        # The phone stays registered; stop the server gracefully.
        check(dz.stop(signal.SIGTERM) == 0, "graceful stop failed")
        dz = Dzvin(work, args, "second").start()
        check(restored_count(dz) == 1, f"graceful restart restored {restored_count(dz)} bindings")
        r = run_cli(["registrations", "--data-dir", data])
        check("1001@" in r.stdout and "127.0.0.3" in r.stdout, f"listing: {r.stdout!r}")
        print("binding restored after SIGTERM")

        # Re-register (refresh) and crash the server one second later.
        phone.kill()
        phone = Baresip(work, "phone2", "127.0.0.4",
                        f"<sip:1002@{SERVER_IP}:{port}>;auth_pass={creds['1002']};"
                        "answermode=manual;regint=3600")
        phone.wait_registration(want_ok=True)
        time.sleep(1.0)  # the documented bound: at most the last second may be lost on kill -9
        dz.stop(signal.SIGKILL)
        dz = Dzvin(work, args, "third").start()
        r = run_cli(["registrations", "--data-dir", data])
        check("1002@" in r.stdout, f"1002 lost after kill -9: {r.stdout!r}")
        check(restored_count(dz) == 2, f"after kill -9 restored {restored_count(dz)} bindings")
        print("bindings restored after SIGKILL")
    finally:
        if phone:
            phone.kill()
        dz.stop()


if __name__ == "__main__":
    main(test, "restart-persistence")
