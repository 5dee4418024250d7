/* admin_customers: /api/cms/customers: the merchant's view of the store's
 * shopper accounts (customer.c): list and search, detail with orders,
 * tags and a note, the list as CSV. Owners and staff; a write is audited. */
#include "admin.h"
#include "audit.h"
#include "customer.h"
#include "input.h"
#include "route.h"
#include "server.h"
#include "db.h"

#include <stdio.h>
#include <string.h>

/* Route: GET /api/cms/customers?q=&limit=&offset= -> {customers[]} */
void adm_customers_list(req *r)
{
	const char *q = http_query(r, "q");
	if (q && strlen(q) > IN_EMAIL_MAX) { in_query_fail(r, "q", "must be at most %d bytes", IN_EMAIL_MAX); return; }
	int64_t limit, offset;
	if (in_query_limit(r, 50, &limit) < 0 || in_query_offset(r, "offset", &offset) < 0) return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "customers", customer_admin_list(r->t.id, q, limit, offset));
	http_json(r, 200, o);
}

/* Route: GET /api/cms/customers.csv -- every customer, one line each */
void adm_customers_csv(req *r)
{
	http_content_type(r, "text/csv; charset=utf-8");
	http_header(r, "Content-Disposition", "attachment; filename=\"customers.csv\"");
	customer_admin_csv(r->t.id, &r->out);
}

/* Route: GET /api/cms/customers/{id} -> the customer with addresses and orders */
void adm_customer_get(req *r)
{
	cJSON *c = customer_admin_json(r->t.id, route_id(r, 0), r->t.currency);
	if (!c) { http_error(r, 404, "not_found", NULL, "there is no such customer"); return; }
	http_json(r, 200, c);
}

/* Route: PUT /api/cms/customers/{id} {tags?: [string], note?: string} */
void adm_customer_update(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	static const char *const fields[] = { "tags", "note", NULL };
	static const char *const ro[] = { "id", "email", "name", "emailVerified", "hasPassword", "createdAt", "orderCount",
					  "addresses", "orders", NULL };
	const cJSON *tags = NULL, *t;
	const char *note = NULL, *why;
	int64_t id = route_id(r, 0);
	if (in_known(r, b, fields, ro) < 0 || in_array(r, b, "tags", IN_OPTIONAL, CU_TAGS_MAX, &tags) < 0 ||
	    in_str(r, b, "note", IN_OPTIONAL, CU_NOTE_MAX, &note) < 0)
		goto out;
	cJSON_ArrayForEach(t, tags) {
		if (!cJSON_IsString(t) || !t->valuestring[0] || strlen(t->valuestring) > 100) {
			in_fail(r, "tags", "must be a list of words of 1-100 bytes");
			goto out;
		}
		if ((why = control_problem(t->valuestring))) { in_fail(r, "tags", "%s", why); goto out; }
	}
	if (db_begin(1) < 0) { server_storage_error(r, "the customer was not changed"); goto out; }
	cu_code rc = customer_admin_update(r->t.id, id, tags, note);
	if (rc == CU_NOT_FOUND) { db_rollback(); http_error(r, 404, "not_found", NULL, "there is no such customer"); goto out; }
	if (rc != CU_OK || audit_write(r, "customer.update", "customer", id, "update", NULL) < 0 || db_commit() < 0) {
		db_rollback();
		server_storage_error(r, "the customer was not changed");
		goto out;
	}
	http_json(r, 200, customer_admin_json(r->t.id, id, r->t.currency));
out:
	cJSON_Delete(b);
}

#define SYNC_MAX 1000

static void item_error(cJSON *res, int i, const char *pos, const char *field, const char *msg)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "index", i);
	if (pos) cJSON_AddStringToObject(o, "posId", pos);
	else cJSON_AddNullToObject(o, "posId");
	cJSON_AddStringToObject(o, "status", "error");
	cJSON *e = cJSON_AddObjectToObject(o, "error");
	cJSON_AddStringToObject(e, "field", field);
	cJSON_AddStringToObject(e, "message", msg);
	cJSON_AddItemToArray(res, o);
}

