"""`storefront vibe check` and `storefront vibe render`: the operator CLI
over the same sandbox and limits as the store (issue 3)."""
import json
import os
import subprocess
import tempfile

from stack import CLI


def vibe(*args, code=None, data=None, db=None, timeout=30):
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
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout)


def test_sorting_more_than_a_few_items_works_in_the_sandbox():
    # glibc's qsort made a system call (sysinfo) the first time it sorted
    # more than 1 KB: the seccomp filter killed every block that sorted ~50 items.
    code = ("function render() { var a = []; for (var i = 0; i < 500; i++) a.push((i * 7919) % 500);\n"
            "  a.sort(function (x, y) { return x - y; });\n"
            "  return '<p>' + a.slice(0, 3).join(',') + ' ' + a.length + '</p>'; }")
    p = vibe("render", "CODE", code=code)
    assert p.returncode == 0, p.stderr
    assert p.stdout == "<p>0,1,2 500</p>\n"
