/* test_vibe: the engine in-process (no sandbox): hardening against code
 * from strings, no state surviving from one render to the next, the
 * limits the interpreter itself enforces (memory, output, type), helpers. */
#include "t.h"
#include "vibe.h"
#include "config.h"
#include "sandbox.h"
#include "text.h"
#include "util.h"
#include "vref.h"

#include <time.h>

#include <stdlib.h>

static vibe_error E;

/* Render code with inputs (JSON text, may be NULL): the HTML, or
 * "!kind: message" when it failed. Caller frees. */
static char *run(const char *code, const char *inputs)
{
	cJSON *in = inputs ? cJSON_Parse(inputs) : cJSON_CreateObject();
	sbuf out = SBUF_INIT;
	int rc = vibe_render(code, in, &out, &E);
	cJSON_Delete(in);
	if (rc < 0) {
		sb_reset(&out);
		sb_printf(&out, "!%s: %s", E.kind, E.message);
	}
	char *s = xstrdup(sb_str(&out));
	sb_free(&out);
	return s;
}

#define CHECK_RUN(code, in, want) do { char *r_ = run(code, in); CHECK_STR(r_, want); free(r_); } while (0)
#define CHECK_FAILS(code, in, want_kind) do { char *r_ = run(code, in); CHECK(r_[0] == '!'); \
	CHECK_STR(E.kind, want_kind); if (r_[0] != '!') fprintf(stderr, "  got: %.200s\n", r_); free(r_); } while (0)

/* Computed names get past the static checks; the hardened interpreter
 * still refuses to make code from strings. */
static void test_no_code_from_strings(void)
{
	static const char *const ways[] = {
		"(function(){})[k('constructor')]('return 1')()",
		"[].map[k('constructor')]('return 1')()",
		"Object.getPrototypeOf(function(){})[k('constructor')]('return 1')()",
		"Object.getPrototypeOf(Object.getPrototypeOf(function(){}))[k('constructor')]"
		"[k('getPrototypeOf')](function(){})[k('constructor')]('return 1')()",
		"(() => 1)[k('constructor')]('return 1')()",
		"helpers.escapeHtml[k('constructor')]('return 1')()",
		"new ((function(){})[k('constructor')])('return 1')()",
		"this[k('Function')]('return 1')()",
		"this[k('eval')]('1')",
		"(0, this[k('eval')])('1')",
		"Object.getPrototypeOf(function(){})[k('constructor')].call(null, 'return 1')()",
		"Object.getPrototypeOf(function(){})[k('constructor')].apply(null, ['return 1'])()",
		"Object.getPrototypeOf(function(){})[k('constructor')].bind(null, 'return 1')()()",
	};
	char code[800];
	for (size_t i = 0; i < ARRAY_LEN(ways); i++) {
		snprintf(code, sizeof code,
			 "function render(helpers) { var k = function (s) { return s.split('').join(''); };\n"
			 "  try { return 'made ' + (%s); } catch (e) { return (e instanceof EvalError) + ' ' + e.message; } }",
			 ways[i]);
		char *r = run(code, NULL);
		CHECK_STR(r, "true code generation from strings is not allowed in vibe code");
		if (strncmp(r, "true", 4)) fprintf(stderr, "  way %zu: %s\n", i, ways[i]);
		free(r);
	}
	/* hardening cannot be undone (MuJS ignores the attempts silently) */
	CHECK_RUN("function render() { var fp = Object.getPrototypeOf(function(){}), c = 'constr' + 'uctor';\n"
		  "  try { Object.defineProperty(fp, c, { value: 1 }); } catch (e) {}\n"
		  "  try { Object.defineProperty(fp, c, { get: function () { return 2; } }); } catch (e) {}\n"
		  "  try { delete fp[c]; fp[c] = 3; } catch (e) {}\n"
		  "  try { this['ev' + 'al'] = function () { return 4; }; } catch (e) {}\n"
		  "  var r = [];\n"
		  "  try { r.push(fp[c]('return 5')()); } catch (e) { r.push(e.name); }\n"
		  "  try { r.push(this['ev' + 'al']('6')); } catch (e) { r.push(e.name); }\n"
		  "  return r.join(); }",
		  NULL, "EvalError,EvalError");
	/* instanceof still works */
	CHECK_RUN("function render() { var F = this['Func' + 'tion']; return String((function(){}) instanceof F); }", NULL, "true");
}

