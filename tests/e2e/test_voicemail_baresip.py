"""Voicemail with e-mail (issue 4): number 800's menu sends key 2 to the accounting box. baresip
calls, hears the menu prompt, presses 2 (RFC 4733), hears the box's greeting and the beep, and
leaves a message (its 900 Hz test WAV) for about four seconds, then hangs up. The message is a
WAV under data_dir/voicemail/accounting/ of about that length carrying 900 Hz; the call record
says "voicemail: accounting" with a voicemail_recorded entry; an e-mail reaches the SMTP sink
this test runs (aiosmtpd) with the caller, the duration, the audio attached and a signed link;
the link serves the same bytes (200, and 206 for a range); a tampered link gets 403. A caller
who hangs up right after the beep leaves no message and no e-mail; '#' ends a message and Dzvin
hangs up."""
import email
import math
import email.policy
import os
import re
import sys
import time
import urllib.error
import urllib.request
import wave

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import (Dzvin, SmtpSink, check, free_port, main, run_cli, softphone, tone_seconds,
                       wait_for_calls, wait_until)

from aiosmtpd.controller import Controller

SERVER_IP = "127.0.0.2"
CALLER_HZ = 900


def write_config(path, data, port, http_port, smtp_port):
    with open(path, "w") as f:
        f.write(f'''[server]
data_dir = "{data}"
web_url = "http://{SERVER_IP}:{http_port}/"

[sip]
listen = ["udp:{SERVER_IP}:{port}"]

[http]
listen = "{SERVER_IP}:{http_port}"

[smtp]
url = "smtp://127.0.0.1:{smtp_port}"
from = "pbx@voicemail.test"
first_retry = 1

[company]
name = "Voicemail Test"
sip_domain = "vm.test"

[[company.users]]
username = "1001"
password = "pw-1001-secret"

[routing.prompts.menu]
text = "Бухгалтерія, натисніть два."
language = "uk"

[routing.prompts.accounting]
text = "Залиште повідомлення."
language = "uk"

[routing.voicemail.accounting]
greeting = "accounting"
emails = ["accounting@vm.test", "head@vm.test"]
max_length = 60
silence = 5
min_length = 1

[routing.schemes.ivr]
steps = [
  {{ type = "menu", prompt = "menu", timeout = 5, retries = 1, options = {{ "2" = [ {{ type = "voicemail", box = "accounting" }} ] }} }},
]

[routing.numbers]
"800" = "ivr"
''')


def voicemail_files(data, suffix=".wav"):
    """Finished messages (".wav"), or ones still being written (".part")."""
    folder = os.path.join(data, "voicemail", "accounting")
    names = os.listdir(folder) if os.path.isdir(folder) else []
    return sorted(n for n in names if n.endswith(suffix))


def leave_message(dz, caller, server, seconds, end="hangup"):
    """Calls 800, presses 2, waits for the recording to start, then `seconds` later hangs up
    (or presses #)."""
    before = dz.log().count("event=pbx.voicemail_recording")
    caller.cmd("dial", f"sip:800@{server[0]}:{server[1]}")
    caller.wait_event("CALL_ESTABLISHED")
    time.sleep(0.8)
    caller.cmd("sndcode", "2")
    wait_until(lambda: dz.log().count("event=pbx.voicemail_recording") > before, 15,
               "the recording of the message did not start")
    time.sleep(seconds)
    if end == "hangup":
        caller.cmd("hangup")
    else:
        caller.cmd("sndcode", "#")
    caller.wait_event("CALL_CLOSED", timeout=10, fail_on=())


