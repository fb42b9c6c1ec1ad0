"""Start-up failures are one clear line: a port in use names the address, a bad config names
file:line, a bad command line says what is wrong. The exit status is non-zero."""
import os
import socket
import sys

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import check, main, run_cli


def test(work):
    # Port in use.
    busy = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    busy.bind(("127.0.0.2", 0))
    port = busy.getsockname()[1]
    r = run_cli(["demo", "--data-dir", os.path.join(work, "d"), "--sip-listen",
                 f"udp:127.0.0.2:{port}"])
    busy.close()
    check(r.returncode != 0, "dzvin started on a port in use")
    check(f"127.0.0.2:{port}" in r.stderr and "in use" in r.stderr.lower(),
          f"port-in-use message: {r.stderr!r}")
    print("port in use:", r.stderr.strip().splitlines()[-1])

    # Bad config: unknown key on line 4.
    cfg = os.path.join(work, "dzvin.toml")
    with open(cfg, "w") as f:
        f.write('[server]\ndata_dir = "/tmp/x"\n[sip]\nlisen = ["udp:127.0.0.1:5060"]\n')
    for args in (["check-config", cfg], ["serve", "--config", cfg]):
        r = run_cli(args)
        check(r.returncode != 0, f"{args[0]} accepted a bad config")
        check(f"{cfg}:4: unknown key 'lisen' in [sip]" in r.stderr, f"message: {r.stderr!r}")
    print("bad config:", r.stderr.strip())

    # A good config passes check-config.
    with open(cfg, "w") as f:
        f.write(f'[server]\ndata_dir = "{work}/data"\n[sip]\nlisten = ["udp:127.0.0.1:5060"]\n')
    r = run_cli(["check-config", cfg])
    check(r.returncode == 0, f"check-config refused a good file: {r.stderr!r}")

    # Missing config file and unknown option.
    r = run_cli(["serve", "--config", os.path.join(work, "nope.toml")])
    check(r.returncode != 0 and "cannot open" in r.stderr, f"missing file: {r.stderr!r}")
    r = run_cli(["demo", "--frobnicate"])
    check(r.returncode == 2 and "unknown option '--frobnicate'" in r.stderr, f"{r.stderr!r}")


if __name__ == "__main__":
    main(test, "startup-errors")
