/* import: Shopify product CSV -> catalogue (see import.h). */
#include "import.h"
#include "csv.h"
#include "html.h"
#include "catalog.h"
#include "cfields.h"
#include "currency.h"
#include "money.h"
#include "store_settings.h"
#include "tenant.h"
#include "db.h"
#include "util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum { C_HANDLE, C_TITLE, C_BODY, C_VENDOR, C_TAGS, C_STATUS, C_PUBLISHED, C_O1N, C_O1V, C_O2N, C_O2V, C_O3N, C_O3V,
       C_SKU, C_PRICE, C_CMP, C_QTY, C_IMG, C_VIMG, C_TRACKER, C_POLICY, C_IMGPOS, C_IMGALT, C_SEOT, C_SEOD,
       C_TYPE, C_BARCODE, C_NCOLS };
static const char *const col_names[C_NCOLS] = {
	"Handle", "Title", "Body (HTML)", "Vendor", "Tags", "Status", "Published", "Option1 Name", "Option1 Value",
	"Option2 Name", "Option2 Value", "Option3 Name", "Option3 Value", "Variant SKU", "Variant Price",
	"Variant Compare At Price", "Variant Inventory Qty", "Image Src", "Variant Image", "Variant Inventory Tracker",
	"Variant Inventory Policy", "Image Position", "Image Alt Text", "SEO Title", "SEO Description",
	"Type", "Variant Barcode",
};

/* A metafield column: "product.metafields.custom.material", Shopify's
 * newer "Material (product.metafields.custom.material)", or "Metafield:
 * custom.material [single_line_text_field]". The key (material) into
 * key: 1, or 0 for another column. */
static int metafield_column(const char *h, char *key, size_t n)
{
	const char *p = strstr(h, "product.metafields.");
	const char *end;
	if (p) {
		p += strlen("product.metafields.");
		end = p + strcspn(p, ")");
	} else if (!strncasecmp(h, "Metafield:", 10)) {
		p = h + 10;
		end = p + strcspn(p, "[");
	} else {
		return 0;
	}
	while (end > p && end[-1] == ' ') end--;
	const char *dot = end;                  /* the key is after the namespace */
	while (dot > p && dot[-1] != '.') dot--;
	size_t len = (size_t)(end - dot);
	if (!len || len >= n) return 0;
	memcpy(key, dot, len);
	key[len] = 0;
	return 1;
}

/* A fixed-price column of another currency: "Price / EUR" or "Compare At
 * Price / EUR" (Shopify Markets writes "Price / International"; here the
 * market is a currency code; a "Variant " before it is allowed). The code
 * into code and 1 (price) or 2 (compare-at); 0 for another column (a name
 * after the slash that is not a currency code: a market, not read). */
static int price_column(const char *h, char code[8])
{
	if (!strncasecmp(h, "Variant ", 8)) h += 8;
	int kind = !strncasecmp(h, "Price /", 7) ? 1 : !strncasecmp(h, "Compare At Price /", 18) ? 2 : 0;
	if (!kind) return 0;
	h += kind == 1 ? 7 : 18;
	while (*h == ' ') h++;
	size_t n = strlen(h);
	while (n && h[n - 1] == ' ') n--;
	if (n != 3) return 0;
	for (size_t i = 0; i < 3; i++) code[i] = (char)toupper((unsigned char)h[i]);
	code[3] = 0;
	return money_known(code) ? kind : 0;
}

/* The file's fixed-price columns: per currency its price and compare-at
 * column indexes (-1: absent) and the header text, for errors. */
typedef struct pcol { char code[8]; int price, cmp; char name[64], cname[64]; } pcol;

