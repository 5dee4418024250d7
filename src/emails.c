/* emails: the shopper emails' texts, defaults and a store's own (emails.h). */
#include "emails.h"
#include "config.h"
#include "db.h"
#include "tmpl.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = {
	"order_confirmed", "order_shipped", "order_cancelled", "order_refunded", "customer_code", "back_in_stock",
	"abandoned_checkout",
};

int emails_kind_known(const char *kind)
{
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
		if (kind && !strcmp(kind, kinds[i])) return 1;
	return 0;
}

/* templates/email/KIND<suffix> as text ("" when there is none). */
static char *default_text(const char *kind, const char *suffix)
{
	char rel[120], path[1200];
	snprintf(rel, sizeof rel, "templates/email/%s%s", kind, suffix);
	char *s = file_read(config_path(path, sizeof path, rel), NULL);
	return s ? s : xstrdup("");
}

/* The store's own: subject, text, html into the slots (NULL: none). */
static int stored(int64_t tid, const char *kind, char **subject, char **text, char **html)
{
	sqlite3_stmt *st = db_stmt("SELECT subject, text_body, html_body FROM email_templates WHERE tenant_id = :t AND kind = :k");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":k", kind);
	int found = db_step(st) == SQLITE_ROW;
	if (found) {
		*subject = xstrdup(db_text(st, 0));
		*text = xstrdup(db_text(st, 1));
		*html = xstrdup(db_text(st, 2));
	}
	db_reset(st);
	return found;
}

cJSON *emails_list(int64_t tid)
{
	cJSON *a = cJSON_CreateArray();
	for (size_t i = 0; i < ARRAY_LEN(kinds); i++) {
		sqlite3_stmt *st = db_stmt("SELECT 1 FROM email_templates WHERE tenant_id = :t AND kind = :k");
		db_bind_int(st, ":t", tid);
		db_bind_text(st, ":k", kinds[i]);
		int custom = db_step(st) == SQLITE_ROW;
		db_reset(st);
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "kind", kinds[i]);
		cJSON_AddBoolToObject(o, "custom", custom);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static void add_owned(cJSON *o, const char *k, char *s)
{
	cJSON_AddStringToObject(o, k, s ? s : "");
	free(s);
}

cJSON *emails_json(int64_t tid, const char *kind)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", kind);
	char *s = NULL, *t = NULL, *h = NULL;
	int custom = stored(tid, kind, &s, &t, &h);
	cJSON_AddBoolToObject(o, "custom", custom);
	cJSON *d = cJSON_CreateObject();
	add_owned(d, "subject", default_text(kind, ".subject.txt"));
	add_owned(d, "text", default_text(kind, ".txt"));
	add_owned(d, "html", default_text(kind, ".html"));
	if (!custom) {
		s = xstrdup(cJSON_GetObjectItemCaseSensitive(d, "subject")->valuestring);
		t = xstrdup(cJSON_GetObjectItemCaseSensitive(d, "text")->valuestring);
		h = xstrdup(cJSON_GetObjectItemCaseSensitive(d, "html")->valuestring);
	}
	add_owned(o, "subject", s);
	add_owned(o, "text", t);
	add_owned(o, "html", h);
	cJSON_AddItemToObject(o, "defaults", d);
	return o;
}

const char *emails_template_problem(const char *t, char *buf, size_t n)
{
	tmpl *x = tmpl_parse(t, buf, n);
	if (!x) return buf;
	tmpl_free(x);
	return NULL;
}

int emails_save(int64_t tid, const char *kind, const char *subject, const char *text, const char *html)
{
	sqlite3_stmt *st = db_stmt("INSERT INTO email_templates(tenant_id, kind, subject, text_body, html_body, updated_at) "
				   "VALUES(:t, :k, :s, :x, :h, :now) ON CONFLICT(tenant_id, kind) DO UPDATE SET "
				   "subject = excluded.subject, text_body = excluded.text_body, html_body = excluded.html_body, "
				   "updated_at = excluded.updated_at");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":k", kind);
	db_bind_text(st, ":s", subject);
	db_bind_text(st, ":x", text);
	db_bind_text(st, ":h", html ? html : "");
	db_bind_int(st, ":now", now_unix());
	return db_run(st);
}

