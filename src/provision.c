/* provision: tenants, users, tokens and the demo store (see provision.h). */
#include "pagecache.h"
#include "provision.h"
#include "media.h"
#include "pages.h"
#include "input.h"
#include "auth.h"
#include "audit.h"
#include "tenant.h"
#include "money.h"
#include "config.h"
#include "db.h"
#include "util.h"

#include <cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const reserved[] = {
	"www", "api", "admin", "mail", "static", "app", "apps", "cdn", "assets", "media", "platform",
	"support", "help", "status", "blog", "shop", "store", "stores", "root", "ftp", "smtp", "imap",
	"pop", "ns1", "ns2", "dns", "mx", "webmail", "dashboard", "account", "accounts", "billing",
	"login", "auth", "secure", "dev", "test", "staging", "docs", "tarpos", "localhost", NULL,
};

int prov_reserved(const char *u)
{
	for (int i = 0; reserved[i]; i++)
		if (strcmp(reserved[i], u) == 0) return 1;
	return 0;
}

int64_t prov_publish(int64_t tid, int64_t page)
{
	cJSON *blocks = pages_blocks(tid, page);
	int n;
	int64_t v = pages_snapshot(tid, page, 0, 0, blocks, &n);
	cJSON_Delete(blocks);
	return v;
}

const char *prov_username_problem(const char *username, char *buf, size_t n)
{
	const char *p = username_problem(username);
	if (p) { snprintf(buf, n, "username '%s' %s", username, p); return buf; }
	/* RFC 5891: "??--" labels are reserved (xn-- is punycode: a look-alike
	 * of another name). */
	if (strlen(username) >= 4 && username[2] == '-' && username[3] == '-') {
		snprintf(buf, n, "username '%s' is reserved (no '--' in the third and fourth characters)", username);
		return buf;
	}
	if (prov_reserved(username)) { snprintf(buf, n, "username '%s' is reserved", username); return buf; }
	sqlite3_stmt *st = db_stmt("SELECT 1 FROM tenants WHERE username = :u");
	db_bind_text(st, ":u", username);
	int taken = db_step(st) == SQLITE_ROW;
	db_reset(st);
	if (taken) { snprintf(buf, n, "username '%s' is taken", username); return buf; }
	st = db_stmt("SELECT held_until FROM retired_usernames WHERE username = :u AND held_until > strftime('%s','now')");
	db_bind_text(st, ":u", username);
	int64_t until = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	if (until) {
		char ts[32];
		iso8601(until, ts);
		snprintf(buf, n, "username '%s' belonged to a store that was removed or renamed; it is held until %s", username, ts);
		return buf;
	}
	return NULL;
}

static int64_t insert_tenant(const char *username, const char *name, char *err, size_t errlen)
{
	if (prov_username_problem(username, err, errlen)) return -1;
	if (!*name || strlen(name) > PROV_NAME_MAX) { snprintf(err, errlen, "store name must be 1 to %d characters", PROV_NAME_MAX); return -1; }
	sqlite3_stmt *st = db_stmt("INSERT INTO tenants(username, name, created_at, updated_at) "
		     "VALUES(:u, :n, strftime('%s','now'), strftime('%s','now'))");
	db_bind_text(st, ":u", username);
	db_bind_text(st, ":n", name);
	if (db_run(st) < 0) { snprintf(err, errlen, "cannot create tenant: %s", db_errmsg()); return -1; }
	return db_last_id();
}

int64_t prov_tenant_create(const char *username, const char *name, int with_home, char *err, size_t errlen)
{
	return prov_tenant_create_as(username, name, with_home, "cli", "", err, errlen);
}

int64_t prov_tenant_create_as(const char *username, const char *name, int with_home, const char *actor,
			      const char *ip, char *err, size_t errlen)
{
	if (db_begin(1) < 0) { snprintf(err, errlen, "database busy"); return -1; }
	int64_t id = insert_tenant(username, name, err, errlen);
	if (id < 0) { db_rollback(); return -1; }
	if (with_home) {
		int64_t page = pages_create(id, "home", "Home", "", NULL, 1);
		char *code = pages_starter_code("hero");
		int64_t blk = page < 0 ? -1 : pages_block_create(id, page, "hero", code, "{}", "{}", 0, 0);
		free(code);
		if (blk < 0 || prov_publish(id, page) < 0) {
			db_rollback();
			snprintf(err, errlen, "cannot create the home page: %s", db_errmsg());
			return -1;
		}
	}
	if (audit_write_as(id, 0, actor, ip, "tenant.create", "tenant", id, NULL, username) < 0) {
		db_rollback();
		snprintf(err, errlen, "cannot audit the new store: %s", db_errmsg());
		return -1;
	}
	if (db_commit() < 0) { snprintf(err, errlen, "cannot commit: %s", db_errmsg()); return -1; }
	return id;
}

