"""`storefront vibe check` and `storefront vibe render`: the operator CLI
over the same sandbox and limits as the store (issue 3)."""
import json
import os
import re
import subprocess
import tempfile

from stack import CLI, Stack


def vibe(*args, code=None, data=None, db=None, timeout=30, env=None):
    """Run `storefront [--db DB] vibe ARGS...`; code/data are written to temp files."""
    with tempfile.TemporaryDirectory() as d:
        argv = [CLI] + (["--db", db] if db else []) + ["vibe"]
        for a in args:
            if a == "CODE":
                a = os.path.join(d, "block.js")
                with open(a, "w") as f:
                    f.write(code)
            elif a == "DATA":
                a = os.path.join(d, "data.json")
                with open(a, "w") as f:
                    f.write(data if isinstance(data, str) else json.dumps(data))
            argv.append(a)
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout,
                              env=dict(os.environ, **(env or {})))


def test_sorting_more_than_a_few_items_works_in_the_sandbox():
    # glibc's qsort made a system call (sysinfo) the first time it sorted
    # more than 1 KB: the seccomp filter killed every block that sorted ~50 items.
    code = ("function render() { var a = []; for (var i = 0; i < 500; i++) a.push((i * 7919) % 500);\n"
            "  a.sort(function (x, y) { return x - y; });\n"
            "  return '<p>' + a.slice(0, 3).join(',') + ' ' + a.length + '</p>'; }")
    p = vibe("render", "CODE", code=code)
    assert p.returncode == 0, p.stderr
    assert p.stdout == "<p>0,1,2 500</p>\n"


def test_local_time_dates_render_in_utc_or_the_stores_zone():
    # glibc's tzset stat'ed /etc/localtime under the seccomp filter: every
    # block using local-time Date died of a "forbidden system call".
    code = ("function render() {\n  const d = new Date(2026, 0, 2);\n"
            "  return [d.getHours(), String(new Date(0)), new Date(0).toLocaleString()].join('|');\n}\n")
    p = vibe("render", "CODE", code=code)
    assert (p.returncode, p.stdout) == (0, "0|1970-01-01T00:00:00.000Z|1970-01-01T00:00:00.000Z\n"), p.stderr
    s = Stack()
    try:
        s.cli("init")
        s.cli("demo")
        s.sql("INSERT INTO commerce_settings(tenant_id, settings_json, updated_at) "
              "SELECT id, '{\"timeZone\":\"Asia/Kolkata\"}', 0 FROM tenants WHERE username = 'demo' "
              "ON CONFLICT(tenant_id) DO UPDATE SET settings_json = excluded.settings_json")
        p = vibe("render", "CODE", "--tenant", "demo", code=code, db=s.db)   # +05:30, no summer time
        assert (p.returncode, p.stdout) == (0, "0|1970-01-01T05:30:00.000+05:30|1970-01-01T05:30:00.000+05:30\n"), \
            p.stderr
    finally:
        s.cleanup()


SHOW = "function render(storefront, products) {\n  return `<p>${storefront.name}|${products.length}|${storefront.currency}</p>`;\n}\n"


def test_check_prints_the_validation_result_and_exits_1_when_invalid():
    p = vibe("check", "CODE", code=SHOW)
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout) == {"isValid": True, "errors": [], "warnings": [], "securityIssues": []}
    p = vibe("check", "CODE", code="function render(prodcts) {\n  return eval('1');\n}\n")
    assert p.returncode == 1
    r = json.loads(p.stdout)
    assert r["isValid"] is False
    assert (r["errors"][0]["line"], r["errors"][0]["column"]) == (1, 17)
    assert "known inputs: storefront, products" in r["errors"][0]["message"]
    assert (r["securityIssues"][0]["line"], r["securityIssues"][0]["column"]) == (2, 10)
    # the dry run is part of the check
    p = vibe("check", "CODE", code="function render() {\n  return 42;\n}\n")
    assert p.returncode == 1 and json.loads(p.stdout)["errors"][0]["kind"] == "type"
    p = vibe("check", "CODE", "--data", "DATA", code=SHOW, data={})
    assert p.returncode == 1 and "vibe check takes only FILE" in p.stderr