int emails_reset(int64_t tid, const char *kind)
{
	sqlite3_stmt *st = db_stmt("DELETE FROM email_templates WHERE tenant_id = :t AND kind = :k");
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":k", kind);
	if (db_run(st) < 0) return -1;
	return db_changes() ? 1 : 0;
}

/* text (a template's source) or, NULL, the file's: rendered into out. */
static int render_one(const char *text, const char *file, const cJSON *data, sbuf *out)
{
	if (!text) return tmpl_render_file(file, data, out);
	char err[200];
	tmpl *x = tmpl_parse(text, err, sizeof err);
	if (!x) return -1;
	tmpl_render(x, data, out);
	tmpl_free(x);
	return 0;
}

/* No HTML template: the text in the layout, one paragraph per blank-line
 * separated block (escaped by the template). */
static void html_from_text(const char *store, const char *subject, const char *text, sbuf *out)
{
	cJSON *d = cJSON_CreateObject();
	cJSON_AddStringToObject(d, "store", store);
	cJSON_AddStringToObject(d, "subject", subject);
	cJSON *ps = cJSON_AddArrayToObject(d, "paragraphs");
	const char *p = text;
	while (*p) {
		const char *end = strstr(p, "\n\n");
		size_t n = end ? (size_t)(end - p) : strlen(p);
		while (n && (p[n - 1] == '\n' || p[n - 1] == '\r')) n--;
		if (n) {
			cJSON *o = cJSON_CreateObject();
			char *s = xstrndup(p, n);
			cJSON_AddStringToObject(o, "text", s);
			free(s);
			cJSON_AddItemToArray(ps, o);
		}
		if (!end) break;
		p = end + 2;
	}
	if (tmpl_render_file("email/layout.html", d, out) < 0) sb_reset(out);
	cJSON_Delete(d);
}

int emails_render(int64_t tid, const char *kind, const char *store_name, const cJSON *data, const char *subject_t,
		  const char *text_t, const char *html_t, sbuf *subject, sbuf *text, sbuf *html)
{
	char *s = NULL, *t = NULL, *h = NULL;
	int custom = tid && emails_kind_known(kind) && stored(tid, kind, &s, &t, &h);
	char file[120];
	snprintf(file, sizeof file, "email/%s.subject.txt", kind);
	int rc = render_one(subject_t ? subject_t : s, file, data, subject);
	snprintf(file, sizeof file, "email/%s.txt", kind);
	if (rc == 0) rc = render_one(text_t ? text_t : t, file, data, text);
	while (subject->len && (subject->s[subject->len - 1] == '\n' || subject->s[subject->len - 1] == '\r'))
		subject->s[--subject->len] = 0;
	for (size_t i = 0; i < subject->len; i++)
		if (subject->s[i] == '\n' || subject->s[i] == '\r') subject->s[i] = ' ';
	if (rc == 0) {
		const char *ht = html_t ? html_t : custom && h && *h ? h : NULL;
		snprintf(file, sizeof file, "email/%s.html", kind);
		if (ht && *ht) rc = render_one(ht, file, data, html);
		else if (!html_t && tmpl_get(file)) rc = tmpl_render_file(file, data, html);
		else html_from_text(store_name, sb_str(subject), sb_str(text), html);
	}
	free(s);
	free(t);
	free(h);
	return rc;
}

cJSON *emails_sample(const char *store_name)
{
	cJSON *o = cJSON_Parse(
		"{\"number\":1001,\"url\":\"/orders/1001?key=sample\",\"origin\":\"https://shop.example\","
		"\"email\":\"shopper@example.com\",\"name\":\"Sam Shopper\",\"shippingMethodName\":\"Standard shipping\","
		"\"items\":[{\"quantity\":2,\"name\":\"Trail Mug\",\"variantTitle\":\"Green\",\"lineTotalFormatted\":\"$24.00\"}],"
		"\"subtotalFormatted\":\"$24.00\",\"discountFormatted\":\"$0.00\",\"shippingFormatted\":\"$5.00\","
		"\"taxFormatted\":\"$0.00\",\"totalFormatted\":\"$29.00\",\"manualPayment\":true,\"paymentStatus\":\"refunded\","
		"\"trackingNumber\":\"1Z999AA10123456784\",\"trackingUrl\":\"https://track.example/1Z999AA10123456784\","
		"\"code\":\"123456\",\"reset\":false,\"minutes\":10,\"variantTitle\":\"Green\"}");
	cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "store"), "name", store_name);
	return o;
}
