/* tenantfile: one store as one SQLite file (see tenantfile.h).
 *
 * The statements that copy rows are generated from the schema's own table
 * and column names (read from sqlite_schema, never from a request; a name
 * with a double quote is refused) with numbers formatted here, and run
 * through db_exec; reads of generated text are prepared and finalized here
 * rather than cached. Everything a caller gives (the username, the file's
 * path) is bound. */
#include "tenantfile.h"
#include "search.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "sha256.h"
#include "tenant.h"
#include "backup.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

#define TF_MAXT 256
#define TF_MAXC 96

/* What the schema cannot say. A table rule names a table (column NULL);
 * a column rule names both. */
enum rule_kind {
	RK_GLOBAL = 1,  /* table: not any one store's data (never exported) */
	RK_CACHE,       /* table: a store's derived data, rebuilt on demand (not exported) */
	RK_CHILD,       /* table without tenant_id: its rows belong to the store through arg's parent column */
	RK_REF,         /* column: the id of a row of table arg, without a foreign key (a gone row -> NULL or 0) */
	RK_KEEP,        /* column: looks like an id but is not one of this database's (a version number, a POS id) */
	RK_BLOCKIDS,    /* column: a JSON array of blocks whose "id" strings are draft_blocks ids */
	RK_ENTITY,      /* column: an id (as text) whose table the row's entity column names
			   (arg: that column's name; NULL: "entity") */
	RK_INTENT,      /* column: outbox.subject, an order id when kind = 'intent' */
};

static const struct tf_rule {
	const char *table, *column;
	enum rule_kind kind;
	const char *arg;
} tf_rules[] = {
	{ "schema_migrations", NULL, RK_GLOBAL, NULL },
	{ "rate_limits", NULL, RK_GLOBAL, NULL },
	{ "login_failures", NULL, RK_GLOBAL, NULL },
	{ "staff_codes", NULL, RK_GLOBAL, NULL },    /* sign-in codes of emails, maybe of several stores */
	{ "retired_usernames", NULL, RK_GLOBAL, NULL },
	{ "block_cache", NULL, RK_CACHE, NULL },
	{ "order_items", "product_id", RK_REF, "products" },
	{ "order_items", "variant_id", RK_REF, "variants" },
	{ "cart_items", "variant_id", RK_REF, "variants" },
	{ "payment_events", "order_id", RK_REF, "orders" },
	{ "payment_events", "event_id", RK_KEEP, NULL },
	{ "audit_log", "user_id", RK_REF, "users" },
	{ "audit_log", "entity_id", RK_ENTITY, NULL },
	{ "changes", "entity_id", RK_ENTITY, NULL },
	{ "draft_blocks", "modified_by", RK_REF, "users" },
	{ "page_versions", "published_by", RK_REF, "users" },
	{ "page_versions", "blocks_json", RK_BLOCKIDS, NULL },
	{ "outbox", "subject", RK_INTENT, NULL },
	{ "products", "pos_id", RK_KEEP, NULL },
	{ "variants", "pos_id", RK_KEEP, NULL },
	{ "domains", "verified_by", RK_KEEP, NULL },   /* how it was verified: dns or http */
	{ "publish_schedule", "entity_id", RK_ENTITY, "kind" },
	{ "publish_schedule", "created_by", RK_REF, "users" },
	{ "analytics_salt", NULL, RK_GLOBAL, NULL },    /* the day's salt, every store's */
	{ "health_probe", NULL, RK_GLOBAL, NULL },
	/* the web editor: history moves with the store; who is on a page and
	 * unsaved preview edits are moments, not data */
	{ "block_history", "block_id", RK_REF, "draft_blocks" },
	{ "block_history", "modified_by", RK_REF, "users" },
	{ "editor_presence", NULL, RK_CACHE, NULL },
	{ "preview_edits", NULL, RK_CACHE, NULL },
	/* search: the index is every store's (FTS5 and its shadow tables) or
	 * derived per store, remade after the import (search_reindex); the
	 * synonyms, the search log and the assistant's conversations travel */
	{ "search_docs", NULL, RK_CACHE, NULL },
	{ "search_vectors", NULL, RK_CACHE, NULL },
	{ "search_dirty", NULL, RK_CACHE, NULL },
	{ "search_fts", NULL, RK_GLOBAL, NULL },
	{ "search_fts_config", NULL, RK_GLOBAL, NULL },
	{ "search_fts_data", NULL, RK_GLOBAL, NULL },
	{ "search_fts_docsize", NULL, RK_GLOBAL, NULL },
	{ "search_fts_idx", NULL, RK_GLOBAL, NULL },
	{ "search_tri", NULL, RK_GLOBAL, NULL },
	{ "search_tri_config", NULL, RK_GLOBAL, NULL },
	{ "search_tri_data", NULL, RK_GLOBAL, NULL },
	{ "search_tri_docsize", NULL, RK_GLOBAL, NULL },
	{ "search_tri_idx", NULL, RK_GLOBAL, NULL },
	{ "chat_messages", "conversation_id", RK_KEEP, NULL },   /* a random text id that travels as it is */
	/* shoppers */
	{ "customers", "pos_id", RK_KEEP, NULL },
	{ "wishlist_items", "variant_id", RK_REF, "variants" },
	/* multi-currency: a fixed price names its variant (0: the product itself) */
	{ "variant_prices", "variant_id", RK_REF, "variants" },
};

/* The change feed's and audit log's entity names and their tables. */
static const struct { const char *entity, *table; } entity_tables[] = {
	{ "page", "pages" }, { "block", "draft_blocks" }, { "post", "posts" }, { "product", "products" },
	{ "collection", "collections" }, { "variant", "variants" }, { "discount", "discounts" },
	{ "user", "users" }, { "token", "api_tokens" },
};

typedef struct {
	char name[64];
	char type[32];
	int pk;               /* position in the primary key, 0 = not in it */
	int notnull;
	char ref[64];         /* the table a foreign key names ("" none) */
	const struct tf_rule *rule;
} tcol;