static void add_error(imp_result *res, size_t row, const char *col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void add_error(imp_result *res, size_t row, const char *col, const char *fmt, ...)
{
	if (res->nerrors >= 1000) return;       /* enough to fix the file */
	res->errors = xrealloc(res->errors, (res->nerrors + 1) * sizeof *res->errors);
	imp_error *e = &res->errors[res->nerrors++];
	e->row = row;
	snprintf(e->column, sizeof e->column, "%s", col);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
}

/* "12.50" -> 1250 (decimals of the currency); -1 when not a price. */
static int64_t parse_money(const char *s, int dec)
{
	while (*s == ' ') s++;
	if (!isdigit((unsigned char)*s)) return -1;
	int64_t v = 0;
	int frac = -1;
	for (; *s && *s != ' '; s++) {
		if (*s == '.' && frac < 0) { frac = 0; continue; }
		if (!isdigit((unsigned char)*s)) return -1;
		if (frac >= 0) { if (frac >= dec) { if (*s != '0') return -1; continue; } frac++; }
		v = v * 10 + (*s - '0');
		if (v > MONEY_MAX) return -1;     /* no overflow; catsync says why */
	}
	while (*s == ' ') s++;
	if (*s) return -1;
	for (int f = frac < 0 ? 0 : frac; f < dec; f++) v *= 10;
	return v;
}

/* Body (HTML) -> text: tags dropped, a few entities decoded, blank runs squeezed. */
static char *html_to_text(const char *h)
{
	sbuf b = SBUF_INIT;
	int space = 0;
	for (const char *p = h; *p; p++) {
		if (*p == '<') {
			const char *e = strchr(p, '>');
			if (!e) break;
			if (!strncasecmp(p, "<br", 3) || !strncasecmp(p, "</p", 3) || !strncasecmp(p, "</li", 4)) space = 1;
			p = e;
			continue;
		}
		static const struct { const char *ent, *ch; } ents[] = {
			{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" }, { "&#39;", "'" }, { "&nbsp;", " " },
		};
		int done = 0;
		for (size_t i = 0; i < ARRAY_LEN(ents) && !done; i++)
			if (!strncmp(p, ents[i].ent, strlen(ents[i].ent))) {
				if (space && b.len) sb_putc(&b, ' ');
				space = 0;
				sb_puts(&b, ents[i].ch);
				p += strlen(ents[i].ent) - 1;
				done = 1;
			}
		if (done) continue;
		if (isspace((unsigned char)*p)) { space = 1; continue; }
		if (space && b.len) sb_putc(&b, ' ');
		space = 0;
		sb_putc(&b, *p);
	}
	return sb_detach(&b);
}

typedef struct group {
	char *handle;
	size_t row;                 /* first row */
	cJSON *product;
	int bad;
} group;

static const char *cell(char **f, size_t n, const int *idx, int c)
{
	return idx[c] >= 0 && (size_t)idx[c] < n ? f[idx[c]] : "";
}

static int by_position(const void *a, const void *b)
{
	double x = cJSON_GetObjectItemCaseSensitive(*(cJSON *const *)a, "position")->valuedouble;
	double y = cJSON_GetObjectItemCaseSensitive(*(cJSON *const *)b, "position")->valuedouble;
	return x < y ? -1 : x > y;
}

/* Images in Image Position order (rows without one after, in file order);
 * the first is the product's featured image. */
static void order_images(cJSON *p)
{
	cJSON *imgs = cJSON_GetObjectItemCaseSensitive(p, "images");
	int n = cJSON_GetArraySize(imgs);
	if (n == 0) return;
	cJSON **v = xmalloc((size_t)n * sizeof *v);
	for (int i = 0; i < n; i++) v[i] = cJSON_DetachItemFromArray(imgs, 0);
	if ((n) > 1) qsort(v, (size_t)n, sizeof *v, by_position);
	for (int i = 0; i < n; i++) {
		cJSON_DeleteItemFromObjectCaseSensitive(v[i], "position");
		cJSON_AddItemToArray(imgs, v[i]);
	}
	free(v);
	if (!cJSON_HasObjectItem(p, "image"))
		cJSON_AddStringToObject(p, "image", cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(imgs, 0), "url")->valuestring);
}

static int commit_chunk(imp_result *res)
{
	if (db_commit() < 0) { snprintf(res->fatal, sizeof res->fatal, "commit failed: %s", db_errmsg()); return -1; }
	return 0;
}

int imp_shopify_csv(const cs_actor *a, const char *data, size_t n, imp_progress_fn progress, void *ud, imp_result *res)
{
	memset(res, 0, sizeof *res);
	tenant t = { 0 };
	int dec = 2;
	if (tenant_load_id(&t, a->tid) == 0) dec = money_decimals(t.currency);
	tenant_clear(&t);
	csv_reader rd;
	csv_row row = { 0 };
	csv_init(&rd, data, n);
	int idx[C_NCOLS];
	for (int i = 0; i < C_NCOLS; i++) idx[i] = -1;
	if (csv_next(&rd, &row) != 1) {
		snprintf(res->fatal, sizeof res->fatal, "%s", rd.failed ? rd.err : "the file is empty");
		csv_row_free(&row);
		return 0;
	}
	for (size_t i = 0; i < row.n; i++)
		for (int c = 0; c < C_NCOLS; c++)
			if (!strcasecmp(row.f[i], col_names[c]) && idx[c] < 0) idx[c] = (int)i;
	/* metafield columns -> customFields (cfields.c checks them) */
	cJSON *mcols = cJSON_CreateObject();   /* column index -> key */
	for (size_t i = 0; i < row.n; i++) {
		char key[CF_KEY_MAX + 1], ix[24];
		if (!metafield_column(row.f[i], key, sizeof key)) continue;
		snprintf(ix, sizeof ix, "%zu", i);
		cJSON_AddStringToObject(mcols, ix, key);
	}
	if (idx[C_HANDLE] < 0) {
		snprintf(res->fatal, sizeof res->fatal, "the first row has no 'Handle' column: not a Shopify product CSV");
		csv_row_free(&row);
		cJSON_Delete(mcols);
		return 0;
	}
	/* fixed prices in the store's other currencies: "Price / EUR" */
	pcol pc[CURRENCY_MAX];
	size_t npc = 0;
	cJSON *settings = com_settings(a->tid);
	for (size_t i = 0; i < row.n && !res->fatal[0]; i++) {
		char code[8];
		int kind = price_column(row.f[i], code);
		if (!kind) continue;
		currency_rate cr;
		if (currency_find(settings, code, &cr) < 0) {
			snprintf(res->fatal, sizeof res->fatal, "column '%.60s': this store does not sell in %s (commerce settings "
				 "currencies); nothing was imported", row.f[i], code);
			break;
		}
		size_t k = 0;
		while (k < npc && strcmp(pc[k].code, code)) k++;
		if (k == npc) {
			if (npc == CURRENCY_MAX) continue;
			memset(&pc[npc], 0, sizeof pc[npc]);
			snprintf(pc[npc].code, sizeof pc[npc].code, "%s", code);
			pc[npc].price = pc[npc].cmp = -1;
			npc++;
		}
		int *slot = kind == 1 ? &pc[k].price : &pc[k].cmp;
		if (*slot < 0) {
			*slot = (int)i;
			snprintf(kind == 1 ? pc[k].name : pc[k].cname, sizeof pc[k].name, "%s", row.f[i]);
		}
	}
	for (size_t k = 0; k < npc && !res->fatal[0]; k++)
		if (pc[k].price < 0)
			snprintf(res->fatal, sizeof res->fatal, "column '%.60s' needs a 'Price / %s' column beside it", pc[k].cname, pc[k].code);
	if (res->fatal[0]) {
		csv_row_free(&row);
		cJSON_Delete(mcols);
		cJSON_Delete(settings);
		return 0;
	}
	group *g = NULL;
	size_t ng = 0;
	size_t rowno = 1;
	int rc;
	while ((rc = csv_next(&rd, &row)) == 1) {
		rowno++;
		int blank = 1;
		for (size_t i = 0; i < row.n; i++) if (row.f[i][0]) blank = 0;
		if (blank) continue;
		const char *h = cell(row.f, row.n, idx, C_HANDLE);
		if (!*h) { add_error(res, rowno, "Handle", "is empty"); continue; }
		if (strlen(h) > CAT_HANDLE_MAX) { add_error(res, rowno, "Handle", "is longer than " STR(CAT_HANDLE_MAX) " bytes"); continue; }
		group *gr = NULL;
		for (size_t i = ng; i > 0 && !gr; i--) if (!strcmp(g[i - 1].handle, h)) gr = &g[i - 1];
		if (!gr) {
			g = xrealloc(g, (ng + 1) * sizeof *g);
			gr = &g[ng++];
			gr->handle = xstrdup(h);
			gr->row = rowno;
			gr->bad = 0;
			gr->product = cJSON_CreateObject();
			cJSON_AddStringToObject(gr->product, "handle", h);
			cJSON_AddArrayToObject(gr->product, "variants");
			cJSON_AddArrayToObject(gr->product, "images");
			cJSON_AddArrayToObject(gr->product, "options");
		}
		cJSON *p = gr->product;
		const char *title = cell(row.f, row.n, idx, C_TITLE);
		if (*title && !cJSON_HasObjectItem(p, "name")) {
			cJSON_AddStringToObject(p, "name", title);
			char *txt = html_to_text(cell(row.f, row.n, idx, C_BODY));
			cJSON_AddStringToObject(p, "description", txt);
			free(txt);
			cJSON_AddStringToObject(p, "vendor", cell(row.f, row.n, idx, C_VENDOR));
			/* Type: absent column, the product's type stays as it is */
			const char *type = cell(row.f, row.n, idx, C_TYPE);
			if (cs_type_problem(type)) { add_error(res, rowno, "Type", "%s", cs_type_problem(type)); gr->bad = 1; }
			if (idx[C_TYPE] >= 0) cJSON_AddStringToObject(p, "productType", type);
			cJSON *tags = cJSON_AddArrayToObject(p, "tags");
			char *tl = xstrdup(cell(row.f, row.n, idx, C_TAGS)), *save = NULL;
			for (char *tok = strtok_r(tl, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				while (*tok == ' ') tok++;
				size_t k = strlen(tok);
				while (k && tok[k - 1] == ' ') tok[--k] = 0;
				if (k && k <= CAT_OPTION_MAX && cJSON_GetArraySize(tags) < 50) cJSON_AddItemToArray(tags, cJSON_CreateString(tok));
			}
			free(tl);
			const char *status = cell(row.f, row.n, idx, C_STATUS), *pub = cell(row.f, row.n, idx, C_PUBLISHED);
			const char *st = !strcasecmp(status, "draft") ? "draft" : !strcasecmp(status, "archived") ? "archived" :
					 !strcasecmp(pub, "false") ? "draft" : "active";
			cJSON_AddStringToObject(p, "status", st);
			/* SEO Title / SEO Description: the product page's head. */
			const char *seot = cell(row.f, row.n, idx, C_SEOT), *seod = cell(row.f, row.n, idx, C_SEOD);
			if (*seot || *seod) {
				cJSON *seo = cJSON_AddObjectToObject(p, "seo");
				if (*seot) cJSON_AddStringToObject(seo, "title", seot);
				if (*seod) cJSON_AddStringToObject(seo, "description", seod);
			}
			cJSON *opts = cJSON_GetObjectItemCaseSensitive(p, "options");
			for (int k = 0; k < 3; k++) {
				const char *on = cell(row.f, row.n, idx, C_O1N + 2 * k);
				if (*on && strcmp(on, "Title") != 0) {
					cJSON *o = cJSON_CreateObject();
					cJSON_AddStringToObject(o, "name", on);
					cJSON_AddArrayToObject(o, "values");
					cJSON_AddItemToArray(opts, o);
				}
			}
		}
		/* Metafields: the first non-empty cell of each column per product. */
		const cJSON *mc;
		cJSON_ArrayForEach(mc, mcols) {
			size_t ci = (size_t)strtoul(mc->string, NULL, 10);
			if (ci >= row.n || !row.f[ci][0]) continue;
			cJSON *cf = cJSON_GetObjectItemCaseSensitive(p, "customFields");
			if (!cf) cf = cJSON_AddObjectToObject(p, "customFields");
			if (!cJSON_HasObjectItem(cf, mc->valuestring))
				cJSON_AddItemToObject(cf, mc->valuestring, cf_from_text(a->tid, "product", mc->valuestring, row.f[ci]));
		}
		/* Image rows: Image Src with its Image Position and Image Alt Text. */
		const char *img = cell(row.f, row.n, idx, C_IMG);
		if (*img) {
			const char *ipos = cell(row.f, row.n, idx, C_IMGPOS);
			cJSON *im = cJSON_CreateObject();
			cJSON_AddStringToObject(im, "url", img);
			cJSON_AddStringToObject(im, "alt", cell(row.f, row.n, idx, C_IMGALT));
			cJSON_AddNumberToObject(im, "position", *ipos ? atof(ipos) : 1e9 + (double)rowno);
			cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(p, "images"), im);
		}
		/* A variant row has a price or an option value. */
		const char *price = cell(row.f, row.n, idx, C_PRICE), *o1 = cell(row.f, row.n, idx, C_O1V);
		if (!*price && !*o1) continue;
		cJSON *v = cJSON_CreateObject();
		int64_t cents = parse_money(price, dec);
		if (cents < 0) {
			add_error(res, rowno, "Variant Price", "'%.40s' is not a price (like 12.50)", price);
			gr->bad = 1;
			cJSON_Delete(v);
			continue;
		}
		cJSON_AddNumberToObject(v, "price", (double)cents);
		/* Variant Inventory Tracker: "shopify" counts stock, blank does
		 * not (the product is always sellable); Variant Inventory Policy:
		 * "continue" keeps selling at zero. Per product: the first
		 * variant row decides. Without the columns stock is tracked. */
		if (idx[C_TRACKER] >= 0 && !cJSON_HasObjectItem(p, "trackInventory"))
			cJSON_AddBoolToObject(p, "trackInventory", cell(row.f, row.n, idx, C_TRACKER)[0] != 0);
		const char *pol = cell(row.f, row.n, idx, C_POLICY);
		if (*pol && !cJSON_HasObjectItem(p, "inventoryPolicy")) {
			if (strcasecmp(pol, "deny") && strcasecmp(pol, "continue")) {
				add_error(res, rowno, "Variant Inventory Policy", "'%.40s' is not deny or continue", pol);
				gr->bad = 1;
				cJSON_Delete(v);
				continue;
			}
			cJSON_AddStringToObject(p, "inventoryPolicy", strcasecmp(pol, "continue") ? "deny" : "continue");
		}
		const char *cmp = cell(row.f, row.n, idx, C_CMP);
		if (*cmp) {
			int64_t c = parse_money(cmp, dec);
			if (c < 0) { add_error(res, rowno, "Variant Compare At Price", "'%.40s' is not a price", cmp); gr->bad = 1; cJSON_Delete(v); continue; }
			cJSON_AddNumberToObject(v, "compareAtPrice", (double)c);
		}
		/* its fixed prices: the file's set for it (an empty cell: none) */
		if (npc) {
			cJSON *pp = cJSON_AddArrayToObject(v, "presentmentPrices");
			int bad = 0;
			for (size_t k = 0; k < npc && !bad; k++) {
				int d = money_decimals(pc[k].code);
				const char *fp = (size_t)pc[k].price < row.n ? row.f[pc[k].price] : "";
				const char *fc = pc[k].cmp >= 0 && (size_t)pc[k].cmp < row.n ? row.f[pc[k].cmp] : "";
				if (!*fp) {
					if (*fc) { add_error(res, rowno, pc[k].cname, "needs a price in '%s' beside it", pc[k].name); bad = 1; }
					continue;
				}
				int64_t fv = parse_money(fp, d), fcv = *fc ? parse_money(fc, d) : -1;
				if (fv < 0) { add_error(res, rowno, pc[k].name, "'%.40s' is not a price in %s", fp, pc[k].code); bad = 1; continue; }
				if (*fc && fcv < 0) { add_error(res, rowno, pc[k].cname, "'%.40s' is not a price in %s", fc, pc[k].code); bad = 1; continue; }
				cJSON *e = cJSON_CreateObject();
				cJSON_AddStringToObject(e, "currency", pc[k].code);
				cJSON_AddNumberToObject(e, "price", (double)fv);
				if (fcv >= 0) cJSON_AddNumberToObject(e, "compareAtPrice", (double)fcv);
				cJSON_AddItemToArray(pp, e);
			}
			if (bad) { gr->bad = 1; cJSON_Delete(v); continue; }
		}
		const char *qty = cell(row.f, row.n, idx, C_QTY);
		if (*qty) {
			char *end;
			long long q = strtoll(qty, &end, 10);
			if (*end || end == qty) { add_error(res, rowno, "Variant Inventory Qty", "'%.40s' is not a whole number", qty); gr->bad = 1; cJSON_Delete(v); continue; }
			cJSON_AddNumberToObject(v, "stock", (double)(q < 0 ? 0 : q > CAT_STOCK_MAX ? CAT_STOCK_MAX : q));
		}
		const char *sku = cell(row.f, row.n, idx, C_SKU);
		if (strlen(sku) > CAT_SKU_MAX) { add_error(res, rowno, "Variant SKU", "is longer than " STR(CAT_SKU_MAX) " bytes"); gr->bad = 1; cJSON_Delete(v); continue; }
		cJSON_AddStringToObject(v, "sku", sku);
		const char *barcode = cell(row.f, row.n, idx, C_BARCODE);
		if (cs_barcode_problem(barcode)) {
			add_error(res, rowno, "Variant Barcode", "'%.40s' %s", barcode, cs_barcode_problem(barcode));
			gr->bad = 1;
			cJSON_Delete(v);
			continue;
		}
		if (idx[C_BARCODE] >= 0) cJSON_AddStringToObject(v, "barcode", barcode);
		const char *vimg = cell(row.f, row.n, idx, C_VIMG);
		if (*vimg) cJSON_AddStringToObject(v, "image", vimg);
		cJSON *opts = cJSON_GetObjectItemCaseSensitive(p, "options");
		for (int k = 0; k < 3; k++) {
			const char *ov = cell(row.f, row.n, idx, C_O1V + 2 * k);
			if (!*ov || (k == 0 && !strcmp(ov, "Default Title"))) continue;
			char key[8];
			snprintf(key, sizeof key, "option%d", k + 1);
			cJSON_AddStringToObject(v, key, ov);
			cJSON *o = cJSON_GetArrayItem(opts, k);
			cJSON *vals = cJSON_GetObjectItemCaseSensitive(o, "values");
			int have = 0;
			const cJSON *x;
			cJSON_ArrayForEach(x, vals) if (!strcmp(x->valuestring, ov)) have = 1;
			if (vals && !have && cJSON_GetArraySize(vals) < 100) cJSON_AddItemToArray(vals, cJSON_CreateString(ov));
		}
		cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(p, "variants"), v);
	}
	if (rc < 0) add_error(res, rowno + 1, "", "%s; the rest of the file was not read", rd.err);
	csv_row_free(&row);
	cJSON_Delete(mcols);

	int ret = 0;
	if (db_begin(1) < 0) { snprintf(res->fatal, sizeof res->fatal, "database busy"); ret = -1; goto done; }
	for (size_t i = 0; i < ng; i++) {
		/* A product with a bad row is left as it was: half a product is worse. */
		if (g[i].bad) { res->failed++; if (progress) progress(ud, i + 1, ng); continue; }
		cJSON *p = g[i].product, *vars = cJSON_GetObjectItemCaseSensitive(p, "variants");
		order_images(p);
		/* One variant without options: the product itself carries price, SKU, stock. */
		if (cJSON_GetArraySize(vars) == 1 && !cJSON_HasObjectItem(cJSON_GetArrayItem(vars, 0), "option1")) {
			cJSON *v = cJSON_DetachItemFromArray(vars, 0);
			cJSON *it;
			cJSON_ArrayForEach(it, v)
				if (strcmp(it->string, "image") != 0) cJSON_AddItemToObject(p, it->string, cJSON_Duplicate(it, 1));
			cJSON_Delete(v);
			cJSON_DeleteItemFromObjectCaseSensitive(p, "variants");
			cJSON_ReplaceItemInObjectCaseSensitive(p, "options", cJSON_CreateArray());
		} else if (cJSON_GetArraySize(vars) == 0) {
			cJSON_DeleteItemFromObjectCaseSensitive(p, "variants");
		}
		char field[160] = "", msg[300] = "";
		int64_t id;
		/* a product without variants: its fixed prices are the product's own */
		cJSON *own = cJSON_DetachItemFromObjectCaseSensitive(p, "presentmentPrices");
		if (db_savepoint("imp") < 0) { cJSON_Delete(own); ret = -1; break; }
		int r = cs_upsert_product(a, p, CS_BY_HANDLE, &id, field, sizeof field, msg, sizeof msg);
		if (r > 0 && own) {
			int pr = currency_prices_save(a->tid, id, own, settings, field, sizeof field, msg, sizeof msg);
			if (pr < 0) r = pr;
		}
		cJSON_Delete(own);
		if (r == -2) { snprintf(res->fatal, sizeof res->fatal, "%s", db_errmsg()); ret = -1; break; }
		if (r < 0) {
			if (db_rollback_to("imp") < 0) { ret = -1; break; }
			add_error(res, g[i].row, field, "product '%.100s': %s", g[i].handle, msg);
			res->failed++;
		} else {
			if (db_release("imp") < 0) { ret = -1; break; }
			res->created += r == 1;
			res->updated += r == 2;
		}
		if ((i + 1) % IMP_CHUNK == 0 && i + 1 < ng) {
			if (commit_chunk(res) < 0 || db_begin(1) < 0) { ret = -1; break; }
		}
		if (progress) progress(ud, i + 1, ng);
	}
	if (ret == 0) ret = commit_chunk(res);
	else if (db_in_tx()) db_rollback();
done:
	for (size_t i = 0; i < ng; i++) { free(g[i].handle); cJSON_Delete(g[i].product); }
	free(g);
	cJSON_Delete(settings);
	return ret;
}

