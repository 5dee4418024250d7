/* vibe: one block's vibe code run in a fresh MuJS state (see vibe.h). */
#include "vibe.h"
#include "vref.h"
#include "html.h"
#include "money.h"
#include "text.h"
#include "jsarena.h"
#include "jscheck.h"
#include "jslower.h"
#include "jsprelude.h"
#include <math.h>

#include <mujs.h>
#include <ctype.h>
#include <stdarg.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


vibe_settings vibe_conf;

void vibe_configure(const vibe_settings *s) { vibe_conf = *s; }

void vibe_log(const char *level, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (vibe_conf.log) vibe_conf.log(level, msg);
	else fprintf(stderr, "vibe: %s: %s\n", level, msg);
}

/* api over the preloaded data, in ES5; compiled only for blocks that ask
 * for `api` (helpers are C functions below: no parsing per block). */
static const char api_prelude[] =
	"var __sf = { makeApi: function (d) { return {\n"
	" getProducts: function(f){ f = f || {}; var all = (d.catalog || d.products || []).slice(0);\n"
	"  function list(v){ return v == null || v === '' ? null : (v instanceof Array ? v : [v]); }\n"
	"  function any(want, have){ if (!want) return true; for (var k=0;k<want.length;k++) if (have.indexOf(want[k]) >= 0) return true; return false; }\n"
	"  var tags = list(f.tag || f.tags), vendors = list(f.vendor || f.vendors), avail = f.available != null ? f.available : f.inStock;\n"
	"  var types = list(f.productType || f.productTypes || f.product_type);\n"
	"  var opts = f.options || {}, names = Object.keys(opts);\n"
	"  var out = []; for (var i=0;i<all.length;i++){ var p = all[i];\n"
	"   if (f.collection && (p.collections||[]).indexOf(f.collection) < 0) continue;\n"
	"   if (!any(tags, p.tags || [])) continue; if (!any(vendors, [p.vendor])) continue; if (!any(types, [p.productType])) continue;\n"
	"   if (f.search && (p.name+' '+(p.description||'')).toLowerCase().indexOf(String(f.search).toLowerCase()) < 0) continue;\n"
	"   if (f.minPrice != null && p.price < f.minPrice) continue; if (f.maxPrice != null && p.price > f.maxPrice) continue;\n"
	"   if (avail === true && p.inStock === false) continue; if (avail === false && p.inStock !== false) continue;\n"
	"   var ok = true; for (var n=0;n<names.length && ok;n++){ var want = list(opts[names[n]]), at = -1;\n"
	"    for (var o=0;o<(p.options||[]).length;o++) if (String(p.options[o].name).toLowerCase() === names[n].toLowerCase()) at = o;\n"
	"    ok = false; if (at >= 0) for (var v=0;v<(p.variants||[]).length;v++) if (want.indexOf((p.variants[v].options||[])[at]) >= 0) ok = true; }\n"
	"   if (!ok) continue; out.push(p); }\n"
	"  var s = f.sort_by || f.sort || f.sortBy;\n"
	"  function by(k, dir){ return function(a,b){ return a[k]<b[k]?-dir:a[k]>b[k]?dir:0; }; }\n"
	"  if (s === 'price-asc' || s === 'price-ascending') out.sort(by('price', 1));\n"
	"  else if (s === 'price-desc' || s === 'price-descending') out.sort(by('price', -1));\n"
	"  else if (s === 'name' || s === 'title-ascending') out.sort(by('name', 1));\n"
	"  else if (s === 'title-descending') out.sort(by('name', -1));\n"
	"  else if (s === 'newest' || s === 'created-descending') out.sort(function(a,b){return a.createdAt<b.createdAt?1:a.createdAt>b.createdAt?-1:b.id-a.id;});\n"
	"  else if (s === 'created-ascending') out.sort(function(a,b){return a.createdAt<b.createdAt?-1:a.createdAt>b.createdAt?1:a.id-b.id;});\n"
	"  if (f.limit != null) { var pg = f.page > 1 ? Math.floor(f.page) : 1; out = out.slice((pg-1)*f.limit, pg*f.limit); }\n"
	"  return out; },\n"
	" search: function(q, limit){ var all = d.catalog || d.products || [], w = __sf.words(q), out = [];\n"
	"  if (!w.length) return out;\n"
	"  for (var i=0;i<all.length;i++){ var p = all[i], name = __sf.fold(p.name), meta = __sf.fold((p.tags||[]).join(' ')+' '+(p.vendor||'')+' '+(p.productType||'')+' '+(p.sku||'')+' '+(p.barcode||'')+' '+\n"
	"    (p.variants||[]).map(function(v){ return (v.sku||'')+' '+(v.barcode||''); }).join(' ')),\n"
	"   desc = __sf.fold(p.description||''), s = 0, hit = 0;\n"
	"   for (var j=0;j<w.length;j++){ var v = name.indexOf(w[j])>=0 ? 3 : meta.indexOf(w[j])>=0 ? 2 : desc.indexOf(w[j])>=0 ? 1 : 0; if (v) hit++; s += v; }\n"
	"   if (s) out.push({p: p, s: s + (hit === w.length ? 10 : 0), i: i}); }\n"
	"  out.sort(function(a,b){ return b.s - a.s || a.i - b.i; });\n"
	"  var n = limit == null ? 10 : limit, r = []; for (var k=0;k<out.length && k<n;k++) r.push(out[k].p); return r; },\n"
	" getRelated: function(id, limit){ var all = d.catalog || d.products || [], me = null, out = [];\n"
	"  for (var i=0;i<all.length;i++) if (String(all[i].id) === String(id)) me = all[i];\n"
	"  if (!me) return out; var mw = __sf.words(me.name);\n"
	"  for (var i=0;i<all.length;i++){ var p = all[i]; if (p === me) continue; var s = 0, c = p.collections||[], t = p.tags||[], nm = __sf.fold(p.name);\n"
	"   for (var j=0;j<c.length;j++) if ((me.collections||[]).indexOf(c[j])>=0) s += 2;\n"
	"   for (var j=0;j<t.length;j++) if ((me.tags||[]).indexOf(t[j])>=0) s += 1;\n"
	"   for (var j=0;j<mw.length;j++) if (nm.indexOf(mw[j])>=0) s += 1;\n"
	"   if (p.vendor && p.vendor === me.vendor) s += 0.5; if (s) out.push({p: p, s: s, i: i}); }\n"
	"  out.sort(function(a,b){ return b.s - a.s || a.i - b.i; });\n"
	"  var n = limit == null ? 4 : limit, r = []; for (var k=0;k<out.length && k<n;k++) r.push(out[k].p); return r; },\n"
	" getCollections: function(){ return d.collections || []; },\n"
	" getWishlist: function(){ return d.wishlist || []; },\n"
	" getCart: function(){ return d.cart || null; } }; },\n"
	/* search's folding, in small: lower case, common Latin accents off,
	 * anything else a space; words of 2+ characters */
	" fold: function(s){ return String(s == null ? '' : s).toLowerCase().replace(/[^a-z0-9]/g, function(c){\n"
	"   var k = __sf.from.indexOf(c); return k >= 0 ? __sf.to.charAt(k) : ' '; }); },\n"
	" from: '\\u00e0\\u00e1\\u00e2\\u00e3\\u00e4\\u00e5\\u00e7\\u00e8\\u00e9\\u00ea\\u00eb\\u00ec\\u00ed\\u00ee\\u00ef\\u00f1\\u00f2\\u00f3\\u00f4\\u00f5\\u00f6\\u00f8\\u00f9\\u00fa\\u00fb\\u00fc\\u00fd\\u00ff',\n"
	" to: 'aaaaaaceeeeiiiinoooooouuuuyy',\n"
	" words: function(s){ var a = __sf.fold(s).split(' '), o = []; for (var i=0;i<a.length;i++) if (a[i].length > 1) o.push(a[i]); return o; } };\n";

