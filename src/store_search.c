/* store_search: the shopper's search in storefront.fcgi: the /search page,
 * GET /api/search (the same as JSON), GET /api/search/suggest (predictive
 * search, Shopify's shape) and POST /api/search/click (which result a
 * search led to). Parameters are checked here; search.c answers. */
#include "store.h"
#include "search.h"
#include "render.h"
#include "input.h"
#include "config.h"
#include "db.h"
#include "html.h"
#include "log.h"
#include "money.h"
#include "chat.h"
#include "currency.h"
#include "ai.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The query: at most search_query_max bytes (a longer one is cut at a
 * character boundary, not refused) into buf. */
static void query_text(req *r, char *buf, size_t n)
{
	const char *q = http_query(r, "q");
	size_t max = (size_t)cfg.search_query_max < n - 1 ? (size_t)cfg.search_query_max : n - 1;
	size_t l = q ? strnlen(q, max + 1) : 0;
	if (l > max) {
		l = max;
		while (l && ((unsigned char)q[l] & 0xc0) == 0x80) l--;
	}
	memcpy(buf, q ? q : "", l);
	buf[l] = 0;
}

/* A price bound in major units ("12.50") as minor units, -1 when absent. */
static int price_param(req *r, const char *name, int64_t *out)
{
	const char *s = http_query(r, name);
	*out = -1;
	if (!s || !*s) return 0;
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (errno || *end || !(v >= 0) || v > 1e12) {
		in_query_fail(r, name, "must be a price of at least 0, e.g. 25 or 19.99");
		return -1;
	}
	int dec = money_decimals(r->t.currency);
	*out = (int64_t)llround(v * pow(10, dec));
	return 0;
}

/* Every value of a repeated parameter (filter.p.vendor=A&filter.p.vendor=B),
 * or of every parameter starting with prefix when prefix ends in '.'. */
static int multi(req *r, const char *name, const char **out, int max)
{
	int n = 0;
	size_t nl = strlen(name);
	int pre = name[nl - 1] == '.';
	for (int i = 0; i < r->nquery && n < max; i++) {
		const char *k = r->query[i].k;
		if (pre ? strncmp(k, name, nl) == 0 || strcmp(k, "filter.v.option") == 0 : strcmp(k, name) == 0)
			if (r->query[i].v[0]) out[n++] = r->query[i].v;
	}
	return n;
}

/* The shared parameters of /search and /api/search: 0, or -1 answered. */
static int parse_opts(req *r, search_opts *o, char *q, size_t qn)
{
	memset(o, 0, sizeof *o);
	query_text(r, q, qn);
	o->q = q;
	o->others = 1;
	const char *sort = http_query(r, "sort_by");
	if (!sort) sort = http_query(r, "sort");
	static const char *const sorts[] = { "relevance", "price-asc", "price-desc", "newest" };
	o->sort = -1;
	for (int i = 0; i < 4; i++) if (!sort || strcmp(sort, sorts[i]) == 0) { o->sort = i; break; }
	if (sort && (!strcmp(sort, "price-ascending"))) o->sort = SEARCH_SORT_PRICE_ASC;
	if (sort && (!strcmp(sort, "price-descending"))) o->sort = SEARCH_SORT_PRICE_DESC;
	if (sort && (!strcmp(sort, "created-descending"))) o->sort = SEARCH_SORT_NEWEST;
	if (o->sort < 0) {
		in_query_fail(r, "sort_by", "must be one of relevance, price-asc, price-desc, newest");
		return -1;
	}
	const char *mode = http_query(r, "mode");
	if (mode && strcmp(mode, "keyword") && strcmp(mode, "hybrid")) {
		in_query_fail(r, "mode", "must be keyword or hybrid");
		return -1;
	}
	o->mode = mode && !strcmp(mode, "keyword") ? SEARCH_KEYWORD : SEARCH_HYBRID;
	int64_t v;
	const char *p = query_int_problem(http_query(r, "page"), 1, 1, 1000, &v);
	if (p) { in_query_fail(r, "page", "%s", p); return -1; }
	o->page = (int)v;
	p = query_int_problem(http_query(r, "limit"), 24 < cfg.search_per_page_max ? 24 : cfg.search_per_page_max,
			      1, cfg.search_per_page_max, &v);
	if (p) { in_query_fail(r, "limit", "%s", p); return -1; }
	o->per_page = (int)v;
	const char *av = http_query(r, "filter.v.availability");
	o->available = -1;
	if (av && *av) {
		if (strcmp(av, "1") && strcmp(av, "0")) { in_query_fail(r, "filter.v.availability", "must be 1 (in stock) or 0 (sold out)"); return -1; }
		o->available = av[0] == '1';
	}
	if (price_param(r, "filter.v.price.gte", &o->price_min) < 0) return -1;
	if (price_param(r, "filter.v.price.lte", &o->price_max) < 0) return -1;
	o->nvendors = multi(r, "filter.p.vendor", o->vendors, SEARCH_FILTER_MAX);
	o->ntags = multi(r, "filter.p.tag", o->tags, SEARCH_FILTER_MAX);
	o->noptions = multi(r, "filter.v.option.", o->options, SEARCH_FILTER_MAX);
	o->ntypes = multi(r, "filter.p.product_type", o->types, SEARCH_FILTER_MAX);
	return 0;
}

