/* cfields: custom field definitions and the checks of their values (see cfields.h). */
#include "cfields.h"
#include "db.h"
#include "input.h"
#include "rows.h"
#include "text.h"
#include "util.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const resources[] = { "product", "collection", "page", "post", NULL };
static const char *const types[] = { "text", "number", "boolean", "date", "url", "media", "product", "json", NULL };

static int one_of(const char *s, const char *const *set)
{
	for (int i = 0; s && set[i]; i++)
		if (!strcmp(s, set[i])) return 1;
	return 0;
}

const char *cf_resource_problem(const char *resource)
{
	return one_of(resource, resources) ? NULL : "must be product, collection, page or post";
}

const char *cf_type_problem(const char *type)
{
	return one_of(type, types) ? NULL : "must be text, number, boolean, date, url, media, product or json";
}

const char *cf_key_problem(const char *key)
{
	size_t n = key ? strlen(key) : 0;
	if (!n || n > CF_KEY_MAX) return "must be 1-64 characters";
	if (!isalpha((unsigned char)key[0]) && key[0] != '_') return "must start with a letter or '_'";
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)key[i]) && key[i] != '_') return "may hold only letters, digits and '_'";
	return NULL;
}

static int bad(char *field, size_t fl, char *msg, size_t ml, const char *f, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));
static int bad(char *field, size_t fl, char *msg, size_t ml, const char *f, const char *fmt, ...)
{
	snprintf(field, fl, "%s", f);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, ml, fmt, ap);
	va_end(ap);
	return -1;
}

static int product_exists(int64_t tid, int64_t id)
{
	sqlite3_stmt *st = db_stmt("SELECT 1 FROM products WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	int found = db_step(st) == SQLITE_ROW;
	db_reset(st);
	return found;
}

static int url_ok(const char *s)
{
	if (!str_startswith(s, "https://") && !str_startswith(s, "http://") && s[0] != '/') return 0;
	for (const char *c = s; *c; c++)
		if ((unsigned char)*c <= 0x20 || *c == 0x7f || *c == '"' || *c == '<' || *c == '>') return 0;
	return 1;
}

/* One value of a type: NULL when it fits (*out the value to store, a
 * copy or normalised), else the problem. */
static const char *value_problem(int64_t tid, const char *type, const cJSON *v, cJSON **out)
{
	char buf[120];
	*out = NULL;
	if (!strcmp(type, "text")) {
		const char *p = str_problem(v, CF_TEXT_MAX, buf, sizeof buf);
		if (p) return "must be a string of at most 10000 bytes";
	} else if (!strcmp(type, "number")) {
		if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble)) return "must be a number";
	} else if (!strcmp(type, "boolean")) {
		if (!cJSON_IsBool(v)) return "must be true or false";
	} else if (!strcmp(type, "date")) {
		double ms;
		if (!cJSON_IsString(v) || strlen(v->valuestring) > 40 || text_parse_iso(v->valuestring, &ms) < 0)
			return "must be an ISO 8601 date (2026-11-29) or date-time";
	} else if (!strcmp(type, "url")) {
		if (!cJSON_IsString(v) || strlen(v->valuestring) > IN_URL_MAX || !url_ok(v->valuestring))
			return "must be an http(s) URL or a path starting with '/'";
	} else if (!strcmp(type, "media")) {
		/* a media library id, or the URL of a file in it */
		if (!cJSON_IsString(v) || !v->valuestring[0] || strlen(v->valuestring) > IN_URL_MAX ||
		    !(strspn(v->valuestring, "0123456789") == strlen(v->valuestring) || url_ok(v->valuestring)))
			return "must be a media id or the URL of a media file";
	} else if (!strcmp(type, "product")) {
		int64_t id;
		if (id_problem(v, &id) || !product_exists(tid, id)) return "must be the id of one of the store's products";
		char b[24];
		snprintf(b, sizeof b, "%lld", (long long)id);
		*out = cJSON_CreateString(b);
		return NULL;
	} else if (!strcmp(type, "json")) {
		char *s = cJSON_PrintUnformatted(v);
		size_t n = s ? strlen(s) : 0;
		cJSON_free(s);
		if (n > CF_TEXT_MAX) return "must be JSON of at most 10000 bytes";
	} else {
		return "has an unknown type";
	}
	*out = cJSON_Duplicate(v, 1);
	return NULL;
}

