"""A greeting before the ring (issue 4, prompts): number 700's scheme plays a text prompt
spoken by espeak-ng (Ukrainian, synthesised at start and cached), then rings 1002. baresip
calls: Dzvin answers it, the caller hears speech for the prompt's length (recorded on the
caller's side, checked for energy, and for not being the callee's tone), then 1002 rings,
answers, and the caller hears 1002's tone through the same call; while 1002 rings the caller
hears Dzvin's 425 Hz ringback. A second start reuses the
cached audio. A key pressed during the greeting reaches Dzvin as an RFC 4733 event. A caller
who hangs up during the greeting leaves an abandoned call record. A menu: key 1 during its
prompt cuts it short and rings 1002; key 2 takes the voicemail branch."""
import math
import os
import re
import sys
import time
import wave

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import (Dzvin, check, free_port, main, run_cli, softphone, tone_seconds,
                       wait_for_calls, wait_until)

SERVER_IP = "127.0.0.2"
CALLER_HZ, CALLEE_HZ = 900, 1600


def write_config(path, data, port):
    with open(path, "w") as f:
        f.write(f'''[server]
data_dir = "{data}"

[sip]
listen = ["udp:{SERVER_IP}:{port}"]

[company]
name = "Prompt Test"
sip_domain = "prompt.test"

[[company.users]]
username = "1001"
password = "pw-1001-secret"

[[company.users]]
username = "1002"
password = "pw-1002-secret"

[routing.prompts.greeting]
text = "Вітаємо! Наші робочі години з дев'ятої до шостої."
language = "uk"

[routing.schemes.welcome]
steps = [
  {{ type = "play", prompt = "greeting" }},
  {{ type = "ring", targets = ["user:1002"], timeout = 20 }},
]

[routing.prompts.menu]
text = "Щоб поговорити з менеджером, натисніть один. Щоб залишити повідомлення, натисніть два."
language = "uk"

[routing.schemes.ivr]
steps = [
  {{ type = "menu", prompt = "menu", timeout = 3, retries = 1, options = {{ "1" = [ {{ type = "ring", targets = ["user:1002"], timeout = 20 }} ], "2" = [ {{ type = "voicemail", box = "1001" }} ] }} }},
]

[routing.numbers]
"700" = "welcome"
"800" = "ivr"
''')


def rms(path, start_s, end_s):
    with wave.open(path) as w:
        rate = w.getframerate()
        w.setpos(min(int(start_s * rate), w.getnframes()))
        frames = w.readframes(max(0, int((end_s - start_s) * rate)))
    x = memoryview(frames).cast("h")
    return math.sqrt(sum(v * v for v in x) / len(x)) if len(x) else 0.0


