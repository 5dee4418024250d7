/* bin/storefront: the operator CLI. init (create or migrate the database),
 * demo, tenant create, user add, token create. Errors go to stderr with a
 * non-zero exit; every command takes --help. */
#include "config.h"
#include "db.h"
#include "search.h"
#include "chat.h"
#include "ai.h"
#include "provision.h"
#include "auth.h"
#include "audit.h"
#include "tenant.h"
#include "log.h"
#include "util.h"
#include "payment.h"
#include "admin_access.h"
#include "import.h"
#include "outbox.h"
#include "schedule.h"
#include "sandbox.h"
#include "store_settings.h"
#include "validate.h"
#include "render.h"
#include "catalog.h"
#include "posts.h"
#include "http.h"
#include "tenantfile.h"
#include "backup.h"
#include "pods.h"
#include "media.h"

#include <getopt.h>
#include <spawn.h>
#include <sys/wait.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include "pagecache.h"
#include <string.h>
#include <termios.h>
#include <unistd.h>

static const char usage[] =
	"usage: storefront [--db PATH] COMMAND ...\n"
	"\n"
	"  init                                   create or migrate the database\n"
	"  demo                                   load the demo store (idempotent)\n"
	"  tenant create USERNAME --name NAME     create a store with a published home page\n"
	"  tenant rename USERNAME [--name NAME] [--username NEW]\n"
	"                                         rename the store and/or move it to a new username\n"
	"  tenant suspend|resume USERNAME         store answers 503 and its admin is read-only / back\n"
	"  tenant delete USERNAME --yes           remove the store and all its data; username held\n"
	"  tenant list                            every store with its status\n"
	"  tenant export USERNAME FILE            the store as one SQLite file, from one snapshot, live\n"
	"  tenant import FILE [--as USERNAME]     load an exported store with new ids; checks counts, checksums\n"
	"  tenant read-only USERNAME SECONDS      writes answer 503 + Retry-After for SECONDS (0 ends it)\n"
	"  tenant rules                           tables/columns lacking an export rule (non-zero exit)\n"
	"  user add USERNAME EMAIL [--role R]     add a user (owner|editor|staff); password on stdin\n"
	"  user passwd USERNAME EMAIL [--keep-tokens]\n"
	"                                         set a user's password (stdin); ends their sessions\n"
	"                                         and revokes their API tokens (unless --keep-tokens)\n"
	"  token create USERNAME EMAIL [--name N] print a new API token for the user (shown once)\n"
	"  domains [--all]                        verified custom domains of active stores, one a line\n"
	"                                         (for certbot); --all: every domain with its state\n"
	"  routes                                 every admin and platform route as JSON\n"
	"  import shopify-csv USERNAME FILE.csv   import or update products from a Shopify export\n"
	"  reindex [USERNAME]                     rebuild the search index and embeddings (one store or all)\n"
	"  deliver [--loop [SECONDS]]            send due emails, POS webhooks, payment intents; due scheduled publishes (--loop: the deliverer)\n"
	"  backup FILE | --auto                   online backup of the database and media (--auto: backup_dir, kept)\n"
	"  restore FILE [--force]                 restore a backup into the database and media_dir\n"
	"  catalogue ...                          the router node's pod catalogue and HAProxy map (catalogue --help)\n"
	"  tenant move USERNAME --to POD          move a store to another pod (router node; short read-only window)\n"
	"  media fetch [USERNAME]                 download products' remote images into the media library\n"
	"  cache stats [USERNAME]                 pages in the page cache (of one store, or all) as JSON\n"
	"  cache purge [USERNAME]                 remove a store's cached pages (no USERNAME: every store's)\n"
	"  vibe check FILE                        validate vibe code (CodeValidationResult JSON)\n"
	"  vibe render FILE [--data DATA.json] [--tenant USERNAME]\n"
	"                                         render vibe code in the sandbox, print the HTML\n"
	"\n"
	"The database is --db, or $STOREFRONT_DB, or db in storefront.conf, else\n"
	"STATEDIR/storefront.db when installed (/var/lib/storefront by default), var/storefront.db\n"
	"in a source tree.\n";

static int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("storefront: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	return 1;
}

static int wants_help(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return 1;
	return 0;
}

static int open_db(int migrate)
{
	char err[512];
	if (db_open(cfg.db, err, sizeof err) < 0) return fail("%s", err), -1;
	if (migrate) {
		char dir[1200];
		int n = db_migrate(config_path(dir, sizeof dir, "sql"), err, sizeof err);
		if (n < 0) return fail("%s", err), -1;
		if (migrate == 2) printf("database %s: schema version %d (%d migration%s applied)\n", cfg.db,
					 db_schema_version(), n, n == 1 ? "" : "s");
	} else if (db_schema_version() == 0) {
		return fail("database %s is not initialised; run 'storefront init' first", cfg.db), -1;
	}
	return 0;
}

static int cmd_init(int argc, char **argv)
{
	if (wants_help(argc, argv)) { puts("usage: storefront [--db PATH] init\nCreate the database or apply missing migrations."); return 0; }
	if (argc != 1) return fail("init takes no arguments");
	return open_db(2) < 0;
}

static int cmd_demo(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		puts("usage: storefront [--db PATH] demo\nLoad the demo store 'demo' (owner owner@demo.localhost; password from\n"
		     "$STOREFRONT_DEMO_PASSWORD, default demo-password). Does nothing if it exists.");
		return 0;
	}
	if (open_db(1) < 0) return 1;
	const char *pw = getenv("STOREFRONT_DEMO_PASSWORD");
	char err[512] = "";
	if (prov_demo(pw && *pw ? pw : "demo-password", err, sizeof err) < 0) return fail("%s", err);
	if (search_flush_all() < 0) return fail("search index: %s", db_errmsg());   /* searchable at once */
	printf("demo store ready: http://demo.%s/\n", cfg.base_domain);
	return 0;
}

static int tenant_create(int argc, char **argv)
{
	const char *username = NULL, *name = NULL;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--name") && i + 1 < argc) name = argv[++i];
		else if (!strncmp(argv[i], "--name=", 7)) name = argv[i] + 7;
		else if (argv[i][0] == '-') return fail("tenant create: unknown option %s", argv[i]);
		else if (!username) username = argv[i];
		else return fail("tenant create: unexpected argument %s", argv[i]);
	}
	if (!username || !name) return fail("usage: storefront tenant create USERNAME --name \"Store name\"");
	if (open_db(1) < 0) return 1;
	char err[512];
	int64_t id = prov_tenant_create(username, name, 1, err, sizeof err);
	if (id < 0) return fail("%s", err);
	printf("created store %s (id %lld): http://%s.%s/\n", username, (long long)id, username, cfg.base_domain);
	return 0;
}

