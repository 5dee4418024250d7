/* pods: the router node's catalogue, HAProxy map and store moves (see pods.h). */
#include "pods.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "tenant.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* After the switch, requests routed to the source just before it finish
 * before its copy is deleted. */
#define MOVE_DRAIN_MS 1000

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS pods ("
	"  name TEXT PRIMARY KEY,"              /* a HAProxy backend's name too */
	"  addr TEXT NOT NULL,"                 /* host:port HAProxy sends the pod's requests to */
	"  cli TEXT NOT NULL,"                  /* the command running the pod's bin/storefront (local, or over ssh) */
	"  stores INTEGER NOT NULL DEFAULT 0,"  /* its stores, kept with every claim, move and removal */
	"  requests INTEGER NOT NULL DEFAULT 0," /* recent requests (HAProxy's stats or the operator) */
	"  created_at INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS stores ("
	"  username TEXT PRIMARY KEY,"          /* unique across every pod: the catalogue is the authority */
	"  pod TEXT NOT NULL REFERENCES pods(name),"
	"  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','moving')),"
	"  created_at INTEGER NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS hosts ("
	"  host TEXT PRIMARY KEY,"              /* the subdomain, or a verified custom domain */
	"  username TEXT NOT NULL REFERENCES stores(username) ON DELETE CASCADE"
	") WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS hosts_username ON hosts(username);";

static void catalogue_path(char *out, size_t n)
{
	if (cfg.catalogue[0]) { snprintf(out, n, "%s", cfg.catalogue); return; }
	const char *slash = strrchr(cfg.db, '/');
	if (slash) snprintf(out, n, "%.*s/catalogue.db", (int)(slash - cfg.db), cfg.db);
	else snprintf(out, n, "catalogue.db");
}

int pods_open(char *err, size_t errlen)
{
	char path[1100];
	catalogue_path(path, sizeof path);
	if (db_open(path, err, errlen) < 0) return -1;
	if (db_exec(schema) < 0) { snprintf(err, errlen, "catalogue %s: %s", path, db_errmsg()); return -1; }
	return 0;
}

static const char *name_problem(const char *s)
{
	if (!*s || strlen(s) > 40) return "must be 1-40 characters";
	for (const char *p = s; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')) return "may hold only a-z, 0-9, - and _";
	return NULL;
}

int pods_pod_add(const char *name, const char *addr, const char *cli, char *err, size_t errlen)
{
	const char *p = name_problem(name);
	if (p) { snprintf(err, errlen, "pod name '%s' %s", name, p); return -1; }
	if (!strchr(addr, ':')) { snprintf(err, errlen, "address '%s' is not host:port", addr); return -1; }
	sqlite3_stmt *st = db_stmt("INSERT INTO pods(name, addr, cli, created_at) VALUES(:n, :a, :c, :now) "
				   "ON CONFLICT(name) DO UPDATE SET addr = :a, cli = :c");
	db_bind_text(st, ":n", name);
	db_bind_text(st, ":a", addr);
	db_bind_text(st, ":c", cli);
	db_bind_int(st, ":now", now_unix());
	if (db_run(st) < 0) { snprintf(err, errlen, "catalogue: %s", db_errmsg()); return -1; }
	return 0;
}

int pods_pod_requests(const char *name, long requests, char *err, size_t errlen)
{
	sqlite3_stmt *st = db_stmt("UPDATE pods SET requests = :r WHERE name = :n");
	db_bind_int(st, ":r", requests);
	db_bind_text(st, ":n", name);
	if (db_run(st) < 0) { snprintf(err, errlen, "catalogue: %s", db_errmsg()); return -1; }
	if (!db_changes()) { snprintf(err, errlen, "no pod '%s'", name); return -1; }
	return 0;
}

/* A pod's load: its share of the stores plus its share of the recent
 * requests (each 0..1); new stores go to the lowest. */
#define LOAD_SQL "(CAST(stores AS REAL) / max(1, (SELECT sum(stores) FROM pods)) + " \
		 "CAST(requests AS REAL) / max(1, (SELECT sum(requests) FROM pods)))"

cJSON *pods_pod_list(void)
{
	cJSON *a = cJSON_CreateArray();
	sqlite3_stmt *st = db_stmt("SELECT name, addr, cli, stores, requests, " LOAD_SQL " FROM pods ORDER BY name -- scan");
	while (db_step(st) == SQLITE_ROW) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", db_text(st, 0));
		cJSON_AddStringToObject(o, "addr", db_text(st, 1));
		cJSON_AddStringToObject(o, "cli", db_text(st, 2));
		cJSON_AddNumberToObject(o, "stores", (double)db_int(st, 3));
		cJSON_AddNumberToObject(o, "requests", (double)db_int(st, 4));
		cJSON_AddNumberToObject(o, "load", db_double(st, 5));
		cJSON_AddItemToArray(a, o);
	}
	db_reset(st);
	return a;
}

static void subdomain(const char *username, char *out, size_t n)
{
	snprintf(out, n, "%s.%s", username, cfg.base_domain);
}

int pods_claim(const char *username, const char *pod, char *pod_out, size_t n, char *err, size_t errlen)
{
	const char *p = username_problem(username);
	if (p) { snprintf(err, errlen, "username '%s': %s", username, p); return -1; }
	if (db_begin(1) < 0) { snprintf(err, errlen, "catalogue: %s", db_errmsg()); return -1; }
	sqlite3_stmt *st;
	if (pod) {
		st = db_stmt("SELECT name FROM pods WHERE name = :p");
		db_bind_text(st, ":p", pod);
	} else {
		st = db_stmt("SELECT name FROM pods ORDER BY " LOAD_SQL ", name LIMIT 1 -- scan");
	}
	int found = db_step(st) == SQLITE_ROW;
	if (found) snprintf(pod_out, n, "%s", db_text(st, 0));
	db_reset(st);
	if (!found) { db_rollback(); snprintf(err, errlen, pod ? "no pod '%s'" : "no pods in the catalogue%s", pod ? pod : ""); return -1; }
	char host[300];
	subdomain(username, host, sizeof host);
	st = db_stmt("INSERT INTO stores(username, pod, created_at) VALUES(:u, :p, :now)");
	db_bind_text(st, ":u", username);
	db_bind_text(st, ":p", pod_out);
	db_bind_int(st, ":now", now_unix());
	if (db_run(st) < 0) {
		int taken = strstr(db_errmsg(), "UNIQUE") != NULL;
		db_rollback();
		snprintf(err, errlen, taken ? "username '%s' is taken (on some pod)" : "catalogue: %s", taken ? username : db_errmsg());
		return -1;
	}
	sqlite3_stmt *h = db_stmt("INSERT INTO hosts(host, username) VALUES(:h, :u)");
	db_bind_text(h, ":h", host);
	db_bind_text(h, ":u", username);
	sqlite3_stmt *c = db_stmt("UPDATE pods SET stores = stores + 1 WHERE name = :p");
	db_bind_text(c, ":p", pod_out);
	if (db_run(h) < 0 || db_run(c) < 0 || db_commit() < 0) {
		snprintf(err, errlen, "catalogue: %s", db_errmsg());
		db_rollback();
		return -1;
	}
	return 0;
}

int pods_lookup(const char *host, char *pod, size_t n)
{
	sqlite3_stmt *st = db_stmt("SELECT s.pod FROM hosts h JOIN stores s ON s.username = h.username WHERE h.host = :h");
	db_bind_text(st, ":h", host);
	pod[0] = 0;
	if (db_step(st) == SQLITE_ROW) snprintf(pod, n, "%s", db_text(st, 0));
	db_reset(st);
	return pod[0] ? 0 : -1;
}

/* ---- HAProxy ---- */

int pods_haproxy(const char *cmd, sbuf *out, char *err, size_t errlen)
{
	if (!cfg.haproxy_socket[0]) { snprintf(err, errlen, "no haproxy_socket configured"); return -1; }
	int fd = -1;
	const char *s = cfg.haproxy_socket;
	if (s[0] == '/') {
		struct sockaddr_un a = { .sun_family = AF_UNIX };
		if (strlen(s) >= sizeof a.sun_path) { snprintf(err, errlen, "haproxy_socket path too long"); return -1; }
		strcpy(a.sun_path, s);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { close(fd); fd = -1; }
	} else {
		char host[256];
		snprintf(host, sizeof host, "%s", s);
		char *colon = strrchr(host, ':');
		if (!colon) { snprintf(err, errlen, "haproxy_socket is neither a path nor host:port"); return -1; }
		*colon = 0;
		struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
		if (getaddrinfo(host, colon + 1, &hints, &res) == 0) {
			fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
			if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) < 0) { close(fd); fd = -1; }
			freeaddrinfo(res);
		}
	}
	if (fd < 0) { snprintf(err, errlen, "cannot reach HAProxy's runtime API at %s: %s", s, strerror(errno)); return -1; }
	sbuf line = SBUF_INIT;
	sb_printf(&line, "%s\n", cmd);
	const char *p = sb_str(&line);
	size_t left = line.len;
	while (left) {
		ssize_t w = write(fd, p, left);
		if (w < 0 && errno == EINTR) continue;
		if (w <= 0) break;
		p += w;
		left -= (size_t)w;
	}
	sb_free(&line);
	char buf[65536];
	ssize_t r;
	while ((r = read(fd, buf, sizeof buf)) > 0 || (r < 0 && errno == EINTR))
		if (r > 0) sb_put(out, buf, (size_t)r);
	close(fd);
	if (left) { snprintf(err, errlen, "HAProxy's runtime API closed early"); return -1; }
	return 0;
}