def test(work):
    data = os.path.join(work, "data")
    port = free_port(SERVER_IP)
    cfg = os.path.join(work, "dzvin.toml")
    write_config(cfg, data, port)
    dz = Dzvin(work, ["serve", "--config", cfg]).start()
    phones = []
    try:
        m = re.search(r"event=prompt.loaded prompt=greeting source=text:uk ms=(\d+)", dz.log())
        check(m, "the greeting was not synthesised at start")
        prompt_s = int(m.group(1)) / 1000
        check(1.0 <= prompt_s <= 15.0, f"greeting of {prompt_s} s")
        server = dz.listen["udp"]
        caller = softphone(work, "caller", "127.0.0.3", "1001", "pw-1001-secret", server,
                           CALLER_HZ)
        callee = softphone(work, "callee", "127.0.0.4", "1002", "pw-1002-secret", server,
                           CALLEE_HZ)
        phones += [caller, callee]
        for p in phones:
            p.wait_registration(want_ok=True)

        caller.cmd("dial", f"sip:700@{server[0]}:{server[1]}")
        caller.wait_event("CALL_ESTABLISHED")  # Dzvin answers to play the greeting
        start = time.time()
        time.sleep(0.5)
        caller.cmd("sndcode", "2")  # a key during the greeting: baresip sends RFC 4733 events
        wait_until(lambda: re.search(r"event=pbx.dtmf call=\S+ digit=2 via=rfc4733", dz.log()),
                   3, "Dzvin did not receive the caller's key 2 (RFC 4733)")
        callee.wait_event("CALL_INCOMING", timeout=prompt_s + 10)
        waited = time.time() - start
        check(waited >= prompt_s - 0.5, f"1002 rang {waited:.1f} s after the answer, before "
              f"the {prompt_s} s greeting was over")
        time.sleep(2)  # the caller hears Dzvin's ringback meanwhile (its phone plays none now)
        callee.cmd("accept")
        callee.wait_event("CALL_ESTABLISHED")
        time.sleep(3)
        caller.cmd("hangup")
        callee.wait_event("CALL_CLOSED", fail_on=())
        caller.wait_event("CALL_CLOSED", fail_on=())

        rec = caller.recordings("dec")[0]
        speech = rms(rec, 0.3, prompt_s - 0.3)
        check(speech > 300, f"the caller heard silence during the greeting (RMS {speech:.0f})")
        check(tone_seconds(rec, CALLEE_HZ) >= 1.5, "the caller did not hear 1002 afterwards")
        ringback = tone_seconds(rec, 425)
        check(0.5 <= ringback <= 1.5, f"{ringback} s of 425 Hz ringback while 1002 rang (the "
              "first second of the 1 s on / 4 s off cadence)")
        heard = tone_seconds(callee.recordings("dec")[0], CALLER_HZ)
        check(heard >= 1.5, f"1002 heard the caller for {heard} s only")

        # Hanging up during the greeting: abandoned, 1002 never rings.
        caller.cmd("dial", f"sip:700@{server[0]}:{server[1]}")
        caller.wait_event("CALL_ESTABLISHED")
        time.sleep(0.5)
        caller.cmd("hangup")
        caller.wait_event("CALL_CLOSED", fail_on=())
        listing = wait_for_calls(cfg, "abandoned")
        print(listing)
        check(not [e for e in callee.events if e.get("type") == "CALL_INCOMING"],
              "1002 rang although the caller left during the greeting")

        # A menu: "1" pressed during its prompt stops the prompt and rings 1002 at once.
        caller.cmd("dial", f"sip:800@{server[0]}:{server[1]}")
        caller.wait_event("CALL_ESTABLISHED")
        time.sleep(1.0)
        caller.cmd("sndcode", "1")
        pressed = time.time()
        callee.wait_event("CALL_INCOMING", timeout=5)
        check(time.time() - pressed < 2.0, "1002 rang late: the key did not cut the prompt short")
        callee.cmd("accept")
        callee.wait_event("CALL_ESTABLISHED")
        time.sleep(1)
        caller.cmd("hangup")
        caller.wait_event("CALL_CLOSED", fail_on=())
        callee.wait_event("CALL_CLOSED", fail_on=())
        # "2": the voicemail branch (test_voicemail_baresip.py checks the message itself).
        caller.cmd("dial", f"sip:800@{server[0]}:{server[1]}")
        caller.wait_event("CALL_ESTABLISHED")
        time.sleep(1.0)
        caller.cmd("sndcode", "2")
        wait_until(lambda: "event=pbx.voicemail_recording" in dz.log(), 15,
                   "menu 2 did not start a voicemail recording")
        time.sleep(1.5)
        caller.cmd("hangup")
        caller.wait_event("CALL_CLOSED", timeout=5, fail_on=())
        listing = wait_for_calls(cfg, "voicemail: 1001")
        check("answered by 1002@" in listing, "the menu's key 1 did not reach 1002")
        check(re.search(r"event=pbx.scheme call=\S+ result=\"voicemail", dz.log()) or
              "voicemail: 1001" in listing, "menu 2 did not reach voicemail")
    finally:
        for p in phones:
            p.quit(timeout=5)
        dz.stop()

    # Started again: the greeting comes from the cache, not from espeak-ng.
    cached = os.listdir(os.path.join(data, "prompts"))
    check(cached, "no cached prompt audio under data_dir/prompts")
    dz = Dzvin(work, ["serve", "--config", cfg], name="dzvin2").start()
    try:
        check("prompt=greeting" in dz.log(), "the greeting was not loaded on the second start")
    finally:
        dz.stop()


if __name__ == "__main__":
    main(test, "prompt_baresip")
