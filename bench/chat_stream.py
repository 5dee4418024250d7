#!/usr/bin/env python3
"""The assistant's streamed answer through the real stack (lighttpd +
FastCGI workers) from a local fake model (tests/integration/fakes.py) that
writes 20 pieces 50 ms apart (about 1 s, a slow model's pace): the time to
the first words on the shopper's side (the first delta event) against the
time to the whole answer, streamed and as one JSON reply; and what the
stream costs with no model (retrieval answers, SSE vs JSON).
  python3 bench/chat_stream.py [REQUESTS]"""
import http.client
import json
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from fakes import FakeOpenAI  # noqa: E402
from stack import Stack  # noqa: E402

PIECES = ["Try [1], ", "it is ", "warm ", "and ", "soft. "] * 4


def ask(port, sse):
    """(seconds to the first delta, seconds to the end) of one answer."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    h = {"Host": "demo.localhost", "Content-Type": "application/json"}
    if sse:
        h["Accept"] = "text/event-stream"
    t0 = time.perf_counter()
    c.request("POST", "/api/chat", body=json.dumps({"message": "warm beanie"}), headers=h)
    r = c.getresponse()
    first = None
    if sse:
        while True:
            line = r.readline()
            if not line:
                break
            if first is None and line.startswith(b"event: delta"):
                first = time.perf_counter() - t0
    else:
        r.read()
        first = time.perf_counter() - t0
    end = time.perf_counter() - t0
    c.close()
    assert r.status == 200, r.status
    return first, end


def p50(xs):
    return statistics.median(xs) * 1000


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    fake = FakeOpenAI()
    s = Stack(workers=2, env={"STOREFRONT_AI_BASE_URL": fake.base, "STOREFRONT_OUTBOUND_PRIVATE": "1",
                              "STOREFRONT_CHAT_MONTHLY_TOKENS": "100000000",
                              "STOREFRONT_RATE_LIMITS": "chat:100000/60"})
    try:
        s.start()
        s.cli("demo")
        for sse in (True, False):
            firsts, ends = [], []
            for _ in range(n):
                fake.answers = [("paced", 0.05, PIECES)]
                f, e = ask(s.port, sse)
                firsts.append(f)
                ends.append(e)
            print("chat %s, model 20 pieces x 50 ms: first words p50 %.0f ms, whole answer p50 %.0f ms (%d answers)"
                  % ("streamed (SSE)" if sse else "as JSON", p50(firsts), p50(ends), n))
    finally:
        s.cleanup()
        fake.stop()
    s = Stack(workers=2, env={"STOREFRONT_RATE_LIMITS": "chat:100000/60"})
    try:
        s.start()
        s.cli("demo")
        for sse in (True, False):
            ends = [ask(s.port, sse)[1] for _ in range(n * 5)]
            print("chat without a model (retrieval), %s: p50 %.1f ms (%d answers)"
                  % ("SSE" if sse else "JSON", p50(ends), n * 5))
    finally:
        s.cleanup()


if __name__ == "__main__":
    main()