/* ES5 that skipped validation (a snapshot edited by hand): MuJS compiles
 * a direct eval and `debugger` into instructions no global binding can
 * take back, so the render refuses such code itself. */
static void test_unvalidated_es5(void)
{
	vibe_entry e;
	memset(&e, 0, sizeof e);
	strcpy(e.name, "render");
	static const char *const bad[] = {
		"function render() { return String(eval('1 + 1')); }",
		"function render() { return String(ev\\u0061l('1 + 1')); }",
		"function render() { for (var i = 0; i < 1000; i++) { debugger; } return 'x'; }",
	};
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		sbuf out = SBUF_INIT;
		CHECK_INT(vibe_render_json(bad[i], &e, "{}", &out, &E), -1);
		CHECK_STR(E.kind, "security");
		sb_free(&out);
	}
	/* and the constructor chains throw at run time */
	sbuf out = SBUF_INIT;
	CHECK_INT(vibe_render_json("function render() { return (function(){}).constructor('return 1')(); }", &e, "{}", &out, &E), -1);
	CHECK_STR(E.kind, "runtime");
	CHECK(strstr(E.message, "code generation from strings") != NULL);
	CHECK_INT(vibe_render_json("function render() { return Function('return 1')(); }", &e, "{}", &out, &E), -1);
	CHECK(strstr(E.message, "code generation from strings") != NULL);
	CHECK_INT(vibe_render_json("function render() { return [].map.constructor('return 1')(); }", &e, "{}", &out, &E), -1);
	CHECK(strstr(E.message, "code generation from strings") != NULL);
	sb_free(&out);
}

/* Every render starts from a pristine interpreter. */
static void test_nothing_survives(void)
{
	CHECK_RUN("function render() { Array.prototype.join = function () { return 'POLLUTED'; };\n"
		  "  Object.prototype.evil = 1; String.prototype.toString = function () { return 'P'; };\n"
		  "  JSON.stringify = null; Math.floor = null; globalLeak = 'leaked'; this.x = 1; return 'dirty'; }",
		  NULL, "dirty");
	CHECK_RUN("function render() { return [1, 2].join('-') + ' ' + ({}).evil + ' ' + typeof globalLeak + ' ' +\n"
		  "  typeof JSON.stringify + ' ' + Math.floor(1.5) + ' ' + typeof this.x; }",
		  NULL, "1-2 undefined undefined function 1 undefined");
	/* the prelude's methods too */
	CHECK_RUN("function render() { Array.prototype.includes = 0; String.prototype.padStart = 0; return ''; }", NULL, "");
	CHECK_RUN("function render() { return [1].includes(1) + 'x'.padStart(3, '.'); }", NULL, "true..x");
}