static int tenant_list(void)
{
	if (open_db(1) < 0) return 1;
	sqlite3_stmt *st = db_stmt("SELECT username, status, name FROM tenants WHERE status != 'deleted' ORDER BY username -- scan");
	while (db_step(st) == SQLITE_ROW)
		printf("%-40s %-10s %s\n", db_text(st, 0), db_text(st, 1), db_text(st, 2));
	db_reset(st);
	return 0;
}

static void print_json(cJSON *o)
{
	char *txt = cJSON_Print(o);
	puts(txt);
	cJSON_free(txt);
	cJSON_Delete(o);
}

/* tenant export|import|read-only|rules (tenantfile.h) */
static int tenant_file(const char *sub, int argc, char **argv)
{
	char err[1024];
	cJSON *rep = NULL;
	if (!strcmp(sub, "rules")) {
		if (argc != 2) return fail("usage: storefront tenant rules");
		if (open_db(1) < 0) return 1;
		cJSON *a = tf_rule_problems();
		int n = cJSON_GetArraySize(a);
		print_json(a);
		return n ? fail("%d table%s or column%s without an export rule (src/tenantfile.c)", n, n == 1 ? "" : "s",
				n == 1 ? "" : "s") : 0;
	}
	if (!strcmp(sub, "export")) {
		if (argc != 4) return fail("usage: storefront tenant export USERNAME FILE   (FILE -: to stdout)");
		if (open_db(1) < 0) return 1;
		char tmp[] = "/tmp/storefront-export-XXXXXX";
		int to_stdout = !strcmp(argv[3], "-");
		if (to_stdout) {
			int fd = mkstemp(tmp);
			if (fd < 0) return fail("export: no temporary file");
			close(fd);
			unlink(tmp);
		}
		if (tf_export(argv[2], to_stdout ? tmp : argv[3], &rep, err, sizeof err) < 0) return fail("export: %s", err);
		if (!to_stdout) { print_json(rep); return 0; }
		cJSON_Delete(rep);
		size_t n;
		char *data = file_read(tmp, &n);
		unlink(tmp);
		if (!data || fwrite(data, 1, n, stdout) != n || fflush(stdout) != 0) { free(data); return fail("export: cannot write stdout"); }
		free(data);
		return 0;
	}
	if (!strcmp(sub, "read-only")) {
		if (argc != 4) return fail("usage: storefront tenant read-only USERNAME SECONDS   (0 ends the window)");
		if (open_db(1) < 0) return 1;
		if (tf_read_only(argv[2], atol(argv[3]), err, sizeof err) < 0) return fail("%s", err);
		printf("store %s: writes %s\n", argv[2], atol(argv[3]) > 0 ? "paused" : "open");
		return 0;
	}
	const char *file = NULL, *as = NULL;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--as") && i + 1 < argc) as = argv[++i];
		else if (!file && (argv[i][0] != '-' || !strcmp(argv[i], "-"))) file = argv[i];
		else return fail("usage: storefront tenant import FILE [--as USERNAME]");
	}
	if (!file) return fail("usage: storefront tenant import FILE [--as USERNAME]   (FILE -: from stdin)");
	if (open_db(1) < 0) return 1;
	char tmp[] = "/tmp/storefront-import-XXXXXX";
	if (!strcmp(file, "-")) {       /* a move pipes the file through the pod's command */
		int fd = mkstemp(tmp);
		if (fd < 0) return fail("import: no temporary file");
		char buf[65536];
		size_t r;
		while ((r = fread(buf, 1, sizeof buf, stdin)) > 0)
			if (write(fd, buf, r) != (ssize_t)r) { close(fd); unlink(tmp); return fail("import: cannot store stdin"); }
		close(fd);
		file = tmp;
	}
	int taken;
	int rc = tf_import(file, as, &rep, &taken, err, sizeof err);
	if (file == tmp) unlink(tmp);
	if (rc < 0) return fail("import: %s", err);
	print_json(rep);
	return 0;
}

static int cmd_tenant(int argc, char **argv)
{
	const char *u = "usage: storefront [--db PATH] tenant create USERNAME --name \"Store name\"\n"
			"       storefront tenant rename USERNAME [--name \"New name\"] [--username NEW]\n"
			"       storefront tenant suspend|resume USERNAME\n"
			"       storefront tenant delete USERNAME --yes\n"
			"       storefront tenant list\n"
			"       storefront tenant export USERNAME FILE      the store as one SQLite file (live)\n"
			"       storefront tenant import FILE [--as USERNAME]  load an exported store, ids remapped\n"
			"       storefront tenant read-only USERNAME SECONDS   pause the store's writes (0: resume)\n"
			"       storefront tenant rules                     tables/columns the export cannot place\n"
			"A deleted or renamed store's username is held for username_hold_days.";
	if (wants_help(argc, argv)) { puts(u); return 0; }
	if (argc < 2) return fail("%s", u);
	const char *sub = argv[1];
	if (!strcmp(sub, "create")) return tenant_create(argc, argv);
	if (!strcmp(sub, "list")) return argc == 2 ? tenant_list() : fail("%s", u);
	if (!strcmp(sub, "export") || !strcmp(sub, "import") || !strcmp(sub, "read-only") || !strcmp(sub, "rules"))
		return tenant_file(sub, argc, argv);
	if (!strcmp(sub, "move")) {
		const char *user = NULL, *to = NULL;
		long window = 60;
		for (int i = 2; i < argc; i++) {
			if (!strcmp(argv[i], "--to") && i + 1 < argc) to = argv[++i];
			else if (!strcmp(argv[i], "--window") && i + 1 < argc) window = atol(argv[++i]);
			else if (!user && argv[i][0] != '-') user = argv[i];
			else return fail("usage: storefront tenant move USERNAME --to POD [--window SECONDS]");
		}
		if (!user || !to || window < 1 || window > cfg.read_only_max)
			return fail("usage: storefront tenant move USERNAME --to POD [--window SECONDS (1..read_only_max)]");
		char err[1024];
		if (pods_open(err, sizeof err) < 0) return fail("%s", err);
		if (pods_move(user, to, window, err, sizeof err) < 0) return fail("move: %s", err);
		return 0;
	}
	const char *username = NULL, *name = NULL, *newname = NULL;
	int yes = 0;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--name") && i + 1 < argc) name = argv[++i];
		else if (!strcmp(argv[i], "--username") && i + 1 < argc) newname = argv[++i];
		else if (!strcmp(argv[i], "--yes")) yes = 1;
		else if (argv[i][0] == '-') return fail("tenant %s: unknown option %s", sub, argv[i]);
		else if (!username) username = argv[i];
		else return fail("tenant %s: unexpected argument %s", sub, argv[i]);
	}
	if (!username) return fail("%s", u);
	char err[512];
	int rc;
	if (!strcmp(sub, "rename")) {
		if (!name && !newname) return fail("tenant rename: give --name and/or --username");
		if (open_db(1) < 0) return 1;
		rc = prov_tenant_rename(username, name, newname, "cli", "", err, sizeof err);
		if (rc == 0) printf("renamed store %s%s%s\n", username, newname ? " to " : "", newname ? newname : "");
	} else if (!strcmp(sub, "suspend") || !strcmp(sub, "resume")) {
		if (open_db(1) < 0) return 1;
		int susp = !strcmp(sub, "suspend");
		rc = prov_tenant_status(username, susp ? "suspended" : "active", "cli", "", err, sizeof err);
		if (rc == 0) printf("store %s %s\n", username, susp ? "suspended" : "resumed");
	} else if (!strcmp(sub, "delete")) {
		if (!yes) return fail("tenant delete removes the store and all its data; add --yes to do it");
		if (open_db(1) < 0) return 1;
		rc = prov_tenant_delete(username, "cli", "", err, sizeof err);
		if (rc == 0) printf("deleted store %s; the username is held for %ld days\n", username, cfg.username_hold_days);
	} else {
		return fail("unknown tenant command '%s'\n%s", sub, u);
	}
	return rc < 0 ? fail("%s", err) : 0;
}

