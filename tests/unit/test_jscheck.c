/* test_jscheck: entry point and parameter rules of DESIGN §7, forbidden
 * features as security issues with positions, size limit, and subset or
 * syntax errors passed through from the lowering. */
#include "t.h"
#include "jscheck.h"
#include "util.h"

#include <stdlib.h>

static jsc_result R;

static int check(const char *src)
{
	jsc_free(&R);
	return jsc_check(src, strlen(src), 64 * 1024, &R);
}

/* Whether list l has an item at line:col whose message contains needle. */
static int has(const jsc_list *l, int line, int col, const char *needle)
{
	for (int k = 0; k < l->n; k++)
		if (l->v[k].line == line && l->v[k].column == col && strstr(l->v[k].message, needle)) return 1;
	fprintf(stderr, "  no %d:%d \"%s\" among %d:", line, col, needle, l->n);
	for (int k = 0; k < l->n; k++) fprintf(stderr, " [%d:%d %s]", l->v[k].line, l->v[k].column, l->v[k].message);
	fprintf(stderr, "\n");
	return 0;
}

static const char GRID[] =
	"function renderProductGrid(products, helpers) {\n"
	"  return `\n"
	"    <div class=\"grid grid-cols-3 gap-4\">\n"
	"      ${products.slice(0, 6).map(product => `\n"
	"        <div class=\"border rounded-lg p-4\">\n"
	"          <img src=\"${product.image}\" alt=\"${helpers.escapeHtml(product.name)}\" />\n"
	"          <h3>${helpers.escapeHtml(product.name)}</h3>\n"
	"          <p>${helpers.formatPrice(product.price, 'USD')}</p>\n"
	"          <button onclick=\"addToCart('${product.id}', 1)\">Add to Cart</button>\n"
	"        </div>\n"
	"      `).join('')}\n"
	"    </div>\n"
	"  `;\n"
	"}\n";

static void test_entry(void)
{
	CHECK_INT(check(GRID), 0);
	CHECK(R.valid);
	CHECK_STR(R.entry, "renderProductGrid");
	CHECK_INT(R.entry_line, 1);
	CHECK_INT(R.entry_column, 10);
	CHECK_INT(R.nparams, 2);
	CHECK_STR(R.params[0], "products");
	CHECK_STR(R.params[1], "helpers");
	CHECK_INT(R.errors.n + R.warnings.n + R.security.n, 0);

	/* the mockup's signature spans two lines */
	CHECK_INT(check("function renderHero(storefront,\n  products, helpers) {\n  return `<h1>${storefront.name}</h1>`;\n}\n"), 0);
	CHECK_STR(R.entry, "renderHero");
	CHECK_INT(R.nparams, 3);
	CHECK_STR(R.params[2], "helpers");

	/* helpers beside the entry; default parameters */
	CHECK_INT(check("function fmt(x) { return x; }\nfunction renderList(products, config = {limit: 3}, device) {\n"
		"  return products.map(fmt).join(''); }\nvar k = function helper() {};"), 0);
	CHECK_STR(R.entry, "renderList");
	CHECK_INT(R.nparams, 3);
	CHECK_STR(R.params[1], "config");
	CHECK_STR(R.params[2], "device");

	/* one function, any name */
	CHECK_INT(check("function main(cart, user) { return ''; }"), 0);
	CHECK_STR(R.entry, "main");

	/* none, ambiguous */
	CHECK_INT(check("var x = 1;"), -1);
	CHECK(has(&R.errors, 1, 1, "no entry point"));
	CHECK_INT(check("function a() { return ''; }\nfunction b() { return ''; }"), -1);
	CHECK(has(&R.errors, 1, 10, "none named render"));
	CHECK_INT(check("function renderA() { return ''; }\nfunction renderB() { return ''; }"), -1);
	CHECK(has(&R.errors, 1, 10, "more than one"));
	CHECK_STR(R.entry, "");
	/* nested functions do not count */
	CHECK_INT(check("function render(products) { function inner() {} return ''; }"), 0);
	CHECK_STR(R.entry, "render");

	/* parameter names */
	CHECK_INT(check("function render(products, foo) { return ''; }"), -1);
	CHECK(has(&R.errors, 1, 27, "unknown parameter 'foo'; known inputs: storefront, products, collections, "
		"posts, cart, user, device, config, helpers, api"));
	CHECK_INT(check("function render(cart, cart) { return ''; }"), -1);
	CHECK(has(&R.errors, 1, 23, "duplicate parameter 'cart'"));
	CHECK_INT(check("function render({products}) { return ''; }"), -1);
	CHECK(R.errors.n >= 1);
	CHECK_INT(check("function render(...api) { return ''; }"), -1);
	CHECK(has(&R.errors, 1, 20, "rest parameter"));

	/* warnings do not invalidate */
	CHECK_INT(check("function render(products) { products.length; }"), 0);
	CHECK(has(&R.warnings, 1, 10, "no return statement"));
	CHECK(jsc_is_input("api"));
	CHECK(!jsc_is_input("window"));
}

