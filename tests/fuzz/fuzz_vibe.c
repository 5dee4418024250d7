/* fuzz_vibe: the vibe-code front end (tokenizer, static checks, ES2015
 * lowering), the code that runs outside the sandbox, in admin.cgi and the
 * worker. Each input is used twice:
 *  - as source text, arbitrary bytes;
 *  - as a recipe for a structural generator: each byte picks a construct
 *    (functions, loops, closures capturing let/const, shadowing blocks,
 *    for-of/for-in, defaults, spread, templates, labels...) with fresh
 *    names, so a short input makes a large program with many scopes and
 *    names (the renaming pass's name table grows: the use after free of
 *    a kept table entry needed a few hundred of them).
 * A generated program is valid ES2015, so the lowering must either refuse
 * it with an error or produce ES5 that MuJS compiles, with exactly the
 * source's lines. Nothing is executed. */
#include "jscheck.h"
#include "jslower.h"
#include "util.h"
#include <mujs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* -- the recipe reader -- */

typedef struct {
	const uint8_t *d;
	size_t n, k, end;         /* the recipe is read end / n times over */
	sbuf *out;
	int uniq;
	int names[64], nnames;   /* visible names (ids) */
	int loops, funcs, depth;
} gen;

/* Largest generated program: 48 KB under `make fuzz` (a few hundred
 * functions: the table-growth class is found within seconds), 1 KB when
 * FUZZ_SMOKE is set (`make fuzz-smoke`, part of `make test`, replays the
 * seeds quickly, without the MuJS compile check; the recorded crashers are
 * among them). */
static size_t gen_max_out = 48 * 1024;
static int smoke;

static unsigned byte(gen *g) { return g->k < g->end ? g->d[g->k++ % g->n] : 0; }
static int more(gen *g) { return g->k < g->end && g->out->len < gen_max_out; }

static int fresh(gen *g) { return ++g->uniq; }

/* A visible name's text ("v12"), or a literal when none is visible. */
static void name_or_lit(gen *g)
{
	unsigned b = byte(g);
	if (g->nnames == 0 || b % 5 == 0) sb_printf(g->out, "%u", b % 7);
	else sb_printf(g->out, "v%d", g->names[b % (unsigned)g->nnames]);
}

static void push_name(gen *g, int id)
{
	if (g->nnames < (int)ARRAY_LEN(g->names)) g->names[g->nnames++] = id;
	else g->names[(unsigned)id % ARRAY_LEN(g->names)] = id;
}

static void expr(gen *g)
{
	switch (byte(g) % 9) {
	case 0: name_or_lit(g); sb_puts(g->out, " + "); name_or_lit(g); break;
	case 1: sb_puts(g->out, "() => "); name_or_lit(g); break;
	case 2: sb_puts(g->out, "`t${"); name_or_lit(g); sb_puts(g->out, "}u`"); break;
	case 3: sb_puts(g->out, "[0, ...["); name_or_lit(g); sb_puts(g->out, "]]"); break;
	case 4: {
		int id = fresh(g);
		sb_printf(g->out, "function (v%d = ", id);
		name_or_lit(g);
		sb_printf(g->out, ") { return () => v%d; }", id);
		break;
	}
	case 5:
		if (g->nnames) {
			int v = g->names[byte(g) % (unsigned)g->nnames];
			sb_printf(g->out, "{ v%d, m() { return v%d; } }", v, v);
		} else sb_puts(g->out, "{}");
		break;
	case 6: sb_puts(g->out, "Math.max(...[1, "); name_or_lit(g); sb_puts(g->out, "])"); break;
	case 7: sb_puts(g->out, "(x => y => x + y)("); name_or_lit(g); sb_puts(g->out, ")(1)"); break;
	default: name_or_lit(g); break;
	}
}

static void stmts(gen *g, int count);

/* A block's statements, with its names popped afterwards. */
static void body(gen *g)
{
	int save = g->nnames;
	sb_puts(g->out, "{\n");
	stmts(g, 1 + (int)(byte(g) % 4));
	sb_puts(g->out, "}\n");
	g->nnames = save;
}