static int load_user(const char *username, const char *email, tenant *t, int64_t *uid)
{
	if (tenant_load_username(t, username) < 0) return fail("no store '%s'", username), -1;
	char mail[256];
	snprintf(mail, sizeof mail, "%s", email);
	str_lower(mail);
	sqlite3_stmt *st = db_stmt("SELECT id FROM users WHERE tenant_id = :t AND email = :e");
	db_bind_int(st, ":t", t->id);
	db_bind_text(st, ":e", mail);
	*uid = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	if (!*uid) return fail("no user %s in store '%s'", mail, username), -1;
	return 0;
}

static int read_password(char *buf, size_t n)
{
	int tty = isatty(0);
	struct termios old, quiet;
	if (tty) {
		fputs("password: ", stderr);
		tcgetattr(0, &old);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSANOW, &quiet);
	}
	char *ok = fgets(buf, (int)n, stdin);
	if (tty) { tcsetattr(0, TCSANOW, &old); fputc('\n', stderr); }
	if (!ok) return -1;
	buf[strcspn(buf, "\r\n")] = 0;
	return 0;
}

static int cmd_user(int argc, char **argv)
{
	const char *u = "usage: storefront [--db PATH] user add USERNAME EMAIL [--role owner|editor|staff]\n"
			"       storefront [--db PATH] user passwd USERNAME EMAIL [--keep-tokens]\n"
			"The password (10-128 characters) is read from standard input.";
	if (wants_help(argc, argv)) { puts(u); return 0; }
	if (argc >= 2 && strcmp(argv[1], "passwd") == 0) {
		/* An operator resets a password after a compromise or a lost one:
		 * the tokens minted with the old one go too, unless asked not to. */
		int keep = argc == 5 && strcmp(argv[4], "--keep-tokens") == 0;
		if (argc != 4 && !keep) return fail("%s", u);
		if (open_db(1) < 0) return 1;
		tenant t = { 0 };
		if (tenant_load_username(&t, argv[2]) < 0) return fail("no store '%s'", argv[2]);
		char pw[512], err[512];
		if (read_password(pw, sizeof pw) < 0) { tenant_clear(&t); return fail("no password given on standard input"); }
		int revoked = 0;
		int rc = prov_user_passwd(t.id, argv[3], pw, !keep, &revoked, err, sizeof err);
		memset(pw, 0, sizeof pw);
		tenant_clear(&t);
		if (rc < 0) return fail("%s", err);
		if (keep) printf("password changed for %s in %s; their sessions were ended, their API tokens kept\n", argv[3], argv[2]);
		else printf("password changed for %s in %s; their sessions were ended and %d API token%s revoked\n",
			    argv[3], argv[2], revoked, revoked == 1 ? "" : "s");
		return 0;
	}
	if (argc < 2 || strcmp(argv[1], "add") != 0) return fail("%s", u);
	const char *pos[2] = { NULL, NULL }, *role = "owner";
	int np = 0;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--role") && i + 1 < argc) role = argv[++i];
		else if (!strncmp(argv[i], "--role=", 7)) role = argv[i] + 7;
		else if (argv[i][0] == '-') return fail("user add: unknown option %s", argv[i]);
		else if (np < 2) pos[np++] = argv[i];
		else return fail("user add: unexpected argument %s", argv[i]);
	}
	if (np != 2) return fail("%s", u);
	if (open_db(1) < 0) return 1;
	tenant t = { 0 };
	if (tenant_load_username(&t, pos[0]) < 0) return fail("no store '%s'", pos[0]);
	char pw[512];
	if (read_password(pw, sizeof pw) < 0) return fail("no password given on standard input");
	char err[512];
	int64_t id = prov_user_add(t.id, pos[1], pw, role, err, sizeof err);
	memset(pw, 0, sizeof pw);
	tenant_clear(&t);
	if (id < 0) return fail("%s", err);
	printf("added %s to %s as %s\n", pos[1], pos[0], role);
	return 0;
}

