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