/* An audit row that outlives the store (tenant_id NULL). */
static int audit_platform(int64_t tid, const char *actor, const char *ip, const char *action, const char *detail)
{
	sqlite3_stmt *st = db_stmt("INSERT INTO audit_log(tenant_id, user_id, actor, action, entity, entity_id, detail, ip, at) "
				   "VALUES(NULL, NULL, :a, :act, 'tenant', :id, :d, :ip, strftime('%s','now'))");
	char idb[24];
	snprintf(idb, sizeof idb, "%lld", (long long)tid);
	db_bind_text(st, ":a", actor ? actor : "");
	db_bind_text(st, ":act", action);
	db_bind_text(st, ":id", idb);
	db_bind_text(st, ":d", detail ? detail : "");
	db_bind_text(st, ":ip", ip ? ip : "");
	return db_run(st);
}

static int64_t tenant_id_of(const char *username, char *status)
{
	sqlite3_stmt *st = db_stmt("SELECT id, status FROM tenants WHERE username = :u AND status != 'deleted'");
	db_bind_text(st, ":u", username);
	int64_t id = 0;
	if (db_step(st) == SQLITE_ROW) {
		id = db_int(st, 0);
		if (status) snprintf(status, 16, "%s", db_text(st, 1));
	}
	db_reset(st);
	return id;
}

static int hold_username(const char *username, int64_t tid, const char *reason)
{
	sqlite3_stmt *st = db_stmt("INSERT INTO retired_usernames(username, former_tenant_id, retired_at, held_until, reason) "
				   "VALUES(:u, :t, strftime('%s','now'), strftime('%s','now') + :hold, :r) "
				   "ON CONFLICT(username) DO UPDATE SET former_tenant_id = :t, retired_at = strftime('%s','now'), "
				   "held_until = strftime('%s','now') + :hold, reason = :r");
	db_bind_text(st, ":u", username);
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":hold", cfg.username_hold_days * 86400);
	db_bind_text(st, ":r", reason);
	return db_run(st);
}

int prov_tenant_status(const char *username, const char *status, const char *actor, const char *ip,
		       char *err, size_t errlen)
{
	int suspend = strcmp(status, "suspended") == 0;
	if (!suspend && strcmp(status, "active") != 0) { snprintf(err, errlen, "status must be active or suspended"); return -1; }
	if (db_begin(1) < 0) { snprintf(err, errlen, "database busy"); return -1; }
	char cur[16] = "";
	int64_t tid = tenant_id_of(username, cur);
	if (!tid) { db_rollback(); snprintf(err, errlen, "no store '%s'", username); return -1; }
	sqlite3_stmt *st = db_stmt("UPDATE tenants SET status = :s, suspended_at = CASE WHEN :s = 'suspended' THEN "
				   "coalesce(suspended_at, strftime('%s','now')) ELSE NULL END, updated_at = strftime('%s','now'), "
				   "content_version = content_version + 1 WHERE id = :t");
	db_bind_text(st, ":s", status);
	db_bind_int(st, ":t", tid);
	if (db_run(st) < 0 || pagecache_invalidate(tid, "store", 0) < 0 ||
	    audit_write_as(tid, 0, actor, ip, suspend ? "tenant.suspend" : "tenant.resume", "tenant", tid, NULL, username) < 0) {
		db_rollback();
		snprintf(err, errlen, "cannot change the store: %s", db_errmsg());
		return -1;
	}
	if (db_commit() < 0) { snprintf(err, errlen, "cannot commit"); return -1; }
	return 0;
}

