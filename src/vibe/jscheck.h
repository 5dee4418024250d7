/* jscheck: static checks of vibe code on the merchant's original source:
 * size, syntax and subset (through jslower), entry point and parameter
 * names (DESIGN §7), forbidden features as security issues. The result maps
 * onto the seed's CodeValidationResult {isValid, errors, warnings,
 * securityIssues}, each item {line, column, message}. */
#ifndef JSCHECK_H
#define JSCHECK_H

#include <stddef.h>

#define JSC_MAX_PARAMS 16
#define JSC_NAME_MAX 64

typedef struct jsc_issue {
	int line, column;          /* 1-based, in the original source */
	char message[256];
} jsc_issue;

typedef struct jsc_list {
	jsc_issue *v;
	int n, cap;
} jsc_list;

typedef struct jsc_result {
	int valid;                 /* no errors and no security issues */
	jsc_list errors, warnings, security;
	char entry[JSC_NAME_MAX];  /* entry function name, "" if none */
	int entry_line, entry_column;
	int nparams;               /* its parameters, in order */
	char params[JSC_MAX_PARAMS][JSC_NAME_MAX];
} jsc_result;

/* 1 when a parameter may have this name: an input of vref.h's table (DESIGN §7). */
int jsc_is_input(const char *name);

/* Checks src[0..len). max_bytes is the code size limit (0: none).
 * Returns 0 when valid, -1 otherwise; r is filled either way and must be
 * released with jsc_free. */
int jsc_check(const char *src, size_t len, size_t max_bytes, jsc_result *r);
void jsc_free(jsc_result *r);

/* The last line of defence for code that skipped validation (a snapshot
 * edited by hand): MuJS compiles a direct call of a name that reads eval
 * (also spelled with \u escapes) into its own eval instruction, and
 * `debugger` into a dump of the interpreter to stdout, whatever the global
 * bindings say. -1 with why filled when the ES5 has either. */
int jsc_unsafe_es5(const char *src, size_t len, jsc_issue *why);

#endif