cJSON *imp_result_json(const imp_result *res)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "created", res->created);
	cJSON_AddNumberToObject(o, "updated", res->updated);
	cJSON_AddNumberToObject(o, "failed", res->failed);
	if (res->fatal[0]) cJSON_AddStringToObject(o, "error", res->fatal);
	cJSON *a = cJSON_AddArrayToObject(o, "errors");
	for (size_t i = 0; i < res->nerrors; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "row", (double)res->errors[i].row);
		cJSON_AddStringToObject(e, "column", res->errors[i].column);
		cJSON_AddStringToObject(e, "message", res->errors[i].message);
		cJSON_AddItemToArray(a, e);
	}
	return o;
}

void imp_result_free(imp_result *res)
{
	free(res->errors);
	res->errors = NULL;
	res->nerrors = 0;
}

/* ---- export ------------------------------------------------------------ */

/* The columns written, in Shopify's order. */
enum { X_HANDLE, X_TITLE, X_BODY, X_VENDOR, X_TYPE, X_TAGS, X_PUBLISHED, X_O1N, X_O1V, X_O2N, X_O2V, X_O3N, X_O3V,
       X_SKU, X_QTY, X_TRACKER, X_POLICY, X_PRICE, X_CMP, X_BARCODE, X_IMG, X_IMGPOS, X_IMGALT, X_SEOT, X_SEOD,
       X_VIMG, X_STATUS, X_N };
