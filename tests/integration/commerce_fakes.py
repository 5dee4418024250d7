"""Local fakes for what the store talks to: an SMTP sink, an HTTP
receiver for POS webhooks, and a Stripe-compatible payment API. Each binds
127.0.0.1 on a free port and runs in a thread of the test process."""
import json
import socketserver
import threading
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _SMTPHandler(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write((line + "\r\n").encode())

    def handle(self):
        sink = self.server.sink
        self.reply("220 sink ESMTP")
        mail_from, rcpt, data = None, [], None
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").rstrip("\r\n")
            up = cmd.upper()
            if up.startswith("EHLO"):
                self.wfile.write(b"250-sink\r\n250-8BITMIME\r\n250 SIZE 10000000\r\n")
            elif up.startswith("HELO"):
                self.reply("250 sink")
            elif up.startswith("MAIL FROM:"):
                if sink.fail_next > 0:
                    sink.fail_next -= 1
                    self.reply("451 try again later")
                    continue
                mail_from, rcpt = cmd[10:].strip(), []
                self.reply("250 ok")
            elif up.startswith("RCPT TO:"):
                rcpt.append(cmd[8:].strip().strip("<>"))
                self.reply("250 ok")
            elif up == "DATA":
                self.reply("354 go ahead")
                buf = []
                while True:
                    l = self.rfile.readline()
                    if not l or l in (b".\r\n", b".\n"):
                        break
                    if l.startswith(b".."):
                        l = l[1:]
                    buf.append(l)
                data = b"".join(buf).decode("utf-8", "replace")
                with sink.lock:
                    sink.messages.append({"from": mail_from, "to": rcpt, "data": data})
                self.reply("250 queued")
            elif up == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("250 ok")


class SMTPSink:
    def __init__(self):
        self.messages = []
        self.fail_next = 0
        self.lock = threading.Lock()
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _SMTPHandler)
        self.server.daemon_threads = True
        self.server.sink = self
        self.port = self.server.server_address[1]
        self.url = "smtp://127.0.0.1:%d" % self.port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *a):
        pass

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, out = self.server.owner.handle(self.path, dict(self.headers), body)
        data = json.dumps(out).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _HTTPFake:
    def __init__(self):
        self.requests = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.owner = self
        self.port = self.server.server_address[1]
        self.url = "http://127.0.0.1:%d" % self.port
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class WebhookReceiver(_HTTPFake):
    """Records POSTs; answers fail_next times with 503 first."""
    def __init__(self):
        super().__init__()
        self.fail_next = 0

    def handle(self, path, headers, body):
        with self.lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return 503, {"error": "busy"}
            self.requests.append({"path": path, "headers": headers, "body": body})
        return 200, {"ok": True}


class FakeStripe(_HTTPFake):
    """POST /v1/payment_intents (form-encoded) -> {id, client_secret, status}."""
    def __init__(self, key="sk_test_fake"):
        super().__init__()
        self.key = key
        self.tag = uuid.uuid4().hex[:8]
        self.intents = {}
        self.fail_next = 0      # answer this many requests with 500 first

    def handle(self, path, headers, body):
        with self.lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return 500, {"error": {"message": "gateway down (fake)"}}
        if headers.get("Authorization") != "Bearer " + self.key:
            return 401, {"error": {"message": "Invalid API Key"}}
        if path != "/v1/payment_intents":
            return 404, {"error": {"message": "no such endpoint"}}
        form = dict(urllib.parse.parse_qsl(body.decode()))
        idem = headers.get("Idempotency-Key")
        with self.lock:
            for pi in self.intents.values():
                if pi["idem"] == idem:
                    return 200, pi["obj"]
            pid = "pi_%s%d" % (self.tag, len(self.intents) + 1)   # unique across fakes, as the gateway's are
            obj = {"id": pid, "object": "payment_intent", "amount": int(form["amount"]), "currency": form["currency"],
                   "client_secret": pid + "_secret_x", "status": "requires_payment_method",
                   "metadata": {"order_id": form.get("metadata[order_id]")}}
            self.intents[pid] = {"idem": idem, "obj": obj}
            self.requests.append(form)
        return 200, obj