int cf_check(int64_t tid, const char *resource, const cJSON *values, char **patch,
	     char *field, size_t fl, char *msg, size_t ml)
{
	*patch = NULL;
	if (!cJSON_IsObject(values)) return bad(field, fl, msg, ml, "customFields", "must be an object of field: value");
	sqlite3_stmt *st = db_stmt("SELECT key, type FROM custom_fields WHERE tenant_id = :t AND resource = :r");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":r", resource);
	cJSON *defs = cJSON_CreateObject();
	while (db_step(st) == SQLITE_ROW) cJSON_AddStringToObject(defs, db_text(st, 0), db_text(st, 1));
	db_reset(st);
	cJSON *out = cJSON_CreateObject();
	const cJSON *v;
	int rc = 0;
	char path[CF_KEY_MAX + 32];
	cJSON_ArrayForEach(v, values) {
		snprintf(path, sizeof path, "customFields.%.*s", CF_KEY_MAX, v->string);
		const cJSON *type = cJSON_GetObjectItemCaseSensitive(defs, v->string);
		if (!cJSON_IsString(type)) {
			rc = bad(field, fl, msg, ml, path, "is not a custom field of this store's %ss (define it first: "
				 "POST /api/cms/custom-fields)", resource);
			break;
		}
		if (cJSON_IsNull(v)) {          /* removes the value */
			cJSON_AddNullToObject(out, v->string);
			continue;
		}
		cJSON *norm;
		const char *p = value_problem(tid, type->valuestring, v, &norm);
		if (p) {
			rc = bad(field, fl, msg, ml, path, "%s (a %s field)", p, type->valuestring);
			break;
		}
		cJSON_AddItemToObject(out, v->string, norm);
	}
	if (rc == 0) *patch = cJSON_PrintUnformatted(out);
	cJSON_Delete(out);
	cJSON_Delete(defs);
	return rc;
}

int cf_from_body(int64_t tid, const char *resource, const cJSON *body, char **patch,
		 char *field, size_t fl, char *msg, size_t ml)
{
	*patch = NULL;
	const cJSON *cf = cJSON_GetObjectItemCaseSensitive(body, "customFields");
	if (!cf || cJSON_IsNull(cf)) return 0;
	return cf_check(tid, resource, cf, patch, field, fl, msg, ml);
}

cJSON *cf_from_text(int64_t tid, const char *resource, const char *key, const char *text)
{
	sqlite3_stmt *st = db_stmt("SELECT type FROM custom_fields WHERE tenant_id = :t AND resource = :r AND key = :k");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":r", resource);
	db_bind_text(st, ":k", key);
	char type[16] = "";
	if (db_step(st) == SQLITE_ROW) snprintf(type, sizeof type, "%s", db_text(st, 0));
	db_reset(st);
	if (!strcmp(type, "number")) {
		char *end;
		double d = strtod(text, &end);
		if (end != text && !*end && isfinite(d)) return cJSON_CreateNumber(d);
	} else if (!strcmp(type, "boolean")) {
		if (!strcasecmp(text, "true")) return cJSON_CreateTrue();
		if (!strcasecmp(text, "false")) return cJSON_CreateFalse();
	} else if (!strcmp(type, "json")) {
		cJSON *j = cJSON_Parse(text);
		if (j) return j;
	}
	return cJSON_CreateString(text);
}

int cf_store(int64_t tid, const char *resource, int64_t id, const char *patch)
{
	static const char *const sql[] = {
		NULL,   /* products: cs_write_product */
		"UPDATE collections SET custom_json = " CF_MERGE("custom_json") " WHERE tenant_id = :t AND id = :id",
		"UPDATE pages SET custom_json = " CF_MERGE("custom_json") " WHERE tenant_id = :t AND id = :id",
		"UPDATE posts SET custom_json = " CF_MERGE("custom_json") " WHERE tenant_id = :t AND id = :id",
	};
	if (!patch) return 0;
	for (int i = 1; resources[i]; i++) {
		if (strcmp(resources[i], resource)) continue;
		sqlite3_stmt *st = db_stmt(sql[i]);
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":id", id);
		db_bind_text(st, ":cf", patch);
		return db_run(st);
	}
	return -1;
}