/* What the write paths marked and nobody indexed yet (a store made by the
 * CLI, a hand-made change): indexed now, a bounded amount, best effort. */
static void catch_up(req *r)
{
	if (search_flush(r->t.id, 200) < 0) log_warn("search: index catch-up failed: %s", db_errmsg());
}

/* With a model configured, the query's vector from it, within
 * ai_embed_query_ms: the search is then hybrid over that model's vectors.
 * When it fails or is late the search is keyword-only (logged). Returns
 * what the result's "vectors" says: "model", "offline" or "none". */
static const char *query_vector(search_opts *o, float **v)
{
	*v = NULL;
	if (o->mode != SEARCH_HYBRID) return "none";
	if (!ai_embed_configured()) return "offline";
	const char *t = o->q;
	int dim;
	char err[300];
	if (ai_embed(&t, 1, cfg.ai_embed_query_ms, v, &dim, err, sizeof err) < 0) {
		log_warn("search: the query's embedding failed (%s): keyword-only", err);
		o->mode = SEARCH_KEYWORD;
		return "none";
	}
	o->qvec = *v;
	o->qvec_model = cfg.ai_embed_model;
	o->qvec_dim = dim;
	return "model";
}

/* The found products' prices in the shopper's currency, as /api/products
 * gives them (shopPrice and shopCompareAtPrice beside); priceFormatted,
 * where there is one, follows. */
static void present_found(req *r, cJSON *products)
{
	cJSON *p;
	cJSON_ArrayForEach(p, products) {
		store_present_product(r, p);
		const cJSON *pr = cJSON_GetObjectItemCaseSensitive(p, "price");
		if (!store_presentment(r) || !cJSON_IsNumber(pr) || !cJSON_HasObjectItem(p, "priceFormatted")) continue;
		sbuf b = SBUF_INIT;
		money_format(&b, money_minor(pr->valuedouble, r->currency), r->currency);
		cJSON_ReplaceItemInObjectCaseSensitive(p, "priceFormatted", cJSON_CreateString(sb_str(&b)));
		sb_free(&b);
	}
}

/* Route: GET /api/search?q=&sort_by=&page=&limit=&mode=&filter.* */
void store_search_api(req *r)
{
	char q[4096];
	search_opts o;
	if (parse_opts(r, &o, q, sizeof q) < 0) return;
	if (!q[0]) { in_query_fail(r, "q", "must not be empty"); return; }
	catch_up(r);
	float *qv;
	const char *vectors = query_vector(&o, &qv);
	cJSON *res = search_query(&r->t, &o);
	free(qv);
	cJSON_AddStringToObject(res, "vectors", vectors);
	present_found(r, cJSON_GetObjectItemCaseSensitive(res, "products"));
	int64_t id = search_log(r->t.id, q, (int)cJSON_GetObjectItemCaseSensitive(res, "total")->valuedouble);
	char b[24];
	snprintf(b, sizeof b, "%lld", (long long)id);
	cJSON_AddStringToObject(res, "searchId", b);
	http_json(r, 200, res);
}

