/* admin_emails: /api/cms/emails: the shopper emails a store may reword
 * (emails.c): list, read (with the defaults), replace, reset, preview
 * over sample data. Read: owners and staff; change and preview: owners. */
#include "admin.h"
#include "audit.h"
#include "emails.h"
#include "input.h"
#include "server.h"
#include "db.h"

#include <string.h>

static int kind_of(req *r, const char **kind)
{
	*kind = r->params[0];
	if (emails_kind_known(*kind)) return 0;
	http_error(r, 404, "not_found", NULL, "there is no email '%.40s' (order_confirmed, order_shipped, order_cancelled, "
		   "order_refunded, customer_code, back_in_stock, abandoned_checkout)", *kind);
	return -1;
}

/* Route: GET /api/cms/emails -> {emails: [{kind, custom}]} */
void adm_emails_list(req *r)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddItemToObject(o, "emails", emails_list(r->t.id));
	http_json(r, 200, o);
}

/* Route: GET /api/cms/emails/{kind} -> {kind, custom, subject, text, html, defaults} */
void adm_email_get(req *r)
{
	const char *kind;
	if (kind_of(r, &kind) == 0) http_json(r, 200, emails_json(r->t.id, kind));
}

/* The body's templates, each checked: -1 after answering 422. */
static int templates_of(req *r, const cJSON *b, int required, const char **s, const char **t, const char **h)
{
	char buf[200];
	const char *why;
	if (in_str(r, b, "subject", required, EMAILS_SUBJECT_MAX, s) < 0 ||
	    in_str(r, b, "text", required, EMAILS_TEMPLATE_MAX, t) < 0 ||
	    in_str(r, b, "html", IN_OPTIONAL, EMAILS_TEMPLATE_MAX, h) < 0)
		return -1;
	const char *fields[] = { "subject", "text", "html" }, *vals[] = { *s, *t, *h };
	for (int i = 0; i < 3; i++)
		if (vals[i] && (why = emails_template_problem(vals[i], buf, sizeof buf))) {
			in_fail(r, fields[i], "is not a valid template: %s", why);
			return -1;
		}
	if (*s && strpbrk(*s, "\r\n")) { in_fail(r, "subject", "must be one line"); return -1; }
	return 0;
}

/* Route: PUT /api/cms/emails/{kind} {subject, text, html?} */
void adm_email_put(req *r)
{
	const char *kind, *s = NULL, *t = NULL, *h = NULL;
	if (kind_of(r, &kind) < 0) return;
	cJSON *b = http_json_body(r);
	if (!b) return;
	static const char *const fields[] = { "subject", "text", "html", NULL };
	static const char *const ro[] = { "kind", "custom", "defaults", NULL };
	if (in_known(r, b, fields, ro) < 0 || templates_of(r, b, IN_REQUIRED, &s, &t, &h) < 0) goto out;
	if (db_begin(1) < 0 || emails_save(r->t.id, kind, s, t, h) < 0 ||
	    audit_write(r, "email.update", "email", 0, NULL, kind) < 0 || db_commit() < 0) {
		db_rollback();
		server_storage_error(r, "the email was not changed");
		goto out;
	}
	http_json(r, 200, emails_json(r->t.id, kind));
out:
	cJSON_Delete(b);
}

/* Route: DELETE /api/cms/emails/{kind} -- back to the default text */
void adm_email_reset(req *r)
{
	const char *kind;
	if (kind_of(r, &kind) < 0) return;
	if (db_begin(1) < 0 || emails_reset(r->t.id, kind) < 0 ||
	    audit_write(r, "email.reset", "email", 0, NULL, kind) < 0 || db_commit() < 0) {
		db_rollback();
		server_storage_error(r, "the email was not changed");
		return;
	}
	http_json(r, 200, emails_json(r->t.id, kind));
}

/* Route: POST /api/cms/emails/{kind}/preview {subject?, text?, html?} ->
 * {subject, text, html} over sample data (the given texts, else the
 * store's, else the defaults); nothing is saved or sent. */
void adm_email_preview(req *r)
{
	const char *kind, *s = NULL, *t = NULL, *h = NULL;
	if (kind_of(r, &kind) < 0) return;
	cJSON *b = r->body.len ? http_json_body(r) : cJSON_CreateObject();
	if (!b) return;
	if (templates_of(r, b, IN_OPTIONAL, &s, &t, &h) == 0) {
		cJSON *data = emails_sample(r->t.name);
		sbuf subject = SBUF_INIT, text = SBUF_INIT, html = SBUF_INIT;
		if (emails_render(r->t.id, kind, r->t.name, data, s, t, h, &subject, &text, &html) < 0) {
			http_error(r, 500, "template_missing", NULL, "the default template of '%s' is missing", kind);
		} else {
			cJSON *o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "subject", sb_str(&subject));
			cJSON_AddStringToObject(o, "text", sb_str(&text));
			cJSON_AddStringToObject(o, "html", sb_str(&html));
			http_json(r, 200, o);
		}
		sb_free(&subject);
		sb_free(&text);
		sb_free(&html);
		cJSON_Delete(data);
	}
	cJSON_Delete(b);
}
