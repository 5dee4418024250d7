/* jscheck: validation of vibe code before save and publish: size, syntax
 * and subset (via jslower), the entry point and its parameter names, and
 * forbidden features. Static checks cannot see computed names
 * (o["constr" + "uctor"]); the render sandbox (DESIGN §7) is what actually
 * confines code. */
#include "jscheck.h"
#include "jslower.h"
#include "jstok.h"
#include "vref.h"
#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int jsc_is_input(const char *name)
{
	return vref_is_input(name);
}

static void add(jsc_list *l, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add(jsc_list *l, int line, int col, const char *fmt, ...)
{
	va_list ap;
	jsc_issue *it;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 8;
		l->v = xrealloc(l->v, (size_t)l->cap * sizeof *l->v);
	}
	it = &l->v[l->n++];
	it->line = line;
	it->column = col;
	va_start(ap, fmt);
	vsnprintf(it->message, sizeof it->message, fmt, ap);
	va_end(ap);
}

void jsc_free(jsc_result *r)
{
	free(r->errors.v);
	free(r->warnings.v);
	free(r->security.v);
	memset(r, 0, sizeof *r);
}

typedef struct {
	int name, open, close, body_open, body_close;
} fdecl;

/* Index just past the bracket or template opened at i. */
static int skip_group(const jst_list *l, int i)
{
	const jst_token *t = l->t;
	if (t[i].type == JST_TPL_HEAD) {
		while (t[i].type != JST_TPL_TAIL) i = t[i].match;
		return i + 1;
	}
	if (t[i].type == JST_PUNCT && (t[i].op == '(' || t[i].op == '[' || t[i].op == '{'))
		return t[i].match + 1;
	return i + 1;
}

/* Top-level function declarations: 'function' NAME '(' at depth 0 where a
 * statement may start. */
static int find_functions(const jst_list *l, fdecl **out)
{
	const jst_token *t = l->t;
	int n = 0, cap = 0, prev = -1;
	fdecl *v = NULL;
	for (int i = 0; t[i].type != JST_EOF;) {
		if (t[i].type == JST_NAME && t[i].op == JSK_FUNCTION &&
			(prev < 0 || jst_punct(l, prev, ';') || jst_punct(l, prev, '}')) &&
			t[i + 1].type == JST_NAME && jst_punct(l, i + 2, '(') &&
			jst_punct(l, t[i + 2].match + 1, '{')) {
			fdecl d;
			d.name = i + 1;
			d.open = i + 2;
			d.close = t[i + 2].match;
			d.body_open = d.close + 1;
			d.body_close = t[d.body_open].match;
			if (n == cap) { cap = cap ? cap * 2 : 8; v = xrealloc(v, (size_t)cap * sizeof *v); }
			v[n++] = d;
			prev = d.body_close;
			i = d.body_close + 1;
			continue;
		}
		prev = i;
		if (t[i].type == JST_TPL_HEAD) prev = skip_group(l, i) - 1;
		else if (t[i].type == JST_PUNCT && (t[i].op == '(' || t[i].op == '[' || t[i].op == '{'))
			prev = t[i].match;
		i = prev + 1;
	}
	*out = v;
	return n;
}

static void copy_name(const jst_list *l, int i, char *dst)
{
	size_t n = jst_len(l, i);
	if (n >= JSC_NAME_MAX) n = JSC_NAME_MAX - 1;
	memcpy(dst, l->src + l->t[i].pos, n);
	dst[n] = 0;
}

static void check_params(const jst_list *l, const fdecl *d, jsc_result *r)
{
	const jst_token *t = l->t;
	int i = d->open + 1;
	while (i < d->close) {
		char name[JSC_NAME_MAX];
		int rest = 0;
		if (jst_punct(l, i, JSP_ELLIPSIS)) { rest = 1; i++; }
		if (t[i].type != JST_NAME) {
			add(&r->errors, t[i].line, t[i].col, "parameters must be plain names (one of the inputs)");
			return;
		}
		copy_name(l, i, name);
		if (rest)
			add(&r->errors, t[i].line, t[i].col, "rest parameter '...%s' cannot be an input", name);
		else if (!jsc_is_input(name))
			add(&r->errors, t[i].line, t[i].col, "unknown parameter '%s'; known inputs: %s", name, vref_input_list());
		for (int k = 0; k < r->nparams; k++)
			if (strcmp(r->params[k], name) == 0)
				add(&r->errors, t[i].line, t[i].col, "duplicate parameter '%s'", name);
		if (r->nparams < JSC_MAX_PARAMS) strcpy(r->params[r->nparams++], name);
		else {
			add(&r->errors, t[i].line, t[i].col, "too many parameters");
			return;
		}
		i++;
		/* skip a default value to the next comma at this depth */
		while (i < d->close && !jst_punct(l, i, ',')) i = skip_group(l, i);
		if (jst_punct(l, i, ',')) i++;
	}
}

