/* fuzz_vibe: the vibe-code front end (tokenizer, static checks, ES2015
 * lowering) on arbitrary source. Nothing is executed. */
#include "jscheck.h"
#include "jslower.h"
#include "util.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
	return 0;
}