/* ---- helpers: formatPrice, formatDate, slugify, escapeHtml, generateId, image ---- */

static char render_currency[8] = "USD";   /* the store's, for formatPrice's default */
static unsigned id_counter;

/* Push an sbuf as a JS string; frees it even when the push throws. */
static void push_sbuf(js_State *J, sbuf *b)
{
	if (js_try(J)) {
		sb_free(b);
		js_throw(J);
	}
	js_pushlstring(J, sb_str(b), (int)b->len);
	js_endtry(J);
	sb_free(b);
}

static const char *arg_string(js_State *J, int i)
{
	return js_isundefined(J, i) || js_isnull(J, i) ? "" : js_tostring(J, i);
}

static void h_escape(js_State *J)
{
	sbuf b = SBUF_INIT;
	html_text(&b, arg_string(J, 1));
	push_sbuf(J, &b);
}

static void h_price(js_State *J)
{
	double amount = js_tonumber(J, 1);
	const char *cur = js_isstring(J, 2) ? js_tostring(J, 2) : render_currency;
	char code[8];
	snprintf(code, sizeof code, "%s", cur);
	str_upper(code);
	if (!isfinite(amount)) amount = 0;
	int dec = money_decimals(code);
	double mul = 1;
	for (int i = 0; i < dec; i++) mul *= 10;
	sbuf b = SBUF_INIT;
	money_format(&b, (int64_t)llround(amount * mul), code);
	push_sbuf(J, &b);
}

static void h_date(js_State *J)
{
	double ms = NAN;
	if (js_isdateobject(J, 1)) ms = js_tonumber(J, 1);
	else if (js_isnumber(J, 1)) { ms = js_tonumber(J, 1); if (fabs(ms) < 1e11) ms *= 1000; }
	else if (js_isstring(J, 1) && text_parse_iso(js_tostring(J, 1), &ms) < 0) ms = NAN;
	if (!isfinite(ms)) { js_pushliteral(J, ""); return; }
	sbuf b = SBUF_INIT;
	text_format_date(&b, ms, js_isstring(J, 2) ? js_tostring(J, 2) : "YYYY-MM-DD");
	push_sbuf(J, &b);
}