/* Route: GET /api/search/suggest?q=&limit= -- predictive search. */
void store_search_suggest(req *r)
{
	char q[4096];
	query_text(r, q, sizeof q);
	if (!q[0]) { in_query_fail(r, "q", "must not be empty"); return; }
	int64_t lim;
	const char *p = query_int_problem(http_query(r, "limit"), 4, 1, 10, &lim);
	if (p) { in_query_fail(r, "limit", "%s", p); return; }
	catch_up(r);
	cJSON *res = search_suggest(&r->t, q, (int)lim);
	present_found(r, cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(res, "resources"), "results"), "products"));
	http_json(r, 200, res);
}

/* Route: POST /api/search/click {searchId, url} -- the result a shopper
 * chose (the store's own path only). */
void store_search_click(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	int64_t id;
	const char *url;
	if (in_id(r, b, "searchId", 1, &id) < 0 || in_str(r, b, "url", 1, 500, &url) < 0) { cJSON_Delete(b); return; }
	if (url[0] != '/' || url[1] == '/' || strchr(url, '\\')) {
		in_fail(r, "url", "must be a path of this store (starting with one /)");
		cJSON_Delete(b);
		return;
	}
	int rc = search_log_click(r->t.id, id, url);
	cJSON_Delete(b);
	if (rc < 0) { http_error(r, 500, "storage_error", NULL, "the click could not be recorded"); return; }
	if (rc > 0) { http_error(r, 404, "not_found", NULL, "There is no such search."); return; }
	cJSON *o = cJSON_CreateObject();
	cJSON_AddBoolToObject(o, "ok", 1);
	http_json(r, 200, o);
}

/* The page's own address with one parameter changed (value NULL: removed;
 * page dropped unless it is the one changed): for facet and sort links. */
static void self_url(req *r, const char *name, const char *value, const char *name2, sbuf *out)
{
	sb_puts(out, "/search?");
	int first = 1;
	for (int i = 0; i < r->nquery; i++) {
		const char *k = r->query[i].k, *v = r->query[i].v;
		if (strcmp(k, "page") == 0 && strcmp(name, "page") != 0) continue;
		if (strcmp(k, name) == 0 && (!name2 || strcmp(v, name2) == 0)) continue;
		sb_puts(out, first ? "" : "&");
		url_component(out, k);
		sb_putc(out, '=');
		url_component(out, v);
		first = 0;
	}
	if (value) {
		sb_puts(out, first ? "" : "&");
		url_component(out, name);
		sb_putc(out, '=');
		url_component(out, value);
	}
}

/* Facet values as links that add (or, when selected, remove) the filter. */
static void facet_links(req *r, cJSON *values, const char *param)
{
	cJSON *v;
	cJSON_ArrayForEach(v, values) {
		const char *val = cJSON_GetObjectItemCaseSensitive(v, "value")->valuestring;
		int sel = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(v, "selected"));
		sbuf u = SBUF_INIT;
		if (sel) self_url(r, param, NULL, val, &u);
		else {
			self_url(r, "page", NULL, NULL, &u);
			sb_puts(&u, u.len > 8 ? "&" : "");
			url_component(&u, param);
			sb_putc(&u, '=');
			url_component(&u, val);
		}
		cJSON_AddStringToObject(v, "href", sb_str(&u));
		sb_free(&u);
	}
}

static void add_prices(req *r, cJSON *p)
{
	store_add_prices(r, p);   /* in the shopper's currency, as the listings */
	cJSON_AddBoolToObject(p, "soldOut", !cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(p, "inStock")));
}