static void test_limits_in_process(void)
{
	CHECK_FAILS("function render() { var s = 'x'; while (true) s += s; }", NULL, "memory");
	/* swallowing MuJS's out-of-memory error does not save the block */
	CHECK_FAILS("function render() { var a = []; try { for (;;) a.push({ n: a.length }); } catch (e) { a = null; }\n"
		    "  return 'survived'; }", NULL, "memory");
	CHECK_FAILS("function render() { return 'x'.repeat(1 << 20) + 'y'; }", NULL, "output");
	char *r = run("function render() { return 'x'.repeat(1 << 20); }", NULL);
	CHECK_INT(strlen(r), 1 << 20);
	free(r);
	CHECK_FAILS("function render() { return 42; }", NULL, "type");
	CHECK_FAILS("function render() { return new String('boxed'); }", NULL, "type");
	CHECK_FAILS("function render() { return null; }", NULL, "type");
	CHECK_FAILS("function render() { function f() { return f() + 1; } return f(); }", NULL, "runtime");
	CHECK(strstr(E.message, "stack overflow") != NULL);
	CHECK_FAILS("function render() { throw null; }", NULL, "runtime");
	CHECK_FAILS("function render() { throw { toString: function () { throw 'again'; } }; }", NULL, "runtime");
	CHECK_FAILS("function render() {\n  var x = 1;\n  return x.y.z;\n}", NULL, "runtime");
	CHECK_INT(E.line, 3);
}

/* The engine reads no config: config_load hands it the limits, and the
 * engine obeys what it was handed (issue 9, src/vibe/README.md). */
static void log_capture(const char *level, const char *message) { snprintf(E.message, sizeof E.message, "%s %s", level, message); }

static void test_settings_from_host(void)
{
	CHECK_INT(vibe_conf.mem, cfg.vibe_mem);
	CHECK_INT(vibe_conf.output, cfg.vibe_output);
	CHECK_INT(vibe_conf.cpu_ms, cfg.vibe_cpu_ms);
	CHECK_INT(vibe_conf.code_max, cfg.vibe_code_max);
	CHECK(strstr(vibe_conf.sample_path, "/templates/vibe/sample.json") != NULL);
	CHECK(vibe_conf.log != NULL);
	vibe_settings keep = vibe_conf, small = vibe_conf;
	small.output = 10;
	small.log = log_capture;
	vibe_configure(&small);
	CHECK_FAILS("function render() { return 'x'.repeat(11); }", NULL, "output");
	CHECK(strstr(E.message, "limit is 10") != NULL);
	small.code_max = 40;
	vibe_configure(&small);
	vibe_error err;
	CHECK_INT(vibe_check("function render() { return 'more than forty bytes'; }", &err), -1);
	CHECK(strstr(err.message, "the limit is 40") != NULL);
	vibe_log("warn", "to %s", "the host");
	CHECK_STR(E.message, "warn to the host");
	vibe_configure(&keep);
	CHECK_RUN("function render() { return 'x'.repeat(11); }", NULL, "xxxxxxxxxxx");
}

/* Sixty nested blocks each shadowing `let v` (renamed when lowered) and
 * using it in a shorthand property: the renames were copied from the
 * lowering's own text buffer while appending to it (a use after free once
 * it grew; found by tests/fuzz/fuzz_vibe.c; SAN=1 shows it). */
static void test_many_renames(void)
{
	sbuf code = SBUF_INIT, want = SBUF_INIT;
	sb_puts(&code, "function render() {\n  const out = [];\n  let v = -1;\n");
	for (int i = 0; i < 60; i++) {
		sb_printf(&code, "  { let v = %d; const o = { v }; out.push(o.v);\n", i);
		sb_printf(&want, "%s%d", i ? "," : "", i);
	}
	for (int i = 0; i < 60; i++) sb_puts(&code, "}");
	sb_puts(&code, "\n  return out.join(',') + '|' + v;\n}\n");
	sb_puts(&want, "|-1");
	CHECK_RUN(sb_str(&code), NULL, sb_str(&want));
	sb_free(&code);
	sb_free(&want);
}

/* MuJS refuses expressions about a hundred operators deep: a clean syntax
 * error that says what to do, not a crash. */