static int has_return(const jst_list *l, const fdecl *d)
{
	for (int i = d->body_open + 1; i < d->body_close; i++)
		if (l->t[i].type == JST_NAME && l->t[i].op == JSK_RETURN) return 1;
	return 0;
}

static void find_entry(const jst_list *l, jsc_result *r)
{
	fdecl *fn = NULL;
	int n = find_functions(l, &fn), pick = -1, nrender = 0;
	if (n == 1) pick = 0;
	for (int k = 0; k < n && n > 1; k++) {
		if (jst_len(l, fn[k].name) >= 6 && memcmp(l->src + l->t[fn[k].name].pos, "render", 6) == 0) {
			nrender++;
			pick = k;
		}
	}
	if (n == 0) {
		add(&r->errors, 1, 1, "no entry point: define a top-level function (e.g. function render(products, helpers) {...})");
	} else if (pick < 0 || nrender > 1) {
		sbuf b = SBUF_INIT;
		for (int k = 0; k < n; k++) {
			char nm[JSC_NAME_MAX];
			copy_name(l, fn[k].name, nm);
			sb_printf(&b, "%s%s", k ? ", " : "", nm);
		}
		add(&r->errors, l->t[fn[0].name].line, l->t[fn[0].name].col,
			nrender > 1 ? "ambiguous entry point: more than one top-level function is named render* (%s)"
			: "ambiguous entry point: several top-level functions (%s) and none named render*",
			sb_str(&b));
		sb_free(&b);
		pick = -1;
	}
	if (pick >= 0) {
		const fdecl *d = &fn[pick];
		copy_name(l, d->name, r->entry);
		r->entry_line = l->t[d->name].line;
		r->entry_column = l->t[d->name].col;
		check_params(l, d, r);
		if (!has_return(l, d))
			add(&r->warnings, r->entry_line, r->entry_column,
				"'%s' has no return statement; it must return an HTML string", r->entry);
	}
	free(fn);
}

static int is_key(const jst_list *l, int i)
{
	return jst_punct(l, i + 1, ':') && (jst_punct(l, i - 1, '{') || jst_punct(l, i - 1, ','));
}

static int str_is(const jst_list *l, int i, const char *word)
{
	size_t n = strlen(word);
	const jst_token *t = &l->t[i];
	if (t->type != JST_STR && t->type != JST_TPL_FULL) return 0;
	return jst_len(l, i) == n + 2 && memcmp(l->src + t->pos + 1, word, n) == 0;
}