static void h_slugify(js_State *J)
{
	sbuf b = SBUF_INIT;
	text_slugify(&b, arg_string(J, 1));
	push_sbuf(J, &b);
}

static void h_id(js_State *J)
{
	unsigned char r[4];
	random_bytes(r, sizeof r);
	char buf[32];
	snprintf(buf, sizeof buf, "id-%x%02x%02x%02x%02x", ++id_counter, r[0], r[1], r[2], r[3]);
	js_pushstring(J, buf);
}

/* A property of the object at idx as a number (0 when not one) / string
 * (NULL when not one); the stack is left as it was. */
static double prop_num(js_State *J, int idx, const char *name)
{
	if (!js_isobject(J, idx)) return 0;
	js_getproperty(J, idx, name);
	double v = js_isnumber(J, -1) ? js_tonumber(J, -1) : 0;
	js_pop(J, 1);
	return isfinite(v) ? v : 0;
}

static const char *prop_str(js_State *J, int idx, const char *name, char *buf, size_t n)
{
	if (!js_isobject(J, idx)) return NULL;
	js_getproperty(J, idx, name);
	const char *v = NULL;
	if (js_isstring(J, -1)) { snprintf(buf, n, "%s", js_tostring(J, -1)); v = buf; }
	js_pop(J, 1);
	return v;
}

/* helpers.image(url | image, {width, alt, sizes, className, height, loading}) -> an <img>
 * with srcset (the WebP renditions), sizes, width, height and
 * loading="lazy". The image data comes with the block's inputs: an image
 * object ({url, width, height, alt, renditions}, as products' images
 * carry them) or, for a URL, the host's map of the library's images in
 * the inputs (__in.__media). A URL without data gives a plain <img>. */
static void h_image(js_State *J)
{
	char url[1024] = "", alt[1024] = "", sizes[256] = "", cls[256] = "", tmp[1024];
	int data = 0;                 /* stack index of the image's data, 0 none */
	int top = js_gettop(J);
	if (js_isstring(J, 1)) {
		snprintf(url, sizeof url, "%s", js_tostring(J, 1));
		js_getglobal(J, "__in");
		if (js_isobject(J, -1)) {
			js_getproperty(J, -1, "__media");
			if (js_isobject(J, -1)) {
				js_getproperty(J, -1, url);
				if (js_isobject(J, -1)) data = js_gettop(J) - 1;
			}
		}
	} else if (js_isobject(J, 1)) {
		data = 1;
		if (prop_str(J, 1, "url", tmp, sizeof tmp)) snprintf(url, sizeof url, "%s", tmp);
		else if (prop_str(J, 1, "src", tmp, sizeof tmp)) snprintf(url, sizeof url, "%s", tmp);
	}
	if (!url[0] || !html_image_url_ok(url)) { js_pop(J, js_gettop(J) - top); js_pushliteral(J, ""); return; }
	double want = prop_num(J, 2, "width");
	if (prop_str(J, 2, "alt", tmp, sizeof tmp)) snprintf(alt, sizeof alt, "%s", tmp);
	else if (data && prop_str(J, data, "alt", tmp, sizeof tmp)) snprintf(alt, sizeof alt, "%s", tmp);
	if (prop_str(J, 2, "sizes", tmp, sizeof tmp)) snprintf(sizes, sizeof sizes, "%s", tmp);
	if (prop_str(J, 2, "className", tmp, sizeof tmp)) snprintf(cls, sizeof cls, "%s", tmp);
	double w = data ? prop_num(J, data, "width") : 0, h = data ? prop_num(J, data, "height") : 0;
	/* srcset from the renditions; src: the narrowest in the original
	 * format at least as wide as asked (else the widest) */
	sbuf set = SBUF_INIT;
	char src[1024];
	snprintf(src, sizeof src, "%s", url);
	if (data) {
		js_getproperty(J, data, "renditions");
		if (js_isarray(J, -1)) {
			int n = js_getlength(J, -1), picked = 0;
			for (int i = 0; i < n && i < 16; i++) {
				js_getindex(J, -1, i);
				int ri = js_gettop(J) - 1;
				double rw = prop_num(J, ri, "width");
				if (prop_str(J, ri, "webp", tmp, sizeof tmp)) html_srcset_add(&set, tmp, (long)rw);
				if (!picked && prop_str(J, ri, "url", tmp, sizeof tmp) && html_image_url_ok(tmp)) {
					snprintf(src, sizeof src, "%s", tmp);
					picked = want > 0 && rw >= want;
				}
				js_pop(J, 1);
			}
		}
		js_pop(J, 1);
	}
	/* width/height: asked width and the image's ratio; without the
	 * image's own size, the options' height (keeps the layout still) */
	long ow = want > 0 ? (long)want : (long)w;
	long oh = want > 0 && w > 0 ? (long)(want * h / w + 0.5) : want > 0 ? 0 : (long)h;
	if (!(w > 0 && h > 0) && prop_num(J, 2, "height") > 0) oh = (long)prop_num(J, 2, "height");
	if (!sizes[0] && set.len) {
		if (want > 0) snprintf(sizes, sizeof sizes, "(max-width: %ldpx) 100vw, %ldpx", ow, ow);
		else snprintf(sizes, sizeof sizes, "100vw");
	}
	sbuf b = SBUF_INIT;
	sb_puts(&b, "<img src=\"");
	html_attr(&b, src);
	sb_puts(&b, "\"");
	if (set.len) {
		sb_puts(&b, " srcset=\"");
		html_attr(&b, sb_str(&set));
		sb_puts(&b, "\" sizes=\"");
		html_attr(&b, sizes);
		sb_puts(&b, "\"");
	}
	if (ow > 0) sb_printf(&b, " width=\"%ld\"", ow);
	if (oh > 0) sb_printf(&b, " height=\"%ld\"", oh);
	sb_puts(&b, " alt=\"");
	html_attr(&b, alt);
	sb_puts(&b, "\"");
	if (cls[0]) {
		sb_puts(&b, " class=\"");
		html_attr(&b, cls);
		sb_puts(&b, "\"");
	}
	/* above the fold (a hero), {loading: 'eager'} loads it at once */
	int eager = prop_str(J, 2, "loading", tmp, sizeof tmp) && strcmp(tmp, "eager") == 0;
	sb_puts(&b, eager ? " loading=\"eager\" fetchpriority=\"high\">" : " loading=\"lazy\" decoding=\"async\">");
	sb_free(&set);
	js_pop(J, js_gettop(J) - top);
	push_sbuf(J, &b);
}

