/* fuzz_request: the request parser (path percent-decoding and UTF-8,
 * query and cookie pairs, Host normalisation) on arbitrary bytes. The
 * input is split at the first three NULs into URI, Host, Cookie, rest. */
#include "http.h"
#include "html.h"
#include "tenant.h"
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	memcpy(buf, data, size);
	buf[size] = 0;
	const char *parts[4] = { buf, "", "", "" };
	size_t off = 0;
	for (int i = 1; i < 4; i++) {
		off += strlen(buf + off) + 1;
		if (off > size) break;
		parts[i] = buf + off;
	}
	sbuf uri = SBUF_INIT, host = SBUF_INIT, cookie = SBUF_INIT;
	sb_printf(&uri, "REQUEST_URI=%s", parts[0]);
	sb_printf(&host, "HTTP_HOST=%s", parts[1]);
	sb_printf(&cookie, "HTTP_COOKIE=%s", parts[2]);
	char *env[] = { "REQUEST_METHOD=GET", uri.s, host.s, cookie.s, NULL };
	req r;
	http_begin(&r, env, NULL, NULL);
	(void)http_query(&r, "q");
	(void)http_cookie(&r, "sid");
	http_end(&r);
	char out[256];
	host_normalize(parts[3], out, sizeof out);
	sbuf b = SBUF_INIT;
	html_text(&b, parts[3]);
	html_attr(&b, parts[3]);
	url_component(&b, parts[3]);
	json_string(&b, parts[3]);
	utf8_valid(parts[3], strlen(parts[3]));
	sb_free(&b);
	sb_free(&uri);
	sb_free(&host);
	sb_free(&cookie);
	free(buf);
	return 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];
	config_load(NULL, err, sizeof err);
	return 0;
}