int pods_map_apply(const char *host, const char *pod, char *err, size_t errlen)
{
	if (!cfg.haproxy_map[0]) { snprintf(err, errlen, "no haproxy_map configured"); return -1; }
	sbuf cmd = SBUF_INIT, out = SBUF_INIT;
	int rc = 0;
	if (!pod) {
		sb_printf(&cmd, "del map %s %s", cfg.haproxy_map, host);
		rc = pods_haproxy(sb_str(&cmd), &out, err, errlen);
	} else {
		sb_printf(&cmd, "set map %s %s %s", cfg.haproxy_map, host, pod);
		rc = pods_haproxy(sb_str(&cmd), &out, err, errlen);
		if (rc == 0 && strstr(sb_str(&out), "not found")) {        /* a new host */
			sb_reset(&cmd);
			sb_reset(&out);
			sb_printf(&cmd, "add map %s %s %s", cfg.haproxy_map, host, pod);
			rc = pods_haproxy(sb_str(&cmd), &out, err, errlen);
		}
		if (rc == 0 && out.len > 1 && !strstr(sb_str(&out), "not found")) {
			/* HAProxy answers nothing (an empty line) when it did it */
			const char *o = sb_str(&out);
			while (*o == '\n' || *o == ' ') o++;
			if (*o) { snprintf(err, errlen, "HAProxy: %.200s", o); rc = -1; }
		}
	}
	sb_free(&cmd);
	sb_free(&out);
	return rc;
}