/* The C function of each helper; which helpers exist, and what the
 * editor says of them, is vref.h's table: a row there without a function
 * here is a programming error (the unit tests push every row). */
static const struct { const char *name; js_CFunction fn; int n; } helper_fns[] = {
	{ "formatPrice", h_price, 2 }, { "formatDate", h_date, 2 }, { "slugify", h_slugify, 1 },
	{ "escapeHtml", h_escape, 1 }, { "generateId", h_id, 0 }, { "image", h_image, 2 },
};

static void push_helpers(js_State *J)
{
	js_newobject(J);
	for (const vref_call *h = vref_helpers; h->name; h++) {
		size_t i = 0;
		while (i < ARRAY_LEN(helper_fns) && strcmp(helper_fns[i].name, h->name) != 0) i++;
		if (i == ARRAY_LEN(helper_fns)) {
			fprintf(stderr, "vibe: helper %s is in vref_helpers but has no C function\n", h->name);
			abort();
		}
		js_newcfunction(J, helper_fns[i].fn, h->name, helper_fns[i].n);
		js_setproperty(J, -2, h->name);
	}
}

/* Heap accounting: every block gets vibe_conf.mem bytes. MuJS turns a NULL
 * from the allocator into a catchable "out of memory" error, so the flag,
 * not the error, is what marks the render as failed. Before failing, the
 * allocator asks for a collection (jsa_gc_rescue). Blocks are chained so
 * that what a rescue kept (never freed by MuJS afterwards) is freed with
 * the state (heap_free_all). This allocator serves sanitizer builds (no
 * arena), where a free the rescue should not have allowed is caught. */
typedef struct hdr { size_t size; struct hdr *prev, *next; size_t pad; } hdr;
typedef struct heap { size_t used, cap; int exceeded; hdr *all; } heap;

static void heap_unlink(heap *h, hdr *b)
{
	if (b->prev) b->prev->next = b->next;
	else h->all = b->next;
	if (b->next) b->next->prev = b->prev;
}

static void heap_link(heap *h, hdr *b)
{
	b->prev = NULL;
	b->next = h->all;
	if (h->all) h->all->prev = b;
	h->all = b;
}

static void heap_free_all(heap *h)
{
	for (hdr *b = h->all, *next; b; b = next) {
		next = b->next;
		free(b);
	}
	h->all = NULL;
	h->used = 0;
}

static void *vibe_alloc(void *ctx, void *ptr, int size)
{
	heap *h = ctx;
	hdr *old = ptr ? (hdr *)ptr - 1 : NULL;
	if (size == 0) {
		if (old && !jsa_gc_keep(ptr)) {
			h->used -= old->size;
			heap_unlink(h, old);
			free(old);
		}
		return NULL;
	}
	size_t oldsize = old ? old->size : 0;
	if (h->used - oldsize + (size_t)size > h->cap) {
		if (!jsa_gc_rescue((size_t)size, &h->used, h->cap, ptr)) { h->exceeded = 1; return NULL; }
		if (h->used - oldsize + (size_t)size > h->cap) {
			jsa_gc_give_up();
			h->exceeded = 1;
			return NULL;
		}
	}
	hdr *n = malloc(sizeof(hdr) + (size_t)size);
	if (!n) return NULL;
	if (old) {
		memcpy(n + 1, old + 1, old->size < (size_t)size ? old->size : (size_t)size);
		h->used -= old->size;
		heap_unlink(h, old);
		free(old);
	}
	heap_link(h, n);
	h->used += (size_t)size;
	n->size = (size_t)size;
	jsa_gc_note(n + 1);
	return n + 1;
}

