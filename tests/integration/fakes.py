"""Small local stand-ins for the outside world of domain verification: an
HTTP server that serves /.well-known/tarpos-verify/ files per Host, and a
UDP DNS server that answers TXT queries from a dict. Both run in threads
on 127.0.0.1 and are stopped by the tests that start them."""
import socket
import struct
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeWeb:
    def __init__(self):
        self.files = {}      # (host, path) -> (status, body)
        fw = self

        class H(BaseHTTPRequestHandler):
            def do_GET(self):
                host = (self.headers.get("Host") or "").split(":")[0].lower()
                status, body = fw.files.get((host, self.path), (404, b"not here"))
                self.send_response(status)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *a):
                pass

        self.srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.srv.server_address[1]
        self.t = threading.Thread(target=self.srv.serve_forever, daemon=True)
        self.t.start()

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()


class FakeDNS:
    def __init__(self):
        self.txt = {}        # name -> [bytes values]
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.running = True
        self.t = threading.Thread(target=self.loop, daemon=True)
        self.t.start()

    def answer(self, q):
        i, labels = 12, []
        while q[i]:
            n = q[i]
            labels.append(q[i + 1:i + 1 + n].decode("ascii", "replace"))
            i += 1 + n
        qtype, _ = struct.unpack(">HH", q[i + 1:i + 5])
        question = q[12:i + 5]
        name = ".".join(labels).lower()
        vals = self.txt.get(name) if qtype == 16 else None
        rcode = 0 if name in self.txt else 3
        vals = vals or []
        out = q[:2] + struct.pack(">HHHHH", 0x8180 | rcode, 1, len(vals), 0, 0) + question
        for v in vals:
            out += b"\xc0\x0c" + struct.pack(">HHIH", 16, 1, 60, len(v) + 1) + bytes([len(v)]) + v
        return out

    def loop(self):
        self.sock.settimeout(0.2)
        while self.running:
            try:
                q, addr = self.sock.recvfrom(2048)
            except socket.timeout:
                continue
            except OSError:
                break
            try:
                self.sock.sendto(self.answer(q), addr)
            except Exception:
                pass

    def stop(self):
        self.running = False
        self.t.join(2)
        self.sock.close()


