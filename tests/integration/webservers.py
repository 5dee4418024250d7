"""The other web servers in front of a running Stack's FastCGI pools, each
from its Debian package on a free 127.0.0.1 port, configured from the
project's own conf/ files (their production paths replaced by the
stack's, so what is tested is what INSTALL tells people to use):
nginx (conf/nginx.conf), Apache 2.4 with mod_proxy_fcgi
(conf/apache-vhost.conf) and Caddy (conf/Caddyfile.fastcgi). Each is
stopped by its pid."""
import os
import shutil
import signal
import subprocess
import time

from stack import ROOT, free_port, wait_for


def _conf(name, subs):
    """conf/NAME with each production value replaced; every one must be
    there, so the file cannot drift from what the tests run."""
    text = open(os.path.join(ROOT, "conf", name)).read()
    for old, new in subs:
        assert old in text, "conf/%s no longer has %r" % (name, old)
        text = text.replace(old, new)
    return text


def _listening(port):
    import socket
    s = socket.socket()
    try:
        s.settimeout(0.2)
        s.connect(("127.0.0.1", port))
        return True
    except OSError:
        return False
    finally:
        s.close()


class WebServer:
    name = "?"

    def __init__(self, stack):
        self.stack = stack
        self.port = free_port()
        self.dir = os.path.join(stack.dir, self.name)
        os.makedirs(self.dir, exist_ok=True)
        self.proc = None

    def start(self):
        self.write_config()
        self.proc = subprocess.Popen(self.command(), cwd=self.dir, stdin=subprocess.DEVNULL,
                                     stdout=open(os.path.join(self.dir, "stdout.log"), "w"),
                                     stderr=subprocess.STDOUT, env=self.env(), start_new_session=True)
        wait_for(lambda: _listening(self.port) or self.proc.poll() is not None, self.name + " to listen", 20)
        assert self.proc.poll() is None, "%s did not start: %s" % (self.name, self.log())
        return self

    def env(self):
        return dict(os.environ)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
        self.proc = None

    def log(self):
        out = ""
        for f in sorted(os.listdir(self.dir)):
            if f.endswith(".log"):
                out += "== %s\n%s\n" % (f, open(os.path.join(self.dir, f), errors="replace").read()[-3000:])
        return out


class Nginx(WebServer):
    name = "nginx"

    def write_config(self):
        s = self.stack
        sites = _conf("nginx.conf", [
            ("listen 80;", "listen 127.0.0.1:%d;" % self.port),
            ("listen 80 default_server;", "listen 127.0.0.1:%d default_server;" % self.port),
            ("/usr/local/share/storefront/htdocs", os.path.join(ROOT, "htdocs")),
            ("/run/storefront/", s.run + "/"),
            ("/var/cache/storefront/pages", s.cache),
            ("admin.example.net", "admin.localhost"),
        ])
        open(os.path.join(self.dir, "sites.conf"), "w").write(sites)
        shutil.copy("/etc/nginx/fastcgi_params", os.path.join(self.dir, "fastcgi_params"))
        d = self.dir
        open(os.path.join(d, "nginx.conf"), "w").write("""
daemon off;
user root;
worker_processes 1;
pid %(d)s/nginx.pid;
error_log %(d)s/error.log;
events { worker_connections 512; }
http {
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path %(d)s/body;
    fastcgi_temp_path %(d)s/fastcgi;
    proxy_temp_path %(d)s/proxy;
    uwsgi_temp_path %(d)s/uwsgi;
    scgi_temp_path %(d)s/scgi;
    include %(d)s/sites.conf;
}
""" % {"d": d})

    def command(self):
        return ["nginx", "-c", os.path.join(self.dir, "nginx.conf"), "-p", self.dir + "/"]


class Caddy(WebServer):
    name = "caddy"

    def write_config(self):
        shutil.copy(os.path.join(ROOT, "conf", "Caddyfile.fastcgi"), os.path.join(self.dir, "Caddyfile"))

    def env(self):
        s = self.stack
        return dict(os.environ, SF_HTTP_PORT=str(self.port), SF_HTDOCS=os.path.join(ROOT, "htdocs"),
                    SF_RUN=s.run, SF_PAGE_CACHE=s.cache, SF_ADMIN_HOST="admin.localhost",
                    SF_CADDY_OPTIONS="default_bind 127.0.0.1", HOME=self.dir,
                    XDG_DATA_HOME=self.dir, XDG_CONFIG_HOME=self.dir)

    def command(self):
        return ["caddy", "run", "--config", os.path.join(self.dir, "Caddyfile"), "--adapter", "caddyfile"]


APACHE_MODULES = ["mpm_event", "authz_core", "mime", "dir", "alias", "env", "setenvif", "rewrite", "headers",
                  "filter", "deflate", "proxy", "proxy_fcgi"]