#if defined(__SANITIZE_ADDRESS__)
#define VIBE_ASAN 1
#else
#define VIBE_ASAN 0
#endif

static jmp_buf panic_jmp;
static void vibe_panic(js_State *J) { (void)J; longjmp(panic_jmp, 1); }

/* No code from strings: eval, the Function constructor and every way to it
 * ((function(){}).constructor, [].map.constructor...) throw. `Function`
 * stays usable for instanceof. Run on every state before user code.
 * (MuJS refuses `eval = ...` at compile time: assign through the global.) */
static const char harden_js[] =
	"(function (g) {\n"
	" var no = function () { throw new EvalError('code generation from strings is not allowed in vibe code'); };\n"
	" no.prototype = Function.prototype;\n"
	" Object.defineProperty(Function.prototype, 'constructor', { value: no, writable: false, enumerable: false, configurable: false });\n"
	" Object.defineProperty(g, 'Function', { value: no, writable: false, enumerable: false, configurable: false });\n"
	" Object.defineProperty(g, 'eval', { value: no, writable: false, enumerable: false, configurable: false });\n"
	"})(this);\n";

/* Math.random: MuJS keeps its generator's seed in the state, i.e. in the
 * arena's snapshot, so every render would draw the same sequence. Ours
 * keeps its state out of the interpreter and vibe_render_json reseeds it
 * from the kernel before each render (getrandom is allowed in the
 * sandbox). xoshiro256**: 53 random bits per number. */
static uint64_t rnd_s[4];

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rnd_next(void)
{
	uint64_t r = rotl(rnd_s[1] * 5, 7) * 9, t = rnd_s[1] << 17;
	rnd_s[2] ^= rnd_s[0];
	rnd_s[3] ^= rnd_s[1];
	rnd_s[1] ^= rnd_s[2];
	rnd_s[0] ^= rnd_s[3];
	rnd_s[2] ^= t;
	rnd_s[3] = rotl(rnd_s[3], 45);
	return r;
}

static void rnd_reseed(void)
{
	do random_bytes(rnd_s, sizeof rnd_s);
	while (!(rnd_s[0] | rnd_s[1] | rnd_s[2] | rnd_s[3]));   /* the one bad state */
}

static void m_random(js_State *J)
{
	js_pushnumber(J, (double)(rnd_next() >> 11) * 0x1.0p-53);
}

/* Set once hardening has worked; a state without it never runs user code. */
static int hardened;

static void harden(js_State *J)
{
	hardened = 0;
	jsp_install(J);       /* the ES2015+ library methods */
	js_getglobal(J, "Math");
	js_newcfunction(J, m_random, "random", 0);
	js_defproperty(J, -2, "random", JS_DONTENUM);
	js_pop(J, 1);
	if (js_ploadstring(J, "harden", harden_js) == 0) {
		js_pushundefined(J);
		if (js_pcall(J, 0)) vibe_log("error", "harden: %s", js_trystring(J, -1, "?"));
		else hardened = 1;
	} else {
		vibe_log("error", "harden: %s", js_trystring(J, -1, "?"));
	}
	js_pop(J, 1);
}

void vibe_warm(void)
{
#if !VIBE_ASAN
	if (!jsa_ready() && jsa_init((size_t)vibe_conf.mem, vibe_panic, harden) < 0)
		vibe_log("warn", "no interpreter arena; blocks get a new state each (slower)");
#endif
}

static void set_err(vibe_error *e, const char *kind, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void set_err(vibe_error *e, const char *kind, int line, const char *fmt, ...)
{
	snprintf(e->kind, sizeof e->kind, "%s", kind);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	e->line = line;
	e->column = 0;
}

/* "SyntaxError: block:3: unexpected token" -> line 3, message without the
 * file:line part. */
static int split_line(const char *msg, char *clean, size_t n)
{
	const char *p = strstr(msg, "block:");
	if (!p) { snprintf(clean, n, "%s", msg); return 0; }
	int line = atoi(p + 6);
	const char *rest = strchr(p + 6, ':');
	snprintf(clean, n, "%.*s%s", (int)(p - msg), msg, rest ? (rest[1] == ' ' ? rest + 2 : rest + 1) : "");
	return line;
}

/* MuJS's compiler gives up on an expression about a hundred operators
 * deep ("a" + b + "c" + ... included, chains being nested to the left). */
static void syntax_err(vibe_error *e, const char *msg)
{
	char clean[400];
	int line = split_line(msg, clean, sizeof clean);
	if (strstr(clean, "too much recursion"))
		set_err(e, "syntax", line, "%s: an expression is nested or chained too deeply for the interpreter "
			"(about 100 operators); split it, e.g. push the pieces into an array and join them", clean);
	else
		set_err(e, "syntax", line, "%s", clean);
}

static void first_issue(vibe_error *e, const jsc_result *r)
{
	const jsc_issue *is = r->security.n ? &r->security.v[0] : r->errors.n ? &r->errors.v[0] : NULL;
	snprintf(e->kind, sizeof e->kind, "%s", r->security.n ? "security" : "syntax");
	snprintf(e->message, sizeof e->message, "%s", is ? is->message : "invalid vibe code");
	e->line = is ? is->line : 0;
	e->column = is ? is->column : 0;
}

int vibe_compile(const char *code, sbuf *es5, vibe_entry *entry, vibe_error *err)
{
	memset(err, 0, sizeof *err);
	memset(entry, 0, sizeof *entry);
	size_t len = strlen(code);
	jsc_result r;
	if (jsc_check(code, len, (size_t)vibe_conf.code_max, &r) < 0) {
		first_issue(err, &r);
		jsc_free(&r);
		return -1;
	}
	snprintf(entry->name, sizeof entry->name, "%s", r.entry);
	entry->line = r.entry_line;
	for (int i = 0; i < r.nparams && i < 16; i++)
		snprintf(entry->params[entry->nparams++], sizeof entry->params[0], "%s", r.params[i]);
	jsc_free(&r);
	jsl_error le;
	if (jsl_lower(code, len, es5, &le) < 0) {
		set_err(err, "syntax", le.line, "%s", le.message);
		err->column = le.column;
		return -1;
	}
	return 0;
}

cJSON *vibe_entry_json(const vibe_entry *e)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "name", e->name);
	cJSON_AddNumberToObject(o, "line", e->line);
	cJSON *ps = cJSON_AddArrayToObject(o, "params");
	for (int i = 0; i < e->nparams; i++) cJSON_AddItemToArray(ps, cJSON_CreateString(e->params[i]));
	return o;
}