static int cmd_token(int argc, char **argv)
{
	const char *u = "usage: storefront [--db PATH] token create USERNAME EMAIL [--name NAME]\n"
			"Prints a new API token once; store it safely.";
	if (wants_help(argc, argv)) { puts(u); return 0; }
	if (argc < 2 || strcmp(argv[1], "create") != 0) return fail("%s", u);
	const char *pos[2] = { NULL, NULL }, *name = "cli";
	int np = 0;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--name") && i + 1 < argc) name = argv[++i];
		else if (argv[i][0] == '-') return fail("token create: unknown option %s", argv[i]);
		else if (np < 2) pos[np++] = argv[i];
		else return fail("token create: unexpected argument %s", argv[i]);
	}
	if (np != 2) return fail("%s", u);
	if (open_db(1) < 0) return 1;
	tenant t = { 0 };
	int64_t uid;
	if (load_user(pos[0], pos[1], &t, &uid) < 0) return 1;
	char token[48];
	int rc = auth_token_create(t.id, uid, name, token);
	if (rc == 0 && audit_write_as(t.id, uid, "cli", "", "token.create", "user", uid, NULL, name) < 0)
		fprintf(stderr, "warning: the token was created but not audited: %s\n", db_errmsg());
	tenant_clear(&t);
	if (rc < 0) return fail("cannot create token: %s", db_errmsg());
	puts(token);
	return 0;
}

static int cmd_domains(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		puts("usage: storefront domains [--all]\nThe names that should have a certificate: every verified custom domain\n"
		     "of an active store, one a line (feed them to certbot). --all prints every\n"
		     "custom domain as: domain state store.");
		return 0;
	}
	int all = argc == 2 && !strcmp(argv[1], "--all");
	if (argc > 2 || (argc == 2 && !all)) return fail("usage: storefront domains [--all]");
	if (open_db(1) < 0) return 1;
	sqlite3_stmt *st = db_stmt("SELECT d.domain, CASE WHEN d.verified_at IS NULL THEN 'pending' ELSE 'verified' END, "
				   "t.username, t.status FROM domains d JOIN tenants t ON t.id = d.tenant_id ORDER BY d.domain -- scan");
	while (db_step(st) == SQLITE_ROW) {
		int ok = !strcmp(db_text(st, 1), "verified") && !strcmp(db_text(st, 3), "active");
		if (all) printf("%s %s %s%s\n", db_text(st, 0), db_text(st, 1), db_text(st, 2),
				strcmp(db_text(st, 3), "active") ? " (store suspended)" : "");
		else if (ok) puts(db_text(st, 0));
	}
	db_reset(st);
	return 0;
}

static int cmd_routes(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		puts("usage: storefront routes\nPrint every route of admin.cgi (/api/cms/ and /api/platform/) as JSON:\n"
		     "program, method, pattern, flags, roles, resource, auth. storefront.fcgi --routes\n"
		     "prints the public store's.");
		return 0;
	}
	if (argc != 1) return fail("routes takes no arguments");
	cJSON *a = cJSON_CreateArray();
	routes_json(a, "admin", admin_routes, admin_nroutes);
	routes_json(a, "platform", platform_routes, platform_nroutes);
	char *s = cJSON_Print(a);
	puts(s);
	cJSON_free(s);
	cJSON_Delete(a);
	return 0;
}

/* storefront cache stats|purge [USERNAME]: the page cache (pagecache.h). */
static int cmd_cache(int argc, char **argv)
{
	const char *u = "usage: storefront [--db PATH] cache stats|purge [USERNAME]\n"
			"stats: pages kept and their bytes, of one store or of all (JSON).\n"
			"purge: remove one store's cached pages (and queue the CDN purge hook);\n"
			"without USERNAME, every store's, one store at a time.";
	if (wants_help(argc, argv)) { puts(u); return 0; }
	if (argc < 2 || argc > 3 || (strcmp(argv[1], "stats") && strcmp(argv[1], "purge"))) return fail("%s", u);
	if (open_db(0) < 0) return 1;
	int64_t tid = 0;
	if (argc == 3) {
		tenant t = { 0 };
		if (tenant_load_username(&t, argv[2]) < 0) return fail("no store '%s'", argv[2]);
		tid = t.id;
		tenant_clear(&t);
	}
	if (!strcmp(argv[1], "stats")) {
		cJSON *o = pagecache_stats(tid);
		char *s = cJSON_Print(o);
		puts(s);
		cJSON_free(s);
		cJSON_Delete(o);
		return 0;
	}
	if (!pagecache_enabled()) return fail("the page cache is off (page_cache_dir is not set)");
	int64_t *ids = NULL;
	size_t n = 0;
	if (tid) {
		ids = xmalloc(sizeof *ids);
		ids[n++] = tid;
	} else {
		sqlite3_stmt *st = db_stmt("SELECT id FROM tenants WHERE id > 0 ORDER BY id -- scan: every store, by the operator");
		while (db_step(st) == SQLITE_ROW) {
			ids = xrealloc(ids, (n + 1) * sizeof *ids);
			ids[n++] = db_int(st, 0);
		}
		db_reset(st);
	}
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		if (db_begin(1) < 0 || pagecache_invalidate(ids[i], "store", 0) < 0 || db_commit() < 0) {
			if (db_in_tx()) db_rollback();
			rc = fail("cannot purge store %lld: %s", (long long)ids[i], db_errmsg());
		}
	}
	if (rc == 0) printf("purged the cached pages of %zu store%s\n", n, n == 1 ? "" : "s");
	free(ids);
	return rc;
}

static void progress_bar(void *ud, size_t done, size_t total)
{
	(void)ud;
	int width = 40, fill = total ? (int)(done * (size_t)width / total) : width;
	fprintf(stderr, "\r[%.*s%*s] %zu/%zu products", fill, "########################################", width - fill, "", done, total);
	if (done == total) fputc('\n', stderr);
	fflush(stderr);
}

static void reindex_bar(int64_t done, int64_t total)
{
	progress_bar(NULL, (size_t)done, (size_t)total);
}

/* reindex [USERNAME]: the search index and offline embeddings of one store
 * (or every store) made again from the catalogue, pages and posts. */