/* Route: GET /search?q= -- the results page with facets, sorting, pages. */
void store_search_page(req *r)
{
	char q[4096];
	search_opts o;
	if (parse_opts(r, &o, q, sizeof q) < 0) return;
	cJSON *d;
	if (q[0]) {
		catch_up(r);
		float *qv;
		query_vector(&o, &qv);
		d = search_query(&r->t, &o);
		free(qv);
		int total = (int)cJSON_GetObjectItemCaseSensitive(d, "total")->valuedouble;
		int64_t id = search_log(r->t.id, q, total);
		char b[24];
		snprintf(b, sizeof b, "%lld", (long long)id);
		cJSON_AddStringToObject(d, "searchId", b);
		cJSON *p;
		cJSON_ArrayForEach(p, cJSON_GetObjectItemCaseSensitive(d, "products")) add_prices(r, p);
		cJSON *f = cJSON_GetObjectItemCaseSensitive(d, "facets");
		facet_links(r, cJSON_GetObjectItemCaseSensitive(f, "vendors"), "filter.p.vendor");
		facet_links(r, cJSON_GetObjectItemCaseSensitive(f, "types"), "filter.p.product_type");
		cJSON_AddBoolToObject(d, "has_types", cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(f, "types")) > 0);
		facet_links(r, cJSON_GetObjectItemCaseSensitive(f, "tags"), "filter.p.tag");
		facet_links(r, cJSON_GetObjectItemCaseSensitive(f, "options"), "filter.v.option");
		cJSON_AddBoolToObject(d, "has_vendors", cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(f, "vendors")) > 0);
		cJSON_AddBoolToObject(d, "has_tags", cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(f, "tags")) > 0);
		cJSON_AddBoolToObject(d, "has_options", cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(f, "options")) > 0);
		cJSON_AddBoolToObject(d, "hasFacets", total > 0 || o.nvendors || o.ntags || o.noptions || o.ntypes || o.available >= 0 ||
				      o.price_min >= 0 || o.price_max >= 0);
		cJSON_AddBoolToObject(d, "hasOthers",
			cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "collections")) +
			cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "pages")) +
			cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(d, "posts")) > 0);
		/* availability, sorting and pages as links */
		cJSON *av = cJSON_GetObjectItemCaseSensitive(f, "availability");
		sbuf u = SBUF_INIT;
		self_url(r, "filter.v.availability", o.available == 1 ? NULL : "1", NULL, &u);
		cJSON_AddStringToObject(av, "inStockHref", sb_str(&u));
		cJSON_AddBoolToObject(av, "inStockOnly", o.available == 1);
		sb_reset(&u);
		cJSON *sorts = cJSON_AddArrayToObject(d, "sorts");
		static const char *const sv[][2] = { { "relevance", "Relevance" }, { "price-asc", "Price, low to high" },
						     { "price-desc", "Price, high to low" }, { "newest", "Newest" } };
		for (int i = 0; i < 4; i++) {
			cJSON *s = cJSON_CreateObject();
			self_url(r, "sort_by", sv[i][0], NULL, &u);
			cJSON_AddStringToObject(s, "href", sb_str(&u));
			cJSON_AddStringToObject(s, "label", sv[i][1]);
			cJSON_AddBoolToObject(s, "current", o.sort == i);
			cJSON_AddItemToArray(sorts, s);
			sb_reset(&u);
		}
		int pages = (int)cJSON_GetObjectItemCaseSensitive(d, "pageCount")->valuedouble;
		char num[16];
		if (o.page > 1) {
			snprintf(num, sizeof num, "%d", o.page - 1);
			self_url(r, "page", num, NULL, &u);
			cJSON_AddStringToObject(d, "prevHref", sb_str(&u));
			sb_reset(&u);
		}
		if (o.page < pages) {
			snprintf(num, sizeof num, "%d", o.page + 1);
			self_url(r, "page", num, NULL, &u);
			cJSON_AddStringToObject(d, "nextHref", sb_str(&u));
			sb_reset(&u);
		}
		const cJSON *dym = cJSON_GetObjectItemCaseSensitive(d, "didYouMean");
		if (cJSON_IsString(dym)) {
			sb_puts(&u, "/search?q=");
			url_component(&u, dym->valuestring);
			cJSON_AddStringToObject(d, "didYouMeanHref", sb_str(&u));
		}
		sb_free(&u);
		const cJSON *pr = cJSON_GetObjectItemCaseSensitive(f, "price");
		if (o.price_min >= 0 || o.price_max >= 0 || cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(pr, "min"))) {
			cJSON_AddBoolToObject(d, "hasPrice", 1);
			char b1[32] = "", b2[32] = "";
			int dec = money_decimals(r->t.currency);
			if (o.price_min >= 0) snprintf(b1, sizeof b1, "%.*f", dec, money_major(o.price_min, r->t.currency));
			if (o.price_max >= 0) snprintf(b2, sizeof b2, "%.*f", dec, money_major(o.price_max, r->t.currency));
			cJSON_AddStringToObject(d, "priceGte", b1);
			cJSON_AddStringToObject(d, "priceLte", b2);
		}
	} else {
		d = cJSON_CreateObject();
		cJSON_AddStringToObject(d, "query", "");
	}
	cJSON_AddBoolToObject(d, "hasQuery", q[0] != 0);
	/* hidden fields of the filter form: the other parameters, kept */
	cJSON *keep = cJSON_AddArrayToObject(d, "keep");
	for (int i = 0; i < r->nquery; i++) {
		const char *k = r->query[i].k;
		if (!strcmp(k, "q") || !strcmp(k, "page") || str_startswith(k, "filter.v.price")) continue;
		cJSON *x = cJSON_CreateObject();
		cJSON_AddStringToObject(x, "name", k);
		cJSON_AddStringToObject(x, "value", r->query[i].v);
		cJSON_AddItemToArray(keep, x);
	}
	char title[300];
	snprintf(title, sizeof title, q[0] ? "Search: %s" : "Search", q);
	render_template_page(r, "search.html", title, d);
	cJSON_Delete(d);
}