class ApacheProxy(WebServer):
    """Apache 2.4 + mod_proxy_fcgi to the pools. Its children run as
    www-data, so the static files are copied where they can read them and
    the pools' sockets and the page cache are opened to them."""
    name = "apache"

    def write_config(self):
        s = self.stack
        htdocs = os.path.join(self.dir, "htdocs")
        if not os.path.isdir(htdocs):
            shutil.copytree(os.path.join(ROOT, "htdocs"), htdocs)
        for p in (s.dir, s.run, self.dir):
            os.chmod(p, 0o755)
        os.makedirs(s.cache, exist_ok=True)
        os.chmod(s.cache, 0o755)
        for f in os.listdir(s.run):
            if f.endswith(".sock"):
                os.chmod(os.path.join(s.run, f), 0o777)
        site = _conf("apache-vhost.conf", [
            ("<VirtualHost *:80>", "<VirtualHost 127.0.0.1:%d>" % self.port),
            ("/usr/local/share/storefront/htdocs", htdocs),
            ("/run/storefront/", s.run + "/"),
            ("/var/cache/storefront/pages", s.cache),
            ("admin\\.example\\.net", "admin\\.localhost"),
        ])
        open(os.path.join(self.dir, "site.conf"), "w").write(site)
        mods = "\n".join("LoadModule %s_module /usr/lib/apache2/modules/mod_%s.so" % (m, m) for m in APACHE_MODULES)
        open(os.path.join(self.dir, "apache2.conf"), "w").write("""
ServerRoot /etc/apache2
ServerName localhost
Listen 127.0.0.1:%(port)d
PidFile %(d)s/apache.pid
ErrorLog %(d)s/error.log
LogLevel warn
User www-data
Group www-data
Mutex file:%(d)s default
%(mods)s
TypesConfig /etc/mime.types
DefaultRuntimeDir %(d)s
<Directory />
    AllowOverride None
    Require all denied
</Directory>
Include %(d)s/site.conf
""" % {"port": self.port, "d": self.dir, "mods": mods})

    def command(self):
        return ["apache2", "-f", os.path.join(self.dir, "apache2.conf"), "-DFOREGROUND"]

    def env(self):
        return dict(os.environ, APACHE_RUN_DIR=self.dir, APACHE_LOG_DIR=self.dir, APACHE_LOCK_DIR=self.dir,
                    APACHE_PID_FILE=os.path.join(self.dir, "apache.pid"))


SERVERS = {"nginx": Nginx, "apache": ApacheProxy, "caddy": Caddy}


class ApacheCGI(WebServer):
    """Shared hosting: Apache runs the programs itself from the web root
    (conf/htaccess as its .htaccess), as plain CGI (mod_cgid) or, with
    fcgid=True, under mod_fcgid. The page cache is the web root's
    page-cache/. The stack is not started (no pools, no lighttpd): only
    its database, which the programs (www-data) open themselves."""

    def __init__(self, stack, fcgid=False):
        self.name = "apache-fcgid" if fcgid else "apache-cgi"
        self.fcgid = fcgid
        super().__init__(stack)

    def write_config(self):
        s = self.stack
        www = s.www
        if not os.path.isdir(www):
            shutil.copytree(os.path.join(ROOT, "htdocs"), www)
            os.makedirs(os.path.join(www, "cgi-bin"))
            progs = os.path.dirname(os.path.join(ROOT, os.environ.get("SF_PROGRAM_DIR") or "cgi-bin", "x"))
            for p in ("storefront.fcgi", "admin.cgi"):
                shutil.copy(os.path.join(progs, p), os.path.join(www, "cgi-bin", p))
            os.makedirs(os.path.join(www, "page-cache"))
            open(os.path.join(www, ".htaccess"), "w").write(_conf("htaccess", [
                ("/home/USER/storefront/var/storefront.db", s.db),
                ("/home/USER/public_html/page-cache", os.path.join(www, "page-cache")),
                ("admin\\.example\\.net", "admin\\.localhost"),
            ]))
            # www-data runs the programs: the database, its directory and
            # the page cache are theirs to write.
            for root, dirs, files in os.walk(s.dir):
                for d in dirs:
                    os.chmod(os.path.join(root, d), 0o777)
                for f in files:
                    os.chmod(os.path.join(root, f), os.stat(os.path.join(root, f)).st_mode | 0o666)
            os.chmod(s.dir, 0o777)
        os.chmod(self.dir, 0o777)   # mod_fcgid's sockets, made by www-data
        mods = APACHE_MODULES[:4] + ["alias", "env", "setenvif", "rewrite", "headers", "filter", "deflate"]
        mods += ["fcgid"] if self.fcgid else ["cgid"]
        lines = "\n".join("LoadModule %s_module /usr/lib/apache2/modules/mod_%s.so" % (m, m) for m in mods)
        home = "STOREFRONT_HOME %s" % ROOT
        env = ("FcgidInitialEnv %s\nFcgidInitialEnv STOREFRONT_DB %s\nFcgidInitialEnv STOREFRONT_PAGE_CACHE_DIR %s\n"
               "FcgidIPCDir %s\nFcgidProcessTableFile %s/fcgid_shm\n"
               % (home, s.db, os.path.join(www, "page-cache"), self.dir, self.dir)) if self.fcgid else \
            "ScriptSock %s/cgid.sock\n" % self.dir
        open(os.path.join(self.dir, "apache2.conf"), "w").write("""
ServerRoot /etc/apache2
ServerName localhost
Listen 127.0.0.1:%(port)d
PidFile %(d)s/apache.pid
ErrorLog %(d)s/error.log
LogLevel warn
User www-data
Group www-data
Mutex file:%(d)s default
%(mods)s
TypesConfig /etc/mime.types
DefaultRuntimeDir %(d)s
%(env)s
<Directory />
    AllowOverride None
    Require all denied
</Directory>
DocumentRoot %(www)s
<Directory %(www)s>
    AllowOverride All
    Require all granted
    SetEnv %(home)s
</Directory>
""" % {"port": self.port, "d": self.dir, "mods": lines, "env": env, "www": www, "home": home})

    def command(self):
        return ["apache2", "-f", os.path.join(self.dir, "apache2.conf"), "-DFOREGROUND"]

    def env(self):
        return dict(os.environ, APACHE_RUN_DIR=self.dir, APACHE_LOG_DIR=self.dir, APACHE_LOCK_DIR=self.dir)