/* Read the pod's entry of the live map back (the check after a switch). */
static int map_get(const char *host, char *pod, size_t n, char *err, size_t errlen)
{
	sbuf cmd = SBUF_INIT, out = SBUF_INIT;
	sb_printf(&cmd, "get map %s %s", cfg.haproxy_map, host);
	int rc = pods_haproxy(sb_str(&cmd), &out, err, errlen);
	pod[0] = 0;
	/* type=str, case=sensitive, found=yes, idx=tree, key="h", value="pod", type="str" */
	const char *v = strstr(sb_str(&out), "value=\"");
	if (rc == 0 && v) snprintf(pod, n, "%.*s", (int)strcspn(v + 7, "\""), v + 7);
	sb_free(&cmd);
	sb_free(&out);
	return rc;
}

long pods_map_write(const char *path, char *err, size_t errlen)
{
	char tmp[1200];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	if (!f) { snprintf(err, errlen, "cannot write %s", tmp); return -1; }
	sqlite3_stmt *st = db_stmt("SELECT h.host, s.pod FROM hosts h JOIN stores s ON s.username = h.username ORDER BY h.host -- scan");
	long n = 0;
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		fprintf(f, "%s %s\n", db_text(st, 0), db_text(st, 1));
		n++;
	}
	db_reset(st);
	if (fclose(f) != 0 || rc != SQLITE_DONE) { unlink(tmp); snprintf(err, errlen, "cannot write the map"); return -1; }
	if (rename(tmp, path) < 0) { unlink(tmp); snprintf(err, errlen, "cannot rename %s", tmp); return -1; }
	return n;
}

