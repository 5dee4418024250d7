#!/usr/bin/env python3
"""Media upload: a 12-megapixel JPEG (4000 x 3000, a photo-like gradient
with noise) uploaded through the real stack (POST /api/cms/media, raw
body), timed from the request to the answer: the type and header checks,
the image helper (decode once, orientation, metadata stripped, full size
plus renditions at 320/640/1024/1600 in WebP and JPEG, each written
atomically), and the row. Also the helper's own share, and the answer
when the same bytes come again (the files are reused).
  python3 bench/media.py [RUNS]"""
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "integration"))
from stack import Stack  # noqa: E402


def photo(path, seed):
    """A 12 MP JPEG that compresses like a photo (gradient + noise)."""
    d = tempfile.mkdtemp(prefix="sf-bench-img-")
    try:
        run = lambda *a: subprocess.run(["vips", *a], check=True, capture_output=True)
        run("xyz", d + "/xy.v", "4000", "3000")
        run("linear", d + "/xy.v", d + "/g.v", "0.05 0.07", "10 %d" % (40 + seed), "--uchar")
        run("bandjoin_const", d + "/g.v", d + "/g3.v", "128")
        run("gaussnoise", d + "/n.v", "4000", "3000", "--sigma", "18")
        run("add", d + "/g3.v", d + "/n.v", d + "/gn.v")
        run("cast", d + "/gn.v", d + "/c.v", "uchar")
        run("jpegsave", d + "/c.v", path, "--Q", "90")
    finally:
        subprocess.run(["rm", "-rf", d])


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    s = Stack(workers=1)
    try:
        s.start()
        s.cli("demo")
        tok = s.token("demo", "owner@demo.localhost")
        times, sizes, stored = [], [], []
        for i in range(runs):
            p = os.path.join(s.dir, "photo%d.jpg" % i)
            photo(p, i)
            data = open(p, "rb").read()
            sizes.append(len(data))
            t0 = time.monotonic()
            r = s.request("POST", "/api/cms/media?filename=photo.jpg", body=data, token=tok,
                          headers={"Content-Type": "image/jpeg"}, timeout=300)
            times.append(time.monotonic() - t0)
            assert r.status == 201, r
            m = r.json()
            assert (m["width"], m["height"]) == (4000, 3000) and len(m["renditions"]) == 4, m
            stored.append(int(s.sql("SELECT stored_bytes FROM media WHERE id = ?", int(m["id"]))[0][0]))
        t0 = time.monotonic()
        r = s.request("POST", "/api/cms/media?filename=again.jpg", body=data, token=tok,
                      headers={"Content-Type": "image/jpeg"}, timeout=300)
        again = time.monotonic() - t0
        assert r.status == 201, r
        print("media upload, 12 MP JPEG (4000x3000, %.1f MB): p50 %.2f s, min %.2f s, max %.2f s over %d uploads"
              % (statistics.median(sizes) / 1e6, statistics.median(times), min(times), max(times), runs))
        print("  renditions 320/640/1024/1600 in WebP + JPEG and the stripped full size: %.1f MB written per upload"
              % (statistics.median(stored) / 1e6))
        print("  the same bytes again (files reused, no decoding): %.0f ms" % (again * 1000))
        # the image helper alone: wall clock and CPU (this machine is shared:
        # CPU time is the figure that does not move with its load)
        helper = os.path.join(HERE, "..", "bin", "storefront-image")
        walls, cpus = [], []
        for i in range(runs):
            out = os.path.join(s.dir, "h%d" % i)
            t0 = time.monotonic()
            pid = subprocess.Popen([helper, p, out, "jpeg", "50000000", "320,640,1024,1600"],
                                   stdout=subprocess.DEVNULL).pid
            _, status, ru = os.wait4(pid, 0)   # its JSON answer goes to our stdout: keep it quiet
            walls.append(time.monotonic() - t0)
            cpus.append(ru.ru_utime + ru.ru_stime)
            assert status == 0
        print("  image helper alone: p50 %.2f s wall, %.2f s CPU; load average %.1f"
              % (statistics.median(walls), statistics.median(cpus), os.getloadavg()[0]))
    finally:
        s.cleanup()


if __name__ == "__main__":
    main()
