/* jslower: lowers the ES2015 subset vibe code may use to ES5 for MuJS,
 * line-preserving: line N of the output holds the code of line N of the
 * input, so MuJS error lines are the merchant's lines. */
#ifndef JSLOWER_H
#define JSLOWER_H

/* Supported: template literals (nested, ${} holding anything; become
 * "a".concat(x, "b"), 32 arguments per call), arrow functions (expression
 * and block bodies; lexical this/arguments through captured variables),
 * let/const (var; renamed where a clash would change meaning; loop bodies
 * whose closures capture per-iteration bindings run in an IIFE; const
 * reassignment is an error), shorthand properties and methods, default and
 * rest parameters, spread in calls and array literals, for-of over arrays
 * and array-likes (indexing), 0b/0o literals, \u{...} escapes.
 * Anything else from ES2015+ (class, destructuring, async/await,
 * generators, import/export, tagged templates, computed keys, object
 * spread, **, ?., ??, ...) is an error naming the feature at its 1-based
 * line and column (columns count code points). ES2015's early errors are
 * errors here too (redeclarations, declarations as a single statement,
 * duplicate or strict non-simple parameters...). TDZ: a let/const (or a
 * parameter, in defaults) used before its declaration in the same function
 * is a ReferenceError, and so is a read from a closure of a function-level
 * let/const before it ran (checked at run time); a block's binding read
 * early from a closure is undefined. for-of takes arrays, strings and
 * array-likes (anything else is a TypeError), not other iterables.
 * Defaults run at the start of the lowered body: one that uses a name the
 * body declares with var or function is refused.
 * Measured by `make test262` (tests/test262/known-mujs.txt lists what
 * fails and why). */

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