int vibe_entry_from_json(const cJSON *o, vibe_entry *e)
{
	memset(e, 0, sizeof *e);
	const cJSON *n = cJSON_GetObjectItemCaseSensitive(o, "name");
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(o, "line");
	const cJSON *ps = cJSON_GetObjectItemCaseSensitive(o, "params");
	if (!cJSON_IsString(n) || !n->valuestring[0] || strlen(n->valuestring) >= sizeof e->name || !cJSON_IsArray(ps))
		return -1;
	snprintf(e->name, sizeof e->name, "%s", n->valuestring);
	e->line = cJSON_IsNumber(l) ? (int)l->valuedouble : 0;
	const cJSON *p;
	cJSON_ArrayForEach(p, ps) {
		if (!cJSON_IsString(p) || e->nparams >= 16 || strlen(p->valuestring) >= sizeof e->params[0]) return -1;
		snprintf(e->params[e->nparams++], sizeof e->params[0], "%s", p->valuestring);
	}
	return 0;
}

int vibe_find_entry(const char *code, vibe_entry *entry, vibe_error *err)
{
	sbuf es5 = SBUF_INIT;
	int rc = vibe_compile(code, &es5, entry, err);
	sb_free(&es5);
	return rc;
}

static js_State *new_state(heap *h)
{
	h->all = NULL;
	h->used = 0;
	h->cap = (size_t)vibe_conf.mem + (1 << 20); /* + the prelude's own share */
	h->exceeded = 0;
	js_State *J = js_newstate(vibe_alloc, h, 0);
	if (!J) return NULL;
	js_atpanic(J, vibe_panic);
	harden(J);
	return J;
}

int vibe_check(const char *code, vibe_error *err)
{
	sbuf es5 = SBUF_INIT;
	vibe_entry entry;
	int rc = vibe_compile(code, &es5, &entry, err);
	if (rc == 0) {
		/* MuJS is the last word on syntax: compile (without running) the ES5. */
		heap h;
		js_State *J = new_state(&h);
		if (!J) {
			set_err(err, "memory", 0, "cannot create interpreter");
			rc = -1;
		} else {
			if (js_ploadstring(J, "block", sb_str(&es5))) {
				syntax_err(err, js_trystring(J, -1, "syntax error"));
				rc = -1;
			}
			js_freestate(J);
			heap_free_all(&h);
		}
	}
	sb_free(&es5);
	return rc;
}

int vibe_render(const char *code, const cJSON *inputs, sbuf *out, vibe_error *err)
{
	vibe_entry entry;
	sbuf es5 = SBUF_INIT;
	int rc = vibe_compile(code, &es5, &entry, err);
	if (rc == 0) rc = vibe_render_entry(sb_str(&es5), &entry, inputs, out, err);
	sb_free(&es5);
	return rc;
}

int vibe_render_entry(const char *code, const vibe_entry *e, const cJSON *inputs, sbuf *out,
		      vibe_error *err)
{
	char *json = cJSON_PrintUnformatted(inputs);
	int rc = vibe_render_json(code, e, json, out, err);
	cJSON_free(json);
	return rc;
}

int vibe_render_json(const char *code, const vibe_entry *e, const char *json, sbuf *out,
		     vibe_error *err)
{
	return vibe_render_timed(code, e, json, out, err, NULL);
}

/* ---- the block cache (vibe.h) ---- */

typedef struct vcache {
	char *code, *json;      /* NULL: an empty entry */
	size_t ncode, njson;
	vibe_entry entry;
	char currency[8];       /* render_currency as the inputs set it */
	void *state;            /* jsa_save */
	size_t nstate;
	unsigned long used;     /* the last render that used it */
} vcache;

