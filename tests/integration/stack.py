"""The real stack for tests: a temporary database, spawn-fcgi + multiwatch
pools of the built programs, lighttpd on a free 127.0.0.1 port. Every
process started is stopped by its pid and the directory removed."""
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
import http.client

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
# SF_PROGRAM_DIR: run the programs of another build directory (make
# scan-check runs some tests against build/debug); stack.sh reads it too.
# (a directory relative to the repository root, or absolute).
PROGRAM_DIR = os.environ.get("SF_PROGRAM_DIR")
CLI = os.path.join(ROOT, PROGRAM_DIR, "storefront") if PROGRAM_DIR else os.path.join(ROOT, "bin", "storefront")
# The debug build (make DEBUG=1) logs every statement whose query plan
# scans a whole table; a stack's log or a CLI run showing one fails.
FULL_SCAN = "full scan ("


def wait_for(cond, what="condition", timeout=30.0):
    """cond()'s first truthy value, polled until timeout seconds have passed
    (then the test fails naming what it waited for)."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        assert time.monotonic() < deadline, "timed out waiting for " + what
        time.sleep(0.02)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body)

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def __repr__(self):
        return "<Response %d %s>" % (self.status, self.text[:300])


class Stack:
    def __init__(self, workers=2, env=None):
        self.dir = tempfile.mkdtemp(prefix="sf-test-")
        self.db = os.path.join(self.dir, "store.db")
        self.run = os.path.join(self.dir, "run")
        self.port = free_port()
        self.env = dict(os.environ, STOREFRONT_DB=self.db, **(env or {}))
        self.env.pop("STOREFRONT_CONF", None)
        self.env.setdefault("STOREFRONT_MEDIA_DIR", os.path.join(self.dir, "media"))
        self.workers = workers
        self.started = False

    # -- lifecycle
    def cli(self, *args, input=None, check=True):
        p = subprocess.run([CLI, "--db", self.db, *args], env=self.env, input=input,
                           capture_output=True, text=True, timeout=60)
        if check and p.returncode != 0:
            raise AssertionError("storefront %s failed: %s" % (" ".join(args), p.stderr))
        if FULL_SCAN in p.stderr:
            raise AssertionError("storefront %s: %s" % (" ".join(args), p.stderr))
        return p

    def start(self):
        self.cli("init")
        subprocess.run(["sh", os.path.join(ROOT, "scripts", "stack.sh"), "start", self.run,
                        str(self.port), str(self.workers)], env=self.env, check=True, timeout=30)
        self.started = True
        return self

    def stop(self):
        if self.started:
            subprocess.run(["sh", os.path.join(ROOT, "scripts", "stack.sh"), "stop", self.run],
                           env=self.env, timeout=30)
            self.started = False

    def worker_log(self):
        try:
            with open(os.path.join(self.run, "workers.log"), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def cleanup(self):
        self.stop()
        log = self.worker_log()
        shutil.rmtree(self.dir, ignore_errors=True)
        scans = [line for line in log.splitlines() if FULL_SCAN in line]
        assert not scans, "full table scans (debug build):\n" + "\n".join(scans[:20])

    # -- data
    def token(self, user, email):
        return self.cli("token", "create", user, email).stdout.strip()

    def tenant(self, username, name, email=None, password="correct-horse-battery", role="owner"):
        self.cli("tenant", "create", username, "--name", name)
        email = email or "owner@%s.test" % username
        self.cli("user", "add", username, email, "--role", role, input=password + "\n")
        return self.token(username, email)

    def sql(self, query, *params):
        import sqlite3
        con = sqlite3.connect(self.db, timeout=10)
        try:
            rows = con.execute(query, params).fetchall()
            con.commit()
            return rows
        finally:
            con.close()

    # -- HTTP
    def request(self, method, path, host="demo.localhost", body=None, headers=None, token=None,
                json_body=None, timeout=30):
        h = {"Host": host}
        if token:
            h["Authorization"] = "Bearer " + token
        if json_body is not None:
            body = json.dumps(json_body).encode()
            h["Content-Type"] = "application/json"
        if isinstance(body, str):
            body = body.encode()
        if method in ("POST", "PUT", "PATCH") and body is None:
            body = b""
        h.update(headers or {})
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            return Response(r.status, r.getheaders(), r.read())
        finally:
            c.close()

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, json_body=None, **kw):
        return self.request("POST", path, json_body=json_body, **kw)

    def put(self, path, json_body=None, **kw):
        return self.request("PUT", path, json_body=json_body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def raw(self, data, timeout=10):
        """Send raw bytes (for malformed requests) and return the reply."""
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        try:
            s.sendall(data)
            out = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                out += chunk
            return out
        finally:
            s.close()
