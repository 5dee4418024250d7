#!/usr/bin/env python3
"""The HTTP half of `make bench` and its one summary table (DESIGN §9).

Over the real stack (lighttpd + spawn-fcgi pools, page cache on) with wrk
on 127.0.0.1, all in one run so the ratios compare like with like:
  - the page's bytes as a static file; the cached page sent by lighttpd
    (mod_magnet, no worker); the cached page answered by a worker; the
    minimal libfcgi program (bench/fcgi_floor.c) answering the same bytes
    from memory behind its own lighttpd (the FastCGI floor);
  - the uncached home page, and the same round-robin over 100 stores;
    product and collection pages (uncached); cart adds;
  - worker RSS before and after 100,000 requests;
  - a mixed soak (browse, cart, uncached pages, admin publishes, POS stock
    syncs at the same time): errors, percentiles, RSS, cache hit ratio.
The figures of the other benchmarks (render p50 in the worker, tenant
lookup, checkout) are read from their output files. The table compares
each figure with the previous run (bench/last-run.json, rewritten).
  budget.py --render FILE --tenants FILE --checkout FILE [--soak SECONDS]"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
from stack import Stack, free_port, wait_for  # noqa: E402

LAST = os.path.join(HERE, "last-run.json")
WRK_T, WRK_C = 2, 16


def wrk(url, host="demo.localhost", secs=4, script=None, conns=WRK_C, extra=()):
    cmd = ["wrk", "-t%d" % WRK_T, "-c%d" % conns, "-d%ds" % secs, "--latency", "-H", "Host: " + host]
    if script:
        cmd += ["-s", script]
    out = subprocess.run(cmd + list(extra) + [url], capture_output=True, text=True, timeout=secs + 60).stdout

    def ms(tok):
        m = re.match(r"([\d.]+)(us|ms|s)", tok)
        if not m:
            return None
        return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    res = {"rps": 0.0, "non2xx": 0, "errors": 0, "requests": 0, "raw": out}
    for line in out.splitlines():
        f = line.split()
        if line.startswith("Requests/sec:"):
            res["rps"] = float(f[1])
        elif "Non-2xx" in line:
            res["non2xx"] = int(f[-1])
        elif line.strip().startswith("Socket errors"):
            res["errors"] = sum(int(x.strip(",")) for x in re.findall(r"\d+,?", line.split(":", 1)[1]))
        elif "requests in" in line:
            res["requests"] = int(f[0])
        elif len(f) == 2 and f[0] in ("50%", "90%", "99%"):
            res["p" + f[0][:-1]] = ms(f[1])
    return res


def rss_kb(supervisor_pid):
    kids = subprocess.run(["pgrep", "-P", str(supervisor_pid)], capture_output=True, text=True).stdout.split()
    best = 0
    for k in kids:
        try:
            for line in open("/proc/%s/status" % k):
                if line.startswith("VmRSS"):
                    best = max(best, int(line.split()[1]))
        except OSError:
            pass
    return best


def lua(path, text):
    open(path, "w").write(text)
    return path


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--render")
    ap.add_argument("--tenants")
    ap.add_argument("--checkout")
    ap.add_argument("--soak", type=int, default=int(os.environ.get("BENCH_SOAK_SECONDS", "120")))
    ap.add_argument("--rss-requests", type=int, default=100000)
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="sf-bench-")
    htdocs = os.path.join(tmp, "htdocs")
    shutil.copytree(os.path.join(ROOT, "htdocs"), htdocs)
    limits = "login:100000/60,cart:100000000/60,checkout:100000000/60,verify:20/600,platform:600/60,publish:100000/60"
    s = Stack(workers=2, env={"STOREFRONT_MAX_REQUESTS": "0", "STOREFRONT_STORE_CPU_MS": "1000000000",
                              "STOREFRONT_RATE_LIMITS": limits, "SF_HTDOCS": htdocs})
    s.cache = os.path.join(s.dir, "pages")
    s.env["STOREFRONT_PAGE_CACHE_DIR"] = s.cache
    floor = None
    fig = {}
    try:
        s.start()
        s.cli("demo")
        tok = s.token("demo", "owner@demo.localhost")
        hosts = []
        for i in range(100):
            u = "rr%03d" % i
            s.cli("tenant", "create", u, "--name", "Store %d" % i)
            hosts.append(u + ".localhost")
        url = "http://127.0.0.1:%d" % s.port
        page = s.get("/").body
        open(os.path.join(htdocs, "page.html"), "wb").write(page)
        assert s.get("/").header("X-Cache") == "HIT-SERVER"
        fig["page_bytes"] = len(page)

        # The FastCGI floor: its own lighttpd and a pool of the same size.
        fdir = os.path.join(tmp, "floor")
        os.makedirs(fdir)
        fport = free_port()
        build = os.environ.get("BUILD", "build/rel")
        prog = os.path.join(ROOT, build, "bench", "fcgi_floor")
        sock = os.path.join(fdir, "floor.sock")
        fsup = subprocess.Popen(["spawn-fcgi", "-n", "-s", sock, "--", "/usr/bin/multiwatch", "-f", "2", "--",
                                 prog, os.path.join(htdocs, "page.html")], start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: os.path.exists(sock), "the floor's socket", 10)
        open(os.path.join(fdir, "lighttpd.conf"), "w").write(
            'server.modules = ( "mod_fastcgi" )\nserver.document-root = "%s"\nserver.bind = "127.0.0.1"\n'
            'server.port = %d\nserver.errorlog = "%s/error.log"\n'
            'fastcgi.server = ( "/" => (( "socket" => "%s", "check-local" => "disable" )) )\n'
            % (fdir, fport, fdir, sock))
        flight = subprocess.Popen(["lighttpd", "-D", "-f", os.path.join(fdir, "lighttpd.conf")],
                                  start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        floor = (fsup, flight)
        wait_for(lambda: subprocess.run(["curl", "-s", "-o", "/dev/null", "http://127.0.0.1:%d/" % fport]).returncode == 0,
                 "the floor's lighttpd", 10)

        print("== http: wrk -t%d -c%d on 127.0.0.1, a %d-byte page ==" % (WRK_T, WRK_C, len(page)))

        def show(label, r):
            print("  %-44s %10.0f req/s   p50 %7.2f ms%s" % (label, r["rps"], r.get("p50") or 0,
                  "   NON-2XX/ERR %d/%d" % (r["non2xx"], r["errors"]) if r["non2xx"] or r["errors"] else ""))
            return r
        wrk(url + "/?nc=warm", secs=1)
        fig["static"] = show("lighttpd static file (same bytes)", wrk(url + "/page.html"))
        fig["cached_server"] = show("cached page, sent by lighttpd (no worker)", wrk(url + "/"))
        fig["floor"] = show("minimal libfcgi program (FastCGI floor)", wrk("http://127.0.0.1:%d/" % fport))
        fig["cached_worker"] = show("cached page, answered by a worker", wrk(url + "/?utm_source=bench"))
        fig["uncached"] = show("uncached home page (6 blocks, sandbox)", wrk(url + "/?nc=1"))
        rr = lua(os.path.join(tmp, "rr.lua"), "local hosts = {%s}\nlocal i = 0\nrequest = function()\n"
                 "  i = i + 1\n  return wrk.format('GET', '/?nc=1', { Host = hosts[(i %% #hosts) + 1] })\nend\n"
                 % ",".join('"%s"' % h for h in hosts))
        fig["uncached_rr"] = show("uncached home, round-robin over 100 stores", wrk(url + "/", script=rr))
        fig["product"] = show("product page (uncached)", wrk(url + "/products/trailhead-rain-jacket?nc=1"))
        fig["collection"] = show("collection page (uncached)", wrk(url + "/collections/camp-kit?nc=1"))
        pid = s.sql("SELECT id FROM products WHERE tenant_id = 1 AND status = 'active' AND stock > 10 AND "
                    "id NOT IN (SELECT product_id FROM variants) ORDER BY id LIMIT 1")[0][0]
        cart = lua(os.path.join(tmp, "cart.lua"),
                   'wrk.method = "POST"\nwrk.body = \'{"productId": "%s", "quantity": 1}\'\n'
                   'wrk.headers["Content-Type"] = "application/json"\n' % pid)
        fig["cart_add"] = show("cart add (POST /api/cart/items)", wrk(url + "/api/cart/items", script=cart))

        # Worker RSS over 100,000 requests (workers never recycle here).
        sup = int(open(os.path.join(s.run, "storefront.pid")).read())
        before = rss_kb(sup)
        n = 0
        while n < a.rss_requests:
            left = a.rss_requests - n
            secs = max(2, min(30, int(left / max(fig["cached_worker"]["rps"], 1000)) + 1))
            n += wrk(url + "/?utm_source=rss", secs=secs)["requests"]
        n2 = wrk(url + "/?nc=rss", secs=8)["requests"]
        after = rss_kb(sup)
        fig["rss"] = {"before": before, "after": after, "requests": n + n2}
        print("  worker RSS: %d kB before, %d kB after %d requests (%d uncached)" % (before, after, n + n2, n2))

        # The soak: shoppers through lighttpd while the merchant edits,
        # publishes and the POS syncs stock.
        if a.soak > 0:
            slugs = [r[0] for r in s.sql("SELECT slug FROM products WHERE tenant_id = 1 AND status = 'active' ORDER BY id LIMIT 12")]
            paths = ["/", "/", "/", "/blog", "/products", "/collections/camp-kit", "/?nc=1", "/products?utm_source=soak"]
            paths += ["/products/" + x for x in slugs]
            mix = lua(os.path.join(tmp, "mix.lua"), """