static const int x_cols[X_N] = { C_HANDLE, C_TITLE, C_BODY, C_VENDOR, C_TYPE, C_TAGS, C_PUBLISHED, C_O1N, C_O1V,
	C_O2N, C_O2V, C_O3N, C_O3V, C_SKU, C_QTY, C_TRACKER, C_POLICY, C_PRICE, C_CMP, C_BARCODE, C_IMG, C_IMGPOS,
	C_IMGALT, C_SEOT, C_SEOD, C_VIMG, C_STATUS };

/* and after them, per currency the store sells in besides its own,
 * "Price / EUR" and "Compare At Price / EUR": the fixed prices. */
typedef struct xrow {
	char *f[X_N];
	char *fx[CURRENCY_MAX * 2];
	int nfx;
} xrow;

static void x_set(xrow *r, int col, const char *v) { free(r->f[col]); r->f[col] = xstrdup(v); }

static void x_money(xrow *r, int col, sqlite3_stmt *st, int i, const char *currency)
{
	if (db_isnull(st, i)) return;
	char b[48];
	snprintf(b, sizeof b, "%.*f", money_decimals(currency), money_major(db_int(st, i), currency));
	x_set(r, col, b);
}

static void x_int(xrow *r, int col, int64_t v)
{
	char b[24];
	snprintf(b, sizeof b, "%lld", (long long)v);
	x_set(r, col, b);
}

