"""SIPp (a second independent stack) registers 50 distinct users with digest auth against
`dzvin serve --config` (users imported from the config file's [company]); all must succeed,
and the location lists exactly those users. Then SIPp with wrong passwords: every one fails."""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import Dzvin, check, free_port, main, run_cli, wait_until

SERVER_IP = "127.0.0.2"
DOMAIN = "sipp.test"
N = 50


def write_config(path, data, port):
    with open(path, "w") as f:
        f.write(f'[server]\ndata_dir = "{data}"\nlog_level = "info"\n\n'
                f'[sip]\nlisten = ["udp:{SERVER_IP}:{port}"]\n\n'
                f'[company]\nname = "SIPp Test"\nsip_domain = "{DOMAIN}"\n')
        for i in range(N):
            f.write(f'\n[[company.users]]\nusername = "u{i:05d}"\npassword = "pw{i:05d}xyz"\n')


def write_csv(path, wrong=False):
    with open(path, "w") as f:
        f.write("SEQUENTIAL\n")
        for i in range(N):
            pw = "not-the-password" if wrong else f"pw{i:05d}xyz"
            f.write(f"u{i:05d};{DOMAIN};[authentication username=u{i:05d} password={pw}];\n")


def sipp(work, port, csv, name):
    scenario = os.path.join(os.path.dirname(__file__), "sipp", "register-auth.xml")
    sipp_port = free_port("127.0.0.6")
    r = subprocess.run(["sipp", f"{SERVER_IP}:{port}", "-sf", scenario, "-inf", csv,
                        "-i", "127.0.0.6", "-p", str(sipp_port), "-m", str(N), "-r", "100",
                        "-l", "20", "-timeout", "30", "-timeout_error", "-nostdin",
                        "-max_retrans", "3", "-trace_err", "-trace_stat", "-stf", f"{name}.csv"],
                       cwd=work, capture_output=True, text=True, timeout=60)
    stat = open(os.path.join(work, f"{name}.csv")).read().splitlines()
    header, last = stat[0].split(";"), stat[-1].split(";")
    ok = int(last[header.index("SuccessfulCall(C)")])
    failed = int(last[header.index("FailedCall(C)")])
    return r.returncode, ok, failed


def test(work):
    data = os.path.join(work, "data")
    port = free_port(SERVER_IP)
    cfg = os.path.join(work, "dzvin.toml")
    write_config(cfg, data, port)
    dz = Dzvin(work, ["serve", "--config", cfg]).start()
    try:
        csv = os.path.join(work, "users.csv")
        write_csv(csv)
        code, ok, failed = sipp(work, port, csv, "good")
        check(code == 0 and ok == N and failed == 0,
              f"SIPp registrations: exit {code}, {ok} ok, {failed} failed")
        def listed():
            listing = run_cli(["registrations", "--config", cfg]).stdout
            return set(re.findall(r"\b(u\d{5})@" + re.escape(DOMAIN), listing))
        # The binding writer commits in batches (50 ms): wait for the last one.
        users = wait_until(lambda: (lambda u: u if len(u) == N else None)(listed()), 5,
                           f"not all {N} users listed by dzvin registrations")
        print(f"SIPp: {ok} digest registrations accepted, {len(users)} listed")

        write_csv(csv, wrong=True)
        code, ok, failed = sipp(work, port, csv, "bad")
        check(ok == 0 and failed == N, f"wrong passwords: {ok} ok, {failed} failed")
        print(f"SIPp: {failed} wrong-password registrations refused")
        check(dz.alive(), "dzvin died")
    finally:
        dz.stop()


if __name__ == "__main__":
    main(test, "sipp-register")
