/* jslower: ES2015-subset to ES5 lowering: a parser over jstok's tokens
 * that records per-token edits, a scope analysis, and a line-keeping
 * emitter. */
#include "jslower.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* How it works. The recursive-descent parser (depth capped at
 * JSL_MAX_DEPTH; errors longjmp out, all memory hangs off P) never builds
 * a tree: it attaches edits to tokens - text before, instead of, after, or
 * a range of tokens moved elsewhere (default values go into the body).
 * Constructs add their edits when complete, so an outer construct's "before"
 * text is prepended and its "after" text appended to an inner one's. It
 * also records scopes, bindings, references, loops, and jumps. The analysis
 * then resolves names, renames block-scoped bindings that would clash once
 * they are var, wraps the bodies of loops whose closures capture
 * per-iteration bindings in an IIFE (break/continue/return passed out as a
 * result), and points this/arguments inside arrows at variables captured in
 * the nearest ordinary function. The emitter walks the tokens once; before
 * each token it writes line breaks up to that token's line, so nothing moves
 * between lines and MuJS's line numbers are the merchant's. Generated names
 * start with "$$" (more dollars if the source uses such names). */

/* Template literal arguments per "".concat(...) call; MuJS's value stack
 * overflows with a few hundred, and a '+' chain nests its AST. */
#define TPL_GROUP 32

/* ------------------------------------------------------------------ */
/* Records                                                             */

enum { ED_TEXT, ED_RANGE, ED_TOKTEXT };
typedef struct {
	int next, kind;
	int a, b;         /* text: offset/len in P.text; range: id; toktext: token */
} edit;

typedef struct {
	int pre, rep, post, post_tail, rep_tail;
	int moved;        /* id of the moved range holding it, 0 if none */
	uint8_t drop;     /* rep list replaces the text (maybe with nothing) */
	uint8_t shorthand; /* {name} property */
	uint8_t captured;  /* this/arguments read through the captured variable */
} tokx;

typedef struct { int a, b, owner; } range;  /* owner: function of a default value, 0 if none */

enum { SC_PROGRAM, SC_FUNC, SC_ARROW, SC_BLOCK };
typedef struct {
	int parent, func, kind;
	int loop;         /* innermost loop of the same function around it */
	int outer_loop;   /* function scopes: the loop around the function */
	int first_tok;    /* function scopes: first token of the function */
	int body_tok;     /* function scopes: prologue goes after this token */
	int params, params_tail, temps;
	int dup_param;    /* function scopes: a repeated parameter name, -1 if none */
	uint8_t needs_this, needs_args;
	uint8_t unique_params; /* arrows and methods: no repeated names */
	uint8_t nonsimple;     /* defaults or a rest parameter */
	uint8_t accessor;      /* 1 getter, 2 setter */
} scope;

enum { B_VAR, B_FUNC, B_PARAM, B_FNAME, B_CATCH, B_LET, B_CONST };
enum { BF_CAPTURED = 1, BF_RENAMED = 2, BF_TDZ = 4 };
typedef struct {
	int scope, tok, kind, flags;
	int next_in_func; /* same function and name */
	int next_head;    /* next binding of the same for-loop head */
	int newname;      /* offset in P.text, -1 if none */
	int init_end;     /* let/const: last token before it is initialized */
} binding;

/* every var/function declaration, with the loop around it */
typedef struct { int tok, loop, func, kind; } decl;

enum { RF_WRITE = 1, RF_SHORTHAND = 2 };
typedef struct { int tok, scope, loop, flags, binding; } ref;

typedef struct { int tok, scope, loop, is_args, ref; } thisref;

enum { L_FOR, L_FORIN, L_FOROF, L_WHILE, L_DO };
typedef struct {
	int kind, parent, func, head_scope;
	int head_a, head_b, body_a, body_b;
	int wrap, has_break, has_return;
	int of_id, of_binding, of_range;  /* for-of: temp id, declaration or moved target */
	int in_binding, in_ref;   /* for-in target: a declaration or a name */
	int heads;                /* bindings of the head scope (list) */
} loop;

enum { C_BREAK, C_CONTINUE, C_RETURN };
typedef struct {
	int tok, kind, func, loop, label_tok;
	int target_loop, target_stmt_loop, to_stmt;
	int expr_a, expr_b;
} ctl;

typedef struct { int tok, range, rest, index, next, late; } param;
typedef struct { int id, next; } temp;

enum { BK_LOOP, BK_SWITCH, BK_LABEL };
typedef struct { int kind, loop, label_tok, encl_loop; } breakable;

/* expression summary */
enum { X_OTHER, X_IDENT, X_MEMBER, X_CALL, X_ARRAY, X_OBJECT, X_SEQ, X_THIS, X_ARROW, X_PAREN };
typedef struct { int kind, first, last, ref, obj_first, obj_last; } ex;

typedef struct { int first, last, spread, comma; } elem;
typedef struct { int tok; ex sub; } tplpart;

/* open-addressing hash over (tag, id, name) */
/* H_VAR: a var name declared in or below a block scope (hoisted through
 * it); H_LEXFN: a function declared directly in a block */
enum { H_SCOPE, H_FUNC, H_OUT, H_IDENT, H_DONE, H_VAR, H_LEXFN };
typedef struct { uint32_t hash, len; int tag, id, val; const char *s; } hent;