static void test_long_chains(void)
{
	sbuf code = SBUF_INIT;
	for (int n = 90; n <= 150; n += 60) {
		sb_reset(&code);
		sb_puts(&code, "function render() {\n  return '<p>' + ");
		for (int i = 0; i < n; i++) sb_printf(&code, "%s'x'", i ? " + " : "");
		sb_puts(&code, " + '</p>';\n}\n");
		char *r = run(sb_str(&code), NULL);
		if (n == 90) {
			CHECK_INT(strlen(r), 90 + 7);
		} else {
			CHECK_STR(E.kind, "syntax");
			CHECK_INT(E.line, 2);
			CHECK(strstr(E.message, "push the pieces into an array and join them") != NULL);
		}
		free(r);
	}
	sb_free(&code);
}

static void test_helpers(void)
{
	const char *in = "{\"storefront\": {\"currency\": \"VND\"}}";
	CHECK_RUN("function render(helpers) { return [helpers.formatPrice(1234.5, 'USD'), helpers.formatPrice(1234.5, 'jpy'),\n"
		  "  helpers.formatPrice(1234.5, 'EUR'), helpers.formatPrice(1234.5, 'GBP')].join('|'); }",
		  NULL, "$1,234.50|¥1,235|€1,234.50|£1,234.50");
	char *r = run("function render(storefront, helpers) { return helpers.formatPrice(150000); }", in);
	CHECK(strstr(r, "150") != NULL && strstr(r, "₫") != NULL);
	free(r);
	CHECK_RUN("function render(helpers) { return helpers.escapeHtml(`<a href=\"x\" title='y'>&</a>`); }", NULL,
		  "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
	CHECK_RUN("function render(helpers) { return helpers.slugify('Áo dài Việt Nam — Đẹp!'); }", NULL, "ao-dai-viet-nam-dep");
	CHECK_RUN("function render(helpers) { return helpers.formatDate('2026-03-05T10:00:00Z', 'YYYY-MM-DD'); }", NULL, "2026-03-05");
	CHECK_RUN("function render(helpers) { var a = helpers.generateId(), b = helpers.generateId();\n"
		  "  return String(a !== b && /^[A-Za-z0-9_-]+$/.test(a)); }", NULL, "true");
}

/* The reference (vref.h) is what a block really gets: every helper and
 * api call it documents exists, and nothing undocumented does; the input
 * names it lists are the ones validation accepts. */
static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* The names of a table, sorted, ","-joined (JS's Object.keys(...).sort()). */
static void list_of(sbuf *b, const vref_call *c)
{
	const char *names[64];
	size_t n = 0;
	for (; c->name && n < ARRAY_LEN(names); c++) names[n++] = c->name;
	qsort(names, n, sizeof *names, by_name);
	for (size_t i = 0; i < n; i++) sb_printf(b, "%s%s", i ? "," : "", names[i]);
}

static void test_reference_is_the_engine(void)
{
	sbuf want = SBUF_INIT;
	list_of(&want, vref_helpers);
	CHECK_RUN("function render(helpers) { return Object.keys(helpers).sort().join(','); }", NULL, sb_str(&want));
	sb_reset(&want);
	list_of(&want, vref_api);
	CHECK_RUN("function render(api) { return Object.keys(api).sort().join(','); }", "{}", sb_str(&want));
	sb_free(&want);
	for (const vref_input *in = vref_inputs; in->name; in++) {
		char code[128];
		snprintf(code, sizeof code, "function render(%s) { return 'ok'; }", in->name);
		CHECK(vibe_check(code, &E) == 0);
	}
	CHECK(vibe_check("function render(window) { return ''; }", &E) < 0);
	CHECK(strstr(E.message, vref_input_list()) != NULL);
	cJSON *j = vref_json();
	CHECK(cJSON_GetArraySize(cJSON_GetObjectItem(j, "inputs")) >= 10);
	cJSON_Delete(j);
}

/* Math.random's state is not part of the interpreter's snapshot: each
 * render draws a new sequence, in [0, 1). */
static void test_random_reseeded(void)
{
	const char *code = "function render() { var a = [], i, x;\n"
			   "  for (i = 0; i < 1000; i++) { x = Math.random(); if (!(x >= 0 && x < 1)) return 'bad ' + x; a.push(x); }\n"
			   "  return a.slice(0, 4).join(' '); }";
	char *a = run(code, NULL), *b = run(code, NULL);
	CHECK(a[0] != '!' && strncmp(a, "bad", 3) != 0);
	CHECK(strcmp(a, b) != 0);
	if (!strcmp(a, b)) fprintf(stderr, "  same sequence twice: %s\n", a);
	free(a);
	free(b);
}

/* Local-time Date in the sandbox child, in the store's zone: glibc loads
 * the zone before the system-call filter goes on (it used to stat
 * /etc/localtime under it: "forbidden system call"). */
static char *sandboxed(const char *tz, const char *code)
{
	vibe_entry e;
	sbuf es5 = SBUF_INIT, out = SBUF_INIT;
	if (vibe_compile(code, &es5, &e, &E) < 0) return xstrdup("!compile");
	sbx_page p;
	sbx_page_init(&p, 0, tz);
	if (sbx_render(&p, sb_str(&es5), &e, "{}", &out, &E) < 0) {
		sb_reset(&out);
		sb_printf(&out, "!%s: %s", E.kind, E.message);
	}
	sbx_page_end(&p);
	char *s = xstrdup(sb_str(&out));
	sb_free(&out);
	sb_free(&es5);
	return s;
}

static void test_time_zone_in_sandbox(void)
{
	CHECK(tz_problem("UTC") == NULL);
	CHECK(tz_problem("Europe/Berlin") == NULL);
	CHECK(tz_problem("America/New_York") == NULL);
	CHECK(tz_problem("Mars/Olympus_Mons") != NULL);
	CHECK(tz_problem("../../etc/passwd") != NULL);
	CHECK(tz_problem("/etc/localtime") != NULL);
	CHECK(tz_problem("America") != NULL);       /* a directory */
	CHECK(tz_problem("") != NULL);
	char rule[128];
	CHECK(tz_rule("UTC", rule, sizeof rule) == 0 && !strcmp(rule, "UTC0"));
	CHECK(tz_rule("America/New_York", rule, sizeof rule) == 0 && !strcmp(rule, "EST5EDT,M3.2.0,M11.1.0"));
	CHECK(tz_rule("Nowhere/Else", rule, sizeof rule) < 0);
	if (t_valgrind()) return;  /* no sandbox under valgrind */
	if (sbx_start() < 0) { CHECK(!"sandbox starts"); return; }
	const char *code = "function render() {\n"
			   "  const d = new Date(2026, 0, 2, 10, 30);\n"
			   "  return [d.getHours(), d.getDate(), String(new Date(0)), new Date(0).toLocaleString(),\n"
			   "          new Date(0).getHours(), new Date(0).getTimezoneOffset(), String(new Date()).length > 20].join('|');\n"
			   "}\n";
	char *utc = sandboxed(NULL, code);
	CHECK_STR(utc, "10|2|1970-01-01T00:00:00.000Z|1970-01-01T00:00:00.000Z|0|0|true");
	free(utc);
	/* New York: MuJS applies the zone's offset of today (-5 h, or -4 h in
	 * summer time) to every date */
	setenv("TZ", "America/New_York", 1);
	tzset();
	time_t now = time(NULL);
	struct tm lt;
	localtime_r(&now, &lt);
	int off = (int)(lt.tm_gmtoff / 3600);   /* -5 or -4 */
	unsetenv("TZ");
	tzset();
	char want[200];
	snprintf(want, sizeof want, "10|2|1969-12-31T%02d:00:00.000-%02d:00|1969-12-31T%02d:00:00.000-%02d:00|%d|%d|true",
		 24 + off, -off, 24 + off, -off, 24 + off, -off * 60);
	char *ny = sandboxed("America/New_York", code);
	CHECK_STR(ny, want);
	free(ny);
	char *berlin = sandboxed("Europe/Berlin", "function render() { return String(new Date(0).getHours() > 0); }");
	CHECK_STR(berlin, "true");
	free(berlin);
	/* rules with <...> names and half hours, no summer time */
	char *sp = sandboxed("America/Sao_Paulo", "function render() { return String(new Date(0)); }");
	CHECK_STR(sp, "1969-12-31T21:00:00.000-03:00");
	free(sp);
	char *in = sandboxed("Asia/Kolkata", "function render() { return String(new Date(0)); }");
	CHECK_STR(in, "1970-01-01T05:30:00.000+05:30");
	free(in);
}

/* MuJS collects by the number of things made, not their size: a string
 * built with += reached the 16 MB cap with a live set of a few KB. The
 * allocator now collects before failing; a live set over the cap still
 * fails with memory. */
static void test_collect_before_out_of_memory(void)
{
	CHECK_RUN("function render() { let s = ''; for (let i = 0; i < 6000; i++) s += 'x'; return String(s.length); }",
		  NULL, "6000");
	CHECK_RUN("function render() { let s = ''; for (let i = 0; i < 20000; i++) s += 'x'; return String(s.length); }",
		  NULL, "20000");
	/* garbage of every size: objects, arrays, small and large strings */
	CHECK_RUN("function render() { let h = '', k = 0;\n"
		  "  for (let i = 0; i < 3000; i++) { const o = { i, a: [i, String(i)], t: 'y'.repeat(i % 700) };\n"
		  "    h += `<li>${o.a[1]}</li>`; k += o.t.length; }\n"
		  "  return h.length + ' ' + k; }", NULL, "37890 998500");
	/* what stays reachable counts: still out of memory */
	CHECK_FAILS("function render() { const keep = []; let s = '';\n"
		    "  for (let i = 0; i < 20000; i++) { s += 'x'; keep.push(s); } return String(keep.length); }",
		    NULL, "memory");
	CHECK_FAILS("function render() { const a = []; for (;;) a.push('x'.repeat(1000) + a.length); }", NULL, "memory");
	/* caught and retried forever: out of memory, not a collection per try */
	CHECK_FAILS("function render() { const a = []; for (;;) { try { a.push(new Array(1000).join('y')); } catch (e) {} } }",
		    NULL, "memory");
}

/* The block cache of a render child (vibe_cache_enable), in-process:
 * the second render of the same code and inputs starts from the saved
 * state; what a run did never reaches the next; changed code or inputs
 * are compiled and pushed again; the memory and output limits hold on a
 * cached render too. */
static char *cached(const char *code, const char *inputs)
{
	vibe_entry e;
	sbuf es5 = SBUF_INIT, out = SBUF_INIT;
	if (vibe_compile(code, &es5, &e, &E) < 0) return xstrdup("!compile");
	if (vibe_render_json(sb_str(&es5), &e, inputs, &out, &E) < 0) {
		sb_reset(&out);
		sb_printf(&out, "!%s: %s", E.kind, E.message);
	}
	char *s = xstrdup(sb_str(&out));
	sb_free(&out);
	sb_free(&es5);
	return s;
}

/* The block cache saves and restores the interpreter's arena; the
 * sanitizer build renders without the arena (vibe.c), so there nothing is
 * kept and every count is 0 -- while the output must be the same. */
#if defined(__SANITIZE_ADDRESS__)
#define KEPT(n) 0
#else
#define KEPT(n) (n)
#endif

#define CHECK_CACHED(code, in, want) do { char *r_ = cached(code, in); CHECK_STR(r_, want); free(r_); } while (0)

static void test_block_cache(void)
{
	long hits, saves;
	vibe_cache_enable(8 << 20);
	const char *grid = "function render(products, helpers) { var o = [];\n"
			   "  products.forEach(function (p) { o.push(helpers.escapeHtml(p.name) + ' ' + helpers.formatPrice(p.price)); });\n"
			   "  return o.join(', '); }";
	const char *in = "{\"products\":[{\"name\":\"a<b\",\"price\":1.5},{\"name\":\"c\",\"price\":2}],"
			 "\"storefront\":{\"currency\":\"EUR\"}}";
	CHECK_CACHED(grid, in, "a&lt;b €1.50, c €2.00");                                  /* noted */
	CHECK_CACHED(grid, "{\"products\":[{\"name\":\"d\",\"price\":3}]}", "d $3.00");  /* other inputs: noted */
	vibe_cache_stats(&hits, &saves);
	CHECK_INT(hits + saves, 0);
	CHECK_CACHED(grid, in, "a&lt;b €1.50, c €2.00");                                  /* seen again: saved */
	vibe_cache_stats(&hits, &saves);
	CHECK_INT(hits, KEPT(0));
	CHECK_INT(saves, KEPT(1));
	CHECK_CACHED(grid, in, "a&lt;b €1.50, c €2.00");   /* from the state; the currency comes back with it */
	vibe_cache_stats(&hits, &saves);
	CHECK_INT(hits, KEPT(1));
	/* a run's changes to its inputs, globals and prototypes are gone */
	const char *mutate = "function render(products) { var s = typeof leaked + ' ' + products.length + ' ' + [1, 2].join('-');\n"
			     "  products.length = 0; leaked = 1; Array.prototype.join = function () { return 'POLLUTED'; };\n"
			     "  return s; }";
	for (int i = 0; i < 4; i++) CHECK_CACHED(mutate, in, "undefined 2 1-2");
	vibe_cache_stats(&hits, &saves);
	CHECK_INT(hits, KEPT(3));
	/* the same block changed: compiled again, never the old code */
	CHECK_CACHED("function render(products) { return 'v1:' + products.length; }", in, "v1:2");
	CHECK_CACHED("function render(products) { return 'v2:' + products.length; }", in, "v2:2");
	CHECK_CACHED("function render(products) { return 'v1:' + products.length; }", in, "v1:2");
	/* limits on a render that starts from a saved state */
	const char *bomb = "function render(config) { var a = [], i; for (i = 0; i < config.n; i++) a.push('xxxxxxxxxxxxxxxx' + i); return String(a.length); }";
	for (int i = 0; i < 3; i++) {
		char *r = cached(bomb, "{\"config\":{\"n\":10000000}}");
		CHECK(r[0] == '!');
		CHECK_STR(E.kind, "memory");
		free(r);
	}
	for (int i = 0; i < 3; i++) {
		char *r = cached("function render() { return 'x'.repeat(2000000); }", "{}");
		CHECK_STR(E.kind, "output");
		free(r);
	}
	vibe_cache_stats(&hits, &saves);
	CHECK_INT(hits, KEPT(5));
	/* off: nothing kept */
	vibe_cache_enable(0);
	CHECK_CACHED(grid, in, "a&lt;b €1.50, c €2.00");
	vibe_cache_stats(&hits, &saves);
	CHECK_INT(hits + saves, 0);
}

/* The same in the sandbox: a store's kept child keeps its blocks; a
 * changed block is compiled again; another store's page never gets that
 * child (nor its cache); the CPU limit still kills a block that starts
 * from a saved state. One page = one block; *cached says whether it
 * started from the child's cache. */
static double wall_ms(void)   /* Date.now() */
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec * 1000 + (double)(ts.tv_nsec / 1000000);
}

static char *store_page(int64_t tenant, const char *code, const char *inputs, long *cached)
{
	vibe_entry e;
	sbuf es5 = SBUF_INIT, out = SBUF_INIT;
	if (vibe_compile(code, &es5, &e, &E) < 0) return xstrdup("!compile");
	sbx_page p;
	sbx_timing st = { 0 };
	vibe_timing vt = { 0 };
	sbx_page_init(&p, tenant, NULL);
	sbx_page_measure(&p, &st, &vt);
	if (sbx_render(&p, sb_str(&es5), &e, inputs, &out, &E) < 0) {
		sb_reset(&out);
		sb_printf(&out, "!%s: %s", E.kind, E.message);
	}
	sbx_page_end(&p);
	*cached = vt.cached;
	char *s = xstrdup(sb_str(&out));
	sb_free(&out);
	sb_free(&es5);
	return s;
}

static void test_block_cache_in_sandbox(void)
{
	if (t_valgrind() || sbx_start() < 0) return;
	long hit = -1;
	const char *v1 = "function render(config) { var s = typeof leaked + ' ' + config.n; leaked = 1; config.n = 0; return 'v1 ' + s; }";
	const char *v2 = "function render(config) { return 'v2 ' + config.n; }";
	const char *in = "{\"config\":{\"n\":7}}";
	char *r;
	r = store_page(1, v1, in, &hit); CHECK_STR(r, "v1 undefined 7"); CHECK_INT(hit, 0); free(r);  /* noted */
	r = store_page(1, v1, in, &hit); CHECK_STR(r, "v1 undefined 7"); CHECK_INT(hit, 0); free(r);  /* saved */
	r = store_page(1, v1, in, &hit); CHECK_STR(r, "v1 undefined 7"); CHECK_INT(hit, KEPT(1)); free(r);
	r = store_page(1, v2, in, &hit); CHECK_STR(r, "v2 7"); CHECK_INT(hit, 0); free(r);   /* changed: compiled */
	r = store_page(1, v1, "{\"config\":{\"n\":8}}", &hit); CHECK_STR(r, "v1 undefined 8"); CHECK_INT(hit, 0); free(r);
	r = store_page(1, v1, in, &hit); CHECK_STR(r, "v1 undefined 7"); CHECK_INT(hit, KEPT(1)); free(r);
	/* store 2, same code and inputs: a fresh child, nothing of store 1's */
	r = store_page(2, v1, in, &hit); CHECK_STR(r, "v1 undefined 7"); CHECK_INT(hit, 0); free(r);
	r = store_page(1, v1, in, &hit); CHECK_STR(r, "v1 undefined 7"); CHECK_INT(hit, 0); free(r);
	/* kept (seen twice), then the same block and inputs spin: killed by
	 * the CPU limit */
	char spin[256], sin[64];
	snprintf(spin, sizeof spin, "function render(config) { if (Date.now() >= config.at) { while (true) {} } return 'early'; }");
	double at = wall_ms() + 800;
	snprintf(sin, sizeof sin, "{\"config\":{\"at\":%.0f}}", at);
	for (int i = 0; i < 2; i++) {
		r = store_page(3, spin, sin, &hit);
		CHECK_STR(r, "early");
		free(r);
	}
	while (wall_ms() < at + 10) {}   /* until `at` has passed */
	r = store_page(3, spin, sin, &hit);
	CHECK_STR(E.kind, "cpu");
	CHECK(r[0] == '!');
	free(r);
	r = store_page(3, v2, in, &hit); CHECK_STR(r, "v2 7"); CHECK_INT(hit, 0); free(r);   /* a fresh child after the kill */
	sbx_drop_kept();
}

int main(void)
{
	char err[256];
	if (config_load(NULL, err, sizeof err) < 0) { fprintf(stderr, "%s\n", err); return 1; }
	test_no_code_from_strings();
	test_unvalidated_es5();
	test_nothing_survives();
	test_limits_in_process();
	test_settings_from_host();
	test_long_chains();
	test_many_renames();
	test_helpers();
	test_reference_is_the_engine();
	test_random_reseeded();
	test_time_zone_in_sandbox();
	test_collect_before_out_of_memory();
	test_block_cache();
	test_block_cache_in_sandbox();
	T_DONE();
}