def test(work):
    data = os.path.join(work, "data")
    sink = SmtpSink()
    smtp_port = free_port("127.0.0.1", __import__("socket").SOCK_STREAM)
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    port = free_port(SERVER_IP)
    http_port = free_port(SERVER_IP, __import__("socket").SOCK_STREAM)
    cfg = os.path.join(work, "dzvin.toml")
    write_config(cfg, data, port, http_port, smtp_port)
    dz = Dzvin(work, ["serve", "--config", cfg]).start()
    phones = []
    try:
        server = dz.listen["udp"]
        caller = softphone(work, "caller", "127.0.0.3", "1001", "pw-1001-secret", server,
                           CALLER_HZ)
        phones.append(caller)
        caller.wait_registration(want_ok=True)

        # 1. A message of about four seconds.
        leave_message(dz, caller, server, 4.0)
        wait_until(lambda: voicemail_files(data), 10, "no voicemail file was written")
        files = voicemail_files(data)
        check(len(files) == 1, f"voicemail files: {files}")
        check(not voicemail_files(data, ".part"), "an unfinished .part file was left")
        path = os.path.join(data, "voicemail", "accounting", files[0])
        with wave.open(path) as w:
            check(w.getframerate() == 8000 and w.getnchannels() == 1, "not 8 kHz mono")
            seconds = w.getnframes() / 8000
        check(3.0 <= seconds <= 5.5, f"the message lasts {seconds:.2f} s, expected about 4")
        tone = tone_seconds(path, CALLER_HZ)
        check(tone >= seconds - 1.0, f"only {tone} s of the caller's {CALLER_HZ} Hz in the "
              f"{seconds:.1f} s message")
        heard = caller.recordings("dec")[0]
        check(tone_seconds(heard, 1000) >= 0.2, "the caller did not hear the 1 kHz beep")
        with wave.open(heard) as w:  # the menu prompt, spoken from the answer on
            x = memoryview(w.readframes(min(w.getnframes(), 5600))).cast("h")
        speech = math.sqrt(sum(float(v) * v for v in x) / max(1, len(x)))
        check(speech > 300, f"the caller heard silence where the prompt plays (RMS {speech:.0f})")
        # The message's entry follows the call's end (the file is finished after the hang-up).
        listing = wait_for_calls(cfg, "voicemail_recorded")
        check("voicemail: accounting" in listing, f"the call's outcome:\n{listing}")

        # 2. The e-mail, to both addresses, with the audio and a link.
        wait_until(lambda: len(sink.messages) >= 2, 15, "the voicemail e-mails did not arrive")
        recipients = sorted(r for rcpts, _ in sink.messages for r in rcpts)
        check(recipients == ["accounting@vm.test", "head@vm.test"], f"recipients {recipients}")
        msg = email.message_from_bytes(sink.messages[0][1], policy=email.policy.default)
        check("1001" in msg["Subject"], f"subject without the caller: {msg['Subject']}")
        body = msg.get_body(preferencelist=("plain",)).get_content()
        link = re.search(r"http://\S+/media/voicemail/\d+\.wav\?expires=\d+&sig=[0-9a-f]+", body)
        check(link, f"no link in the e-mail body:\n{body}")
        attachments = [p for p in msg.iter_attachments()]
        check(len(attachments) == 1, f"{len(attachments)} attachments")
        with open(path, "rb") as f:
            audio = f.read()
        check(attachments[0].get_content() == audio, "the attachment differs from the file")

        url = link.group(0)
        with urllib.request.urlopen(url, timeout=5) as r:
            check(r.status == 200 and r.headers["Content-Type"].startswith("audio/"),
                  f"link: {r.status} {r.headers['Content-Type']}")
            check(r.read() == audio, "the link served other bytes than the file")
        req = urllib.request.Request(url, headers={"Range": "bytes=0-99"})
        with urllib.request.urlopen(req, timeout=5) as r:
            check(r.status == 206 and r.read() == audio[:100], "range request not served")
        tampered = re.sub(r"sig=([0-9a-f])", lambda m: "sig=" + ("0" if m.group(1) != "0"
                                                                 else "1"), url)
        try:
            urllib.request.urlopen(tampered, timeout=5)
            check(False, "a tampered link was served")
        except urllib.error.HTTPError as e:
            check(e.code == 403, f"tampered link: {e.code}")

        # 3. Hung up right after the beep: no message, no e-mail.
        mails = len(sink.messages)
        leave_message(dz, caller, server, 0.2)
        wait_until(lambda: "event=pbx.voicemail_discarded" in dz.log(), 10,
                   "an empty message was not discarded")
        time.sleep(1.5)
        check(len(voicemail_files(data)) == 1, f"an empty message was kept: {voicemail_files(data)}")
        check(len(sink.messages) == mails, "an e-mail was sent for an empty message")

        # 4. '#' ends the message; Dzvin hangs up.
        leave_message(dz, caller, server, 2.5, end="#")
        wait_until(lambda: len(voicemail_files(data)) == 2, 10, "the # message was not kept")
        check(re.search(r"event=pbx.voicemail_stopped call=\S+ why=#", dz.log()),
              "the message did not end on #")
        wait_until(lambda: len(sink.messages) >= mails + 2, 15, "no e-mail for the # message")
        listing = wait_until(lambda: (lambda out: out if "2 messages" in out else None)(
            run_cli(["voicemails", "--config", cfg]).stdout), 5, "dzvin voicemails lists 2")
        check(listing.count("voicemail/accounting/") == 2, f"dzvin voicemails:\n{listing}")

        # 5. The mail server is down: the delivery fails, is logged and kept, and goes out once
        # the server is back (first_retry = 1 s, doubling).
        controller.stop()
        mails = len(sink.messages)
        leave_message(dz, caller, server, 2.0)
        wait_until(lambda: "event=email.failed" in dz.log(), 20, "no failed delivery logged")
        log = run_cli(["emails", "--config", cfg]).stdout
        check(re.search(r"pending\s+\S+@vm.test\s+attempts [1-9]\s+last error: ", log),
              f"the failure is not in the delivery log:\n{log}")
        controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        wait_until(lambda: len(sink.messages) >= mails + 2, 30,
                   "the failed deliveries were not retried once the server was back")
        log = run_cli(["emails", "--config", cfg]).stdout
        check(log.count(" sent ") == 6 and "pending" not in log, f"delivery log:\n{log}")
    finally:
        for p in phones:
            p.quit(timeout=5)
        dz.stop()
        controller.stop()


if __name__ == "__main__":
    main(test, "voicemail_baresip")