int prov_tenant_rename(const char *username, const char *name, const char *new_username,
		       const char *actor, const char *ip, char *err, size_t errlen)
{
	if (name && (!*name || strlen(name) > PROV_NAME_MAX)) {
		snprintf(err, errlen, "store name must be 1 to %d characters", PROV_NAME_MAX);
		return -1;
	}
	if (new_username && strcmp(new_username, username) == 0) new_username = NULL;
	if (db_begin(1) < 0) { snprintf(err, errlen, "database busy"); return -1; }
	int64_t tid = tenant_id_of(username, NULL);
	if (!tid) { db_rollback(); snprintf(err, errlen, "no store '%s'", username); return -1; }
	if (new_username) {   /* a store may take back a name it gave up by renaming */
		sqlite3_stmt *h = db_stmt("DELETE FROM retired_usernames WHERE username = :u AND former_tenant_id = :t AND reason = 'renamed'");
		db_bind_text(h, ":u", new_username);
		db_bind_int(h, ":t", tid);
		if (db_run(h) < 0 || prov_username_problem(new_username, err, errlen)) { db_rollback(); return -1; }
	}
	sqlite3_stmt *st = db_stmt("UPDATE tenants SET name = coalesce(:n, name), username = coalesce(:u, username), "
				   "updated_at = strftime('%s','now'), content_version = content_version + 1 WHERE id = :t");
	db_bind_text(st, ":n", name);
	db_bind_text(st, ":u", new_username);
	db_bind_int(st, ":t", tid);
	char detail[200];
	snprintf(detail, sizeof detail, "%s%s%s", username, new_username ? " -> " : "", new_username ? new_username : "");
	if (db_run(st) < 0 || (new_username && hold_username(username, tid, "renamed") < 0) ||
	    pagecache_invalidate(tid, "store", 0) < 0 ||
	    audit_write_as(tid, 0, actor, ip, "tenant.rename", "tenant", tid, NULL, detail) < 0) {
		db_rollback();
		snprintf(err, errlen, "cannot rename the store: %s", db_errmsg());
		return -1;
	}
	if (db_commit() < 0) { snprintf(err, errlen, "cannot commit"); return -1; }
	return 0;
}

/* Every table with a tenant_id column, from the schema itself (not input),
 * so tables added by later migrations are purged too. */
static int purge_tenant_rows(int64_t tid)
{
	sqlite3_stmt *st = db_stmt("SELECT m.name FROM sqlite_schema m JOIN pragma_table_info(m.name) c "
				   "WHERE m.type = 'table' AND c.name = 'tenant_id' AND m.name != 'tenants' ORDER BY m.name -- scan");
	/* Every name, however many tables there are (no cap: a table left
	 * out would keep a deleted store's rows). */
	char **names = NULL;
	int n = 0, rc, ret = 0;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		names = xrealloc(names, (size_t)(n + 1) * sizeof *names);
		names[n++] = xstrdup(db_text(st, 0));
	}
	db_reset(st);
	if (rc != SQLITE_DONE) ret = -1;
	for (int i = 0; i < n && ret == 0; i++) {
		for (const char *p = names[i]; *p; p++)
			if (!(*p == '_' || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9'))) ret = -1;
		if (ret < 0) break;
		sbuf sql = SBUF_INIT;
		sb_printf(&sql, "DELETE FROM \"%s\" WHERE tenant_id = ?1", names[i]);
		sqlite3_stmt *d;
		if (sqlite3_prepare_v2(db_handle(), sb_str(&sql), -1, &d, NULL) != SQLITE_OK) ret = -1;
		sb_free(&sql);
		if (ret < 0) break;
		sqlite3_bind_int64(d, 1, tid);
		if (sqlite3_step(d) != SQLITE_DONE) ret = -1;
		sqlite3_finalize(d);
	}
	for (int i = 0; i < n; i++) free(names[i]);
	free(names);
	return ret;
}

int prov_tenant_delete(const char *username, const char *actor, const char *ip, char *err, size_t errlen)
{
	if (db_begin(1) < 0) { snprintf(err, errlen, "database busy"); return -1; }
	int64_t tid = tenant_id_of(username, NULL);
	if (!tid) { db_rollback(); snprintf(err, errlen, "no store '%s'", username); return -1; }
	/* Order does not matter inside the transaction: foreign keys are
	 * checked at commit, when nothing of the store is left. */
	if (db_exec("PRAGMA defer_foreign_keys = ON") < 0) {
		db_rollback();
		snprintf(err, errlen, "cannot delete the store: %s", db_errmsg());
		return -1;
	}
	sqlite3_stmt *st = db_stmt("DELETE FROM tenants WHERE id = :t");
	db_bind_int(st, ":t", tid);
	if (pagecache_invalidate(tid, "store", 0) < 0 || purge_tenant_rows(tid) < 0 || db_run(st) < 0 || hold_username(username, tid, "deleted") < 0 ||
	    audit_platform(tid, actor, ip, "tenant.delete", username) < 0) {
		db_rollback();
		snprintf(err, errlen, "cannot delete the store: %s", db_errmsg());
		return -1;
	}
	if (db_commit() < 0) { snprintf(err, errlen, "cannot commit the deletion: %s", db_errmsg()); return -1; }
	media_remove_store(tid);   /* its media library's files too */
	return 0;
}

static int64_t user_id_of(int64_t tid, const char *mail)
{
	sqlite3_stmt *st = db_stmt("SELECT id FROM users WHERE tenant_id = :t AND email = :e");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":e", mail);
	int64_t id = db_step(st) == SQLITE_ROW ? db_int(st, 0) : 0;
	db_reset(st);
	return id;
}

