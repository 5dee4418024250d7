/* fuzz_tmpl: the template parser and renderer on arbitrary templates. */
#include "tmpl.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	char err[256];
	tmpl *t = tmpl_parse(text, err, sizeof err);
	if (t) {
		cJSON *d = cJSON_Parse("{\"a\":\"<x>\",\"list\":[{\"b\":1},{\"b\":\"two\"}],\"o\":{\"p\":{\"q\":true}},\"e\":[]}");
		sbuf out = SBUF_INIT;
		tmpl_render(t, d, &out);
		sb_free(&out);
		cJSON_Delete(d);
		tmpl_free(t);
	}
	free(text);
	return 0;
}