static int cmd_reindex(int argc, char **argv)
{
	const char *u = "usage: storefront [--db PATH] reindex [USERNAME]\n"
			"Rebuild the search index and the offline embeddings of the store (all\n"
			"stores without USERNAME), with a progress bar on a terminal.";
	if (wants_help(argc, argv)) { puts(u); return 0; }
	if (argc > 2) return fail("%s", u);
	if (open_db(1) < 0) return 1;
	sqlite3_stmt *st = db_stmt(argc == 2 ? "SELECT id, username FROM tenants WHERE username = :u"
				   : "SELECT id, username FROM tenants WHERE status <> 'deleted' ORDER BY id -- scan: every store");
	if (argc == 2) db_bind_text(st, ":u", argv[1]);
	size_t n = 0, cap = 16;
	int64_t *ids = xmalloc(cap * sizeof *ids);
	while (db_step(st) == SQLITE_ROW) {
		if (n == cap) ids = xrealloc(ids, (cap *= 2) * sizeof *ids);
		ids[n++] = db_int(st, 0);
	}
	db_reset(st);
	if (argc == 2 && n == 0) { free(ids); return fail("no store '%s'", argv[1]); }
	int64_t t0 = now_usec();
	for (size_t i = 0; i < n; i++) {
		if (search_reindex(ids[i], isatty(2) ? reindex_bar : NULL) < 0) {
			free(ids);
			return fail("reindex failed: %s", db_errmsg());
		}
	}
	free(ids);
	printf("reindexed %zu store%s in %.2f s\n", n, n == 1 ? "" : "s", (double)(now_usec() - t0) / 1e6);
	return 0;
}

static int cmd_import(int argc, char **argv)
{
	const char *u = "usage: storefront [--db PATH] import shopify-csv USERNAME FILE.csv\n"
			"Products are matched by Handle: a re-import updates them. Bad rows are\n"
			"reported by row and column and skipped; the rest is imported.";
	if (wants_help(argc, argv)) { puts(u); return 0; }
	if (argc != 4 || strcmp(argv[1], "shopify-csv") != 0) return fail("%s", u);
	if (open_db(1) < 0) return 1;
	tenant t = { 0 };
	if (tenant_load_username(&t, argv[2]) < 0) return fail("no store '%s'", argv[2]);
	size_t n;
	char *data = file_read(argv[3], &n);
	if (!data) { tenant_clear(&t); return fail("cannot read %s", argv[3]); }
	cs_actor a = { t.id, 0, "cli", "" };
	imp_result res;
	int rc = imp_shopify_csv(&a, data, n, isatty(2) ? progress_bar : NULL, NULL, &res);
	free(data);
	if (rc == 0 && audit_bump_content(t.id) < 0)
		fprintf(stderr, "warning: the store's pages were not marked as changed: %s\n", db_errmsg());
	tenant_clear(&t);
	for (size_t i = 0; i < res.nerrors; i++)
		fprintf(stderr, "%s: row %zu%s%s%s: %s\n", argv[3], res.errors[i].row, res.errors[i].column[0] ? ", column '" : "",
			res.errors[i].column, res.errors[i].column[0] ? "'" : "", res.errors[i].message);
	if (rc < 0 || res.fatal[0]) {
		int r = fail("%s: %s", argv[3], res.fatal[0] ? res.fatal : "import failed");
		imp_result_free(&res);
		return r;
	}
	printf("imported %s: %d created, %d updated, %d failed, %zu row error%s\n", argv[3], res.created, res.updated,
	       res.failed, res.nerrors, res.nerrors == 1 ? "" : "s");
	int bad = res.nerrors > 0;
	imp_result_free(&res);
	return bad ? 3 : 0;
}

static volatile sig_atomic_t deliver_stop;
static void on_deliver_signal(int sig) { if (sig != SIGUSR2) deliver_stop = 1; }

static int pending_rows(void)
{
	sqlite3_stmt *q = db_stmt("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL -- scan");
	int pending = db_step(q) == SQLITE_ROW ? (int)db_int(q, 0) : 0;
	db_reset(q);
	return pending;
}

/* With a model configured: what is due for its vectors, in batches; a
 * failing endpoint is tried again after 30 s, doubling to 10 minutes. */
static void embed_tick(void)
{
	static int64_t next;
	static long wait;
	if (!ai_embed_configured() || now_unix() < next) return;
	char err[300] = "";
	int n = 0, total = 0;
	for (int k = 0; k < 100 && (n = search_embed_pending((int)cfg.ai_embed_batch, err, sizeof err)) > 0; k++) total += n;
	if (n < 0) {
		wait = wait ? (wait * 2 > 600 ? 600 : wait * 2) : 30;
		next = now_unix() + wait;
		fprintf(stderr, "embeddings: %s (trying again in %ld s)\n", err, wait);
	} else {
		wait = 0;
	}
	if (total) { printf("embedded %d item%s with %s\n", total, total == 1 ? "" : "s", cfg.ai_embed_model); fflush(stdout); }
}

/* Once a minute in the loop: old carts go, and a line for the log when
 * anything happened. */
static void deliver_media(void);

/* The deliverer's scheduled backup (backup_interval): a child process
 * of its own (`storefront backup --auto`), one at a time. */
static pid_t backup_pid;

static void backup_tick(void)
{
	if (backup_pid > 0 && waitpid(backup_pid, NULL, WNOHANG) == backup_pid) backup_pid = 0;
	if (backup_pid > 0 || !backup_due()) return;
	extern char **environ;
	char *argv[] = { "storefront", "--db", cfg.db, "backup", "--auto", NULL };
	if (posix_spawn(&backup_pid, "/proc/self/exe", NULL, NULL, argv, environ) != 0) {
		backup_pid = 0;
		log_warn("the scheduled backup did not start");
	}
}

static void deliver_tick(outbox_stats *st)
{
	backup_tick();
	/* remote product images into the media library (media.h) */
	deliver_media();
	/* Carts nobody touched for cart_ttl are gone (their cookie expired too). */
	sqlite3_stmt *old = db_stmt("DELETE FROM carts WHERE updated_at < :t");
	db_bind_int(old, ":t", now_unix() - cfg.cart_ttl);
	db_run_best_effort(old);
	/* Scheduled publishes go live here too, for stores nobody visits. */
	int due = sched_run_all();
	if (due > 0) { printf("scheduled publishes made live: %d\n", due); fflush(stdout); }
	/* anything the write paths marked for search that nobody indexed yet */
	if (search_flush_all() < 0) fprintf(stderr, "search index: %s\n", db_errmsg());
	if (chat_expire() < 0) fprintf(stderr, "chat conversations: %s\n", db_errmsg());
	embed_tick();
	if (st->sent || st->retry || st->failed) {
		printf("sent %d, retrying %d, given up %d, pending %d, payment intents made %d\n", st->sent, st->retry,
		       st->failed, pending_rows(), st->intents);
		fflush(stdout);
		memset(st, 0, sizeof *st);
	}
}