int prov_user_passwd(int64_t tid, const char *email, const char *password, int revoke_tokens, int *revoked,
		     char *err, size_t errlen)
{
	*revoked = 0;
	const char *problem = auth_password_problem(password);
	if (problem) { snprintf(err, errlen, "password %s (10 to 128 characters)", problem); return -1; }
	char mail[256], hash[256];
	snprintf(mail, sizeof mail, "%s", email);
	str_lower(mail);
	if (auth_hash_password(password, hash, sizeof hash) < 0) { snprintf(err, errlen, "cannot hash password"); return -1; }
	if (db_begin(1) < 0) { snprintf(err, errlen, "database busy"); return -1; }
	sqlite3_stmt *st = db_stmt("UPDATE users SET password_hash = :h, updated_at = strftime('%s','now') WHERE tenant_id = :t AND email = :e");
	db_bind_text(st, ":h", hash);
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":e", mail);
	if (db_run(st) < 0) { db_rollback(); snprintf(err, errlen, "cannot change the password"); return -1; }
	if (db_changes() == 0) { db_rollback(); snprintf(err, errlen, "no user %s in this store", mail); return -1; }
	st = db_stmt("DELETE FROM sessions WHERE tenant_id = :t AND user_id = (SELECT id FROM users WHERE tenant_id = :t AND email = :e)");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":e", mail);
	int n = 0;
	if (db_run(st) < 0 || (revoke_tokens && (n = auth_tokens_revoke_user(tid, user_id_of(tid, mail), 0)) < 0) ||
	    audit_write_as(tid, 0, "cli", "", revoke_tokens ? "user.password+tokens" : "user.password", "user", 0, NULL, mail) < 0) {
		db_rollback();
		snprintf(err, errlen, "cannot change the password");
		return -1;
	}
	if (db_commit() < 0) { snprintf(err, errlen, "cannot commit"); return -1; }
	*revoked = n;
	return 0;
}

int64_t prov_user_add(int64_t tid, const char *email, const char *password, const char *role,
		      char *err, size_t errlen)
{
	char mail[256];
	if (strlen(email) > IN_EMAIL_MAX || !strchr(email, '@') || strchr(email, ' ') || email[0] == '@') {
		snprintf(err, errlen, "'%s' is not an email address", email);
		return -1;
	}
	snprintf(mail, sizeof mail, "%s", email);
	str_lower(mail);
	size_t pl = strlen(password);
	if (pl < AUTH_PASSWORD_MIN || pl > AUTH_PASSWORD_MAX || auth_password_problem(password)) {
		snprintf(err, errlen, "password must be %d to %d characters of UTF-8 (got %zu bytes)", AUTH_PASSWORD_MIN, AUTH_PASSWORD_MAX, pl);
		return -1;
	}
	if (!auth_role_bit(role)) { snprintf(err, errlen, "role must be owner, editor or staff (got '%s')", role); return -1; }
	char hash[256];
	if (auth_hash_password(password, hash, sizeof hash) < 0) { snprintf(err, errlen, "cannot hash password"); return -1; }
	if (db_begin(1) < 0) { snprintf(err, errlen, "database busy"); return -1; }
	sqlite3_stmt *st = db_stmt("INSERT INTO users(tenant_id, email, password_hash, role, created_at, updated_at) "
				   "VALUES(:t, :e, :h, :r, strftime('%s','now'), strftime('%s','now'))");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":e", mail);
	db_bind_text(st, ":h", hash);
	db_bind_text(st, ":r", role);
	if (db_run(st) < 0) {
		snprintf(err, errlen, db_errcode() == SQLITE_CONSTRAINT ? "user %s already exists in this store" : "cannot add user %s", mail);
		db_rollback();
		return -1;
	}
	int64_t uid = db_last_id();
	if (audit_write_as(tid, 0, "cli", "", "user.add", "user", uid, NULL, mail) < 0) {
		db_rollback();
		snprintf(err, errlen, "cannot audit the new user");
		return -1;
	}
	if (db_commit() < 0) { snprintf(err, errlen, "cannot commit"); return -1; }
	return uid;
}

