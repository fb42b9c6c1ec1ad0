"""Calls between two baresip phones through the real dzvin binary (B2BUA):
- 1001 calls 1002 (authenticated INVITE): 1002 rings, answers, audio flows both ways (each
  side plays its own tone; each side's recording of what it received carries the other's
  tone and not its own), 1001 hangs up and both sides see the call closed;
- 1002 refuses (busy): the caller gets 486;
- a call to a user that does not exist gets 404, to one that is not registered 480;
- a phone that only does A-law is called by one that prefers µ-law: the relay transcodes;
- an INVITE without credentials gets 401 and with wrong credentials 403 (no call is made)."""
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import (Dzvin, UdpClient, check, demo_credentials, main, sip_request, softphone,
                       status_of, tone_seconds, wait_until)

SERVER_IP = "127.0.0.2"
CALLER_HZ, CALLEE_HZ = 1000, 1600
CALL_SECONDS = 4


def media_counters(log):
    """The relay counters of the first call's `event=pbx.media` line, or None."""
    for line in log.splitlines():
        if "event=pbx.media " in line:
            return {k: int(v) for k, v in re.findall(r"(\w+_rtp_\w+)=(\d+)", line)}
    return None


def test(work):
    data = os.path.join(work, "data")
    dz = Dzvin(work, ["demo", "--data-dir", data, "--sip-listen", f"udp:{SERVER_IP}:0",
                      "--log-level", "info"]).start()
    phones = []
    try:
        creds = demo_credentials(data)
        server = dz.listen["udp"]
        caller = softphone(work, "caller", "127.0.0.3", "1001", creds["1001"], server, CALLER_HZ,
                       "manual")
        callee = softphone(work, "callee", "127.0.0.4", "1002", creds["1002"], server, CALLEE_HZ,
                       "auto")
        phones += [caller, callee]
        caller.wait_registration(want_ok=True)
        callee.wait_registration(want_ok=True)

        # A call with audio both ways.
        caller.cmd("dial", f"sip:1002@{server[0]}:{server[1]}")
        callee.wait_event("CALL_ESTABLISHED")
        caller.wait_event("CALL_ESTABLISHED")
        time.sleep(CALL_SECONDS)  # audio flows for a while: its length is what is measured
        caller.cmd("hangup")
        callee.wait_event("CALL_CLOSED", fail_on=())
        caller.wait_event("CALL_CLOSED", fail_on=())
        for who, hears, own in ((caller, CALLEE_HZ, CALLER_HZ), (callee, CALLER_HZ, CALLEE_HZ)):
            rec = who.recordings("dec")
            check(len(rec) == 1, f"{who.name}: expected one recording, got {rec}")
            got, echo = tone_seconds(rec[0], hears), tone_seconds(rec[0], own)
            print(f"{who.name} heard {hears} Hz for {got:.1f} s (own tone: {echo:.1f} s)")
            check(got >= CALL_SECONDS - 1.5, f"{who.name} heard the other side for {got} s only")
            check(echo == 0, f"{who.name} heard its own tone ({echo} s)")
        log = dz.log()
        check("event=pbx.call" in log and "detail=\"answered: caller hung up\"" in log,
              "the call's end is not logged with its outcome")
        # The audio went through Dzvin's relay (anchored), both ways, ~50 packets/s each.
        relayed = wait_until(lambda: media_counters(dz.log()), 5, "no relay counters logged")
        print("relay:", relayed)
        for key in ("caller_rtp_in", "caller_rtp_out", "callee_rtp_in", "callee_rtp_out"):
            check(relayed[key] >= 50 * (CALL_SECONDS - 1),
                  f"{key} = {relayed[key]}: the audio did not go through Dzvin")

        # Busy: the callee refuses.
        busy = softphone(work, "busy", "127.0.0.5", "1003", creds["1003"], server, CALLEE_HZ,
                     "manual")
        phones.append(busy)
        busy.wait_registration(want_ok=True)
        caller.cmd("dial", f"sip:1003@{server[0]}:{server[1]}")
        busy.wait_event("CALL_INCOMING")
        busy.cmd("hangup")  # rejects the incoming call (486 Busy Here)
        closed = caller.wait_event("CALL_CLOSED", fail_on=())
        check("486" in str(closed.get("param")), f"caller was not told busy: {closed}")

        # A user that does not exist, then one that is not registered (1003 quits).
        caller.cmd("dial", f"sip:9999@{server[0]}:{server[1]}")
        closed = caller.wait_event("CALL_CLOSED", fail_on=())
        check("404" in str(closed.get("param")), f"unknown user: {closed}")
        busy.quit(timeout=5)
        caller.cmd("dial", f"sip:1003@{server[0]}:{server[1]}")
        closed = caller.wait_event("CALL_CLOSED", fail_on=())
        check("480" in str(closed.get("param")), f"unregistered user: {closed}")

        # Transcoding: a phone that only does A-law answers; the caller keeps µ-law (its first
        # choice), and the relay converts both ways: the tones still come through.
        alaw = softphone(work, "alaw", "127.0.0.7", "1003", creds["1003"], server, CALLEE_HZ,
                         "auto", codecs="PCMA")
        phones.append(alaw)
        alaw.wait_registration(want_ok=True)
        caller.cmd("dial", f"sip:1003@{server[0]}:{server[1]}")
        alaw.wait_event("CALL_ESTABLISHED")
        caller.wait_event("CALL_ESTABLISHED")
        time.sleep(CALL_SECONDS)
        caller.cmd("hangup")
        caller.wait_event("CALL_CLOSED", fail_on=())
        alaw.wait_event("CALL_CLOSED", fail_on=())
        heard_by_caller = tone_seconds(caller.recordings("dec")[-1], CALLEE_HZ)
        heard_by_alaw = tone_seconds(alaw.recordings("dec")[-1], CALLER_HZ)
        print(f"transcoded: caller heard {heard_by_caller:.1f} s, A-law phone {heard_by_alaw:.1f} s")
        check(heard_by_caller >= CALL_SECONDS - 1.5 and heard_by_alaw >= CALL_SECONDS - 1.5,
              "the transcoded call did not carry the tones both ways")
        check(re.search(r"event=pbx.media.negotiated .*caller_codec=PCMU callee_codec=PCMA "
                        r"transcoding=yes", dz.log()),
              "the A-law call was not negotiated as PCMU (caller) / PCMA (callee)")

        # No credentials, bad credentials (raw client): refused before any routing.
        client = UdpClient("127.0.0.6")
        dest = (server[0], server[1])
        r = client.transact(sip_request("INVITE", f"sip:1002@{server[0]}", client.local,
                                        to_user="1002", from_user="1001"), dest)
        check(status_of(r)[0] == 401 and "WWW-Authenticate" in r,
              f"INVITE without credentials: {status_of(r)}")
        bad_auth = ('Authorization: Digest username="1001", realm="x", nonce="bm9ub25jZQ", '
                    f'uri="sip:1002@{server[0]}", response="00000000000000000000000000000000"\r\n')
        r = client.transact(sip_request("INVITE", f"sip:1002@{server[0]}", client.local,
                                        to_user="1002", from_user="1001", extra=bad_auth), dest)
        check(status_of(r)[0] in (401, 403), f"INVITE with bad credentials: {status_of(r)}")
        client.close()
        print("busy 486, unknown 404, unregistered 480, no credentials 401, bad credentials",
              status_of(r)[0])
    finally:
        for p in phones:
            p.quit(timeout=5)
        dz.stop()


if __name__ == "__main__":
    main(test, "call_baresip")
