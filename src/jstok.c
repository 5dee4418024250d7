/* jstok: the JavaScript tokenizer shared by jslower and jscheck. One pass,
 * no recursion: an explicit stack of open brackets and template
 * substitutions decides what a '}' closes and whether a '/' after ')' or '}'
 * starts a regex; line/column are kept by a cursor that visits each byte
 * once, so a 1 MB line costs linear time. */
#include "jstok.h"
#include "util.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jst_seterr(jst_error *err, int line, int col, const char *fmt, ...)
{
	va_list ap;
	if (!err) return;
	err->line = line;
	err->column = col;
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
}

static const struct { const char *s; int id; } kw_table[] = {
	/* sorted by strcmp for bsearch */
	{ "arguments", JSK_ARGUMENTS }, { "async", JSK_ASYNC }, { "await", JSK_AWAIT },
	{ "break", JSK_BREAK }, { "case", JSK_CASE }, { "catch", JSK_CATCH },
	{ "class", JSK_CLASS }, { "const", JSK_CONST }, { "continue", JSK_CONTINUE },
	{ "debugger", JSK_DEBUGGER }, { "default", JSK_DEFAULT }, { "delete", JSK_DELETE },
	{ "do", JSK_DO }, { "else", JSK_ELSE }, { "enum", JSK_ENUM },
	{ "export", JSK_EXPORT }, { "extends", JSK_EXTENDS }, { "false", JSK_FALSE },
	{ "finally", JSK_FINALLY }, { "for", JSK_FOR }, { "function", JSK_FUNCTION },
	{ "get", JSK_GET }, { "if", JSK_IF }, { "import", JSK_IMPORT }, { "in", JSK_IN },
	{ "instanceof", JSK_INSTANCEOF }, { "let", JSK_LET }, { "new", JSK_NEW },
	{ "null", JSK_NULL }, { "of", JSK_OF }, { "return", JSK_RETURN }, { "set", JSK_SET },
	{ "static", JSK_STATIC }, { "super", JSK_SUPER }, { "switch", JSK_SWITCH },
	{ "this", JSK_THIS }, { "throw", JSK_THROW }, { "true", JSK_TRUE }, { "try", JSK_TRY },
	{ "typeof", JSK_TYPEOF }, { "var", JSK_VAR }, { "void", JSK_VOID },
	{ "while", JSK_WHILE }, { "with", JSK_WITH }, { "yield", JSK_YIELD },
};

static int kw_lookup(const char *s, size_t n)
{
	int lo = 0, hi = (int)ARRAY_LEN(kw_table) - 1;
	if (n < 2 || n > 10) return JSK_NONE;
	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		int c = strncmp(s, kw_table[mid].s, n);
		if (c == 0 && kw_table[mid].s[n] != '\0') c = -1;
		if (c == 0) return kw_table[mid].id;
		if (c < 0) hi = mid - 1; else lo = mid + 1;
	}
	return JSK_NONE;
}

/* Multi-character punctuators, longest first within each leading char. */
static const struct { const char *s; int op; } punct_table[] = {
	{ ">>>=", JSP_USHR_SET }, { "...", JSP_ELLIPSIS }, { "===", JSP_SEQ },
	{ "!==", JSP_SNE }, { "**=", JSP_EXP_SET }, { "<<=", JSP_SHL_SET },
	{ ">>=", JSP_SHR_SET }, { ">>>", JSP_USHR }, { "?\?=", JSP_NULLISH_SET },
	{ "&&=", JSP_LAND_SET }, { "||=", JSP_LOR_SET },
	{ "=>", JSP_ARROW }, { "==", JSP_EQ }, { "!=", JSP_NE }, { "<=", JSP_LE },
	{ ">=", JSP_GE }, { "&&", JSP_AND }, { "||", JSP_OR }, { "++", JSP_INC },
	{ "--", JSP_DEC }, { "<<", JSP_SHL }, { ">>", JSP_SHR }, { "+=", JSP_ADD_SET },
	{ "-=", JSP_SUB_SET }, { "*=", JSP_MUL_SET }, { "/=", JSP_DIV_SET },
	{ "%=", JSP_MOD_SET }, { "&=", JSP_AND_SET }, { "|=", JSP_OR_SET },
	{ "^=", JSP_XOR_SET }, { "**", JSP_EXP }, { "??", JSP_NULLISH },
};

/* Open-bracket kinds on the stack. */
enum { OPEN_PAREN, OPEN_COND_PAREN, OPEN_BRACKET, OPEN_BLOCK, OPEN_OBJECT, OPEN_SUBST };

typedef struct {
	int kind, tok;
} opener;