class FakeOpenAI:
    """An OpenAI-compatible API on 127.0.0.1 for the tests: POST
    /v1/chat/completions answers the next of `answers` (a string: the
    message content; ("status", code): that HTTP error; ("slow", seconds,
    content): answers late). A request with "stream": true is answered as
    OpenAI's server-sent events: a string in pieces of `piece` characters,
    ("pieces", [..]) in exactly those pieces, ("gate", [..], ev, [..]) the
    first pieces, then nothing until the test sets the threading.Event ev
    (or the caller hangs up: counted in `hangups`), then the rest (ev may be
    a name instead: POST /v1/test/open/NAME -- a browser test's script --
    sets gates[NAME]; ("paced", seconds, [..]) a piece every that many
    seconds -- the bench's model); `usage`
    (when not None) is reported as total_tokens at the end. POST /v1/embeddings answers vectors from
    `embed` (or 500 / late, see embed_fail and embed_delay); every request
    is recorded in `requests`."""

    # The fake embeddings model: a few concepts shoppers ask about, then
    # hashed words, so "keep my coffee hot" lands near mugs and bottles.
    CONCEPTS = [
        "warm winter insulated insulation fleece wool merino down cold beanie gloves mittens hat parka cosy warmth",
        "light lamp lantern headlamp flashlight torch glow lumen night dark",
        "rain waterproof storm dry drizzle wet shell jacket wind",
        "coffee mug hot drink drinks tea bottle soup cold",
        "cook cooking stove food kitchen boil meal outdoors",
        "compass map navigation way find lost",
        "sleep bag tent shelter camp sleeping",
        "boots shoes socks footwear feet",
        "gift present friend",
    ]

    @staticmethod
    def embed(text):
        import hashlib
        import re
        v = [0.0] * 64
        for w in re.findall(r"[a-z0-9]+", text.lower()):
            for i, c in enumerate(FakeOpenAI.CONCEPTS):
                if w in c.split():
                    v[i] += 1.0
            h = int(hashlib.md5(w.encode()).hexdigest(), 16)
            v[16 + h % 48] += 0.5
        return v

    def __init__(self):
        import json
        import time
        self.answers = []
        self.requests = []
        self.embed_fail = False     # True: /v1/embeddings answers 500
        self.embed_delay = 0        # seconds before it answers
        self.piece = 8              # characters per streamed piece of a plain string answer
        self.usage = None           # total_tokens reported at a stream's end
        self.hangups = 0            # streams whose caller hung up while held at a gate
        self.gates = {}             # name -> threading.Event, for ("gate", .., "name", ..)
        fo = self

        class H(BaseHTTPRequestHandler):
            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                if self.path.startswith("/v1/test/open/"):
                    self.rfile.read(n)
                    fo.gate(self.path[len("/v1/test/open/"):]).set()
                    self.send_response(204)
                    self.send_header("Access-Control-Allow-Origin", "*")
                    self.end_headers()
                    return
                body = json.loads(self.rfile.read(n) or b"{}")
                fo.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
                if self.path == "/v1/embeddings":
                    if fo.embed_delay:
                        time.sleep(fo.embed_delay)
                    if fo.embed_fail:
                        out, status = b'{"error":{"message":"down"}}', 500
                    else:
                        data = [{"object": "embedding", "index": i, "embedding": FakeOpenAI.embed(t)}
                                for i, t in enumerate(body.get("input") or [])]
                        out, status = json.dumps({"object": "list", "data": data, "model": body.get("model")}).encode(), 200
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(out)))
                    self.end_headers()
                    self.wfile.write(out)
                    return
                a = fo.answers.pop(0) if fo.answers else "```js\nfunction render() { return '<p>default</p>'; }\n```"
                if body.get("stream") and not (isinstance(a, tuple) and a[0] == "status"):
                    try:
                        self.stream(a)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                if isinstance(a, tuple) and a[0] == "status":
                    out, status = b'{"error":{"message":"nope"}}', a[1]
                else:
                    if isinstance(a, tuple) and a[0] == "slow":
                        time.sleep(a[1])
                        a = a[2]
                    out = json.dumps({"id": "chatcmpl-fake", "object": "chat.completion",
                                      "choices": [{"index": 0, "finish_reason": "stop",
                                                   "message": {"role": "assistant", "content": a}}]}).encode()
                    status = 200
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def event(self, obj):
                self.wfile.write(b"data: " + (obj if isinstance(obj, bytes) else json.dumps(obj).encode()) + b"\n\n")
                self.wfile.flush()

            def piece(self, text):
                self.event({"id": "chatcmpl-fake", "object": "chat.completion.chunk",
                            "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]})

            def hung_up(self):
                import select
                r, _, _ = select.select([self.connection], [], [], 0.05)
                return bool(r) and self.connection.recv(1, socket.MSG_PEEK) == b""

            def stream(self, a):
                self.close_connection = True
                if isinstance(a, tuple) and a[0] == "slow":
                    time.sleep(a[1])
                    a = a[2]
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                self.wfile.flush()
                self.wfile.write(b": fake stream\n\n")
                if isinstance(a, tuple) and a[0] == "gate":
                    for p in a[1]:
                        self.piece(p)
                    ev = fo.gate(a[2]) if isinstance(a[2], str) else a[2]
                    while not ev.wait(0.05):
                        if self.hung_up():
                            fo.hangups += 1
                            return
                    rest = a[3]
                elif isinstance(a, tuple) and a[0] == "pieces":
                    rest = a[1]
                elif isinstance(a, tuple) and a[0] == "paced":
                    for p in a[2]:
                        self.piece(p)
                        time.sleep(a[1])
                    rest = []
                else:
                    rest = [a[i:i + fo.piece] for i in range(0, len(a), fo.piece)]
                for p in rest:
                    self.piece(p)
                self.event({"id": "chatcmpl-fake", "object": "chat.completion.chunk",
                            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                if fo.usage is not None:
                    self.event({"id": "chatcmpl-fake", "object": "chat.completion.chunk", "choices": [],
                                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": fo.usage}})
                self.event(b"[DONE]")

            def log_message(self, *a):
                pass

        self.srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.srv.server_address[1]
        self.base = "http://127.0.0.1:%d/v1" % self.port
        self.t = threading.Thread(target=self.srv.serve_forever, daemon=True)
        self.t.start()

    def gate(self, name):
        return self.gates.setdefault(name, threading.Event())

    def stop(self):
        self.srv.shutdown()
        self.srv.server_close()