static int cmd_backup(int argc, char **argv)
{
	const char *u = "usage: storefront [--db PATH] backup FILE | --auto\n"
			"An online backup of the database (SQLite's backup API from one read snapshot, in\n"
			"steps of backup_step_pages; the stores stay live and writable) to FILE, checked,\n"
			"with the media files in FILE.media/. --auto: into backup_dir, named by the time,\n"
			"keeping the newest backup_keep (the deliverer runs it every backup_interval).";
	if (wants_help(argc, argv)) { puts(u); return 0; }
	if (argc != 2) return fail("%s", u);
	if (open_db(1) < 0) return 1;
	char err[1024], path[1200];
	long pages = 0, steps = 0, media = 0;
	if (!strcmp(argv[1], "--auto")) {
		if (backup_auto(path, sizeof path, err, sizeof err) < 0) return fail("backup: %s", err);
		printf("backup %s\n", path);
		return 0;
	}
	if (backup_run(argv[1], &pages, &steps, &media, err, sizeof err) < 0) return fail("backup: %s", err);
	printf("backup %s: %ld pages in %ld steps, %ld media files\n", argv[1], pages, steps, media);
	return 0;
}

static int cmd_restore(int argc, char **argv)
{
	const char *u = "usage: storefront [--db PATH] restore FILE [--force]\n"
			"Restore a backup into the database (--db, $STOREFRONT_DB or the config's db) and its\n"
			"media into media_dir. An existing database is refused unless --force. Then run\n"
			"'storefront init' (applies migrations newer than the backup).";
	if (wants_help(argc, argv)) { puts(u); return 0; }
	int force = argc == 3 && !strcmp(argv[2], "--force");
	if (argc < 2 || argc > 3 || (argc == 3 && !force)) return fail("%s", u);
	char err[1024];
	long media = 0;
	if (backup_restore(argv[1], cfg.db, force, &media, err, sizeof err) < 0) return fail("restore: %s", err);
	printf("restored %s into %s, %ld media files\n", argv[1], cfg.db, media);
	return 0;
}

static int cmd_catalogue(int argc, char **argv)
{
	const char *u = "usage: storefront catalogue init\n"
			"       storefront catalogue pod add NAME HOST:PORT --cli COMMAND\n"
			"       storefront catalogue pod list\n"
			"       storefront catalogue pod requests NAME N | --from-haproxy\n"
			"       storefront catalogue store create USERNAME --name NAME [--pod POD]\n"
			"       storefront catalogue store claim USERNAME [--pod POD]\n"
			"       storefront catalogue host add HOST USERNAME | host remove HOST\n"
			"       storefront catalogue lookup HOST\n"
			"       storefront catalogue haproxy-map [FILE]\n"
			"The router node's catalogue (catalogue in storefront.conf): every pod, every store's\n"
			"pod and hostnames; usernames are unique across pods. New stores go to the least-loaded\n"
			"pod (share of stores + share of recent requests). Changes reach HAProxy's live map\n"
			"through its runtime API (haproxy_socket, haproxy_map) without a reload.";
	if (wants_help(argc, argv) || argc < 2) { puts(u); return argc < 2; }
	char err[1024], pod[64];
	if (pods_open(err, sizeof err) < 0) return fail("%s", err);
	const char *a1 = argv[1], *a2 = argc > 2 ? argv[2] : "";
	if (!strcmp(a1, "init") && argc == 2) { printf("catalogue ready\n"); return 0; }
	if (!strcmp(a1, "pod") && !strcmp(a2, "add") && argc == 7 && !strcmp(argv[5], "--cli")) {
		if (pods_pod_add(argv[3], argv[4], argv[6], err, sizeof err) < 0) return fail("%s", err);
		printf("pod %s at %s\n", argv[3], argv[4]);
		return 0;
	}
	if (!strcmp(a1, "pod") && !strcmp(a2, "list") && argc == 3) { print_json(pods_pod_list()); return 0; }
	if (!strcmp(a1, "pod") && !strcmp(a2, "requests") && argc == 4 && !strcmp(argv[3], "--from-haproxy")) {
		int n = pods_requests_from_haproxy(err, sizeof err);
		if (n < 0) return fail("%s", err);
		printf("%d pods' request counts read from HAProxy\n", n);
		return 0;
	}
	if (!strcmp(a1, "pod") && !strcmp(a2, "requests") && argc == 5) {
		if (pods_pod_requests(argv[3], atol(argv[4]), err, sizeof err) < 0) return fail("%s", err);
		return 0;
	}
	if (!strcmp(a1, "store") && argc >= 4 && (!strcmp(a2, "create") || !strcmp(a2, "claim"))) {
		const char *name = NULL, *want = NULL;
		for (int i = 4; i < argc; i++) {
			if (!strcmp(argv[i], "--name") && i + 1 < argc) name = argv[++i];
			else if (!strcmp(argv[i], "--pod") && i + 1 < argc) want = argv[++i];
			else return fail("%s", u);
		}
		int rc;
		if (!strcmp(a2, "claim")) rc = pods_claim(argv[3], want, pod, sizeof pod, err, sizeof err);
		else if (!name) return fail("catalogue store create: --name is required");
		else rc = pods_store_create(argv[3], name, want, pod, sizeof pod, err, sizeof err);
		if (rc < 0) return fail("%s", err);
		printf("%s %s\n", argv[3], pod);
		return 0;
	}
	if (!strcmp(a1, "host") && !strcmp(a2, "add") && argc == 5) {
		if (pods_host_add(argv[3], argv[4], err, sizeof err) < 0) return fail("%s", err);
		return 0;
	}
	if (!strcmp(a1, "host") && !strcmp(a2, "remove") && argc == 4) {
		if (pods_host_remove(argv[3], err, sizeof err) < 0) return fail("%s", err);
		return 0;
	}
	if (!strcmp(a1, "lookup") && argc == 3) {
		if (pods_lookup(argv[2], pod, sizeof pod) < 0) return fail("no store at %s", argv[2]);
		puts(pod);
		return 0;
	}
	if (!strcmp(a1, "haproxy-map") && argc <= 3) {
		const char *path = argc == 3 ? argv[2] : cfg.haproxy_map;
		if (!*path) return fail("catalogue haproxy-map: give FILE or set haproxy_map");
		long n = pods_map_write(path, err, sizeof err);
		if (n < 0) return fail("%s", err);
		printf("%ld hosts written to %s\n", n, path);
		return 0;
	}
	return fail("%s", u);
}

