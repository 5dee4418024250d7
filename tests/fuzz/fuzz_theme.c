/* fuzz_theme: theme checks and resolution on arbitrary JSON. Whatever a
 * body or a stored theme holds, every value that reaches the shell's
 * <style> keeps to hex colours, plain font lists, numbers and fixed words:
 * no quote, ';', '{', '}', '<', '>' or '\' (which could leave the rule or
 * the element), else abort. */
#include "theme.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void style_safe(const cJSON *t)
{
	const cJSON *it;
	cJSON_ArrayForEach(it, t) {
		if (cJSON_IsObject(it)) { style_safe(it); continue; }
		if (!cJSON_IsString(it) || !strcmp(it->string, "logo") || !strcmp(it->string, "favicon") ||
		    !strcmp(it->string, "name"))
			continue;   /* attribute or JSON only, escaped there */
		if (strpbrk(it->valuestring, "\"';{}<>\\\n\r")) abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = 0;
	/* as a stored theme */
	cJSON *t = theme_resolve(text);
	cJSON *p = theme_public(t);
	style_safe(p);
	cJSON *w = theme_warnings(t);
	cJSON_Delete(w);
	cJSON_Delete(p);
	/* as a PUT body: when accepted, the merged draft is as safe */
	cJSON *body = cJSON_Parse(text);
	const char *field = NULL;
	if (body && !theme_problem(body, &field)) {
		cJSON *m = theme_merge(t, body);
		cJSON *mp = theme_public(m);
		style_safe(mp);
		cJSON_Delete(mp);
		cJSON_Delete(m);
	}
	cJSON_Delete(body);
	cJSON_Delete(t);
	free(text);
	return 0;
}
