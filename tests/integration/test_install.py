"""Building and installing, in copies of the tree's tracked files (the
tree itself is never rebuilt or installed from): the user's CFLAGS keep
the required flags, -Werror only in a git checkout, header dependencies,
a missing library named with its package, `make install` / `make
uninstall` with only tracked files, and installed programs that find
SYSCONFDIR/storefront.conf and STATEDIR/storefront.db."""
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from stack import ROOT

# The user's flags for every build in the copy (changing them rebuilds all).
USER = ["CFLAGS=-O1"]


def clean_env():
    """No make or Storefront settings of the outer run (make test SAN=1
    exports SAN; a sub-make would pick up MAKEFLAGS)."""
    drop = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "SAN", "DEBUG", "BUILD", "CFLAGS",
            "CPPFLAGS", "LDFLAGS", "LDLIBS", "WERROR", "PREFIX", "DESTDIR", "SYSCONFDIR", "STATEDIR",
            "PKG_CONFIG", "SF_PROGRAM_DIR"}
    return {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("STOREFRONT_")}


def tracked(*paths):
    out = subprocess.run(["git", "ls-files", "-z", "--", *paths], cwd=ROOT, capture_output=True,
                         check=True).stdout.decode()
    return [f for f in out.split("\0") if f and os.path.isfile(os.path.join(ROOT, f))]


def copy_tree(dest):
    """The tracked files as they are in the work tree: a release tarball."""
    for f in tracked():
        os.makedirs(os.path.dirname(os.path.join(dest, f)), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, f), os.path.join(dest, f))


def make(cwd, *args, check=True, timeout=600):
    p = subprocess.run(["make", "--no-print-directory", *args], cwd=cwd, env=clean_env(),
                       capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise AssertionError("make %s failed (%d):\n%s\n%s" % (" ".join(args), p.returncode, p.stdout[-3000:],
                                                                 p.stderr[-3000:]))
    return p


def compiled(out):
    """The sources a make run compiled (its `  CC      src/x.c` lines)."""
    return set(re.findall(r"^  CC +src/(\S+)\.c$", out, re.M))


def files_under(top):
    found = set()
    for d, _, names in os.walk(top):
        for n in names:
            found.add(os.path.relpath(os.path.join(d, n), top))
    return found


@pytest.fixture(scope="module")
def tmp():
    d = tempfile.mkdtemp(prefix="sf-install-")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def checkout(tmp):
    """A git checkout of the tracked files, built with `make CFLAGS=-O1`,
    plus what a used tree holds and must never be installed: var/ with a
    database, build/, an untracked file and node_modules under htdocs/."""
    src = os.path.join(tmp, "src")
    copy_tree(src)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "init.defaultBranch=main", "-c", "commit.gpgsign=false"]
    subprocess.run(git + ["init", "-q"], cwd=src, check=True)
    subprocess.run(git + ["add", "-A"], cwd=src, check=True)
    subprocess.run(git + ["commit", "-qm", "copy"], cwd=src, check=True)
    p = make(src, "-j2", *USER)
    assert os.access(os.path.join(src, "cgi-bin", "storefront.fcgi"), os.X_OK)
    assert "storefront.fcgi" in p.stdout
    with open(os.path.join(src, "htdocs", "untracked.css"), "w") as f:
        f.write("body{}")
    os.makedirs(os.path.join(src, "htdocs", "node_modules", "pkg"))
    with open(os.path.join(src, "htdocs", "node_modules", "pkg", "index.js"), "w") as f:
        f.write("x")
    return src


def compile_line(out, source):
    lines = [ln for ln in out.splitlines() if ln.startswith("cc ") and ln.endswith(" " + source)]
    assert len(lines) == 1, out[-2000:]
    return lines[0].split()


def test_release_tarball_builds_with_user_cflags_and_without_werror(tmp):
    """No .git: a release. CFLAGS=-O1 replaces only the optimisation; the
    flags the code needs stay; -Werror only when asked for."""
    rel = os.path.join(tmp, "release")
    copy_tree(rel)
    assert not os.path.exists(os.path.join(rel, ".git"))
    words = compile_line(make(rel, "-n", *USER, "build/rel/util.o").stdout, "src/util.c")
    assert "-std=c11" in words and "-D_GNU_SOURCE" in words and "-O1" in words
    assert "-O2" not in words and "-Werror" not in words
    assert any(w.startswith("-I/usr/include/cjson") for w in words)   # pkg-config's flags
    words = compile_line(make(rel, "-n", *USER, "WERROR=1", "build/rel/util.o").stdout, "src/util.c")
    assert "-Werror" in words and "-O1" in words
    # a real compile of one object with the user's flags
    make(rel, *USER, "build/rel/util.o")
    assert os.path.getsize(os.path.join(rel, "build", "rel", "util.o")) > 0


def test_checkout_builds_with_user_cflags_and_werror(checkout):
    with open(os.path.join(checkout, "build", "rel", "flags")) as f:
        flags = f.read().split()
    assert "-O1" in flags and "-std=c11" in flags and "-Werror" in flags and "-O2" not in flags
    # up to date: nothing compiles again
    assert compiled(make(checkout, *USER).stdout) == set()