static void x_write(sbuf *out, xrow *r)
{
	for (int i = 0; i < X_N; i++) {
		if (i) sb_putc(out, ',');
		csv_put(out, r->f[i] ? r->f[i] : "");
		free(r->f[i]);
		r->f[i] = NULL;
	}
	for (int i = 0; i < r->nfx; i++) {
		sb_putc(out, ',');
		csv_put(out, r->fx[i] ? r->fx[i] : "");
		free(r->fx[i]);
		r->fx[i] = NULL;
	}
	sb_puts(out, "\r\n");
}

/* Variant vid's (0: the product's own) fixed prices from fixed
 * (currency_prices_json) into r's currency cells, in codes' order. */
static void x_fixed(xrow *r, const cJSON *fixed, int64_t vid, char codes[][8], int ncodes)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, fixed) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(e, "variantId");
		if ((cJSON_IsString(v) ? strtoll(v->valuestring, NULL, 10) : 0) != vid) continue;
		const char *c = cJSON_GetObjectItemCaseSensitive(e, "currency")->valuestring;
		for (int k = 0; k < ncodes; k++) {
			if (strcmp(codes[k], c)) continue;
			const cJSON *pr = cJSON_GetObjectItemCaseSensitive(e, "price");
			const cJSON *cm = cJSON_GetObjectItemCaseSensitive(e, "compareAtPrice");
			char b[48];
			snprintf(b, sizeof b, "%.*f", money_decimals(c), money_major((int64_t)pr->valuedouble, c));
			r->fx[2 * k] = xstrdup(b);
			if (cJSON_IsNumber(cm)) {
				snprintf(b, sizeof b, "%.*f", money_decimals(c), money_major((int64_t)cm->valuedouble, c));
				r->fx[2 * k + 1] = xstrdup(b);
			}
		}
	}
}

