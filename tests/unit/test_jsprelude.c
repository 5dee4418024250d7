/* test_jsprelude: each method the prelude adds, run as plain ES5 in MuJS;
 * that they are non-enumerable; that existing methods are kept. */
#include "t.h"
#include "jsprelude.h"
#include "util.h"

#include <stdlib.h>

static js_State *J;

/* Runs ES5 code in the shared state; its value (or the error) as a string. */
static char *ev(const char *code)
{
	const char *s;
	if (js_ploadstring(J, "test", code)) {
		s = js_trystring(J, -1, "?");
	} else {
		js_pushundefined(J);
		js_pcall(J, 0);
		s = js_trystring(J, -1, "?");
	}
	{
		char *r = xstrdup(s);
		js_pop(J, 1);
		return r;
	}
}

#define CHECK_EV(code, want) do { char *r_ = ev(code); CHECK_STR(r_, want); free(r_); } while (0)

static void test_array(void)
{
	CHECK_EV("[1, 2, 3].find(function (x) { return x > 1; })", "2");
	CHECK_EV("String([1].find(function (x) { return x > 5; }))", "undefined");
	CHECK_EV("var seen = []; [5, 6].find(function (x, i, a) { seen.push(i + ':' + a.length + ':' + this.k); }, {k: 'K'}); seen.join()",
		"0:2:K,1:2:K");
	CHECK_EV("[1, 2, 3].findIndex(function (x) { return x == 3; })", "2");
	CHECK_EV("[1, 2, 3].findIndex(function (x) { return x == 9; })", "-1");
	CHECK_EV("[1, 2, NaN, 'a'].includes(NaN) + ',' + [1, 2].includes('1') + ',' + [1, 2, 3].includes(1, 1) + ',' + [1, 2, 3].includes(3, -1)",
		"true,false,false,true");
	CHECK_EV("[1, 2, 3, 4].fill(0, 1, -1).join()", "1,0,0,4");
	CHECK_EV("new Array(3).fill('x').join('')", "xxx");
	CHECK_EV("JSON.stringify([1, [2, [3, [4]]]].flat())", "[1,2,[3,[4]]]");
	CHECK_EV("JSON.stringify([1, [2, [3, [4]]]].flat(Infinity))", "[1,2,3,4]");
	CHECK_EV("JSON.stringify([[1], [2]].flat(0))", "[[1],[2]]");
	CHECK_EV("JSON.stringify([1, 2].flatMap(function (x) { return [x, x * 10]; }))", "[1,10,2,20]");
	CHECK_EV("JSON.stringify(Array.from('héllo'))", "[\"h\",\"é\",\"l\",\"l\",\"o\"]");
	CHECK_EV("JSON.stringify(Array.from({length: 3}, function (v, i) { return i * 2; }))", "[0,2,4]");
	CHECK_EV("(function () { return Array.from(arguments).join('-'); })(1, 2)", "1-2");
	CHECK_EV("JSON.stringify(Array.of(7, 8))", "[7,8]");
	CHECK_EV("try { [1].find(3); 'no' } catch (e) { e instanceof TypeError }", "true");
	CHECK_EV("try { Array.from(null); 'no' } catch (e) { e instanceof TypeError }", "true");
	CHECK_EV("var a = [1]; for (var i = 0; i < 210; i++) a = [a]; try { a.flat(Infinity); 'no' } catch (e) { e instanceof RangeError }",
		"true");
}

static void test_string(void)
{
	CHECK_EV("['abc'.startsWith('ab'), 'abc'.startsWith('b'), 'abc'.startsWith('b', 1), 'abc'.startsWith('')].join()",
		"true,false,true,true");
	CHECK_EV("['abc'.endsWith('bc'), 'abc'.endsWith('b'), 'abc'.endsWith('b', 2), 'ab'.endsWith('abc')].join()",
		"true,false,true,false");
	CHECK_EV("['abc'.includes('b'), 'abc'.includes('d'), 'abc'.includes('a', 1), 'é😀x'.includes('x', 2)].join()",
		"true,false,false,true");
	CHECK_EV("'5'.padStart(3, '0') + '|' + 'abc'.padStart(6, '12') + '|' + 'x'.padStart(3) + '|' + 'long'.padStart(2)",
		"005|121abc|  x|long");
	CHECK_EV("'5'.padEnd(3, 'ab') + '|' + 'é'.padEnd(3, 'ü') + '|' + 'x'.padEnd(3, '')", "5ab|éüü|x");
	CHECK_EV("'ab'.repeat(3) + '|' + 'x'.repeat(0) + '|'", "ababab||");
	CHECK_EV("try { 'x'.repeat(-1); 'no' } catch (e) { e instanceof RangeError }", "true");
	CHECK_EV("try { 'x'.repeat(1e9); 'no' } catch (e) { e instanceof RangeError }", "true");
	CHECK_EV("'a-b-c'.replaceAll('-', '+')", "a+b+c");
	CHECK_EV("'aaa'.replaceAll('aa', 'b')", "ba");
	CHECK_EV("'abc'.replaceAll('', '.')", ".a.b.c.");
	CHECK_EV("'x1x2'.replaceAll('x', '[$&]$$')", "[x]$1[x]$2");
	CHECK_EV("'ab'.replaceAll('b', \"($`|$')\")", "a(a|)");
	CHECK_EV("'a.b.c'.replaceAll('.', function (m, i) { return '<' + i + '>'; })", "a<1>b<3>c");
	CHECK_EV("'aXbX'.replaceAll(/x/gi, '_')", "a_b_");
	CHECK_EV("try { 'a'.replaceAll(/a/, 'b'); 'no' } catch (e) { e instanceof TypeError }", "true");
	CHECK_EV("try { 'a'.replaceAll('a', function () { throw new Error('cb'); }); 'no' } catch (e) { e.message }", "cb");
	CHECK_EV("'[' + '  x \\n'.trimStart() + '][' + ' \\t x  '.trimEnd() + ']'", "[x \n][ \t x]");
	CHECK_EV("'\\u00a0\\u3000x\\u2028'.trimStart().trimEnd()", "x");
	CHECK_EV("try { String.prototype.startsWith.call(null, 'a'); 'no' } catch (e) { e instanceof TypeError }", "true");
	CHECK_EV("try { 'a'.includes(/a/); 'no' } catch (e) { e instanceof TypeError }", "true");
}