/* Every host of a store, applied to the live map (and the file, so a
 * reload keeps it). */
static int map_store(const char *username, const char *pod, char *err, size_t errlen)
{
	/* With a runtime API the live map changes and the file is rewritten
	 * before a reload (`catalogue haproxy-map`, INSTALL): rewriting a
	 * million lines per change would cost a second each. Without one, the
	 * file is the only way: rewrite it (the operator reloads). */
	if (!cfg.haproxy_socket[0])
		return cfg.haproxy_map[0] && pods_map_write(cfg.haproxy_map, err, errlen) < 0 ? -1 : 0;
	sqlite3_stmt *st = db_stmt("SELECT host FROM hosts WHERE username = :u");
	db_bind_text(st, ":u", username);
	int rc = 0;
	while (rc == 0 && db_step(st) == SQLITE_ROW) rc = pods_map_apply(db_text(st, 0), pod, err, errlen);
	db_reset(st);
	return rc;
}

int pods_host_add(const char *host, const char *username, char *err, size_t errlen)
{
	char h[256];
	if (host_normalize(host, h, sizeof h) < 0) { snprintf(err, errlen, "'%s' is not a host name", host); return -1; }
	sqlite3_stmt *st = db_stmt("INSERT INTO hosts(host, username) SELECT :h, username FROM stores WHERE username = :u "
				   "ON CONFLICT(host) DO UPDATE SET username = excluded.username");
	db_bind_text(st, ":h", h);
	db_bind_text(st, ":u", username);
	if (db_run(st) < 0) { snprintf(err, errlen, "catalogue: %s", db_errmsg()); return -1; }
	if (!db_changes()) { snprintf(err, errlen, "no store '%s' in the catalogue", username); return -1; }
	char pod[64];
	if (pods_lookup(h, pod, sizeof pod) < 0) { snprintf(err, errlen, "catalogue: the host vanished"); return -1; }
	if (cfg.haproxy_socket[0]) return pods_map_apply(h, pod, err, errlen);
	return cfg.haproxy_map[0] && pods_map_write(cfg.haproxy_map, err, errlen) < 0 ? -1 : 0;
}

int pods_host_remove(const char *host, char *err, size_t errlen)
{
	sqlite3_stmt *st = db_stmt("DELETE FROM hosts WHERE host = :h");
	db_bind_text(st, ":h", host);
	if (db_run(st) < 0) { snprintf(err, errlen, "catalogue: %s", db_errmsg()); return -1; }
	if (!db_changes()) { snprintf(err, errlen, "no host '%s' in the catalogue", host); return -1; }
	if (cfg.haproxy_socket[0]) return pods_map_apply(host, NULL, err, errlen);
	return cfg.haproxy_map[0] && pods_map_write(cfg.haproxy_map, err, errlen) < 0 ? -1 : 0;
}

