/* admin_fields: /api/cms/custom-fields, the store's custom field
 * definitions (cfields.c checks the values on every write of a product,
 * collection, page or post). */
#include "admin.h"
#include "audit.h"
#include "cfields.h"
#include "config.h"
#include "db.h"
#include "input.h"
#include "route.h"

#include <stdio.h>
#include <string.h>

/* Route: GET /api/cms/custom-fields?resource=product */
void adm_fields_list(req *r)
{
	const char *res = http_query(r, "resource");
	const char *p = res ? cf_resource_problem(res) : NULL;
	if (p) { in_query_fail(r, "resource", "%s", p); return; }
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "fields", cf_list(r->t.id, res));
	http_json(r, 200, o);
}

/* Route: GET /api/cms/custom-fields/{id} */
void adm_field_get(req *r) { adm_send(r, 200, cf_get(r->t.id, route_id(r, 0)), "custom field"); }

static int count_fields(int64_t tid)
{
	sqlite3_stmt *st = db_stmt("SELECT count(*) FROM custom_fields WHERE tenant_id = :t");
	db_bind_int(st, ":t", tid);
	int n = db_step(st) == SQLITE_ROW ? (int)db_int(st, 0) : 0;
	db_reset(st);
	return n;
}

/* Route: POST /api/cms/custom-fields {resource, key, type, label?} */
void adm_field_create(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	static const char *const fields[] = { "resource", "key", "type", "label", NULL };
	static const char *const resources[] = { "product", "collection", "page", "post", NULL };
	static const char *const types[] = { "text", "number", "boolean", "date", "url", "media", "product", "json", NULL };
	const char *res = NULL, *key = NULL, *type = NULL, *label = NULL, *p;
	if (in_known(r, b, fields, NULL) < 0 || in_enum(r, b, "resource", IN_REQUIRED, resources, &res) < 0 ||
	    in_str(r, b, "key", IN_REQUIRED, CF_KEY_MAX, &key) < 0 || in_enum(r, b, "type", IN_REQUIRED, types, &type) < 0 ||
	    in_str(r, b, "label", IN_OPTIONAL, 200, &label) < 0)
		goto out;
	if ((p = cf_key_problem(key))) { in_fail(r, "key", "%s", p); goto out; }
	if (count_fields(r->t.id) >= cfg.custom_fields_max) {
		cJSON *d = cJSON_CreateObject();
		cJSON_AddNumberToObject(d, "limit", (double)cfg.custom_fields_max);
		http_error(r, 422, "limit_reached", d, "the store has %ld custom fields, its limit", cfg.custom_fields_max);
		goto out;
	}
	if (db_begin(1) < 0) { adm_fail(r, "the custom field"); goto out; }
	sqlite3_stmt *st = db_stmt("INSERT INTO custom_fields(tenant_id, resource, key, type, label, created_at) "
				   "VALUES(:t, :r, :k, :ty, coalesce(:l, ''), strftime('%s','now'))");
	db_bind_int(st, ":t", r->t.id);
	db_bind_text(st, ":r", res);
	db_bind_text(st, ":k", key);
	db_bind_text(st, ":ty", type);
	db_bind_text(st, ":l", label);
	if (db_run(st) < 0) {
		if (db_errcode() == SQLITE_CONSTRAINT) {
			db_rollback();
			cJSON *d = cJSON_CreateObject();
			cJSON_AddStringToObject(d, "field", "key");
			http_error(r, 409, "conflict", d, "the store's %ss already have a custom field '%s'", res, key);
		} else {
			adm_fail(r, "the custom field");
		}
		goto out;
	}
	int64_t id = db_last_id();
	if (audit_write(r, "custom_field.create", "custom_field", id, "create", key) < 0) { adm_fail(r, "the custom field"); goto out; }
	if (adm_commit(r) == 0) adm_send(r, 201, cf_get(r->t.id, id), "custom field");
out:
	cJSON_Delete(b);
}

/* Route: PUT /api/cms/custom-fields/{id} {label} -- a field's resource,
 * key and type stay what they were (values were checked against them). */
void adm_field_update(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	int64_t id = route_id(r, 0);
	cJSON *cur = cf_get(r->t.id, id);
	static const char *const fields[] = { "label", "resource", "key", "type", NULL };
	static const char *const readonly[] = { "id", "createdAt", NULL };
	const char *label = NULL;
	if (!cur) { adm_not_found(r, "custom field"); goto out; }
	if (in_known(r, b, fields, readonly) < 0 || in_str(r, b, "label", IN_OPTIONAL, 200, &label) < 0) goto out;
	static const char *const fixed[] = { "resource", "key", "type" };
	for (size_t i = 0; i < ARRAY_LEN(fixed); i++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(b, fixed[i]);
		const cJSON *c = cJSON_GetObjectItemCaseSensitive(cur, fixed[i]);
		if (v && (!cJSON_IsString(v) || strcmp(v->valuestring, c->valuestring))) {
			in_fail(r, fixed[i], "cannot change (it is '%s'); delete the field and define a new one", c->valuestring);
			goto out;
		}
	}
	if (db_begin(1) < 0) { adm_fail(r, "the custom field"); goto out; }
	sqlite3_stmt *st = db_stmt("UPDATE custom_fields SET label = coalesce(:l, label) WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":id", id);
	db_bind_text(st, ":l", label);
	if (db_run(st) < 0) { adm_fail(r, "the custom field"); goto out; }
	if (audit_write(r, "custom_field.update", "custom_field", id, "update", NULL) < 0) { adm_fail(r, "the custom field"); goto out; }
	if (adm_commit(r) == 0) adm_send(r, 200, cf_get(r->t.id, id), "custom field");
out:
	cJSON_Delete(cur);
	cJSON_Delete(b);
}

/* Route: DELETE /api/cms/custom-fields/{id} -- and its values everywhere. */
void adm_field_delete(req *r)
{
	int64_t id = route_id(r, 0);
	if (db_begin(1) < 0) { adm_fail(r, "the custom field"); return; }
	cJSON *cur = cf_get(r->t.id, id);
	if (!cur) { db_rollback(); adm_not_found(r, "custom field"); return; }
	const char *res = cJSON_GetObjectItemCaseSensitive(cur, "resource")->valuestring;
	const char *key = cJSON_GetObjectItemCaseSensitive(cur, "key")->valuestring;
	sqlite3_stmt *st = db_stmt("DELETE FROM custom_fields WHERE tenant_id = :t AND id = :id");
	db_bind_int(st, ":t", r->t.id);
	db_bind_int(st, ":id", id);
	if (db_run(st) < 0 || cf_forget(r->t.id, res, key) < 0 ||
	    audit_write(r, "custom_field.delete", "custom_field", id, "delete", key) < 0 || audit_bump_content(r->t.id) < 0) {
		adm_fail(r, "the custom field");
	} else if (adm_commit(r) == 0) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddBoolToObject(o, "deleted", 1);
		http_json(r, 200, o);
	}
	cJSON_Delete(cur);
}