static vcache vc[VIBE_CACHE_ENTRIES];
static size_t vc_max, vc_bytes;
static unsigned long vc_clock;
static long vc_hits, vc_saves;

static void vc_drop(vcache *c)
{
	vc_bytes -= c->nstate + c->ncode + c->njson;   /* 0 + ... for a note */
	free(c->code);
	free(c->json);
	free(c->state);
	memset(c, 0, sizeof *c);
}

void vibe_cache_enable(size_t max_bytes)
{
	for (int i = 0; i < VIBE_CACHE_ENTRIES; i++)
		if (vc[i].code) vc_drop(&vc[i]);
	vc_max = VIBE_ASAN ? 0 : max_bytes;
	vc_hits = vc_saves = 0;
}

void vibe_cache_stats(long *hits, long *saves)
{
	*hits = vc_hits;
	*saves = vc_saves;
}

static int entry_same(const vibe_entry *a, const vibe_entry *b)
{
	if (strcmp(a->name, b->name) || a->line != b->line || a->nparams != b->nparams) return 0;
	for (int i = 0; i < a->nparams; i++)
		if (strcmp(a->params[i], b->params[i])) return 0;
	return 1;
}

static vcache *vc_find(const char *code, const vibe_entry *e, const char *json)
{
	if (!vc_max) return NULL;
	size_t nc = strlen(code), nj = strlen(json);
	for (int i = 0; i < VIBE_CACHE_ENTRIES; i++) {
		vcache *c = &vc[i];
		if (c->code && c->ncode == nc && c->njson == nj && entry_same(&c->entry, e) &&
		    !memcmp(c->code, code, nc) && !memcmp(c->json, json, nj))
			return c;
	}
	return NULL;
}

/* A block seen for the first time is only noted (code, entry, inputs);
 * seen again (seen: its note), the state as it is now -- the block
 * compiled, its inputs pushed, its call not made -- is kept with it. A
 * child that renders one page (another store's page follows) so never
 * pays for saving. */
static void vc_note(const char *code, const vibe_entry *e, const char *json, vcache *seen)
{
	size_t nc = strlen(code), nj = strlen(json), ns = 0;
	void *state = NULL;
	if (seen) {
		if (!(state = jsa_save(&ns))) return;
		vc_bytes -= seen->ncode + seen->njson;   /* taken again below */
		free(seen->code);
		free(seen->json);
		memset(seen, 0, sizeof *seen);
	}
	size_t need = ns + nc + nj;
	if (need > vc_max) { free(state); return; }
	vcache *slot = NULL;
	for (;;) {
		vcache *lru = NULL;
		slot = NULL;
		for (int i = 0; i < VIBE_CACHE_ENTRIES; i++) {
			if (!vc[i].code) { if (!slot) slot = &vc[i]; continue; }
			if (!lru || vc[i].used < lru->used) lru = &vc[i];
		}
		if (slot && vc_bytes + need <= vc_max) break;
		if (!lru) { free(state); return; }
		vc_drop(lru);
	}
	slot->code = xstrndup(code, nc);
	slot->json = xstrndup(json, nj);
	slot->ncode = nc;
	slot->njson = nj;
	slot->entry = *e;
	snprintf(slot->currency, sizeof slot->currency, "%s", render_currency);
	slot->state = state;
	slot->nstate = ns;
	slot->used = ++vc_clock;
	vc_bytes += need;
	if (state) vc_saves++;
}