typedef struct {
	char name[64];
	enum { TK_STORE = 1, TK_TENANTS, TK_CHILD, TK_OTHER } kind;
	const struct tf_rule *rule;   /* table rule, if any */
	int rowid_pk;                 /* index of an INTEGER PRIMARY KEY column, -1 none */
	int tenant_col;               /* index of tenant_id, -1 none */
	int ncol;
	tcol col[TF_MAXC];
} ttable;

typedef struct {
	int n;
	ttable t[TF_MAXT];
} tschema;

static const struct tf_rule *rule_for(const char *table, const char *column)
{
	for (size_t i = 0; i < ARRAY_LEN(tf_rules); i++)
		if (!strcmp(tf_rules[i].table, table) &&
		    (column ? tf_rules[i].column && !strcmp(tf_rules[i].column, column) : !tf_rules[i].column))
			return &tf_rules[i];
	return NULL;
}

static int bad_name(const char *s) { return strchr(s, '"') != NULL || !*s; }

/* Read the tables of schema s ("main" or an attached name). */
static int load_schema(const char *s, tschema *sc, char *err, size_t errlen)
{
	memset(sc, 0, sizeof *sc);
	char sql[512];
	snprintf(sql, sizeof sql, "SELECT name, sql LIKE '%%WITHOUT ROWID%%' FROM \"%s\".sqlite_schema "
		 "WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%%' ESCAPE '\\' AND name NOT LIKE '\\_export\\_%%' ESCAPE '\\' "
		 "ORDER BY name", s);
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db_handle(), sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot read the schema of %s: %s", s, sqlite3_errmsg(db_handle()));
		return -1;
	}
	int worowid[TF_MAXT];
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (sc->n == TF_MAXT) { sqlite3_finalize(st); snprintf(err, errlen, "more than %d tables", TF_MAXT); return -1; }
		ttable *t = &sc->t[sc->n];
		snprintf(t->name, sizeof t->name, "%s", (const char *)sqlite3_column_text(st, 0));
		worowid[sc->n++] = sqlite3_column_int(st, 1);
	}
	sqlite3_finalize(st);
	for (int i = 0; i < sc->n; i++) {
		ttable *t = &sc->t[i];
		if (bad_name(t->name)) { snprintf(err, errlen, "a table name with a double quote"); return -1; }
		t->rowid_pk = t->tenant_col = -1;
		if (sqlite3_prepare_v2(db_handle(), "SELECT name, upper(type), pk, \"notnull\" FROM pragma_table_info(?1, ?2) ORDER BY cid",
				       -1, &st, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "pragma table_info: %s", sqlite3_errmsg(db_handle()));
			return -1;
		}
		sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, s, -1, SQLITE_STATIC);
		int npk = 0;
		while (sqlite3_step(st) == SQLITE_ROW) {
			if (t->ncol == TF_MAXC) { sqlite3_finalize(st); snprintf(err, errlen, "%s: too many columns", t->name); return -1; }
			tcol *c = &t->col[t->ncol];
			snprintf(c->name, sizeof c->name, "%s", (const char *)sqlite3_column_text(st, 0));
			snprintf(c->type, sizeof c->type, "%s", (const char *)sqlite3_column_text(st, 1));
			c->pk = sqlite3_column_int(st, 2);
			c->notnull = sqlite3_column_int(st, 3);
			c->rule = rule_for(t->name, c->name);
			if (c->pk) npk++;
			if (!strcmp(c->name, "tenant_id")) t->tenant_col = t->ncol;
			if (bad_name(c->name)) { sqlite3_finalize(st); snprintf(err, errlen, "%s: a column name with a double quote", t->name); return -1; }
			t->ncol++;
		}
		sqlite3_finalize(st);
		if (npk == 1 && !worowid[i])
			for (int k = 0; k < t->ncol; k++)
				if (t->col[k].pk && !strcmp(t->col[k].type, "INTEGER")) t->rowid_pk = k;
		if (sqlite3_prepare_v2(db_handle(), "SELECT \"from\", \"table\" FROM pragma_foreign_key_list(?1, ?2)", -1, &st, NULL) != SQLITE_OK) {
			snprintf(err, errlen, "pragma foreign_key_list: %s", sqlite3_errmsg(db_handle()));
			return -1;
		}
		sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, s, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW)
			for (int k = 0; k < t->ncol; k++)
				if (!strcmp(t->col[k].name, (const char *)sqlite3_column_text(st, 0)))
					snprintf(t->col[k].ref, sizeof t->col[k].ref, "%s", (const char *)sqlite3_column_text(st, 1));
		sqlite3_finalize(st);
		t->rule = rule_for(t->name, NULL);
		if (!strcmp(t->name, "tenants")) t->kind = TK_TENANTS;
		else if (t->rule && (t->rule->kind == RK_GLOBAL || t->rule->kind == RK_CACHE)) t->kind = TK_OTHER;
		else if (t->tenant_col >= 0) t->kind = TK_STORE;
		else if (t->rule && t->rule->kind == RK_CHILD) t->kind = TK_CHILD;
		else t->kind = TK_OTHER;
	}
	return 0;
}

static ttable *find_table(tschema *sc, const char *name)
{
	for (int i = 0; i < sc->n; i++) if (!strcmp(sc->t[i].name, name)) return &sc->t[i];
	return NULL;
}

static tcol *find_col(ttable *t, const char *name)
{
	for (int i = 0; i < t->ncol; i++) if (!strcmp(t->col[i].name, name)) return &t->col[i];
	return NULL;
}

static int exported(const ttable *t) { return t->kind == TK_STORE || t->kind == TK_TENANTS || t->kind == TK_CHILD; }

/* The rows of t that are the store's, in schema s, as a WHERE clause. */
static void where_store(sbuf *b, tschema *sc, const ttable *t, const char *s, int64_t tid)
{
	if (t->kind == TK_TENANTS) sb_printf(b, "id = %lld", (long long)tid);
	else if (t->kind == TK_STORE) sb_printf(b, "tenant_id = %lld", (long long)tid);
	else {
		/* a child: its column's foreign key names the parent */
		const char *col = t->rule->arg;
		const tcol *c = NULL;
		for (int k = 0; k < t->ncol; k++) if (!strcmp(t->col[k].name, col)) c = &t->col[k];
		const ttable *p = c && c->ref[0] ? find_table(sc, c->ref) : NULL;
		if (!p || p->rowid_pk < 0) sb_puts(b, "0");
		else sb_printf(b, "\"%s\" IN (SELECT \"%s\" FROM \"%s\".\"%s\" WHERE tenant_id = %lld)", col,
			       p->col[p->rowid_pk].name, s, p->name, (long long)tid);
	}
}

