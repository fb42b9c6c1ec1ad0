"""The live event stream against the running binary (web/REST issue: GET /api/v1/events as a
WebSocket): the admin from the config logs in and opens the stream with the session cookie;
two baresip phones register (registration.changed), 1001 calls 2001, who answers, and 1001
hangs up: the admin gets call.started, call.ringing (naming 2001), call.answered and
call.ended in that order; 2001 (a manager) gets the ringing, answered and ended of their own
call. Reconnecting with the last id gets nothing twice; resuming from call.started gets
exactly the rest, with the same ids. No cookie → 401, a foreign Origin → 403, a plain GET →
426. Standard library only: the WebSocket client below is RFC 6455 in a few lines."""
import base64
import hashlib
import http.cookiejar
import json
import os
import socket
import struct
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(__file__))
from dzvin_e2e import (Dzvin, TestFailure, check, free_port, main, softphone)

SERVER_IP = "127.0.0.2"
WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def write_config(path, data, port, http_port):
    with open(path, "w") as f:
        f.write(f'''[server]
data_dir = "{data}"

[sip]
listen = ["udp:{SERVER_IP}:{port}"]

[http]
listen = "{SERVER_IP}:{http_port}"

[company]
name = "Events Test"
sip_domain = "events.test"

[[company.users]]
username = "1001"
password = "pw-1001-secret"
email = "admin@events.test"
role = "admin"
web_password = "admin-web-secret"

[[company.users]]
username = "2001"
password = "pw-2001-secret"
email = "olena@events.test"
role = "manager"
web_password = "olena-web-secret"
''')


