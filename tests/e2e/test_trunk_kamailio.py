"""A SIP trunk to a real provider, played by Kamailio (tests/e2e/kamailio/carrier.cfg), with
baresip phones: Dzvin registers its trunk account with the carrier (digest, 401); a customer on
the "public network" calls the company's number through the carrier, which delivers it to the
registered contact with the number only in the To header; the scheme rings the duty manager
(1001, a softphone on Dzvin) for 3 s, then two colleagues' mobiles (+380 50 111 00 02 and 03)
at once through the trunk (the carrier challenges those INVITEs with 407: Dzvin answers with
the trunk's credentials); mobile A answers, mobile B stops ringing; audio flows both ways through
Dzvin's relay; the customer hangs up and every leg ends; the call record has the timeline. Also:
a number that is not the company's is refused with 404 even from the carrier, an unauthenticated
INVITE from elsewhere is challenged, and a user's call to an external number goes out through
the trunk with the company's caller ID."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import (Baresip, Dzvin, TestFailure, UdpClient, check, free_port, main, run_cli,
                       sip_request, softphone, status_of, tone_seconds, wait_for_calls,
                       wait_until)

SERVER_IP = "127.0.0.2"
CARRIER_IP = "127.0.0.9"
DOMAIN = "trunk.test"
TRUNK_USER, TRUNK_PASS = "acme", "carrier-pass-42"
DID = "+380441110000"
CUSTOMER_HZ, DUTY_HZ, MOBILE_HZ = 700, 1100, 1600


def password(user):
    return f"pw-{user}-secret"


def write_config(path, data, port, carrier_port):
    with open(path, "w") as f:
        f.write(f'''[server]
data_dir = "{data}"
log_level = "info"

[sip]
listen = ["udp:{SERVER_IP}:{port}"]

[company]
name = "Trunk Test"
sip_domain = "{DOMAIN}"

[[company.users]]
username = "1001"
display_name = "Duty manager"
password = "{password('1001')}"

[[trunks]]
name = "carrier"
address = "{CARRIER_IP}:{carrier_port}"
domain = "carrier.test"
username = "{TRUNK_USER}"
password = "{TRUNK_PASS}"
caller_id = "044 111 00 00"
dids = ["{DID}"]
register = true
register_expires = 60

[routing.schemes.main-line]
steps = [
  {{ type = "ring", targets = ["user:1001"], timeout = 3 }},
  {{ type = "ring", targets = ["number:050 111 00 02", "number:050 111 00 03"], strategy = "simultaneous", timeout = 20 }},
]

[routing.numbers]
"{DID}" = "main-line"
''')


class Carrier:
    def __init__(self, work, port, pbx_port, mobile_a, mobile_b):
        self.dir = os.path.join(work, "carrier")
        os.makedirs(self.dir, exist_ok=True)
        cfg = os.path.join(os.path.dirname(__file__), "kamailio", "carrier.cfg")
        self.log_path = os.path.join(self.dir, "kamailio.log")
        self.log_file = open(self.log_path, "w")
        defines = [f"LISTEN=udp:{CARRIER_IP}:{port}", f'PBX_IP="{SERVER_IP}"',
                   f"PBX_PORT={pbx_port}", f'TRUNK_USER="{TRUNK_USER}"',
                   f'TRUNK_PASS="{TRUNK_PASS}"', f'MOBILE_A="{mobile_a}"',
                   f'MOBILE_B="{mobile_b}"', f'CTLSOCK="unix:{self.dir}/ctl"']
        args = ["kamailio", "-f", cfg, "-DD", "-E", "-Y", self.dir, "-w", self.dir,
                "-m", "64", "-M", "8"]
        for d in defines:
            args += ["-A", d]
        self.proc = subprocess.Popen(args, stdout=self.log_file, stderr=subprocess.STDOUT)
        wait_until(lambda: os.path.exists(f"{self.dir}/ctl") or self.proc.poll() is not None,
                   10, "kamailio did not start")
        check(self.proc.poll() is None, f"kamailio exited: {self.log()}")

    def log(self):
        with open(self.log_path) as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def mobile(work, name, ip, port, answermode="manual"):
    """A phone on the public network: not registered anywhere, reached by the carrier."""
    return Baresip(work, name, ip,
                   f"<sip:mobile@{ip}:{port}>;regint=0;answermode={answermode};"
                   "audio_codecs=PCMU,PCMA",
                   tone_hz=MOBILE_HZ, extra_config="module\tsndfile.so\n", sip_port=port)


def test(work):
    data = os.path.join(work, "data")
    port = free_port(SERVER_IP)
    carrier_port = free_port(CARRIER_IP)
    a_port, b_port = free_port("127.0.0.5"), free_port("127.0.0.6")
    cfg = os.path.join(work, "dzvin.toml")
    write_config(cfg, data, port, carrier_port)
    carrier = Carrier(work, carrier_port, port, f"sip:mobile@127.0.0.5:{a_port}",
                      f"sip:mobile@127.0.0.6:{b_port}")
    dz = None
    phones = []
    try:
        dz = Dzvin(work, ["serve", "--config", cfg]).start()
        server = dz.listen["udp"]
        # 1. The trunk registers with the carrier (after a 401 challenge).
        wait_until(lambda: "state=registered" in dz.log(), 10,
                   "the trunk did not register with the carrier")
        clog = carrier.log()
        check("carrier: REGISTER challenged" in clog and "carrier: REGISTER ok" in clog,
              "the carrier did not challenge and accept the REGISTER")
        check(TRUNK_PASS not in dz.log(), "the trunk password appears in the log")

        duty = softphone(work, "duty", "127.0.0.4", "1001", password("1001"), server, DUTY_HZ)
        # Mobile A sends early media (183 with SDP) while it rings, as mobile networks do.
        a = mobile(work, "mobile_a", "127.0.0.5", a_port, answermode="early")
        b = mobile(work, "mobile_b", "127.0.0.6", b_port)
        customer = Baresip(work, "customer", "127.0.0.3",
                           f"<sip:0671234567@{CARRIER_IP}:{carrier_port}>;regint=0;"
                           "answermode=manual;audio_codecs=PCMU,PCMA",
                           tone_hz=CUSTOMER_HZ, extra_config="module\tsndfile.so\n")
        phones += [duty, a, b, customer]
        duty.wait_registration(want_ok=True)

        # 2. The customer calls the company's number through the carrier.
        customer.cmd("dial", f"sip:{DID}@{CARRIER_IP}:{carrier_port}")
        duty.wait_event("CALL_INCOMING")
        duty.wait_event("CALL_CLOSED", timeout=10, fail_on=())  # 3 s without an answer
        a.wait_event(("CALL_INCOMING", "CALL_RTPESTAB"), timeout=10)  # early: no INCOMING event
        b.wait_event("CALL_INCOMING", timeout=10)
        clog = carrier.log()
        check("carrier: INVITE to +380501110002 challenged" in clog and
              "carrier: INVITE to +380501110002 from +380441110000 authenticated" in clog,
              "the mobiles' INVITEs were not challenged and then authenticated as the trunk "
              "(caller ID +380441110000)")
        customer.wait_event("CALL_PROGRESS", timeout=5)  # the 183 with Dzvin's SDP
        a.cmd("accept")
        a.wait_event("CALL_ESTABLISHED")
        customer.wait_event("CALL_ESTABLISHED")
        b.wait_event("CALL_CLOSED", timeout=10, fail_on=())  # answered elsewhere
        time.sleep(3)
        customer.cmd("hangup")
        a.wait_event("CALL_CLOSED", fail_on=())
        customer.wait_event("CALL_CLOSED", fail_on=())

        heard = tone_seconds(customer.recordings("dec")[0], MOBILE_HZ)
        check(heard >= 1.5, f"the customer heard the mobile for {heard} s only")
        heard = tone_seconds(a.recordings("dec")[0], CUSTOMER_HZ)
        check(heard >= 1.5, f"the mobile heard the customer for {heard} s only")

        def relayed():
            for line in dz.log().splitlines():
                if "event=pbx.media " in line and "caller_rtp_in=" in line:
                    fields = dict(f.split("=", 1) for f in line.split() if "=" in f)
                    if int(fields["caller_rtp_in"]) >= 100 and int(fields["callee_rtp_in"]) >= 100:
                        return line
            return None
        print(wait_until(relayed, 5, "no relay counters show the call's audio through Dzvin"))

        # 3. The call record: from the customer's number to the DID, answered by mobile A.
        listing = wait_for_calls(cfg, "answered: caller hung up")
        print(listing)
        check("+380671234567 -> +380441110000" in listing, "caller and DID in E.164")
        check("answered by +380501110002" in listing, "answered by mobile A")
        events = [line.split()[2:4] for line in listing.split("\n    +")[1:]]
        kinds = [e[0] for e in events]
        for want in ["started", "ringing", "attempt", "answered", "ended"]:
            check(want in kinds, f"timeline lacks {want}: {kinds}")
        check(kinds.index("answered") > kinds.index("attempt"), f"order: {kinds}")
        check(any(e == ["attempt", "+380501110003"] for e in events),
              f"mobile B's cancellation is not in the timeline: {events}")

        # 4. Refusals: a number that is not ours, even from the carrier; no credentials from
        # elsewhere.
        customer.cmd("dial", f"sip:+380449999999@{CARRIER_IP}:{carrier_port}")
        closed = customer.wait_event("CALL_CLOSED", fail_on=())
        check("404" in str(closed.get("param")), f"a foreign number through the trunk: {closed}")
        client = UdpClient("127.0.0.7")
        local = client.local
        invite = sip_request("INVITE", f"sip:{DID}@{server[0]}:{server[1]}", local,
                             to_user=DID, from_user="0671234567",
                             extra="Content-Type: application/sdp\r\n",
                             body="v=0\r\no=- 1 1 IN IP4 127.0.0.7\r\ns=-\r\nc=IN IP4 127.0.0.7"
                                  "\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n")
        check(status_of(client.transact(invite, server))[0] == 401,
              "an INVITE from outside the trunk was not challenged")
        client.close()

        # 5. A user's call to an external number leaves through the trunk with our caller ID.
        duty.cmd("dial", f"sip:0501110003@{server[0]}:{server[1]}")
        b.wait_event("CALL_INCOMING", timeout=10)
        b.cmd("accept")
        b.wait_event("CALL_ESTABLISHED")
        duty.wait_event("CALL_ESTABLISHED")
        time.sleep(2)
        b.cmd("hangup")
        duty.wait_event("CALL_CLOSED", fail_on=())
        heard = tone_seconds(b.recordings("dec")[-1], DUTY_HZ)
        check(heard >= 1.0, f"mobile B heard the duty manager for {heard} s only")
        check("carrier: INVITE to +380501110003 from +380441110000 authenticated" in carrier.log(),
              "the outgoing call did not carry the trunk's caller ID")
        print("trunk: registered, DID via carrier -> duty -> mobiles, A answered, audio both "
              "ways; 404 for a foreign number; 401 from elsewhere; outgoing call via trunk")
    finally:
        for p in phones:
            p.quit(timeout=5)
        if dz is not None:
            dz.stop()
            if "state=unregistered" not in dz.log():
                print("note: no unregistration logged at shutdown")
        carrier.stop()


if __name__ == "__main__":
    main(test, "trunk_kamailio")
