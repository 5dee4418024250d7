/* jsprelude: the ES2015+ library methods vibe code commonly uses, added to
 * a MuJS 1.3.2 state as non-enumerable C functions where MuJS lacks them. */
#ifndef JSPRELUDE_H
#define JSPRELUDE_H

/* Array#find/findIndex/includes/fill/flat/flatMap, Array.from/of, String#
 * startsWith/endsWith/includes/padStart/padEnd/repeat/replaceAll/trimStart/
 * trimEnd, Object.assign/values/entries/fromEntries, Number.isInteger/
 * isFinite/isNaN/isSafeInteger and constants, Math.trunc/sign/log10/log2/
 * cbrt/hypot. Object.assign/values/entries read own enumerable properties
 * of objects only (string sources are skipped); Array.from reads array-likes
 * and strings, not iterators (ES5 has none). */

#include <mujs.h>

/* Longest string the prelude builds (repeat, padStart...), in bytes. */
#define JSP_STRING_MAX (16 << 20)

void jsp_install(js_State *J);

#endif
