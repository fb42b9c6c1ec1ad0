"""Call recording (issue 4): number 900's scheme records every call ("record": "all") and the
company policy announces it ("this call is recorded", a text prompt) before 1002 rings. The
caller (900 Hz) and 1002 (1600 Hz) talk for a few seconds; the recording under
data_dir/recordings/YYYY/MM/DD/ is a complete WAV (no ".part" left) whose every part carries
both parties' tones, and the call record's timeline has recording_started and
recording_finished. Number 901 records on demand: nothing until 1002 presses *1, then a file
with both parties from that moment on. Dzvin killed (-9) during a recorded call leaves only the
".part" file with the audio so far, never a file under the final name, and the next start
marks the recording incomplete."""
import math
import os
import re
import signal
import sqlite3
import sys
import time
import wave

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import (Dzvin, check, free_port, main, softphone, wait_for_calls, wait_until)

SERVER_IP = "127.0.0.2"
CALLER_HZ, CALLEE_HZ = 900, 1600


def write_config(path, data, port):
    with open(path, "w") as f:
        f.write(f'''[server]
data_dir = "{data}"

[sip]
listen = ["udp:{SERVER_IP}:{port}"]

[http]
enabled = false

[company]
name = "Recording Test"
sip_domain = "rec.test"

[[company.users]]
username = "1001"
password = "pw-1001-secret"

[[company.users]]
username = "1002"
password = "pw-1002-secret"

[routing.prompts.recorded]
text = "Розмова записується."
language = "uk"

[routing.recording]
mode = "none"
announcement = "recorded"
retention_days = 30

[routing.schemes.recorded]
record = "all"
steps = [ {{ type = "ring", targets = ["user:1002"], timeout = 20 }} ]

[routing.schemes.on-demand]
record = "on_demand"
steps = [ {{ type = "ring", targets = ["user:1002"], timeout = 20 }} ]

[routing.numbers]
"900" = "recorded"
"901" = "on-demand"
''')


def shares(path, hz_list, block=800):
    """Per 100 ms block of a mono 8 kHz WAV: the share of its energy at each frequency."""
    with wave.open(path) as w:
        check(w.getframerate() == 8000 and w.getnchannels() == 1, f"{path}: not 8 kHz mono")
        x = memoryview(w.readframes(w.getnframes())).cast("h")
    out = []
    for off in range(0, len(x) - block, block):
        row = []
        e = sum(float(v) * v for v in x[off:off + block])
        for hz in hz_list:
            coef = 2 * math.cos(2 * math.pi * hz / 8000)
            s1 = s2 = 0.0
            for v in x[off:off + block]:
                s0 = v + coef * s1 - s2
                s2, s1 = s1, s0
            power = s1 * s1 + s2 * s2 - coef * s1 * s2
            row.append(power / (e * block / 2) if e > 0 else 0.0)
        out.append(row)
    return out


def recordings(data, suffix=".wav"):
    """Complete recordings (suffix ".wav"), or unfinished ones (".part")."""
    found = []
    for root, _, files in os.walk(os.path.join(data, "recordings")):
        found += [os.path.join(root, f) for f in files if f.endswith(suffix)]
    return sorted(found)


def talk(caller, callee, server, number, seconds, on_demand=False):
    caller.cmd("dial", f"sip:{number}@{server[0]}:{server[1]}")
    callee.wait_event("CALL_INCOMING", timeout=15)
    callee.cmd("accept")
    callee.wait_event("CALL_ESTABLISHED")
    if on_demand:
        time.sleep(1.5)
        callee.cmd("sndcode", "*")
        time.sleep(0.3)
        callee.cmd("sndcode", "1")
    time.sleep(seconds)
    caller.cmd("hangup")
    caller.wait_event("CALL_CLOSED", fail_on=())
    callee.wait_event("CALL_CLOSED", fail_on=())


def check_both_parties(path, min_seconds):
    rows = shares(path, [CALLER_HZ, CALLEE_HZ])
    seconds = len(rows) / 10
    check(seconds >= min_seconds, f"{path}: {seconds} s recorded, expected >= {min_seconds}")
    both = sum(1 for a, b in rows if a > 0.2 and b > 0.2)
    check(both >= len(rows) * 0.7, f"{path}: only {both} of {len(rows)} blocks carry both "
          f"parties ({CALLER_HZ} and {CALLEE_HZ} Hz)")
    return seconds