int cf_related(int64_t tid, int64_t self, const cJSON *list, char **ids,
	       char *field, size_t fl, char *msg, size_t ml)
{
	*ids = NULL;
	if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) > CF_RELATED_MAX)
		return bad(field, fl, msg, ml, "relatedProducts", "must be a list of at most %d product ids", CF_RELATED_MAX);
	cJSON *out = cJSON_CreateArray();
	const cJSON *v;
	int i = 0;
	cJSON_ArrayForEach(v, list) {
		char path[48];
		snprintf(path, sizeof path, "relatedProducts[%d]", i++);
		int64_t id;
		if (id_problem(v, &id) || !product_exists(tid, id)) {
			cJSON_Delete(out);
			return bad(field, fl, msg, ml, path, "must be the id of one of the store's products");
		}
		if (id == self) {
			cJSON_Delete(out);
			return bad(field, fl, msg, ml, path, "is the product itself");
		}
		int dup = 0;
		const cJSON *o;
		cJSON_ArrayForEach(o, out) dup |= (int64_t)o->valuedouble == id;
		if (!dup) cJSON_AddItemToArray(out, cJSON_CreateNumber((double)id));
	}
	*ids = cJSON_PrintUnformatted(out);
	cJSON_Delete(out);
	return 0;
}

cJSON *cf_related_json(const char *stored)
{
	cJSON *in = row_json_text(stored, 1), *out = cJSON_CreateArray(), *v;
	cJSON_ArrayForEach(v, in) {
		if (!cJSON_IsNumber(v)) continue;
		char b[24];
		snprintf(b, sizeof b, "%lld", (long long)v->valuedouble);
		cJSON_AddItemToArray(out, cJSON_CreateString(b));
	}
	cJSON_Delete(in);
	return out;
}

static cJSON *def_row(sqlite3_stmt *st)
{
	cJSON *o = cJSON_CreateObject();
	row_add_id(o, "id", db_int(st, 0));
	cJSON_AddStringToObject(o, "resource", db_text(st, 1));
	cJSON_AddStringToObject(o, "key", db_text(st, 2));
	cJSON_AddStringToObject(o, "type", db_text(st, 3));
	cJSON_AddStringToObject(o, "label", db_text(st, 4));
	row_add_time(o, "createdAt", st, 5);
	return o;
}

cJSON *cf_list(int64_t tid, const char *resource)
{
	sqlite3_stmt *st = db_stmt("SELECT id, resource, key, type, label, created_at FROM custom_fields "
				   "WHERE tenant_id = :t AND (:r IS NULL OR resource = :r) ORDER BY resource, key");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":r", resource);
	return row_all(st, def_row);
}

cJSON *cf_get(int64_t tid, int64_t id)
{
	sqlite3_stmt *st = db_stmt("SELECT id, resource, key, type, label, created_at FROM custom_fields "
				   "WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":id", id);
	return row_one(st, def_row);
}

int cf_forget(int64_t tid, const char *resource, const char *key)
{
	static const char *const sql[] = {
		"UPDATE products SET custom_json = json_remove(custom_json, '$.\"' || :k || '\"') "
		"WHERE tenant_id = :t AND json_type(custom_json, '$.\"' || :k || '\"') IS NOT NULL",
		"UPDATE collections SET custom_json = json_remove(custom_json, '$.\"' || :k || '\"') "
		"WHERE tenant_id = :t AND json_type(custom_json, '$.\"' || :k || '\"') IS NOT NULL",
		"UPDATE pages SET custom_json = json_remove(custom_json, '$.\"' || :k || '\"') "
		"WHERE tenant_id = :t AND json_type(custom_json, '$.\"' || :k || '\"') IS NOT NULL",
		"UPDATE posts SET custom_json = json_remove(custom_json, '$.\"' || :k || '\"') "
		"WHERE tenant_id = :t AND json_type(custom_json, '$.\"' || :k || '\"') IS NOT NULL",
	};
	for (int i = 0; resources[i]; i++) {
		if (strcmp(resources[i], resource)) continue;
		sqlite3_stmt *st = db_stmt(sql[i]);
		db_bind_int(st, ":t", tid);
		db_bind_text(st, ":k", key);
		return db_run(st);
	}
	return -1;
}