def test_a_header_rebuilds_only_its_includers(checkout):
    includers = set()
    rel = os.path.join(checkout, "build", "rel")
    for top, _, files in os.walk(rel):
        for d in files:
            if d.endswith(".o.d"):
                with open(os.path.join(top, d)) as f:
                    # the vibe engine sees the shared headers through build/vibe-shared/
                    if re.search(r"\b(src|vibe-shared)/money\.h\b", f.read()):
                        includers.add(os.path.relpath(os.path.join(top, d[:-4]), rel))
    assert "money" in includers and "vibe/jstok" not in includers
    os.utime(os.path.join(checkout, "src", "money.h"))
    again = compiled(make(checkout, *USER).stdout)
    assert again == includers
    assert "vibe/jstok" not in again and len(again) < len(list(os.scandir(os.path.join(checkout, "src")))) // 3
    assert compiled(make(checkout, *USER).stdout) == set()


def test_a_missing_library_is_named_with_its_package(checkout, tmp):
    fake = os.path.join(tmp, "pkg-config")
    with open(fake, "w") as f:
        f.write('#!/bin/sh\ncase "$*" in *libcmark*) exit 1 ;; esac\nexec pkg-config "$@"\n')
    os.chmod(fake, 0o755)
    p = make(checkout, *USER, "PKG_CONFIG=" + fake, "BUILD=build/pkgtest", check=False)
    assert p.returncode != 0
    assert "libcmark" in p.stderr and "apt-get install -y libcmark-dev" in p.stderr, p.stderr
    assert "  CC " not in p.stdout and "No such file" not in p.stderr and "error:" not in p.stderr


def test_install_puts_tracked_files_and_uninstall_removes_them(checkout, tmp):
    dest = os.path.join(tmp, "dest")
    args = ["DESTDIR=" + dest, "PREFIX=/usr/local"]
    p = make(checkout, *USER, "install", *args)
    assert compiled(p.stdout) == set()   # the same build: nothing recompiled
    share = {"usr/local/share/storefront/" + f for f in tracked("templates", "sql", "htdocs", "conf")}
    want = share | {"usr/local/bin/storefront", "usr/local/lib/storefront/cgi-bin/storefront.fcgi",
                    "usr/local/lib/storefront/cgi-bin/admin.cgi", "usr/local/lib/storefront/storefront-image",
                    "etc/storefront/storefront.conf",
                    "usr/local/share/storefront/htdocs/admin/editor.js"}   # built, not tracked (make editor)
    got = files_under(dest)
    assert got == want, (sorted(got - want), sorted(want - got))
    assert not [f for f in got if "node_modules" in f or "untracked" in f or "/var/" in f or "build/" in f]
    assert os.path.isdir(os.path.join(dest, "var/lib/storefront"))
    assert os.access(os.path.join(dest, "usr/local/lib/storefront/cgi-bin/admin.cgi"), os.X_OK)
    assert os.access(os.path.join(dest, "usr/local/lib/storefront/storefront-image"), os.X_OK)
    with open(os.path.join(dest, "etc/storefront/storefront.conf")) as f, \
            open(os.path.join(ROOT, "conf/storefront.conf.example")) as g:
        assert f.read() == g.read()
    # the database stays; everything install put goes
    db = os.path.join(dest, "var/lib/storefront/storefront.db")
    with open(db, "w") as f:
        f.write("data")
    make(checkout, "uninstall", *args)
    assert files_under(dest) == {"var/lib/storefront/storefront.db"}
    # an edited storefront.conf stays too, and a new install keeps it
    make(checkout, *USER, "install", *args)
    conf = os.path.join(dest, "etc/storefront/storefront.conf")
    with open(conf, "a") as f:
        f.write("base_domain = shops.example\n")
    make(checkout, *USER, "install", *args)
    with open(conf) as f:
        assert "shops.example" in f.read()
    make(checkout, "uninstall", *args)
    assert files_under(dest) == {"var/lib/storefront/storefront.db", "etc/storefront/storefront.conf"}


def test_installed_programs_use_sysconfdir_and_statedir(checkout, tmp):
    """Installed, the programs read SYSCONFDIR/storefront.conf and keep the
    database in STATEDIR (compiled in); run from the source tree they
    still use var/storefront.db there (make run)."""
    inst = os.path.join(tmp, "inst")
    etc, state, prefix = os.path.join(inst, "etc"), os.path.join(inst, "state"), os.path.join(inst, "prefix")
    p = make(checkout, *USER, "install", "PREFIX=" + prefix, "SYSCONFDIR=" + etc, "STATEDIR=" + state)
    assert compiled(p.stdout) == {"config"}   # only the file with the paths in it
    cli = os.path.join(prefix, "bin", "storefront")
    r = subprocess.run([cli, "init"], env=clean_env(), capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert os.path.getsize(os.path.join(state, "storefront.db")) > 0   # migrations from PREFIX/share
    assert not os.path.exists(os.path.join(prefix, "share", "storefront", "var"))
    with open(os.path.join(etc, "storefront.conf"), "a") as f:
        f.write("no_such_key = 1\n")
    r = subprocess.run([cli, "init"], env=clean_env(), capture_output=True, text=True, timeout=60)
    assert r.returncode != 0 and os.path.join(etc, "storefront.conf") in r.stderr, r.stderr
    # the source tree's own programs: var/ inside the tree (scripts/run.sh
    # makes the directory)
    os.makedirs(os.path.join(checkout, "var"), exist_ok=True)
    r = subprocess.run([os.path.join(checkout, "bin", "storefront"), "init"], env=clean_env(),
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert os.path.isfile(os.path.join(checkout, "var", "storefront.db"))