#define VEC(T, name) T *name; int n_##name, cap_##name
#define PUSH(P, name, val) do { \
	if ((P)->n_##name == (P)->cap_##name) { \
		(P)->cap_##name = (P)->cap_##name ? (P)->cap_##name * 2 : 64; \
		(P)->name = xrealloc((P)->name, (size_t)(P)->cap_##name * sizeof *(P)->name); \
	} \
	(P)->name[(P)->n_##name++] = (val); } while (0)

typedef struct P {
	jst_list L;
	const jst_token *t;
	const char *src;
	int n, i, depth;
	jmp_buf jb;
	jsl_error *err;
	tokx *x;
	sbuf text;
	VEC(edit, ed);
	VEC(range, rg);
	VEC(scope, sc);
	VEC(binding, bd);
	VEC(decl, dc);
	VEC(ref, rf);
	VEC(thisref, tr);
	VEC(loop, lp);
	VEC(ctl, ct);
	VEC(param, pm);
	VEC(temp, tm);
	VEC(breakable, bk);
	VEC(elem, es);      /* stack of list elements being parsed */
	VEC(tplpart, tps);  /* stack of template parts being parsed */
	void *tmp1, *tmp2;  /* freed on error */
	hent *h;
	uint32_t hcap, hn;
	int cur_scope, cur_loop, bk_base, pending_labels;
	int uniq;
	char pfx[16];     /* prefix of generated names, "$$" unless taken */
} P;

/* ------------------------------------------------------------------ */
/* Errors                                                              */

__attribute__((noreturn, format(printf, 3, 4)))
static void perr(P *p, int tok, const char *fmt, ...)
{
	va_list ap;
	char msg[256];
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (tok < 0) tok = 0;
	if (tok >= p->n) tok = p->n - 1;
	jst_seterr(p->err, p->t[tok].line, p->t[tok].col, "%s", msg);
	longjmp(p->jb, 1);
}

static void tokdesc(P *p, int i, char *buf, size_t size)
{
	size_t n = jst_len(&p->L, i);
	if (p->t[i].type == JST_EOF) { snprintf(buf, size, "end of input"); return; }
	if (n > 40) n = 40;
	snprintf(buf, size, "'%.*s'", (int)n, p->src + p->t[i].pos);
}

__attribute__((noreturn))
static void unexpected(P *p, int i)
{
	char d[64];
	tokdesc(p, i, d, sizeof d);
	perr(p, i, "unexpected %s", d);
}

__attribute__((noreturn))
static void unsupported(P *p, int i, const char *what)
{
	perr(p, i, "%s not supported (vibe code is ES5 plus a small ES2015 subset)", what);
}

static void enter(P *p)
{
	if (++p->depth > JSL_MAX_DEPTH) perr(p, p->i, "nesting too deep (more than %d levels)", JSL_MAX_DEPTH);
}
static void leave(P *p) { p->depth--; }

/* ------------------------------------------------------------------ */
/* Hash                                                                */

static uint32_t hname(int tag, int id, const char *s, size_t n)
{
	uint32_t h = 2166136261u ^ (uint32_t)tag * 16777619u ^ (uint32_t)id * 2654435761u;
	for (size_t k = 0; k < n; k++) h = (h ^ (unsigned char)s[k]) * 16777619u;
	return h ? h : 1;
}

/* The entry for (tag, id, name), or NULL; create: add it if missing. A
 * create may grow the table, which moves every entry: no hent pointer may
 * be kept across a call with create set. */
static hent *hfind(P *p, int tag, int id, const char *s, size_t n, int create)
{
	uint32_t h = hname(tag, id, s, n), m, k;
	if (create && (p->hn + 1) * 2 > p->hcap) {
		uint32_t oc = p->hcap, nc = oc ? oc * 2 : 1024;
		hent *old = p->h;
		p->h = xcalloc(nc, sizeof *p->h);
		p->hcap = nc;
		for (k = 0; k < oc; k++) {
			if (!old[k].hash) continue;
			uint32_t j = old[k].hash & (nc - 1);
			while (p->h[j].hash) j = (j + 1) & (nc - 1);
			p->h[j] = old[k];
		}
		free(old);
	}
	if (!p->hcap) return NULL;
	m = p->hcap - 1;
	for (k = h & m; p->h[k].hash; k = (k + 1) & m) {
		hent *e = &p->h[k];
		if (e->hash == h && e->tag == tag && e->id == id && e->len == n && memcmp(e->s, s, n) == 0)
			return e;
	}
	if (!create) return NULL;
	p->h[k].hash = h;
	p->h[k].tag = tag;
	p->h[k].id = id;
	p->h[k].s = s;
	p->h[k].len = (uint32_t)n;
	p->h[k].val = -1;
	p->hn++;
	return &p->h[k];
}

static const char *tname(P *p, int tok) { return p->src + p->t[tok].pos; }
static size_t tlen(P *p, int tok) { return p->t[tok].end - p->t[tok].pos; }

/* ------------------------------------------------------------------ */
/* Edits                                                               */

static int text_add(P *p, const char *s, size_t n)
{
	int off = (int)p->text.len;
	uintptr_t a = (uintptr_t)s, base = (uintptr_t)p->text.s;
	if (p->text.s && a >= base && a < base + p->text.cap) {
		/* s is text already here (a renamed binding): growing the buffer
		 * may move it, so grow first and copy from where it is now. */
		size_t at = (size_t)(a - base);
		sb_grow(&p->text, n);
		s = p->text.s + at;
	}
	sb_put(&p->text, s, n);
	return off;
}

static int new_edit(P *p, int kind, int a, int b)
{
	edit e = { -1, kind, a, b };
	PUSH(p, ed, e);
	return p->n_ed - 1;
}

static int text_edit(P *p, const char *s)
{
	size_t n = strlen(s);
	return new_edit(p, ED_TEXT, text_add(p, s, n), (int)n);
}

/* Edits added when a construct is complete: outer constructs complete
 * after inner ones, so "before" text is prepended and "after" appended. */
static void pre_e(P *p, int tok, int e) { p->ed[e].next = p->x[tok].pre; p->x[tok].pre = e; }
static void post_e(P *p, int tok, int e)
{
	tokx *x = &p->x[tok];
	if (x->post < 0) x->post = e; else p->ed[x->post_tail].next = e;
	x->post_tail = e;
}
static void rep_e(P *p, int tok, int e)
{
	tokx *x = &p->x[tok];
	x->drop = 1;
	if (e < 0) return;
	if (x->rep < 0) x->rep = e; else p->ed[x->rep_tail].next = e;
	x->rep_tail = e;
}
static void pre(P *p, int tok, const char *s) { pre_e(p, tok, text_edit(p, s)); }
static void post(P *p, int tok, const char *s) { post_e(p, tok, text_edit(p, s)); }
static void rep(P *p, int tok, const char *s) { rep_e(p, tok, *s ? text_edit(p, s) : -1); }
static void drop(P *p, int tok) { p->x[tok].drop = 1; p->x[tok].rep = -1; }

static void postf(P *p, int tok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void postf(P *p, int tok, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	post(p, tok, buf);
}

static void pref(P *p, int tok, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void pref(P *p, int tok, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	pre(p, tok, buf);
}

/* Marks tokens a..b as moved; they are emitted where an ED_RANGE edit
 * naming the returned id sits. Inner ranges are registered first. */
static int add_range(P *p, int a, int b)
{
	range r = { a, b, 0 };
	PUSH(p, rg, r);
	for (int k = a; k <= b; k++)
		if (!p->x[k].moved) p->x[k].moved = p->n_rg;
	return p->n_rg;
}

/* ------------------------------------------------------------------ */
/* Scopes and names                                                    */

static int new_scope(P *p, int kind)
{
	scope s;
	memset(&s, 0, sizeof s);
	s.parent = p->cur_scope;
	s.kind = kind;
	s.loop = kind == SC_BLOCK ? p->cur_loop : -1;
	s.outer_loop = p->cur_loop;
	s.func = (kind == SC_BLOCK && p->cur_scope >= 0) ? p->sc[p->cur_scope].func : p->n_sc;
	s.first_tok = p->i;
	s.body_tok = -1;
	s.params = s.params_tail = s.temps = -1;
	s.dup_param = -1;
	PUSH(p, sc, s);
	return p->n_sc - 1;
}

static int func_of(P *p, int s) { return p->sc[s].func; }

static int is_blockscoped(int kind) { return kind == B_LET || kind == B_CONST; }

static int declare(P *p, int tok, int kind)
{
	int s = is_blockscoped(kind) || kind == B_CATCH ? p->cur_scope : func_of(p, p->cur_scope);
	const char *nm = tname(p, tok);
	size_t n = tlen(p, tok);
	hent *e;
	binding b;
	if (p->t[tok].type != JST_NAME || (p->t[tok].op > JSK_NONE && p->t[tok].op < JSK_RESERVED_END))
		unexpected(p, tok);
	if (kind == B_FNAME) s = p->cur_scope;
	if (is_blockscoped(kind) && p->t[tok].op == JSK_LET)
		perr(p, tok, "'let' cannot be the name of a let or const declaration");
	if (kind == B_VAR || kind == B_FUNC) {
		decl d = { tok, p->cur_loop, func_of(p, s), kind };
		PUSH(p, dc, d);
	}
	/* early errors: a var (or a function declared in a block) may not share
	 * a name with a let/const of a block it is hoisted through, nor a
	 * block's function with its let/const */
	if (kind == B_VAR || (kind == B_FUNC && p->cur_scope != s)) {
		int top = kind == B_VAR ? s : p->cur_scope;
		for (int sc = p->cur_scope; sc >= 0; sc = p->sc[sc].parent) {
			hent *o = hfind(p, H_SCOPE, sc, nm, n, 0);
			if ((o && o->val >= 0 && is_blockscoped(p->bd[o->val].kind)) ||
				(sc != s && hfind(p, H_LEXFN, sc, nm, n, 0)) ||
				(kind == B_FUNC && hfind(p, H_VAR, sc, nm, n, 0)))
				perr(p, tok, "redeclaration of '%.*s'", (int)n, nm);
			if (sc == top) break;
		}
		if (kind == B_FUNC) hfind(p, H_LEXFN, p->cur_scope, nm, n, 1)->val = 1;
		else for (int sc = p->cur_scope; sc >= 0 && sc != s; sc = p->sc[sc].parent)
			hfind(p, H_VAR, sc, nm, n, 1)->val = 1;
	}
	if (is_blockscoped(kind) && (hfind(p, H_VAR, s, nm, n, 0) || hfind(p, H_LEXFN, s, nm, n, 0)))
		perr(p, tok, "redeclaration of '%.*s'", (int)n, nm);
	e = hfind(p, H_SCOPE, s, nm, n, 1);
	if (e->val >= 0) {
		binding *o = &p->bd[e->val];
		if (is_blockscoped(kind) || is_blockscoped(o->kind))
			perr(p, tok, "redeclaration of '%.*s'", (int)n, nm);
		return e->val;
	}
	b.scope = s;
	b.tok = tok;
	b.kind = kind;
	b.flags = 0;
	b.newname = -1;
	b.next_head = -1;
	b.init_end = tok;
	e->val = p->n_bd;
	e = hfind(p, H_FUNC, func_of(p, s), nm, n, 1);
	b.next_in_func = e->val;
	e->val = p->n_bd;
	PUSH(p, bd, b);
	return p->n_bd - 1;
}

static int add_ref(P *p, int tok, int flags)
{
	ref r = { tok, p->cur_scope, p->cur_loop, flags, -1 };
	PUSH(p, rf, r);
	return p->n_rf - 1;
}

static int fresh_id(P *p) { return ++p->uniq; }

/* ------------------------------------------------------------------ */
/* Token helpers                                                       */

static int is_p(P *p, int i, int op) { return p->t[i].type == JST_PUNCT && p->t[i].op == op; }
static int at_p(P *p, int op) { return is_p(p, p->i, op); }
static int is_k(P *p, int i, int kw) { return p->t[i].type == JST_NAME && p->t[i].op == kw; }
static int at_k(P *p, int kw) { return is_k(p, p->i, kw); }
static int next(P *p) { int i = p->i; if (p->t[i].type != JST_EOF) p->i++; return i; }

static int expect_p(P *p, int op)
{
	if (!at_p(p, op)) unexpected(p, p->i);
	return next(p);
}

static int is_ident(P *p, int i)
{
	return p->t[i].type == JST_NAME && !(p->t[i].op > JSK_NONE && p->t[i].op < JSK_RESERVED_END);
}

static void semicolon(P *p)
{
	if (at_p(p, ';')) { next(p); return; }
	if (at_p(p, '}') || p->t[p->i].type == JST_EOF || p->t[p->i].nl_before) return;
	unexpected(p, p->i);
}

/* Reports ES2015+ punctuators outside the subset. */
static void check_future_punct(P *p, int i)
{
	if (p->t[i].type != JST_PUNCT) return;
	switch (p->t[i].op) {
	case JSP_EXP: case JSP_EXP_SET: unsupported(p, i, "exponent operator '**' is");
	case JSP_OPTCHAIN: unsupported(p, i, "optional chaining '?.' is");
	case JSP_NULLISH: case JSP_NULLISH_SET: unsupported(p, i, "nullish coalescing '?\?' is");
	case JSP_LAND_SET: case JSP_LOR_SET: unsupported(p, i, "logical assignment ('&&=', '||=') is");
	case '#': unsupported(p, i, "private names ('#x') are");
	case '@': unsupported(p, i, "decorators are");
	default: break;
	}
}

/* ------------------------------------------------------------------ */
/* Parser                                                              */

static ex parse_assign(P *p, int noin);
static ex parse_expr(P *p, int noin);
static void parse_statement(P *p, int in_list);
static void parse_function_rest(P *p, int fs, int name_tok);
static ex parse_lhs(P *p);

static ex mkex(int kind, int first, int last)
{
	ex e = { kind, first, last, -1, -1, -1 };
	return e;
}

/* A string literal token: converts \u{...} escapes, which ES5 lacks. */
static void fix_string(P *p, int tok)
{
	const char *s = tname(p, tok);
	size_t n = tlen(p, tok);
	sbuf b = SBUF_INIT;
	if (!memmem(s, n, "\\u{", 3)) return;
	for (size_t k = 0; k < n; k++) {
		if (s[k] == '\\' && k + 1 < n && s[k + 1] != 'u') {
			sb_put(&b, s + k, 2);
			k++;
		} else if (s[k] == '\\' && k + 2 < n && s[k + 1] == 'u' && s[k + 2] == '{') {
			unsigned long cp = strtoul(s + k + 3, NULL, 16);
			const char *close = memchr(s + k, '}', n - k);
			if (!close || cp > 0x10FFFF) { sb_free(&b); perr(p, tok, "malformed \\u{...} escape"); }
			if (cp < 0x10000) sb_printf(&b, "\\u%04lx", cp);
			else {
				sb_putc(&b, (int)(0xF0 | (cp >> 18)));
				sb_putc(&b, (int)(0x80 | ((cp >> 12) & 0x3F)));
				sb_putc(&b, (int)(0x80 | ((cp >> 6) & 0x3F)));
				sb_putc(&b, (int)(0x80 | (cp & 0x3F)));
			}
			k = (size_t)(close - s);
		} else sb_putc(&b, s[k]);
	}
	rep(p, tok, sb_str(&b));
	sb_free(&b);
}

/* A name with \u{...} escapes: as \uXXXX escapes, which ES5 has (the
 * tokenizer accepted only well-formed ones). Code points beyond the BMP
 * cannot be in an ES5 name: refused. */
static void fix_name(P *p, int tok)
{
	const char *s = tname(p, tok);
	size_t n = tlen(p, tok);
	sbuf b = SBUF_INIT;
	if (!memmem(s, n, "\\u{", 3)) return;
	for (size_t k = 0; k < n; k++) {
		if (s[k] == '\\' && k + 2 < n && s[k + 1] == 'u' && s[k + 2] == '{') {
			char *end;
			unsigned long cp = strtoul(s + k + 3, &end, 16);
			if (cp > 0xFFFF) { sb_free(&b); perr(p, tok, "\\u{...} beyond U+FFFF in a name not supported"); }
			sb_printf(&b, "\\u%04lx", cp);
			k = (size_t)(end - s);
		} else sb_putc(&b, s[k]);
	}
	rep(p, tok, sb_str(&b));
	sb_free(&b);
}

/* 0b101, 0o17 (ES2015) and legacy 017 (which MuJS refuses) to decimal. */
static void fix_number(P *p, int tok)
{
	const char *s = tname(p, tok);
	size_t n = tlen(p, tok);
	int legacy = n > 1 && s[0] == '0' && s[1] >= '0' && s[1] <= '9' && !memchr(s, '.', n) &&
		!memchr(s, 'e', n) && !memchr(s, 'E', n);
	if (legacy || (n > 2 && s[0] == '0' && strchr("bBoO", s[1]))) {
		int base = legacy ? (strspn(s, "01234567") == n ? 8 : 10) : (s[1] == 'b' || s[1] == 'B') ? 2 : 8;
		double v = 0;
		char buf[64];
		for (size_t k = legacy ? 1 : 2; k < n; k++) {
			int d = s[k] - '0';
			if (d < 0 || d >= base) perr(p, tok, "malformed number literal");
			v = v * base + d;
		}
		snprintf(buf, sizeof buf, v < 9007199254740992.0 ? "%.0f" : "%.17g", v);
		rep(p, tok, buf);
	}
}

/* -- templates -- */

typedef struct {
	sbuf *b;
	int nargs, total, wrap, nl;
} tplb;

static void tpl_flush(tplb *tb)
{
	for (; tb->nl > 0; tb->nl--) sb_putc(tb->b, '\n');
}

static void tpl_sep(tplb *tb)
{
	if (tb->nargs == 0) sb_puts(tb->b, ".concat(");
	else if (tb->nargs % TPL_GROUP == 0) sb_puts(tb->b, ") + \"\".concat(");
	else sb_puts(tb->b, tb->nl ? "," : ", ");
	tb->nargs++;
	tpl_flush(tb);
}

static void put_utf8(sbuf *b, unsigned long cp)
{
	if (cp < 0x80) sb_putc(b, (int)cp);
	else if (cp < 0x800) { sb_putc(b, (int)(0xC0 | (cp >> 6))); sb_putc(b, (int)(0x80 | (cp & 0x3F))); }
	else if (cp < 0x10000) {
		sb_putc(b, (int)(0xE0 | (cp >> 12))); sb_putc(b, (int)(0x80 | ((cp >> 6) & 0x3F)));
		sb_putc(b, (int)(0x80 | (cp & 0x3F)));
	} else {
		sb_putc(b, (int)(0xF0 | (cp >> 18))); sb_putc(b, (int)(0x80 | ((cp >> 12) & 0x3F)));
		sb_putc(b, (int)(0x80 | ((cp >> 6) & 0x3F))); sb_putc(b, (int)(0x80 | (cp & 0x3F)));
	}
}

/* Cooks template characters [a, e) into pieces, each a double-quoted ES5
 * string; a piece ends at every raw line break. Calls emit for each piece
 * (empty pieces included) with the break flag. */
typedef void (*piece_fn)(P *p, tplb *tb, sbuf *piece, int nl, int first);

static void tpl_cook(P *p, int tok, size_t a, size_t e, tplb *tb, piece_fn fn, int first)
{
	const char *s = p->src;
	sbuf pc = SBUF_INIT;
	size_t k = a;
	while (k < e) {
		unsigned char c = (unsigned char)s[k];
		int brk = 0;
		if (c == '\\') {
			char d = k + 1 < e ? s[k + 1] : 0;
			k += 2;
			switch (d) {
			case '`': case '$': case '{': case '}': case '\'': sb_putc(&pc, d); break;
			case '"': sb_puts(&pc, "\\\""); break;
			case '\r': if (k < e && s[k] == '\n') k++; brk = 1; break;
			case '\n': brk = 1; break;
			case '0':
				if (k < e && s[k] >= '0' && s[k] <= '9') goto octal;
				sb_puts(&pc, "\\0");
				break;
			case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
			octal:
				sb_free(&pc);
				perr(p, tok, "octal escape sequences are not allowed in template literals");
			case 'u':
				if (k < e && s[k] == '{') {
					char *end;
					unsigned long cp = strtoul(s + k + 1, &end, 16);
					if ((size_t)(end - s) >= e || *end != '}' || end == s + k + 1 || cp > 0x10FFFF) {
						sb_free(&pc);
						perr(p, tok, "malformed \\u{...} escape in template literal");
					}
					if (cp < 0x10000) sb_printf(&pc, "\\u%04lx", cp);
					else put_utf8(&pc, cp);
					k = (size_t)(end - s) + 1;
				} else sb_puts(&pc, "\\u");
				break;
			default:
				sb_putc(&pc, '\\');
				sb_putc(&pc, d);
				break;
			}
		} else if (c == '\r' || c == '\n') {
			k++;
			if (c == '\r' && k < e && s[k] == '\n') k++;
			sb_puts(&pc, "\\n");
			brk = 1;
		} else if (c == '"') {
			sb_puts(&pc, "\\\""); k++;
		} else if (c == 0xE2 && k + 2 < e && (unsigned char)s[k + 1] == 0x80 &&
			((unsigned char)s[k + 2] == 0xA8 || (unsigned char)s[k + 2] == 0xA9)) {
			sb_puts(&pc, (unsigned char)s[k + 2] == 0xA8 ? "\\u2028" : "\\u2029");
			k += 3;
		} else {
			sb_putc(&pc, c); k++;
		}
		if (brk) {
			fn(p, tb, &pc, 1, first);
			first = 0;
			sb_reset(&pc);
			pc.len = 0;
		}
	}
	fn(p, tb, &pc, 0, first);
	sb_free(&pc);
}

static void piece_count(P *p, tplb *tb, sbuf *pc, int nl, int first)
{
	(void)p; (void)nl;
	if (pc->len > 0 && !first) tb->total++;
	if (pc->len > 0 && first) tb->wrap = 1; /* marks: receiver found */
}

static void piece_emit(P *p, tplb *tb, sbuf *pc, int nl, int first)
{
	(void)p;
	if (first) {
		if (tb->wrap) sb_putc(tb->b, '(');
		sb_putc(tb->b, '"');
		sb_put(tb->b, pc->s ? pc->s : "", pc->len);
		sb_putc(tb->b, '"');
	} else if (pc->len > 0) {
		tpl_sep(tb);
		sb_putc(tb->b, '"');
		sb_put(tb->b, pc->s, pc->len);
		sb_putc(tb->b, '"');
	}
	tb->nl += nl;
}

static void tpl_bounds(P *p, int tok, size_t *a, size_t *e)
{
	const jst_token *t = &p->t[tok];
	*a = t->pos + 1;
	*e = (t->type == JST_TPL_HEAD || t->type == JST_TPL_MID) ? t->end - 2 : t->end - 1;
}

/* Receiver piece: the first piece of the first chunk when it is non-empty
 * and not ended by a line break; else "" (then the piece is an argument). */
static void piece_first_probe(P *p, tplb *tb, sbuf *pc, int nl, int first)
{
	(void)p;
	if (first) tb->wrap = (pc->len > 0) ? 1 : 0;
	(void)nl;
}

static void tpl_finish(P *p, int *chunks, int nchunks, ex *subs)
{
	tplb tb;
	sbuf b = SBUF_INIT;
	int has_receiver, nsub = nchunks - 1;
	size_t a, e;
	memset(&tb, 0, sizeof tb);
	tb.b = &b;
	/* count arguments */
	tpl_bounds(p, chunks[0], &a, &e);
	tpl_cook(p, chunks[0], a, e, &tb, piece_first_probe, 1);
	has_receiver = tb.wrap;
	tb.total = nsub;
	for (int c = 0; c < nchunks; c++) {
		tpl_bounds(p, chunks[c], &a, &e);
		tb.wrap = 0;
		tpl_cook(p, chunks[c], a, e, &tb, piece_count, c == 0 && has_receiver);
	}
	tb.wrap = tb.total > TPL_GROUP;
	tb.nargs = 0;
	tb.nl = 0;
	for (int c = 0; c < nchunks; c++) {
		sb_reset(&b);
		b.len = 0;
		tpl_bounds(p, chunks[c], &a, &e);
		if (c == 0 && !has_receiver) {
			if (tb.wrap) sb_putc(&b, '(');
			sb_puts(&b, "\"\"");
		}
		tpl_cook(p, chunks[c], a, e, &tb, piece_emit, c == 0 && has_receiver);
		if (c < nchunks - 1) {
			tpl_sep(&tb);
		} else {
			if (tb.nargs > 0) sb_putc(&b, ')');
			if (tb.wrap) sb_putc(&b, ')');
		}
		tpl_flush(&tb);
		rep(p, chunks[c], sb_str(&b));
		if (c < nsub && subs[c].kind == X_SEQ) {
			pre(p, subs[c].first, "(");
			post(p, subs[c].last, ")");
		}
	}
	sb_free(&b);
}

static ex parse_template(P *p)
{
	int first = p->i, base = p->n_tps, n;
	int *chunks;
	ex *subs;
	for (;;) {
		tplpart tp;
		int type;
		tp.tok = next(p);
		tp.sub = mkex(X_OTHER, -1, -1);
		type = p->t[tp.tok].type;
		if (type != JST_TPL_FULL && type != JST_TPL_TAIL) {
			if (p->t[p->i].type == JST_TPL_MID || p->t[p->i].type == JST_TPL_TAIL)
				perr(p, p->i, "empty ${} in template literal");
			tp.sub = parse_expr(p, 0);
			if (p->t[p->i].type != JST_TPL_MID && p->t[p->i].type != JST_TPL_TAIL)
				unexpected(p, p->i);
		}
		PUSH(p, tps, tp);
		if (type == JST_TPL_FULL || type == JST_TPL_TAIL) break;
	}
	n = p->n_tps - base;
	chunks = xmalloc((size_t)n * sizeof *chunks);
	subs = xmalloc((size_t)n * sizeof *subs);
	for (int k = 0; k < n; k++) {
		chunks[k] = p->tps[base + k].tok;
		subs[k] = p->tps[base + k].sub;
	}
	p->n_tps = base;
	p->tmp1 = chunks;
	p->tmp2 = subs;
	tpl_finish(p, chunks, n, subs);
	p->tmp1 = p->tmp2 = NULL;
	free(chunks);
	free(subs);
	return mkex(X_OTHER, first, p->i - 1);
}

/* -- functions -- */

static void add_param(P *p, int fs, int tok, int rng, int rest, int index, int late)
{
	param pm = { tok, rng, rest, index, -1, late };
	scope *s = &p->sc[fs];
	PUSH(p, pm, pm);
	if (s->params < 0) s->params = p->n_pm - 1; else p->pm[s->params_tail].next = p->n_pm - 1;
	p->sc[fs].params_tail = p->n_pm - 1;
}

/* Parses a parameter list between '(' at open and its match; the current
 * scope is the function's. */
static void parse_params(P *p, int fs, int open)
{
	int close = p->t[open].match, index = 0, optional = 0;
	p->i = open + 1;
	while (p->i < close) {
		int rest = 0, name, rng = 0;
		if (at_p(p, JSP_ELLIPSIS)) {
			rest = 1;
			drop(p, next(p));
			if (index > 0) drop(p, p->i - 2); /* the comma before */
		}
		if (at_p(p, '[') || at_p(p, '{')) unsupported(p, p->i, "destructuring parameters are");
		if (!is_ident(p, p->i)) unexpected(p, p->i);
		name = next(p);
		{
			hent *o = hfind(p, H_SCOPE, fs, tname(p, name), tlen(p, name), 0);
			if (o && o->val >= 0 && p->sc[fs].dup_param < 0) p->sc[fs].dup_param = name;
		}
		declare(p, name, B_PARAM);
		if (rest) { drop(p, name); p->sc[fs].nonsimple = 1; }
		if (at_p(p, '=')) {
			int eq = next(p);
			ex d;
			if (rest) unexpected(p, eq);
			d = parse_assign(p, 0);
			p->sc[fs].nonsimple = 1;
			{
				/* its default may not use it or later parameters (TDZ) */
				hent *o = hfind(p, H_SCOPE, fs, tname(p, name), tlen(p, name), 0);
				if (o && o->val >= 0) p->bd[o->val].init_end = d.last;
			}
			drop(p, eq);
			rng = add_range(p, d.first, d.last);
			p->rg[rng - 1].owner = fs;
		}
		/* parameters from the first default on are read from arguments
		 * in the prologue: the function's length counts those before */
		if (rng) optional = 1;
		if (optional && !rest && p->sc[fs].accessor != 2) {
			drop(p, name);
			if (index > 0) drop(p, name - 1);  /* the comma before */
		}
		add_param(p, fs, name, rng, rest, index, optional && !rest && p->sc[fs].accessor != 2);
		index++;
		if (p->i == close) break;
		if (rest) unexpected(p, p->i);
		expect_p(p, ',');
		if (p->i == close) perr(p, close, "trailing comma in parameter list not supported");
	}
	p->i = close + 1;
	if (p->sc[fs].accessor == 1 && index != 0) perr(p, open, "a getter takes no parameters");
	if (p->sc[fs].accessor == 2 && (index != 1 || p->pm[p->sc[fs].params].rest))
		perr(p, open, "a setter takes exactly one parameter");
	if (p->sc[fs].dup_param >= 0 && (p->sc[fs].unique_params || p->sc[fs].nonsimple))
		perr(p, p->sc[fs].dup_param, "duplicate parameter name");
}

/* Body of a function whose params are parsed: '{' statements '}'. */
static void parse_body(P *p, int fs)
{
	int open = expect_p(p, '{'), save_bk = p->bk_base, save_pl = p->pending_labels;
	p->sc[fs].body_tok = open;
	/* a "use strict" directive (the first statements are string literals) */
	for (int k = open + 1; p->t[k].type == JST_STR; ) {
		if (tlen(p, k) == 12 && memcmp(tname(p, k) + 1, "use strict", 10) == 0) {
			if (p->sc[fs].nonsimple)
				perr(p, k, "\"use strict\" in a function with default or rest parameters");
			if (p->sc[fs].dup_param >= 0) perr(p, p->sc[fs].dup_param, "duplicate parameter name");
		}
		if (is_p(p, k + 1, ';')) k += 2;
		else if (p->t[k + 1].nl_before || is_p(p, k + 1, '}')) k++;
		else break;
	}
	p->bk_base = p->n_bk;
	p->pending_labels = 0;
	while (!at_p(p, '}')) parse_statement(p, 1);
	next(p);
	p->n_bk = p->bk_base;
	p->bk_base = save_bk;
	p->pending_labels = save_pl;
}

/* After 'function' [name] or a method name: '(' params ')' '{' body '}'. */
static void parse_function_rest(P *p, int fs, int name_tok)
{
	int save_scope = p->cur_scope, save_loop = p->cur_loop;
	if (!at_p(p, '(')) unexpected(p, p->i);
	p->cur_scope = fs;
	p->cur_loop = -1;
	if (name_tok >= 0) declare(p, name_tok, B_FNAME);
	parse_params(p, fs, p->i);
	parse_body(p, fs);
	p->cur_scope = save_scope;
	p->cur_loop = save_loop;
}

static ex parse_function_expr(P *p)
{
	int first = next(p), name = -1, fs;
	if (at_p(p, '*')) unsupported(p, p->i, "generator functions are");
	if (is_ident(p, p->i)) name = next(p);
	fs = new_scope(p, SC_FUNC);
	p->sc[fs].first_tok = first;
	parse_function_rest(p, fs, name);
	return mkex(X_OTHER, first, p->i - 1);
}

/* Arrow function starting at the current token (an identifier or '('). */
static ex parse_arrow(P *p)
{
	int first = p->i, arrow, fs, save_scope = p->cur_scope, save_loop = p->cur_loop;
	int save_bk = p->bk_base, save_pl = p->pending_labels;
	int single = p->t[first].type == JST_NAME;
	ex r;
	fs = new_scope(p, SC_ARROW);
	p->sc[fs].first_tok = first;
	p->sc[fs].unique_params = 1;
	p->cur_scope = fs;
	p->cur_loop = -1;
	p->bk_base = p->n_bk;
	p->pending_labels = 0;
	if (single) {
		declare(p, first, B_PARAM);
		add_param(p, fs, first, 0, 0, 0, 0);
		next(p);
	} else {
		parse_params(p, fs, first);
	}
	arrow = expect_p(p, JSP_ARROW);
	if (p->t[arrow].nl_before) perr(p, arrow, "line break before '=>'");
	if (at_p(p, '{')) {
		drop(p, arrow);
		parse_body(p, fs);
	} else {
		ex body;
		p->sc[fs].body_tok = arrow;
		rep(p, arrow, "{");
		body = parse_assign(p, 0);
		pre(p, body.first, "return ");
		post(p, body.last, ";}");
	}
	/* a function expression is fine wherever an arrow may stand, except at
	 * the start of a statement (see parse_statement) */
	if (single) { pre(p, first, "function("); post(p, first, ")"); }
	else pre(p, first, "function");
	p->cur_scope = save_scope;
	p->cur_loop = save_loop;
	p->n_bk = p->bk_base;
	p->bk_base = save_bk;
	p->pending_labels = save_pl;
	r = mkex(X_ARROW, first, p->i - 1);
	return r;
}

static int arrow_ahead(P *p)
{
	int i = p->i;
	if (is_ident(p, i) && is_p(p, i + 1, JSP_ARROW)) return 1;
	if (is_p(p, i, '(') && is_p(p, p->t[i].match + 1, JSP_ARROW)) return 1;
	return 0;
}

static void check_async(P *p)
{
	int i = p->i;
	if (!is_k(p, i, JSK_ASYNC) || p->t[i + 1].nl_before) return;
	if (is_k(p, i + 1, JSK_FUNCTION)) unsupported(p, i, "async functions are");
	if (is_ident(p, i + 1) && is_p(p, i + 2, JSP_ARROW)) unsupported(p, i, "async functions are");
	if (is_p(p, i + 1, '(') && is_p(p, p->t[i + 1].match + 1, JSP_ARROW))
		unsupported(p, i, "async functions are");
}

/* -- literals -- */

/* Rewrites a list with spread elements between tokens open and close into
 * [].concat([a, b], Array.prototype.slice.call(xs), ...). */
static void spread_list(P *p, elem *el, int nel, int close)
{
	for (int k = 0; k < nel; k++) {
		if (el[k].spread) {
			rep(p, el[k].first, "Array.prototype.slice.call(");
			post(p, el[k].last, ")");
			continue;
		}
		if (k == 0 || el[k - 1].spread) pre(p, el[k].first, "[");
		if (k == nel - 1 || el[k + 1].spread) post(p, el[k].last, "]");
	}
	if (nel > 0 && el[nel - 1].comma >= 0) drop(p, el[nel - 1].comma);
	rep(p, close, ")");
}

/* Elements of an array literal or argument list up to close_op; pushed on
 * p->es from *base. Returns 1 when one is a spread. */
static int parse_elems(P *p, int close_op, int holes, int *hole, int *base)
{
	int spread = 0;
	*base = p->n_es;
	*hole = -1;
	while (!at_p(p, close_op)) {
		elem e = { -1, -1, 0, -1 };
		if (holes && at_p(p, ',')) {
			if (*hole < 0) *hole = p->i;
			next(p);
			continue;
		}
		if (at_p(p, JSP_ELLIPSIS)) {
			e.spread = spread = 1;
			e.first = next(p);
			e.last = parse_assign(p, 0).last;
		} else {
			ex x = parse_assign(p, 0);
			e.first = x.first;
			e.last = x.last;
		}
		if (at_p(p, ',')) {
			e.comma = next(p);
			if (!holes && at_p(p, close_op))
				perr(p, e.comma, "trailing comma in argument list not supported");
		} else if (!at_p(p, close_op)) unexpected(p, p->i);
		PUSH(p, es, e);
	}
	return spread;
}

static ex parse_array(P *p)
{
	int open = next(p), hole, base;
	if (parse_elems(p, ']', 1, &hole, &base)) {
		if (hole >= 0) perr(p, hole, "array holes next to spread elements not supported");
		rep(p, open, "[].concat(");
		spread_list(p, p->es + base, p->n_es - base, p->i);
	}
	p->n_es = base;
	next(p);
	return mkex(X_ARRAY, open, p->i - 1);
}

static int is_propname(P *p, int i)
{
	int ty = p->t[i].type;
	return ty == JST_NAME || ty == JST_STR || ty == JST_NUM;
}

static ex parse_object(P *p)
{
	int open = next(p), protos = 0;
	while (!at_p(p, '}')) {
		int key;
		if (at_p(p, JSP_ELLIPSIS)) unsupported(p, p->i, "object spread '{...x}' is");
		if (at_p(p, '[')) unsupported(p, p->i, "computed property keys are");
		if (at_p(p, '*')) unsupported(p, p->i, "generator methods are");
		if (!is_propname(p, p->i)) unexpected(p, p->i);
		if ((at_k(p, JSK_GET) || at_k(p, JSK_SET)) && is_propname(p, p->i + 1)) {
			int fs;
			next(p);
			key = next(p);
			if (p->t[key].type == JST_STR) fix_string(p, key);
			fs = new_scope(p, SC_FUNC);
			p->sc[fs].unique_params = 1;
			p->sc[fs].accessor = is_k(p, key - 1, JSK_GET) ? 1 : 2;
			parse_function_rest(p, fs, -1);
		} else if (at_k(p, JSK_GET) && is_p(p, p->i + 1, '[')) {
			unsupported(p, p->i + 1, "computed property keys are");
		} else if (at_k(p, JSK_ASYNC) && !p->t[p->i + 1].nl_before &&
			(is_propname(p, p->i + 1) || is_p(p, p->i + 1, '*') || is_p(p, p->i + 1, '['))) {
			unsupported(p, p->i, "async methods are");
		} else {
			key = next(p);
			if (p->t[key].type == JST_STR) fix_string(p, key);
			if (p->t[key].type == JST_NUM) fix_number(p, key);
			if (at_p(p, ':')) {
				size_t kl = tlen(p, key);
				const char *ks = tname(p, key);
				if ((p->t[key].type == JST_NAME && kl == 9 && !memcmp(ks, "__proto__", 9)) ||
					(p->t[key].type == JST_STR && kl == 11 && !memcmp(ks + 1, "__proto__", 9)))
					if (protos++) perr(p, key, "duplicate __proto__ property");
				next(p);
				parse_assign(p, 0);
			} else if (at_p(p, '(')) {
				int fs = new_scope(p, SC_FUNC);
				p->sc[fs].first_tok = key;
				p->sc[fs].unique_params = 1;
				post(p, key, ": function");
				parse_function_rest(p, fs, -1);
			} else if (at_p(p, ',') || at_p(p, '}')) {
				if (!is_ident(p, key)) unexpected(p, key);
				p->x[key].shorthand = 1;
				add_ref(p, key, RF_SHORTHAND);
				if (is_k(p, key, JSK_ARGUMENTS)) {
					thisref tr = { key, p->cur_scope, p->cur_loop, 1, p->n_rf - 1 };
					PUSH(p, tr, tr);
				}
			} else if (at_p(p, '=')) {
				unsupported(p, p->i, "destructuring defaults ('{a = 1}') are");
			} else unexpected(p, p->i);
		}
		if (at_p(p, ',')) next(p);
		else if (!at_p(p, '}')) unexpected(p, p->i);
	}
	next(p);
	return mkex(X_OBJECT, open, p->i - 1);
}

/* -- expressions -- */

static ex parse_primary(P *p)
{
	int i = p->i;
	const jst_token *t = &p->t[i];
	check_future_punct(p, i);
	switch (t->type) {
	case JST_NUM:
		fix_number(p, i);
		next(p);
		return mkex(X_OTHER, i, i);
	case JST_STR:
		fix_string(p, i);
		next(p);
		return mkex(X_OTHER, i, i);
	case JST_REGEX:
		/* MuJS reads '/' after ')' or '}' as division, even in "if (x) /re/" */
		if (i > 0 && (is_p(p, i - 1, ')') || is_p(p, i - 1, '}') || is_p(p, i - 1, ']'))) {
			pre(p, i, "(");
			post(p, i, ")");
		}
		next(p);
		return mkex(X_OTHER, i, i);
	case JST_TPL_FULL: case JST_TPL_HEAD:
		return parse_template(p);
	case JST_PUNCT:
		if (t->op == '(') {
			ex in;
			next(p);
			if (at_p(p, ')')) unexpected(p, p->i);
			in = parse_expr(p, 0);
			expect_p(p, ')');
			{
				/* (name) and (a.b) stay assignable; (a.b)(...) keeps a as this */
				ex r = mkex(in.kind == X_IDENT ? X_IDENT : in.kind == X_MEMBER ? X_MEMBER : X_PAREN,
					i, p->i - 1);
				r.ref = in.ref;
				r.obj_first = in.obj_first;
				r.obj_last = in.obj_last;
				return r;
			}
		}
		if (t->op == '[') return parse_array(p);
		if (t->op == '{') return parse_object(p);
		unexpected(p, i);
	case JST_NAME:
		switch (t->op) {
		case JSK_FUNCTION: return parse_function_expr(p);
		case JSK_CLASS: unsupported(p, i, "classes are");
		case JSK_SUPER: unsupported(p, i, "'super' (classes) is");
		case JSK_IMPORT: unsupported(p, i, "import is");
		case JSK_THIS: {
			thisref tr = { i, p->cur_scope, p->cur_loop, 0, -1 };
			PUSH(p, tr, tr);
			next(p);
			return mkex(X_THIS, i, i);
		}
		case JSK_NULL: case JSK_TRUE: case JSK_FALSE:
			next(p);
			return mkex(X_OTHER, i, i);
		case JSK_ASYNC:
			check_async(p);
			break;
		case JSK_YIELD:
			break;
		default:
			if (t->op > JSK_NONE && t->op < JSK_RESERVED_END) unexpected(p, i);
		}
		{
			ex r = mkex(X_IDENT, i, i);
			r.ref = add_ref(p, i, 0);
			if (t->op == JSK_ARGUMENTS) {
				thisref tr = { i, p->cur_scope, p->cur_loop, 1, r.ref };
				PUSH(p, tr, tr);
			}
			next(p);
			return r;
		}
	default:
		unexpected(p, i);
	}
}

/* f(a, ...xs) -> f.apply(this-value, [].concat([a], slice(xs))); a method
 * call keeps its object as this (through a temp unless it is a name). */
static void spread_call(P *p, ex *callee, int open, int base)
{
	int close = p->i;
	char tv[32];
	drop(p, open);
	post(p, open, ", ");
	if (callee->kind != X_MEMBER) {
		post(p, open, "void 0");
	} else if (callee->obj_first == callee->obj_last &&
		(is_ident(p, callee->obj_first) || is_k(p, callee->obj_first, JSK_THIS))) {
		post_e(p, open, new_edit(p, ED_TOKTEXT, callee->obj_first, 0));
	} else {
		temp tm;
		int fsc = func_of(p, p->cur_scope);
		tm.id = fresh_id(p);
		tm.next = p->sc[fsc].temps;
		PUSH(p, tm, tm);
		p->sc[fsc].temps = p->n_tm - 1;
		snprintf(tv, sizeof tv, "%st%d", p->pfx, tm.id);
		pref(p, callee->obj_first, "(%s = ", tv);
		post(p, callee->obj_last, ")");
		post(p, open, tv);
	}
	/* Function.prototype.apply itself: a callee's own "apply" property
	 * must not be called */
	pre(p, callee->first, "Function.prototype.apply.call(");
	post(p, open, ", [].concat(");
	spread_list(p, p->es + base, p->n_es - base, close);
	post(p, close, ")");
}

static ex parse_lhs(P *p)
{
	ex cur;
	int first = p->i;
	check_async(p);
	if (at_k(p, JSK_NEW)) {
		int nw = next(p);
		ex callee;
		enter(p);
		if (at_p(p, '.')) unsupported(p, nw, "'new.target' is");
		/* new MemberExpression Arguments? */
		if (at_k(p, JSK_NEW)) callee = parse_lhs(p);
		else {
			callee = parse_primary(p);
			for (;;) {
				if (at_p(p, '.')) {
					next(p);
					if (p->t[p->i].type != JST_NAME) unexpected(p, p->i);
					next(p);
				} else if (at_p(p, '[')) {
					next(p);
					parse_expr(p, 0);
					expect_p(p, ']');
				} else if (p->t[p->i].type == JST_TPL_FULL || p->t[p->i].type == JST_TPL_HEAD) {
					unsupported(p, p->i, "tagged templates are");
				} else break;
			}
		}
		(void)callee;
		if (at_p(p, '(')) {
			int hole, base;
			next(p);
			if (parse_elems(p, ')', 0, &hole, &base)) {
				int k = base;
				while (!p->es[k].spread) k++;
				unsupported(p, p->es[k].first, "spread in 'new' arguments is");
			}
			p->n_es = base;
			next(p);
		}
		leave(p);
		cur = mkex(X_OTHER, nw, p->i - 1);
	} else {
		cur = parse_primary(p);
	}
	for (;;) {
		int i = p->i;
		check_future_punct(p, i);
		if (at_p(p, '.')) {
			int obj_first = first, obj_last = i - 1;
			next(p);
			if (at_p(p, '#')) unsupported(p, p->i, "private names ('#x') are");
			if (p->t[p->i].type != JST_NAME) unexpected(p, p->i);
			next(p);
			cur = mkex(X_MEMBER, first, p->i - 1);
			cur.obj_first = obj_first;
			cur.obj_last = obj_last;
		} else if (at_p(p, '[')) {
			int obj_first = first, obj_last = i - 1;
			next(p);
			parse_expr(p, 0);
			expect_p(p, ']');
			cur = mkex(X_MEMBER, first, p->i - 1);
			cur.obj_first = obj_first;
			cur.obj_last = obj_last;
		} else if (at_p(p, '(')) {
			int open = next(p), hole, base;
			if (parse_elems(p, ')', 0, &hole, &base))
				spread_call(p, &cur, open, base);
			p->n_es = base;
			next(p);
			cur = mkex(X_CALL, first, p->i - 1);
		} else if (p->t[i].type == JST_TPL_FULL || p->t[i].type == JST_TPL_HEAD) {
			unsupported(p, i, "tagged templates are");
		} else break;
	}
	return cur;
}

static ex parse_postfix(P *p)
{
	ex e = parse_lhs(p);
	if ((at_p(p, JSP_INC) || at_p(p, JSP_DEC)) && !p->t[p->i].nl_before) {
		int op = next(p);
		if (e.kind == X_IDENT && e.ref >= 0) p->rf[e.ref].flags |= RF_WRITE;
		/* MuJS reads "x++ / 2" as the start of a regex */
		if (at_p(p, '/') || at_p(p, JSP_DIV_SET)) {
			pre(p, e.first, "(");
			post(p, op, ")");
		}
		e = mkex(X_OTHER, e.first, op);
	}
	return e;
}

static ex parse_unary(P *p)
{
	int i = p->i;
	const jst_token *t = &p->t[i];
	int un = 0;
	if (t->type == JST_PUNCT)
		un = t->op == '!' || t->op == '~' || t->op == '+' || t->op == '-' ||
			t->op == JSP_INC || t->op == JSP_DEC;
	else if (t->type == JST_NAME)
		un = t->op == JSK_TYPEOF || t->op == JSK_VOID || t->op == JSK_DELETE;
	if (un) {
		ex e;
		next(p);
		enter(p);
		e = parse_unary(p);
		leave(p);
		if ((t->op == JSP_INC || t->op == JSP_DEC) && t->type == JST_PUNCT && e.kind == X_IDENT && e.ref >= 0)
			p->rf[e.ref].flags |= RF_WRITE;
		if (at_p(p, JSP_EXP)) unsupported(p, p->i, "exponent operator '**' is");
		return mkex(X_OTHER, i, e.last);
	}
	if (at_k(p, JSK_AWAIT) && !p->t[i + 1].nl_before &&
		(is_ident(p, i + 1) || p->t[i + 1].type == JST_NUM || p->t[i + 1].type == JST_STR))
		unsupported(p, i, "await is");
	return parse_postfix(p);
}

static int binprec(P *p, int i, int noin)
{
	const jst_token *t = &p->t[i];
	if (t->type == JST_NAME) {
		if (t->op == JSK_INSTANCEOF) return 7;
		if (t->op == JSK_IN) return noin ? 0 : 7;
		return 0;
	}
	if (t->type != JST_PUNCT) return 0;
	switch (t->op) {
	case JSP_OR: return 1;
	case JSP_AND: return 2;
	case '|': return 3;
	case '^': return 4;
	case '&': return 5;
	case JSP_EQ: case JSP_NE: case JSP_SEQ: case JSP_SNE: return 6;
	case '<': case '>': case JSP_LE: case JSP_GE: return 7;
	case JSP_SHL: case JSP_SHR: case JSP_USHR: return 8;
	case '+': case '-': return 9;
	case '*': case '/': case '%': return 10;
	default: return 0;
	}
}

static ex parse_binary(P *p, int minprec, int noin)
{
	ex l = parse_unary(p);
	for (;;) {
		int prec;
		check_future_punct(p, p->i);
		prec = binprec(p, p->i, noin);
		if (prec == 0 || prec < minprec) return l;
		next(p);
		enter(p);
		{
			ex r = parse_binary(p, prec + 1, noin);
			l = mkex(X_OTHER, l.first, r.last);
		}
		leave(p);
	}
}

static ex parse_cond(P *p, int noin)
{
	ex c = parse_binary(p, 1, noin);
	if (at_p(p, '?')) {
		ex e;
		next(p);
		parse_assign(p, 0);
		expect_p(p, ':');
		e = parse_assign(p, noin);
		return mkex(X_OTHER, c.first, e.last);
	}
	return c;
}

static int is_assign_op(P *p, int i)
{
	const jst_token *t = &p->t[i];
	if (t->type != JST_PUNCT) return 0;
	return t->op == '=' || (t->op >= JSP_ADD_SET && t->op <= JSP_XOR_SET);
}

static ex parse_assign(P *p, int noin)
{
	ex l;
	enter(p);
	check_async(p);
	if (arrow_ahead(p)) {
		l = parse_arrow(p);
		leave(p);
		return l;
	}
	l = parse_cond(p, noin);
	check_future_punct(p, p->i);
	if (is_assign_op(p, p->i)) {
		ex r;
		if (l.kind == X_ARRAY || l.kind == X_OBJECT)
			unsupported(p, l.first, "destructuring assignment is");
		if (l.kind != X_IDENT && l.kind != X_MEMBER)
			perr(p, p->i, "invalid assignment target");
		if (l.kind == X_IDENT && l.ref >= 0) p->rf[l.ref].flags |= RF_WRITE;
		next(p);
		r = parse_assign(p, noin);
		l = mkex(X_OTHER, l.first, r.last);
	}
	leave(p);
	return l;
}

static ex parse_expr(P *p, int noin)
{
	ex e = parse_assign(p, noin);
	if (at_p(p, ',')) {
		int first = e.first;
		while (at_p(p, ',')) {
			next(p);
			e = parse_assign(p, noin);
		}
		return mkex(X_SEQ, first, e.last);
	}
	return e;
}

/* -- statements -- */

/* var/let/const declarations. Returns the binding of the last name.
 * in_for: 1 in a for head (then "x of"/"x in" may follow without init). */
static int parse_decls(P *p, int in_for, int *count)
{
	int kw = next(p), kind, last = -1, init = 0;
	int k = p->t[kw].op;
	kind = k == JSK_VAR ? B_VAR : k == JSK_LET ? B_LET : B_CONST;
	if (kind != B_VAR) rep(p, kw, "var");
	*count = 0;
	for (;;) {
		int name;
		if (at_p(p, '[') || at_p(p, '{')) unsupported(p, p->i, "destructuring declarations are");
		if (!is_ident(p, p->i)) unexpected(p, p->i);
		name = next(p);
		last = declare(p, name, kind);
		(*count)++;
		if (at_p(p, '=')) {
			next(p);
			parse_assign(p, in_for);
			init = 1;
			p->bd[last].init_end = p->i - 1;
		} else if (in_for && (at_k(p, JSK_OF) || at_k(p, JSK_IN)) && *count == 1) {
			return last;
		} else if (kind == B_CONST) {
			perr(p, name, "missing initializer in const declaration");
		} else if (kind == B_LET) {
			post(p, name, " = void 0");
		}
		if (!at_p(p, ',')) break;
		next(p);
	}
	if (in_for && (at_k(p, JSK_OF) || at_k(p, JSK_IN)) &&
		(*count > 1 || (init && (kind != B_VAR || at_k(p, JSK_OF)))))
		perr(p, p->i, "a for-%s head declares one binding, without an initializer",
			at_k(p, JSK_OF) ? "of" : "in");
	return last;
}

static int new_loop(P *p, int kind)
{
	loop l;
	memset(&l, 0, sizeof l);
	l.kind = kind;
	l.parent = p->cur_loop;
	l.func = func_of(p, p->cur_scope);
	l.head_scope = -1;
	l.head_a = l.head_b = -1;
	l.of_binding = l.of_range = -1;
	l.in_binding = l.in_ref = -1;
	l.heads = -1;
	PUSH(p, lp, l);
	/* labels directly on this loop now name it */
	for (int k = 0; k < p->pending_labels; k++)
		p->bk[p->n_bk - 1 - k].loop = p->n_lp - 1;
	p->pending_labels = 0;
	return p->n_lp - 1;
}

static void loop_body(P *p, int lid)
{
	breakable b = { BK_LOOP, lid, -1, p->lp[lid].parent };
	int save_loop = p->cur_loop;
	PUSH(p, bk, b);
	p->cur_loop = lid;
	p->lp[lid].body_a = p->i;
	parse_statement(p, 0);
	p->lp[lid].body_b = p->i - 1;
	p->cur_loop = save_loop;
	p->n_bk--;
}

static void parse_for(P *p)
{
	int fortok = next(p), open, lid, save_scope = p->cur_scope, save_loop = p->cur_loop;
	int decl_binding = -1, ndecl = 0, declkw = -1, lhs_first = -1;
	ex lhs = mkex(X_OTHER, -1, -1);
	(void)fortok;
	if (at_k(p, JSK_AWAIT)) unsupported(p, p->i, "'for await' is");
	open = expect_p(p, '(');
	lid = new_loop(p, L_FOR);
	p->lp[lid].head_a = open;
	p->lp[lid].head_b = p->t[open].match;
	p->cur_scope = new_scope(p, SC_BLOCK);
	p->sc[p->cur_scope].loop = lid;
	p->lp[lid].head_scope = p->cur_scope;
	p->cur_loop = lid;
	if (at_k(p, JSK_VAR) || at_k(p, JSK_CONST) ||
		(at_k(p, JSK_LET) && (is_ident(p, p->i + 1) || is_p(p, p->i + 1, '[') || is_p(p, p->i + 1, '{')))) {
		declkw = p->i;
		decl_binding = parse_decls(p, 1, &ndecl);
	} else if (!at_p(p, ';')) {
		lhs_first = p->i;
		lhs = parse_expr(p, 1);
	}
	if (at_k(p, JSK_OF) || at_k(p, JSK_IN)) {
		int isof = at_k(p, JSK_OF), kwtok = next(p);
		ex rhs;
		if (declkw < 0 && lhs.kind != X_IDENT && lhs.kind != X_MEMBER) {
			if (lhs.kind == X_ARRAY || lhs.kind == X_OBJECT)
				unsupported(p, lhs.first, "destructuring in for heads is");
			perr(p, kwtok, "invalid for-%s target", isof ? "of" : "in");
		}
		if (declkw < 0 && lhs.kind == X_IDENT && lhs.ref >= 0) p->rf[lhs.ref].flags |= RF_WRITE;
		if (isof && declkw < 0 && lhs.first == lhs.last && is_k(p, lhs.first, JSK_ASYNC))
			perr(p, lhs.first, "'for (async of' is not allowed");
		rhs = isof ? parse_assign(p, 0) : parse_expr(p, 0);
		if (declkw >= 0 && is_blockscoped(p->bd[decl_binding].kind)) p->bd[decl_binding].init_end = rhs.last;
		p->lp[lid].kind = isof ? L_FOROF : L_FORIN;
		if (!isof) {
			p->lp[lid].in_binding = declkw >= 0 ? decl_binding : -1;
			p->lp[lid].in_ref = declkw < 0 && lhs.kind == X_IDENT && lhs_first == lhs.last ? lhs.ref : -1;
		}
		if (isof) {
			loop *l = &p->lp[lid];
			l->of_id = fresh_id(p);
			if (declkw >= 0) {
				l->of_binding = decl_binding;
				drop(p, declkw);
				drop(p, declkw + 1);  /* the name (a var may have an earlier declaration) */
			} else {
				l->of_range = add_range(p, lhs_first, kwtok - 1);
			}
			drop(p, kwtok);
			pref(p, rhs.first, "var %si%d = 0, %sa%d = (", p->pfx, l->of_id, p->pfx, l->of_id);
			/* only arrays, strings and array-likes: anything else is a
			 * TypeError, as it is in ES2015 (not zero iterations) */
			postf(p, rhs.last, "), %sc%d = typeof %sa%d === \"string\" || (typeof %sa%d === \"object\" && "
				"%sa%d !== null && typeof %sa%d.length === \"number\") || (function () { throw new "
				"TypeError(\"for-of: not an array, string or array-like\"); })(); %si%d < %sa%d.length; %si%d++",
				p->pfx, l->of_id, p->pfx, l->of_id, p->pfx, l->of_id, p->pfx, l->of_id, p->pfx, l->of_id,
				p->pfx, l->of_id, p->pfx, l->of_id, p->pfx, l->of_id);
		}
		expect_p(p, ')');
	} else {
		expect_p(p, ';');
		if (!at_p(p, ';')) parse_expr(p, 0);
		expect_p(p, ';');
		if (!at_p(p, ')')) parse_expr(p, 0);
		expect_p(p, ')');
	}
	loop_body(p, lid);
	p->cur_scope = save_scope;
	p->cur_loop = save_loop;
}

static void parse_block(P *p)
{
	int save = p->cur_scope;
	expect_p(p, '{');
	p->cur_scope = new_scope(p, SC_BLOCK);
	while (!at_p(p, '}')) parse_statement(p, 1);
	next(p);
	p->cur_scope = save;
}

static int find_label(P *p, int tok)
{
	for (int k = p->n_bk - 1; k >= p->bk_base; k--)
		if (p->bk[k].kind == BK_LABEL && tlen(p, p->bk[k].label_tok) == tlen(p, tok) &&
			memcmp(tname(p, p->bk[k].label_tok), tname(p, tok), tlen(p, tok)) == 0)
			return k;
	return -1;
}

static void parse_jump(P *p, int kind)
{
	ctl c;
	int tok = next(p);
	memset(&c, 0, sizeof c);
	c.tok = tok;
	c.kind = kind;
	c.func = func_of(p, p->cur_scope);
	c.loop = p->cur_loop;
	c.label_tok = -1;
	c.target_loop = c.target_stmt_loop = -1;
	c.expr_a = c.expr_b = -1;
	if (kind == C_RETURN) {
		if (!at_p(p, ';') && !at_p(p, '}') && p->t[p->i].type != JST_EOF && !p->t[p->i].nl_before) {
			ex e = parse_expr(p, 0);
			c.expr_a = e.first;
			c.expr_b = e.last;
		}
	} else {
		int k;
		if (is_ident(p, p->i) && !p->t[p->i].nl_before) {
			c.label_tok = next(p);
			k = find_label(p, c.label_tok);
			if (k < 0) perr(p, c.label_tok, "undefined label '%.*s'", (int)tlen(p, c.label_tok), tname(p, c.label_tok));
			if (p->bk[k].loop >= 0) c.target_loop = p->bk[k].loop;
			else if (kind == C_CONTINUE) perr(p, c.label_tok, "continue to a label that is not a loop");
			else { c.to_stmt = 1; c.target_stmt_loop = p->bk[k].encl_loop; }
		} else {
			for (k = p->n_bk - 1; k >= p->bk_base; k--) {
				if (p->bk[k].kind == BK_LOOP) break;
				if (p->bk[k].kind == BK_SWITCH && kind == C_BREAK) break;
			}
			if (k < p->bk_base) perr(p, tok, "'%s' outside a loop", kind == C_BREAK ? "break" : "continue");
			if (p->bk[k].kind == BK_LOOP) c.target_loop = p->bk[k].loop;
			else { c.to_stmt = 1; c.target_stmt_loop = p->bk[k].encl_loop; }
		}
	}
	PUSH(p, ct, c);
	semicolon(p);
}

/* let/const/function declarations where only a single statement may
 * stand (if/loop bodies, labelled statements) */
__attribute__((noreturn))
static void single_stmt_err(P *p, int tok)
{
	perr(p, tok, "a declaration cannot be the body of if, a loop or a label; put it in a block { }");
}

static void parse_statement(P *p, int in_list)
{
	int i = p->i, labels = p->pending_labels;
	const jst_token *t = &p->t[i];
	enter(p);
	p->pending_labels = 0;
	check_future_punct(p, i);
	if (t->type == JST_PUNCT) {
		if (t->op == '{') { parse_block(p); goto done; }
		if (t->op == ';') { next(p); goto done; }
	}
	if (t->type == JST_NAME) {
		switch (t->op) {
		case JSK_VAR: case JSK_CONST: {
			int n;
			if (t->op == JSK_CONST && !in_list) single_stmt_err(p, i);
			parse_decls(p, 0, &n);
			semicolon(p);
			goto done;
		}
		case JSK_LET:
			if ((is_ident(p, i + 1) || is_p(p, i + 1, '[') || is_p(p, i + 1, '{') || is_k(p, i + 1, JSK_LET)) &&
				(in_list || !p->t[i + 1].nl_before || is_p(p, i + 1, '['))) {
				int n;
				if (!in_list) single_stmt_err(p, i);
				parse_decls(p, 0, &n);
				semicolon(p);
				goto done;
			}
			break;
		case JSK_FUNCTION: {
			int fs, name;
			if (!in_list) single_stmt_err(p, i);
			next(p);
			if (at_p(p, '*')) unsupported(p, p->i, "generator functions are");
			if (!is_ident(p, p->i)) unexpected(p, p->i);
			name = next(p);
			declare(p, name, B_FUNC);
			fs = new_scope(p, SC_FUNC);
			p->sc[fs].first_tok = i;
			parse_function_rest(p, fs, -1);
			goto done;
		}
		case JSK_CLASS: unsupported(p, i, "classes are");
		case JSK_IMPORT: unsupported(p, i, "import is");
		case JSK_EXPORT: unsupported(p, i, "export is");
		case JSK_ENUM: unexpected(p, i);
		case JSK_IF:
			next(p);
			expect_p(p, '(');
			parse_expr(p, 0);
			expect_p(p, ')');
			parse_statement(p, 0);
			if (at_k(p, JSK_ELSE)) { next(p); parse_statement(p, 0); }
			goto done;
		case JSK_FOR:
			p->pending_labels = labels;
			parse_for(p);
			goto done;
		case JSK_WHILE: {
			int lid;
			next(p);
			p->pending_labels = labels;
			lid = new_loop(p, L_WHILE);
			expect_p(p, '(');
			parse_expr(p, 0);
			expect_p(p, ')');
			loop_body(p, lid);
			goto done;
		}
		case JSK_DO: {
			int lid, close;
			next(p);
			p->pending_labels = labels;
			lid = new_loop(p, L_DO);
			loop_body(p, lid);
			if (!at_k(p, JSK_WHILE)) unexpected(p, p->i);
			next(p);
			expect_p(p, '(');
			parse_expr(p, 0);
			close = expect_p(p, ')');
			if (at_p(p, ';')) next(p);
			else post(p, close, ";");   /* ES allows no ';' here; MuJS wants one */
			goto done;
		}
		case JSK_CONTINUE: parse_jump(p, C_CONTINUE); goto done;
		case JSK_BREAK: parse_jump(p, C_BREAK); goto done;
		case JSK_RETURN:
			if (func_of(p, p->cur_scope) == 0) perr(p, i, "'return' outside a function");
			parse_jump(p, C_RETURN);
			goto done;
		case JSK_WITH:
			next(p);
			expect_p(p, '(');
			parse_expr(p, 0);
			expect_p(p, ')');
			parse_statement(p, 0);
			goto done;
		case JSK_SWITCH: {
			breakable b = { BK_SWITCH, -1, -1, p->cur_loop };
			int save = p->cur_scope, seen = 0;
			next(p);
			expect_p(p, '(');
			parse_expr(p, 0);
			expect_p(p, ')');
			expect_p(p, '{');
			PUSH(p, bk, b);
			p->cur_scope = new_scope(p, SC_BLOCK);
			while (!at_p(p, '}')) {
				if (at_k(p, JSK_CASE)) {
					next(p);
					parse_expr(p, 0);
					expect_p(p, ':');
					seen = 1;
				} else if (at_k(p, JSK_DEFAULT)) {
					next(p);
					expect_p(p, ':');
					seen = 1;
				} else if (seen) {
					parse_statement(p, 1);
				} else unexpected(p, p->i);
			}
			next(p);
			p->cur_scope = save;
			p->n_bk--;
			goto done;
		}
		case JSK_THROW:
			next(p);
			if (p->t[p->i].nl_before) perr(p, p->i, "line break after 'throw'");
			parse_expr(p, 0);
			semicolon(p);
			goto done;
		case JSK_TRY: {
			int any = 0;
			next(p);
			parse_block(p);
			if (at_k(p, JSK_CATCH)) {
				int save = p->cur_scope;
				any = 1;
				next(p);
				if (at_p(p, '{')) unsupported(p, p->i, "catch without a binding is");
				expect_p(p, '(');
				if (at_p(p, '[') || at_p(p, '{')) unsupported(p, p->i, "destructuring in catch is");
				p->cur_scope = new_scope(p, SC_BLOCK);
				if (!is_ident(p, p->i)) unexpected(p, p->i);
				declare(p, next(p), B_CATCH);
				expect_p(p, ')');
				expect_p(p, '{');
				while (!at_p(p, '}')) parse_statement(p, 1);
				next(p);
				p->cur_scope = save;
			}
			if (at_k(p, JSK_FINALLY)) { any = 1; next(p); parse_block(p); }
			if (!any) unexpected(p, p->i);
			goto done;
		}
		case JSK_DEBUGGER:
			next(p);
			semicolon(p);
			goto done;
		default:
			break;
		}
		if (is_ident(p, i) && is_p(p, i + 1, ':')) {
			breakable b = { BK_LABEL, -1, i, p->cur_loop };
			if (find_label(p, i) >= 0) perr(p, i, "duplicate label");
			next(p);
			next(p);
			PUSH(p, bk, b);
			p->pending_labels = labels + 1;
			parse_statement(p, 0);
			p->n_bk--;
			goto done;
		}
		if (t->op == JSK_ASYNC && is_k(p, i + 1, JSK_FUNCTION) && !p->t[i + 1].nl_before)
			unsupported(p, i, "async functions are");
	}
	{
		ex e = parse_expr(p, 0);
		int pe = p->x[i].pre;
		const char *lead = pe >= 0 && p->ed[pe].kind == ED_TEXT ? p->text.s + p->ed[pe].a : "";
		/* a statement may not start with "function" (an arrow lowered) */
		if (strncmp(lead, "function", 8) == 0) {
			pre(p, i, "(");
			post(p, e.last, ")");
			lead = "(";
		}
		/* one lowered to start with '(' must not continue the previous line */
		if (in_list && i > 0 && lead[0] == '(') pre(p, i, ";");
		semicolon(p);
	}
done:
	leave(p);
}

/* ------------------------------------------------------------------ */
/* Analysis                                                            */

static int loop_is_ancestor(P *p, int anc, int l)
{
	for (; l >= 0; l = p->lp[l].parent)
		if (l == anc) return 1;
	return 0;
}

static void resolve(P *p)
{
	for (int r = 0; r < p->n_rf; r++) {
		ref *rf = &p->rf[r];
		const char *nm = tname(p, rf->tok);
		size_t n = tlen(p, rf->tok);
		int s = rf->scope, rfunc = func_of(p, rf->scope);
		for (; s >= 0; s = p->sc[s].parent) {
			hent *e = hfind(p, H_SCOPE, s, nm, n, 0);
			if (e && e->val >= 0) {
				int mv = p->x[rf->tok].moved, b = e->val;
				rf->binding = b;
				if (func_of(p, s) != rfunc) p->bd[b].flags |= BF_CAPTURED;
				/* defaults run in the lowered body, where they would see its
				 * var and function declarations instead of the outer names */
				if (mv && p->rg[mv - 1].owner && func_of(p, p->bd[b].scope) == p->rg[mv - 1].owner &&
					(p->bd[b].kind == B_VAR || p->bd[b].kind == B_FUNC))
					perr(p, rf->tok, "a default value using '%.*s', which the function body declares, "
						"is not supported", (int)n, nm);
				break;
			}
			if (p->sc[s].kind != SC_BLOCK) hfind(p, H_OUT, s, nm, n, 1)->val = 1;
		}
	}
}

static void make_name(P *p, const char *base, size_t n, char *out, size_t size)
{
	for (;;) {
		snprintf(out, size, "%.*s$%d", (int)n, base, fresh_id(p));
		if (!hfind(p, H_IDENT, 0, out, strlen(out), 0)) return;
	}
}

/* Block-scoped bindings become var: rename those that would then clash,
 * i.e. when in the same function a binding of the same name shadows or is
 * shadowed by it, or a closure captures one of several of that name, or
 * the name also refers to something outside the function. Linear in the
 * bindings times the nesting depth. */
static void rename_clashes(P *p)
{
	uint8_t *clash = xcalloc((size_t)p->n_bd + 1, 1);
	p->tmp1 = clash;
	for (int b = 0; b < p->n_bd; b++) {
		binding *bd = &p->bd[b];
		int f = func_of(p, bd->scope);
		const char *nm = tname(p, bd->tok);
		size_t n = tlen(p, bd->tok);
		if (bd->scope != f) {
			for (int sc = p->sc[bd->scope].parent; sc >= 0 && func_of(p, sc) == f; sc = p->sc[sc].parent) {
				hent *e = hfind(p, H_SCOPE, sc, nm, n, 0);
				if (e && e->val >= 0) clash[b] = clash[e->val] = 1;
				if (sc == f) break;
			}
		}
		if (bd->flags & BF_CAPTURED) {
			/* the function's bindings of this name: read the list head
			 * before the H_DONE lookup, which may grow (move) the table */
			hent *e = hfind(p, H_FUNC, f, nm, n, 0);
			int head = e ? e->val : -1;
			hent *done = hfind(p, H_DONE, f, nm, n, 1);
			if (done->val < 0 && head >= 0 && p->bd[head].next_in_func >= 0)
				for (int o = head; o >= 0; o = p->bd[o].next_in_func) clash[o] = 1;
			done->val = 1;
		}
	}
	for (int b = 0; b < p->n_bd; b++) {
		binding *bd = &p->bd[b];
		int f = func_of(p, bd->scope);
		const char *nm = tname(p, bd->tok);
		size_t n = tlen(p, bd->tok);
		if (!is_blockscoped(bd->kind) || bd->scope == f) continue;
		if (clash[b] || hfind(p, H_OUT, f, nm, n, 0)) {
			char nn[300];
			make_name(p, nm, n, nn, sizeof nn);
			bd->newname = text_add(p, nn, strlen(nn) + 1);
			bd->flags |= BF_RENAMED;
		}
	}
	free(clash);
	p->tmp1 = NULL;
}

static const char *bname(P *p, int b, char *buf, size_t size)
{
	binding *bd = &p->bd[b];
	if (bd->newname >= 0) return p->text.s + bd->newname;
	snprintf(buf, size, "%.*s", (int)tlen(p, bd->tok), tname(p, bd->tok));
	return buf;
}

/* Loops whose body (or head) declares let/const captured by a closure get
 * per-iteration bindings: the body runs in an IIFE. */
static void decide_wraps(P *p)
{
	for (int b = p->n_bd - 1; b >= 0; b--) {
		binding *bd = &p->bd[b];
		int l = p->sc[bd->scope].loop;
		if (l >= 0 && p->lp[l].head_scope == bd->scope) {
			bd->next_head = p->lp[l].heads;
			p->lp[l].heads = b;
		}
		if (!is_blockscoped(bd->kind) || !(bd->flags & BF_CAPTURED) || l < 0) continue;
		if (p->sc[bd->scope].kind != SC_BLOCK) continue;
		p->lp[l].wrap = 1;
	}
}

static int in_body(P *p, int l, int tok) { return tok >= p->lp[l].body_a && tok <= p->lp[l].body_b; }

static int innermost_wrap(P *p, int l, int tok)
{
	for (; l >= 0; l = p->lp[l].parent)
		if (p->lp[l].wrap && in_body(p, l, tok)) return l;
	return -1;
}

static void check_wraps(P *p)
{
	/* references: closures in heads, writes to copied head bindings */
	for (int r = 0; r < p->n_rf; r++) {
		ref *rf = &p->rf[r];
		binding *bd;
		int l;
		if (rf->binding < 0) continue;
		bd = &p->bd[rf->binding];
		if (!is_blockscoped(bd->kind)) continue;
		l = p->sc[bd->scope].loop;
		if (l < 0 || !p->lp[l].wrap || p->lp[l].head_scope != bd->scope) continue;
		if (!(bd->flags & BF_CAPTURED)) continue;
		if (rf->tok >= p->lp[l].head_a && rf->tok <= p->lp[l].head_b &&
			func_of(p, rf->scope) != func_of(p, bd->scope))
			perr(p, rf->tok, "a closure in a for-loop head capturing '%.*s' is not supported",
				(int)tlen(p, rf->tok), tname(p, rf->tok));
		if ((rf->flags & RF_WRITE) && in_body(p, l, rf->tok) && p->lp[l].kind == L_FOR)
			perr(p, rf->tok, "assigning loop variable '%.*s' inside a loop body whose closures "
				"capture it is not supported", (int)tlen(p, rf->tok), tname(p, rf->tok));
	}
	/* declarations that the IIFE would make local */
	for (int d = 0; d < p->n_dc; d++) {
		decl *dc = &p->dc[d];
		if (innermost_wrap(p, dc->loop, dc->tok) >= 0)
			perr(p, dc->tok, "'%s' declaration inside a loop whose closures capture per-iteration "
				"let/const bindings; use let", dc->kind == B_VAR ? "var" : "function");
	}
}

static void lower_jumps(P *p)
{
	for (int c = 0; c < p->n_ct; c++) {
		ctl *ct = &p->ct[c];
		int w = innermost_wrap(p, ct->loop, ct->tok);
		if (w < 0) continue;
		if (ct->kind == C_RETURN) {
			for (int o = p->lp[w].parent; o >= 0; o = p->lp[o].parent)
				if (p->lp[o].wrap) p->lp[o].has_return = 1;
			p->lp[w].has_return = 1;
			if (ct->expr_a < 0) post(p, ct->tok, " {v: void 0}");
			else { pre(p, ct->expr_a, "{v: ("); post(p, ct->expr_b, ")}"); }
			continue;
		}
		if (ct->to_stmt) {
			if (ct->target_stmt_loop >= 0 && loop_is_ancestor(p, w, ct->target_stmt_loop)) continue;
		} else {
			if (ct->target_loop != w && loop_is_ancestor(p, w, ct->target_loop)) continue;
			if (ct->target_loop == w) {
				if (ct->label_tok >= 0) drop(p, ct->label_tok);
				if (ct->kind == C_BREAK) { rep(p, ct->tok, "return 1"); p->lp[w].has_break = 1; }
				else rep(p, ct->tok, "return");
				continue;
			}
		}
		perr(p, ct->tok, "'%s' out of a loop body whose closures capture per-iteration let/const "
			"bindings is not supported", ct->kind == C_BREAK ? "break" : "continue");
	}
}

static void emit_wraps(P *p)
{
	for (int l = p->n_lp - 1; l >= 0; l--) {
		loop *lp = &p->lp[l];
		sbuf params = SBUF_INIT, open = SBUF_INIT, close = SBUF_INIT;
		char nb[300];
		int block = is_p(p, lp->body_a, '{') && p->t[lp->body_a].match == lp->body_b;
		int outer_wrap = 0, rid = 0;
		if (lp->wrap) {
			for (int o = lp->parent; o >= 0; o = p->lp[o].parent)
				if (p->lp[o].wrap) outer_wrap = 1;
			/* captured head bindings are copied in as parameters */
			if (lp->kind != L_FOROF) {
				for (int b = lp->heads; b >= 0; b = p->bd[b].next_head) {
					if (!(p->bd[b].flags & BF_CAPTURED)) continue;
					if (params.len) sb_puts(&params, ", ");
					sb_puts(&params, bname(p, b, nb, sizeof nb));
				}
			}
			if (lp->has_break || lp->has_return) {
				rid = fresh_id(p);
				sb_printf(&open, "var %sr%d = (function(%s){", p->pfx, rid, sb_str(&params));
				sb_printf(&close, "})(%s); ", sb_str(&params));
				if (lp->has_break) sb_printf(&close, "if (%sr%d === 1) break; ", p->pfx, rid);
				if (lp->has_return) {
					if (outer_wrap) sb_printf(&close, "if (%sr%d) return %sr%d; ", p->pfx, rid, p->pfx, rid);
					else sb_printf(&close, "if (%sr%d) return %sr%d.v; ", p->pfx, rid, p->pfx, rid);
				}
			} else {
				sb_printf(&open, "(function(%s){", sb_str(&params));
				sb_printf(&close, "})(%s);", sb_str(&params));
			}
		}
		if (lp->kind == L_FOROF) {
			if (lp->of_binding >= 0)
				sb_printf(&open, "var %s = %sa%d[%si%d];", bname(p, lp->of_binding, nb, sizeof nb),
					p->pfx, lp->of_id, p->pfx, lp->of_id);
		}
		if (lp->kind == L_FORIN && (lp->in_binding >= 0 || lp->in_ref >= 0)) {
			/* MuJS 1.3.2 hands out array-index keys in one shared buffer:
			 * a key kept from an earlier iteration changes. Copy it. */
			const char *k;
			if (lp->in_binding >= 0) k = bname(p, lp->in_binding, nb, sizeof nb);
			else if (p->rf[lp->in_ref].binding >= 0) k = bname(p, p->rf[lp->in_ref].binding, nb, sizeof nb);
			else {
				int t = p->rf[lp->in_ref].tok;
				snprintf(nb, sizeof nb, "%.*s", (int)tlen(p, t), tname(p, t));
				k = nb;
			}
			sb_printf(&open, "%s = \"\" + %s;", k, k);
		}
		if (open.len || close.len || lp->of_range > 0) {
			int first = lp->body_a, last = lp->body_b;
			if (block) {
				post(p, first, sb_str(&open));
				if (lp->kind == L_FOROF && lp->of_range > 0) {
					post_e(p, first, new_edit(p, ED_RANGE, lp->of_range, 0));
					postf(p, first, " = %sa%d[%si%d];", p->pfx, lp->of_id, p->pfx, lp->of_id);
				}
				if (close.len) pre(p, last, sb_str(&close));
			} else {
				/* pre-edits are prepended: push in reverse order */
				if (lp->kind == L_FOROF && lp->of_range > 0) {
					pref(p, first, " = %sa%d[%si%d];", p->pfx, lp->of_id, p->pfx, lp->of_id);
					pre_e(p, first, new_edit(p, ED_RANGE, lp->of_range, 0));
				}
				pre(p, first, sb_str(&open));
				pre(p, first, "{");
				post(p, last, sb_str(&close));
				post(p, last, "}");
			}
		}
		sb_free(&params);
		sb_free(&open);
		sb_free(&close);
	}
}

/* this/arguments inside arrows (and wrapped loop bodies) refer to the
 * nearest enclosing ordinary function's, captured in a variable. */
static void capture_this(P *p)
{
	for (int k = 0; k < p->n_tr; k++) {
		thisref *tr = &p->tr[k];
		int s = tr->scope, l = tr->loop, pos = tr->tok, need = 0, f;
		if (tr->ref >= 0 && p->rf[tr->ref].binding >= 0) continue;  /* a declared 'arguments' */
		for (;;) {
			f = func_of(p, s);
			if (innermost_wrap(p, l, pos) >= 0) need = 1;
			if (p->sc[f].kind != SC_ARROW) break;
			need = 1;
			pos = p->sc[f].first_tok;
			l = p->sc[f].outer_loop;
			s = p->sc[f].parent;
		}
		if (!need) continue;
		if (tr->is_args && p->sc[f].kind == SC_PROGRAM) continue;
		if (tr->is_args) p->sc[f].needs_args = 1; else p->sc[f].needs_this = 1;
		p->x[tr->tok].captured = 1;
		if (p->x[tr->tok].shorthand) continue; /* see apply_names */
		if (tr->is_args) { char b[32]; snprintf(b, sizeof b, "%sargs", p->pfx); rep(p, tr->tok, b); }
		else { char b[32]; snprintf(b, sizeof b, "%sthis", p->pfx); rep(p, tr->tok, b); }
	}
}

/* The first token of scope s's statements after its directive prologue
 * ("use strict"), or -1 when it has none. */
static int scope_start(P *p, int s)
{
	int k = p->sc[s].kind == SC_PROGRAM ? 0 : p->sc[s].body_tok + 1;
	if (p->sc[s].kind != SC_PROGRAM && (p->sc[s].body_tok < 0 || !is_p(p, p->sc[s].body_tok, '{'))) return -1;
	while (p->t[k].type == JST_STR) {
		if (is_p(p, k + 1, ';')) k += 2;
		else if (p->t[k + 1].nl_before) k++;
		else break;
	}
	return p->t[k].type == JST_EOF || is_p(p, k, '}') ? -1 : k;
}

static void apply_names(P *p)
{
	char nb[300];
	int tdz = 0;
	for (int b = 0; b < p->n_bd; b++)
		if (p->bd[b].newname >= 0 && !p->x[p->bd[b].tok].drop) {
			p->x[p->bd[b].tok].rep = -1;   /* the new name replaces fix_name's */
			rep(p, p->bd[b].tok, p->text.s + p->bd[b].newname);
		}
	for (int r = 0; r < p->n_rf; r++) {
		ref *rf = &p->rf[r];
		if (rf->flags & RF_SHORTHAND) {
			char nm[300];   /* a copy: the first post may move p->text, where bname's answer can live */
			if (p->x[rf->tok].captured) snprintf(nm, sizeof nm, "%sargs", p->pfx);
			else if (rf->binding >= 0) snprintf(nm, sizeof nm, "%s", bname(p, rf->binding, nb, sizeof nb));
			else snprintf(nm, sizeof nm, "%.*s", (int)tlen(p, rf->tok), tname(p, rf->tok));
			post(p, rf->tok, ": ");
			post(p, rf->tok, nm);
			continue;
		}
		if (rf->binding >= 0 && (is_blockscoped(p->bd[rf->binding].kind) || p->bd[rf->binding].kind == B_PARAM) &&
			rf->tok <= p->bd[rf->binding].init_end &&
			func_of(p, rf->scope) == func_of(p, p->bd[rf->binding].scope)) {
			/* used before its declaration ran, in the same function: always
			 * the temporal dead zone, a ReferenceError (also as a target) */
			char tz[340];
			snprintf(tz, sizeof tz, "%suninitialized_%.*s.x", p->pfx, (int)tlen(p, rf->tok), tname(p, rf->tok));
			rep(p, rf->tok, tz);
			continue;
		}
		if (rf->binding >= 0 && is_blockscoped(p->bd[rf->binding].kind) && !(rf->flags & RF_WRITE) &&
			rf->tok < p->bd[rf->binding].tok && p->sc[p->bd[rf->binding].scope].kind != SC_BLOCK) {
			/* read in a closure written before the declaration: checked at
			 * run time against a marker the binding holds until then */
			char tz[1200];
			const char *bn = bname(p, rf->binding, nb, sizeof nb);
			int pv = rf->tok - 1;
			/* thrown on the use's own line; a ';' keeps a '(' that starts
			 * the line from calling the previous one */
			snprintf(tz, sizeof tz, "%s(%s === %stdz ? (function () { throw new ReferenceError(\"%.*s is used "
				"before its declaration\"); })() : %s)",
				pv >= 0 && p->t[rf->tok].nl_before && (is_ident(p, pv) || is_p(p, pv, ')') || is_p(p, pv, ']') ||
				p->t[pv].type == JST_NUM || p->t[pv].type == JST_STR) ? ";" : "",
				bn, p->pfx, (int)tlen(p, rf->tok), tname(p, rf->tok), bn);
			p->bd[rf->binding].flags |= BF_TDZ;
			p->x[rf->tok].rep = -1;
			rep(p, rf->tok, tz);
			tdz = 1;
			continue;
		}
		if (rf->binding >= 0 && p->bd[rf->binding].newname >= 0) {
			p->x[rf->tok].rep = -1;
			rep(p, rf->tok, p->text.s + p->bd[rf->binding].newname);
		}
	}
	if (tdz) {
		for (int b = 0; b < p->n_bd; b++) {
			int at;
			if (!(p->bd[b].flags & BF_TDZ)) continue;
			at = scope_start(p, p->bd[b].scope);
			if (at >= 0) pref(p, at, "%s = %stdz;", bname(p, b, nb, sizeof nb), p->pfx);
		}
		/* hoisted: defined wherever the program ends */
		postf(p, p->n - 2, " ;function %stdz() {}", p->pfx);
	}
	for (int r = 0; r < p->n_rf; r++) {
		ref *rf = &p->rf[r];
		if (rf->binding >= 0 && p->bd[rf->binding].kind == B_CONST && (rf->flags & RF_WRITE))
			perr(p, rf->tok, "assignment to constant '%.*s'", (int)tlen(p, rf->tok), tname(p, rf->tok));
	}
}

/* Function prologues: captured this/arguments, defaults, rest, temps. */
static void emit_prologues(P *p)
{
	for (int s = 0; s < p->n_sc; s++) {
		scope *sc = &p->sc[s];
		int anchor, lead = 0;
		if (sc->kind == SC_BLOCK) continue;
		if (sc->kind == SC_PROGRAM) {
			if (!sc->needs_this && sc->temps < 0) continue;
			if (p->t[0].type == JST_EOF) continue;
			anchor = -1;
			if (p->t[0].type == JST_STR) {
				if (is_p(p, 1, ';')) anchor = 1;
				else if (p->t[1].nl_before || p->t[1].type == JST_EOF) { anchor = 0; lead = 1; }
			}
		} else {
			anchor = sc->body_tok;
			if (anchor < 0) continue;
			if (is_p(p, anchor, '{') && p->t[anchor + 1].type == JST_STR) {
				if (is_p(p, anchor + 2, ';')) anchor += 2;
				else if (p->t[anchor + 2].nl_before || is_p(p, anchor + 2, '}')) { anchor += 1; lead = 1; }
			}
		}
		{
			sbuf b = SBUF_INIT;
			int tok = anchor;
			if (lead) sb_putc(&b, ';');
			if (sc->needs_this || sc->needs_args) {
				sb_puts(&b, "var ");
				if (sc->needs_this) sb_printf(&b, "%sthis = this", p->pfx);
				if (sc->needs_this && sc->needs_args) sb_puts(&b, ", ");
				if (sc->needs_args) sb_printf(&b, "%sargs = arguments", p->pfx);
				sb_puts(&b, ";");
			}
			if (tok < 0) {
				for (int t = sc->temps; t >= 0; t = p->tm[t].next)
					sb_printf(&b, "var %st%d;", p->pfx, p->tm[t].id);
				if (b.len) pre(p, 0, sb_str(&b));
				sb_free(&b);
				continue;
			}
			if (b.len) post(p, tok, sb_str(&b));
			sb_reset(&b);
			b.len = 0;
			for (int q = sc->params; q >= 0; q = p->pm[q].next) {
				param *pm = &p->pm[q];
				char nm[300];
				snprintf(nm, sizeof nm, "%.*s", (int)tlen(p, pm->tok), tname(p, pm->tok));
				if (pm->late) postf(p, tok, "var %s = arguments[%d];", nm, pm->index);
				if (pm->range) {
					postf(p, tok, "if (%s === void 0) %s = ", nm, nm);
					post_e(p, tok, new_edit(p, ED_RANGE, pm->range, 0));
					post(p, tok, ";");
				}
				if (pm->rest)
					postf(p, tok, "var %s = Array.prototype.slice.call(arguments, %d);", nm, pm->index);
			}
			for (int t = sc->temps; t >= 0; t = p->tm[t].next)
				sb_printf(&b, "var %st%d;", p->pfx, p->tm[t].id);
			if (b.len) post(p, tok, sb_str(&b));
			sb_free(&b);
		}
	}
}

/* ------------------------------------------------------------------ */
/* Emitter                                                             */

typedef struct {
	P *p;
	sbuf *out;
	int line, flat;
	size_t last_end;
} em;

static int idch(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		c == '_' || c == '$' || c == '\\' || c >= 0x80;
}

/* Appends to the output; sep: keep it apart from the previous output when
 * the two would merge into one token. */
static void put_x(em *E, const char *s, size_t n, int sep)
{
	if (n == 0) return;
	if (sep && E->out->len > 0) {
		int a = (unsigned char)E->out->s[E->out->len - 1], b = (unsigned char)s[0];
		if ((idch(a) && idch(b)) || (a == '+' && b == '+') || (a == '-' && b == '-') ||
			(a == '/' && (b == '/' || b == '*')))
			sb_putc(E->out, ' ');
	}
	if (E->flat) {
		for (size_t k = 0; k < n; k++) sb_putc(E->out, s[k] == '\n' ? ' ' : s[k]);
		return;
	}
	sb_put(E->out, s, n);
	for (size_t k = 0; k < n; k++) if (s[k] == '\n') E->line++;
}

static void put(em *E, const char *s, size_t n) { put_x(E, s, n, 1); }

static void emit_token(em *E, int i);

static void render_range(em *E, int r)
{
	P *p = E->p;
	int save_flat = E->flat;
	size_t save_end = E->last_end;
	E->flat = 1;
	for (int k = p->rg[r - 1].a; k <= p->rg[r - 1].b; k++)
		if (p->x[k].moved == r) emit_token(E, k);
	E->flat = save_flat;
	E->last_end = save_end;
}

static void emit_tok_text(em *E, int i)
{
	P *p = E->p;
	const char *s = p->src + p->t[i].pos;
	size_t n = p->t[i].end - p->t[i].pos;
	if (p->t[i].type == JST_STR && memchr(s, '\\', n)) {
		/* line continuations: keep the break (normal) or drop it (flat) */
		size_t k = 0, from = 0;
		int sep = 1;
		while (k < n) {
			if (s[k] == '\\' && k + 1 < n && (s[k + 1] == '\n' || s[k + 1] == '\r')) {
				size_t brk = k + 1;
				put_x(E, s + from, k - from, sep);
				sep = 0;
				k = brk + 1;
				if (s[brk] == '\r' && k < n && s[k] == '\n') k++;
				if (!E->flat) put_x(E, "\\\n", 2, 0);
				from = k;
			} else k += (s[k] == '\\') ? 2 : 1;
		}
		put_x(E, s + from, n - from, sep);
		return;
	}
	put(E, s, n);
}

static void emit_edits(em *E, int e)
{
	P *p = E->p;
	for (; e >= 0; e = p->ed[e].next) {
		edit *ed = &p->ed[e];
		if (ed->kind == ED_TEXT) put(E, p->text.s + ed->a, (size_t)ed->b);
		else if (ed->kind == ED_RANGE) render_range(E, ed->a);
		else {
			tokx *x = &p->x[ed->a];
			if (x->drop) emit_edits(E, x->rep); else emit_tok_text(E, ed->a);
		}
	}
}

/* Whitespace before token i: line breaks up to its line, then its
 * indentation or the original gap (comments blanked), so columns on
 * untouched lines stay the same. */
static void emit_gap(em *E, int i)
{
	P *p = E->p;
	const jst_token *t = &p->t[i];
	const char *s = p->src;
	size_t a = E->last_end, b = t->pos, k;
	if (E->flat) {
		if (b > a) put(E, " ", 1);
		return;
	}
	if (E->line < t->line) {
		while (E->line < t->line) { sb_putc(E->out, '\n'); E->line++; }
		k = b;
		while (k > 0 && s[k - 1] != '\n' && s[k - 1] != '\r') k--;
		if (k < a) k = a;
		for (; k < b; k++) {
			unsigned char c = (unsigned char)s[k];
			if (c == ' ' || c == '\t') sb_putc(E->out, (char)c);
			else if ((c & 0xC0) != 0x80) sb_putc(E->out, ' ');
		}
		return;
	}
	if (E->line == t->line && a <= b) {
		for (k = a; k < b; k++) if (s[k] == '\n' || s[k] == '\r') break;
		if (k == b) {
			for (k = a; k < b; k++) {
				unsigned char c = (unsigned char)s[k];
				if (c == ' ' || c == '\t') sb_putc(E->out, (char)c);
				else if ((c & 0xC0) != 0x80) sb_putc(E->out, ' ');
			}
			return;
		}
	}
	if (b > a || E->line != t->line) sb_putc(E->out, ' ');
}

static void emit_token(em *E, int i)
{
	P *p = E->p;
	tokx *x = &p->x[i];
	emit_gap(E, i);
	emit_edits(E, x->pre);
	if (x->drop) emit_edits(E, x->rep);
	else emit_tok_text(E, i);
	emit_edits(E, x->post);
	E->last_end = p->t[i].end;
}

/* ------------------------------------------------------------------ */
/* Entry                                                               */

static void choose_prefix(P *p)
{
	int dollars = 2;
	for (int i = 0; i < p->n; i++) {
		const char *s = tname(p, i);
		size_t n = tlen(p, i), d = 0;
		if (p->t[i].type != JST_NAME) continue;
		hfind(p, H_IDENT, 0, s, n, 1)->val = 1;
		while (d < n && s[d] == '$') d++;
		if ((int)d >= dollars) dollars = (int)d + 1;
	}
	if (dollars > 12) dollars = 12;
	memset(p->pfx, '$', (size_t)dollars);
	p->pfx[dollars] = 0;
}

static void p_free(P *p)
{
	jst_free(&p->L);
	free(p->x);
	sb_free(&p->text);
	free(p->ed); free(p->rg); free(p->sc); free(p->bd); free(p->dc); free(p->rf); free(p->tr);
	free(p->lp); free(p->ct); free(p->pm); free(p->tm); free(p->bk); free(p->h);
	free(p->es); free(p->tps); free(p->tmp1); free(p->tmp2);
}

int jsl_lower(const char *src, size_t len, sbuf *out, jsl_error *err)
{
	P *p = xcalloc(1, sizeof *p);
	em E;
	int rc = -1;
	jsl_error dummy;
	if (!err) err = &dummy;
	memset(err, 0, sizeof *err);
	if (jst_tokenize(src, len, &p->L, err)) { free(p); return -1; }
	p->t = p->L.t;
	p->n = p->L.n;
	p->src = src;
	p->err = err;
	p->cur_scope = -1;
	p->cur_loop = -1;
	p->x = xmalloc((size_t)p->n * sizeof *p->x);
	for (int i = 0; i < p->n; i++) {
		tokx *x = &p->x[i];
		memset(x, 0, sizeof *x);
		x->pre = x->rep = x->post = x->post_tail = x->rep_tail = -1;
	}
	sb_puts(&p->text, "");
	if (setjmp(p->jb)) goto out;
	for (int i = 0; i < p->n; i++)
		if (p->t[i].type == JST_NAME) fix_name(p, i);
	choose_prefix(p);
	p->cur_scope = new_scope(p, SC_PROGRAM);
	while (p->t[p->i].type != JST_EOF) parse_statement(p, 1);
	resolve(p);
	rename_clashes(p);
	decide_wraps(p);
	check_wraps(p);
	lower_jumps(p);
	capture_this(p);
	apply_names(p);
	emit_wraps(p);
	emit_prologues(p);
	E.p = p;
	E.out = out;
	E.line = 1;
	E.flat = 0;
	E.last_end = 0;
	{
		size_t start = out->len;
		for (int i = 0; i < p->n - 1; i++)
			if (!p->x[i].moved) emit_token(&E, i);
		/* trailing line breaks keep the line count */
		while (E.line < p->t[p->n - 1].line) { sb_putc(out, '\n'); E.line++; }
		(void)start;
	}
	sb_grow(out, 1);
	out->s[out->len] = 0;
	rc = 0;
out:
	p_free(p);
	free(p);
	return rc;
}