static void scan_forbidden(const jst_list *l, jsc_result *r)
{
	const jst_token *t = l->t;
	for (int i = 0; t[i].type != JST_EOF; i++) {
		int after_dot = i > 0 && jst_punct(l, i - 1, '.');
		int line = t[i].line, col = t[i].col;
		if (t[i].type == JST_NAME && jst_is(l, i, "__proto__")) {
			add(&r->security, line, col, "__proto__ is not allowed");
			continue;
		}
		if (str_is(l, i, "__proto__")) {
			add(&r->security, line, col, "\"__proto__\" is not allowed");
			continue;
		}
		if (jst_punct(l, i, '[') && str_is(l, i + 1, "constructor") && jst_punct(l, i + 2, ']')) {
			add(&r->security, line, col, "[\"constructor\"] access is not allowed");
			continue;
		}
		if (t[i].type != JST_NAME) continue;
		/* MuJS decodes \uXXXX in names: ev\u0061l would be eval to it and
		 * a plain name to every check here. */
		if (memchr(l->src + t[i].pos, '\\', jst_len(l, i))) {
			add(&r->security, line, col, "escaped names (\\uXXXX in an identifier) are not allowed");
			continue;
		}
		if (t[i].op == JSK_DEBUGGER) {
			add(&r->security, line, col, "debugger statements are not allowed");
			continue;
		}
		if (after_dot) {
			if (jst_is(l, i, "constructor"))
				add(&r->security, line, col, ".constructor access is not allowed");
			else if ((jst_is(l, i, "callee") || jst_is(l, i, "caller")) && i >= 2 && jst_is(l, i - 2, "arguments"))
				add(&r->security, t[i - 2].line, t[i - 2].col, "arguments.%s is not allowed",
					jst_is(l, i, "callee") ? "callee" : "caller");
			continue;
		}
		if (is_key(l, i)) continue;
		if (t[i].op == JSK_IMPORT) add(&r->security, line, col, "import is not allowed");
		else if (t[i].op == JSK_EXPORT) add(&r->security, line, col, "export is not allowed");
		else if (t[i].op == JSK_WITH) add(&r->security, line, col, "with statements are not allowed");
		else if (jst_is(l, i, "require")) add(&r->security, line, col, "require is not allowed");
		else if (jst_is(l, i, "eval")) add(&r->security, line, col, "eval is not allowed");
		else if (jst_is(l, i, "Function")) add(&r->security, line, col, "the Function constructor is not allowed");
		else if (jst_is(l, i, "setTimeout") || jst_is(l, i, "setInterval")) {
			int arg = i + 2;
			char nm[16];
			copy_name(l, i, nm);
			if (jst_punct(l, i + 1, '(') && (t[arg].type == JST_STR || t[arg].type == JST_TPL_FULL ||
				t[arg].type == JST_TPL_HEAD))
				add(&r->security, line, col, "%s with a string (code) is not allowed", nm);
			else
				add(&r->warnings, line, col, "%s is not available: a render runs once on the server", nm);
		} else if (jst_is(l, i, "document") || jst_is(l, i, "window")) {
			char nm[16];
			copy_name(l, i, nm);
			add(&r->warnings, line, col, "'%s' is not available: vibe code returns HTML, there is no DOM", nm);
		} else if (jst_is(l, i, "fetch") || jst_is(l, i, "XMLHttpRequest")) {
			add(&r->warnings, line, col, "no network access: use the api parameter");
		}
	}
}

int jsc_unsafe_es5(const char *src, size_t len, jsc_issue *why)
{
	/* Most code has none of these bytes: no tokenizing then. */
	if (!memmem(src, len, "eval", 4) && !memmem(src, len, "debugger", 8) && !memmem(src, len, "\\u", 2))
		return 0;
	jst_list l;
	jst_error err;
	if (jst_tokenize(src, len, &l, &err)) return 0;   /* MuJS reports the syntax error */
	const char *bad = NULL;
	int i = 0;
	for (; l.t[i].type != JST_EOF && !bad; i++) {
		const jst_token *t = &l.t[i];
		if (t->type != JST_NAME) continue;
		if (memchr(src + t->pos, '\\', jst_len(&l, i))) bad = "escaped names are not allowed";
		else if (t->op == JSK_DEBUGGER) bad = "debugger statements are not allowed";
		else if (jst_is(&l, i, "eval") && !(i > 0 && jst_punct(&l, i - 1, '.')) && !(i > 0 && is_key(&l, i)))
			bad = "eval is not allowed";
	}
	if (bad) {
		why->line = l.t[i - 1].line;
		why->column = l.t[i - 1].col;
		snprintf(why->message, sizeof why->message, "%s", bad);
	}
	jst_free(&l);
	return bad ? -1 : 0;
}

int jsc_check(const char *src, size_t len, size_t max_bytes, jsc_result *r)
{
	jst_list l;
	jst_error err;
	memset(r, 0, sizeof *r);
	if (max_bytes && len > max_bytes) {
		add(&r->errors, 1, 1, "code is %zu bytes; the limit is %zu", len, max_bytes);
		return -1;
	}
	if (jst_tokenize(src, len, &l, &err)) {
		add(&r->errors, err.line, err.column, "%s", err.message);
		return -1;
	}
	{
		sbuf out = SBUF_INIT;
		if (jsl_lower(src, len, &out, &err))
			add(&r->errors, err.line, err.column, "%s", err.message);
		sb_free(&out);
	}
	find_entry(&l, r);
	scan_forbidden(&l, r);
	jst_free(&l);
	r->valid = r->errors.n == 0 && r->security.n == 0;
	return r->valid ? 0 : -1;
}
