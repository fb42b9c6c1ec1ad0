"""Calls between two independent SIP stacks through Dzvin: linphonec (liblinphone/belle-sip,
which registers with +sip.instance and asks for GRUU, and offers opus, speex, G.729 besides
G.711) and baresip (libre). linphonec calls baresip, then baresip calls linphonec; each time
the audio of both sides crosses Dzvin's relay (a different tone each way, checked by
frequency) and the hang-up ends both sides."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import (Dzvin, Linphonec, check, free_port, main, softphone, tone_seconds,
                       wait_until)

SERVER_IP = "127.0.0.2"
LINPHONE_HZ, BARESIP_HZ = 1000, 1600


def test(work):
    data = os.path.join(work, "data")
    port = free_port(SERVER_IP)
    cfg = os.path.join(work, "dzvin.toml")
    with open(cfg, "w") as f:
        f.write(f'[server]\ndata_dir = "{data}"\n\n[sip]\nlisten = ["udp:{SERVER_IP}:{port}"]\n\n'
                '[company]\nname = "Interop"\nsip_domain = "interop.test"\n\n'
                '[[company.users]]\nusername = "1001"\npassword = "pw-1001-secret"\n\n'
                '[[company.users]]\nusername = "1002"\npassword = "pw-1002-secret"\n')
    dz = Dzvin(work, ["serve", "--config", cfg]).start()
    lp = bs = None
    try:
        server = dz.listen["udp"]
        lp = Linphonec(work, "linphonec", "127.0.0.5", LINPHONE_HZ)
        lp.register("1001", "pw-1001-secret", server)
        bs = softphone(work, "baresip", "127.0.0.4", "1002", "pw-1002-secret", server, BARESIP_HZ)
        bs.wait_registration(want_ok=True)

        # linphonec -> baresip
        lp.send(f"call sip:1002@{server[0]}:{server[1]}")
        bs.wait_event("CALL_INCOMING")
        bs.cmd("accept")
        lp.wait(r"Call \d+ with .* connected", 15)
        bs.wait_event("CALL_ESTABLISHED")
        time.sleep(3)
        lp.send("terminate")
        lp.wait(r"Call \d+ with .* ended", 10)
        bs.wait_event("CALL_CLOSED", fail_on=())
        heard = tone_seconds(bs.recordings("dec")[0], LINPHONE_HZ)
        check(heard >= 1.5, f"baresip heard linphonec for {heard} s only")
        wait_until(lambda: os.path.getsize(lp.rec) > 44, 5, "linphonec wrote no recording")
        heard = tone_seconds(lp.rec, BARESIP_HZ)
        check(heard >= 1.5, f"linphonec heard baresip for {heard} s only")
        check("event=pbx.media.negotiated" in dz.log(), "the call was not anchored")

        # baresip -> linphonec
        os.rename(lp.rec, lp.rec + ".first")
        lp.send(f"record {lp.rec}")
        bs.cmd("dial", f"sip:1001@{server[0]}:{server[1]}")
        lp.wait(r"Receiving new incoming call", 15)
        lp.send("answer")
        bs.wait_event("CALL_ESTABLISHED")
        time.sleep(3)
        bs.cmd("hangup")
        lp.wait(r"Call \d+ with .* ended", 10)
        bs.wait_event("CALL_CLOSED", fail_on=())
        heard = tone_seconds(bs.recordings("dec")[-1], LINPHONE_HZ)
        check(heard >= 1.5, f"baresip (calling) heard linphonec for {heard} s only")
        wait_until(lambda: os.path.exists(lp.rec) and os.path.getsize(lp.rec) > 44, 5,
                   "linphonec wrote no recording of the second call")
        heard = tone_seconds(lp.rec, BARESIP_HZ)
        check(heard >= 1.5, f"linphonec (called) heard baresip for {heard} s only")
        print("linphonec <-> baresip through Dzvin: both directions, audio both ways")
    finally:
        if lp is not None:
            lp.quit()
        if bs is not None:
            bs.quit(timeout=5)
        dz.stop()


if __name__ == "__main__":
    main(test, "linphonec_call")