def login(base, email, password):
    """The session cookie's value after POST /api/v1/auth/login."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    req = urllib.request.Request(base + "/api/v1/auth/login", method="POST",
                                 data=json.dumps({"email": email, "password": password}).encode(),
                                 headers={"Content-Type": "application/json"})
    with opener.open(req, timeout=10) as r:
        check(r.status == 200, f"login {email}: {r.status}")
    cookies = {c.name: c.value for c in jar}
    check("dzvin_session" in cookies, f"login {email}: no session cookie")
    return cookies["dzvin_session"]


class WebSocket:
    """A minimal RFC 6455 client: the handshake, reading (unmasked) server frames with
    fragments joined, answering pings, and masked client frames for pong and close."""

    def __init__(self, host, port, target, headers=None):
        self.sock = socket.create_connection((host, port), timeout=10)
        self.buf = b""
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [f"GET {target} HTTP/1.1", f"Host: {host}:{port}", "Upgrade: websocket",
                 "Connection: Upgrade", "Sec-WebSocket-Version: 13", f"Sec-WebSocket-Key: {key}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        while b"\r\n\r\n" not in self.buf:
            self._fill()
        head, self.buf = self.buf.split(b"\r\n\r\n", 1)
        head = head.decode()
        self.status = int(head.split(" ", 2)[1])
        self.headers = {}
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        if self.status == 101:
            accept = base64.b64encode(hashlib.sha1((key + WS_GUID).encode()).digest()).decode()
            check(self.headers.get("sec-websocket-accept") == accept,
                  f"Sec-WebSocket-Accept {self.headers.get('sec-websocket-accept')} != {accept}")
        else:
            length = int(self.headers.get("content-length", "0"))
            while len(self.buf) < length:
                self._fill()
            self.body = self.buf[:length].decode()

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise EOFError("connection closed")
        self.buf += chunk

    def _take(self, n):
        while len(self.buf) < n:
            self._fill()
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def _send_frame(self, opcode, payload=b""):
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
        self.sock.sendall(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)

    def _frame(self):
        b0, b1 = self._take(2)
        check(not b1 & 0x80, "the server masked a frame")
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._take(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._take(8))[0]
        return bool(b0 & 0x80), b0 & 0x0F, self._take(n)

    def message(self, timeout):
        """The next text message as JSON; None when nothing comes within `timeout` seconds.
        A close frame raises EOFError with its code."""
        self.sock.settimeout(timeout)
        parts, opcode = [], None
        try:
            while True:
                fin, op, payload = self._frame()
                if op == 9:
                    self._send_frame(10, payload)
                    continue
                if op == 10:
                    continue
                if op == 8:
                    code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else None
                    raise EOFError(f"closed by the server: {code}")
                opcode = op if opcode is None else opcode
                parts.append(payload)
                if fin:
                    check(opcode == 1, f"a non-text message (opcode {opcode})")
                    return json.loads(b"".join(parts))
        except socket.timeout:
            return None

    def messages_until(self, predicate, timeout):
        """Messages up to and including the first that satisfies `predicate`."""
        until = time.time() + timeout
        seen = []
        while True:
            left = until - time.time()
            m = self.message(left) if left > 0 else None
            if m is None:
                raise TestFailure(f"no matching event within {timeout} s; got {seen}")
            seen.append(m)
            if predicate(m):
                return seen

    def close(self):
        try:
            self._send_frame(8, struct.pack("!H", 1000))
            self.sock.settimeout(2)
            while True:  # the server answers the close and ends the connection
                self._frame()
        except (EOFError, OSError, TestFailure):
            pass
        self.sock.close()


def test(work):
    data = os.path.join(work, "data")
    port = free_port(SERVER_IP)
    http_port = free_port(SERVER_IP, socket.SOCK_STREAM)
    cfg = os.path.join(work, "dzvin.toml")
    write_config(cfg, data, port, http_port)
    dz = Dzvin(work, ["serve", "--config", cfg]).start()
    base = f"http://{SERVER_IP}:{http_port}"
    origin = {"Origin": base}
    phones, sockets = [], []
    try:
        server = dz.listen["udp"]

        def open_stream(query="", headers=None):
            ws = WebSocket(SERVER_IP, http_port, "/api/v1/events" + query, headers)
            sockets.append(ws)
            return ws

        # Refusals before the upgrade.
        ws = open_stream()
        check(ws.status == 401, f"without a cookie: {ws.status}")
        admin_cookie = login(base, "admin@events.test", "admin-web-secret")
        olena_cookie = login(base, "olena@events.test", "olena-web-secret")
        ws = open_stream(headers={"Cookie": f"dzvin_session={admin_cookie}",
                                  "Origin": "http://evil.example"})
        check(ws.status == 403, f"a foreign Origin: {ws.status}")
        with socket.create_connection((SERVER_IP, http_port), timeout=5) as s:
            s.sendall(f"GET /api/v1/events HTTP/1.1\r\nHost: {SERVER_IP}\r\n\r\n".encode())
            answer = s.recv(4096).decode()
            check(answer.startswith("HTTP/1.1 426"), f"a plain GET: {answer[:40]!r}")

        admin = open_stream(headers=dict(origin, Cookie=f"dzvin_session={admin_cookie}"))
        check(admin.status == 101, f"admin upgrade: {admin.status}")
        olena = open_stream(headers=dict(origin, Cookie=f"dzvin_session={olena_cookie}"))
        check(olena.status == 101, f"manager upgrade: {olena.status}")

        caller = softphone(work, "caller", "127.0.0.3", "1001", "pw-1001-secret", server, 900)
        callee = softphone(work, "callee", "127.0.0.4", "2001", "pw-2001-secret", server, 1600)
        phones += [caller, callee]
        for p in phones:
            p.wait_registration(want_ok=True)
        registered = set()
        while registered != {"1001", "2001"}:
            m = admin.messages_until(lambda e: e["type"] == "registration.changed", 10)[-1]
            check(m["state"] == "registered" and m["aor"] == f"{m['user']}@events.test",
                  f"registration event: {m}")
            registered.add(m["user"])

        caller.cmd("dial", f"sip:2001@{server[0]}:{server[1]}")
        callee.wait_event("CALL_INCOMING")
        callee.cmd("accept")
        callee.wait_event("CALL_ESTABLISHED")
        time.sleep(1)
        caller.cmd("hangup")
        caller.wait_event("CALL_CLOSED", fail_on=())
        callee.wait_event("CALL_CLOSED", fail_on=())

        got = admin.messages_until(lambda e: e["type"] == "call.ended", 10)
        calls = [e for e in got if e["type"].startswith("call.")]
        types = [e["type"] for e in calls]
        check(types == ["call.started", "call.ringing", "call.answered", "call.ended"],
              f"the admin's call events: {types}")
        ids = [e["id"] for e in got]
        check(ids == sorted(ids) and len(set(ids)) == len(ids), f"ids not increasing: {ids}")
        call_id = calls[0]["call_id"]
        check(call_id and all(e["call_id"] == call_id for e in calls), f"call ids: {calls}")
        started, ringing, answered, ended = calls
        check(started["caller"] == "1001" and started["called"] == "2001", f"{started}")
        check("2001" in ringing["users"] and ringing["user"] == "2001" and
              ringing["target"] == "2001@events.test", f"ringing: {ringing}")
        check(answered["user"] == "2001", f"answered: {answered}")
        check(ended["outcome"].startswith("answered") and set(ended["users"]) == {"1001", "2001"},
              f"ended: {ended}")

        # The callee, a manager, hears of the call from the moment it rings them (its start
        # named only the caller), and not of 1001's registration.
        mine = olena.messages_until(lambda e: e["type"] == "call.ended", 10)
        my_calls = [e for e in mine if e["type"].startswith("call.")]
        check([e["type"] for e in my_calls] == ["call.ringing", "call.answered", "call.ended"],
              f"the manager's events: {mine}")
        check([e["id"] for e in my_calls] == [e["id"] for e in calls[1:]],
              "the manager's ids differ from the admin's")
        check([e.get("user") for e in mine if e["type"] == "registration.changed"] == ["2001"],
              f"the manager's registrations: {mine}")

        # Resume: from the last id nothing comes twice; from call.started exactly the rest.
        last = got[-1]["id"]
        admin.close()
        again = open_stream(f"?last_event_id={last}",
                            dict(origin, Cookie=f"dzvin_session={admin_cookie}"))
        check(again.status == 101, f"reconnect: {again.status}")
        extra = again.message(1.5)
        check(extra is None or extra["id"] > last, f"an event came twice: {extra}")
        again.close()
        resumed = open_stream(headers=dict(origin, Cookie=f"dzvin_session={admin_cookie}",
                                           **{"Last-Event-ID": str(started["id"])}))
        check(resumed.status == 101, f"resume: {resumed.status}")
        rest = resumed.messages_until(lambda e: e["type"] == "call.ended", 5)
        check([(e["id"], e["type"]) for e in rest] ==
              [(e["id"], e["type"]) for e in got if e["id"] > started["id"]],
              f"resumed: {rest}")
        resumed.close()
        # An id of an earlier run is answered with the resync marker.
        stale = open_stream("?last_event_id=1", dict(origin, Cookie=f"dzvin_session={admin_cookie}"))
        marker = stale.message(5)
        check(marker and marker["type"] == "resync" and marker["id"] >= last, f"stale id: {marker}")
        stale.close()
    finally:
        for ws in sockets:
            try:
                ws.sock.close()
            except OSError:
                pass
        for p in phones:
            p.quit(timeout=5)
        dz.stop()


if __name__ == "__main__":
    main(test, "events_baresip")
