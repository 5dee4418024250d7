"""The assistant's streamed answer through every web server the project
ships a config for (lighttpd, nginx, Apache with mod_proxy_fcgi, Caddy;
and shared hosting: Apache running the programs as plain CGI or under
mod_fcgid): the first events reach the shopper while the (fake) model
still holds the rest of its answer, so no server buffers the stream
whole."""
import os
import http.client
import json
import threading

import pytest

from fakes import FakeOpenAI
from stack import Stack
from webservers import SERVERS, ApacheCGI

AI_ENV = ("STOREFRONT_AI_BASE_URL", "STOREFRONT_OUTBOUND_PRIVATE")


class AssistantCGI(ApacheCGI):
    """ApacheCGI with the model's settings passed to the programs: SetEnv
    in .htaccess (CGI), FcgidInitialEnv (mod_fcgid, which also needs
    FcgidOutputBufferSize 0 in the server configuration to stream: without
    it this test fails)."""

    def write_config(self):
        super().write_config()
        env = self.stack.env
        with open(os.path.join(self.stack.www, ".htaccess"), "a") as f:
            f.write("".join("\nSetEnv %s %s" % (k, env[k]) for k in AI_ENV) + "\n")
        if self.fcgid:
            with open(os.path.join(self.dir, "apache2.conf"), "a") as f:
                f.write("".join("FcgidInitialEnv %s %s\n" % (k, env[k]) for k in AI_ENV))
                f.write("FcgidOutputBufferSize 0\n")


@pytest.fixture(scope="module")
def srv():
    fake = FakeOpenAI()
    s = Stack(workers=2, env={"STOREFRONT_AI_BASE_URL": fake.base, "STOREFRONT_OUTBOUND_PRIVATE": "1"})
    s.cache = s.env["STOREFRONT_PAGE_CACHE_DIR"] = s.dir + "/pages"
    started = []
    try:
        s.start()
        s.cli("demo")
        ports = {"lighttpd": s.port}
        for name, cls in sorted(SERVERS.items()):
            ws = cls(s).start()
            started.append(ws)
            ports[name] = ws.port
        s.www = os.path.join(s.dir, "www")
        for fcgid in (False, True):
            ws = AssistantCGI(s, fcgid=fcgid).start()
            started.append(ws)
            ports[ws.name] = ws.port
        yield s, fake, ports
    finally:
        for ws in started:
            ws.stop()
        s.cleanup()
        fake.stop()


def read_event(r):
    name = data = None
    while True:
        line = r.readline().decode()
        assert line, "the stream ended early"
        line = line.rstrip("\n")
        if not line and name:
            return name, json.loads(data)
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            data = line[6:]


@pytest.mark.parametrize("server", ["lighttpd"] + sorted(SERVERS) + ["apache-cgi", "apache-fcgid"])
def test_the_first_words_arrive_before_the_model_is_done(srv, server):
    s, fake, ports = srv
    gate = threading.Event()
    fake.answers = [("gate", ["The [1] is warm. "], gate, ["Enjoy!"])]
    c = http.client.HTTPConnection("127.0.0.1", ports[server], timeout=30)
    try:
        c.request("POST", "/api/chat", body=json.dumps({"message": "warm beanie"}),
                  headers={"Host": "demo.localhost", "Content-Type": "application/json",
                           "Accept": "text/event-stream", "Accept-Encoding": "gzip, br"})
        r = c.getresponse()
        assert r.status == 200 and r.getheader("Content-Type").startswith("text/event-stream"), r.read()[:300]
        assert r.getheader("Content-Encoding") is None          # compressed, it would be held back
        assert read_event(r)[0] == "meta"
        name, d = read_event(r)
        assert name == "delta" and d["text"].startswith("The Fireside Wool Beanie"), (name, d)
        assert not gate.is_set()
        gate.set()
        rest = []
        while not rest or rest[-1][0] != "done":
            rest.append(read_event(r))
        assert rest[-1][1]["answer"].endswith("is warm. Enjoy!"), rest
    finally:
        gate.set()
        c.close()
