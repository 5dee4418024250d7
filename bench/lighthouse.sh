#!/bin/sh
# bench/lighthouse.sh: Lighthouse's performance score (0-100; the issue's
# goal is at least 95) for the demo store's home, a product and the blog,
# on a real stack in Debian's chromium. It moves with the machine's load,
# hence here and not in a test (tests/browser/test_quality.py asserts the
# accessibility, SEO and best-practices scores).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
if ! command -v node >/dev/null 2>&1 || [ ! -x /usr/bin/chromium ]; then
	echo "(skipped: needs node and chromium; sh scripts/deps.sh test)"
	exit 0
fi
sh "$root/tests/browser/run.sh"
/usr/bin/python3 - "$root" <<'PY'
import json, os, subprocess, sys
root = sys.argv[1]
sys.path.insert(0, os.path.join(root, "tests", "integration"))
from stack import Stack
s = Stack(workers=2)
try:
    s.start()
    s.cli("demo")
    p = subprocess.run(["node", os.path.join(root, "tests", "browser", "lighthouse.mjs")], capture_output=True,
                       text=True, timeout=900, env=dict(os.environ, SF_PORT=str(s.port)))
    for line in p.stdout.splitlines():
        if line.startswith("{"):
            x = json.loads(line)
            sc = x.get("scores", {})
            print("%-34s performance %3s   (accessibility %s, SEO %s, best practices %s)" % (
                x["page"], sc.get("performance"), sc.get("accessibility"), sc.get("seo"), sc.get("best-practices")))
    if p.returncode:
        print("lighthouse failed:", p.stderr[-2000:])
finally:
    s.cleanup()
PY