int pods_requests_from_haproxy(char *err, size_t errlen)
{
	sbuf out = SBUF_INIT;
	if (pods_haproxy("show stat -1 2 -1", &out, err, errlen) < 0) { sb_free(&out); return -1; }
	/* CSV: "# pxname,svname,qcur,...": req_tot is the 49th field */
	int n = 0;
	char *save = NULL;
	if (!out.len) { sb_free(&out); snprintf(err, errlen, "HAProxy sent no statistics"); return -1; }
	for (char *line = strtok_r(out.s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] == '#') continue;
		char *f[64];
		int nf = 0;
		for (char *p = line; nf < 64; ) {
			f[nf++] = p;
			char *c = strchr(p, ',');
			if (!c) break;
			*c = 0;
			p = c + 1;
		}
		if (nf > 48 && !strcmp(f[1], "BACKEND")) {
			sqlite3_stmt *st = db_stmt("UPDATE pods SET requests = :r WHERE name = :n");
			db_bind_int(st, ":r", atol(f[48]));
			db_bind_text(st, ":n", f[0]);
			if (db_run(st) < 0) { sb_free(&out); snprintf(err, errlen, "catalogue: %s", db_errmsg()); return -1; }
			n += db_changes();
		}
	}
	sb_free(&out);
	return n;
}

/* The pod at addr (host:port) answers GET / for host with 200 (or a
 * redirect to the store's primary domain): 1, else 0 with err. */
static int pod_serves(const char *pod, const char *host, char *err, size_t errlen)
{
	sqlite3_stmt *st = db_stmt("SELECT addr FROM pods WHERE name = :p");
	db_bind_text(st, ":p", pod);
	char addr[256] = "";
	if (db_step(st) == SQLITE_ROW) snprintf(addr, sizeof addr, "%s", db_text(st, 0));
	db_reset(st);
	char *colon = strrchr(addr, ':');
	if (!colon) { snprintf(err, errlen, "pod %s has no address", pod); return 0; }
	*colon = 0;
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res;
	int fd = -1;
	if (getaddrinfo(addr, colon + 1, &hints, &res) == 0) {
		fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct timeval tv = { .tv_sec = 10 };
		if (fd >= 0) {
			setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
			setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		}
		if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) < 0) { close(fd); fd = -1; }
		freeaddrinfo(res);
	}
	if (fd < 0) { snprintf(err, errlen, "pod %s (%s) does not answer", pod, addr); return 0; }
	char req[600], buf[64] = "";
	int n = snprintf(req, sizeof req, "GET / HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n", host);
	int ok = 0;
	if (write(fd, req, (size_t)n) == n) {
		ssize_t r = read(fd, buf, sizeof buf - 1);
		if (r > 0) buf[r] = 0;
		ok = !strncmp(buf, "HTTP/1.1 200", 12) || !strncmp(buf, "HTTP/1.0 200", 12) || !strncmp(buf, "HTTP/1.1 301", 12) ||
		     !strncmp(buf, "HTTP/1.0 301", 12);
	}
	close(fd);
	if (!ok) snprintf(err, errlen, "pod %s does not serve %s after the import (%.20s)", pod, host, buf);
	return ok;
}

/* ---- running a pod's command ---- */

static void sh_quote(sbuf *b, const char *s)
{
	sb_putc(b, '\'');
	for (; *s; s++) {
		if (*s == '\'') sb_puts(b, "'\\''");
		else sb_putc(b, *s);
	}
	sb_putc(b, '\'');
}

/* Run `CLI args...` through sh with stdin from in_path and stdout into
 * out_path (either may be NULL: /dev/null). Its exit status, or -1. The
 * pod's stderr passes through to ours. */