def test(work):
    data = os.path.join(work, "data")
    port = free_port(SERVER_IP)
    cfg = os.path.join(work, "dzvin.toml")
    write_config(cfg, data, port)
    dz = Dzvin(work, ["serve", "--config", cfg]).start()
    phones = []
    try:
        server = dz.listen["udp"]
        caller = softphone(work, "caller", "127.0.0.3", "1001", "pw-1001-secret", server,
                           CALLER_HZ)
        callee = softphone(work, "callee", "127.0.0.4", "1002", "pw-1002-secret", server,
                           CALLEE_HZ)
        phones += [caller, callee]
        for p in phones:
            p.wait_registration(want_ok=True)

        # Recorded from the answer, announced first.
        talk(caller, callee, server, "900", 4.0)
        wait_until(lambda: recordings(data), 10, "no recording file")
        files = recordings(data)
        check(len(files) == 1, f"recording files: {files}")
        check(not recordings(data, ".part"), f"unfinished files left: {recordings(data, '.part')}")
        check(re.search(r"/recordings/\d{4}/\d{2}/\d{2}/\w+\.wav$", files[0]), files[0])
        seconds = check_both_parties(files[0], 3.0)
        check(seconds <= 6.0, f"{seconds} s recorded for a 4 s conversation")
        # The announcement: Dzvin answers and speaks before 1002 rings, so the caller's first
        # second is speech, not 1002's tone.
        heard = caller.recordings("dec")[0]
        with wave.open(heard) as w:
            x = memoryview(w.readframes(min(w.getnframes(), 8000))).cast("h")
        energy = math.sqrt(sum(float(v) * v for v in x) / max(1, len(x)))
        check(energy > 300, f"the caller heard no announcement (RMS {energy:.0f} in its first s)")
        first = shares(heard, [CALLEE_HZ])[:8]
        check(all(row[0] < 0.2 for row in first), "1002's tone in the caller's first 0.8 s: the "
              "call was not announced before 1002 answered")
        check("event=pbx.call.answered_by_dzvin" in dz.log(), "Dzvin did not answer to announce")
        listing = wait_for_calls(cfg, "recording_finished")
        check("recording_started" in listing, listing)

        # On demand: only after *1.
        talk(caller, callee, server, "901", 3.0, on_demand=True)
        wait_until(lambda: len(recordings(data)) == 2, 10, "*1 did not start a recording")
        check(re.search(r"event=pbx.recording_requested call=\S+ by=callee", dz.log()),
              "no recording_requested by the callee in the log")
        new = [f for f in recordings(data) if f != files[0]][0]
        check_both_parties(new, 2.0)

        # kill -9 in the middle of a recorded call.
        caller.cmd("dial", f"sip:900@{server[0]}:{server[1]}")
        callee.wait_event("CALL_INCOMING", timeout=15)
        callee.cmd("accept")
        callee.wait_event("CALL_ESTABLISHED")
        wait_until(lambda: recordings(data, ".part"), 5, "the third recording did not start")
        time.sleep(3.0)  # the writer holds a second back and writes half-second blocks
        dz.stop(sig=signal.SIGKILL)
        parts = recordings(data, ".part")
        check(len(parts) == 1 and len(recordings(data)) == 2,
              f"after kill -9: {recordings(data)} complete, {parts} unfinished")
        size = os.path.getsize(parts[0])
        check(size >= 44 + 16000, f"the .part holds {size} bytes: less than a second of audio")
        for p in phones:  # their calls died with the server
            p.cmd("hangup")
        dz = Dzvin(work, ["serve", "--config", cfg], name="dzvin2").start()
        check("event=store.recordings_reconciled recordings=1" in dz.log(),
              "the interrupted recording was not settled at start")
        db = sqlite3.connect(os.path.join(data, "dzvin.db"))
        states = sorted(r[0] for r in db.execute("SELECT state FROM recordings"))
        db.close()
        check(states == ["complete", "complete", "incomplete"], f"recording states {states}")
    finally:
        for p in phones:
            p.quit(timeout=5)
        dz.stop()


if __name__ == "__main__":
    main(test, "recording_baresip")