static const char *jstr(const cJSON *o, const char *k, const char *def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsString(v) ? v->valuestring : def;
}

static int64_t jint(const cJSON *o, const char *k, int64_t def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : def;
}

static int64_t day_to_unix(const char *ymd)
{
	struct tm tm = { 0 };
	if (!ymd || sscanf(ymd, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) return now_unix();
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = 9;
	return (int64_t)timegm(&tm);
}

static int load_demo(int64_t tid, const cJSON *d, char *err, size_t errlen)
{
	const cJSON *store = cJSON_GetObjectItemCaseSensitive(d, "store");
	char *theme = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(store, "theme"));
	sqlite3_stmt *st = db_stmt("UPDATE tenants SET tagline = :tg, currency = :c, logo = :l, theme_json = coalesce(:th, '{}') WHERE id = :t");
	db_bind_text(st, ":tg", jstr(store, "tagline", ""));
	db_bind_text(st, ":c", jstr(store, "currency", "USD"));
	db_bind_text(st, ":l", jstr(store, "logo", ""));
	db_bind_text(st, ":th", theme);
	db_bind_int(st, ":t", tid);
	int rc = db_run(st);
	cJSON_free(theme);
	if (rc < 0) return -1;

	const cJSON *p;
	int pos = 0;
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(d, "products")) {
		char *tags = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(p, "tags"));
		const cJSON *cmp = cJSON_GetObjectItemCaseSensitive(p, "compareAtPrice");
		st = db_stmt("INSERT INTO products(tenant_id, slug, name, description, price, compare_at_price, sku, stock, vendor, tags_json, image, position, created_at, updated_at, "
			     "product_type, barcode) "
			     "VALUES(:t, :s, :n, :d, :p, :cmp, :sku, :stock, :v, coalesce(:tags, '[]'), :img, :pos, strftime('%s','now'), strftime('%s','now'), :ty, :bc)");
		db_bind_int(st, ":t", tid);
		db_bind_text(st, ":s", jstr(p, "slug", ""));
		db_bind_text(st, ":n", jstr(p, "name", ""));
		db_bind_text(st, ":d", jstr(p, "description", ""));
		db_bind_int(st, ":p", jint(p, "price", 0));
		if (cJSON_IsNumber(cmp)) db_bind_int(st, ":cmp", (int64_t)cmp->valuedouble); else db_bind_null(st, ":cmp");
		db_bind_text(st, ":sku", jstr(p, "sku", ""));
		db_bind_int(st, ":stock", jint(p, "stock", 0));
		db_bind_text(st, ":v", jstr(p, "vendor", ""));
		db_bind_text(st, ":ty", jstr(p, "productType", ""));
		db_bind_text(st, ":bc", jstr(p, "barcode", ""));
		db_bind_text(st, ":tags", tags);
		db_bind_text(st, ":img", jstr(p, "image", ""));
		db_bind_int(st, ":pos", pos++);
		rc = db_run(st);
		cJSON_free(tags);
		if (rc < 0) { snprintf(err, errlen, "product %s: %s", jstr(p, "slug", "?"), db_errmsg()); return -1; }
		int64_t pid = db_last_id();
		st = db_stmt("INSERT INTO product_images(tenant_id, product_id, url, alt, position) VALUES(:t, :p, :u, :a, 0)");
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":p", pid);
		db_bind_text(st, ":u", jstr(p, "image", ""));
		db_bind_text(st, ":a", jstr(p, "name", ""));
		if (db_run(st) < 0) return -1;
	}
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(d, "collections")) {
		st = db_stmt("INSERT INTO collections(tenant_id, slug, title, description, created_at, updated_at) "
			     "VALUES(:t, :s, :ti, :d, strftime('%s','now'), strftime('%s','now'))");
		db_bind_int(st, ":t", tid);
		db_bind_text(st, ":s", jstr(c, "slug", ""));
		db_bind_text(st, ":ti", jstr(c, "title", ""));
		db_bind_text(st, ":d", jstr(c, "description", ""));
		if (db_run(st) < 0) return -1;
		int64_t cid = db_last_id();
		int cpos = 0;
		const cJSON *slug;
		cJSON_ArrayForEach(slug, cJSON_GetObjectItemCaseSensitive(c, "products")) {
			st = db_stmt("INSERT INTO collection_products(tenant_id, collection_id, product_id, position) "
				     "SELECT :t, :c, id, :pos FROM products WHERE tenant_id = :t AND slug = :s");
			db_bind_int(st, ":t", tid);
			db_bind_int(st, ":c", cid);
			db_bind_int(st, ":pos", cpos++);
			db_bind_text(st, ":s", cJSON_IsString(slug) ? slug->valuestring : "");
			if (db_run(st) < 0) return -1;
		}
	}
	cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(d, "posts")) {
		st = db_stmt("INSERT INTO posts(tenant_id, slug, title, content, excerpt, status, published_at, created_at, updated_at) "
			     "VALUES(:t, :s, :ti, :c, :e, 'published', :at, :at, :at)");
		db_bind_int(st, ":t", tid);
		db_bind_text(st, ":s", jstr(p, "slug", ""));
		db_bind_text(st, ":ti", jstr(p, "title", ""));
		db_bind_text(st, ":c", jstr(p, "content", ""));
		db_bind_text(st, ":e", jstr(p, "excerpt", ""));
		db_bind_int(st, ":at", day_to_unix(jstr(p, "publishedAt", NULL)));
		if (db_run(st) < 0) return -1;
	}
	const cJSON *pg;
	cJSON_ArrayForEach(pg, cJSON_GetObjectItemCaseSensitive(d, "pages")) {
		int64_t page = pages_create(tid, jstr(pg, "slug", ""), jstr(pg, "title", ""), "", NULL, 1);
		if (page < 0) return -1;
		const cJSON *b;
		int bpos = 0;
		cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(pg, "blocks")) {
			char rel[300], path[1400];
			snprintf(rel, sizeof rel, "templates/demo/blocks/%s", jstr(b, "code", ""));
			if (strstr(rel, "..")) return -1;
			char *code = file_read(config_path(path, sizeof path, rel), NULL);
			if (!code) { snprintf(err, errlen, "cannot read %s", path); return -1; }
			char *cfgtext = cJSON_PrintUnformatted(cJSON_GetObjectItemCaseSensitive(b, "config"));
			int64_t blk = pages_block_create(tid, page, jstr(b, "type", "custom"), code, cfgtext ? cfgtext : "{}", "{}", bpos++, 0);
			free(code);
			cJSON_free(cfgtext);
			if (blk < 0) return -1;
		}
		if (prov_publish(tid, page) < 0) return -1;
	}
	return 0;
}

