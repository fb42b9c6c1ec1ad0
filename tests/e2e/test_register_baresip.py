"""baresip (an independent SIP stack) registers to the real dzvin binary over UDP and TCP:
right password -> 200 and the contact is in the location service (dzvin registrations);
wrong password -> rejected and no binding; quitting unregisters and the contact disappears."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import Baresip, Dzvin, check, demo_credentials, main, run_cli, wait_until

SERVER_IP = "127.0.0.2"


def registrations(data_dir):
    r = run_cli(["registrations", "--data-dir", data_dir])
    check(r.returncode == 0, f"dzvin registrations failed: {r.stderr}")
    return r.stdout


def test(work):
    data = os.path.join(work, "data")
    dz = Dzvin(work, ["demo", "--data-dir", data, "--sip-listen", f"udp:{SERVER_IP}:0",
                      "--sip-listen", f"tcp:{SERVER_IP}:0", "--log-level", "debug"]).start()
    phones = []
    try:
        creds = demo_credentials(data)
        check(set(creds) >= {"1001", "1002", "1003"}, f"demo users missing: {creds}")
        for user, password in creds.items():
            check(user in dz.stdout and password in dz.stdout,
                  f"demo banner does not print the account {user}")
        udp_ip, udp_port = dz.listen["udp"]
        tcp_ip, tcp_port = dz.listen["tcp"]

        # 1001 over UDP with the right password.
        good = Baresip(work, "good", "127.0.0.3",
                       f"<sip:1001@{udp_ip}:{udp_port}>;auth_pass={creds['1001']};"
                       "answermode=manual;regint=600")
        phones.append(good)
        good.wait_registration(want_ok=True)
        listing = wait_until(lambda: (lambda s: s if "1001@" in s and "127.0.0.3" in s else None)(
            registrations(data)), 5, "1001's contact is not listed by dzvin registrations")
        print("registered over UDP:", listing.strip().splitlines()[-1])

        # 1002 over TCP with the right password.
        tcp = Baresip(work, "tcp", "127.0.0.5",
                      f"<sip:1002@{tcp_ip}:{tcp_port};transport=tcp>;auth_pass={creds['1002']};"
                      "answermode=manual;regint=600")
        phones.append(tcp)
        tcp.wait_registration(want_ok=True)
        wait_until(lambda: "1002@" in registrations(data), 5,
                   "1002's TCP contact is not listed")
        print("registered over TCP")

        # 1003 with a wrong password: rejected, no binding.
        bad = Baresip(work, "bad", "127.0.0.4",
                      f"<sip:1003@{udp_ip}:{udp_port}>;auth_pass=wrong-password;"
                      "answermode=manual;regint=600")
        phones.append(bad)
        bad.wait_registration(want_ok=False)
        check("1003@" not in registrations(data), "1003 registered with a wrong password")
        log = dz.log()
        check("wrong-password" not in log, "a password attempt appears in the log")
        check(creds["1001"] not in log, "a password appears in the log")
        print("wrong password rejected")

        # Unregister: baresip sends REGISTER with Expires: 0 when it quits.
        good.quit()
        wait_until(lambda: "1001@" not in registrations(data), 5,
                   "1001 still listed after unregistering")
        check("1002@" in registrations(data), "unregistering 1001 removed 1002 too")
        print("unregistered")
        check(dz.alive(), "dzvin died")
    finally:
        for p in phones:
            p.kill()
        code = dz.stop()
    check(code == 0, f"dzvin exit status on SIGTERM was {code}, expected 0")


if __name__ == "__main__":
    main(test, "register-baresip")
