/* provision: tenants, users, tokens and the demo store (see provision.h). */
#include "provision.h"
#include "pages.h"
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

static int64_t insert_tenant(const char *username, const char *name, char *err, size_t errlen)
{
	const char *p = username_problem(username);
	if (p) { snprintf(err, errlen, "username '%s' %s", username, p); return -1; }
	if (prov_reserved(username)) { snprintf(err, errlen, "username '%s' is reserved", username); return -1; }
	if (!*name || strlen(name) > 200) { snprintf(err, errlen, "store name must be 1 to 200 characters"); return -1; }
	tenant t = { 0 };
	sqlite3_stmt *st = db_stmt("SELECT 1 FROM tenants WHERE username = :u");
	db_bind_text(st, ":u", username);
	int taken = db_step(st) == SQLITE_ROW;
	db_reset(st);
	tenant_clear(&t);
	if (taken) { snprintf(err, errlen, "username '%s' is taken", username); return -1; }
	st = db_stmt("INSERT INTO tenants(username, name, created_at, updated_at) "
		     "VALUES(:u, :n, strftime('%s','now'), strftime('%s','now'))");
	db_bind_text(st, ":u", username);
	db_bind_text(st, ":n", name);
	if (db_run(st) < 0) { snprintf(err, errlen, "cannot create tenant: %s", db_errmsg()); return -1; }
	return db_last_id();
}

int64_t prov_tenant_create(const char *username, const char *name, int with_home, char *err, size_t errlen)
{
	if (db_begin(1) < 0) { snprintf(err, errlen, "database busy"); return -1; }
	int64_t id = insert_tenant(username, name, err, errlen);
	if (id < 0) { db_rollback(); return -1; }
	if (with_home) {
		int64_t page = pages_create(id, "home", "Home", "", 1);
		char *code = pages_starter_code("hero");
		int64_t blk = page < 0 ? -1 : pages_block_create(id, page, "hero", code, "{}", "{}", 0, 0);
		free(code);
		if (blk < 0 || prov_publish(id, page) < 0) {
			db_rollback();
			snprintf(err, errlen, "cannot create the home page: %s", db_errmsg());
			return -1;
		}
	}
	audit_write_as(id, 0, "cli", "", "tenant.create", "tenant", id, NULL, username);
	if (db_commit() < 0) { snprintf(err, errlen, "cannot commit: %s", db_errmsg()); return -1; }
	return id;
}

int64_t prov_user_add(int64_t tid, const char *email, const char *password, const char *role,
		      char *err, size_t errlen)
{
	char mail[256];
	if (strlen(email) > 254 || !strchr(email, '@') || strchr(email, ' ') || email[0] == '@') {
		snprintf(err, errlen, "'%s' is not an email address", email);
		return -1;
	}
	snprintf(mail, sizeof mail, "%s", email);
	str_lower(mail);
	size_t pl = strlen(password);
	if (pl < AUTH_PASSWORD_MIN || pl > AUTH_PASSWORD_MAX) {
		snprintf(err, errlen, "password must be %d to %d characters (got %zu)", AUTH_PASSWORD_MIN, AUTH_PASSWORD_MAX, pl);
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
	audit_write_as(tid, 0, "cli", "", "user.add", "user", uid, NULL, mail);
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
		st = db_stmt("INSERT INTO products(tenant_id, slug, name, description, price, compare_at_price, sku, stock, vendor, tags_json, image, position, created_at, updated_at) "
			     "VALUES(:t, :s, :n, :d, :p, :cmp, :sku, :stock, :v, coalesce(:tags, '[]'), :img, :pos, strftime('%s','now'), strftime('%s','now'))");
		db_bind_int(st, ":t", tid);
		db_bind_text(st, ":s", jstr(p, "slug", ""));
		db_bind_text(st, ":n", jstr(p, "name", ""));
		db_bind_text(st, ":d", jstr(p, "description", ""));
		db_bind_int(st, ":p", jint(p, "price", 0));
		if (cJSON_IsNumber(cmp)) db_bind_int(st, ":cmp", (int64_t)cmp->valuedouble); else db_bind_null(st, ":cmp");
		db_bind_text(st, ":sku", jstr(p, "sku", ""));
		db_bind_int(st, ":stock", jint(p, "stock", 0));
		db_bind_text(st, ":v", jstr(p, "vendor", ""));
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
		int64_t page = pages_create(tid, jstr(pg, "slug", ""), jstr(pg, "title", ""), "", 1);
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