static int run_pod(const char *pod, const char *in_path, const char *out_path, const char *const *args, char *err,
		   size_t errlen)
{
	sqlite3_stmt *st = db_stmt("SELECT cli FROM pods WHERE name = :p");
	db_bind_text(st, ":p", pod);
	sbuf cmd = SBUF_INIT;
	int found = db_step(st) == SQLITE_ROW;
	if (found) sb_puts(&cmd, db_text(st, 0));
	db_reset(st);
	if (!found) { snprintf(err, errlen, "no pod '%s'", pod); return -1; }
	for (int i = 0; args[i]; i++) {
		sb_putc(&cmd, ' ');
		sh_quote(&cmd, args[i]);
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, in_path ? in_path : "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
	char *argv[] = { "/bin/sh", "-c", (char *)sb_str(&cmd), NULL };
	pid_t pid;
	int rc = posix_spawn(&pid, "/bin/sh", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) { snprintf(err, errlen, "cannot run %s", sb_str(&cmd)); sb_free(&cmd); return -1; }
	int status;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
	int ex = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
	if (ex != 0) snprintf(err, errlen, "pod %s: '%s' failed (exit %d)", pod, sb_str(&cmd), ex);
	sb_free(&cmd);
	return ex;
}

static int64_t ms_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int pods_store_create(const char *username, const char *name, const char *pod, char *pod_out, size_t n, char *err,
		      size_t errlen)
{
	if (pods_claim(username, pod, pod_out, n, err, errlen) < 0) return -1;
	const char *args[] = { "tenant", "create", username, "--name", name, NULL };
	if (run_pod(pod_out, NULL, NULL, args, err, errlen) != 0) {
		/* give the name back: nothing was made */
		sqlite3_stmt *st = db_stmt("DELETE FROM stores WHERE username = :u");
		db_bind_text(st, ":u", username);
		sqlite3_stmt *c = db_stmt("UPDATE pods SET stores = stores - 1 WHERE name = :p");
		db_bind_text(c, ":p", pod_out);
		if (db_run(st) < 0 || db_run(c) < 0) log_warn("catalogue: %s", db_errmsg());
		return -1;
	}
	return map_store(username, pod_out, err, errlen);
}

int pods_move(const char *username, const char *to, long window, char *err, size_t errlen)
{
	char from[64] = "", tmp[] = "/tmp/storefront-move-XXXXXX";
	sqlite3_stmt *st = db_stmt("SELECT pod, status FROM stores WHERE username = :u");
	db_bind_text(st, ":u", username);
	int found = db_step(st) == SQLITE_ROW, moving = 0;
	if (found) { snprintf(from, sizeof from, "%s", db_text(st, 0)); moving = !strcmp(db_text(st, 1), "moving"); }
	db_reset(st);
	if (!found) { snprintf(err, errlen, "no store '%s' in the catalogue", username); return -1; }
	if (moving) { snprintf(err, errlen, "store '%s' is being moved already", username); return -1; }
	st = db_stmt("SELECT 1 FROM pods WHERE name = :p");
	db_bind_text(st, ":p", to);
	found = db_step(st) == SQLITE_ROW;
	db_reset(st);
	if (!found) { snprintf(err, errlen, "no pod '%s'", to); return -1; }
	if (!strcmp(from, to)) { snprintf(err, errlen, "store '%s' is on pod %s already", username, to); return -1; }
	int fd = mkstemp(tmp);
	if (fd < 0) { snprintf(err, errlen, "no temporary file"); return -1; }
	close(fd);
	st = db_stmt("UPDATE stores SET status = 'moving' WHERE username = :u");
	db_bind_text(st, ":u", username);
	if (db_run(st) < 0) { unlink(tmp); snprintf(err, errlen, "catalogue: %s", db_errmsg()); return -1; }
	int64_t t0 = ms_now(), t_ro = 0, t_switch = 0;
	char secs[24];
	snprintf(secs, sizeof secs, "%ld", window);
	int rc = -1;
	/* 1. the window opens: from here the source takes no writes, so the
	 *    export below holds every order it ever confirmed */
	const char *ro[] = { "tenant", "read-only", username, secs, NULL };
	if (run_pod(from, NULL, NULL, ro, err, errlen) != 0) goto back;
	t_ro = ms_now();
	printf("%s: read-only on %s\n", username, from);
	/* 2. export from the source, import on the target (ids remapped,
	 *    counts and checksums checked by the import) */
	const char *ex[] = { "tenant", "export", username, "-", NULL };
	if (run_pod(from, NULL, tmp, ex, err, errlen) != 0) goto reopen;
	const char *im[] = { "tenant", "import", "-", "--as", username, NULL };
	if (run_pod(to, tmp, NULL, im, err, errlen) != 0) goto reopen;
	printf("%s: copied to %s\n", username, to);
	/* the target serves it before anyone is sent there */
	char sub[300];
	subdomain(username, sub, sizeof sub);
	if (!pod_serves(to, sub, err, errlen)) goto undo_target;
	/* 3. switch: the catalogue, the map file, HAProxy's live map */
	if (db_begin(1) < 0) { snprintf(err, errlen, "catalogue: %s", db_errmsg()); goto undo_target; }
	st = db_stmt("UPDATE stores SET pod = :to, status = 'active' WHERE username = :u");
	db_bind_text(st, ":to", to);
	db_bind_text(st, ":u", username);
	sqlite3_stmt *a = db_stmt("UPDATE pods SET stores = stores - 1 WHERE name = :p");
	db_bind_text(a, ":p", from);
	sqlite3_stmt *b = db_stmt("UPDATE pods SET stores = stores + 1 WHERE name = :p");
	db_bind_text(b, ":p", to);
	if (db_run(st) < 0 || db_run(a) < 0 || db_run(b) < 0 || db_commit() < 0) {
		snprintf(err, errlen, "catalogue: %s", db_errmsg());
		db_rollback();
		goto undo_target;
	}
	if (map_store(username, to, err, errlen) < 0) {
		/* the map may be half switched: put every host back */
		char e2[256];
		st = db_stmt("UPDATE stores SET pod = :from WHERE username = :u");
		db_bind_text(st, ":from", from);
		db_bind_text(st, ":u", username);
		if (db_run(st) < 0 || map_store(username, from, e2, sizeof e2) < 0) log_warn("move: switching back failed too");
		goto undo_target;
	}
	t_switch = ms_now();
	printf("%s: map switched to %s\n", username, to);
	/* 4. verify: HAProxy's live map names the target for the subdomain */
	if (cfg.haproxy_socket[0]) {
		char host[300], pod[64];
		subdomain(username, host, sizeof host);
		if (map_get(host, pod, sizeof pod, err, errlen) < 0 || strcmp(pod, to) != 0) {
			snprintf(err, errlen, "after the switch HAProxy sends %s to '%s', not %s", host, pod, to);
			goto done;     /* the catalogue is right; `catalogue haproxy-map` + reload repairs HAProxy */
		}
	}
	/* 5. the source's copy goes, after a moment for requests HAProxy had
	 *    sent there before the switch (they finish: the delete waits for
	 *    the write lock; readers keep their snapshot) */
	usleep(MOVE_DRAIN_MS * 1000);
	const char *del[] = { "tenant", "delete", username, "--yes", NULL };
	if (run_pod(from, NULL, NULL, del, err, errlen) != 0) goto done;
	printf("%s: removed from %s\n", username, from);
	printf("%s: moved %s -> %s in %lld ms, writes paused %lld ms\n", username, from, to, (long long)(ms_now() - t0),
	       (long long)(t_switch - t_ro));
	rc = 0;
	goto done;
undo_target: {
		const char *del2[] = { "tenant", "delete", username, "--yes", NULL };
		char e2[256];
		if (run_pod(to, NULL, NULL, del2, e2, sizeof e2) != 0) log_warn("move: the target's copy stays: %s", e2);
	}
reopen: {
		const char *open0[] = { "tenant", "read-only", username, "0", NULL };
		char e2[256];
		if (run_pod(from, NULL, NULL, open0, e2, sizeof e2) != 0) log_warn("move: the source stays read-only: %s", e2);
	}
back:
	st = db_stmt("UPDATE stores SET status = 'active' WHERE username = :u");
	db_bind_text(st, ":u", username);
	db_run_best_effort(st);
done:
	unlink(tmp);
	return rc;
}
