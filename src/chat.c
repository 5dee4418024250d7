/* chat: retrieval-only answers and the conversations they belong to. */
#include "chat.h"
#include "catalog.h"
#include "config.h"
#include "db.h"
#include "html.h"
#include "money.h"
#include "search.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The conversation: an existing one of this store (touched), or a new one
 * into id. 0, 1 not this store's, -1 storage error. */
static int conversation(int64_t tid, const char *conv, char id[33])
{
	int64_t now = now_unix();
	if (conv && *conv) {
		sqlite3_stmt *st = db_stmt("UPDATE chat_conversations SET updated_at = :now WHERE id = :id AND tenant_id = :t "
					   "AND updated_at >= :since");
		db_bind_int(st, ":now", now);
		db_bind_text(st, ":id", conv);
		db_bind_int(st, ":t", tid);
		db_bind_int(st, ":since", now - cfg.chat_ttl);
		if (db_run(st) < 0) return -1;
		if (db_changes() == 0) return 1;
		snprintf(id, 33, "%s", conv);
		return 0;
	}
	random_hex(id, 16);
	sqlite3_stmt *st = db_stmt("INSERT INTO chat_conversations(id, tenant_id, created_at, updated_at) VALUES (:id, :t, :now, :now)");
	db_bind_text(st, ":id", id);
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":now", now);
	return db_run(st) < 0 ? -1 : 0;
}

static int save(int64_t tid, const char *conv, const char *role, const char *text)
{
	sqlite3_stmt *st = db_stmt("INSERT INTO chat_messages(conversation_id, tenant_id, role, content, at) "
				   "VALUES (:c, :t, :r, :x, :now)");
	db_bind_text(st, ":c", conv);
	db_bind_int(st, ":t", tid);
	db_bind_text(st, ":r", role);
	db_bind_text(st, ":x", text);
	db_bind_int(st, ":now", now_unix());
	return db_run(st);
}

/* Does the folded message ask for things in stock? */
static int wants_in_stock(const char *folded)
{
	static const char *const w[] = { "in stock", "available", "availability", "ship today", NULL };
	for (int i = 0; w[i]; i++) if (strstr(folded, w[i])) return 1;
	return 0;
}

cJSON *chat_answer(const tenant *t, const char *conv, const char *message, int *notfound)
{
	*notfound = 0;
	char id[33];
	if (db_begin(1) < 0) return NULL;
	int rc = conversation(t->id, conv, id);
	if (rc != 0) {
		db_rollback();
		if (rc > 0) *notfound = 1;
		return NULL;
	}
	if (save(t->id, id, "user", message) < 0) { db_rollback(); return NULL; }
	sbuf folded = SBUF_INIT;
	search_fold(message, &folded);
	int instock = wants_in_stock(sb_str(&folded));
	int64_t ids[40];
	int n = search_product_ids(t, message, SEARCH_HYBRID, ids, 40);
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "conversationId", id);
	cJSON_AddStringToObject(o, "mode", "retrieval");
	cJSON *list = cJSON_CreateArray();
	sbuf text = SBUF_INIT, htm = SBUF_INIT;
	sqlite3_stmt *st = db_stmt("SELECT p.name, p.slug, p.price, "
				   "CASE WHEN p.track_inventory = 0 OR p.inventory_policy = 'continue' THEN 1 ELSE "
				   "coalesce((SELECT sum(v.stock) FROM variants v WHERE v.product_id = p.id), p.stock) > 0 END "
				   "FROM products p WHERE p.tenant_id = :t AND p.id = :id AND p.status = 'active'");
	for (int i = 0; i < n && cJSON_GetArraySize(list) < CHAT_PRODUCTS; i++) {
		db_bind_int(st, ":t", t->id);
		db_bind_int(st, ":id", ids[i]);
		if (db_step(st) == SQLITE_ROW && (!instock || db_int(st, 3))) {
			cJSON *p = cJSON_CreateObject();
			char b[24];
			snprintf(b, sizeof b, "%lld", (long long)ids[i]);
			cJSON_AddStringToObject(p, "id", b);
			cJSON_AddStringToObject(p, "name", db_text(st, 0));
			sbuf u = SBUF_INIT, pr = SBUF_INIT;
			sb_puts(&u, "/products/");
			url_component(&u, db_text(st, 1));
			cJSON_AddStringToObject(p, "url", sb_str(&u));
			cJSON_AddNumberToObject(p, "price", money_major(db_int(st, 2), t->currency));
			money_format(&pr, db_int(st, 2), t->currency);
			cJSON_AddStringToObject(p, "priceFormatted", sb_str(&pr));
			cJSON_AddBoolToObject(p, "inStock", db_int(st, 3) != 0);
			/* the answer: plain text, and HTML whose only links are this store's own paths */
			sb_printf(&text, "\n- %s, %s%s (%s)", db_text(st, 0), sb_str(&pr), db_int(st, 3) ? "" : ", sold out", sb_str(&u));
			sb_puts(&htm, "<li><a href=\"");
			html_attr(&htm, sb_str(&u));
			sb_puts(&htm, "\">");
			html_text(&htm, db_text(st, 0));
			sb_puts(&htm, "</a> ");
			html_text(&htm, sb_str(&pr));
			if (!db_int(st, 3)) sb_puts(&htm, " (sold out)");
			sb_puts(&htm, "</li>");
			sb_free(&u);
			sb_free(&pr);
			cJSON_AddItemToArray(list, p);
		}
		db_reset(st);
	}
	int found = cJSON_GetArraySize(list);
	sbuf answer = SBUF_INIT, answer_html = SBUF_INIT;
	if (found) {
		sb_printf(&answer, "Here %s %d product%s from %s that match%s:%s", found == 1 ? "is" : "are", found,
			  found == 1 ? "" : "s", t->name, instock ? " and are in stock" : "", sb_str(&text));
		sb_puts(&answer_html, "<p>");
		sb_printf(&answer_html, "Here %s %d product%s that match%s:", found == 1 ? "is" : "are", found,
			  found == 1 ? "" : "s", instock ? " and are in stock" : "");
		sb_puts(&answer_html, "</p><ul>");
		sb_puts(&answer_html, sb_str(&htm));
		sb_puts(&answer_html, "</ul>");
	} else {
		sb_printf(&answer, "Sorry, nothing in %s matches that%s. Try other words, or browse all products at /products.",
			  t->name, instock ? " and is in stock" : "");
		sb_puts(&answer_html, "<p>Sorry, nothing in this store matches that");
		if (instock) sb_puts(&answer_html, " and is in stock");
		sb_puts(&answer_html, ". Try other words, or <a href=\"/products\">browse all products</a>.</p>");
	}
	cJSON_AddStringToObject(o, "answer", sb_str(&answer));
	cJSON_AddStringToObject(o, "answerHtml", sb_str(&answer_html));
	cJSON_AddItemToObject(o, "products", list);
	int bad = save(t->id, id, "assistant", sb_str(&answer)) < 0;
	sb_free(&folded); sb_free(&text); sb_free(&htm); sb_free(&answer); sb_free(&answer_html);
	if (bad || db_commit() < 0) {
		db_rollback();
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

int chat_expire(void)
{
	sqlite3_stmt *st = db_stmt("DELETE FROM chat_conversations WHERE updated_at < :since");
	db_bind_int(st, ":since", now_unix() - cfg.chat_ttl);
	if (db_run(st) < 0) return -1;
	return db_changes();
}