local paths = {%s}
local i = 0
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) hits = 0; misses = 0; pages = 0; bad = 0 end
request = function()
  i = i + 1
  if i %% 10 == 0 then
    return wrk.format("POST", "/api/cart/items", { Host = "demo.localhost", ["Content-Type"] = "application/json" }, '{"productId": "%s", "quantity": 1}')
  end
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
response = function(status, headers, body)
  if status >= 400 then bad = bad + 1 end
  local x = headers["X-Cache"]
  if x ~= nil then
    pages = pages + 1
    if x == "HIT" or x == "HIT-SERVER" or x == "STALE" then hits = hits + 1 end
  end
end
function done(summary, latency, requests)
  local h, p, b = 0, 0, 0
  for _, t in ipairs(threads) do h = h + t:get("hits"); p = p + t:get("pages"); b = b + t:get("bad") end
  io.write(string.format("SOAK hits=%%d pages=%%d bad=%%d\\n", h, p, b))
end
""" % (",".join('"%s"' % p for p in paths), pid))
            stop = threading.Event()
            admin = {"ok": 0, "bad": 0}

            def merchant():
                r = s.post("/api/cms/pages", {"slug": "soak", "title": "Soak"}, token=tok)
                page_id = r.json()["id"]
                code = "function render() { return '<p>soak %d</p>'; }"
                blk = s.post("/api/cms/blocks", {"pageId": page_id, "type": "custom", "vibeCode": code % 0}, token=tok).json()
                k = 0
                while not stop.is_set():
                    k += 1
                    rs = [s.post("/api/cms/sync/inventory", {"items": [{"productId": str(pid), "adjust": 1}]}, token=tok)]
                    if k % 5 == 0:
                        r = s.put("/api/cms/blocks/%s" % blk["id"], {"vibeCode": code % k, "version": blk["version"]}, token=tok)
                        if r.status == 200:
                            blk = r.json()
                        rs += [r, s.post("/api/cms/pages/%s/publish" % page_id, {}, token=tok)]
                    for r in rs:
                        if r.status in (200, 201):
                            admin["ok"] += 1
                        else:
                            admin["bad"] += 1
                            admin.setdefault("statuses", {}).setdefault(r.status, 0)
                            admin["statuses"][r.status] += 1
                    stop.wait(0.3)
            th = threading.Thread(target=merchant)
            before = rss_kb(sup)
            th.start()
            r = wrk(url + "/", secs=a.soak, script=mix)
            stop.set()
            th.join()
            after = rss_kb(sup)
            m = re.search(r"SOAK hits=(\d+) pages=(\d+) bad=(\d+)", r["raw"])
            hits, pages, bad = (int(x) for x in m.groups()) if m else (0, 0, -1)
            fig["soak"] = {"seconds": a.soak, "rps": r["rps"], "p50": r.get("p50"), "p90": r.get("p90"),
                           "p99": r.get("p99"), "errors": r["errors"] + bad, "requests": r["requests"],
                           "hit_ratio": hits / pages if pages else 0, "rss_before": before, "rss_after": after,
                           "admin_ok": admin["ok"], "admin_bad": admin["bad"], "admin_statuses": admin.get("statuses", {})}
            print("  soak %ds: %d requests, %.0f req/s, p50 %.2f / p90 %.2f / p99 %.2f ms, errors %d, "
                  "cache hits %.1f%% of pages, admin writes %d ok / %d failed, RSS %d -> %d kB"
                  % (a.soak, r["requests"], r["rps"], r.get("p50") or 0, r.get("p90") or 0, r.get("p99") or 0,
                     fig["soak"]["errors"], 100 * fig["soak"]["hit_ratio"], admin["ok"], admin["bad"], before, after))
            if admin["bad"]:
                print("  admin write failures by status: %s" % admin.get("statuses"))
    finally:
        if floor:
            for p in floor:
                try:
                    os.killpg(p.pid, 15)
                    p.wait(10)
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    os.killpg(p.pid, 9)
        s.cleanup()
        shutil.rmtree(tmp, ignore_errors=True)
    table(fig, a)
    return 0


def read(path):
    try:
        return open(path).read() if path else ""
    except OSError:
        return ""


def table(fig, a):
    render = read(a.render)
    warm = re.search(r"sandboxed, same store\s+p50\s+([\d.]+) ms", render)
    fresh = re.search(r"sandboxed, fresh child\s+p50\s+([\d.]+) ms", render)
    tenants = read(a.tenants)
    flat = re.findall(r"(\d+) stores: ([\d.]+) us per lookup .*?([\d.]+)x the 10-store time", tenants)
    checkout = re.search(r"= ([\d.]+) orders/s", read(a.checkout))
    st = fig["static"]["rps"] or 1
    rows = []

    def row(name, value, ratio=None, target=None, ok=None, key=None):
        rows.append({"name": name, "value": value, "ratio": ratio, "target": target, "ok": ok, "key": key or name})
    r = fig["cached_server"]["rps"] / st
    row("cached page by lighttpd / static", "%.0f req/s" % fig["cached_server"]["rps"], r, ">= 0.9x", r >= 0.9)
    fl = fig["floor"]["rps"] or 1
    r = fig["cached_worker"]["rps"] / fl
    row("cached page by a worker / libfcgi floor", "%.0f req/s" % fig["cached_worker"]["rps"], r, ">= 0.8x", r >= 0.8)
    row("libfcgi floor / static", "%.0f req/s" % fl, fl / st, "(0.3x)", None)
    r = fig["uncached"]["rps"] / st
    row("uncached home / static", "%.0f req/s" % fig["uncached"]["rps"], r, ">= 0.04x", r >= 0.04)
    r = fig["uncached_rr"]["rps"] / st
    row("uncached home, 100 stores round-robin / static", "%.0f req/s" % fig["uncached_rr"]["rps"], r, ">= 0.04x", r >= 0.04)
    if warm:
        v = float(warm.group(1))
        row("render p50 in the worker, warm child", "%.2f ms" % v, None, "<= 1 ms", v <= 1.0)
    if fresh:
        v = float(fresh.group(1))
        row("render p50 in the worker, fresh child", "%.2f ms" % v, None, "<= 2 ms", v <= 2.0)
    row("product page (uncached)", "%.0f req/s" % fig["product"]["rps"], fig["product"]["rps"] / st, None, None)
    row("collection page (uncached)", "%.0f req/s" % fig["collection"]["rps"], fig["collection"]["rps"] / st, None, None)
    row("cart add", "%.0f req/s" % fig["cart_add"]["rps"], fig["cart_add"]["rps"] / st, None,
        fig["cart_add"]["non2xx"] == 0 and fig["cart_add"]["errors"] == 0)
    if checkout:
        v = float(checkout.group(1))
        row("checkout (stock check)", "%.0f orders/s" % v, None, ">= 500/s", v >= 500)
    rss = fig["rss"]
    row("worker RSS after %d requests" % rss["requests"], "%d -> %d kB" % (rss["before"], rss["after"]),
        None, "<= 16 MB, flat", rss["after"] <= 16384 and rss["after"] - rss["before"] <= 1024, key="worker RSS")
    if flat:
        big = flat[-1]
        v = float(big[2])
        row("tenant lookup %s stores / 10 stores" % big[0], "%s us" % big[1], v, "<= 1.2x", v <= 1.2, key="tenant lookup")
    if "soak" in fig:
        k = fig["soak"]
        row("soak %ds: shopper errors" % k["seconds"], "%d of %d" % (k["errors"], k["requests"]), None, "0",
            k["errors"] == 0, key="soak errors")
        row("soak: merchant/POS writes failed", "%d of %d" % (k["admin_bad"], k["admin_ok"] + k["admin_bad"]), None, "0",
            k["admin_bad"] == 0, key="soak admin errors")
        row("soak: p50 / p90 / p99", "%.2f / %.2f / %.2f ms" % (k["p50"] or 0, k["p90"] or 0, k["p99"] or 0), None, None, None,
            key="soak latency")
        row("soak: cache hit ratio (pages)", "%.1f%%" % (100 * k["hit_ratio"]), k["hit_ratio"], None, None, key="soak hits")
        row("soak: worker RSS", "%d -> %d kB" % (k["rss_before"], k["rss_after"]), None, "flat",
            k["rss_after"] - k["rss_before"] <= 1024, key="soak RSS")
    try:
        prev = {r["key"]: r for r in json.load(open(LAST))["rows"]}
    except (OSError, ValueError, KeyError):
        prev = {}
    print()
    print("== summary (ratios measured in this run; previous run from bench/last-run.json) ==")
    print("%-48s %22s %8s %10s %5s   %s" % ("figure", "value", "ratio", "target", "met", "previous"))
    for r in rows:
        p = prev.get(r["key"])
        was = ""
        if p:
            was = p["value"] + (" (%.3fx)" % p["ratio"] if p.get("ratio") is not None else "")
        print("%-48s %22s %8s %10s %5s   %s" % (r["name"][:48], r["value"], "%.3fx" % r["ratio"] if r["ratio"] is not None else "",
                                                r["target"] or "", {True: "yes", False: "NO", None: ""}[r["ok"]], was))
    json.dump({"when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "rows": rows}, open(LAST, "w"), indent=1)


if __name__ == "__main__":
    sys.exit(main())
