/* cart: cookie carts, their lines and the cart JSON (see cart.h). */
#include "cart.h"
#include "commerce.h"
#include "config.h"
#include "sha256.h"
#include "rows.h"
#include "db.h"
#include "log.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int token_ok(const char *s)
{
	if (!s || strlen(s) != 48) return 0;
	for (; *s; s++) if (!isxdigit((unsigned char)*s)) return 0;
	return 1;
}

int64_t com_cart_id(req *r, int create)
{
	char hash[65];
	int64_t id = 0;
	int pos = 0;
	const char *tok;
	/* Every value of a repeated cookie: a sibling store may have set one
	 * on the parent domain ahead of ours. */
	while (!id && (tok = http_cookie_next(r, COM_CART_COOKIE, &pos))) {
		if (!token_ok(tok)) continue;
		sha256_hex(tok, strlen(tok), hash);
		sqlite3_stmt *st = db_stmt("SELECT id FROM carts WHERE token_hash = :h AND tenant_id = :t AND updated_at > :old");
		db_bind_text(st, ":h", hash);
		db_bind_int(st, ":t", r->t.id);
		db_bind_int(st, ":old", now_unix() - cfg.cart_ttl);
		if (db_step(st) == SQLITE_ROW) id = db_int(st, 0);
		db_reset(st);
	}
	if (id || !create) return id;
	char fresh[49];
	random_hex(fresh, 24);
	sha256_hex(fresh, strlen(fresh), hash);
	sqlite3_stmt *st = db_stmt("INSERT INTO carts(tenant_id, token_hash, created_at, updated_at) "
				   "VALUES(:t, :h, strftime('%s','now'), strftime('%s','now'))");
	db_bind_int(st, ":t", r->t.id);
	db_bind_text(st, ":h", hash);
	if (db_run(st) < 0) return -1;
	id = db_last_id();
	http_set_cookie(r, COM_CART_COOKIE, fresh, cfg.cart_ttl, 1, "Lax");
	return id;
}

/* One cart line: each column named, read by its name (line_read). */
#define LINE_SQL \
	"SELECT ci.id AS item, ci.product_id AS product, ci.variant_id AS variant, ci.quantity AS qty, p.name AS name, " \
	"p.slug AS slug, coalesce(nullif(v.image, ''), p.image) AS image, p.status AS status, " \
	"CASE WHEN ci.variant_id = 0 THEN p.price ELSE v.price END AS price, " \
	"CASE WHEN ci.variant_id = 0 THEN p.stock ELSE v.stock END AS stock, coalesce(v.title, '') AS vtitle, " \
	"CASE WHEN ci.variant_id = 0 THEN p.sku ELSE v.sku END AS sku, (ci.variant_id != 0 AND v.id IS NULL) AS variant_gone, " \
	"p.track_inventory AS tracked, p.inventory_policy = 'continue' AS oversell " \
	"FROM cart_items ci JOIN products p ON p.id = ci.product_id AND p.tenant_id = ci.tenant_id " \
	"LEFT JOIN variants v ON v.id = ci.variant_id AND v.product_id = p.id " \
	"WHERE ci.tenant_id = :t AND ci.cart_id = :c ORDER BY ci.id"

/* The index of the result column named name (an AS alias of LINE_SQL). */
static int col(sqlite3_stmt *st, const char *name)
{
	for (int i = 0, n = sqlite3_column_count(st); i < n; i++)
		if (!strcmp(sqlite3_column_name(st, i), name)) return i;
	log_error("cart: LINE_SQL has no column %s", name);   /* a programming error */
	abort();
}

static void line_read(sqlite3_stmt *st, cart_line *l)
{
	l->item = db_int(st, col(st, "item"));
	l->product = db_int(st, col(st, "product"));
	l->variant = db_int(st, col(st, "variant"));
	l->qty = db_int(st, col(st, "qty"));
	l->price = db_int(st, col(st, "price"));
	l->stock = db_int(st, col(st, "stock"));
	l->name = xstrdup(db_text(st, col(st, "name")));
	l->vtitle = xstrdup(db_text(st, col(st, "vtitle")));
	l->sku = xstrdup(db_text(st, col(st, "sku")));
	l->slug = xstrdup(db_text(st, col(st, "slug")));
	l->image = xstrdup(db_text(st, col(st, "image")));
	l->gone = db_int(st, col(st, "variant_gone")) || strcmp(db_text(st, col(st, "status")), "active") != 0;
	l->tracked = (int)db_int(st, col(st, "tracked"));
	l->oversell = (int)db_int(st, col(st, "oversell"));
}

