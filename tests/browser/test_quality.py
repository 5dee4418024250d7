"""Page quality of the demo store in chromium: no W3C Nu Html Checker
errors and no axe-core violations on the home page, a product, a
collection, the blog and a post (quality.mjs), and Lighthouse's
accessibility, SEO and best-practices scores (lighthouse.mjs).

KNOWN lists what other work in progress still fails, by page: the demo
theme's accent colour is under 4.5:1 on white (themes: axe/Lighthouse
color-contrast on / and /blog, where dates and badges use it), and every
page asks for a /favicon.ico that is not there yet (themes: Lighthouse's
errors-in-console on the first page it loads). Everything else must be
clean; when those land, empty KNOWN so the bar is 100 everywhere."""
import json
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from stack import Stack, wait_for  # noqa: E402

KNOWN_AXE = set()          # none: every page passes
KNOWN_LIGHTHOUSE = {}      # none: accessibility, SEO and best practices are 100


@pytest.fixture(scope="module")
def demo():
    s = Stack(workers=2)
    try:
        s.start()
        s.cli("demo")
        yield s
    finally:
        s.cleanup()


def node(stack, script, timeout, **env):
    p = subprocess.run(["node", os.path.join(HERE, script)], cwd=HERE, capture_output=True, text=True,
                       timeout=timeout, env=dict(os.environ, SF_PORT=str(stack.port), **env))
    lines = [json.loads(line) for line in p.stdout.splitlines() if line.startswith("{")]
    print(p.stdout)
    return p, lines


def test_html_valid_and_axe_clean(demo):
    p, pages = node(demo, "quality.mjs", 300, SF_KNOWN=",".join(sorted(KNOWN_AXE)))
    assert p.returncode == 0, p.stdout + p.stderr
    assert [x["page"] for x in pages] == ["/", "/products/trailhead-rain-jacket", "/collections/outerwear",
                                          "/blog", "/blog/layering-101"]
    for x in pages:
        assert x["vnu"] == [], x
        assert {a["id"] for a in x["axe"]} == set(x["known"]), x


def test_lighthouse_scores(demo):
    p, pages = node(demo, "lighthouse.mjs", 900)
    assert p.returncode == 0, p.stdout + p.stderr
    assert [x["page"] for x in pages] == ["/", "/products/trailhead-rain-jacket", "/blog"]
    for x in pages:
        for cat in ("accessibility", "seo", "best-practices"):
            known = KNOWN_LIGHTHOUSE.get((x["page"], cat), set())
            assert set(x["failing"][cat]) <= known, (x["page"], cat, x)
            if not known:
                assert x["scores"][cat] == 100, (x["page"], cat, x)
        assert not x.get("console"), x                   # no console errors (the favicon is served)


def test_beacon_counts_views_from_chromium(demo):
    """store.js's beacon, sent by chromium: views, visitors and devices land."""
    token = demo.token("demo", "owner@demo.localhost")
    before = demo.get("/api/cms/analytics/today", token=token).json()
    p, _ = node(demo, "beacon.mjs", 120)
    assert p.returncode == 0, p.stdout + p.stderr
    wait_for(lambda: demo.get("/api/cms/analytics/today", token=token).json()["views"] >= before["views"] + 3,
             "three views counted", 30)
    rep = demo.get("/api/cms/analytics", token=token).json()
    today = demo.get("/api/cms/analytics/today", token=token).json()
    assert today["visitors"] == before["visitors"] + 2                 # the desktop browser once, the phone once
    devices = {d["device"]: d["views"] for d in rep["devices"]}
    assert devices.get("desktop", 0) >= 2 and devices.get("mobile", 0) >= 1, rep
    assert any(x["path"] == "/blog" for x in rep["topPages"]), rep
    assert any(x["path"].startswith("/products/") for x in rep["topPages"]), rep
    assert not any(x["host"] == "demo.localhost" for x in rep["referrers"]), rep    # clicks inside the store