/* A column whose value the import changes: not part of the checksum. */
static int remapped(tschema *sc, const ttable *t, int k)
{
	const tcol *c = &t->col[k];
	if (k == t->rowid_pk || k == t->tenant_col) return 1;
	if (t->kind == TK_TENANTS && (!strcmp(c->name, "username") || !strcmp(c->name, "read_only_until") ||
				      !strcmp(c->name, "updated_at")))
		return 1;
	if (c->rule && c->rule->kind != RK_KEEP) return 1;
	if (c->ref[0]) {
		const ttable *p = find_table(sc, c->ref);
		if (p && p->rowid_pk >= 0) return 1;
	}
	return 0;
}

/* Row count and SHA-256 over the columns the import copies unchanged, in
 * primary-key order (which the import's shifts preserve), read from schema
 * s. t is this database's table (what each column means); only, when not
 * NULL, the file's (the columns it has). */
static int is_text(const tcol *c) { return strstr(c->type, "TEXT") != NULL || strstr(c->type, "CHAR") != NULL; }

/* swap: NULL, or {from, to} replaced in text columns before hashing (the
 * media URLs the import rewrote, read back as the file had them). */
static int checksum(tschema *sc, const ttable *t, const ttable *only, const char *s, const char *where, int64_t *rows,
		    char hex[65], const char *const *swap, char *err, size_t errlen)
{
	sbuf q = SBUF_INIT, order = SBUF_INIT;
	sb_puts(&q, "SELECT ");
	int n = 0;
	for (int k = 0; k < t->ncol; k++) {
		if (remapped(sc, t, k) || (only && !find_col((ttable *)only, t->col[k].name))) continue;
		if (swap && is_text(&t->col[k])) {
			char *e = sqlite3_mprintf("%sreplace(\"%w\", %Q, %Q)", n++ ? ", " : "", t->col[k].name, swap[0], swap[1]);
			sb_puts(&q, e);
			sqlite3_free(e);
		} else {
			sb_printf(&q, "%s\"%s\"", n++ ? ", " : "", t->col[k].name);
		}
	}
	if (!n) sb_puts(&q, "1");
	for (int pk = 1; pk <= TF_MAXC; pk++)
		for (int k = 0; k < t->ncol; k++)
			if (t->col[k].pk == pk) sb_printf(&order, "%s\"%s\"", order.len ? ", " : "", t->col[k].name);
	if (!order.len)
		for (int k = 0; k < t->ncol; k++) sb_printf(&order, "%s\"%s\"", k ? ", " : "", t->col[k].name);
	sb_printf(&q, " FROM \"%s\".\"%s\" WHERE %s ORDER BY %s -- scan", s, t->name, where, sb_str(&order));
	sqlite3_stmt *st;
	int rc = 0;
	if (sqlite3_prepare_v2(db_handle(), sb_str(&q), -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s: %s", t->name, sqlite3_errmsg(db_handle()));
		rc = -1;
	} else {
		sha256_ctx h;
		sha256_init(&h);
		*rows = 0;
		int src;
		while ((src = sqlite3_step(st)) == SQLITE_ROW) {
			(*rows)++;
			for (int i = 0; i < sqlite3_column_count(st); i++) {
				unsigned char ty = (unsigned char)sqlite3_column_type(st, i);
				sha256_update(&h, &ty, 1);
				if (ty == SQLITE_INTEGER) {
					char b[24];
					int len = snprintf(b, sizeof b, "%lld", (long long)sqlite3_column_int64(st, i));
					sha256_update(&h, b, (size_t)len + 1);
				} else if (ty == SQLITE_FLOAT) {
					char b[40];
					int len = snprintf(b, sizeof b, "%.17g", sqlite3_column_double(st, i));
					sha256_update(&h, b, (size_t)len + 1);
				} else if (ty != SQLITE_NULL) {
					const void *p = ty == SQLITE_BLOB ? sqlite3_column_blob(st, i) : (const void *)sqlite3_column_text(st, i);
					uint64_t len = (uint64_t)sqlite3_column_bytes(st, i);
					sha256_update(&h, &len, sizeof len);
					sha256_update(&h, p, (size_t)len);
				}
			}
		}
		if (src != SQLITE_DONE) {
			snprintf(err, errlen, "%s: %s", t->name, sqlite3_errmsg(db_handle()));
			rc = -1;
		}
		sqlite3_finalize(st);
		unsigned char d[32];
		sha256_final(&h, d);
		for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", d[i]);
	}
	sb_free(&q);
	sb_free(&order);
	return rc;
}

/* Run generated SQL: 0 or -1 with err naming what. */
static int gen_exec(const char *what, const char *sql, char *err, size_t errlen)
{
	if (db_exec(sql) < 0) {
		snprintf(err, errlen, "%s: %s", what, db_errmsg());
		return -1;
	}
	return 0;
}

/* One integer from generated SQL (0 when no row). */
static int64_t gen_int(const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = 0;
	if (sqlite3_prepare_v2(db_handle(), sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	return v;
}

/* A store's media files: media_dir/<store id>/..., served under
 * media_url/<store id>/... (the media library, doc/media.md). They travel in the file's _export_files table
 * (path below the store's directory, SHA-256, bytes) and land under the new
 * id's directory; text columns naming media_url/<old id>/ are rewritten
 * to the new id (and compared back, so the checksums still hold). */
#define TF_MEDIA_URL cfg.media_url

static void store_media_dir(int64_t tid, char *out, size_t n)
{
	char m[1100];
	media_dir_path(m, sizeof m);
	snprintf(out, n, "%s/%lld", m, (long long)tid);
}

static int export_files(const char *dir, const char *rel, int64_t *count, char *err, size_t errlen)
{
	DIR *d = opendir(dir);
	if (!d) return errno == ENOENT ? 0 : (snprintf(err, errlen, "cannot read %s", dir), -1);
	struct dirent *e;
	int rc = 0;
	while (rc == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.') continue;
		char path[4096], r[2048];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		snprintf(r, sizeof r, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		struct stat st;
		if (lstat(path, &st) < 0) continue;
		if (S_ISDIR(st.st_mode)) { rc = export_files(path, r, count, err, errlen); continue; }
		if (!S_ISREG(st.st_mode)) continue;
		size_t n;
		char *data = file_read(path, &n);
		if (!data) { snprintf(err, errlen, "cannot read %s", path); rc = -1; break; }
		char hex[65];
		sha256_hex(data, n, hex);
		sqlite3_stmt *ins = db_stmt("INSERT INTO x._export_files(path, sha256, data) VALUES(:p, :h, :d)");
		db_bind_text(ins, ":p", r);
		db_bind_text(ins, ":h", hex);
		db_bind_blob(ins, ":d", data, n);
		if (db_run(ins) < 0) { snprintf(err, errlen, "export: %s", db_errmsg()); rc = -1; }
		free(data);
		(*count)++;
	}
	closedir(d);
	return rc;
}

static int mkdirs(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/') continue;
		*p = 0;
		int rc = mkdir(path, 0750);
		*p = '/';
		if (rc < 0 && errno != EEXIST) return -1;
	}
	return 0;
}

/* Check the file's media against their SHA-256 and (write) put them under
 * the new store's directory: how many, or -1. */
static int64_t import_files(int64_t ntid, int write, char *err, size_t errlen)
{
	if (!gen_int("SELECT count(*) FROM imp.sqlite_schema WHERE name = '_export_files'")) return 0;
	char base[1200];
	store_media_dir(ntid, base, sizeof base);
	sqlite3_stmt *st = db_stmt("SELECT path, sha256, data FROM imp._export_files ORDER BY path");
	int64_t n = 0;
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		const char *rel = db_text(st, 0);
		const void *data = sqlite3_column_blob(st, 2);
		size_t len = (size_t)sqlite3_column_bytes(st, 2);
		char hex[65], path[4096];
		sha256_hex(data ? data : "", len, hex);
		if (strcmp(hex, db_text(st, 1)) != 0 || strstr(rel, "..") || rel[0] == '/') {
			snprintf(err, errlen, "the file is damaged: media file %s", rel);
			db_reset(st);
			return -1;
		}
		snprintf(path, sizeof path, "%s/%s", base, rel);
		if (write && (mkdirs(path) < 0 || file_write(path, data ? data : "", len) < 0)) {
			snprintf(err, errlen, "cannot write %s", path);
			db_reset(st);
			return -1;
		}
		n++;
	}
	db_reset(st);
	return rc == SQLITE_DONE ? n : -1;
}

static int attach(const char *path, const char *as, char *err, size_t errlen)
{
	sqlite3_stmt *st = db_stmt(strcmp(as, "x") == 0 ? "ATTACH :p AS x" : "ATTACH :p AS imp");
	db_bind_text(st, ":p", path);
	if (db_run(st) < 0) {
		snprintf(err, errlen, "%s (cannot open %s)", db_errmsg(), path);
		return -1;
	}
	return 0;
}

static void detach(const char *as)
{
	db_run_best_effort(db_stmt(strcmp(as, "x") == 0 ? "DETACH x" : "DETACH imp"));
}

cJSON *tf_rule_problems(void)
{
	cJSON *a = cJSON_CreateArray();
	tschema *sc = xmalloc(sizeof *sc);
	char err[256];
	if (load_schema("main", sc, err, sizeof err) < 0) {
		cJSON_AddItemToArray(a, cJSON_CreateString(err));
		free(sc);
		return a;
	}
	char m[400];
	for (int i = 0; i < sc->n; i++) {
		ttable *t = &sc->t[i];
		if (t->kind == TK_OTHER && !t->rule) {
			snprintf(m, sizeof m, "table %s has no tenant_id and no rule (global, cache or child of a parent)", t->name);
			cJSON_AddItemToArray(a, cJSON_CreateString(m));
		}
		if (t->kind == TK_CHILD) {
			tcol *c = find_col(t, t->rule->arg);
			ttable *p = c && c->ref[0] ? find_table(sc, c->ref) : NULL;
			if (!p || p->kind != TK_STORE || p->rowid_pk < 0) {
				snprintf(m, sizeof m, "table %s: its child rule's column %s has no foreign key to a store table", t->name,
					 t->rule->arg);
				cJSON_AddItemToArray(a, cJSON_CreateString(m));
			}
		}
		if (!exported(t)) continue;
		for (int k = 0; k < t->ncol; k++) {
			tcol *c = &t->col[k];
			if (k == t->rowid_pk || k == t->tenant_col || c->rule) {
				if (c->rule && c->rule->kind == RK_REF && !find_table(sc, c->rule->arg)) {
					snprintf(m, sizeof m, "%s.%s: its rule names a table %s that does not exist", t->name, c->name,
						 c->rule->arg);
					cJSON_AddItemToArray(a, cJSON_CreateString(m));
				}
				continue;
			}
			size_t n = strlen(c->name);
			int idlike = (n > 3 && !strcmp(c->name + n - 3, "_id")) || (n > 3 && !strcmp(c->name + n - 3, "_by"));
			if (!idlike) continue;
			if (c->ref[0]) {
				ttable *p = find_table(sc, c->ref);
				if (p && (p->rowid_pk >= 0 || p->kind == TK_TENANTS)) continue;
			}
			snprintf(m, sizeof m, "%s.%s looks like an id but has no foreign key and no rule", t->name, c->name);
			cJSON_AddItemToArray(a, cJSON_CreateString(m));
		}
	}
	/* A rule for a table or column that no longer exists is stale. */
	for (size_t i = 0; i < ARRAY_LEN(tf_rules); i++) {
		ttable *t = find_table(sc, tf_rules[i].table);
		if (t && tf_rules[i].column && !find_col(t, tf_rules[i].column)) {
			snprintf(m, sizeof m, "the rule for %s.%s names a column that does not exist", tf_rules[i].table,
				 tf_rules[i].column);
			cJSON_AddItemToArray(a, cJSON_CreateString(m));
		}
	}
	free(sc);
	return a;
}

static char *migrations_json(const char *s)
{
	char sql[200];
	snprintf(sql, sizeof sql, "SELECT json_group_array(version) FROM (SELECT version FROM \"%s\".schema_migrations ORDER BY version)", s);
	sqlite3_stmt *st;
	char *out = NULL;
	if (sqlite3_prepare_v2(db_handle(), sql, -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW) out = xstrdup((const char *)sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	return out ? out : xstrdup("[]");
}

int tf_export(const char *username, const char *path, cJSON **report, char *err, size_t errlen)
{
	*report = NULL;
	tenant tn = { 0 };
	if (tenant_load_username(&tn, username) < 0) { snprintf(err, errlen, "no store '%s'", username); return -1; }
	int64_t tid = tn.id;
	tenant_clear(&tn);
	if (access(path, F_OK) == 0) { snprintf(err, errlen, "%s exists already", path); return -1; }
	char tmp[4200];
	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	unlink(tmp);
	/* an empty file is an empty database: a connection opened without
	 * SQLITE_OPEN_CREATE (a worker's) cannot attach a file that is not there */
	if (file_write(tmp, "", 0) < 0) { snprintf(err, errlen, "cannot create %s", tmp); return -1; }
	if (attach(tmp, "x", err, errlen) < 0) { unlink(tmp); return -1; }
	tschema *sc = xmalloc(sizeof *sc);
	cJSON *rep = cJSON_CreateObject(), *tabs = NULL;
	sbuf q = SBUF_INIT;
	int rc = -1;
	if (load_schema("main", sc, err, errlen) < 0) goto out;
	if (gen_exec("export", "PRAGMA x.journal_mode=OFF; PRAGMA x.synchronous=OFF;", err, errlen) < 0) goto out;
	/* One read snapshot of main from the first read to the commit; the
	 * write lock taken is the new file's only. */
	if (db_begin(0) < 0) { snprintf(err, errlen, "cannot begin: %s", db_errmsg()); goto out; }
	if (gen_exec("export", "CREATE TABLE x._export_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
		     "CREATE TABLE x._export_tables(name TEXT PRIMARY KEY, rows INTEGER NOT NULL, checksum TEXT NOT NULL, "
		     "create_sql TEXT NOT NULL);", err, errlen) < 0)
		goto fail;
	tabs = cJSON_AddObjectToObject(rep, "tables");
	for (int i = 0; i < sc->n; i++) {
		ttable *t = &sc->t[i];
		if (!exported(t)) continue;
		sb_reset(&q);
		sb_printf(&q, "CREATE TABLE x.\"%s\" AS SELECT * FROM main.\"%s\" WHERE 0; INSERT INTO x.\"%s\" SELECT * FROM main.\"%s\" WHERE ",
			  t->name, t->name, t->name, t->name);
		where_store(&q, sc, t, "main", tid);
		sb_puts(&q, "; -- scan");
		if (gen_exec(t->name, sb_str(&q), err, errlen) < 0) goto fail;
		int64_t rows;
		char hex[65];
		if (checksum(sc, t, NULL, "x", "1", &rows, hex, NULL, err, errlen) < 0) goto fail;
		sqlite3_stmt *st = db_stmt("INSERT INTO x._export_tables(name, rows, checksum, create_sql) "
					   "VALUES(:n, :r, :c, (SELECT sql FROM main.sqlite_schema WHERE type = 'table' AND name = :n))");
		db_bind_text(st, ":n", t->name);
		db_bind_int(st, ":r", rows);
		db_bind_text(st, ":c", hex);
		if (db_run(st) < 0) { snprintf(err, errlen, "export: %s", db_errmsg()); goto fail; }
		cJSON *o = cJSON_AddObjectToObject(tabs, t->name);
		cJSON_AddNumberToObject(o, "rows", (double)rows);
		cJSON_AddStringToObject(o, "checksum", hex);
	}
	char mdir[1200];
	int64_t nfiles = 0;
	store_media_dir(tid, mdir, sizeof mdir);
	if (gen_exec("export", "CREATE TABLE x._export_files(path TEXT PRIMARY KEY, sha256 TEXT NOT NULL, data BLOB NOT NULL)",
		     err, errlen) < 0 || export_files(mdir, "", &nfiles, err, errlen) < 0)
		goto fail;
	cJSON_AddNumberToObject(rep, "files", (double)nfiles);
	char *mig = migrations_json("main");
	char now[32];
	snprintf(now, sizeof now, "%lld", (long long)now_unix());
	char tids[32];
	snprintf(tids, sizeof tids, "%lld", (long long)tid);
	const char *kv[][2] = { { "format", TF_FORMAT }, { "username", username }, { "tenant_id", tids }, { "media_url", TF_MEDIA_URL },
				{ "exported_at", now }, { "migrations", mig } };
	for (size_t k = 0; k < ARRAY_LEN(kv); k++) {
		sqlite3_stmt *st = db_stmt("INSERT INTO x._export_meta(key, value) VALUES(:k, :v)");
		db_bind_text(st, ":k", kv[k][0]);
		db_bind_text(st, ":v", kv[k][1]);
		if (db_run(st) < 0) { free(mig); snprintf(err, errlen, "export: %s", db_errmsg()); goto fail; }
	}
	free(mig);
	/* The source's AUTOINCREMENT counters: ids once handed out (a deleted
	 * block's id still named by a published version) stay unique after
	 * the import too. */
	if (gen_exec("export", "INSERT INTO x._export_meta(key, value) SELECT 'sequences', "
		     "coalesce(json_group_object(name, seq), '{}') FROM main.sqlite_sequence -- scan", err, errlen) < 0)
		goto fail;
	if (db_commit() < 0) { snprintf(err, errlen, "export: commit: %s", db_errmsg()); goto fail; }
	detach("x");
	if (rename(tmp, path) < 0) { snprintf(err, errlen, "cannot rename %s to %s", tmp, path); unlink(tmp); goto out; }
	cJSON_AddStringToObject(rep, "username", username);
	cJSON_AddStringToObject(rep, "format", TF_FORMAT);
	*report = rep;
	rep = NULL;
	rc = 0;
	goto out;
fail:
	if (db_in_tx()) db_rollback();
	detach("x");
	unlink(tmp);
out:
	sb_free(&q);
	free(sc);
	cJSON_Delete(rep);
	return rc;
}

static const char *meta(const char *key, char *buf, size_t n)
{
	sqlite3_stmt *st = db_stmt("SELECT value FROM imp._export_meta WHERE key = :k");
	db_bind_text(st, ":k", key);
	const char *v = NULL;
	if (db_step(st) == SQLITE_ROW) { snprintf(buf, n, "%s", db_text(st, 0)); v = buf; }
	db_reset(st);
	return v;
}

/* During an import: the media URL prefix of the file's store and of the
 * new one (TF_MEDIA_URL/<id>/), rewritten in text columns. */
static char g_media[2][80];

/* The value the import writes for column k of table t (of the target's
 * schema sc; fsc is the file's), read from the file's row. */
static void import_expr(sbuf *b, tschema *sc, const ttable *t, int k, const int64_t *off, int64_t ntid)
{
	const tcol *c = &t->col[k];
	if (k == t->tenant_col) { sb_printf(b, "%lld", (long long)ntid); return; }
	if (k == t->rowid_pk) { sb_printf(b, "\"%s\" + %lld", c->name, (long long)off[t - sc->t]); return; }
	if (c->rule) {
		switch (c->rule->kind) {
		case RK_REF: {
			const ttable *p = find_table(sc, c->rule->arg);
			if (!p || p->rowid_pk < 0) break;
			/* the referenced row may be gone: then NULL (or 0, "none") */
			sb_printf(b, "CASE WHEN \"%s\" IN (SELECT \"%s\" FROM imp.\"%s\") THEN \"%s\" + %lld ELSE %s END", c->name,
				  p->col[p->rowid_pk].name, p->name, c->name, (long long)off[p - sc->t], c->notnull ? "0" : "NULL");
			return;
		}
		case RK_BLOCKIDS: {
			const ttable *p = find_table(sc, "draft_blocks");
			int64_t o = p ? off[p - sc->t] : 0;
			sb_puts(b, "replace(");
			sb_printf(b, "CASE WHEN json_valid(\"%s\") AND json_type(\"%s\") = 'array' THEN (SELECT json_group_array(CASE "
				  "WHEN json_type(j.value, '$.id') = 'text' AND json_extract(j.value, '$.id') GLOB '[0-9]*' "
				  "AND NOT json_extract(j.value, '$.id') GLOB '*[^0-9]*' "
				  "THEN json_set(j.value, '$.id', CAST(CAST(json_extract(j.value, '$.id') AS INTEGER) + %lld AS TEXT)) "
				  "ELSE json(j.value) END) FROM (SELECT value FROM json_each(\"%s\") ORDER BY key) j) ELSE \"%s\" END",
				  c->name, c->name, (long long)o, c->name, c->name);
			char *e = sqlite3_mprintf(", %Q, %Q)", g_media[0], g_media[1]);
			sb_puts(b, e);
			sqlite3_free(e);
			return;
		}
		case RK_ENTITY: {
			sb_printf(b, "CASE WHEN \"%s\" GLOB '[0-9]*' AND NOT \"%s\" GLOB '*[^0-9]*' THEN CASE \"%s\"", c->name, c->name,
				  c->rule->arg ? c->rule->arg : "entity");
			for (size_t e = 0; e < ARRAY_LEN(entity_tables); e++) {
				const ttable *p = find_table(sc, entity_tables[e].table);
				if (p && p->rowid_pk >= 0)
					sb_printf(b, " WHEN '%s' THEN CAST(CAST(\"%s\" AS INTEGER) + %lld AS TEXT)", entity_tables[e].entity,
						  c->name, (long long)off[p - sc->t]);
			}
			sb_printf(b, " WHEN 'tenant' THEN '%lld' ELSE \"%s\" END ELSE \"%s\" END", (long long)ntid, c->name, c->name);
			return;
		}
		case RK_INTENT: {
			const ttable *p = find_table(sc, "orders");
			sb_printf(b, "CASE WHEN kind = 'intent' AND \"%s\" GLOB '[0-9]*' THEN CAST(CAST(\"%s\" AS INTEGER) + %lld AS TEXT) "
				  "ELSE \"%s\" END", c->name, c->name, p ? (long long)off[p - sc->t] : 0LL, c->name);
			return;
		}
		default:
			break;
		}
	}
	if (c->ref[0]) {
		const ttable *p = find_table(sc, c->ref);
		if (p && p->kind == TK_TENANTS) { sb_printf(b, "%lld", (long long)ntid); return; }
		if (p && p->rowid_pk >= 0) {
			sb_printf(b, "CASE WHEN \"%s\" IS NULL OR \"%s\" = 0 THEN \"%s\" ELSE \"%s\" + %lld END", c->name, c->name, c->name,
				  c->name, (long long)off[p - sc->t]);
			return;
		}
	}
	if (g_media[0][0] && is_text(c)) {
		char *e = sqlite3_mprintf("replace(\"%w\", %Q, %Q)", c->name, g_media[0], g_media[1]);
		sb_puts(b, e);
		sqlite3_free(e);
		return;
	}
	sb_printf(b, "\"%s\"", c->name);
}

int tf_import(const char *path, const char *as_username, cJSON **report, int *taken, char *err, size_t errlen)
{
	*report = NULL;
	*taken = 0;
	if (access(path, R_OK) != 0) { snprintf(err, errlen, "cannot read %s", path); return -1; }
	if (attach(path, "imp", err, errlen) < 0) return -1;
	tschema *sc = xmalloc(sizeof *sc), *fsc = xmalloc(sizeof *fsc);
	int64_t *off = xcalloc(TF_MAXT, sizeof *off);
	cJSON *rep = cJSON_CreateObject(), *seqs = NULL, *fmig = NULL, *tmig = NULL;
	sbuf q = SBUF_INIT;
	char *tm = NULL;
	int rc = -1;
	char buf[8192], uname[64];
	const char *fmt = gen_int("SELECT count(*) FROM imp.sqlite_schema WHERE name = '_export_meta'") ? meta("format", buf, sizeof buf) : NULL;
	if (!fmt || strcmp(fmt, TF_FORMAT) != 0) {
		snprintf(err, errlen, "%s is not a store export (%s)", path, TF_FORMAT);
		goto out;
	}
	/* A file from a newer schema: a migration there that is not applied here. */
	fmig = cJSON_Parse(meta("migrations", buf, sizeof buf) ? buf : "[]");
	tm = migrations_json("main");
	tmig = cJSON_Parse(tm);
	const cJSON *v;
	cJSON_ArrayForEach(v, fmig) {
		int found = 0;
		const cJSON *w;
		cJSON_ArrayForEach(w, tmig) if (w->valuedouble == v->valuedouble) found = 1;
		if (!found) {
			snprintf(err, errlen, "the file comes from a newer schema: its migration %d is not applied here "
				 "(upgrade this installation and run 'storefront init' first)", v->valueint);
			goto out;
		}
	}
	if (!meta("username", buf, sizeof buf)) { snprintf(err, errlen, "the file names no store"); goto out; }
	snprintf(uname, sizeof uname, "%s", as_username ? as_username : buf);
	const char *p = username_problem(uname);
	if (p) { snprintf(err, errlen, "username '%s': %s", uname, p); goto out; }
	seqs = cJSON_Parse(meta("sequences", buf, sizeof buf) ? buf : "{}");
	if (load_schema("main", sc, err, errlen) < 0 || load_schema("imp", fsc, err, errlen) < 0) goto out;
	/* Every table and column of the file must exist here (else the file
	 * is from a newer schema whatever its migrations say). */
	for (int i = 0; i < fsc->n; i++) {
		ttable *ft = &fsc->t[i], *t = find_table(sc, ft->name);
		if (!t || !exported(t)) {
			snprintf(err, errlen, "the file has a table %s this database %s", ft->name, t ? "does not take a store's rows in" : "lacks");
			goto out;
		}
		for (int k = 0; k < ft->ncol; k++)
			if (!find_col(t, ft->col[k].name)) {
				snprintf(err, errlen, "the file has a column %s.%s this database lacks (a newer schema)", ft->name, ft->col[k].name);
				goto out;
			}
	}
	/* The file's own rows against its manifest: a damaged file is refused
	 * before anything is written. */
	for (int i = 0; i < fsc->n; i++) {
		ttable *ft = &fsc->t[i], *t = find_table(sc, ft->name);
		sqlite3_stmt *ms = db_stmt("SELECT rows, checksum FROM imp._export_tables WHERE name = :n");
		db_bind_text(ms, ":n", ft->name);
		int64_t want = -1, frows;
		char wsum[65] = "", fsum[65];
		if (db_step(ms) == SQLITE_ROW) { want = db_int(ms, 0); snprintf(wsum, sizeof wsum, "%s", db_text(ms, 1)); }
		db_reset(ms);
		if (checksum(sc, t, ft, "imp", "1", &frows, fsum, NULL, err, errlen) < 0) goto out;
		if (frows != want || strcmp(fsum, wsum) != 0) {
			snprintf(err, errlen, "the file is damaged: table %s has %lld rows (checksum %.12s), its manifest says %lld (%.12s)",
				 ft->name, (long long)frows, fsum, (long long)want, wsum);
			goto out;
		}
	}
	if (import_files(0, 0, err, errlen) < 0) goto out;
	if (db_exec("PRAGMA defer_foreign_keys=ON") < 0 || db_begin(1) < 0) {
		snprintf(err, errlen, "cannot begin: %s", db_errmsg());
		goto out;
	}
	tenant other = { 0 };
	if (tenant_load_username(&other, uname) == 0) {
		tenant_clear(&other);
		*taken = 1;
		snprintf(err, errlen, "username '%s' is taken here", uname);
		goto fail;
	}
	/* The operator's import overrides a hold on the name (the catalogue is
	 * the authority across pods: a store moving back finds its own hold). */
	sqlite3_stmt *st = db_stmt("DELETE FROM retired_usernames WHERE username = :u");
	db_bind_text(st, ":u", uname);
	if (db_run(st) < 0) { snprintf(err, errlen, "import: %s", db_errmsg()); goto fail; }
	int64_t ntid = gen_int("SELECT coalesce(max(id), 0) + 1 FROM main.tenants");
	char otid[32];
	snprintf(otid, sizeof otid, "%s", meta("tenant_id", buf, sizeof buf) ? buf : "0");
	snprintf(g_media[0], sizeof g_media[0], "%s/%s/", meta("media_url", buf, sizeof buf) ? buf : TF_MEDIA_URL, otid);
	snprintf(g_media[1], sizeof g_media[1], "%s/%lld/", TF_MEDIA_URL, (long long)ntid);
	const char *back[2] = { g_media[1], g_media[0] };
	for (int i = 0; i < sc->n; i++) {
		ttable *t = &sc->t[i];
		if (t->rowid_pk < 0 || !exported(t)) continue;
		sb_reset(&q);
		sb_printf(&q, "SELECT max(coalesce((SELECT max(\"%s\") FROM main.\"%s\"), 0), "
			  "coalesce((SELECT seq FROM main.sqlite_sequence WHERE name = '%s'), 0))", t->col[t->rowid_pk].name, t->name, t->name);
		off[i] = gen_int(sb_str(&q));
	}
	/* The tenants row first (under its new id and name), then every table. */
	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < fsc->n; i++) {
			ttable *ft = &fsc->t[i], *t = find_table(sc, ft->name);
			if ((t->kind == TK_TENANTS) != (pass == 0)) continue;
			/* Rows a trigger made for the new store while an earlier
			 * table came in (block history, index queues) give way to
			 * the file's own. */
			if (pass == 1 && t->tenant_col >= 0) {
				sb_reset(&q);
				sb_printf(&q, "DELETE FROM main.\"%s\" WHERE \"%s\" = %lld", t->name,
					  t->col[t->tenant_col].name, (long long)ntid);
				if (gen_exec(t->name, sb_str(&q), err, errlen) < 0) goto fail;
			}
			sb_reset(&q);
			sb_printf(&q, "INSERT INTO main.\"%s\"(", t->name);
			int n = 0;
			for (int k = 0; k < t->ncol; k++)
				if (find_col(ft, t->col[k].name)) sb_printf(&q, "%s\"%s\"", n++ ? ", " : "", t->col[k].name);
			sb_puts(&q, ") SELECT ");
			n = 0;
			for (int k = 0; k < t->ncol; k++) {
				if (!find_col(ft, t->col[k].name)) continue;
				if (n++) sb_puts(&q, ", ");
				const char *cn = t->col[k].name;
				if (t->kind == TK_TENANTS && !strcmp(cn, "id")) sb_printf(&q, "%lld", (long long)ntid);
				else if (t->kind == TK_TENANTS && !strcmp(cn, "username")) {
					char *lit = sqlite3_mprintf("%Q", uname);
					sb_puts(&q, lit);
					sqlite3_free(lit);
				} else if (t->kind == TK_TENANTS && !strcmp(cn, "read_only_until")) sb_puts(&q, "0");
				else if (t->kind == TK_TENANTS && !strcmp(cn, "updated_at")) sb_puts(&q, "CAST(strftime('%s','now') AS INTEGER)");
				else import_expr(&q, sc, t, k, off, ntid);
			}
			sb_printf(&q, " FROM imp.\"%s\"%s -- scan", t->name, t->kind == TK_TENANTS ? " LIMIT 1" : "");
			if (gen_exec(t->name, sb_str(&q), err, errlen) < 0) {
				if (strstr(err, "UNIQUE")) {
					size_t l = strlen(err);
					snprintf(err + l, errlen - l, " (this store, or a copy of it, is in this database already)");
				}
				goto fail;
			}
		}
	/* AUTOINCREMENT counters: past every id the source had handed out. */
	const cJSON *s;
	cJSON_ArrayForEach(s, seqs) {
		ttable *t = find_table(sc, s->string);
		if (!t || !exported(t) || !cJSON_IsNumber(s) || bad_name(s->string)) continue;
		sb_reset(&q);
		sb_printf(&q, "UPDATE main.sqlite_sequence SET seq = max(seq, %lld) WHERE name = '%s'",
			  (long long)((int64_t)s->valuedouble + off[t - sc->t]), t->name);
		if (gen_exec("sequences", sb_str(&q), err, errlen) < 0) goto fail;
	}
	/* Verify: each table's rows and checksum as the file says. */
	cJSON *tabs = cJSON_AddObjectToObject(rep, "tables");
	for (int i = 0; i < fsc->n; i++) {
		ttable *ft = &fsc->t[i], *t = find_table(sc, ft->name);
		st = db_stmt("SELECT rows, checksum FROM imp._export_tables WHERE name = :n");
		db_bind_text(st, ":n", ft->name);
		int64_t want = -1;
		char wsum[65] = "";
		if (db_step(st) == SQLITE_ROW) { want = db_int(st, 0); snprintf(wsum, sizeof wsum, "%s", db_text(st, 1)); }
		db_reset(st);
		int64_t rows;
		char sum[65];
		/* what landed here against the file (the file's columns) */
		sb_reset(&q);
		where_store(&q, sc, t, "main", ntid);
		if (checksum(sc, t, ft, "main", sb_str(&q), &rows, sum, back, err, errlen) < 0) goto fail;
		if (rows != want || strcmp(sum, wsum) != 0) {
			snprintf(err, errlen, "table %s: %lld rows imported (checksum %.12s), the file has %lld (%.12s)", ft->name,
				 (long long)rows, sum, (long long)want, wsum);
			goto fail;
		}
		cJSON *o = cJSON_AddObjectToObject(tabs, ft->name);
		cJSON_AddNumberToObject(o, "rows", (double)rows);
		cJSON_AddStringToObject(o, "checksum", sum);
		cJSON_AddNumberToObject(o, "offset", (double)off[t - sc->t]);
	}
	/* the media files, then the commit (a failed commit leaves files no
	 * row names under an id no store has: harmless, overwritten by the
	 * next store with that id) */
	int64_t nfiles = import_files(ntid, 1, err, errlen);
	if (nfiles < 0) goto fail;
	cJSON_AddNumberToObject(rep, "files", (double)nfiles);
	if (db_commit() < 0) { snprintf(err, errlen, "import: %s", db_errmsg()); goto fail; }
	/* the search index is derived data, made again now so the store
	 * answers searches from its first request (if this fails, the rows
	 * the triggers marked are indexed by the deliverer) */
	if (search_reindex(ntid, NULL) < 0) log_warn("import: search index of store %lld: %s", (long long)ntid, db_errmsg());
	cJSON_AddStringToObject(rep, "username", uname);
	char idb[24];
	snprintf(idb, sizeof idb, "%lld", (long long)ntid);
	cJSON_AddStringToObject(rep, "tenantId", idb);
	*report = rep;
	rep = NULL;
	rc = 0;
	goto out;
fail:
	if (db_in_tx()) db_rollback();
out:
	g_media[0][0] = g_media[1][0] = 0;
	if (db_exec("PRAGMA defer_foreign_keys=OFF") < 0) log_warn("defer_foreign_keys: %s", db_errmsg());
	detach("imp");
	sb_free(&q);
	free(sc);
	free(fsc);
	free(off);
	free(tm);
	cJSON_Delete(fmig);
	cJSON_Delete(tmig);
	cJSON_Delete(seqs);
	cJSON_Delete(rep);
	return rc;
}

int tf_read_only(const char *username, long seconds, char *err, size_t errlen)
{
	sqlite3_stmt *st = db_stmt("UPDATE tenants SET read_only_until = CASE WHEN :s > 0 THEN CAST(strftime('%s','now') AS INTEGER) + :s "
				   "ELSE 0 END WHERE username = :u AND status != 'deleted'");
	db_bind_int(st, ":s", seconds);
	db_bind_text(st, ":u", username);
	if (db_run(st) < 0) { snprintf(err, errlen, "storage error: %s", db_errmsg()); return -1; }
	if (db_changes() == 0) { snprintf(err, errlen, "no store '%s'", username); return -1; }
	return 0;
}