static void stmt(gen *g)
{
	unsigned op = byte(g);
	int id = fresh(g);
	if (g->depth > 6) op = op % 3;
	g->depth++;
	switch (op % 20) {
	case 0: case 1: case 2:
		/* var inside a loop whose closures capture per-iteration
		 * bindings is refused (the body becomes a function): let there */
		sb_printf(g->out, "%s v%d = ", op % 3 == 1 ? "const" : op % 3 == 2 && !g->loops ? "var" : "let", id);
		expr(g);
		sb_puts(g->out, ";\n");
		push_name(g, id);
		break;
	case 3: {  /* function with defaults and a rest parameter */
		int save = g->nnames, a = fresh(g), r = fresh(g);
		if (g->loops) sb_printf(g->out, "const v%d = function (v%d = ", id, a);
		else sb_printf(g->out, "function v%d(v%d = ", id, a);
		name_or_lit(g);
		sb_printf(g->out, ", ...v%d) ", r);
		push_name(g, id);
		save = g->nnames;
		push_name(g, a);
		push_name(g, r);
		{
			int loops = g->loops;
			g->loops = 0;
			g->funcs++;
			body(g);
			g->funcs--;
			g->loops = loops;
		}
		g->nnames = save;
		break;
	}
	case 4: {  /* for with a captured per-iteration binding */
		int save = g->nnames;
		sb_printf(g->out, "for (let v%d = 0; v%d < 2; v%d++) ", id, id, id);
		push_name(g, id);
		g->loops++;
		body(g);
		g->loops--;
		g->nnames = save;
		break;
	}
	case 5: {
		int save = g->nnames;
		sb_printf(g->out, "for (const v%d of [1, ", id);
		name_or_lit(g);
		sb_puts(g->out, "]) ");
		push_name(g, id);
		g->loops++;
		body(g);
		g->loops--;
		g->nnames = save;
		break;
	}
	case 6: {
		int save = g->nnames;
		sb_printf(g->out, "for (let v%d in { a: 1, b: ", id);
		name_or_lit(g);
		sb_puts(g->out, " }) ");
		push_name(g, id);
		g->loops++;
		body(g);
		g->loops--;
		g->nnames = save;
		break;
	}
	case 7: {  /* shadowing: a block redeclares a visible name */
		int save = g->nnames;
		if (g->nnames) {
			int v = g->names[byte(g) % (unsigned)g->nnames];
			sb_printf(g->out, "{ let v%d = ", v);
			name_or_lit(g);
			sb_printf(g->out, "; fns.push(() => v%d);\n", v);
			stmts(g, 1 + (int)(byte(g) % 3));
			sb_puts(g->out, "}\n");
		} else body(g);
		g->nnames = save;
		break;
	}
	case 8: case 9:
		sb_puts(g->out, "fns.push(() => (");
		expr(g);
		sb_puts(g->out, "));\n");
		break;
	case 10:
		sb_puts(g->out, "if (");
		name_or_lit(g);
		sb_puts(g->out, ") ");
		body(g);
		if (byte(g) & 1) { sb_puts(g->out, "else "); body(g); }
		break;
	case 11: {  /* arrow with a block body */
		int save = g->nnames, a = fresh(g);
		sb_printf(g->out, "const v%d = (v%d) => ", id, a);
		push_name(g, id);
		save = g->nnames;
		push_name(g, a);
		{
			int loops = g->loops;
			g->loops = 0;
			g->funcs++;
			body(g);
			g->funcs--;
			g->loops = loops;
		}
		g->nnames = save;
		break;
	}
	case 12: {
		int save = g->nnames;
		sb_printf(g->out, "let v%d = 0; while (v%d++ < 2) ", id, id);
		push_name(g, id);
		save = g->nnames;
		g->loops++;
		body(g);
		g->loops--;
		g->nnames = save;
		break;
	}
	case 13:
		if (g->loops) sb_puts(g->out, byte(g) & 1 ? "if (fns.length > 9) break;\n" : "if (fns.length > 9) continue;\n");
		else sb_puts(g->out, ";\n");
		break;
	case 14:
		if (g->funcs) { sb_puts(g->out, "if (fns.length > 7) return "); expr(g); sb_puts(g->out, ";\n"); }
		else sb_puts(g->out, ";\n");
		break;
	case 15:
		sb_puts(g->out, "try ");
		body(g);
		sb_printf(g->out, "catch (v%d) { fns.push(() => v%d); }\n", id, id);
		break;
	case 16:
		sb_puts(g->out, "fns.push(...[");
		expr(g);
		sb_puts(g->out, ", ");
		expr(g);
		sb_puts(g->out, "]);\n");
		break;
	case 17: {
		int save = g->nnames, j = fresh(g);
		sb_printf(g->out, "l%d: for (let v%d of [1, 2]) { for (let v%d = 0; v%d < 2; v%d++) {\n", id, id, j, j, j);
		push_name(g, id);
		push_name(g, j);
		g->loops++;
		sb_printf(g->out, "fns.push(() => v%d + v%d); if (v%d) continue;\n", id, j, j);
		stmts(g, 1);
		g->loops--;
		sb_puts(g->out, "} }\n");
		g->nnames = save;
		break;
	}
	case 18:
		sb_printf(g->out, "let v%d = `a\n${", id);
		expr(g);
		sb_puts(g->out, "}\nb`;\n");
		push_name(g, id);
		break;
	default:
		sb_puts(g->out, "fns.push(");
		expr(g);
		sb_puts(g->out, ");\n");
		break;
	}
	g->depth--;
}