void imp_shopify_csv_export(int64_t tid, const char *currency, sbuf *out)
{
	for (int i = 0; i < X_N; i++) { if (i) sb_putc(out, ','); sb_puts(out, col_names[x_cols[i]]); }
	/* the store's other currencies, as the import reads them */
	char codes[CURRENCY_MAX][8];
	int ncodes = 0;
	cJSON *settings = com_settings(tid);
	const cJSON *c;
	cJSON_ArrayForEach(c, cJSON_GetObjectItemCaseSensitive(settings, "currencies")) {
		const cJSON *k = cJSON_GetObjectItemCaseSensitive(c, "code");
		if (!cJSON_IsString(k) || ncodes == CURRENCY_MAX || strlen(k->valuestring) != 3) continue;
		snprintf(codes[ncodes++], sizeof codes[0], "%s", k->valuestring);
		sb_printf(out, ",Price / %s,Compare At Price / %s", k->valuestring, k->valuestring);
	}
	cJSON_Delete(settings);
	sb_puts(out, "\r\n");
	sqlite3_stmt *ps = db_stmt("SELECT id, coalesce(import_handle, slug), name, description, vendor, product_type, tags_json, status, "
				   "options_json, sku, barcode, price, compare_at_price, stock, track_inventory, inventory_policy, "
				   "json_extract(seo_json, '$.title'), json_extract(seo_json, '$.description'), image "
				   "FROM products WHERE tenant_id = :t ORDER BY position, id");
	db_bind_int(ps, ":t", tid);
	while (db_step(ps) == SQLITE_ROW) {
		int64_t pid = db_int(ps, 0);
		const char *handle = db_text(ps, 1);
		xrow r = { { NULL }, { NULL }, 2 * ncodes };
		cJSON *fixed = ncodes ? currency_prices_json(tid, pid) : NULL;
		x_set(&r, X_HANDLE, handle);
		x_set(&r, X_TITLE, db_text(ps, 2));
		sbuf body = SBUF_INIT;
		html_text(&body, db_text(ps, 3));
		x_set(&r, X_BODY, sb_str(&body));
		sb_free(&body);
		x_set(&r, X_VENDOR, db_text(ps, 4));
		x_set(&r, X_TYPE, db_text(ps, 5));
		cJSON *tags = cJSON_Parse(db_text(ps, 6)), *it;
		sbuf tb = SBUF_INIT;
		cJSON_ArrayForEach(it, tags) if (cJSON_IsString(it)) sb_printf(&tb, "%s%s", tb.len ? ", " : "", it->valuestring);
		x_set(&r, X_TAGS, sb_str(&tb));
		sb_free(&tb);
		cJSON_Delete(tags);
		x_set(&r, X_STATUS, db_text(ps, 7));
		x_set(&r, X_PUBLISHED, strcmp(db_text(ps, 7), "active") ? "FALSE" : "TRUE");
		if (!db_isnull(ps, 16)) x_set(&r, X_SEOT, db_text(ps, 16));
		if (!db_isnull(ps, 17)) x_set(&r, X_SEOD, db_text(ps, 17));
		int track = (int)db_int(ps, 14);
		const char *policy = db_text(ps, 15);
		/* the option names, on the first row only */
		cJSON *opts = cJSON_Parse(db_text(ps, 8));
		int nopt = 0;
		cJSON_ArrayForEach(it, opts) {
			const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");
			if (nopt < 3 && cJSON_IsString(n)) x_set(&r, X_O1N + 2 * nopt++, n->valuestring);
		}
		cJSON_Delete(opts);
		/* the images: the first on the first row, the others on rows of their own */
		sqlite3_stmt *is = db_stmt("SELECT url, alt FROM product_images WHERE tenant_id = :t AND product_id = :p ORDER BY position, id");
		db_bind_int(is, ":t", tid);
		db_bind_int(is, ":p", pid);
		cJSON *imgs = cJSON_CreateArray();
		while (db_step(is) == SQLITE_ROW) {
			cJSON *im = cJSON_CreateObject();
			cJSON_AddStringToObject(im, "url", db_text(is, 0));
			cJSON_AddStringToObject(im, "alt", db_text(is, 1));
			cJSON_AddItemToArray(imgs, im);
		}
		db_reset(is);
		if (!cJSON_GetArraySize(imgs) && *db_text(ps, 18)) {
			cJSON *im = cJSON_CreateObject();
			cJSON_AddStringToObject(im, "url", db_text(ps, 18));
			cJSON_AddStringToObject(im, "alt", "");
			cJSON_AddItemToArray(imgs, im);
		}
		sqlite3_stmt *vs = db_stmt("SELECT option1, option2, option3, sku, barcode, price, compare_at_price, stock, image, id "
					   "FROM variants WHERE tenant_id = :t AND product_id = :p ORDER BY position, id");
		db_bind_int(vs, ":t", tid);
		db_bind_int(vs, ":p", pid);
		int nvar = 0;
		while (db_step(vs) == SQLITE_ROW) {
			if (nvar++) x_set(&r, X_HANDLE, handle);
			for (int k = 0; k < 3; k++) if (*db_text(vs, k)) x_set(&r, X_O1V + 2 * k, db_text(vs, k));
			x_set(&r, X_SKU, db_text(vs, 3));
			x_set(&r, X_BARCODE, db_text(vs, 4));
			x_money(&r, X_PRICE, vs, 5, currency);
			x_money(&r, X_CMP, vs, 6, currency);
			x_int(&r, X_QTY, db_int(vs, 7));
			x_set(&r, X_TRACKER, track ? "shopify" : "");
			x_set(&r, X_POLICY, policy);
			if (*db_text(vs, 8)) x_set(&r, X_VIMG, db_text(vs, 8));
			x_fixed(&r, fixed, db_int(vs, 9), codes, ncodes);
			if (nvar == 1 && cJSON_GetArraySize(imgs)) {
				cJSON *im = cJSON_GetArrayItem(imgs, 0);
				x_set(&r, X_IMG, cJSON_GetObjectItemCaseSensitive(im, "url")->valuestring);
				x_set(&r, X_IMGPOS, "1");
				x_set(&r, X_IMGALT, cJSON_GetObjectItemCaseSensitive(im, "alt")->valuestring);
			}
			x_write(out, &r);
		}
		db_reset(vs);
		if (!nvar) {    /* no variants: the product is its one variant */
			x_set(&r, X_O1N, "Title");
			x_set(&r, X_O1V, "Default Title");
			x_set(&r, X_SKU, db_text(ps, 9));
			x_set(&r, X_BARCODE, db_text(ps, 10));
			x_money(&r, X_PRICE, ps, 11, currency);
			x_money(&r, X_CMP, ps, 12, currency);
			x_int(&r, X_QTY, db_int(ps, 13));
			x_set(&r, X_TRACKER, track ? "shopify" : "");
			x_set(&r, X_POLICY, policy);
			x_fixed(&r, fixed, 0, codes, ncodes);
			if (cJSON_GetArraySize(imgs)) {
				cJSON *im = cJSON_GetArrayItem(imgs, 0);
				x_set(&r, X_IMG, cJSON_GetObjectItemCaseSensitive(im, "url")->valuestring);
				x_set(&r, X_IMGPOS, "1");
				x_set(&r, X_IMGALT, cJSON_GetObjectItemCaseSensitive(im, "alt")->valuestring);
			}
			x_write(out, &r);
		}
		for (int i = 1; i < cJSON_GetArraySize(imgs); i++) {
			cJSON *im = cJSON_GetArrayItem(imgs, i);
			x_set(&r, X_HANDLE, handle);
			x_set(&r, X_IMG, cJSON_GetObjectItemCaseSensitive(im, "url")->valuestring);
			x_int(&r, X_IMGPOS, i + 1);
			x_set(&r, X_IMGALT, cJSON_GetObjectItemCaseSensitive(im, "alt")->valuestring);
			x_write(out, &r);
		}
		cJSON_Delete(imgs);
		cJSON_Delete(fixed);
	}
	db_reset(ps);
}