int prov_demo(const char *owner_password, char *err, size_t errlen)
{
	tenant t = { 0 };
	if (tenant_load_username(&t, "demo") == 0) {
		tenant_clear(&t);
		return 0;
	}
	char path[1200];
	char *text = file_read(config_path(path, sizeof path, "templates/demo/store.json"), NULL);
	if (!text) { snprintf(err, errlen, "cannot read %s", path); return -1; }
	cJSON *d = cJSON_Parse(text);
	free(text);
	if (!d) { snprintf(err, errlen, "%s is not valid JSON", path); return -1; }
	int rc = -1;
	if (db_begin(1) < 0) { snprintf(err, errlen, "database busy"); goto out; }
	int64_t tid = insert_tenant("demo", jstr(cJSON_GetObjectItemCaseSensitive(d, "store"), "name", "Demo Store"), err, errlen);
	if (tid < 0 || load_demo(tid, d, err, errlen) < 0) {
		if (!err[0]) snprintf(err, errlen, "cannot load demo: %s", db_errmsg());
		db_rollback();
		goto out;
	}
	if (db_commit() < 0) { snprintf(err, errlen, "cannot commit demo"); goto out; }
	if (prov_user_add(tid, "owner@demo.localhost", owner_password, "owner", err, errlen) < 0) goto out;
	rc = 0;
out:
	cJSON_Delete(d);
	return rc;
}