int vibe_render_timed(const char *code, const vibe_entry *e, const char *json, sbuf *out,
		      vibe_error *err, vibe_timing *timing)
{
	vibe_entry entry = *e;
	memset(err, 0, sizeof *err);
	if (strlen(code) > (size_t)vibe_conf.code_max) {
		set_err(err, "size", 0, "vibe code is %zu bytes; the limit is %ld", strlen(code), vibe_conf.code_max);
		return -1;
	}
	jsc_issue why;
	if (jsc_unsafe_es5(code, strlen(code), &why) < 0) {
		set_err(err, "security", why.line, "%s", why.message);
		err->column = why.column;
		return -1;
	}
	int64_t t0 = now_usec(), t1 = t0, t2 = t0;
	/* A pristine interpreter: restored from the arena's snapshot when
	 * there is one (sanitizer builds keep plain malloc, to see bugs). */
	heap h;
	js_State *volatile J;         /* volatile: read after setjmp */
	vibe_warm();
	volatile int arena = jsa_ready();
	J = arena ? jsa_fresh() : new_state(&h);
	if (!J) { set_err(err, "memory", 0, "cannot create interpreter"); return -1; }
	if (!hardened) {
		set_err(err, "sandbox", 0, "the interpreter could not be hardened; vibe code is not run");
		if (!arena) { js_freestate(J); heap_free_all(&h); }
		return -1;
	}
	int rc = -1;
	rnd_reseed();
	if (setjmp(panic_jmp)) {
		set_err(err, "runtime", 0, "interpreter panic");
		goto done;
	}
	int failed;
	vcache *volatile seen = arena ? vc_find(code, &entry, json) : NULL;   /* volatile: read after setjmp */
	vcache *volatile hit = seen && seen->state ? seen : NULL;
	if (hit) {
		/* compiled and given its inputs before: from that state, whole */
		J = jsa_restore(hit->state, hit->nstate);
		hit->used = ++vc_clock;
		vc_hits++;
		snprintf(render_currency, sizeof render_currency, "%s", hit->currency);
		jsa_gc_begin(J);
		t1 = t2 = now_usec();
		failed = js_pcall(J, entry.nparams);
		goto called;
	}
	int wants_api = 0;
	for (int i = 0; i < entry.nparams; i++) wants_api |= strcmp(entry.params[i], "api") == 0;
	if (wants_api) {
		if (js_ploadstring(J, "prelude", api_prelude) || (js_pushundefined(J), js_pcall(J, 0))) {
			set_err(err, "runtime", 0, "prelude failed: %s", js_trystring(J, -1, "?"));
			goto done;
		}
		js_pop(J, 1);
	}
	if (js_ploadstring(J, "block", code)) {
		syntax_err(err, js_trystring(J, -1, "syntax error"));
		goto done;
	}
	/* compiled: from here on an allocation that would break the cap may
	 * collect first (jsarena.h) */
	jsa_gc_begin(J);
	js_pushundefined(J);
	failed = js_pcall(J, 0);
	t1 = now_usec();
	if (!failed) {
		js_pop(J, 1);
		/* inputs: JSON.parse once, then pick by parameter name */
		if (js_try(J)) {
			failed = 1;
		} else {
			js_getglobal(J, "JSON");
			js_getproperty(J, -1, "parse");
			js_rot2(J);          /* parse, JSON */
			js_pushstring(J, json);
			js_call(J, 1);       /* -> data */
			js_setglobal(J, "__in");
			/* formatPrice defaults to the store's currency */
			snprintf(render_currency, sizeof render_currency, "USD");
			js_getglobal(J, "__in");
			js_getproperty(J, -1, "storefront");
			if (js_isobject(J, -1)) {
				js_getproperty(J, -1, "currency");
				if (js_isstring(J, -1))
					snprintf(render_currency, sizeof render_currency, "%s", js_tostring(J, -1));
				js_pop(J, 1);
			}
			js_pop(J, 2);
			js_getglobal(J, entry.name);
			js_pushundefined(J);
			for (int i = 0; i < entry.nparams; i++) {
				const char *p = entry.params[i];
				if (strcmp(p, "helpers") == 0) {
					push_helpers(J);
				} else if (strcmp(p, "api") == 0) {
					js_getglobal(J, "__sf");
					js_getproperty(J, -1, "makeApi");
					js_rot2(J);
					js_getglobal(J, "__in");
					js_call(J, 1);
				} else {
					js_getglobal(J, "__in");
					js_getproperty(J, -1, p);
					js_rot2pop1(J);
					if (js_isundefined(J, -1)) { js_pop(J, 1); js_pushnull(J); }
				}
			}
			js_endtry(J);
			if (vc_max && arena && !jsa_exceeded()) vc_note(code, &entry, json, seen);
			t2 = now_usec();
			failed = js_pcall(J, entry.nparams);
		}
	}
called:
	if (timing) {
		timing->compile = (long)(t1 - t0);
		timing->data = t2 >= t1 ? (long)(t2 - t1) : 0;   /* t2 < t1: the call was not made */
		timing->run = t2 >= t1 ? (long)(now_usec() - t2) : 0;
		timing->cached = hit != NULL;
	}
	if (arena ? jsa_exceeded() : h.exceeded) {
		set_err(err, "memory", 0, "block used more than %ld bytes of memory", vibe_conf.mem);
		goto done;
	}
	if (failed) {
		int line = 0;
		/* the trace first: js_tostring replaces the error object in place */
		if (js_isobject(J, -1) && js_hasproperty(J, -1, "stackTrace")) {
			const char *b = strstr(js_trystring(J, -1, ""), "block:");
			if (b) line = atoi(b + 6);
			js_pop(J, 1);
		}
		const char *msg = js_trystring(J, -1, "error");
		char clean[512];
		int l2 = split_line(msg, clean, sizeof clean);
		set_err(err, "runtime", line ? line : l2, "%s", clean);
		goto done;
	}
	if (!js_isstring(J, -1)) {
		set_err(err, "type", entry.line, "%s returned %s, not a string", entry.name,
			js_isundefined(J, -1) ? "undefined" : js_typeof(J, -1));
		goto done;
	}
	const char *html = js_tostring(J, -1);
	size_t len = strlen(html);
	if (len > (size_t)vibe_conf.output) {
		set_err(err, "output", entry.line, "block returned %zu bytes of HTML; the limit is %ld", len, vibe_conf.output);
		goto done;
	}
	sb_put(out, html, len);
	rc = 0;
done:
	jsa_gc_end();
	if (!arena) { js_freestate(J); heap_free_all(&h); }
	return rc;
}
