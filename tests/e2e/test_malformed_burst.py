"""A burst of malformed and hostile datagrams must not take dzvin down: afterwards it still
answers OPTIONS, and a malformed request that can be answered gets a 4xx naming the fault."""
import os
import random
import socket
import sys

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import Dzvin, UdpClient, check, main, sip_request, status_of

SERVER_IP = "127.0.0.2"


def hostile_datagrams(local):
    rnd = random.Random(4475)
    good = sip_request("OPTIONS", f"sip:{SERVER_IP}", local)
    out = [b"", b"\r\n", b"\r\n\r\n", b"\x00" * 100, b"SIP/2.0", b"INVITE", b"INVITE sip:x SIP/2.0",
           b"INVITE sip:x SIP/2.0\r\n\r\n", b"SIP/2.0 200\r\n\r\n", b"SIP/2.0 99999999999 OK\r\n\r\n",
           good[:len(good) // 2], good.replace(b"CSeq: 1", b"CSeq: 99999999999999999999"),
           good.replace(b"Content-Length: 0", b"Content-Length: 4000000000"),
           good.replace(b"Content-Length: 0", b"Content-Length: -5"),
           good.replace(b"Via: SIP/2.0/UDP", b"Via: SIP/2.0/UDP [::::::"),
           good.replace(b"\r\n\r\n", b"\r\n" + b"X-Long: " + b"a" * 20000 + b"\r\n\r\n"),
           good.replace(b"\r\n\r\n", b"\r\n" + b"X-H: 1\r\n" * 500 + b"\r\n"),
           b"OPTIONS sip:" + b"%" * 5000 + b" SIP/2.0\r\n\r\n",
           b"A" * 65000]
    for _ in range(400):
        b = bytearray(good)
        for _ in range(rnd.randint(1, 20)):
            b[rnd.randrange(len(b))] = rnd.randrange(256)
        out.append(bytes(b))
        out.append(bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 1500))))
    return out


def test(work):
    dz = Dzvin(work, ["demo", "--data-dir", os.path.join(work, "data"),
                      "--sip-listen", f"udp:{SERVER_IP}:0"]).start()
    try:
        server = dz.listen["udp"]
        c = UdpClient("127.0.0.1")
        sent = 0
        for d in hostile_datagrams(c.local):
            try:
                c.send(d, server)
                sent += 1
            except OSError:
                pass  # e.g. EMSGSIZE
        print(f"sent {sent} hostile datagrams")
        check(dz.alive(), "dzvin died during the burst")

        # Drain whatever error responses came back, then ask for OPTIONS.
        while c.recv(0.3) is not None:
            pass
        r = c.transact(sip_request("OPTIONS", f"sip:{server[0]}:{server[1]}", c.local), server)
        check(status_of(r)[0] == 200, f"OPTIONS after the burst: {r!r}")
        check("Allow:" in r and "REGISTER" in r, f"OPTIONS 200 without Allow: {r!r}")
        print("OPTIONS answered 200 after the burst")

        # An answerable malformed request: 400 naming the bad header.
        bad = sip_request("OPTIONS", f"sip:{server[0]}", c.local).replace(b"CSeq: 1 OPTIONS",
                                                                           b"CSeq: x OPTIONS")
        r = c.transact(bad, server)
        code, reason = status_of(r)
        check(code == 400, f"malformed CSeq answered {r!r}")
        check("cseq" in reason.lower(), f"400 reason does not name CSeq: {reason!r}")
        print(f"malformed CSeq -> 400 {reason}")

        # A method mismatch between CSeq and the request line.
        mismatch = sip_request("OPTIONS", f"sip:{server[0]}", c.local).replace(
            b"CSeq: 1 OPTIONS", b"CSeq: 1 INVITE")
        code, reason = status_of(c.transact(mismatch, server))
        check(code == 400, f"CSeq method mismatch answered {code} {reason}")
        check(dz.alive(), "dzvin died")
    finally:
        code = dz.stop()
    check(code == 0, f"dzvin exit status {code}")


if __name__ == "__main__":
    main(test, "malformed-burst")