/* The assistant's events as server-sent events, the head written with
 * the first one (until then an error can still be an ordinary reply). */
static int sse_event(void *ud, const char *name, cJSON *data)
{
	req *r = ud;
	if (!r->streaming) http_stream_begin(r, 200);
	int rc = http_stream_event(r, name, data);
	cJSON_Delete(data);
	return rc;
}

static int sse_alive(void *ud)
{
	req *r = ud;
	return !r->streaming || http_stream_comment(r) == 0;
}

/* Route: POST /api/chat {message, conversationId?} -- the shopping
 * assistant (retrieval-only: doc/search.md). Its own per-IP bucket. */
void store_chat(req *r)
{
	cJSON *b = http_json_body(r);
	if (!b) return;
	static const char *const known[] = { "message", "conversationId", NULL };
	const char *msg, *conv = NULL;
	if (in_known(r, b, known, NULL) < 0 || in_str(r, b, "message", 1, (size_t)cfg.chat_message_max, &msg) < 0 ||
	    in_str(r, b, "conversationId", 0, 64, &conv) < 0) {
		cJSON_Delete(b);
		return;
	}
	const char *p = control_problem(msg);
	if (p) { in_fail(r, "message", "%s", p); cJSON_Delete(b); return; }
	sbuf f = SBUF_INIT;
	search_fold(msg, &f);
	int empty = f.len == 0;
	sb_free(&f);
	if (empty) { in_fail(r, "message", "must ask something (letters or digits)"); cJSON_Delete(b); return; }
	const char *acc = http_header_in(r, "Accept");
	chat_code code;
	cJSON *a = NULL;
	/* the shopper's currency: prices and "under 50" in it */
	currency_rate cr;
	const currency_rate *present = store_presentment_rate(r, &cr) ? &cr : NULL;
	if (acc && strstr(acc, "text/event-stream")) {          /* the answer as it is written */
		chat_sink sink = { sse_event, sse_alive, r };
		code = chat_stream(&r->t, conv, msg, present, &sink);
	} else {
		a = chat_answer(&r->t, conv, msg, present, &code);
	}
	cJSON_Delete(b);
	if (r->streaming) {                                      /* answered: the events are out */
		if (code == CHAT_STORAGE) log_error("chat: the streamed answer could not be saved");
		http_stream_end(r);
		return;
	}
	switch (code) {
	case CHAT_OK: http_json(r, 200, a); return;
	case CHAT_NOT_FOUND: http_error(r, 404, "not_found", NULL, "There is no such conversation."); return;
	case CHAT_STORE_BUSY:
		http_header(r, "Retry-After", "5");
		http_error(r, 429, "too_many_answers", NULL,
			   "The assistant is answering too many shoppers of this store at once; try again in a few seconds.");
		return;
	case CHAT_ALL_BUSY:
		http_header(r, "Retry-After", "5");
		http_error(r, 503, "busy", NULL, "The assistant is busy; try again in a few seconds.");
		return;
	case CHAT_STORAGE: break;
	}
	http_error(r, 500, "storage_error", NULL, "the answer could not be saved; try again");
}
