/* jslower: lowers the ES2015 subset that vibe code may use (template
 * literals, arrow functions, let/const, shorthand properties and methods,
 * default and rest parameters, spread in calls and array literals,
 * for-of over arrays) to ES5 source for MuJS. Line-preserving: line N of
 * the output holds the code of line N of the input, so MuJS error lines
 * are the merchant's lines. Anything else from ES2015+ is an error naming
 * the feature at its 1-based line and column. */
#ifndef JSLOWER_H
#define JSLOWER_H

#include <stddef.h>
#include "jstok.h"
#include "util.h"

typedef jst_error jsl_error;

/* Deepest nesting of statements/expressions accepted; deeper input is an
 * error ("nesting too deep") rather than a stack overflow. MuJS itself
 * refuses expressions nested about 100 deep. */
#define JSL_MAX_DEPTH 256

/* Appends the ES5 lowering of src[0..len) to out and returns 0, or returns
 * -1 with err filled (out is left as it was). Runtime and compile errors
 * from MuJS carry lines only, which map 1:1; columns are not mapped. */
int jsl_lower(const char *src, size_t len, sbuf *out, jsl_error *err);

#endif