static const char *str_item(const cJSON *it, const char *k, size_t max, int required, const char **out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, k);
	*out = NULL;
	if (!v || cJSON_IsNull(v)) return required ? "is required" : NULL;
	if (!cJSON_IsString(v)) return "must be a string";
	if (strlen(v->valuestring) > max) return "is too long";
	const char *why = control_problem(v->valuestring);
	if (why) return why;
	*out = v->valuestring;
	return NULL;
}

/* Route: POST /api/cms/sync/customers {customers: [{posId, email, name?,
 * tags?, note?}]} -> {results[{index, posId, status: created|updated|error,
 * id | error {field, message}}], created, updated, failed}: the POS pushes
 * its customers (upsert by posId, else email); each item in its own
 * savepoint. The POS pulls them with GET /api/cms/customers (posId). */
void adm_sync_customers(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	const cJSON *items, *it;
	if (in_array(r, b, "customers", IN_REQUIRED, SYNC_MAX, &items) < 0) { cJSON_Delete(b); return; }
	cJSON *o = cJSON_CreateObject(), *res = cJSON_AddArrayToObject(o, "results");
	int created = 0, updated = 0, failed = 0, i = 0;
	if (db_begin(1) < 0) { cJSON_Delete(o); cJSON_Delete(b); server_storage_error(r, "no customer was saved"); return; }
	cJSON_ArrayForEach(it, items) {
		const char *pos = NULL, *email = NULL, *name = NULL, *note = NULL, *why = NULL, *field = NULL;
		const cJSON *tags = cJSON_GetObjectItemCaseSensitive(it, "tags"), *tg;
		char low[IN_EMAIL_MAX + 1];
		if (!cJSON_IsObject(it)) { why = "must be an object {posId, email, name?, tags?, note?}"; field = "customers"; }
		else if ((why = str_item(it, "posId", 100, 1, &pos))) field = "posId";
		else if ((why = str_item(it, "email", IN_EMAIL_MAX, 1, &email)) || (why = email_problem(email))) field = "email";
		else if ((why = str_item(it, "name", CU_NAME_MAX, 0, &name))) field = "name";
		else if ((why = str_item(it, "note", CU_NOTE_MAX, 0, &note))) field = "note";
		else if (tags && (!cJSON_IsArray(tags) || cJSON_GetArraySize(tags) > CU_TAGS_MAX)) { why = "must be a list of words"; field = "tags"; }
		if (!why && tags) cJSON_ArrayForEach(tg, tags)
			if (!cJSON_IsString(tg) || !tg->valuestring[0] || strlen(tg->valuestring) > 100) { why = "must be a list of words"; field = "tags"; }
		if (why) { item_error(res, i++, pos, field, why); failed++; continue; }
		snprintf(low, sizeof low, "%s", email);
		customer_email(low);
		int64_t id = 0;
		int made = 0;
		if (db_savepoint("item") < 0) goto fail;
		cu_code rc = customer_sync_one(r->t.id, pos, low, name, tags, note, &id, &made);
		if (rc == CU_OK && audit_write(r, made ? "customer.create" : "customer.update", "customer", id,
						made ? "create" : "update", pos) < 0)
			rc = CU_STORAGE;
		if (rc != CU_OK) {
			if (db_rollback_to("item") < 0) goto fail;
			item_error(res, i++, pos, rc == CU_EXISTS ? "email" : "customers",
				   rc == CU_EXISTS ? "is another customer's" : "was not saved (storage)");
			failed++;
			continue;
		}
		if (db_release("item") < 0) goto fail;
		cJSON *x = cJSON_CreateObject();
		cJSON_AddNumberToObject(x, "index", i++);
		cJSON_AddStringToObject(x, "posId", pos);
		cJSON_AddStringToObject(x, "status", made ? "created" : "updated");
		char idb[24];
		snprintf(idb, sizeof idb, "%lld", (long long)id);
		cJSON_AddStringToObject(x, "id", idb);
		cJSON_AddItemToArray(res, x);
		made ? created++ : updated++;
	}
	if (db_commit() < 0) goto fail;
	cJSON_AddNumberToObject(o, "created", created);
	cJSON_AddNumberToObject(o, "updated", updated);
	cJSON_AddNumberToObject(o, "failed", failed);
	http_json(r, 200, o);
	cJSON_Delete(b);
	return;
fail:
	db_rollback();
	cJSON_Delete(o);
	cJSON_Delete(b);
	server_storage_error(r, "no customer was saved");
}