typedef struct {
	const char *s;
	size_t len, p;
	/* line/column cursor */
	size_t cpos;
	int cline, ccol;
	jst_list *out;
	jst_error *err;
	opener *stk;
	int nstk, capstk;
	int prev;          /* index of the previous token, -1 at start */
	int prev_closed;   /* kind closed by prev when it is ')' or '}' */
} tz;

static void cursor_to(tz *z, size_t to)
{
	const unsigned char *s = (const unsigned char *)z->s;
	while (z->cpos < to) {
		unsigned char c = s[z->cpos++];
		if (c == '\n' || (c == '\r' && !(z->cpos < z->len && s[z->cpos] == '\n'))) {
			z->cline++;
			z->ccol = 1;
		} else if ((c & 0xC0) != 0x80) {
			z->ccol++;
		}
	}
}

static int fail_at(tz *z, size_t pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail_at(tz *z, size_t pos, const char *fmt, ...)
{
	char msg[200];
	va_list ap;
	cursor_to(z, pos);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	jst_seterr(z->err, z->cline, z->ccol, "%s", msg);
	return -1;
}

static int is_id_start(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
		c == '\\' || c >= 0x80;
}

static int is_id_char(unsigned char c)
{
	return is_id_start(c) || (c >= '0' && c <= '9');
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Length of a Unicode space or line separator at s[p] (UTF-8), or 0. */
static size_t uni_space(const char *s, size_t len, size_t p)
{
	const unsigned char *u = (const unsigned char *)s + p;
	size_t left = len - p;
	if (left >= 2 && u[0] == 0xC2 && u[1] == 0xA0) return 2;             /* NBSP */
	if (left >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) return 3; /* BOM */
	if (left >= 3 && u[0] == 0xE2 && u[1] == 0x80 &&
		((u[2] >= 0x80 && u[2] <= 0x8A) || u[2] == 0xA8 || u[2] == 0xA9 || u[2] == 0xAF))
		return 3;
	if (left >= 3 && u[0] == 0xE2 && u[1] == 0x81 && u[2] == 0x9F) return 3;
	if (left >= 3 && u[0] == 0xE3 && u[1] == 0x80 && u[2] == 0x80) return 3;
	return 0;
}

/* End of a \uXXXX escape at p in an identifier, or 0 (MuJS takes no \u{...} there). */
static size_t unicode_escape(const char *s, size_t len, size_t p)
{
	size_t q = p + 2, digits = 0;
	if (p + 2 > len || s[p + 1] != 'u') return 0;
	if (q < len && s[q] == '{') {   /* \u{X...} (ES2015; the lowering rewrites it) */
		unsigned long cp = 0;
		for (q++; q < len && isxdigit((unsigned char)s[q]) && cp <= 0x10FFFF; q++, digits++)
			cp = cp * 16 + (unsigned long)(isdigit((unsigned char)s[q]) ? s[q] - '0' : (s[q] | 0x20) - 'a' + 10);
		return digits > 0 && q < len && s[q] == '}' && cp <= 0x10FFFF ? q + 1 : 0;
	}
	for (; digits < 4 && q < len && isxdigit((unsigned char)s[q]); q++) digits++;
	return digits == 4 ? q : 0;
}

static void push_open(tz *z, int kind, int tok)
{
	if (z->nstk == z->capstk) {
		z->capstk = z->capstk ? z->capstk * 2 : 64;
		z->stk = xrealloc(z->stk, (size_t)z->capstk * sizeof *z->stk);
	}
	z->stk[z->nstk].kind = kind;
	z->stk[z->nstk].tok = tok;
	z->nstk++;
}

static int add_token(tz *z, int type, size_t pos, size_t end, int op, int nl)
{
	jst_list *l = z->out;
	jst_token *t;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 256;
		l->t = xrealloc(l->t, (size_t)l->cap * sizeof *l->t);
	}
	t = &l->t[l->n];
	cursor_to(z, pos);
	t->pos = (uint32_t)pos;
	t->end = (uint32_t)end;
	t->line = z->cline;
	t->col = z->ccol;
	cursor_to(z, end > pos ? end - 1 : pos);
	t->end_line = z->cline;
	t->match = -1;
	t->op = (uint16_t)op;
	t->type = (uint8_t)type;
	t->nl_before = (uint8_t)nl;
	z->prev = l->n;
	z->prev_closed = -1;
	return l->n++;
}

/* Whether a '/' here starts a regular expression. */
static int regex_allowed(tz *z)
{
	const jst_token *p;
	if (z->prev < 0) return 1;
	p = &z->out->t[z->prev];
	switch (p->type) {
	case JST_NUM: case JST_STR: case JST_REGEX: case JST_TPL_FULL: case JST_TPL_TAIL:
		return 0;
	case JST_NAME:
		switch (p->op) {
		case JSK_RETURN: case JSK_TYPEOF: case JSK_INSTANCEOF: case JSK_IN:
		case JSK_NEW: case JSK_DELETE: case JSK_VOID: case JSK_THROW:
		case JSK_CASE: case JSK_DO: case JSK_ELSE: case JSK_YIELD: case JSK_AWAIT:
		case JSK_EXTENDS:
			return 1;
		default:
			return 0;
		}
	case JST_PUNCT:
		if (p->op == ')') return z->prev_closed == OPEN_COND_PAREN;
		if (p->op == '}') return z->prev_closed == OPEN_BLOCK;
		if (p->op == ']' || p->op == JSP_INC || p->op == JSP_DEC) return 0;
		return 1;
	default:
		return 1;
	}
}

/* Whether a '{' here opens a block (else an object literal or similar). */
static int brace_is_block(tz *z)
{
	const jst_token *p;
	if (z->prev < 0) return 1;
	p = &z->out->t[z->prev];
	if (p->type == JST_TPL_HEAD || p->type == JST_TPL_MID) return 0;
	if (p->type == JST_PUNCT) {
		switch (p->op) {
		case ')': case ';': case '{': case '}': case JSP_ARROW:
			return 1;
		case ':':
			return !(z->nstk > 0 && z->stk[z->nstk - 1].kind == OPEN_OBJECT);
		default:
			return 0;
		}
	}
	if (p->type == JST_NAME) {
		switch (p->op) {
		case JSK_RETURN: case JSK_TYPEOF: case JSK_CASE: case JSK_IN: case JSK_OF:
		case JSK_NEW: case JSK_DELETE: case JSK_VOID: case JSK_THROW:
		case JSK_INSTANCEOF: case JSK_YIELD: case JSK_AWAIT:
			return 0;
		default:
			return 1;
		}
	}
	return 1;
}

/* Scans template characters from p (just after ` or }) to the closing `
 * or to ${. Returns the end offset, sets *subst when it stopped at ${. */
static int scan_template(tz *z, size_t p, size_t *end, int *subst)
{
	const char *s = z->s;
	while (p < z->len) {
		char c = s[p];
		if (c == '`') { *end = p + 1; *subst = 0; return 0; }
		if (c == '$' && p + 1 < z->len && s[p + 1] == '{') { *end = p + 2; *subst = 1; return 0; }
		if (c == '\\') {
			p += 2;
			continue;
		}
		p++;
	}
	return -1;
}

static int scan_punct(tz *z, size_t p, int *op)
{
	const char *s = z->s;
	size_t left = z->len - p;
	for (size_t i = 0; i < ARRAY_LEN(punct_table); i++) {
		size_t n = strlen(punct_table[i].s);
		if (n <= left && memcmp(s + p, punct_table[i].s, n) == 0) {
			*op = punct_table[i].op;
			return (int)n;
		}
	}
	if (s[p] == '?' && left >= 2 && s[p + 1] == '.' && !(left >= 3 && is_digit((unsigned char)s[p + 2]))) {
		*op = JSP_OPTCHAIN;
		return 2;
	}
	if (strchr("{}()[];,<>+-*/%&|^!~?:=.@#", s[p])) {
		*op = (unsigned char)s[p];
		return 1;
	}
	return 0;
}

static int scan_number(tz *z, size_t p, size_t *end)
{
	const char *s = z->s;
	size_t q = p;
	if (s[q] == '0' && q + 1 < z->len && strchr("xXbBoO", s[q + 1])) {
		q += 2;
		while (q < z->len && (is_digit((unsigned char)s[q]) || strchr("abcdefABCDEF", s[q]))) q++;
		if (q == p + 2) return fail_at(z, p, "malformed number literal");
	} else {
		while (q < z->len && is_digit((unsigned char)s[q])) q++;
		if (q < z->len && s[q] == '.') {
			q++;
			while (q < z->len && is_digit((unsigned char)s[q])) q++;
		}
		if (q < z->len && (s[q] == 'e' || s[q] == 'E')) {
			size_t e = q + 1;
			if (e < z->len && (s[e] == '+' || s[e] == '-')) e++;
			if (e < z->len && is_digit((unsigned char)s[e])) {
				q = e;
				while (q < z->len && is_digit((unsigned char)s[q])) q++;
			}
		}
	}
	if (q < z->len && s[q] == 'n')
		return fail_at(z, p, "BigInt literals are not supported");
	if (q < z->len && s[q] == '_')
		return fail_at(z, p, "numeric separators are not supported");
	if (q < z->len && is_id_char((unsigned char)s[q]))
		return fail_at(z, q, "identifier starts immediately after a number");
	*end = q;
	return 0;
}

static int scan_regex(tz *z, size_t p, size_t *end)
{
	const char *s = z->s;
	size_t q = p + 1;
	int in_class = 0;
	for (;;) {
		if (q >= z->len || s[q] == '\n' || s[q] == '\r')
			return fail_at(z, p, "unterminated regular expression");
		if (s[q] == '\\') { q += 2; continue; }
		if (s[q] == '[') in_class = 1;
		else if (s[q] == ']') in_class = 0;
		else if (s[q] == '/' && !in_class) break;
		q++;
	}
	q++;
	while (q < z->len && is_id_char((unsigned char)s[q])) {
		if (!strchr("gim", s[q])) {
			char f[2] = { s[q], 0 };
			return fail_at(z, q, "regular expression flag '%s' is not supported (ES5 has g, i, m)", f);
		}
		q++;
	}
	*end = q;
	return 0;
}

static int scan_string(tz *z, size_t p, size_t *end)
{
	const char *s = z->s;
	char quote = s[p];
	size_t q = p + 1;
	for (;;) {
		if (q >= z->len || s[q] == '\n' || s[q] == '\r')
			return fail_at(z, p, "unterminated string literal");
		if (s[q] == '\\') {
			q++;
			if (q < z->len && s[q] == '\r' && q + 1 < z->len && s[q + 1] == '\n') q++;
			q++;
			continue;
		}
		if (s[q] == quote) break;
		q++;
	}
	*end = q + 1;
	return 0;
}

static const char *open_name(int kind)
{
	switch (kind) {
	case OPEN_PAREN: case OPEN_COND_PAREN: return "(";
	case OPEN_BRACKET: return "[";
	case OPEN_SUBST: return "${";
	default: return "{";
	}
}

int jst_tokenize(const char *src, size_t len, jst_list *out, jst_error *err)
{
	tz z;
	int rc = -1;
	memset(&z, 0, sizeof z);
	memset(out, 0, sizeof *out);
	out->src = src;
	out->len = len;
	z.s = src;
	z.len = len;
	z.cline = 1;
	z.ccol = 1;
	z.out = out;
	z.err = err;
	z.prev = -1;
	z.prev_closed = -1;
	if (len > 0x7fffff00u) {
		jst_seterr(err, 1, 1, "source too large");
		return -1;
	}
	for (;;) {
		int nl = 0, op = 0, tok;
		size_t p = z.p, end = 0;
		unsigned char c;
		/* whitespace and comments */
		for (;;) {
			size_t u;
			if (p >= len) break;
			c = (unsigned char)src[p];
			if (c == '\n' || c == '\r') { nl = 1; p++; }
			else if (c == ' ' || c == '\t' || c == '\v' || c == '\f') p++;
			else if (c == '/' && p + 1 < len && src[p + 1] == '/') {
				while (p < len && src[p] != '\n' && src[p] != '\r') p++;
			} else if (c == '/' && p + 1 < len && src[p + 1] == '*') {
				const char *e = NULL;
				size_t q;
				for (q = p + 2; q + 1 < len; q++)
					if (src[q] == '*' && src[q + 1] == '/') { e = src + q; break; }
				if (!e) { fail_at(&z, p, "unterminated comment"); goto out; }
				for (q = p + 2; q < (size_t)(e - src); q++)
					if (src[q] == '\n' || src[q] == '\r') nl = 1;
				p = (size_t)(e - src) + 2;
			} else if (c >= 0x80 && (u = uni_space(src, len, p)) > 0) {
				p += u;
			} else break;
		}
		if (p >= len) {
			if (z.nstk > 0) {
				const jst_token *o = &out->t[z.stk[z.nstk - 1].tok];
				if (z.stk[z.nstk - 1].kind == OPEN_SUBST)
					jst_seterr(err, o->line, o->col, "unterminated template literal");
				else
					jst_seterr(err, o->line, o->col, "'%s' is never closed",
						open_name(z.stk[z.nstk - 1].kind));
				goto out;
			}
			tok = add_token(&z, JST_EOF, len, len, 0, 1);
			rc = 0;
			goto out;
		}
		c = (unsigned char)src[p];
		if (is_id_start(c)) {
			end = p;
			while (end < len && is_id_char((unsigned char)src[end]) && !uni_space(src, len, end)) {
				if (src[end] == '\\') {
					size_t e = unicode_escape(src, len, end);
					if (!e) {
						fail_at(&z, end, "unexpected '\\' (identifiers allow only \\uXXXX escapes)");
						goto out;
					}
					end = e;
				} else end++;
			}
			add_token(&z, JST_NAME, p, end, kw_lookup(src + p, end - p), nl);
		} else if (is_digit(c) || (c == '.' && p + 1 < len && is_digit((unsigned char)src[p + 1]))) {
			if (scan_number(&z, p, &end)) goto out;
			add_token(&z, JST_NUM, p, end, 0, nl);
		} else if (c == '"' || c == '\'') {
			if (scan_string(&z, p, &end)) goto out;
			add_token(&z, JST_STR, p, end, 0, nl);
		} else if (c == '`') {
			int subst;
			if (scan_template(&z, p + 1, &end, &subst)) {
				fail_at(&z, p, "unterminated template literal");
				goto out;
			}
			tok = add_token(&z, subst ? JST_TPL_HEAD : JST_TPL_FULL, p, end, 0, nl);
			if (subst) push_open(&z, OPEN_SUBST, tok);
		} else if (c == '/' && regex_allowed(&z)) {
			if (scan_regex(&z, p, &end)) goto out;
			add_token(&z, JST_REGEX, p, end, 0, nl);
		} else {
			int n = scan_punct(&z, p, &op);
			if (n == 0) {
				char ch[8];
				snprintf(ch, sizeof ch, c >= 0x20 && c < 0x7f ? "%c" : "\\x%02x", c);
				fail_at(&z, p, "unexpected character '%s'", ch);
				goto out;
			}
			end = p + (size_t)n;
			if (op == '(' || op == '[' || op == '{') {
				int kind = op == '[' ? OPEN_BRACKET : OPEN_PAREN;
				if (op == '(' && z.prev >= 0 && out->t[z.prev].type == JST_NAME) {
					int k = out->t[z.prev].op;
					if (k == JSK_IF || k == JSK_WHILE || k == JSK_FOR || k == JSK_WITH)
						kind = OPEN_COND_PAREN;
				}
				if (op == '{') kind = brace_is_block(&z) ? OPEN_BLOCK : OPEN_OBJECT;
				tok = add_token(&z, JST_PUNCT, p, end, op, nl);
				push_open(&z, kind, tok);
			} else if (op == ')' || op == ']' || op == '}') {
				opener o;
				int want;
				if (z.nstk == 0) {
					char ch[2] = { (char)op, 0 };
					fail_at(&z, p, "unmatched '%s'", ch);
					goto out;
				}
				o = z.stk[--z.nstk];
				want = o.kind == OPEN_BRACKET ? ']' :
					(o.kind == OPEN_PAREN || o.kind == OPEN_COND_PAREN) ? ')' : '}';
				if (want != op) {
					char ch[2] = { (char)op, 0 };
					fail_at(&z, p, "unmatched '%s'", ch);
					goto out;
				}
				if (o.kind == OPEN_SUBST) {
					int subst;
					if (scan_template(&z, p + 1, &end, &subst)) {
						const jst_token *h = &out->t[o.tok];
						jst_seterr(err, h->line, h->col, "unterminated template literal");
						goto out;
					}
					tok = add_token(&z, subst ? JST_TPL_MID : JST_TPL_TAIL, p, end, 0, nl);
					out->t[o.tok].match = tok;
					out->t[tok].match = o.tok;
					if (subst) push_open(&z, OPEN_SUBST, tok);
				} else {
					tok = add_token(&z, JST_PUNCT, p, end, op, nl);
					out->t[o.tok].match = tok;
					out->t[tok].match = o.tok;
					z.prev_closed = o.kind;
				}
			} else {
				add_token(&z, JST_PUNCT, p, end, op, nl);
			}
		}
		z.p = end;
	}
out:
	free(z.stk);
	if (rc) jst_free(out);
	return rc;
}

void jst_free(jst_list *l)
{
	free(l->t);
	l->t = NULL;
	l->n = l->cap = 0;
}

size_t jst_len(const jst_list *l, int i)
{
	return l->t[i].end - l->t[i].pos;
}

int jst_is(const jst_list *l, int i, const char *text)
{
	size_t n = strlen(text);
	return i >= 0 && i < l->n && jst_len(l, i) == n && memcmp(l->src + l->t[i].pos, text, n) == 0;
}

int jst_punct(const jst_list *l, int i, int op)
{
	return i >= 0 && i < l->n && l->t[i].type == JST_PUNCT && l->t[i].op == op;
}