static void fetch_report(int64_t tid, const char *url, const char *problem)
{
	log_warn("media fetch: store %lld: %s: %s", (long long)tid, url, problem);
}

/* Images a round of the deliverer downloads at most (media fetch), and
 * the time after which it starts no more: emails and webhooks wait. */
#define DELIVER_MEDIA_PER_TICK 20
#define DELIVER_MEDIA_TICK_MS 15000

static void deliver_media(void)
{
	media_fetch_stats ms = { .deadline = now_usec() + DELIVER_MEDIA_TICK_MS * 1000LL };
	media_fetch_due(DELIVER_MEDIA_PER_TICK, &ms, fetch_report);
	if (ms.fetched || ms.reused || ms.failed) {
		printf("media: fetched %d, reused %d, failed %d, left %d\n", ms.fetched, ms.reused, ms.failed, ms.left);
		fflush(stdout);
	}
}

static int cmd_media(int argc, char **argv)
{
	const char *u = "usage: storefront [--db PATH] media fetch [USERNAME]\n"
			"Download the remote images products name (Shopify CSV import, POS sync) through\n"
			"the public-address guard into each store's media library (or USERNAME's), and\n"
			"point the products at the local copies, with their renditions. The deliverer\n"
			"does the same in the background after an import or sync.";
	if (wants_help(argc, argv)) { puts(u); return 0; }
	if (argc < 2 || argc > 3 || strcmp(argv[1], "fetch") != 0) return fail("%s", u);
	if (open_db(1) < 0) return 1;
	int64_t ids[4096];
	int n = 0;
	if (argc == 3) {
		tenant t = { 0 };
		if (tenant_load_username(&t, argv[2]) < 0) return fail("no store '%s'", argv[2]);
		ids[n++] = t.id;
		tenant_clear(&t);
	} else {
		sqlite3_stmt *st = db_stmt("SELECT id FROM tenants ORDER BY id -- scan: every store, by the operator");
		while (n < (int)ARRAY_LEN(ids) && db_step(st) == SQLITE_ROW) ids[n++] = db_int(st, 0);
		db_reset(st);
	}
	media_fetch_stats all = { 0 };
	for (int i = 0; i < n; i++) {
		media_fetch_stats ms = { 0 };
		do {   /* rounds of 50 until nothing is left but failures */
			int before = ms.failed;
			ms.left = 0;
			if (media_fetch_store(ids[i], "cli", 50, &ms, fetch_report) < 0)
				return fail("database error: %s", db_errmsg());
			if (ms.failed > before) break;
		} while (ms.left > 0);
		all.fetched += ms.fetched;
		all.reused += ms.reused;
		all.failed += ms.failed;
		all.left += ms.left;
	}
	printf("media fetch: %d downloaded, %d already in the library, %d failed, %d still remote\n", all.fetched,
	       all.reused, all.failed, all.left);
	return all.failed ? 3 : 0;
}

static int cmd_deliver(int argc, char **argv)
{
	const char *u = "usage: storefront [--db PATH] deliver [--loop [SECONDS]]\n"
			"Send due order emails (SMTP at smtp_url), POS webhooks and the payment intents\n"
			"checkout could not make in time; failed sends are retried with backoff per\n"
			"message and per destination host. Without --loop: what is due now, then exit\n"
			"(cron). With --loop: the deliverer, a long-running process that looks for due\n"
			"work every SECONDS (default 1; SIGUSR2 wakes it) until SIGTERM, SIGINT, SIGQUIT,\n"
			"SIGHUP or SIGUSR1 (multiwatch's stop signal).";
	if (wants_help(argc, argv)) { puts(u); return 0; }
	outbox_opts o = { 0 };
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--loop")) {
			o.loop = 1;
			o.poll_ms = 1000;
			if (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9') {
				double sec = atof(argv[++i]);
				o.poll_ms = sec > 0 ? (long)(sec * 1000) : 1000;
			}
		} else {
			return fail("%s", u);
		}
	}
	if (open_db(1) < 0) return 1;
	outbox_stats st;
	if (!o.loop) {
		if (outbox_run(&o, &st) < 0) return fail("database error: %s", db_errmsg());
		deliver_tick(&(outbox_stats){ 0 });     /* the cart sweep */
		printf("sent %d, retrying %d, given up %d, pending %d, payment intents made %d\n", st.sent, st.retry,
		       st.failed, pending_rows(), st.intents);
		return 0;
	}
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_deliver_signal;       /* no SA_RESTART: the nap ends at once */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);      /* what multiwatch sends its children on stop */
	sigaction(SIGUSR2, &sa, NULL);      /* wake: look for due work now */
	o.stop = &deliver_stop;
	o.tick = deliver_tick;
	/* the scheduled backup is looked for at least as often as it is due */
	if (cfg.backup_interval > 0 && cfg.backup_interval < 60) o.tick_ms = cfg.backup_interval * 1000;
	deliver_tick(&(outbox_stats){ 0 });
	int rc = outbox_run(&o, &st);
	deliver_tick(&st);
	if (rc < 0) return fail("database error: %s", db_errmsg());
	return 0;
}

static char *read_source(const char *path)
{
	size_t n;
	char *s = strcmp(path, "-") == 0 ? NULL : file_read(path, &n);
	if (!s) fail("cannot read %s", path);
	else if (strlen(s) != n) { fail("%s contains a NUL byte", path); free(s); s = NULL; }
	return s;
}

/* Inputs from a store's data, for `vibe render --tenant`: what the live
 * page would pass (the block config comes from DATA.json or is empty). */
static cJSON *tenant_inputs(const char *username, char *tz, size_t ntz)
{
	tenant t = { 0 };
	if (tenant_load_username(&t, username) < 0) { fail("no store '%s'", username); return NULL; }
	com_time_zone(t.id, tz, ntz);
	char *env[] = { "REQUEST_METHOD=GET", "REQUEST_URI=/", NULL };
	req r;
	http_begin(&r, env, NULL, NULL);
	r.t = t;
	snprintf(r.host, sizeof r.host, "%s.%s", t.username, cfg.base_domain);
	cJSON *d = cJSON_CreateObject();
	cJSON_AddItemToObject(d, "storefront", render_storefront(&r));
	cJSON_AddItemToObject(d, "products", cat_products(&r.t, NULL, NULL, CAT_BLOCK_PRODUCTS));
	cJSON_AddItemToObject(d, "catalog", cat_catalog(&r.t));
	cJSON_AddItemToObject(d, "collections", cat_collections(&r.t));
	cJSON_AddItemToObject(d, "posts", posts_published(r.t.id, POSTS_BLOCK_MAX));
	http_end(&r);
	return d;
}

