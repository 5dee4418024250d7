/* fuzz_vibe: libFuzzer harness for the vibe-code front end that runs
 * OUTSIDE the sandbox -- jstok, jslower, jscheck (validation in admin.cgi,
 * on-the-fly compiles of drafts in the worker) and the render-time guard.
 * Build and run (clang):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_GNU_SOURCE -Isrc \
 *     -o build/fuzz_vibe tests/fuzz/fuzz_vibe.c src/jscheck.c src/jslower.c src/jstok.c src/util.c
 *   mkdir -p build/fuzz-corpus
 *   build/fuzz_vibe -max_len=4096 build/fuzz-corpus tests/vibe/hostile templates/blocks tests/vibe/seed
 * Checked for 9 minutes (~2M inputs) when the hostile corpus was added: no finding. */
#include "jscheck.h"
#include "jslower.h"
#include "jstok.h"
#include "util.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = 0;
	size_t len = strlen(s);
	jsc_result r;
	jsc_check(s, len, 64 * 1024, &r);
	jsc_free(&r);
	sbuf out = SBUF_INIT;
	jsl_error e;
	if (jsl_lower(s, len, &out, &e) == 0) {
		/* the lowering's output is ES5 the guard and the tokenizer accept */
		jsc_issue why;
		jsc_unsafe_es5(sb_str(&out), out.len, &why);
	}
	sb_free(&out);
	free(s);
	return 0;
}
