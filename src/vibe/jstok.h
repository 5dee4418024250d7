/* jstok: the JavaScript (ES2015 surface) tokenizer shared by the lowering
 * (jslower) and the static checks (jscheck). Decides regex vs division from
 * the previous significant token, tracks template-literal nesting, matches
 * brackets, and records the 1-based line/column of every token. It never
 * recurses, so any nesting depth costs heap, not stack. */
#ifndef JSTOK_H
#define JSTOK_H

#include <stddef.h>
#include <stdint.h>

enum jst_type {
	JST_EOF,
	JST_NAME,       /* identifier or keyword; op holds the keyword id */
	JST_NUM,
	JST_STR,
	JST_REGEX,
	JST_PUNCT,      /* op holds the punctuator code */
	JST_TPL_FULL,   /* `...`   a template without substitutions */
	JST_TPL_HEAD,   /* `...${ */
	JST_TPL_MID,    /* }...${ */
	JST_TPL_TAIL,   /* }...`  */
};

/* Punctuators of more than one character; single ones use their char. */
enum jst_punct {
	JSP_ARROW = 256,  /* => */
	JSP_ELLIPSIS,     /* ... */
	JSP_EQ, JSP_SEQ, JSP_NE, JSP_SNE,          /* == === != !== */
	JSP_LE, JSP_GE, JSP_AND, JSP_OR,            /* <= >= && || */
	JSP_INC, JSP_DEC, JSP_SHL, JSP_SHR, JSP_USHR,
	JSP_ADD_SET, JSP_SUB_SET, JSP_MUL_SET, JSP_DIV_SET, JSP_MOD_SET,
	JSP_SHL_SET, JSP_SHR_SET, JSP_USHR_SET, JSP_AND_SET, JSP_OR_SET,
	JSP_XOR_SET,
	/* beyond ES2015: recognised only to be reported */
	JSP_EXP, JSP_EXP_SET,                       /* ** **= */
	JSP_OPTCHAIN, JSP_NULLISH, JSP_NULLISH_SET, /* ?. ?? ??= */
	JSP_LAND_SET, JSP_LOR_SET,                  /* &&= ||= */
};

/* Keyword ids (op of a JST_NAME); 0 for plain identifiers. Contextual
 * words (let, of, get, set, async...) are ids too; the parser decides. */
enum jst_kw {
	JSK_NONE,
	JSK_BREAK, JSK_CASE, JSK_CATCH, JSK_CLASS, JSK_CONST, JSK_CONTINUE,
	JSK_DEBUGGER, JSK_DEFAULT, JSK_DELETE, JSK_DO, JSK_ELSE, JSK_ENUM,
	JSK_EXPORT, JSK_EXTENDS, JSK_FALSE, JSK_FINALLY, JSK_FOR, JSK_FUNCTION,
	JSK_IF, JSK_IMPORT, JSK_IN, JSK_INSTANCEOF, JSK_NEW, JSK_NULL,
	JSK_RETURN, JSK_SUPER, JSK_SWITCH, JSK_THIS, JSK_THROW, JSK_TRUE,
	JSK_TRY, JSK_TYPEOF, JSK_VAR, JSK_VOID, JSK_WHILE, JSK_WITH,
	JSK_RESERVED_END, /* ids above are contextual, usable as identifiers */
	JSK_LET, JSK_OF, JSK_GET, JSK_SET, JSK_ASYNC, JSK_AWAIT, JSK_YIELD,
	JSK_STATIC, JSK_ARGUMENTS,
};

typedef struct jst_token {
	uint32_t pos, end;  /* byte offsets [pos, end) into the source */
	int line, col;      /* 1-based position of pos; col counts code points */
	int end_line;       /* line of the token's last character */
	int match;          /* matching bracket, or next/previous template part */
	uint16_t op;        /* punctuator code or keyword id */
	uint8_t type;       /* enum jst_type */
	uint8_t nl_before;  /* a line break separates it from the previous token */
} jst_token;

typedef struct jst_list {
	jst_token *t;       /* n tokens, the last one JST_EOF */
	int n, cap;
	const char *src;
	size_t len;
} jst_list;

typedef struct jst_error {
	int line, column;   /* 1-based, in the original source */
	char message[256];
} jst_error;

/* Tokenizes src. Returns 0, or -1 with err filled (out is then empty). */
int jst_tokenize(const char *src, size_t len, jst_list *out, jst_error *err);
void jst_free(jst_list *l);

/* Token text comparisons. */
int jst_is(const jst_list *l, int i, const char *text);
int jst_punct(const jst_list *l, int i, int op);
size_t jst_len(const jst_list *l, int i);

void jst_seterr(jst_error *err, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
