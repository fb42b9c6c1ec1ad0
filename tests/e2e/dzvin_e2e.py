"""Shared pieces of the end-to-end tests: start the real dzvin binary, drive baresip over
its ctrl_tcp socket, raw SIP over UDP. Standard library only. Every wait has a deadline;
every process started is stopped; logs are kept when a test fails."""
import glob
import json
import math
import http.cookiejar
import urllib.error
import urllib.request
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import wave
import uuid

DZVIN_BIN = os.environ.get("DZVIN_BIN") or os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "src", "app", "dzvin")


class TestFailure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise TestFailure(message)


def free_port(ip, kind=socket.SOCK_DGRAM):
    s = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET, kind)
    s.bind((ip, 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Workdir:
    """A temp folder removed on success and kept (path printed) on failure."""

    def __init__(self, name):
        self.path = tempfile.mkdtemp(prefix=f"dzvin-{name}-")

    def keep_or_remove(self, ok):
        if ok and os.environ.get("KEEP") != "1":
            shutil.rmtree(self.path, ignore_errors=True)
        else:
            print(f"logs kept in {self.path}", file=sys.stderr)


class Dzvin:
    """The real binary in demo mode (or serve with a config)."""

    def __init__(self, work, args, name="dzvin"):
        self.work = work
        self.log_path = os.path.join(work, f"{name}.log")
        self.out_path = os.path.join(work, f"{name}.out")
        # Tests run in parallel: the web server gets a free port unless the test chose one
        # (--http-listen, or an [http] section in its config).
        config = args[args.index("--config") + 1] if "--config" in args else None
        chose = "--http-listen" in args or (config and "[http]" in open(config).read())
        if not chose:
            args = args + ["--http-listen", f"127.0.0.1:{free_port('127.0.0.1', socket.SOCK_STREAM)}"]
        self.args = args
        self.proc = None
        self.stdout = ""
        self.listen = {}  # "udp" -> (ip, port)

    def start(self, timeout=20, expect_ready=True):
        self.out = open(self.out_path, "w")
        self.err = open(self.log_path, "w")
        self.proc = subprocess.Popen([DZVIN_BIN] + self.args, stdin=subprocess.DEVNULL,
                                     stdout=self.out, stderr=self.err)
        if not expect_ready:
            return self
        deadline = time.time() + timeout
        while time.time() < deadline:
            with open(self.out_path) as f:
                self.stdout = f.read()
            if "\nReady." in self.stdout or self.stdout.startswith("Ready."):
                break
            if self.proc.poll() is not None:
                raise TestFailure(f"dzvin exited with {self.proc.returncode}: "
                                  f"{open(self.log_path).read()[-2000:]}")
            time.sleep(0.05)
        else:
            raise TestFailure("dzvin did not print Ready. in time")
        for kind, ip, port in re.findall(r"SIP listening: (udp|tcp) \[?([0-9a-f.:]+?)\]?:(\d+)",
                                         self.stdout):
            self.listen.setdefault(kind, (ip, int(port)))
        return self

    def wait_exit(self, timeout=10):
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise TestFailure("dzvin did not exit in time")

    def stop(self, sig=signal.SIGTERM, timeout=10):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log(self):
        with open(self.log_path) as f:
            return f.read()


def run_cli(args, timeout=20):
    return subprocess.run([DZVIN_BIN] + args, capture_output=True, text=True, timeout=timeout)


def demo_credentials(data_dir):
    users = {}
    with open(os.path.join(data_dir, "demo-credentials.txt")) as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            user, password = line.split()[:2]
            users[user] = password
    return users


# ---------------------------------------------------------------- raw SIP over UDP

def sip_request(method, ruri, local, to_user="ping", from_user="e2e", extra="", body="",
                call_id=None, cseq=1, branch=None):
    ip, port = local
    call_id = call_id or uuid.uuid4().hex
    branch = branch or "z9hG4bK" + uuid.uuid4().hex[:16]
    host = f"[{ip}]" if ":" in ip else ip
    msg = (f"{method} {ruri} SIP/2.0\r\n"
           f"Via: SIP/2.0/UDP {host}:{port};branch={branch};rport\r\n"
           f"Max-Forwards: 70\r\n"
           f"From: <sip:{from_user}@{host}>;tag={uuid.uuid4().hex[:8]}\r\n"
           f"To: <sip:{to_user}@{host}>\r\n"
           f"Call-ID: {call_id}\r\n"
           f"CSeq: {cseq} {method}\r\n"
           f"{extra}"
           f"Content-Length: {len(body.encode())}\r\n\r\n{body}")
    return msg.encode()


class UdpClient:
    def __init__(self, ip="127.0.0.1"):
        self.sock = socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET,
                                  socket.SOCK_DGRAM)
        self.sock.bind((ip, 0))
        self.local = self.sock.getsockname()[:2]

    def send(self, data, dest):
        self.sock.sendto(data, dest)

    def recv(self, timeout=2.0):
        """Next datagram as text, or None at the deadline."""
        self.sock.settimeout(timeout)
        try:
            data, _ = self.sock.recvfrom(65535)
            return data.decode("utf-8", "replace")
        except socket.timeout:
            return None

    def transact(self, data, dest, timeout=3.0):
        """Sends a request and returns the first final (non-1xx) response text, retransmitting
        every 500 ms like a UDP client transaction."""
        deadline = time.time() + timeout
        next_send = 0.0
        while time.time() < deadline:
            if time.time() >= next_send:
                self.send(data, dest)
                next_send = time.time() + 0.5
            r = self.recv(min(0.5, max(0.01, deadline - time.time())))
            if r and not re.match(r"SIP/2\.0 1\d\d", r):
                return r
        return None

    def close(self):
        self.sock.close()


def status_of(response):
    m = re.match(r"SIP/2\.0 (\d{3}) ([^\r\n]*)", response or "")
    return (int(m.group(1)), m.group(2)) if m else (None, None)


class SmtpSink:
    """An aiosmtpd handler that keeps every message it receives: (recipients, bytes)."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"

    def received(self):
        with self.lock:
            return list(self.messages)


# ---------------------------------------------------------------- baresip

class Baresip:
    """One headless baresip instance driven over ctrl_tcp (see shared/guides/baresip.md)."""

    def __init__(self, work, name, ip, account_line, tone_hz=1000, extra_config="", sip_port=0):
        self.name, self.ip = name, ip
        self.dir = os.path.join(work, name)
        os.makedirs(os.path.join(self.dir, "rec"), exist_ok=True)
        self.ctrl_port = free_port(ip, socket.SOCK_STREAM)
        tone = os.path.join(self.dir, "tone.wav")
        subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", tone, "synth", "120",
                        "sine", str(tone_hz), "vol", "0.5"], check=True)
        with open(os.path.join(self.dir, "config"), "w") as f:
            f.write(f"""poll_method\tepoll
sip_listen\t{ip}:{sip_port}
net_interface\t{ip}
dns_server\t{ip}:9
audio_source\taufile,{tone}
audio_player\taufile,none
audio_alert\taufile,none
module_path\t/usr/lib/baresip/modules
module\tg711.so
module\taufile.so
module_tmp\taccount.so
module_app\tmenu.so
module_app\tctrl_tcp.so
ctrl_tcp_listen\t{ip}:{self.ctrl_port}
snd_path\t{self.dir}/rec
statmode_default\toff
{extra_config}""")
        with open(os.path.join(self.dir, "accounts"), "w") as f:
            f.write(account_line + "\n")
        self.log = open(os.path.join(self.dir, "baresip.log"), "w")
        self.proc = subprocess.Popen(["baresip", "-f", self.dir, "-t", "150"],
                                     stdin=subprocess.DEVNULL, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.sock, self.buf, self.events, self.n = None, b"", [], 0
        deadline = time.time() + 10
        while True:
            try:
                self.sock = socket.create_connection((ip, self.ctrl_port), timeout=1)
                break
            except OSError:
                if time.time() > deadline or self.proc.poll() is not None:
                    raise TestFailure(f"{name}: ctrl_tcp not up")
                time.sleep(0.1)

    def _read(self, until):
        while True:
            i = self.buf.find(b":")
            if i > 0:
                n = int(self.buf[:i])
                if len(self.buf) >= i + n + 2:
                    msg = json.loads(self.buf[i + 1:i + 1 + n])
                    self.buf = self.buf[i + n + 2:]
                    return msg
            left = until - time.time()
            if left <= 0:
                return None
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                return None
            if not chunk:
                raise TestFailure(f"{self.name}: ctrl_tcp closed")
            self.buf += chunk

    def cmd(self, command, params=None, timeout=5):
        self.n += 1
        tok = str(self.n)
        d = {"command": command, "token": tok}
        if params is not None:
            d["params"] = params
        b = json.dumps(d).encode()
        self.sock.sendall(str(len(b)).encode() + b":" + b + b",")
        until = time.time() + timeout
        while True:
            m = self._read(until)
            if m is None:
                raise TestFailure(f"{self.name}: no reply to {command}")
            if m.get("response") and m.get("token") == tok:
                return m
            if m.get("event"):
                self.events.append(m)

    def wait_event(self, types, timeout=15, fail_on=("CALL_CLOSED",)):
        """Waits for an event whose type is in `types`; a `fail_on` event first is a failure.
        Returns the event."""
        types = (types,) if isinstance(types, str) else tuple(types)
        until = time.time() + timeout
        while True:
            for i, e in enumerate(self.events):
                if e.get("type") in types:
                    return self.events.pop(i)
                if e.get("type") in fail_on:
                    self.events.pop(i)
                    raise TestFailure(f"{self.name}: {e.get('type')} ({e.get('param')}) "
                                      f"while waiting for {types}")
            m = self._read(until)
            if m is None:
                raise TestFailure(f"{self.name}: no {types} within {timeout} s; "
                                  f"events seen: {[e.get('type') for e in self.events]}")
            if m.get("event"):
                self.events.append(m)

    def recordings(self, kind="dec"):
        return sorted(glob.glob(os.path.join(self.dir, "rec", f"*-{kind}.wav")))

    def reginfo(self):
        return re.sub(r"\x1b\[[0-9;]*m", "", self.cmd("reginfo")["data"])

    def wait_registration(self, want_ok, timeout=10):
        """Polls reginfo until the account shows OK (want_ok) or ERR; returns the text."""
        until = time.time() + timeout
        data = ""
        while time.time() < until:
            data = self.reginfo()
            if want_ok and re.search(r"\sOK\s", data):
                return data
            if not want_ok and re.search(r"\sERR\s", data):
                return data
            time.sleep(0.2)
        raise TestFailure(f"{self.name}: registration state not {'OK' if want_ok else 'ERR'}: "
                          f"{data!r}")

    def quit(self, timeout=10):
        if self.proc.poll() is None:
            try:
                self.cmd("quit", timeout=1)
            except (TestFailure, OSError):
                pass
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def softphone(work, name, ip, user, password, server, tone_hz, answermode="manual",
              codecs="PCMU,PCMA"):
    """A baresip phone registered as `user` to dzvin at `server` (ip, port), playing a tone
    of `tone_hz` and recording what it receives (sndfile)."""
    return Baresip(work, name, ip,
                   f"<sip:{user}@{server[0]}:{server[1]}>;auth_pass={password};"
                   f"answermode={answermode};regint=600;audio_codecs={codecs}",
                   tone_hz=tone_hz, extra_config="module\tsndfile.so\n")


def customer(work, name, ip, number, server, sip_port=0):
    """A phone on the public network: no registration, its number in From (its calls reach
    dzvin through a trunk whose inbound addresses include `ip`)."""
    return Baresip(work, name, ip,
                   f"<sip:{number}@{server[0]}:{server[1]}>;regint=0;answermode=auto;"
                   f"audio_codecs=PCMU,PCMA", tone_hz=900, sip_port=sip_port)


def tone_seconds(path, hz):
    """Seconds of 100 ms blocks of an 8 kHz mono WAV where `hz` carries most of the energy
    (Goertzel), as in shared/guides/examples/baresip-call.sh."""
    with wave.open(path) as w:
        check(w.getframerate() == 8000 and w.getnchannels() == 1 and w.getsampwidth() == 2,
              f"{path}: not 8 kHz mono 16-bit")
        x = memoryview(w.readframes(w.getnframes())).cast("h")
    n, hit = 800, 0
    coef = 2 * math.cos(2 * math.pi * hz / 8000)
    for off in range(0, len(x) - n, n):
        s1 = s2 = e = 0.0
        for v in x[off:off + n]:
            s0 = v + coef * s1 - s2
            s2, s1 = s1, s0
            e += v * v
        power = s1 * s1 + s2 * s2 - coef * s1 * s2
        if e > 0 and power / (e * n / 2) > 0.5:
            hit += 1
    return hit / 10


def wait_for_calls(cfg, text, timeout=5, count=1):
    """`dzvin calls` output once `text` appears `count` times in it (the call record writer
    commits in batches); a TestFailure naming `text` otherwise."""
    def listing():
        out = run_cli(["calls", "--config", cfg]).stdout
        return out if out.count(text) >= count else None
    return wait_until(listing, timeout, f"no call record with {text!r} (x{count})")


def wait_until(predicate, timeout, message, interval=0.1):
    until = time.time() + timeout
    while time.time() < until:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TestFailure(message)


def local_today(zone):
    """Today's date in the time zone `zone` (a name); in its last five minutes, waits for
    tomorrow first, so that a test does not run across midnight."""
    import datetime
    from zoneinfo import ZoneInfo
    now = datetime.datetime.now(ZoneInfo(zone))
    if now.hour == 23 and now.minute >= 55:
        time.sleep((60 - now.minute) * 60 - now.second + 5)
        now = datetime.datetime.now(ZoneInfo(zone))
    return now.date()


def main(test_fn, name):
    """Runs one e2e test function with a work folder; prints PASS/FAIL, exits 0/1."""
    work = Workdir(name)
    ok = False
    try:
        test_fn(work.path)
        ok = True
    except TestFailure as e:
        print(f"FAIL: {e}", file=sys.stderr)
    finally:
        work.keep_or_remove(ok)
    print("PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


# ---------------------------------------------------------------- linphonec

class Linphonec:
    """linphonec (Debian linphone-cli) driven over a stdin pipe, as in
    shared/guides/linphonec.md: own HOME, own rc file, WAV files as the sound card. Every output
    line is kept (and written to DIR/linphonec.out); wait() scans new lines."""

    def __init__(self, work, name, ip, tone_hz):
        self.name, self.ip = name, ip
        self.dir = os.path.join(work, name)
        os.makedirs(os.path.join(self.dir, ".local", "share", "linphone"), exist_ok=True)
        self.tone = os.path.join(self.dir, "tone.wav")
        self.rec = os.path.join(self.dir, "rec.wav")
        subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", self.tone, "synth",
                        "120", "sine", str(tone_hz), "vol", "0.5"], check=True)
        sip_port = free_port(ip)
        rtp_port = free_port(ip) & ~1
        with open(os.path.join(self.dir, "linphonerc"), "w") as f:
            f.write(f"[sip]\nsip_port={sip_port}\nsip_tcp_port=-1\nsip_tls_port=-1\n"
                    f"bind_address={ip}\nipv6_migration_done=1\nuse_ipv6=0\n"
                    f"[rtp]\naudio_rtp_port={rtp_port}\nbind_address={ip}\n")
        self.proc = subprocess.Popen(
            ["linphonec", "-c", os.path.join(self.dir, "linphonerc"), "-d", "6", "-l",
             os.path.join(self.dir, "debug.log")],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            env=dict(os.environ, HOME=self.dir), cwd=self.dir, text=True, bufsize=1)
        self.lines, self.pos = [], 0
        out = open(os.path.join(self.dir, "linphonec.out"), "w")

        def reader():
            for line in self.proc.stdout:
                out.write(line)
                out.flush()
                self.lines.append(line.rstrip("\n"))
        threading.Thread(target=reader, daemon=True).start()
        self.send("soundcard use files")
        self.send(f"play {self.tone}")
        self.send(f"record {self.rec}")

    def send(self, command):
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def wait(self, regex, timeout=15):
        until, rx = time.time() + timeout, re.compile(regex)
        while time.time() < until:
            while self.pos < len(self.lines):
                self.pos += 1
                if rx.search(self.lines[self.pos - 1]):
                    return self.lines[self.pos - 1]
            time.sleep(0.05)
        raise TestFailure(f"{self.name}: no line matching {regex!r} within {timeout} s")

    def register(self, user, password, server, timeout=10):
        host, port = server
        self.send(f"register sip:{user}@{host}:{port} sip:{host}:{port} {password}")
        until = time.time() + timeout
        while True:
            self.send("status register")
            line = self.wait(r"registered|Password for", 3)
            if "Password for" in line:
                raise TestFailure(f"{self.name}: registration rejected ({line})")
            if "registered," in line:
                return line
            if time.time() > until:
                raise TestFailure(f"{self.name}: not registered: {line}")
            time.sleep(0.3)

    def quit(self, timeout=10):
        if self.proc.poll() is None:
            try:
                self.send("quit")
                self.proc.wait(timeout=timeout)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()


# ---------------------------------------------------------------- browser tests

BROWSER_SCRIPT = os.path.join(os.path.dirname(__file__), "web", "browser_test.mjs")


def run_browser(args, desk, log_path, timeout, script=BROWSER_SCRIPT):
    """Runs a browser script (node, tests/e2e/web/), answering its "@@..." requests with
    desk.handle(request); returns (exit code, output)."""
    proc = subprocess.Popen(["node", script] + args, cwd=os.path.join(os.path.dirname(__file__), "..", ".."),
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, bufsize=1)
    watchdog = threading.Timer(timeout, proc.kill)
    watchdog.start()
    output = []
    try:
        for line in proc.stdout:
            output.append(line)
            if line.startswith("@@"):
                answer = desk.handle(line[2:].strip())
                output.append(f"   -> {answer}\n")
                try:
                    proc.stdin.write(answer + "\n")
                    proc.stdin.flush()
                except BrokenPipeError:
                    break
        code = proc.wait()
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = "".join(output)
    with open(log_path, "w") as f:
        f.write(text)
    return code, text


class ApiClient:
    """A browser-like client: a cookie jar and the CSRF token from the login."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.csrf = None
        self.token = None

    def call(self, method, path, body=None, raw=None, csrf=True, headers=None):
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        h = {"Content-Type": "application/json"} if data is not None else {}
        if csrf and self.csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        if self.token:
            h["Authorization"] = "Bearer " + self.token
        h.update(headers or {})
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        opener = self.opener if not self.token else urllib.request.build_opener()
        try:
            with opener.open(req, timeout=10) as r:
                raw_body = r.read()
                if r.headers.get("Content-Type", "").startswith("application/json") and raw_body:
                    return r.status, json.loads(raw_body)
                return r.status, raw_body
        except urllib.error.HTTPError as e:
            text = e.read().decode()
            try:
                return e.code, json.loads(text)
            except ValueError:
                return e.code, text

    def login(self, email, password):
        status, body = self.call("POST", "/api/v1/auth/login", {"email": email, "password": password})
        check(status == 200, f"login {email}: {status} {body}")
        self.csrf = body["csrf_token"]
        return body