static void test_security(void)
{
	CHECK_INT(check("function render(helpers) {\n  var f = Function('return 1');\n  eval('1');\n"
		"  require('fs');\n  return ({}).constructor + [][\"constructor\"];\n}"), -1);
	CHECK(!R.valid);
	CHECK(has(&R.security, 2, 11, "Function"));
	CHECK(has(&R.security, 3, 3, "eval"));
	CHECK(has(&R.security, 4, 3, "require"));
	CHECK(has(&R.security, 5, 15, ".constructor"));
	CHECK(has(&R.security, 5, 31, "[\"constructor\"]"));
	CHECK_INT(R.errors.n, 0);

	CHECK_INT(check("function render() {\n  with (o) {}\n  var c = arguments.callee;\n  var p = o.__proto__;\n"
		"  var q = {'__proto__': 1};\n  return '';\n}"), -1);
	CHECK(has(&R.security, 2, 3, "with"));
	CHECK(has(&R.security, 3, 11, "arguments.callee"));
	CHECK(has(&R.security, 4, 13, "__proto__"));
	CHECK(has(&R.security, 5, 12, "__proto__"));

	CHECK_INT(check("import x from 'y';\nfunction render() { return ''; }"), -1);
	CHECK(has(&R.security, 1, 1, "import"));
	CHECK(has(&R.errors, 1, 1, "import"));     /* also outside the subset */

	CHECK_INT(check("function render() { setTimeout('x()', 1); setInterval(`y`, 2); return ''; }"), -1);
	CHECK(has(&R.security, 1, 21, "setTimeout with a string"));
	CHECK(has(&R.security, 1, 43, "setInterval with a string"));
	CHECK_INT(check("function render() { setTimeout(f, 1); return document.title; }"), 0);
	CHECK(has(&R.warnings, 1, 21, "setTimeout is not available"));
	CHECK(has(&R.warnings, 1, 46, "'document'"));

	/* escapes MuJS would decode: ev\u0061l is eval to it */
	CHECK_INT(check("function render() {\n  return ev\\u0061l('1') + F\\u0075nction;\n}"), -1);
	CHECK(has(&R.security, 2, 10, "escaped names"));
	CHECK(has(&R.security, 2, 27, "escaped names"));
	CHECK_INT(check("function render() {\n  debugger;\n  return '';\n}"), -1);
	CHECK(has(&R.security, 2, 3, "debugger"));
	{
		jsc_issue why;
		const char *ok = "function render() { var s = 'eval \\u0041 debugger', o = { eval: 1, x: 2 }; return o.eval + s; }";
		CHECK_INT(jsc_unsafe_es5(ok, strlen(ok), &why), 0);
		const char *e1 = "function render() {\n  return eval('1');\n}";
		CHECK_INT(jsc_unsafe_es5(e1, strlen(e1), &why), -1);
		CHECK_INT(why.line, 2);
		CHECK_INT(why.column, 10);
		CHECK(strstr(why.message, "eval") != NULL);
		const char *e2 = "function render() { return ev\\u0061l('1'); }";
		CHECK_INT(jsc_unsafe_es5(e2, strlen(e2), &why), -1);
		CHECK(strstr(why.message, "escaped") != NULL);
		const char *e3 = "function render() { debugger; return ''; }";
		CHECK_INT(jsc_unsafe_es5(e3, strlen(e3), &why), -1);
		CHECK(strstr(why.message, "debugger") != NULL);
	}

	/* names that only look like the forbidden ones are fine */
	CHECK_INT(check("function render(helpers) {\n  var o = {eval: 1, constructor: 2, Function: 3};\n"
		"  var s = 'eval Function require';\n  // eval(x) in a comment\n  return o.eval + helpers.require + s;\n}"), 0);
	CHECK_INT(R.security.n, 0);
}

static void test_errors(void)
{
	CHECK_INT(check("function render(products) {\n  return `<p>${products.length}\n"), -1);
	CHECK(has(&R.errors, 2, 10, "unterminated template"));
	CHECK_INT(check("function render(products) {\n  class A {}\n  return '';\n}"), -1);
	CHECK(has(&R.errors, 2, 3, "classes"));
	CHECK_STR(R.entry, "render");
	CHECK_INT(check("function render(products) {\n  return products.map(p => p ?? 0);\n}"), -1);
	CHECK(has(&R.errors, 2, 30, "nullish"));
	/* ES2015 early errors are the merchant's errors, at their lines */
	CHECK_INT(check("function render(products) {\n  if (products) let y = 1;\n  return '';\n}"), -1);
	CHECK(has(&R.errors, 2, 17, "cannot be the body"));
	CHECK_INT(check("function render(products) {\n  { let f = 1;\n    var f; }\n  return '';\n}"), -1);
	CHECK(has(&R.errors, 3, 9, "redeclaration of 'f'"));
	CHECK_INT(check("function render(products) {\n  return products.map((a, a) => a);\n}"), -1);
	CHECK(has(&R.errors, 2, 27, "duplicate parameter"));
	{
		sbuf s = SBUF_INIT;
		sb_puts(&s, "function render() { return '");
		for (int i = 0; i < 70000; i++) sb_putc(&s, 'x');
		sb_puts(&s, "'; }");
		CHECK_INT(check(s.s), -1);
		CHECK(has(&R.errors, 1, 1, "the limit is 65536"));
		jsc_free(&R);
		CHECK_INT(jsc_check(s.s, s.len, 0, &R), 0);
		sb_free(&s);
	}
}

int main(void)
{
	test_entry();
	test_security();
	test_errors();
	jsc_free(&R);
	T_DONE();
}