static void stmts(gen *g, int count)
{
	for (int k = 0; k < count && more(g); k++) stmt(g);
}

static int count_lines(const char *s, size_t n)
{
	int lines = 1;
	for (size_t k = 0; k < n; k++) lines += s[k] == '\n';
	return lines;
}

static void quiet(js_State *J, const char *message) { (void)J; (void)message; }

static void check_generated(const uint8_t *data, size_t size)
{
	sbuf src = SBUF_INIT, out = SBUF_INIT;
	gen g;
	jsl_error e;
	memset(&g, 0, sizeof g);
	if (size < 2) return;
	/* the first byte says how many times the rest is read (fresh names
	 * each time): short inputs make programs of many functions */
	g.d = data + 1;
	g.n = size - 1;
	g.end = g.n * (1 + data[0] % 64);
	g.out = &src;
	sb_puts(&src, "var fns = [];\n");
	while (more(&g)) stmt(&g);
	if (jsl_lower(sb_str(&src), src.len, &out, &e) == 0) {
		js_State *J;
		if (count_lines(sb_str(&out), out.len) != count_lines(sb_str(&src), src.len)) {
			fprintf(stderr, "lowering changed the line count\n--- source:\n%s\n--- lowered:\n%s\n",
				sb_str(&src), sb_str(&out));
			abort();
		}
		/* the compile oracle costs most of a run: not in the smoke run */
		J = smoke ? NULL : js_newstate(NULL, NULL, 0);
		if (J) {
			js_setreport(J, quiet);
			/* MuJS's own nesting limit is a refusal, not a wrong lowering */
			if (js_ploadstring(J, "gen", sb_str(&out)) &&
				!strstr(js_trystring(J, -1, ""), "too much recursion")) {
				fprintf(stderr, "MuJS refuses the lowering: %s\n--- source:\n%s\n--- lowered:\n%s\n",
					js_trystring(J, -1, "?"), sb_str(&src), sb_str(&out));
				abort();
			}
			js_freestate(J);
		}
	}
	sb_free(&out);
	sb_free(&src);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc; (void)argv;
	if (getenv("FUZZ_SMOKE")) { gen_max_out = 1024; smoke = 1; }
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *src = malloc(size + 1);
	memcpy(src, data, size);
	src[size] = 0;
	jsc_result r;
	jsc_check(src, size, 1 << 20, &r);
	jsc_free(&r);
	sbuf out = SBUF_INIT;
	jsl_error e;
	jsl_lower(src, size, &out, &e);
	sb_free(&out);
	free(src);
	check_generated(data, size);
	return 0;
}