static int cmd_vibe(int argc, char **argv)
{
	const char *u = "usage: storefront vibe check FILE\n"
			"       storefront [--db PATH] vibe render FILE [--data DATA.json] [--tenant USERNAME]\n"
			"check prints the CodeValidationResult as JSON (exit 1 if invalid).\n"
			"render runs the code in the same sandbox and limits as the store and prints\n"
			"the HTML (or the error, exit 1). DATA.json holds inputs by name; inputs it\n"
			"does not give come from the store's data with --tenant, else from sample data.\n"
			"Local-time Date methods use the store's time zone with --tenant, else UTC.";
	if (wants_help(argc, argv)) { puts(u); return 0; }
	if (argc < 3) return fail("%s", u);
	const char *sub = argv[1], *file = argv[2], *data_path = NULL, *user = NULL;
	if (strcmp(sub, "check") && strcmp(sub, "render")) return fail("%s", u);
	for (int i = 3; i < argc; i++) {
		if (!strcmp(argv[i], "--data") && i + 1 < argc) data_path = argv[++i];
		else if (!strcmp(argv[i], "--tenant") && i + 1 < argc) user = argv[++i];
		else return fail("vibe: unexpected argument %s", argv[i]);
	}
	/* The sandbox's zygote is forked before any data is read. */
	if (sbx_start() < 0) return fail("cannot start the render sandbox");
	char *code = read_source(file);
	if (!code) return 1;
	int rc = 1;
	if (!strcmp(sub, "check")) {
		if (data_path || user) { free(code); return fail("vibe check takes only FILE"); }
		cJSON *v = val_check(code, 1, 0, NULL);
		char *out = cJSON_Print(v);
		puts(out);
		rc = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "isValid")) ? 0 : 1;
		cJSON_free(out);
		cJSON_Delete(v);
	} else if (!strcmp(sub, "render")) {
		cJSON *data = NULL;
		char tz[SBX_TZ_MAX] = "UTC";   /* the store's with --tenant */
		if (data_path) {
			char *text = read_source(data_path);
			data = text ? cJSON_Parse(text) : NULL;
			free(text);
			if (!cJSON_IsObject(data)) { free(code); cJSON_Delete(data); return fail("%s: not a JSON object of inputs by name", data_path); }
		}
		if (user) {
			if (open_db(0) < 0) { free(code); cJSON_Delete(data); return 1; }
			cJSON *td = tenant_inputs(user, tz, sizeof tz);
			if (!td) { free(code); cJSON_Delete(data); return 1; }
			const cJSON *it;   /* DATA.json wins over the store's data */
			cJSON_ArrayForEach(it, data) {
				cJSON_DeleteItemFromObjectCaseSensitive(td, it->string);
				cJSON_AddItemToObject(td, it->string, cJSON_Duplicate(it, 1));
			}
			cJSON_Delete(data);
			data = td;
		}
		vibe_entry entry;
		vibe_error err;
		sbuf es5 = SBUF_INIT, html = SBUF_INIT;
		if (vibe_compile(code, &es5, &entry, &err) == 0) {
			char *json = val_sample_inputs(&entry, data);
			if (val_render(sb_str(&es5), &entry, json, 0, tz, &html, &err) == 0) {
				fwrite(sb_str(&html), 1, html.len, stdout);
				if (html.len && html.s[html.len - 1] != '\n') putchar('\n');
				rc = 0;
			}
			cJSON_free(json);
		}
		if (rc) fprintf(stderr, "storefront: %s: line %d, column %d: %s: %s\n", file, err.line, err.column,
				err.kind, err.message);
		sb_free(&es5);
		sb_free(&html);
		cJSON_Delete(data);
	} else {
		rc = fail("%s", u);
	}
	free(code);
	return rc;
}

int main(int argc, char **argv)
{
	log_set_program("storefront");
	const char *dbpath = NULL;
	int i = 1;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--db") && i + 1 < argc) dbpath = argv[++i];
		else if (!strncmp(argv[i], "--db=", 5)) dbpath = argv[i] + 5;
		else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) { fputs(usage, stdout); return 0; }
		else return fail("unknown option %s\n%s", argv[i], usage);
	}
	if (i >= argc) { fputs(usage, stderr); return 2; }
	char err[512];
	if (config_load(NULL, err, sizeof err) < 0) return fail("%s", err);
	if (dbpath) snprintf(cfg.db, sizeof cfg.db, "%s", dbpath);
	const char *cmd = argv[i];
	int sub_argc = argc - i;
	char **sub = argv + i;
	int rc;
	if (!strcmp(cmd, "init")) rc = cmd_init(sub_argc, sub);
	else if (!strcmp(cmd, "demo")) rc = cmd_demo(sub_argc, sub);
	else if (!strcmp(cmd, "tenant")) rc = cmd_tenant(sub_argc, sub);
	else if (!strcmp(cmd, "user")) rc = cmd_user(sub_argc, sub);
	else if (!strcmp(cmd, "token")) rc = cmd_token(sub_argc, sub);
	else if (!strcmp(cmd, "routes")) rc = cmd_routes(sub_argc, sub);
	else if (!strcmp(cmd, "domains")) rc = cmd_domains(sub_argc, sub);
	else if (!strcmp(cmd, "import")) rc = cmd_import(sub_argc, sub);
	else if (!strcmp(cmd, "reindex")) rc = cmd_reindex(sub_argc, sub);
	else if (!strcmp(cmd, "deliver")) rc = cmd_deliver(sub_argc, sub);
	else if (!strcmp(cmd, "vibe")) rc = cmd_vibe(sub_argc, sub);
	else if (!strcmp(cmd, "backup")) rc = cmd_backup(sub_argc, sub);
	else if (!strcmp(cmd, "catalogue")) rc = cmd_catalogue(sub_argc, sub);
	else if (!strcmp(cmd, "restore")) rc = cmd_restore(sub_argc, sub);
	else if (!strcmp(cmd, "media")) rc = cmd_media(sub_argc, sub);
	else if (!strcmp(cmd, "cache")) rc = cmd_cache(sub_argc, sub);
	else rc = fail("unknown command '%s'\n%s", cmd, usage);
	db_close();
	return rc;
}