int cart_lines(int64_t tid, int64_t cart, cart_line **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (cart <= 0) return 0;
	sqlite3_stmt *st = db_stmt(LINE_SQL);
	db_bind_int(st, ":t", tid);
	db_bind_int(st, ":c", cart);
	int rc;
	while ((rc = db_step(st)) == SQLITE_ROW) {
		*out = xrealloc(*out, (*n + 1) * sizeof **out);
		line_read(st, &(*out)[(*n)++]);
	}
	db_reset(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

void cart_lines_free(cart_line *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].name);
		free(l[i].vtitle);
		free(l[i].sku);
		free(l[i].slug);
		free(l[i].image);
	}
	free(l);
}

int cart_line_unlimited(const cart_line *l)
{
	return !l->tracked || l->oversell;
}

int64_t cart_subtotal(const cart_line *l, size_t n)
{
	int64_t sum = 0;
	for (size_t i = 0; i < n; i++)
		if (!l[i].gone) sum += l[i].price * l[i].qty;
	return sum;
}

cJSON *com_cart_json(req *r, int64_t cart)
{
	cJSON *o = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(o, "items");
	int64_t count = 0;
	int problems = 0;
	cart_line *lines;
	size_t n;
	cart_lines(r->t.id, cart, &lines, &n);
	for (size_t i = 0; i < n; i++) {
		const cart_line *l = &lines[i];
		cJSON *it = cJSON_CreateObject();
		row_add_id(it, "id", l->item);
		row_add_id(it, "productId", l->product);
		if (l->variant) row_add_id(it, "variantId", l->variant);
		else cJSON_AddNullToObject(it, "variantId");
		cJSON_AddStringToObject(it, "name", l->name);
		cJSON_AddStringToObject(it, "variantTitle", l->vtitle);
		cJSON_AddStringToObject(it, "sku", l->sku);
		cJSON_AddStringToObject(it, "image", l->image);
		sbuf url = SBUF_INIT;
		sb_printf(&url, "/products/%s", l->slug);
		cJSON_AddStringToObject(it, "url", sb_str(&url));
		sb_free(&url);
		cJSON_AddNumberToObject(it, "quantity", (double)l->qty);
		com_add_money(it, "price", l->price, r->t.currency);
		com_add_money(it, "lineTotal", l->price * l->qty, r->t.currency);
		cJSON_AddNumberToObject(it, "stock", l->gone ? 0 : (double)l->stock);
		/* The most the stepper offers: the stock where it stops the sale. */
		int64_t most = l->gone ? 0 : cart_line_unlimited(l) || l->stock > cfg.cart_max_quantity ? cfg.cart_max_quantity : l->stock;
		cJSON_AddNumberToObject(it, "maxQuantity", (double)(most > 0 ? most : 0));
		cJSON_AddBoolToObject(it, "atMost", l->qty >= most);
		/* Untracked or sold past zero: stock never stops the sale. */
		const char *problem = l->gone ? "no longer available" : cart_line_unlimited(l) ? NULL :
				      l->stock <= 0 ? "out of stock" : l->qty > l->stock ? "not enough in stock" : NULL;
		if (problem) { cJSON_AddStringToObject(it, "problem", problem); problems++; }
		else cJSON_AddNullToObject(it, "problem");
		cJSON_AddItemToArray(items, it);
		count += l->qty;
	}
	int64_t subtotal = cart_subtotal(lines, n);
	cart_lines_free(lines, n);
	cJSON_AddNumberToObject(o, "itemCount", (double)count);
	cJSON_AddStringToObject(o, "currency", r->t.currency);
	com_add_money(o, "subtotal", subtotal, r->t.currency);
	cJSON_AddBoolToObject(o, "canCheckout", count > 0 && problems == 0);
	return o;
}