def test_render_uses_sample_data_then_data_json_then_the_store():
    p = vibe("render", "CODE", code=SHOW)
    assert (p.returncode, p.stdout) == (0, "<p>Sample Store|8|USD</p>\n"), p.stderr
    given = {"storefront": {"name": "Given <b>", "currency": "EUR"}}
    p = vibe("render", "CODE", "--data", "DATA", code=SHOW, data=given)
    assert (p.returncode, p.stdout) == (0, "<p>Given <b>|8|EUR</p>\n"), p.stderr  # products still sampled
    s = Stack()
    try:
        s.cli("init")
        s.cli("demo")
        p = vibe("render", "CODE", "--tenant", "demo", code=SHOW, db=s.db)
        assert (p.returncode, p.stdout) == (0, "<p>Demo Outfitters|24|USD</p>\n"), p.stderr
        p = vibe("render", "CODE", "--tenant", "demo", "--data", "DATA", code=SHOW, data=given, db=s.db)
        assert (p.returncode, p.stdout) == (0, "<p>Given <b>|24|EUR</p>\n"), p.stderr  # DATA.json wins
        p = vibe("render", "CODE", "--tenant", "nosuch", code=SHOW, db=s.db)
        assert p.returncode == 1 and "no store 'nosuch'" in p.stderr
        # the store's real data, through the same API the live page has
        api = "function render(api) {\n  return api.getProducts({ sort: 'price-desc', limit: 2 }).map(p => p.slug).join();\n}\n"
        p = vibe("render", "CODE", "--tenant", "demo", code=api, db=s.db)
        top = s.sql("SELECT p.slug FROM products p JOIN tenants t ON t.id = p.tenant_id WHERE t.username = 'demo' "
                    "ORDER BY p.price DESC, p.position LIMIT 2")
        assert p.returncode == 0 and p.stdout == ",".join(r[0] for r in top) + "\n", p.stderr
    finally:
        s.cleanup()


def test_render_errors_name_the_line_kind_and_exit_1():
    cases = [
        ("function render(products) {\n  const x = null;\n  return `${x.y}`;\n}\n", 3, "runtime", "TypeError"),
        ("function render() {\n  return [1];\n}\n", 1, "type", "render returned object, not a string"),
        ("function render() {\n  while (true) {}\n}\n", 0, "cpu", "50 ms of CPU time"),
        ("function render() {\n  let s = 'x';\n  for (;;) s += s;\n}\n", 0, "memory", "16777216 bytes"),
        ("function render() {\n  return 'x'.repeat(1048577);\n}\n", 1, "output", "1048577 bytes of HTML"),
        ("function render() {\n  return `x;\n}\n", 2, "syntax", "unterminated template literal"),
        ("function render() {\n  return eval('1');\n}\n", 2, "security", "eval is not allowed"),
    ]
    for code, line, kind, words in cases:
        # only the runaway meets the CPU limit: the others get room to meet
        # their own (memory, output) on a slow or sanitized build
        p = vibe("render", "CODE", code=code, env=None if kind == "cpu" else {"STOREFRONT_VIBE_CPU_MS": "3000"})
        assert p.returncode == 1 and p.stdout == "", (code, p.stdout)
        m = re.match(r"storefront: .*block\.js: line (\d+), column \d+: (\w+): (.*)\n$", p.stderr)
        assert m, p.stderr
        assert (int(m.group(1)), m.group(2)) == (line, kind) or (kind == "cpu" and m.group(2) == "time"), p.stderr
        assert words in m.group(3) or kind == "cpu", p.stderr


def test_render_honours_the_configured_limits():
    code = "function render() {\n  return 'x'.repeat(2000);\n}\n"
    env_small = dict(os.environ, STOREFRONT_VIBE_OUTPUT="1000")
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "b.js")
        with open(path, "w") as f:
            f.write(code)
        p = subprocess.run([CLI, "vibe", "render", path], capture_output=True, text=True, env=env_small, timeout=30)
        assert p.returncode == 1 and "output: block returned 2000 bytes of HTML; the limit is 1000" in p.stderr
        p = subprocess.run([CLI, "vibe", "render", path], capture_output=True, text=True, timeout=30)
        assert p.returncode == 0 and len(p.stdout) == 2001


def test_usage_and_bad_arguments():
    p = subprocess.run([CLI, "vibe", "--help"], capture_output=True, text=True)
    assert p.returncode == 0 and "usage: storefront vibe check FILE" in p.stdout
    for args, words in [(["vibe"], "usage"), (["vibe", "bogus", "x.js"], "usage"),
                        (["vibe", "render", "/nonexistent/x.js"], "cannot read /nonexistent/x.js")]:
        p = subprocess.run([CLI, *args], capture_output=True, text=True)
        assert p.returncode != 0 and words in p.stderr, (args, p.stderr)
    p = vibe("render", "CODE", "--frob", code=SHOW)
    assert p.returncode == 1 and "unexpected argument --frob" in p.stderr
    for data in ("[1]", "{not json"):
        p = vibe("render", "CODE", "--data", "DATA", code=SHOW, data=data)
        assert p.returncode == 1 and "not a JSON object of inputs by name" in p.stderr