static void test_object_number_math(void)
{
	CHECK_EV("JSON.stringify(Object.assign({a: 1}, {b: 2}, null, {a: 3}))", "{\"a\":3,\"b\":2}");
	CHECK_EV("var t = {}; Object.assign(t, {x: 1}) === t", "true");
	CHECK_EV("var p = {inh: 1}; var o = Object.create(p); o.own = 2; JSON.stringify(Object.assign({}, o))", "{\"own\":2}");
	CHECK_EV("JSON.stringify(Object.values({a: 1, b: 'x'}))", "[1,\"x\"]");
	CHECK_EV("JSON.stringify(Object.entries({a: 1}))", "[[\"a\",1]]");
	CHECK_EV("JSON.stringify(Object.fromEntries([['x', 1], ['y', [2]]]))", "{\"x\":1,\"y\":[2]}");
	CHECK_EV("JSON.stringify(Object.fromEntries(Object.entries({k: 'v'})))", "{\"k\":\"v\"}");
	CHECK_EV("try { Object.values(null); 'no' } catch (e) { e instanceof TypeError }", "true");
	CHECK_EV("[Number.isInteger(5), Number.isInteger(5.5), Number.isInteger('5'), Number.isInteger(Infinity)].join()",
		"true,false,false,false");
	CHECK_EV("[Number.isFinite(1), Number.isFinite(Infinity), Number.isFinite('1'), Number.isNaN(NaN), Number.isNaN('x')].join()",
		"true,false,false,true,false");
	CHECK_EV("[Number.isSafeInteger(9007199254740991), Number.isSafeInteger(9007199254740992)].join()", "true,false");
	CHECK_EV("Number.MAX_SAFE_INTEGER === 9007199254740991 && Number.EPSILON > 0 && Number.parseInt === parseInt", "true");
	CHECK_EV("[Math.trunc(-4.7), Math.trunc(4.7), Math.sign(-3), Math.sign(0), Math.sign(2)].join()", "-4,4,-1,0,1");
	CHECK_EV("[Math.log10(1000), Math.log2(8), Math.cbrt(27), Math.hypot(3, 4)].join()", "3,3,3,5");
}

static void test_install(void)
{
	js_State *K;
	/* non-enumerable: for...in over arrays and strings sees only indices */
	CHECK_EV("var ks = ''; for (var k in [7, 8]) ks += k + ','; ks", "0,1,");
	CHECK_EV("var ks = []; for (var k in {}) ks.push(k); ks.length", "0");
	CHECK_EV("Object.keys(Array.prototype).length + Object.keys(String.prototype).length", "0");
	CHECK_EV("Array.prototype.propertyIsEnumerable('find')", "false");
	/* installing twice changes nothing; existing methods are kept */
	jsp_install(J);
	CHECK_EV("[3].find(function (x) { return x; })", "3");
	K = js_newstate(NULL, NULL, 0);
	js_dostring(K, "Array.prototype.find = function () { return 'mine'; };");
	jsp_install(K);
	js_dostring(K, "var r = [1].find(function () { return true; }) + [1].includes(1);");
	js_getglobal(K, "r");
	CHECK_STR(js_tostring(K, -1), "minetrue");
	js_freestate(K);
	CHECK_INT(js_gettop(J), 0);
}

int main(void)
{
	J = js_newstate(NULL, NULL, 0);
	jsp_install(J);
	test_array();
	test_string();
	test_object_number_math();
	test_install();
	js_freestate(J);
	T_DONE();
}
